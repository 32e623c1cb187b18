package scrub_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenInputs are the fixtures every output format is checked on.
func goldenInputs(t testing.TB) []string {
	files := []string{"../fixtures/demo.x12", "../fixtures/reader/se-count-one-wrong.x12", "../fixtures/reader/two-interchanges.x12",
		"../fixtures/samples/lfh-X222A2-example1.x12"}
	s, _ := filepath.Glob("../fixtures/situations/*.x12")
	e, _ := filepath.Glob("../fixtures/envelopes/*.x12")
	return append(append(files, s...), e...)
}

var fixedNow = time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC)

var formats = []string{"text", "json", "277ca", "999", "ta1", "annotated", "clean", "rejected"}

// outputs runs one input through every printer at once.
func outputs(t testing.TB, path string, jobs int) (map[string][]byte, finding.Summary) {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return outputsOf(t, strings.TrimPrefix(path, "../"), b, jobs)
}

// allPrinters returns one printer of each format, writing into bufs.
func allPrinters() (map[string]*bytes.Buffer, []scrub.Printer) {
	bufs := map[string]*bytes.Buffer{}
	for _, f := range formats {
		bufs[f] = &bytes.Buffer{}
	}
	ack := report.AckOptions{Now: fixedNow}
	return bufs, []scrub.Printer{
		&report.TextPrinter{W: bufs["text"]},
		&report.JSONPrinter{W: bufs["json"]},
		report.New277CA(bufs["277ca"], ack),
		report.New999(bufs["999"], ack),
		report.NewTA1(bufs["ta1"], ack),
		&report.AnnotatedPrinter{W: bufs["annotated"]},
		&report.SplitPrinter{W: bufs["clean"]},
		&report.SplitPrinter{W: bufs["rejected"], Rejected: true},
	}
}

func outputsOf(t testing.TB, name string, b []byte, jobs int) (map[string][]byte, finding.Summary) {
	return outputsWith(t, name, b, scrub.Options{Jobs: jobs})
}

// outputsWith runs every printer with options o (Printers set here, and
// Engine unless set).
func outputsWith(t testing.TB, name string, b []byte, o scrub.Options) (map[string][]byte, finding.Summary) {
	if o.Engine == nil {
		o.Engine = scrub.New(rules.Default())
	}
	out, sum, err := runAll(name, b, o)
	require.NoError(t, err)
	return out, sum
}

// runAll runs every printer with options o (Printers set here) and closes
// them: each format's output, the summary, and the run's error or else
// the first printer's.
func runAll(name string, b []byte, o scrub.Options) (map[string][]byte, finding.Summary, error) {
	bufs, printers := allPrinters()
	o.Printers = printers
	var sum finding.Summary
	err := scrub.Run(name, bytes.NewReader(b), o, &sum)
	for _, p := range printers {
		if cerr := p.Close(&sum); err == nil {
			err = cerr
		}
	}
	out := map[string][]byte{}
	for f, b := range bufs {
		out[f] = b.Bytes()
	}
	return out, sum, err
}

func TestGoldenOutputs(t *testing.T) {
	for _, in := range goldenInputs(t) {
		outs, _ := outputs(t, in, 1)
		for _, f := range formats {
			t.Run(filepath.Base(in)+"/"+f, func(t *testing.T) {
				golden := filepath.Join("testdata", "golden", strings.TrimSuffix(filepath.Base(in), ".x12")+"."+f)
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
					require.NoError(t, os.WriteFile(golden, outs[f], 0o644))
				}
				want, err := os.ReadFile(golden)
				require.NoError(t, err, "run: go test ./scrub -update")
				assert.Equal(t, string(want), string(outs[f]))
			})
		}
	}
}

// Parallel and sequential runs produce byte-identical outputs in every format.
func TestParallelOutputIsIdentical(t *testing.T) {
	for _, in := range goldenInputs(t) {
		seq, _ := outputs(t, in, 1)
		par, _ := outputs(t, in, 4)
		for _, f := range formats {
			assert.Equal(t, string(seq[f]), string(par[f]), "%s %s", in, f)
		}
	}
}

