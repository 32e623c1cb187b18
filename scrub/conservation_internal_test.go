package scrub

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
)

// counted is a Printer that writes claims and says how many.
type counted struct {
	wrote int
	what  string
}

func (c *counted) Render(b []byte, _ *finding.Result) []byte      { return b }
func (c *counted) Write(*edi.Item, *finding.Result, []byte) error { return nil }
func (c *counted) Close(*finding.Summary) error                   { return nil }
func (c *counted) Written(s *finding.Summary) (int, int, string)  { return c.wrote, s.Claims, c.what }

func TestConservation(t *testing.T) {
	sum := &finding.Summary{Claims: 3, ClaimSegments: 3, Accepted: 2, Rejected: 1}
	assert.NoError(t, conservation(sum, []Printer{&counted{3, "JSON output"}}))
	err := conservation(&finding.Summary{Claims: 2, ClaimSegments: 3}, nil)
	assert.ErrorIs(t, err, ErrConservation)
	assert.ErrorContains(t, err, "3 CLM segments read but 2 claims scrubbed")
	err = conservation(sum, []Printer{&counted{3, "JSON output"}, &counted{2, "277CA"}})
	assert.ErrorIs(t, err, ErrConservation)
	assert.ErrorContains(t, err, "3 claims belong in the 277CA but 2 were written")
}
