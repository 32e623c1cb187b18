package report

import (
	"io"
	"strconv"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
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
	tx, m := res.Tx, res.Model
	if tx.Unsupported != "" {
		return nil
	}
	keep := make([]bool, len(m.Claims))
	any := false
	for i := range res.Claims {
		keep[i] = res.Claims[i].Rejected == p.Rejected
		any = any || keep[i]
	}
	if !any {
		return nil
	}
	d := tx.Interchange.Delims
	// An HL is kept when a kept claim hangs below it.
	keptHL := make([]bool, len(m.HLs))
	for ci, c := range m.Claims {
		if !keep[ci] {
			continue
		}
		for h, n := c.HL, 0; h >= 0 && n <= len(m.HLs); h, n = m.HLs[h].Parent, n+1 {
			keptHL[h] = true
		}
	}
	hasChild := make([]bool, len(m.HLs))
	for h := range m.HLs {
		if keptHL[h] && m.HLs[h].Parent >= 0 {
			hasChild[m.HLs[h].Parent] = true
		}
	}
	count := 0
	span := func(i int) {
		b = append(b, tx.Span(i)...)
		count++
	}
	// Claims follow their HL in input order, so one cursor walks them.
	next := 0
	claimsOf := func(h int) {
		for ; next < len(m.Claims) && m.Claims[next].HL == h; next++ {
			c := &m.Claims[next]
			if !keep[next] {
				continue
			}
			for i := c.Seg; i < c.End && tx.Segs[i].ID != edi.SegSE; i++ {
				span(i)
			}
		}
	}
	for i := 0; i < m.HeaderEnd && i < len(tx.Segs); i++ {
		if tx.Segs[i].ID != edi.SegSE {
			span(i)
		}
	}
	claimsOf(-1)
	newID := make([]int, len(m.HLs))
	id := 0
	for h := range m.HLs {
		if !keptHL[h] {
			claimsOf(h) // skips this HL's claims: none is kept
			continue
		}
		id++
		newID[h] = id
		hl := &m.HLs[h]
		s := tx.Segs[hl.Seg]
		var els [8][]byte
		e := tx.Elements(els[:0], hl.Seg)
		b = append(b, tx.Raw[tx.Lead(hl.Seg):s.Start]...)
		b = append(b, "HL"...)
		b = append(b, d.Element)
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, d.Element)
		if hl.Parent >= 0 && keptHL[hl.Parent] {
			b = strconv.AppendInt(b, int64(newID[hl.Parent]), 10)
		} else {
			b = append(b, edi.Element(e, 2)...)
		}
		b = append(b, d.Element)
		b = append(b, edi.Element(e, 3)...)
		if hl.HasChild {
			b = append(b, d.Element)
			if hasChild[h] {
				b = append(b, '1')
			} else {
				b = append(b, '0')
			}
		}
		b = append(b, tx.Raw[s.End:s.Stop()]...) // the input's terminator
		count++
		for i := hl.Seg + 1; i < hl.OwnEnd && i < len(tx.Segs); i++ {
			if tx.Segs[i].ID != edi.SegSE {
				span(i)
			}
		}
		claimsOf(h)
	}
	// SE, rebuilt; its leading white space is the input's.
	lead := []byte(tx.LineEnding())
	term := []byte{d.Segment}
	if last := len(tx.Segs) - 1; last >= 0 && tx.Segs[last].ID == edi.SegSE {
		s := tx.Segs[last]
		lead, term = tx.Raw[tx.Lead(last):s.Start], tx.Raw[s.End:s.Stop()]
	}
	b = append(b, lead...)
	b = append(b, "SE"...)
	b = append(b, d.Element)
	b = strconv.AppendInt(b, int64(count+1), 10)
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
			if err := writeAll(p.W, p.ic.Raw); err != nil {
				return err
			}
			p.icOpen = true
		}
		if !p.grpOpen && p.grp != nil {
			if err := writeAll(p.W, p.grp.Raw); err != nil {
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
	b := append([]byte(nil), lead...)
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
