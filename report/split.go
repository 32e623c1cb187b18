package report

import (
	"io"
	"strconv"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/mem"
)

// SplitPrinter writes the accepted (or the rejected) claims as a valid
// 837P: the original envelopes and transaction headers, each kept claim's
// segments byte-identical to the input, HL numbers rebuilt, and SE/GE/IEA
// counts rebuilt. Transactions, groups and interchanges left empty are
// dropped. Every claim read lands in exactly one of the two files.
type SplitPrinter struct {
	W        io.Writer
	Rejected bool // false: the clean file; true: the rejected file
	Claims   int  // claims written, for the conservation check

	ic, grp         *edi.Item
	icOpen, grpOpen bool
	groups, txs     int
	lastLead        []byte
}

// Render writes the transaction with only the kept claims, or nil when it
// keeps none.
func (p *SplitPrinter) Render(b []byte, res *finding.Result) []byte {
	if res.Tx.Unsupported != "" {
		return nil
	}
	w := splitTx{tx: res.Tx, m: res.Model, b: b, keep: make([]bool, len(res.Claims))}
	any := false
	for i := range res.Claims {
		w.keep[i] = res.Claims[i].Rejected == p.Rejected
		any = any || w.keep[i]
	}
	if !any {
		return nil
	}
	w.b = mem.Room(w.b, len(res.Tx.Raw)) // at most the transaction: room for it at once (see mem.Room)
	w.keepHLs()
	w.header()
	w.claimsOf(-1)
	for h := range w.m.HLs {
		w.hl(h)
	}
	return w.se()
}

// splitTx writes one transaction set of a split file.
type splitTx struct {
	tx       *edi.Transaction
	m        *claim.Model
	b        []byte
	keep     []bool // per claim
	keptHL   []bool // per HL: a kept claim hangs below it
	hasChild []bool // per HL: a kept HL hangs below it
	newID    []int  // per kept HL: its HL01 in the output
	lastID   int
	count    int // segments written
	next     int // the next claim to write: claims follow their HL in input order
}

func (w *splitTx) keepHLs() {
	m := w.m
	w.keptHL, w.hasChild, w.newID = make([]bool, len(m.HLs)), make([]bool, len(m.HLs)), make([]int, len(m.HLs))
	for ci, c := range m.Claims {
		if w.keep[ci] {
			for h := range m.Ancestors(c.HL) {
				w.keptHL[h] = true
			}
		}
	}
	for h := range m.HLs {
		if w.keptHL[h] && m.HLs[h].Parent >= 0 {
			w.hasChild[m.HLs[h].Parent] = true
		}
	}
}

// span copies segment i as it came, but for indentation (a space or tab
// before a segment is not X12: line breaks stay, they are the input's
// layout) and a missing terminator (a segment cut off by the input's end).
func (w *splitTx) span(i int) {
	tx, s := w.tx, w.tx.Segs[i]
	w.b = appendLead(w.b, tx.Raw[tx.Lead(i):s.Start])
	w.b = append(w.b, tx.Raw[s.Start:s.Stop()]...)
	if term := tx.Interchange.Delims.Segment; s.ID != edi.SegTruncated && (s.Tail == 0 || tx.Raw[s.Stop()-1] != term) {
		w.b = append(w.b, term)
	}
	w.count++
}

// withoutIndent is an envelope segment's span with only the line breaks
// of the white space before it (a byte-order mark goes too).
func withoutIndent(span []byte) []byte {
	i := 0
	for i < len(span) && (span[i] == ' ' || span[i] == '\t' || span[i] == '\r' || span[i] == '\n' || span[i] >= 0x80) {
		i++
	}
	if i == 0 {
		return span
	}
	return append(appendLead(nil, span[:i]), span[i:]...)
}

// appendLead appends the line breaks of the white space before a segment.
func appendLead(b, lead []byte) []byte {
	for _, c := range lead {
		if c == '\r' || c == '\n' {
			b = append(b, c)
		}
	}
	return b
}

// spans copies segments [from, to) as they came, but for an SE.
func (w *splitTx) spans(from, to int) {
	for i := from; i < to && i < len(w.tx.Segs); i++ {
		if w.tx.Segs[i].ID != edi.SegSE {
			w.span(i)
		}
	}
}

// header copies the segments before the first HL, or before the first
// claim when one comes before any HL (it is written as a claim).
func (w *splitTx) header() {
	end := w.m.HeaderEnd
	if len(w.m.Claims) > 0 {
		end = min(end, w.m.Claims[0].Seg)
	}
	w.spans(0, end)
}

// claimsOf copies the kept claims that follow HL h (-1: no HL).
func (w *splitTx) claimsOf(h int) {
	m := w.m
	for ; w.next < len(m.Claims) && m.Claims[w.next].HL == h; w.next++ {
		if c := &m.Claims[w.next]; w.keep[w.next] {
			w.spans(c.Seg, c.End)
		}
	}
}

