package scrub_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

// ancestors maps each claim (ST02 and CLM01) to the billing provider
// (NM1*85), subscriber (NM1*IL) and patient (NM1*QC) segments it
// physically follows in b, whatever the HL numbers say: one entry per
// claim with that id, sorted (a set may repeat a CLM01).
func ancestors(t *testing.T, b []byte) map[string][]string {
	out := map[string][]string{}
	if len(b) == 0 {
		return out
	}
	r := edi.NewReader(bytes.NewReader(b))
	var st02, billing, subscriber, patient string
	inTx := false    // a CLM outside ST…SE is a stray segment, not a claim
	inClaim := false // names after a CLM (any CLM) are the claim's, not its HL's
	for r.Next() {
		s := r.Segment()
		if s.Kind != edi.KindSegment {
			continue
		}
		els := s.Elements()
		el := func(i int) string {
			if i < len(els) {
				return string(els[i])
			}
			return ""
		}
		switch string(els[0]) {
		case "ST":
			st02, billing, subscriber, patient, inTx, inClaim = el(2), "", "", "", true, false
		case "SE", "GE", "IEA", "ISA", "GS":
			inTx = false
		case "HL":
			inClaim = false
			switch el(3) {
			case "20":
				billing, subscriber, patient = "", "", ""
			case "22":
				subscriber, patient = "", ""
			case "23":
				patient = ""
			}
		case "NM1":
			if inClaim {
				continue
			}
			switch el(1) {
			case "85":
				if billing == "" {
					billing = string(bytes.Join(els, []byte("*")))
				}
			case "IL":
				if subscriber == "" {
					subscriber = string(bytes.Join(els, []byte("*")))
				}
			case "QC":
				if patient == "" {
					patient = string(bytes.Join(els, []byte("*")))
				}
			}
		case "CLM":
			inClaim = true
			if !inTx || len(els) < 2 { // a bare "CLM" is no claim to follow
				continue
			}
			k := st02 + "/" + el(1)
			out[k] = append(out[k], billing+" | "+subscriber+" | "+patient)
		}
	}
	require.NoError(t, r.Err())
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// splitAncestors is ancestors over the clean and the rejected file together.
func splitAncestors(t *testing.T, clean, rejected []byte) map[string][]string {
	got := ancestors(t, clean)
	for k, v := range ancestors(t, rejected) {
		got[k] = append(got[k], v...)
		slices.Sort(got[k])
	}
	return got
}

// shuffleHL renumbers a file's HLs as hostile senders do: an HL01 that
// repeats or jumps, an HL02 that names a later, missing or empty parent.
func shuffleHL(b []byte, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "HL*") || rng.IntN(3) != 0 {
			continue
		}
		els := strings.Split(strings.TrimSuffix(l, "~"), "*")
		if len(els) < 4 {
			continue
		}
		switch rng.IntN(4) {
		case 0:
			els[1] = strconv.Itoa(1 + rng.IntN(6)) // repeats one, likely
		case 1:
			els[2] = strconv.Itoa(1 + rng.IntN(40)) // a later or missing parent
		case 2:
			els[2] = ""
		case 3:
			els[1], els[2] = els[2], els[1] // its own parent, or none
		}
		lines[i] = strings.Join(els, "*") + "~"
	}
	return []byte(strings.Join(lines, "\n"))
}

// Every claim read lands in the clean or the rejected file under the
// billing provider, subscriber and patient it follows in the input, over
// the fixtures, the public samples and batches with shuffled HL numbers.
func TestSplitKeepsPhysicalAncestors(t *testing.T) {
	type input struct {
		name string
		b    []byte
	}
	var ins []input
	paths := goldenInputs(t)
	samples, _ := filepath.Glob("../fixtures/samples/*.x12")
	for _, p := range append(paths, samples...) {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		ins = append(ins, input{filepath.Base(p), b})
	}
	for seed := uint64(1); seed <= 40; seed++ {
		batch := build.Batch(build.BatchOptions{Seed: int64(seed), Claims: 60, PerTx: 20})
		ins = append(ins, input{fmt.Sprintf("shuffled-%d", seed), shuffleHL(batch, seed)})
	}
	shuffled := 0
	for _, in := range ins {
		t.Run(in.name, func(t *testing.T) {
			outs, sum := outputsOf(t, in.name, in.b, 1)
			want := ancestors(t, in.b)
			got := splitAncestors(t, outs["clean"], outs["rejected"])
			n := 0
			for _, v := range want {
				n += len(v)
			}
			assert.Equal(t, sum.Claims, n, "every claim read")
			assertHLTree(t, outs["clean"])
			assertHLTree(t, outs["rejected"])
			assert.Equal(t, want, got, "each claim under its own billing provider, subscriber and patient")
			if strings.HasPrefix(in.name, "shuffled") && sum.Rejected > 0 {
				shuffled++
			}
		})
	}
	assert.Greater(t, shuffled, 30, "the shuffles make claims the model rejects")
}

// assertHLTree checks a split file's HL numbering: HL01 counts up from 1 in
// each set, an HL02 names an earlier HL, a billing provider has none and a
// subscriber or patient has one.
func assertHLTree(t *testing.T, b []byte) {
	t.Helper()
	next := 1
	for _, seg := range segments(t, b) {
		switch {
		case seg[0] == "ST":
			next = 1
		case seg[0] == "HL" && len(seg) > 3:
			assert.Equal(t, strconv.Itoa(next), seg[1], "HL01 counts up from 1: %v", seg)
			if seg[3] == "20" {
				assert.Empty(t, seg[2], "a billing provider has no parent: %v", seg)
			} else if assert.NotEmpty(t, seg[2], "%v has a parent", seg) {
				p, err := strconv.Atoi(seg[2])
				assert.NoError(t, err)
				assert.True(t, p >= 1 && p < next, "HL02 names an earlier HL: %v", seg)
			}
			next++
		}
	}
}

// Split files carry no indentation (X12 has no leading white space), and
// every segment keeps its terminator, whatever the input's layout.
func TestSplitHasNoIndentation(t *testing.T) {
	files, _ := filepath.Glob("../fixtures/reader/*.x12")
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		outs, _ := outputsOf(t, f, b, 1)
		for _, kind := range []string{"clean", "rejected"} {
			for _, line := range strings.Split(string(outs[kind]), "\n") {
				assert.False(t, strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t"), "%s %s: %q", filepath.Base(f), kind, line)
			}
		}
	}
}
