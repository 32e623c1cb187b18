package scrub_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

// kept is what a caller keeps of a verdict.
type kept struct {
	id, transaction, charge string
	rejected                bool
	findings                []finding.Finding
}

// TestScanHandsOverValuesThatStay: a caller keeps every verdict it is
// handed, across hundreds of transactions whose memory the run recycles;
// after the run every claim id and finding still reads as a run that
// recycles nothing says.
func TestScanHandsOverValuesThatStay(t *testing.T) {
	in := build.Batch(build.BatchOptions{Seed: 5, Claims: 20000, PerTx: 50})
	var got []kept
	require.NoError(t, scrub.Scan(bytes.NewReader(in), nil, func(v scrub.Verdict) error {
		got = append(got, kept{v.ID, v.Transaction, v.Charge, v.Rejected, v.Findings})
		return nil
	}))

	var want []kept
	e := scrub.New(rules.Default())
	p := edi.NewParser(bytes.NewReader(in))
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		if it.Tx == nil {
			continue
		}
		res := e.Scrub(it.Tx) // owns its memory: nothing is released or reused
		for ci, cr := range res.Claims {
			c := &res.Model.Claims[ci]
			want = append(want, kept{c.ID, it.Tx.ST02, c.ChargeRaw, cr.Rejected, cr.Findings})
		}
	}
	require.NoError(t, p.Err())
	require.Len(t, got, 20000)
	flagged := 0
	for i := range want {
		if len(want[i].findings) > 0 {
			flagged++
		}
		require.Equal(t, want[i], got[i], "claim %d", i)
	}
	assert.Greater(t, flagged, 1000, "the batch has findings to keep")
}

func TestScanErrors(t *testing.T) {
	read := func(t *testing.T, path string) []byte {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return b
	}
	var ie *edi.InputError
	cases := []struct {
		name  string
		in    []byte
		check func(t *testing.T, err error)
	}{
		{"UTF-16", read(t, "../fixtures/hostile/utf16-le-bom.x12"), func(t *testing.T, err error) { assert.ErrorAs(t, err, &ie) }},
		{"not X12", read(t, "../fixtures/hostile/not-x12.txt"), func(t *testing.T, err error) { assert.ErrorAs(t, err, &ie) }},
		{"837I", read(t, "../fixtures/hostile/837i.x12"), func(t *testing.T, err error) { assert.ErrorIs(t, err, scrub.ErrNot837P) }},
		{"truncated before the first claim", read(t, "../fixtures/hostile/truncated-before-claim.x12"),
			func(t *testing.T, err error) { assert.ErrorIs(t, err, scrub.ErrNoClaim) }},
		{"demo", read(t, "../fixtures/demo.x12"), func(t *testing.T, err error) { assert.NoError(t, err) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.check(t, scrub.Scan(bytes.NewReader(c.in), nil, func(scrub.Verdict) error { return nil }))
		})
	}
	t.Run("the callback's error ends the scan", func(t *testing.T) {
		stop := errors.New("enough")
		n := 0
		err := scrub.Scan(bytes.NewReader(read(t, "../fixtures/demo.x12")), nil, func(scrub.Verdict) error {
			n++
			if n == 3 {
				return stop
			}
			return nil
		})
		assert.ErrorIs(t, err, stop)
		assert.Equal(t, 3, n)
	})
}

// The delimiters are whatever the ISA says, bytes of 0x80 or more
// included: the demo gets the same verdicts and findings with any. (Line
// composites were once cut at string(sep), the UTF-8 encoding of a byte
// of 0x80 or more, and lost their modifiers.)
func TestAnyDelimiters(t *testing.T) {
	demo, err := os.ReadFile("../fixtures/demo.x12") // '*', ':' and '~' only as delimiters
	require.NoError(t, err)
	want, err := verdictLines(demo)
	require.NoError(t, err)
	require.Len(t, want, 13)
	for _, d := range []string{"*>~", "*^~", "*\xa7~", "*\xfe~", "|:\n", "\xb7\xa7\xfd", "\x1d\x1f\x1e"} {
		got, err := verdictLines([]byte(strings.NewReplacer("*", d[:1], ":", d[1:2], "~", d[2:]).Replace(string(demo))))
		require.NoError(t, err)
		assert.Equal(t, want, got, "delimiters %q", d)
	}
}

// verdictLines is each claim's id, status and finding rules, one line a
// claim, as Scan hands them over.
func verdictLines(in []byte) ([]string, error) {
	var out []string
	err := scrub.Scan(bytes.NewReader(in), nil, func(v scrub.Verdict) error {
		line := v.ID + " " + v.Status()
		for _, f := range v.Findings {
			line += " " + f.Rule
		}
		out = append(out, line)
		return nil
	})
	return out, err
}

// FuzzDelimiters: an interchange written with other delimiters (each of its
// three swapped for a byte the input does not hold) gets the same verdicts
// and findings, claim by claim.
//
//	go test ./scrub -run '^$' -fuzz FuzzDelimiters
func FuzzDelimiters(f *testing.F) {
	// Other delimiters: punctuation, bytes of 0x80 or more, the ASCII
	// separators some senders use (GS, RS, US).
	candidates := []byte{'!', '|', '^', '>', '{', '}', 0xA7, 0xB7, 0xFD, 0x1D, 0x1E, 0x1F}
	for i, b := range build.SeedCorpus(32<<10, "../fixtures/*.x12", "../fixtures/situations/*.x12", "../fixtures/envelopes/*.x12") {
		f.Add(b, uint8(i))
	}
	demo, err := os.ReadFile("../fixtures/demo.x12")
	require.NoError(f, err)
	for pick := range candidates { // the demo with every choice of delimiters
		f.Add(demo, uint8(pick))
	}
	f.Fuzz(func(t *testing.T, in []byte, pick uint8) {
		at := bytes.Index(in, []byte("ISA"))
		if at < 0 || len(in)-at < edi.ISALength || bytes.Count(in, []byte("ISA")) != 1 {
			return // one interchange, its ISA at its full width
		}
		old := []byte{in[at+3], in[at+104], in[at+105]}
		var repl []byte
		for k := range candidates {
			c := candidates[(int(pick)+k)%len(candidates)]
			if len(repl) < 3 && bytes.IndexByte(in, c) < 0 {
				repl = append(repl, c)
			}
		}
		for i, c := range old {
			if len(repl) < 3 || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' ||
				bytes.IndexByte(old[:i], c) >= 0 {
				return // no room for others, or delimiters the reader refuses or would read apart
			}
		}
		out := bytes.Clone(in)
		for k, c := range out {
			if i := bytes.IndexByte(old, c); i >= 0 {
				out[k] = repl[i]
			}
		}
		want, werr := verdictLines(in)
		got, gerr := verdictLines(out)
		for i, line := range got { // a claim id holding a component separator holds the new one
			b := []byte(line)
			for k, c := range b {
				if j := bytes.IndexByte(repl, c); j >= 0 {
					b[k] = old[j]
				}
			}
			got[i] = string(b)
		}
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("delimiters %q -> %q: error %v, then %v", old, repl, werr, gerr)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("delimiters %q -> %q:\n%q\n%q", old, repl, want, got)
		}
	})
}
