package report

import (
	"bytes"
	"io"
	"slices"
	"strconv"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
)

// Printer999 writes a 005010X231A1 implementation acknowledgment: per
// functional group an AK1, per transaction an AK2 with IK3/IK4 for each
// segment error the reader found and IK5 (A, E or R), then AK9.
type Printer999 struct {
	env ackEnvelope
	// per open group
	inGroup                  bool
	received, accepted, errs int
	st                       string
	w                        *segWriter
}

// New999 returns a 999 printer writing to w.
func New999(w io.Writer, opt AckOptions) *Printer999 {
	return &Printer999{env: ackEnvelope{w: w, opt: opt, funcID: "FA", version: "005010X231A1", stream: stream999, hold: true}}
}

// ik5 decides a transaction's acknowledgment code and its IK502 reasons.
func ik5(res *finding.Result) (string, []string) {
	tx := res.Tx
	if tx.Unsupported != "" {
		return "R", []string{"1"}
	}
	if len(tx.Problems) > 0 {
		var codes []string
		for _, p := range tx.Problems {
			c := or(p.IK5, "5")
			if !slices.Contains(codes, c) && len(codes) < 5 {
				codes = append(codes, c)
			}
		}
		return "R", codes
	}
	if len(tx.SegmentErrors) > 0 || len(res.Model.SegmentErrors) > 0 {
		return "E", []string{"5"}
	}
	return "A", nil
}

// Render writes AK2, one IK3 per segment in error (with a CTX naming its
// claim, and an IK4 per element in error) and IK5 for one transaction;
// the 999's own ST, AK1 and AK9 are written around it by Write.
func (p *Printer999) Render(buf []byte, res *finding.Result) []byte {
	tx, m := res.Tx, res.Model
	w := newSegWriter(buf, ackDelims(tx.Interchange.Delims), tx.LineEnding())
	w.seg("AK2", w.clean(or(tx.ST01, "837")), w.clean(or(tx.ST02, "0")), w.clean(tx.ST03))
	errs := slices.Concat(tx.SegmentErrors, m.SegmentErrors)
	slices.SortStableFunc(errs, func(a, b edi.Problem) int { return a.Seg - b.Seg })
	for k := 0; k < len(errs); {
		pr := errs[k]
		end := k + 1
		for end < len(errs) && errs[end].Seg == pr.Seg {
			end++
		}
		if pr.Seg >= 0 && pr.SegCode != "" {
			id := pr.Missing
			if id == "" {
				id = string(tx.SegIDBytes(pr.Seg))
			}
			if len(id) > 3 { // IK301 is 2 or 3 characters; IK302 still points at the segment
				id = id[:3]
			}
			w.seg("IK3", w.clean(id), strconv.Itoa(pr.Seg+1), ik3Loop(pr.Loop), pr.SegCode)
			if c := claimAt(m, pr.Seg); c != nil && c.ID != "" {
				w.seg("CTX", w.comp("CLM01", w.clean(c.ID)))
			}
			for _, e := range errs[k:end] {
				if e.Elem > 0 && e.ElemCode != "" {
					p.ik4(w, e)
				}
			}
		}
		k = end
	}
	code, why := ik5(res)
	w.seg(append([]string{"IK5", code}, why...)...)
	return w.Bytes()
}

// ik4 writes one element error.
func (p *Printer999) ik4(w *segWriter, e edi.Problem) {
	pos := strconv.Itoa(e.Elem)
	if e.Comp > 0 {
		pos = w.comp(pos, strconv.Itoa(e.Comp))
	}
	v := e.Value
	if len(v) > 99 {
		v = v[:99]
	}
	w.seg("IK4", pos, e.ElemRef, e.ElemCode, w.clean(v))
}

// ik3Loop is IK303: a loop id of at most four characters (2400); none for
// the HL loops (2000A, 2000B, 2000C) and the claim (2300).
func ik3Loop(loop string) string {
	if len(loop) > 4 || loop == "2300" || loop == "2000" {
		return ""
	}
	return loop
}

// claimAt returns the claim holding segment seg, or nil.
func claimAt(m *claim.Model, seg int) *claim.Claim {
	i, found := slices.BinarySearchFunc(m.Claims, seg, func(c claim.Claim, s int) int {
		switch {
		case s < c.Seg:
			return 1
		case s >= c.End:
			return -1
		}
		return 0
	})
	if !found {
		return nil
	}
	return &m.Claims[i]
}

func (p *Printer999) begin(tx *edi.Transaction) error {
	if p.inGroup {
		return nil
	}
	if err := p.env.open(tx); err != nil {
		return err
	}
	p.inGroup = true
	p.received, p.accepted, p.errs = 0, 0, 0
	p.st = stControl(&edi.Transaction{Index: tx.Group.Seq})
	p.w = p.env.sw()
	p.w.seg("ST", "999", p.st, "005010X231A1")
	g := tx.Group
	p.w.seg("AK1", p.w.clean(or(g.FunctionalID, "HC")), p.w.clean(or(g.Control, "0")), p.w.clean(or(g.Version, tx.ST03)))
	return p.flush()
}

func (p *Printer999) flush() error {
	err := writeAll(p.env.out(), p.w.Bytes())
	p.w.Reset()
	return err
}

// Write wraps transactions in the 999's ST/AK1 … AK9/SE and envelopes.
func (p *Printer999) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	switch it.Kind {
	case edi.ItemTransaction:
		if err := p.begin(it.Tx); err != nil {
			return err
		}
		p.received++
		p.w.n += bytes.Count(rendered, []byte{p.w.d.Segment})
		code, _ := ik5(res)
		if code != "R" {
			p.accepted++
		}
		if code == "E" {
			p.errs++
		}
		return writeAll(p.env.out(), rendered)
	case edi.ItemGroupEnd, edi.ItemInterchangeEnd:
		if err := p.endGroup(it.Group); err != nil {
			return err
		}
		if it.Kind == edi.ItemGroupEnd {
			return p.env.closeGroup()
		}
		return p.env.closeInterchange(it.Interchange)
	}
	return nil
}

func (p *Printer999) endGroup(g *edi.Group) error {
	if !p.inGroup {
		return nil
	}
	p.inGroup = false
	var groupCodes []string
	if g != nil {
		for _, pr := range g.Problems {
			if pr.AK9 != "" && len(groupCodes) < 5 {
				groupCodes = append(groupCodes, pr.AK9)
			}
		}
	}
	status := "A"
	switch {
	case p.accepted == 0 || g != nil && g.Rejects():
		status = "R" // a GS or GE fault rejects the group
	case p.accepted < p.received:
		status = "P"
	case p.errs > 0 || len(groupCodes) > 0:
		status = "E"
	}
	included := p.received // AK902: the sets GE01 says the group holds
	if g != nil && g.SetsStated >= 0 {
		included = g.SetsStated
	}
	p.w.seg(append([]string{"AK9", status, strconv.Itoa(included), strconv.Itoa(p.received), strconv.Itoa(p.accepted)}, groupCodes...)...)
	p.w.seg("SE", strconv.Itoa(p.w.n+1), p.st)
	p.env.txs = 1
	return p.flush()
}

// Close ends the last group and interchange.
func (p *Printer999) Close(*finding.Summary) error {
	if err := p.endGroup(nil); err != nil {
		return err
	}
	return p.env.closeInterchange(nil)
}
