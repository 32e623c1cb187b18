// Package finding holds what scrubbing says: a Finding about a claim, the
// verdict on each claim of a transaction, and the counts of a run. It is
// the one vocabulary every output format reads.
package finding

import (
	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
)

// Severity of a finding. A claim is rejected when it has at least one error.
type Severity uint8

const (
	SeverityOff Severity = iota
	SeverityWarning
	SeverityError
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	}
	return "off"
}

// ParseSeverity reads error, warning or off.
func ParseSeverity(s string) (Severity, bool) {
	switch s {
	case "error":
		return SeverityError, true
	case "warning":
		return SeverityWarning, true
	case "off":
		return SeverityOff, true
	}
	return SeverityOff, false
}

// Finding is what a rule says about a claim. One Finding type feeds every
// output format: text, JSON, 277CA, 999, annotated EDI and the split files.
type Finding struct {
	Rule     string
	Severity Severity
	Line     int // index into Claim.Lines, -1 for a claim-level finding
	Seg      int // segment index in the transaction, -1 for none
	Elem     int // element at fault (1-based), 0 for the whole segment
	Comp     int // component at fault (1-based), 0 for none
	Message  string
	Hint     string
	STC01    string // 277CA status composite category:status
	STC10    string // optional second status composite
}

// ClaimResult is the verdict on one claim.
type ClaimResult struct {
	Findings []Finding
	Rejected bool
}

// Result is one scrubbed transaction: its 837P model and its claims'
// verdicts in claim order (Claims[i] is the verdict on Model.Claims[i]).
type Result struct {
	Tx      *edi.Transaction
	Model   *claim.Model
	Claims  []ClaimResult
	counts  counts // cached by Counts: the model may be released after rendering
	counted bool
}

type counts struct {
	acc, rej       int
	accAmt, rejAmt claim.Decimal
}

// Counts returns accepted and rejected claims and their charge totals. The
// first call reads the model; later calls, the figures it cached.
func (r *Result) Counts() (acc, rej int, accAmt, rejAmt claim.Decimal) {
	c := &r.counts
	if !r.counted {
		r.counted = true
		for i := range r.Claims {
			if r.Claims[i].Rejected {
				c.rej++
				c.rejAmt += r.Model.Claims[i].Charge
			} else {
				c.acc++
				c.accAmt += r.Model.Claims[i].Charge
			}
		}
	}
	return c.acc, c.rej, c.accAmt, c.rejAmt
}
