package report

import (
	"bytes"
	"cmp"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/mem"
)

// AnnotatedPrinter writes the input byte for byte with one change: each
// service line that caused a rejection gets an NTE*ADD line note (rule ids
// first, then the shortest message that fits in 80 characters) where the
// 2400 loop allows it; when the line already has a note, the claim's 2300
// NTE is used if free. SE01 is corrected where notes were inserted.
type AnnotatedPrinter struct {
	W io.Writer
}

// maxNote is NTE02's maximum length (005010X222A1).
const maxNote = 80

// note is one NTE*ADD to insert before segment at; text is a window on the
// render's scratch buffer.
type note struct {
	at         int
	start, end int
}

// notes holds one transaction's notes while it is rendered: their text in
// one buffer, and where each goes.
type notes struct {
	d     edi.Delimiters
	segs  int // the transaction's segments
	text  []byte
	claim []byte // the claim note being built
	list  []note
	ids   []string // a line's rule ids, deduplicated
}

// appendNoteText appends "PREFIXRULE-A,RULE-B - message" for the error
// findings of line (in the order they were found) and reports whether any
// was found. The text is raw: fit makes it a note.
func (n *notes) appendNoteText(b, prefix []byte, fs []finding.Finding, line int) ([]byte, bool) {
	n.ids = n.ids[:0]
	msg := ""
	for i := range fs {
		f := &fs[i]
		if f.Severity != finding.SeverityError || f.Line != line {
			continue
		}
		dup := false
		for _, id := range n.ids {
			dup = dup || id == f.Rule
		}
		if !dup {
			n.ids = append(n.ids, f.Rule)
		}
		if msg == "" {
			msg = f.Message
		}
	}
	if len(n.ids) == 0 {
		return b, false
	}
	b = append(b, prefix...)
	for i, id := range n.ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, id...)
	}
	b = append(b, " - "...)
	return append(b, msg...), true
}

// fit makes b[from:] a note that X12 accepts, in place: upper case (but
// for values quoted from the input, which keep their case), no
// delimiters or control characters, single spaces, at most 80 characters
// cut at a word. It returns b cut to the note's end.
func (n *notes) fit(b []byte, from int) []byte {
	for _, c := range b[from:] {
		if c >= utf8.RuneSelf {
			// Rare (a value quoted from the input): fitNote's Unicode rules.
			return append(b[:from], fitNote(string(b[from:]), n.d)...)
		}
	}
	d := n.d
	w := from
	space := false  // a space is pending: written before the next word
	quoted := false // inside "…": a value quoted from the input keeps its case
	for _, c := range b[from:] {
		if c == d.Element || c == d.Component || c == d.Segment || (d.Repetition != 0 && c == d.Repetition) || c <= ' ' || c == 0x7F {
			space = w > from
			continue
		}
		if space {
			b[w] = ' '
			w++
			space = false
		}
		if c == '"' {
			quoted = !quoted
		}
		if 'a' <= c && c <= 'z' && !quoted {
			c -= 'a' - 'A'
		}
		b[w] = c
		w++
	}
	s := b[from:w]
	if len(s) > maxNote {
		cut := bytes.LastIndexByte(s[:maxNote+1], ' ')
		if cut < maxNote/2 {
			cut = maxNote
		}
		s = bytes.TrimRight(s[:cut], " ")
	}
	return b[:from+len(s)]
}

// fitNote is fit for any text: upper case by Unicode's rules, then every
// byte that is not printable ASCII becomes a space. (A few letters upper
// case to ASCII: "ı" to "I".)
func fitNote(s string, d edi.Delimiters) string {
	parts := strings.Split(s, `"`)
	for i := 0; i < len(parts); i += 2 { // outside quotes: a quoted value keeps its case
		parts[i] = strings.ToUpper(parts[i])
	}
	b := []byte(strings.Join(parts, `"`))
	for i, c := range b {
		if c == d.Element || c == d.Component || c == d.Segment || (d.Repetition != 0 && c == d.Repetition) || c < 0x20 || c >= 0x7F {
			b[i] = ' '
		}
	}
	s = strings.Join(strings.Fields(string(b)), " ")
	if len(s) > maxNote {
		cut := strings.LastIndexByte(s[:maxNote+1], ' ')
		if cut < maxNote/2 {
			cut = maxNote
		}
		s = strings.TrimRight(s[:cut], " ")
	}
	return s
}

// add appends a note that text[from:] holds, to go before segment at (a
// place outside the transaction drops it).
func (n *notes) add(at, from int) {
	if at >= 0 && at < n.segs {
		n.list = append(n.list, note{at: at, start: from, end: len(n.text)})
	}
}