// hl writes HL h renumbered, its own segments and its kept claims, when a
// kept claim hangs below it.
func (w *splitTx) hl(h int) {
	if !w.keptHL[h] {
		w.claimsOf(h) // skips this HL's claims: none is kept
		return
	}
	tx, hl, d := w.tx, &w.m.HLs[h], w.tx.Interchange.Delims
	w.lastID++
	w.newID[h] = w.lastID
	s := tx.Segs[hl.Seg]
	f := tx.Cursor(hl.Seg)
	f.Skip(2) // HL01 and HL02: rebuilt
	hl03 := f.Next()
	b := appendLead(w.b, tx.Raw[tx.Lead(hl.Seg):s.Start])
	b = append(b, "HL"...)
	b = append(b, d.Element)
	b = strconv.AppendInt(b, int64(w.lastID), 10)
	b = append(b, d.Element)
	if hl.Parent >= 0 && w.keptHL[hl.Parent] {
		b = strconv.AppendInt(b, int64(w.newID[hl.Parent]), 10)
	} // else none: never an HL02 that names nothing, or the HL itself
	b = append(b, d.Element)
	b = append(b, hl03...)
	if hl.HasChild {
		b = append(b, d.Element)
		if w.hasChild[h] {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	}
	w.b = append(b, tx.Raw[s.End:s.Stop()]...) // the input's terminator
	w.count++
	w.spans(hl.Seg+1, hl.OwnEnd)
	w.claimsOf(h)
}

// se writes the SE with the rebuilt count; its leading white space is the
// input's.
func (w *splitTx) se() []byte {
	tx, d := w.tx, w.tx.Interchange.Delims
	lead := []byte(tx.LineEnding())
	term := []byte{d.Segment}
	if last := len(tx.Segs) - 1; last >= 0 && tx.Segs[last].ID == edi.SegSE {
		s := tx.Segs[last]
		lead, term = tx.Raw[tx.Lead(last):s.Start], tx.Raw[s.End:s.Stop()]
	}
	b := appendLead(w.b, lead)
	b = append(b, "SE"...)
	b = append(b, d.Element)
	b = strconv.AppendInt(b, int64(w.count+1), 10)
	b = append(b, d.Element)
	b = append(b, tx.ST02...)
	return append(b, term...)
}

// Write keeps the original envelopes around the kept transactions.
func (p *SplitPrinter) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	switch it.Kind {
	case edi.ItemInterchange:
		c := *it
		p.ic, p.icOpen, p.groups = &c, false, 0
	case edi.ItemGroup:
		c := *it
		p.grp, p.grpOpen, p.txs = &c, false, 0
	case edi.ItemTransaction:
		if rendered == nil {
			return nil
		}
		if !p.icOpen && p.ic != nil {
			isa, _ := edi.FixedWidthISA(p.ic.Raw, p.ic.Interchange.Delims)
			if err := writeAll(p.W, withoutIndent(isa)); err != nil {
				return err
			}
			p.icOpen = true
		}
		if !p.grpOpen && p.grp != nil {
			if err := writeAll(p.W, withoutIndent(p.grp.Raw)); err != nil {
				return err
			}
			p.grpOpen = true
			p.groups++
		}
		p.txs++
		for i := range res.Claims {
			if res.Claims[i].Rejected == p.Rejected {
				p.Claims++
			}
		}
		p.lastLead = []byte(it.Tx.LineEnding())
		return writeAll(p.W, rendered)
	case edi.ItemGroupEnd:
		if !p.grpOpen {
			return nil
		}
		p.grpOpen = false
		return p.trailer(it, "GE", p.txs, it.Group.Control)
	case edi.ItemInterchangeEnd:
		if !p.icOpen {
			return nil
		}
		p.icOpen = false
		return p.trailer(it, "IEA", p.groups, it.Interchange.Control)
	}
	return nil
}

// trailer writes GE or IEA with the rebuilt count, keeping the input's layout.
func (p *SplitPrinter) trailer(it *edi.Item, id string, n int, control string) error {
	d := it.Interchange.Delims
	lead := p.lastLead
	if it.Raw != nil {
		lead = leadOf(it.Raw)
	}
	b := appendLead(nil, lead) // line breaks only: no indentation
	b = append(b, id...)
	b = append(b, d.Element)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, d.Element)
	b = append(b, control...)
	b = append(b, d.Segment)
	return writeAll(p.W, b)
}

// Close writes nothing more: a missing IEA stays missing only if the input
// never ended its interchange, and then edi.ItemInterchangeEnd still came.
func (p *SplitPrinter) Close(*finding.Summary) error { return nil }

// Written reports the claims written against those the run accepted (or
// rejected).
func (p *SplitPrinter) Written(sum *finding.Summary) (wrote, want int, what string) {
	if p.Rejected {
		return p.Claims, sum.Rejected, "rejected file"
	}
	return p.Claims, sum.Accepted, "clean file"
}