// An engine whose catalog is built while the input is read gives what one
// built before gives, and builds it once.
func TestLaterEngine(t *testing.T) {
	for _, in := range goldenInputs(t) {
		b, err := os.ReadFile(in)
		require.NoError(t, err)
		for _, jobs := range []int{1, 4} {
			var loads atomic.Int32
			e := scrub.Later(func() *rules.Catalog {
				loads.Add(1)
				return rules.Default()
			})
			want, _ := outputsOf(t, in, b, jobs)
			got, _ := outputsWith(t, in, b, scrub.Options{Engine: e, Jobs: jobs})
			for _, f := range formats {
				assert.Equal(t, string(want[f]), string(got[f]), "%s %s jobs %d", in, f, jobs)
			}
			require.NotNil(t, e.Catalog())
			assert.Equal(t, int32(1), loads.Load())
		}
	}
}

// Many transactions through every printer: model arrays are handed back
// after rendering, findings and their text once written, and reused by
// later transactions while earlier ones (with several jobs) still wait for
// the writer; nothing may leak between them. The reference recycles nothing.
//
// Small transactions are handed to workers several at a time: one-claim
// sets, and large and small ones in turn, go through the same checks.
func TestParallelManyTransactions(t *testing.T) {
	mixed := append(build.Batch(build.BatchOptions{Seed: 12, Claims: 400, PerTx: 1}), build.Batch(build.BatchOptions{Seed: 13, Claims: 600, PerTx: 97})...)
	mixed = append(mixed, build.Batch(build.BatchOptions{Seed: 14, Claims: 500, PerTx: 3})...)
	for _, c := range []struct {
		name   string
		in     []byte
		claims int
	}{
		{"97 claims a set", build.Batch(build.BatchOptions{Seed: 11, Claims: 3000, PerTx: 97}), 3000},
		{"one claim a set", build.Batch(build.BatchOptions{Seed: 11, Claims: 1500, PerTx: 1}), 1500},
		{"large and small sets in turn", mixed, 1500},
	} {
		t.Run(c.name, func(t *testing.T) {
			ref := unrecycled(t, "batch", c.in)
			_, seqSum := outputsOf(t, "batch", c.in, 1)
			require.Equal(t, c.claims, seqSum.Claims)
			for _, jobs := range []int{1, 2, 3, 8} {
				par, parSum := outputsOf(t, "batch", c.in, jobs)
				for _, f := range formats {
					assert.Equal(t, string(ref[f]), string(par[f]), "jobs=%d %s", jobs, f)
				}
				parSum.Elapsed, seqSum.Elapsed = 0, 0
				assert.Equal(t, seqSum, parSum, "jobs=%d summary", jobs)
			}
		})
	}
}

// unrecycled renders every transaction without the pipeline: each Result
// is made by Engine.Scrub and nothing is released or reused.
func unrecycled(t *testing.T, name string, b []byte) map[string][]byte {
	bufs, printers := allPrinters()
	e := scrub.New(rules.Default())
	var sum finding.Summary
	p := edi.NewParser(bytes.NewReader(b))
	p.Name = name
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		var res *finding.Result
		if it.Tx != nil {
			res = e.Scrub(it.Tx)
			sum.Add(res)
		}
		for _, pr := range printers {
			var r []byte
			if res != nil {
				r = pr.Render(nil, res)
			}
			require.NoError(t, pr.Write(&it, res, r))
		}
	}
	require.NoError(t, p.Err())
	out := map[string][]byte{}
	for i, pr := range printers {
		require.NoError(t, pr.Close(&sum))
		out[formats[i]] = bufs[formats[i]].Bytes()
	}
	return out
}

type readBack struct {
	txs      []*edi.Transaction
	models   []*claim.Model // models[i] is txs[i]'s
	problems []string
	raw      []byte
}

