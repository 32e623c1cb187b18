package finding

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scrub837/scrub837/claim"
)

// Summary counts a run. It never holds names, member ids or birth dates.
type Summary struct {
	Files      int
	Bytes      int64 // input bytes read
	Claims     int
	Accepted   int
	Rejected   int
	Flagged    int // claims with at least one finding of any severity
	AcceptedAt claim.Decimal
	RejectedAt claim.Decimal
	ByRule     map[string]int
	Envelope   int // envelope problems outside transactions (GE, IEA, stray segments)
	// RejectedInterchanges, RejectedGroups and RejectedSets count the
	// envelopes rejected whole (TA1 R, AK9 R, IK5 R): each makes the run's
	// exit status 1, whatever its claims.
	RejectedInterchanges, RejectedGroups, RejectedSets int
	// EmptySets names the transaction sets that hold no claim: each is
	// rejected (IK5 R) and said on standard error.
	EmptySets []string
	// Unsupported names transactions that are not 837P (837I, 4010, …):
	// they are not scrubbed, and the run ends with exit status 2.
	Unsupported []string
	// ClaimSegments counts CLM segments as read, independently of the
	// model, for the conservation check.
	ClaimSegments int
	Elapsed       time.Duration
}

// Add counts one scrubbed transaction.
func (s *Summary) Add(res *Result) {
	if s.ByRule == nil {
		s.ByRule = map[string]int{}
	}
	acc, rej, accAmt, rejAmt := res.Counts()
	s.Claims += acc + rej
	s.Accepted += acc
	s.Rejected += rej
	s.AcceptedAt += accAmt
	s.RejectedAt += rejAmt
	for i := range res.Claims {
		if len(res.Claims[i].Findings) > 0 {
			s.Flagged++
		}
		for _, f := range res.Claims[i].Findings {
			s.ByRule[f.Rule]++
		}
	}
}

// Line is the one-line summary printed on standard error.
func (s *Summary) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scrub837: %s read, %d accepted, %d rejected", Plural(s.Claims, "claim"), s.Accepted, s.Rejected)
	if len(s.ByRule) > 0 {
		b.WriteString("; findings: ")
		b.WriteString(s.Rules())
	}
	if s.Envelope > 0 {
		fmt.Fprintf(&b, "; %d envelope problems", s.Envelope)
	}
	if n := s.RejectedInterchanges + s.RejectedGroups + s.RejectedSets; n > 0 {
		fmt.Fprintf(&b, "; rejected whole: %d interchanges, %d groups, %d transaction sets", s.RejectedInterchanges, s.RejectedGroups, s.RejectedSets)
	}
	fmt.Fprintf(&b, " (%s)", s.Elapsed.Round(time.Millisecond))
	return b.String()
}

// Rules lists the findings by rule: "AOC-NO-PRIMARY 1, UNITS-MUE 2".
func (s *Summary) Rules() string {
	ids := make([]string, 0, len(s.ByRule))
	for id := range s.ByRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id + " " + strconv.Itoa(s.ByRule[id])
	}
	return strings.Join(parts, ", ")
}

// Plural writes "1 claim", "2 claims".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
