package finding_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/finding"
)

func TestSummaryCountsResults(t *testing.T) {
	m := &claim.Model{Claims: []claim.Claim{{Charge: 100_000_000}, {Charge: 2_500_000}, {Charge: 7_000_000}}}
	res := &finding.Result{Model: m, Claims: []finding.ClaimResult{
		{Rejected: true, Findings: []finding.Finding{{Rule: "UNITS-MUE", Severity: finding.SeverityError}, {Rule: "MOD-51", Severity: finding.SeverityWarning}}},
		{Findings: []finding.Finding{{Rule: "MOD-51", Severity: finding.SeverityWarning}}},
		{},
	}}
	acc, rej, accAmt, rejAmt := res.Counts()
	assert.Equal(t, []any{2, 1, "9.5", "100"}, []any{acc, rej, accAmt.String(), rejAmt.String()})
	res.Model = nil // counted once: the model may be released afterwards
	var s finding.Summary
	s.Add(res)
	s.Elapsed = 1500 * time.Microsecond
	assert.Equal(t, 3, s.Claims)
	assert.Equal(t, 2, s.Flagged)
	assert.Equal(t, "MOD-51 2, UNITS-MUE 1", s.Rules())
	assert.Equal(t, "scrub837: 3 claims read, 2 accepted, 1 rejected; findings: MOD-51 2, UNITS-MUE 1 (2ms)", s.Line())
}

func TestSeverity(t *testing.T) {
	for _, name := range []string{"error", "warning", "off"} {
		s, ok := finding.ParseSeverity(name)
		assert.True(t, ok)
		assert.Equal(t, name, s.String())
	}
	_, ok := finding.ParseSeverity("loud")
	assert.False(t, ok)
	assert.Equal(t, "1 claim", finding.Plural(1, "claim"))
	assert.Equal(t, "0 claims", finding.Plural(0, "claim"))
}
