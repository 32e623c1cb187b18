// Package scrub is the engine: it runs the rule catalog over every claim of
// a transaction, adds the structural findings from edi, and decides each
// claim's status (rejected when it has at least one error).
package scrub

import (
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/rules"
)

// Engine scrubs transactions. It is safe for concurrent use: transactions
// are independent.
type Engine struct {
	Catalog *rules.Catalog
	// IG, when set, also checks each claim against moov-io/x12's
	// 005010X222A1 rules (slow; see ig.go).
	IG bool
	// free recycles scratch between transactions of a run (none in an
	// Engine not made by New).
	free edi.FreeList[*scratch]
}

// New returns an engine over a catalog.
func New(c *rules.Catalog) *Engine { return &Engine{Catalog: c, free: edi.NewFreeList[*scratch](4)} }

// scratch is what scrubbing a transaction allocates: its verdicts, its
// findings and the Checker whose arena holds their text. A 5,000-claim
// transaction's take ~800 KB, nearly all of a run's allocation, so a run
// recycles them (Options.Recycle) once the transaction is written: fewer
// garbage collections, and less time with the write barrier on
// (fixtures/bench BenchmarkScrub -benchmem).
type scratch struct {
	claims   []edi.ClaimResult
	findings []edi.Finding
	checker  *rules.Checker
}

// Scrub builds the transaction's model and returns a verdict per claim.
// Every claim's findings share one backing array, and one Checker serves the
// whole transaction: a few allocations per transaction, not per claim.
func (e *Engine) Scrub(tx *edi.Transaction) *edi.Result { return e.scrub(tx, &scratch{}) }

// scrub is Scrub with the arrays and Checker of s, which keeps them for
// the next transaction.
func (e *Engine) scrub(tx *edi.Transaction, s *scratch) *edi.Result {
	tx.Build()
	n := len(tx.Claims)
	if cap(s.claims) < n {
		s.claims = make([]edi.ClaimResult, n, n+n/8)
	}
	res := &edi.Result{Tx: tx, Claims: s.claims[:n]}
	clear(res.Claims)
	x12 := e.Catalog.Rule("X12")
	if s.checker == nil {
		s.checker = e.Catalog.NewChecker()
	}
	k := s.checker
	k.Reset()
	// Sized for a typical batch (a third of claims flagged, one or two
	// findings each), so that it rarely regrows: regrowing was half of
	// the engine's allocation (fixtures/bench -memprofile).
	all := s.findings[:0]
	if want := n/2 + 8; cap(all) < want {
		all = make([]edi.Finding, 0, want)
	}
	for ci := range tx.Claims {
		c := &tx.Claims[ci]
		start := len(all)
		// Envelope faults reject every claim of the transaction (A3:21).
		for _, p := range tx.Problems {
			all = append(all, problemFinding(p, -1, x12))
		}
		for _, p := range c.Problems {
			all = append(all, problemFinding(p, lineOf(c, p.Seg), x12))
		}
		all = k.Check(tx, ci, all)
		if e.IG {
			all = append(all, e.igCheck(tx, ci)...)
		}
		for i := start; i < len(all); i++ {
			if all[i].Severity == edi.SeverityError {
				res.Claims[ci].Rejected = true
				break
			}
		}
		if len(all) > start {
			// Capped, so that nothing appends over the next claim's findings;
			// a later regrowth of all leaves this window on the old array.
			res.Claims[ci].Findings = all[start:len(all):len(all)]
		}
	}
	s.findings = all[:0]
	return res
}

func problemFinding(p edi.Problem, line int, x12 *rules.Rule) edi.Finding {
	return edi.Finding{Rule: p.Rule, Severity: edi.SeverityError, Line: line, Seg: p.Seg, Elem: p.Elem, Comp: p.Comp,
		Message: p.Msg, Hint: "correct the segment; see scrub837 --explain " + p.Rule, STC01: x12.STC01, STC10: x12.STC10}
}

// lineOf returns the index of the claim's line containing segment seg, or -1.
func lineOf(c *edi.Claim, seg int) int {
	for i := range c.Lines {
		if seg >= c.Lines[i].Seg && seg < c.Lines[i].End {
			return i
		}
	}
	return -1
}
