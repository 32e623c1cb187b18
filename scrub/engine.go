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
}

// New returns an engine over a catalog.
func New(c *rules.Catalog) *Engine { return &Engine{Catalog: c} }

// Scrub builds the transaction's model and returns a verdict per claim.
// Every claim's findings share one backing array, and one Checker serves the
// whole transaction: a few allocations per transaction, not per claim.
func (e *Engine) Scrub(tx *edi.Transaction) *edi.Result {
	tx.Build()
	res := &edi.Result{Tx: tx, Claims: make([]edi.ClaimResult, len(tx.Claims))}
	x12 := e.Catalog.Rule("X12")
	k := e.Catalog.NewChecker()
	// Sized for a typical batch (a third of claims flagged, one or two
	// findings each), so that it rarely regrows: regrowing was half of
	// the engine's allocation (fixtures/bench -memprofile).
	all := make([]edi.Finding, 0, len(tx.Claims)/2+8)
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
