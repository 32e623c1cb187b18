// Package scrub is the engine and the run: it builds each transaction's
// 837P model, runs the rule catalog over every claim, decides each claim's
// status (rejected when it has at least one error), and feeds the results
// to printers in input order, one or several transactions at a time.
//
// A Go program that only wants each claim's verdict calls Scan.
package scrub

import (
	"runtime"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/mem"
	"github.com/scrub837/scrub837/rules"
)

// Engine scrubs transactions. It is safe for concurrent use: transactions
// are independent.
type Engine struct {
	catalog *rules.Catalog
	built   chan struct{} // closed once catalog is set, for an engine from Later
	// Extra, when set, runs after the catalog on every claim and appends
	// its findings (the command's --ig check).
	Extra func(m *claim.Model, ci int, out []finding.Finding) []finding.Finding
	// free recycles scratch between transactions of a run (none in an
	// Engine not made by New); small, between small transactions, which a
	// run holds dozens of at once (see batchItems): their scratch stays
	// small, and large transactions' stays a few.
	free, small mem.FreeList[*scratch]
}

// New returns an engine over a catalog.
func New(c *rules.Catalog) *Engine {
	return &Engine{catalog: c, free: mem.NewFreeList[*scratch](4), small: mem.NewFreeList[*scratch](4 * batchItems)}
}

// Later returns an engine over the catalog load returns. With more than
// one processor to run on, load is called on a goroutine of its own: a run
// reads its input's first transaction while the catalog is built, and
// scrubbing waits for it; with one, it is called now (the two would only
// take turns). load cannot report an error: it is for a catalog that
// cannot fail, such as rules.Default.
func Later(load func() *rules.Catalog) *Engine {
	if runtime.GOMAXPROCS(0) == 1 {
		return New(load())
	}
	e := New(nil)
	e.built = make(chan struct{})
	go func() {
		e.catalog = load()
		close(e.built)
	}()
	return e
}

// Catalog returns the engine's catalog, once built.
func (e *Engine) Catalog() *rules.Catalog {
	if e.built != nil {
		<-e.built
	}
	return e.catalog
}

// scratchFor is the list tx's scratch comes from and goes back to.
func (e *Engine) scratchFor(tx *edi.Transaction) mem.FreeList[*scratch] {
	if tx.Small() {
		return e.small
	}
	return e.free
}

// scratch is what scrubbing a transaction allocates: its verdicts, its
// findings and the Checker whose arena holds their text. A run recycles
// them once the transaction is written.
type scratch struct {
	claims   []finding.ClaimResult
	findings []finding.Finding
	checker  *rules.Checker
}

// Scrub builds the transaction's model and returns a verdict per claim. The
// result owns its memory: nothing reuses it.
func (e *Engine) Scrub(tx *edi.Transaction) *finding.Result { return e.scrub(tx, &scratch{}) }

// scrub is Scrub with the arrays and Checker of s, which keeps them for the
// next transaction: every claim's findings share one backing array, and one
// Checker serves the whole transaction.
func (e *Engine) scrub(tx *edi.Transaction, s *scratch) *finding.Result {
	m := claim.Build(tx)
	cat := e.Catalog()
	n := len(m.Claims)
	if cap(s.claims) < n {
		s.claims = make([]finding.ClaimResult, n, n+n/8)
	}
	res := &finding.Result{Tx: tx, Model: m, Claims: s.claims[:n]}
	clear(res.Claims)
	if s.checker == nil {
		s.checker = cat.NewChecker()
	}
	k := s.checker
	k.Reset()
	// Sized for a typical batch (a third of claims flagged, one or two
	// findings each), so that it rarely regrows.
	all := s.findings[:0]
	if want := n/2 + 8; cap(all) < want {
		all = make([]finding.Finding, 0, want)
	}
	for ci := range m.Claims {
		start := len(all)
		all = e.check(cat, k, m, ci, all)
		res.Claims[ci].Rejected = rejects(all[start:])
		if len(all) > start {
			// Capped, so that nothing appends over the next claim's findings;
			// a later regrowth of all leaves this window on the old array.
			res.Claims[ci].Findings = all[start:len(all):len(all)]
		}
	}
	s.findings = all[:0]
	return res
}

// check appends every finding on claim ci: the transaction's envelope
// faults (they reject every claim of it), the claim's structural faults,
// the catalog's rules and Extra.
func (e *Engine) check(cat *rules.Catalog, k *rules.Checker, m *claim.Model, ci int, all []finding.Finding) []finding.Finding {
	x12, _ := cat.Rule("X12")
	c := &m.Claims[ci]
	// A claim is accepted only when its interchange, group and transaction
	// set are: their faults reject every claim in them.
	if r := m.Tx.Interchange.Rejected; r != nil {
		all = append(all, problemFinding(*r, -1, x12))
	}
	if r := m.Tx.Group.Rejected; r != nil {
		all = append(all, problemFinding(*r, -1, x12))
	}
	for _, p := range m.Tx.Problems {
		all = append(all, problemFinding(p, -1, x12))
	}
	for _, p := range c.Problems {
		all = append(all, problemFinding(p, c.LineOf(p.Seg), x12))
	}
	all = k.Check(m, ci, all)
	if e.Extra != nil {
		all = e.Extra(m, ci, all)
	}
	return all
}

func rejects(fs []finding.Finding) bool {
	for i := range fs {
		if fs[i].Severity == finding.SeverityError {
			return true
		}
	}
	return false
}

func problemFinding(p edi.Problem, line int, x12 rules.Rule) finding.Finding {
	stc10 := x12.STC10
	if p.Status != "" {
		stc10 = p.Status // what is wrong, beside A3:21
	}
	elem, comp := p.Elem, p.Comp
	if p.Seg < 0 {
		// A fault of the ISA or GS, outside the transaction: the finding
		// is shown at the claim, and its message names the element.
		elem, comp = 0, 0
	}
	return finding.Finding{Rule: p.Rule, Severity: finding.SeverityError, Line: line, Seg: p.Seg, Elem: elem, Comp: comp,
		Message: p.Msg, Hint: "correct the segment; see scrub837 --explain " + p.Rule, STC01: x12.STC01, STC10: stc10}
}
