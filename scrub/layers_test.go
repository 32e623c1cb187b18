package scrub_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

// A claim that any layer rejects (the TA1 its interchange, the 999 its
// group or its set) is never reported accepted anywhere: not in the NDJSON,
// not in the 277CA, not in the clean file. The layers are read from the
// acknowledgments themselves, not from the engine's own verdicts.
func TestLayersAgree(t *testing.T) {
	inputs := goldenInputs(t)
	samples, _ := filepath.Glob("../fixtures/samples/*.x12")
	hostile, _ := filepath.Glob("../fixtures/hostile/*.x12")
	inputs = append(append(inputs, samples...), hostile...)
	layerRejected := 0
	for _, in := range inputs {
		for _, first := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/trailers-first=%v", filepath.Base(in), first), func(t *testing.T) {
				b, err := os.ReadFile(in)
				require.NoError(t, err)
				var sum finding.Summary
				if scrub.Run(in, bytes.NewReader(b), scrub.Options{Engine: scrub.New(rules.Default())}, &sum) != nil {
					t.Skip("not an input scrub837 reads (a hostile file the command refuses)")
				}
				outs, _ := outputsWith(t, in, b, scrub.Options{Jobs: 1, TrailersFirst: first})

				// The input: interchanges, their groups, their sets' claims.
				type set struct {
					st02   string
					claims []string
				}
				type group struct {
					g    *edi.Group
					sets []set
				}
				type interchange struct {
					ic     *edi.Interchange
					groups []*group
				}
				var ics []*interchange
				p := edi.NewParser(bytes.NewReader(b))
				p.Source, p.Size, p.TrailersFirst = bytes.NewReader(b), int64(len(b)), first
				for it, ok := p.Next(); ok; it, ok = p.Next() {
					switch {
					case it.Kind == edi.ItemInterchange:
						ics = append(ics, &interchange{ic: it.Interchange})
					case it.Kind == edi.ItemGroup && len(ics) > 0:
						ic := ics[len(ics)-1]
						ic.groups = append(ic.groups, &group{g: it.Group})
					case it.Tx != nil && len(ics) > 0 && len(ics[len(ics)-1].groups) > 0:
						ic := ics[len(ics)-1]
						g := ic.groups[len(ic.groups)-1]
						var ids []string
						for _, c := range claim.Build(it.Tx).Claims {
							ids = append(ids, c.ID)
						}
						g.sets = append(g.sets, set{it.Tx.ST02, ids})
					}
				}

				// Walk the acknowledgments in the same order: a TA1 for each
				// interchange that asked or has a fault, a 999 AK1 for each
				// group of an interchange the TA1 does not reject, an AK2 for
				// each of its sets.
				ta1 := segments(t, outs["ta1"])
				var ak [][]string
				for _, s := range segments(t, outs["999"]) {
					if s[0] == "AK1" || s[0] == "AK2" || s[0] == "IK5" || s[0] == "AK9" {
						ak = append(ak, s)
					}
				}
				type inClaim struct {
					id       string
					rejected bool
				}
				var claims []inClaim
				for _, ic := range ics {
					icRej := false
					if ic.ic.AckRequested || len(ic.ic.Problems) > 0 {
						for len(ta1) > 0 && ta1[0][0] != "TA1" {
							ta1 = ta1[1:]
						}
						require.NotEmpty(t, ta1, "a TA1 for interchange %s", ic.ic.Control)
						require.Equal(t, ic.ic.Control, ta1[0][1])
						icRej = ta1[0][4] == "R"
						ta1 = ta1[1:]
					}
					for _, g := range ic.groups {
						gRej := false
						setRej := make([]bool, len(g.sets))
						if !icRej && len(g.sets) > 0 {
							require.NotEmpty(t, ak, "an AK1 for group %s", g.g.Control)
							require.Equal(t, "AK1", ak[0][0])
							require.Equal(t, g.g.Control, ak[0][2], "AK1 in input order")
							ak = ak[1:]
							for k, st := range g.sets {
								require.True(t, len(ak) >= 2 && ak[0][0] == "AK2" && ak[1][0] == "IK5", "AK2 and IK5 for set %s", st.st02)
								require.Equal(t, st.st02, ak[0][2])
								setRej[k] = ak[1][1] == "R"
								ak = ak[2:]
							}
							require.True(t, len(ak) > 0 && ak[0][0] == "AK9")
							gRej = ak[0][1] == "R"
							ak = ak[1:]
						}
						for k, st := range g.sets {
							for _, id := range st.claims {
								claims = append(claims, inClaim{id, icRej || gRej || setRej[k]})
							}
						}
					}
				}

				// NDJSON: one object per claim, in order.
				lines := bytes.Split(bytes.TrimSpace(outs["json"]), []byte("\n"))
				if len(outs["json"]) == 0 {
					lines = nil
				}
				require.Len(t, lines, len(claims))
				acceptedOK := map[string]int{} // claims no layer rejects, by id
				for i, l := range lines {
					var v struct{ Claim, Status string }
					require.NoError(t, json.Unmarshal(l, &v))
					require.Equal(t, claims[i].id, v.Claim)
					if claims[i].rejected {
						layerRejected++
						assert.Equal(t, "rejected", v.Status, "claim %s: a layer rejects it", v.Claim)
					} else if v.Status == "accepted" {
						acceptedOK[v.Claim]++
					}
				}
				// The 277CA accepts (and the clean file holds) only claims that
				// no layer rejects and the NDJSON accepts.
				ack := map[string]int{}
				var trn string
				for _, s := range segments(t, outs["277ca"]) {
					switch {
					case s[0] == "TRN":
						trn = s[2]
					case s[0] == "STC" && len(s) > 3 && s[3] == "WQ" && trn != "" && bytes.HasPrefix([]byte(s[1]), []byte("A2")):
						ack[trn]++
						trn = ""
					case s[0] == "HL":
						trn = ""
					}
				}
				for id, n := range ack {
					assert.LessOrEqual(t, n, acceptedOK[id], "277CA accepts claim %q", id)
				}
				clean := map[string]int{}
				for _, s := range segments(t, outs["clean"]) {
					if s[0] == "CLM" {
						clean[s[1]]++
					}
				}
				for id, n := range clean {
					assert.LessOrEqual(t, n, acceptedOK[id], "the clean file holds claim %q", id)
				}
			})
		}
	}
	assert.Greater(t, layerRejected, 10, "the fixtures have claims that a layer rejects")
}
