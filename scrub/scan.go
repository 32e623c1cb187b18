package scrub

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/rules"
)

// Verdict is one claim's result as Scan hands it to its caller. It owns
// every value in it: they stay valid, unchanged, after the callback returns.
type Verdict struct {
	ID          string // CLM01, the patient control number
	Rejected    bool   // at least one finding of severity error
	Transaction string // ST02 of the claim's transaction set
	Charge      string // CLM02 as written
	Findings    []finding.Finding
	// Offset is the byte offset of the claim's CLM segment in the input.
	Offset int64
}

// Status is "rejected" or "accepted".
func (v *Verdict) Status() string {
	if v.Rejected {
		return "rejected"
	}
	return "accepted"
}

// ErrNot837P is returned (wrapped) by Scan for a transaction set that is not
// an 837P: an 837I, a 4010 file, another transaction type.
var ErrNot837P = errors.New("not an 837P")

// ErrNoClaim is returned (wrapped) by Scan for input that ends or breaks off
// before its first claim.
var ErrNoClaim = errors.New("no claim read")

// Scan reads an 837P from r, scrubs it with the catalog (rules.Default()
// when nil) and calls fn with each claim's verdict, in input order. It
// stops at fn's first error and returns it. Input that is not X12 or is
// UTF-16 gives an *edi.InputError; a transaction that is not an 837P,
// ErrNot837P; input without a claim, ErrNoClaim. Claims read before such an
// error have been handed to fn.
func Scan(r io.Reader, cat *rules.Catalog, fn func(Verdict) error) error {
	if cat == nil {
		cat = rules.Default()
	}
	v := &verdicts{fn: fn}
	var sum finding.Summary
	err := Run("-", r, Options{Engine: New(cat), Printers: []Printer{v}}, &sum)
	switch {
	case v.err != nil:
		return v.err
	case err != nil:
		return err
	case len(sum.Unsupported) > 0:
		return fmt.Errorf("%w: %s", ErrNot837P, strings.Join(sum.Unsupported, "; "))
	case sum.Claims == 0:
		return fmt.Errorf("%w: byte %d: the input ends or breaks off before the first CLM", ErrNoClaim, sum.Bytes)
	}
	return nil
}

// verdicts is the Printer behind Scan: Render copies each claim's verdict
// out of the run's recycled memory, and Write hands them over in order. The
// run is sequential (Jobs 0), so Write follows its own Render.
type verdicts struct {
	fn      func(Verdict) error
	pending []Verdict
	err     error
}

func (v *verdicts) Render(buf []byte, res *finding.Result) []byte {
	tx, m := res.Tx, res.Model
	v.pending = v.pending[:0]
	for ci := range res.Claims {
		cr, c := &res.Claims[ci], &m.Claims[ci]
		out := Verdict{ID: strings.Clone(c.ID), Rejected: cr.Rejected, Transaction: strings.Clone(tx.ST02),
			Charge: strings.Clone(c.ChargeRaw), Offset: tx.SegOffset(c.Seg)}
		if len(cr.Findings) > 0 {
			out.Findings = make([]finding.Finding, len(cr.Findings))
			for i, f := range cr.Findings {
				f.Rule, f.Message, f.Hint = strings.Clone(f.Rule), strings.Clone(f.Message), strings.Clone(f.Hint)
				out.Findings[i] = f
			}
		}
		v.pending = append(v.pending, out)
	}
	return buf
}

func (v *verdicts) Write(it *edi.Item, res *finding.Result, _ []byte) error {
	if res == nil || v.err != nil {
		return nil
	}
	for _, out := range v.pending {
		if err := v.fn(out); err != nil {
			v.err = err
			return err // ends the run
		}
	}
	v.pending = v.pending[:0]
	return nil
}

func (v *verdicts) Close(*finding.Summary) error { return nil }
