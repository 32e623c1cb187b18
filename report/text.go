package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
)

// TextPrinter writes compiler-style diagnostics for people: one block per
// finding, the offending segment quoted with a caret under the element at
// fault, and a fix hint; a summary at the end.
type TextPrinter struct {
	W     io.Writer
	Color bool
}

const (
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

func (p *TextPrinter) paint(code, s string) string {
	if !p.Color {
		return s
	}
	return string(p.appendPaint(nil, code, s))
}

// appendPaint appends the parts of s, in color when asked. Findings are
// appended in place, so that Render allocates nothing per finding.
func (p *TextPrinter) appendPaint(b []byte, code string, s ...string) []byte {
	if p.Color {
		b = append(b, code...)
	}
	for _, x := range s {
		b = append(b, x...)
	}
	if p.Color {
		b = append(b, ansiReset...)
	}
	return b
}

// phiSegment tells the segments that carry names, addresses, member ids or
// birth dates: they are never quoted, only named.
func phiSegment(id []byte) bool {
	switch string(id) {
	case "NM1", "N3", "N4", "DMG", "PER", "PAT", "REF", "SBR":
		return true
	}
	return false
}

// appendQuotedSegment appends the segment as it is shown, control
// characters escaped, and returns the column (in runes) of the element at
// fault.
func appendQuotedSegment(b, content []byte, d edi.Delimiters, elem, comp int) ([]byte, int) {
	id := content
	if i := bytes.IndexByte(content, d.Element); i >= 0 {
		id = content[:i]
	}
	if phiSegment(id) {
		b = append(b, id...)
		b = append(b, d.Element)
		return append(b, "… (not shown: may hold protected health information)"...), 0
	}
	col := 0
	if elem > 0 {
		pos, seen := -1, 0
		for i, c := range content {
			if c == d.Element {
				seen++
				if seen == elem {
					pos = i + 1
					break
				}
			}
		}
		if pos < 0 {
			pos = len(content) // the element is missing: point past the end
		}
		for k := 1; k < comp && pos < len(content); {
			j := bytes.IndexByte(content[pos:], d.Component)
			e := bytes.IndexByte(content[pos:], d.Element)
			if j < 0 || (e >= 0 && e < j) {
				break
			}
			pos += j + 1
			k++
		}
		if needsEscape(content[:pos]) {
			col = utf8.RuneCount(appendEscaped(nil, content[:pos]))
		} else {
			col = pos
		}
	}
	b = appendEscaped(b, content)
	return appendEscaped(b, []byte{d.Segment}), col
}

// Render formats the findings of one transaction.
func (p *TextPrinter) Render(b []byte, res *finding.Result) []byte {
	tx, m := res.Tx, res.Model
	pos := newPositions(tx)
	for ci := range res.Claims {
		if len(res.Claims[ci].Findings) == 0 {
			continue
		}
		c := &m.Claims[ci]
		pos.claim(tx, c.Seg)
		for fi := range res.Claims[ci].Findings {
			b = p.appendFinding(b, tx, c, &res.Claims[ci].Findings[fi], &pos)
		}
	}
	return b
}

const indent = "    "

// appendFinding appends one finding's block:
//
//	file:line:column: claim ID [line LX]: RULE severity: message
//	    the segment, quoted (or only named)
//	    ^ the element at fault, under it
//	    fix: the hint
func (p *TextPrinter) appendFinding(b []byte, tx *edi.Transaction, c *claim.Claim, f *finding.Finding, pos *positions) []byte {
	seg := f.Seg
	if seg < 0 || seg >= len(tx.Segs) {
		seg = c.Seg
	}
	line, col := pos.at(tx.ElementAt(seg, f.Elem, f.Comp))
	if p.Color {
		b = append(b, ansiBold...)
	}
	b = appendEscaped(b, tx.Interchange.File)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(col), 10)
	if p.Color {
		b = append(b, ansiReset...)
	}
	b = append(b, ": claim "...)
	b = appendEscaped(b, c.ID)
	if lx := c.LineLX(f.Line); lx != "" {
		b = append(b, " line "...)
		b = appendEscaped(b, lx)
	}
	b = append(b, ": "...)
	b = p.appendPaint(b, ansiBold, f.Rule)
	b = append(b, ' ')
	if f.Severity == finding.SeverityError {
		b = p.appendPaint(b, ansiRed, "error")
	} else {
		b = p.appendPaint(b, ansiYellow, "warning")
	}
	b = append(b, ": "...)
	b = appendEscaped(b, f.Message)
	b = append(b, '\n')
	if tx.Segs[seg].ID != edi.SegTruncated {
		b = append(b, indent...)
		var col int
		b, col = appendQuotedSegment(b, tx.Content(seg), tx.Interchange.Delims, f.Elem, f.Comp)
		b = append(b, '\n')
		if f.Elem > 0 {
			b = append(b, indent...)
			for range col {
				b = append(b, ' ')
			}
			if p.Color {
				b = append(b, ansiBold...)
			}
			b = append(b, "^ "...)
			b = appendElementRef(b, tx.SegIDBytes(seg), f.Elem, f.Comp)
			if p.Color {
				b = append(b, ansiReset...)
			}
			b = append(b, '\n')
		}
	}
	if f.Hint != "" {
		b = append(b, indent...)
		b = p.appendPaint(b, ansiDim, "fix: ", Escape(f.Hint))
		b = append(b, '\n')
	}
	return b
}

// Write prints a transaction's findings, and envelope problems found outside
// transactions (a wrong GE or IEA count, a stray segment).
func (p *TextPrinter) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	if it.Tx != nil {
		return writeAll(p.W, rendered)
	}
	if it.Kind == edi.ItemJunk {
		return nil
	}
	var probs []edi.Problem
	switch {
	case it.Kind == edi.ItemGroupEnd && it.Group != nil:
		probs = it.Group.Problems
	case it.Kind == edi.ItemInterchangeEnd && it.Interchange != nil:
		probs = it.Interchange.Problems
	case it.Problem != nil:
		probs = []edi.Problem{*it.Problem}
	}
	file := ""
	if it.Interchange != nil {
		file = Escape(it.Interchange.File)
	}
	for _, pr := range probs {
		if _, err := fmt.Fprintf(p.W, "%s (byte %d): %s %s: %s\n", p.paint(ansiBold, file), pr.Offset,
			p.paint(ansiBold, pr.Rule), p.paint(ansiRed, "error"), Escape(pr.Msg)); err != nil {
			return err
		}
	}
	return nil
}

// Close writes nothing: the run's summary goes to standard error, from
// the command, whatever the format.
func (p *TextPrinter) Close(*finding.Summary) error { return nil }