func reread(t *testing.T, b []byte) readBack {
	var rb readBack
	p := edi.NewParser(bytes.NewReader(b))
	p.Source, p.Size = bytes.NewReader(b), int64(len(b)) // a file: its end is read first
	for {
		it, ok := p.Next()
		if !ok {
			break
		}
		rb.raw = append(rb.raw, it.Raw...)
		if it.Problem != nil && it.Problem.Rule != "X12-GS-FUNCTION" && it.Problem.Rule != "X12-GS-VERSION" { // a 999 or 277CA is not an 837P group
			rb.problems = append(rb.problems, it.Problem.Rule+": "+it.Problem.Msg)
		}
		if it.Tx != nil {
			m := claim.Build(it.Tx)
			rb.txs, rb.models = append(rb.txs, it.Tx), append(rb.models, m)
			for _, pr := range m.SegmentErrors {
				rb.problems = append(rb.problems, pr.Rule+": "+pr.Msg)
			}
			for _, pr := range it.Tx.Problems {
				rb.problems = append(rb.problems, pr.Rule+": "+pr.Msg)
			}
			for _, pr := range it.Tx.SegmentErrors {
				rb.problems = append(rb.problems, pr.Rule+": "+pr.Msg)
			}
		}
	}
	if len(b) > 0 {
		require.NoError(t, p.Err())
	}
	return rb
}

func claimSpans(rb readBack) map[string]string {
	out := map[string]string{}
	for k, tx := range rb.txs {
		for _, c := range rb.models[k].Claims {
			var b []byte
			for i := c.Seg; i < c.End; i++ {
				if tx.Segs[i].ID != edi.SegSE {
					b = append(b, tx.Content(i)...)
				}
			}
			out[tx.ST02+"/"+c.ID] = string(b)
		}
	}
	return out
}

func TestOutputProperties(t *testing.T) {
	for _, in := range goldenInputs(t) {
		t.Run(filepath.Base(in), func(t *testing.T) {
			input, err := os.ReadFile(in)
			require.NoError(t, err)
			outs, sum := outputs(t, in, 1)
			orig := reread(t, input)
			structural := len(orig.problems) > 0

			// Re-reading every output gives zero structural errors (for inputs
			// that had none; a broken input's rejected file keeps its faults).
			for _, f := range []string{"277ca", "999", "clean", "annotated"} {
				rb := reread(t, outs[f])
				if f == "annotated" && structural {
					continue
				}
				assert.Empty(t, rb.problems, "%s output re-read with structural errors", f)
			}

			// clean ∪ rejected = claims read, no duplicate, each byte-identical.
			clean, rej := claimSpans(reread(t, outs["clean"])), claimSpans(reread(t, outs["rejected"]))
			all := claimSpans(orig)
			assert.Len(t, all, sum.Claims)
			for k := range clean {
				_, dup := rej[k]
				assert.False(t, dup, "claim %s in both files", k)
			}
			union := map[string]string{}
			for k, v := range clean {
				union[k] = v
			}
			for k, v := range rej {
				union[k] = v
			}
			assert.Equal(t, all, union)
			assert.Len(t, clean, sum.Accepted)
			assert.Len(t, rej, sum.Rejected)

			// Annotated minus its inserted NTEs and SE01 equals the input.
			assertAnnotatedIsInputPlusNotes(t, input, outs["annotated"])

			// 277CA: every claim acknowledged; amounts add up to the charges.
			var acc, rejAmt, total claim.Decimal
			pts := 0
			for _, seg := range segments(t, outs["277ca"]) {
				switch {
				case seg[0] == "HL" && len(seg) == 4 && seg[3] == "PT":
					pts++
				case seg[0] == "AMT" && (seg[1] == "YU" || seg[1] == "YY"):
					v, ok := claim.ParseDecimal([]byte(seg[2]))
					require.True(t, ok)
					if seg[1] == "YU" {
						acc += v
					} else {
						rejAmt += v
					}
				}
			}
			answered := 0 // claims of sets the 999 accepts, in envelopes not rejected
			for k, m := range orig.models {
				if tx := orig.txs[k]; len(tx.Problems) > 0 || tx.Interchange.Rejected != nil || tx.Group.Rejected != nil {
					continue
				}
				answered += len(m.Claims)
				for _, c := range m.Claims {
					total += c.Charge
				}
			}
			assert.Equal(t, answered, pts, "one 2000D per claim of every set the 277CA answers")
			// Each amount appears at 2200B and again at each 2200C: halve.
			assert.Equal(t, total, (acc+rejAmt)/2, "accepted + rejected amounts = total charges")
		})
	}
}

