package report

import (
	"bytes"
	"io"
	"slices"
	"strconv"

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
	return &Printer999{env: ackEnvelope{w: w, opt: opt, funcID: "FA", version: "005010X231A1"}}
}

// ik5 decides a transaction's acknowledgment code and its IK502 reasons.
func ik5(res *finding.Result) (string, []string) {
	tx := res.Tx
	if tx.Unsupported != "" {
		return "R", []string{"1"}
	}
	if len(tx.Problems) > 0 {
		var codes []string
		seen := map[string]bool{}
		for _, p := range tx.Problems {
			c := p.IK5
			if c == "" {
				c = "5"
			}
			if !seen[c] && len(codes) < 5 {
				seen[c] = true
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

// Render writes AK2…IK5 for one transaction; the 999's own ST, AK1 and AK9
// are written around it by Write.
func (p *Printer999) Render(buf []byte, res *finding.Result) []byte {
	tx := res.Tx
	w := newSegWriter(buf, ackDelims(tx.Interchange.Delims), tx.LineEnding())
	w.seg("AK2", w.clean(or(tx.ST01, "837")), w.clean(or(tx.ST02, "0")), w.clean(tx.ST03))
	seen := map[int]bool{}
	for _, pr := range slices.Concat(tx.SegmentErrors, res.Model.SegmentErrors) {
		if pr.Seg < 0 || pr.SegCode == "" || seen[pr.Seg*100+pr.Elem] {
			continue
		}
		seen[pr.Seg*100+pr.Elem] = true
		w.seg("IK3", w.clean(string(tx.SegIDBytes(pr.Seg))), strconv.Itoa(pr.Seg+1), pr.Loop, pr.SegCode)
		if pr.Elem > 0 && pr.ElemCode != "" {
			pos := strconv.Itoa(pr.Elem)
			if pr.Comp > 0 {
				pos = w.comp(pos, strconv.Itoa(pr.Comp))
			}
			v := pr.Value
			if len(v) > 99 {
				v = v[:99]
			}
			w.seg("IK4", pos, pr.ElemRef, pr.ElemCode, w.clean(v))
		}
	}
	code, why := ik5(res)
	w.seg(append([]string{"IK5", code}, why...)...)
	return w.Bytes()
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
	err := writeAll(p.env.w, p.w.Bytes())
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
		return writeAll(p.env.w, rendered)
	case edi.ItemGroupEnd, edi.ItemInterchangeEnd:
		if err := p.endGroup(it.Group); err != nil {
			return err
		}
		if it.Kind == edi.ItemGroupEnd {
			return p.env.closeGroup()
		}
		return p.env.closeInterchange()
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
	case p.accepted == 0:
		status = "R"
	case p.accepted < p.received:
		status = "P"
	case p.errs > 0 || len(groupCodes) > 0:
		status = "E"
	}
	included := p.received
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
	return p.env.closeInterchange()
}
