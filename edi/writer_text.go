package edi

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
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
	return code + s + ansiReset
}

// phiSegments carry names, addresses, member ids or birth dates: they are
// never quoted, only named.
var phiSegments = map[string]bool{"NM1": true, "N3": true, "N4": true, "DMG": true, "PER": true, "PAT": true, "REF": true, "SBR": true}

// quoteSegment returns the segment as it would be shown and the column
// (in runes) of the element at fault.
func quoteSegment(content []byte, d Delimiters, elem, comp int) (string, int) {
	id := content
	if i := bytes.IndexByte(content, d.Element); i >= 0 {
		id = content[:i]
	}
	if phiSegments[string(id)] {
		return string(id) + char(d.Element) + "… (not shown: may hold protected health information)", 0
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
		col = utf8.RuneCount(content[:pos])
	}
	return string(content) + char(d.Segment), col
}

// Render formats the findings of one transaction.
func (p *TextPrinter) Render(buf []byte, res *Result) []byte {
	tx := res.Tx
	b := bytes.NewBuffer(buf)
	for ci := range res.Claims {
		c := &tx.Claims[ci]
		for fi := range res.Claims[ci].Findings {
			p.finding(b, tx, c, &res.Claims[ci].Findings[fi])
		}
	}
	return b.Bytes()
}

func (p *TextPrinter) finding(b *bytes.Buffer, tx *Transaction, c *Claim, f *Finding) {
	seg := f.Seg
	if seg < 0 || seg >= len(tx.Segs) {
		seg = c.Seg
	}
	where := fmt.Sprintf("%s:%d (byte %d)", tx.Interchange.File, seg+1, tx.SegOffset(seg))
	who := "claim " + c.ID
	if lx := c.LineLX(f); lx != "" {
		who += " line " + lx
	}
	sev := p.paint(ansiYellow, "warning")
	if f.Severity == SeverityError {
		sev = p.paint(ansiRed, "error")
	}
	fmt.Fprintf(b, "%s: %s: %s %s: %s\n", p.paint(ansiBold, where), who, p.paint(ansiBold, f.Rule), sev, f.Message)
	if tx.Segs[seg].ID != SegTruncated {
		quoted, col := quoteSegment(tx.Content(seg), tx.Interchange.Delims, f.Elem, f.Comp)
		b.WriteString("    ")
		b.WriteString(quoted)
		b.WriteByte('\n')
		if f.Elem > 0 {
			b.WriteString("    ")
			b.WriteString(strings.Repeat(" ", col))
			b.WriteString(p.paint(ansiBold, "^ "+ElementRef(tx.SegIDAt(seg), f.Elem, f.Comp)))
			b.WriteByte('\n')
		}
	}
	if f.Hint != "" {
		b.WriteString("    ")
		b.WriteString(p.paint(ansiDim, "fix: "+f.Hint))
		b.WriteByte('\n')
	}
}

// Write prints a transaction's findings, and envelope problems found outside
// transactions (a wrong GE or IEA count, a stray segment).
func (p *TextPrinter) Write(it *Item, res *Result, rendered []byte) error {
	if it.Tx != nil {
		return writeAll(p.W, rendered)
	}
	if it.Kind == ItemJunk {
		return nil
	}
	var probs []Problem
	switch {
	case it.Kind == ItemGroupEnd && it.Group != nil:
		probs = it.Group.Problems
	case it.Kind == ItemInterchangeEnd && it.Interchange != nil:
		probs = it.Interchange.Problems
	case it.Problem != nil:
		probs = []Problem{*it.Problem}
	}
	file := ""
	if it.Interchange != nil {
		file = it.Interchange.File
	}
	for _, pr := range probs {
		if _, err := fmt.Fprintf(p.W, "%s (byte %d): %s %s: %s\n", p.paint(ansiBold, file), pr.Offset,
			p.paint(ansiBold, pr.Rule), p.paint(ansiRed, "error"), pr.Msg); err != nil {
			return err
		}
	}
	return nil
}

// Close prints the summary.
func (p *TextPrinter) Close(s *Summary) error {
	var b strings.Builder
	if s.Claims > 0 || s.Envelope > 0 {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%s read: %s accepted, %s rejected\n", Plural(s.Claims, "claim"),
		p.paint(ansiBold, strconv.Itoa(s.Accepted)), p.paint(ansiBold, strconv.Itoa(s.Rejected)))
	if len(s.ByRule) > 0 {
		fmt.Fprintf(&b, "findings by rule: %s\n", s.rules())
	}
	if s.Envelope > 0 {
		fmt.Fprintf(&b, "envelope problems outside transactions: %d\n", s.Envelope)
	}
	fmt.Fprintf(&b, "elapsed: %s\n", s.Elapsed)
	_, err := io.WriteString(p.W, b.String())
	return err
}