func assertAnnotatedIsInputPlusNotes(t *testing.T, input, annotated []byte) {
	t.Helper()
	in, out := reread(t, input), reread(t, annotated)
	require.Equal(t, len(in.txs), len(out.txs))
	for k := range in.txs {
		a, b := in.txs[k], out.txs[k]
		i, j := 0, 0
		for i < len(a.Segs) && j < len(b.Segs) {
			sa, sb := a.Content(i), b.Content(j)
			switch {
			case bytes.Equal(sa, sb):
				i++
				j++
			case b.Segs[j].ID == edi.SegNTE && bytes.HasPrefix(sb, []byte("NTE"+string([]byte{b.Interchange.Delims.Element})+"ADD")):
				require.LessOrEqual(t, len(sb)-8, 80, "NTE02 at most 80 characters")
				j++
			case a.Segs[i].ID == edi.SegSE && b.Segs[j].ID == edi.SegSE:
				i++
				j++
			default:
				t.Fatalf("annotated output differs beyond notes: %q vs %q", sa, sb)
			}
		}
		assert.Equal(t, len(a.Segs), i)
		assert.Equal(t, len(b.Segs), j)
		if len(a.Problems) == 0 {
			assert.Empty(t, b.Problems, "SE01 is corrected")
		}
	}
}

// segments splits any X12 output into elements with our reader, whatever
// its delimiters.
func segments(t *testing.T, b []byte) [][]string {
	var out [][]string
	if len(b) == 0 {
		return nil
	}
	r := edi.NewReader(bytes.NewReader(b))
	for r.Next() {
		s := r.Segment()
		if s.Kind != edi.KindSegment {
			continue
		}
		var els []string
		for _, e := range s.Elements() {
			els = append(els, string(e))
		}
		out = append(out, els)
	}
	require.NoError(t, r.Err())
	return out
}

// The 277CA's SVC01 echoes the line's procedure composite with every
// modifier in its own component: "HC:77002::51" keeps 51 in SV101-4.
func Test277CASVC01KeepsModifierPlaces(t *testing.T) {
	for _, mods := range [][]string{{"", "51"}, {"26", "", "", "51"}, {"", "", "59"}, {"26"}, nil} {
		in := build.Claims(build.Claim{Lines: []build.Line{{Code: "77002", Mods: mods}}}) // no primary: rejected
		outs, sum := outputsOf(t, "svc", in, 1)
		require.Equal(t, 1, sum.Rejected)
		var svc []string
		for _, seg := range segments(t, outs["277ca"]) {
			if seg[0] == "SVC" {
				svc = append(svc, seg[1])
			}
		}
		want := strings.TrimRight(strings.Join(append([]string{"HC", "77002"}, mods...), ":"), ":")
		assert.Equal(t, []string{want}, svc, "modifiers %q", mods)
	}
}

// Options.Largest hears of each transaction larger than any before it, and
// of no other, sequential or parallel: the command sizes its memory limit
// by it.
func TestLargestTransaction(t *testing.T) {
	in := append(build.Batch(build.BatchOptions{Seed: 3, Claims: 120, PerTx: 40}),
		build.Batch(build.BatchOptions{Seed: 4, Claims: 300, PerTx: 150})...)
	var sizes []int
	p := edi.NewParser(bytes.NewReader(in))
	for {
		it, ok := p.Next()
		if !ok {
			break
		}
		if it.Tx != nil {
			sizes = append(sizes, len(it.Tx.Raw))
		}
	}
	require.Len(t, sizes, 5)
	var want []int
	for _, n := range sizes {
		if len(want) == 0 || n > want[len(want)-1] {
			want = append(want, n)
		}
	}
	require.Greater(t, len(want), 1, "the second interchange's transactions are larger")
	for _, jobs := range []int{1, 3} {
		var got []int
		var sum finding.Summary
		o := scrub.Options{Engine: scrub.New(rules.Default()), Printers: []scrub.Printer{&report.JSONPrinter{W: io.Discard}}, Jobs: jobs,
			Largest: func(n int) { got = append(got, n) }}
		require.NoError(t, scrub.Run("in", bytes.NewReader(in), o, &sum))
		assert.Equal(t, want, got, "jobs %d", jobs)
	}
}