// collect decides where notes go. A rejected claim's line without a note
// of its own gets one at its NoteAt; the claim's own reasons and the notes
// of lines that have one go, joined, into the claim's 2300 NTE place if
// that is free. The list is
// sorted by place, notes for one place in the order they were made.
func (n *notes) collect(res *finding.Result) {
	tx, m := res.Tx, res.Model
	n.d, n.segs, n.text, n.list = tx.Interchange.Delims, len(tx.Segs), n.text[:0], n.list[:0]
	if !tx.HasSE {
		// A transaction without SE is rejected whole (X12-SE-MISSING) and has
		// no SE01 to correct: it is copied as it came.
		return
	}
	var lx []byte // "LX n " prefix
	for ci := range res.Claims {
		cr := &res.Claims[ci]
		if !cr.Rejected {
			continue
		}
		c := &m.Claims[ci]
		// The claim's note, the notes of its lines that have one of their
		// own joined by "; ", is built apart: the notes of the other lines
		// go into text meanwhile.
		n.claim = n.claim[:0]
		if c.NTE < 0 {
			// Claim-level reasons (CLAIM-BALANCE, an HL or SE fault) first.
			n.claim, _ = n.appendNoteText(n.claim, nil, cr.Findings, -1)
			n.claim = n.fit(n.claim, 0)
		}
		for li := range c.Lines {
			l := &c.Lines[li]
			if l.NTE < 0 {
				from := len(n.text)
				var ok bool
				if n.text, ok = n.appendNoteText(n.text, nil, cr.Findings, li); ok {
					if n.text = n.fit(n.text, from); len(n.text) > from {
						n.add(l.NoteAt, from)
					}
				}
				continue
			}
			if c.NTE >= 0 {
				continue // no place for it: the claim has a note of its own
			}
			mark := len(n.claim)
			if mark > 0 {
				n.claim = append(n.claim, "; "...)
			}
			lx = append(append(append(lx[:0], "LX "...), l.LX...), ' ')
			from := len(n.claim)
			var ok bool
			if n.claim, ok = n.appendNoteText(n.claim, lx, cr.Findings, li); !ok {
				n.claim = n.claim[:mark]
				continue
			}
			n.claim = n.fit(n.claim, from)
		}
		if len(n.claim) > 0 {
			from := len(n.text)
			n.text = n.fit(append(n.text, n.claim...), from)
			n.add(c.NoteAt, from)
		}
	}
	slices.SortStableFunc(n.list, func(a, b note) int { return cmp.Compare(a.at, b.at) })
}

// Render copies the transaction, inserting notes and correcting SE01:
// runs of input bytes between notes go in one copy each.
func (p *AnnotatedPrinter) Render(buf []byte, res *finding.Result) []byte {
	tx := res.Tx
	n := &notes{}
	n.collect(res)
	if len(n.list) == 0 {
		return append(buf, tx.Raw...)
	}
	d := n.d
	b, done := mem.Room(buf, len(tx.Raw)+len(tx.Raw)/8), 0 // tx.Raw[:done] is copied; room for it and its notes at once (see mem.Room)
	for _, nt := range n.list {
		s, lead := tx.Segs[nt.at], tx.Lead(nt.at)
		b = append(b, tx.Raw[done:lead]...)
		b = append(b, tx.Raw[lead:s.Start]...) // the next segment's own indentation and line break
		b = append(b, "NTE"...)
		b = append(b, d.Element)
		b = append(b, "ADD"...)
		b = append(b, d.Element)
		b = append(b, n.text[nt.start:nt.end]...)
		b = append(b, d.Segment)
		done = int(lead)
	}
	// SE01 becomes the true count: the input's segments plus the notes.
	se := len(tx.Segs) - 1
	s := tx.Segs[se]
	b = append(b, tx.Raw[done:s.Start]...)
	b = append(b, "SE"...)
	b = append(b, d.Element)
	b = strconv.AppendInt(b, int64(len(tx.Segs)+len(n.list)), 10)
	f := tx.Cursor(se)
	f.Skip(1) // SE01
	for !f.Done() {
		b = append(b, d.Element)
		b = append(b, f.Next()...)
	}
	return append(b, tx.Raw[s.End:s.Stop()]...)
}

// Write copies every item's bytes; transactions come annotated.
func (p *AnnotatedPrinter) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	if it.Kind == edi.ItemTransaction {
		return writeAll(p.W, rendered)
	}
	return writeAll(p.W, it.Raw)
}

// Close writes nothing more.
func (p *AnnotatedPrinter) Close(*finding.Summary) error { return nil }
