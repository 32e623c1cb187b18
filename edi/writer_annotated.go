package edi

import (
	"io"
	"strconv"
	"strings"
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

// noteText builds "RULE-A,RULE-B: message" cut to fit, in the basic
// character set: upper case, no delimiters.
func noteText(prefix string, fs []Finding, line int, d Delimiters) string {
	var ids []string
	msg := ""
	for i := range fs {
		f := &fs[i]
		if f.Severity != SeverityError || f.Line != line {
			continue
		}
		dup := false
		for _, id := range ids {
			dup = dup || id == f.Rule
		}
		if !dup {
			ids = append(ids, f.Rule)
		}
		if msg == "" {
			msg = f.Message
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return fitNote(prefix+strings.Join(ids, ",")+" - "+msg, d)
}

// fitNote makes a note that X12 accepts: upper case, no delimiters or
// control characters, single spaces, at most 80 characters cut at a word.
func fitNote(s string, d Delimiters) string {
	b := []byte(strings.ToUpper(s))
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

// notes decides where notes go: segment index -> note segments to insert
// before it.
func notes(res *Result) map[int][]string {
	tx := res.Tx
	if !tx.HasSE {
		// A transaction without SE is rejected whole (X12-SE-MISSING) and has
		// no SE01 to correct: it is copied as it came.
		return nil
	}
	d := tx.Interchange.Delims
	var at map[int][]string
	add := func(i int, text string) {
		if at == nil {
			at = map[int][]string{}
		}
		at[i] = append(at[i], "NTE"+char(d.Element)+"ADD"+char(d.Element)+text)
	}
	for ci := range res.Claims {
		cr := &res.Claims[ci]
		if !cr.Rejected {
			continue
		}
		c := &tx.Claims[ci]
		var claimNote []string
		for li := range c.Lines {
			l := &c.Lines[li]
			if l.NTE < 0 {
				if t := noteText("", cr.Findings, li, d); t != "" {
					add(l.NoteAt, t)
				}
				continue
			}
			if t := noteText("LX "+l.LX+" ", cr.Findings, li, d); t != "" {
				claimNote = append(claimNote, t)
			}
		}
		if len(claimNote) > 0 && c.NTE < 0 {
			add(c.NoteAt, fitNote(strings.Join(claimNote, "; "), d))
		}
	}
	return at
}

// Render copies the transaction, inserting notes and correcting SE01.
func (p *AnnotatedPrinter) Render(buf []byte, res *Result) []byte {
	tx := res.Tx
	at := notes(res)
	if len(at) == 0 {
		return append(buf, tx.Raw...)
	}
	d := tx.Interchange.Delims
	inserted := 0
	for _, ns := range at {
		inserted += len(ns)
	}
	b := buf
	for i := range tx.Segs {
		s := tx.Segs[i]
		for _, n := range at[i] {
			b = append(b, tx.Raw[s.Lead:s.Start]...) // the next segment's own indentation and line break
			b = append(b, n...)
			b = append(b, d.Segment)
		}
		if s.ID == SegSE {
			// SE01 becomes the true count: the input's segments plus the notes.
			var els [4][]byte
			e := tx.Elements(els[:0], i)
			b = append(b, tx.Raw[s.Lead:s.Start]...)
			b = append(b, "SE"...)
			b = append(b, d.Element)
			b = strconv.AppendInt(b, int64(len(tx.Segs)+inserted), 10)
			for _, rest := range e[min(2, len(e)):] {
				b = append(b, d.Element)
				b = append(b, rest...)
			}
			b = append(b, tx.Raw[s.End:s.Stop]...)
			continue
		}
		b = append(b, tx.Raw[s.Lead:s.Stop]...)
	}
	return b
}

// Write copies every item's bytes; transactions come annotated.
func (p *AnnotatedPrinter) Write(it *Item, res *Result, rendered []byte) error {
	if it.Kind == ItemTransaction {
		return writeAll(p.W, rendered)
	}
	return writeAll(p.W, it.Raw)
}

// Close writes nothing more.
func (p *AnnotatedPrinter) Close(*Summary) error { return nil }
