package scrub_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/scrub"
)

// A wrong or missing trailer: noted (AK9 E, TA1 E) where it stands, after
// its claims were answered; with TrailersFirst, found before them, it
// rejects them all (AK9 R, TA1 R), sequential or parallel alike.
func TestTrailersFirst(t *testing.T) {
	cases := []struct {
		file, ta1, ak9 string // the TA1's TA104*TA105 and the AK9's AK901 with TrailersFirst
	}{
		{"ge-missing", "A*000", "R"},
		{"ge01-count", "A*000", "R"},
		{"ge02-control", "A*000", "R"},
		{"iea01-count", "R*021", ""},
		{"iea02-control", "R*001", ""},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile("../fixtures/envelopes/" + tc.file + ".x12")
			require.NoError(t, err)
			late, lateSum := outputsWith(t, tc.file, b, scrub.Options{Jobs: 1})
			assert.Equal(t, 2, lateSum.Accepted, "noted: the claims stand")
			assert.NotContains(t, string(late["ta1"])+string(late["999"]), "*R*", "noted, not rejected")

			first, sum := outputsWith(t, tc.file, b, scrub.Options{Jobs: 1, TrailersFirst: true})
			assert.Equal(t, 0, sum.Accepted)
			assert.Equal(t, 2, sum.Rejected)
			assert.Contains(t, string(first["ta1"]), "*"+tc.ta1+"~")
			if tc.ak9 != "" {
				assert.Contains(t, string(first["999"]), "AK9*"+tc.ak9+"*")
			} else {
				assert.Empty(t, first["999"], "no 999 for an interchange the TA1 rejects")
			}
			assert.Empty(t, first["clean"])
			assert.Equal(t, 2, strings.Count(string(first["json"]), `"status":"rejected"`))
			assert.NotContains(t, string(first["277ca"]), "PT~", "no 277CA answers a rejected group")

			par, _ := outputsWith(t, tc.file, b, scrub.Options{Jobs: 3, TrailersFirst: true})
			for f := range first {
				assert.Equal(t, string(first[f]), string(par[f]), f)
			}
		})
	}
	// A good file reads the same either way.
	b, err := os.ReadFile("../fixtures/demo.x12")
	require.NoError(t, err)
	plain, _ := outputsWith(t, "demo", b, scrub.Options{Jobs: 1})
	first, _ := outputsWith(t, "demo", b, scrub.Options{Jobs: 1, TrailersFirst: true})
	assert.Equal(t, plain, first)
}
