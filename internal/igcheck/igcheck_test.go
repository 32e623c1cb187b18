package igcheck_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/internal/igcheck"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

func igFindings(t *testing.T, in []byte) [][]finding.Finding {
	cat := rules.Default()
	e := scrub.New(cat)
	e.Extra = igcheck.New(cat)
	p := edi.NewParser(bytes.NewReader(in))
	var out [][]finding.Finding
	for {
		it, ok := p.Next()
		if !ok {
			break
		}
		if it.Tx != nil {
			for _, c := range e.Scrub(it.Tx).Claims {
				var ig []finding.Finding
				for _, f := range c.Findings {
					if f.Rule == "IG-STRUCTURE" {
						ig = append(ig, f)
					}
				}
				out = append(out, ig)
			}
		}
	}
	require.NoError(t, p.Err())
	return out
}

func TestIGCheck(t *testing.T) {
	t.Run("claims moov-io/x12 reads pass", func(t *testing.T) {
		got := igFindings(t, build.Batch(build.BatchOptions{Seed: 3, Claims: 50, PerTx: 50, MoovCompat: true}))
		require.Len(t, got, 50)
		for _, fs := range got {
			assert.Empty(t, fs)
		}
	})
	t.Run("a claim it refuses is a warning quoting moov-io/x12", func(t *testing.T) {
		in := string(build.Claims(build.Claim{ID: "IG-1", Lines: []build.Line{{Code: "99213"}}}))
		in = strings.Replace(in, "SBR*P*18*******CI~", "SBR*Z*18*******CI~", 1) // SBR01 must be P, S, T…
		got := igFindings(t, []byte(in))
		require.Len(t, got, 1)
		require.Len(t, got[0], 1)
		assert.Equal(t, finding.SeverityWarning, got[0][0].Severity)
		assert.Contains(t, got[0][0].Message, "moov-io/x12")
	})
	t.Run("its known limits are named", func(t *testing.T) {
		got := igFindings(t, build.Claims(build.Claim{ID: "IG-2", Patient: true, Lines: []build.Line{{Code: "99213", Ref6R: "R1"}}}))
		require.Len(t, got[0], 1)
		assert.Contains(t, got[0][0].Message, "a 2000C patient loop, REF*6R in 2400")
	})
}
