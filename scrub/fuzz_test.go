package scrub_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

// FuzzScrub runs the engine and every writer on arbitrary input, with one
// job or three: never a panic (the text report included); clean + rejected hold each claim exactly once; the annotated
// output is the input plus notes; the 277CA and 999 re-read without
// structural errors; every claim stays under the billing provider,
// subscriber and patient it follows. Besides the fuzzer's own byte
// mutations, mutate renumbers HLs and rewrites segment ids, the faults
// that once moved claims between providers.
func FuzzScrub(f *testing.F) {
	addSeeds(f)
	cat := rules.Default()
	f.Fuzz(func(t *testing.T, in []byte, mutation uint64) {
		in = mutate(in, mutation)
		bufs := make([]*bytes.Buffer, 7)
		for i := range bufs {
			bufs[i] = &bytes.Buffer{}
		}
		ack := report.AckOptions{Now: fixedNow}
		printers := []scrub.Printer{&report.JSONPrinter{W: bufs[0]}, report.New277CA(bufs[1], ack), report.New999(bufs[2], ack),
			&report.AnnotatedPrinter{W: bufs[3]}, &report.SplitPrinter{W: bufs[4]}, &report.SplitPrinter{W: bufs[5], Rejected: true},
			&report.TextPrinter{W: bufs[6], Color: len(in)%2 == 1}}
		var sum finding.Summary
		// One job, or three (the pipeline, small transactions batched).
		jobs := 1 + 2*int(mutation/2%2)
		err := scrub.Run("fuzz", bytes.NewReader(in), scrub.Options{Engine: scrub.New(cat), Printers: printers, Jobs: jobs, TrailersFirst: mutation%2 == 1}, &sum)
		for _, p := range printers {
			if cerr := p.Close(&sum); cerr != nil {
				t.Fatal(cerr)
			}
		}
		if err != nil || len(sum.Unsupported) > 0 {
			return
		}
		orig := reread(t, in)
		for _, tx := range orig.txs {
			for _, s := range tx.Segs {
				if s.ID == edi.SegTruncated {
					return // a segment too long to keep is dropped from every output
				}
			}
		}
		if sum.Claims != sum.ClaimSegments {
			t.Fatalf("%d CLM segments, %d claims", sum.ClaimSegments, sum.Claims)
		}
		if n := bytes.Count(bufs[0].Bytes(), []byte("\n")); n != sum.Claims {
			t.Fatalf("%d claims, %d JSON lines", sum.Claims, n)
		}
		clean, rej := printers[4].(*report.SplitPrinter), printers[5].(*report.SplitPrinter)
		if clean.Claims+rej.Claims != sum.Claims || clean.Claims != sum.Accepted {
			t.Fatalf("split: %d clean + %d rejected for %d claims (%d accepted)", clean.Claims, rej.Claims, sum.Claims, sum.Accepted)
		}
		assertAnnotatedIsInputPlusNotes(t, in, bufs[3].Bytes())
		if want, got := ancestors(t, in), splitAncestors(t, bufs[4].Bytes(), bufs[5].Bytes()); !reflect.DeepEqual(want, got) {
			t.Fatalf("a claim moved to other ancestors:\ninput %v\nsplit %v", want, got)
		}
		for i, name := range map[int]string{1: "277CA", 2: "999"} {
			if bufs[i].Len() == 0 {
				continue
			}
			if rb := reread(t, bufs[i].Bytes()); len(rb.problems) > 0 {
				t.Fatalf("%s re-read with problems: %v\n%s", name, rb.problems, bufs[i].Bytes())
			}
		}
	})
}

// addSeeds seeds a fuzz target over (input, mutation) with every fixture,
// as written and mutated.
func addSeeds(f *testing.F) {
	for i, b := range build.SeedCorpus(32<<10, "../fixtures/*.x12", "../fixtures/situations/*.x12", "../fixtures/envelopes/*.x12",
		"../fixtures/reader/*.x12", "../fixtures/hostile/*.x12") {
		f.Add(b, uint64(0))
		f.Add(b, uint64(i+1))
	}
}

// mutate applies the HL and segment-id mutations chosen by m (0: none) to
// an input whose ISA can be read.
func mutate(in []byte, m uint64) []byte {
	if m == 0 {
		return in
	}
	d, _, err := edi.ParseISA(in)
	if err != nil {
		return in
	}
	rng := rand.New(rand.NewPCG(m, 11))
	ids := [][]byte{[]byte("NM31"), []byte("ZZZ"), []byte("HL"), []byte("CLM"), []byte("LX"), []byte("SE"), []byte("NM1"), []byte("SV1"), []byte("ST")}
	segs := bytes.Split(in, []byte{d.Segment})
	for i, seg := range segs {
		if i == 0 || rng.IntN(8) != 0 {
			continue
		}
		lead := len(seg) - len(bytes.TrimLeft(seg, " \t\r\n"))
		els := bytes.Split(seg[lead:], []byte{d.Element})
		if string(els[0]) == "HL" && len(els) > 2 {
			switch rng.IntN(3) {
			case 0:
				els[1] = strconv.AppendInt(nil, int64(1+rng.IntN(6)), 10)
			case 1:
				els[2] = strconv.AppendInt(nil, int64(rng.IntN(9)), 10)
			case 2:
				els[1], els[2] = els[2], els[1]
			}
		} else if rng.IntN(4) == 0 {
			els[0] = ids[rng.IntN(len(ids))]
		}
		segs[i] = append(seg[:lead:lead], bytes.Join(els, []byte{d.Element})...)
	}
	return bytes.Join(segs, []byte{d.Segment})
}

// FuzzParallelIdentity: one job and three give byte-identical outputs in
// every format, and the same error, whatever the input: the pipeline hands
// small transactions over several at a time, recycles every array, and
// builds its catalog while the input is read (Later), none of which may
// show in what is written.
func FuzzParallelIdentity(f *testing.F) {
	addSeeds(f)
	cat := rules.Default()
	run := func(in []byte, o scrub.Options) (map[string][]byte, string) {
		out, _, err := runAll("fuzz", in, o)
		if err != nil {
			return out, err.Error()
		}
		return out, ""
	}
	f.Fuzz(func(t *testing.T, in []byte, mutation uint64) {
		in = mutate(in, mutation)
		trailers := mutation%2 == 1
		one, err1 := run(in, scrub.Options{Engine: scrub.New(cat), Jobs: 1, TrailersFirst: trailers})
		three, err3 := run(in, scrub.Options{Engine: scrub.Later(func() *rules.Catalog { return cat }), Jobs: 3, TrailersFirst: trailers})
		if err1 != err3 {
			t.Fatalf("one job: %q; three: %q", err1, err3)
		}
		for _, name := range formats {
			if !bytes.Equal(one[name], three[name]) {
				t.Fatalf("%s differs between one job and three:\none:   %q\nthree: %q", name, one[name], three[name])
			}
		}
	})
}
