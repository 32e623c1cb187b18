package edi_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

// seedCorpus adds every fixture (and a few hand-made oddities) to f.
func seedCorpus(f *testing.F) {
	for _, b := range build.SeedCorpus(64<<10, "../fixtures/*.x12", "../fixtures/samples/*.x12", "../fixtures/reader/*.x12", "../fixtures/hostile/*.x12") {
		f.Add(b)
	}
	f.Add([]byte(""))
	f.Add([]byte("ISA"))
	f.Add([]byte("\xEF\xBB\xBFISA*"))
}

// FuzzReader: never a panic; offsets strictly increase; the spans of the
// segments read are exactly the input's bytes, in order (except segments
// too long to keep).
func FuzzReader(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := edi.NewReader(bytes.NewReader(b))
		var got []byte
		last := int64(-1)
		truncated := false
		for r.Next() {
			s := r.Segment()
			if s.SpanOffset <= last || s.Offset < s.SpanOffset {
				t.Fatalf("offsets do not increase: span %d, raw %d after %d", s.SpanOffset, s.Offset, last)
			}
			last = s.SpanOffset
			if s.Truncated {
				truncated = true
				continue
			}
			if int64(len(got)) != s.SpanOffset && !truncated {
				t.Fatalf("span at %d, but %d bytes were read before it", s.SpanOffset, len(got))
			}
			got = append(got, s.Span...)
			els := s.Elements()
			if len(els) == 0 {
				t.Fatal("a segment has at least its ID element")
			}
		}
		if r.Err() == nil && !truncated && !bytes.Equal(got, b) {
			t.Fatalf("segments do not reproduce the input:\n got %q\nwant %q", got, b)
		}
	})
}

// FuzzModel: never a panic; the parser's fast path gives exactly the items
// of the general one, and Build the same model from both; every CLM segment of an 837P transaction becomes
// exactly one claim; items reproduce the input.
func FuzzModel(f *testing.F) {
	seedCorpus(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		// Items are compared once both parsers are done: an interchange's
		// counts are complete only at its end.
		var want, got []edi.Item
		slow := edi.NewSlowParser(bytes.NewReader(b))
		for it, ok := slow.Next(); ok; it, ok = slow.Next() {
			want = append(want, it)
		}
		p := edi.NewParser(bytes.NewReader(b))
		for it, ok := p.Next(); ok; it, ok = p.Next() {
			got = append(got, it)
		}
		if !reflect.DeepEqual(p.Err(), slow.Err()) || len(got) != len(want) {
			t.Fatalf("fast path: %d items, error %v; general path: %d items, error %v", len(got), p.Err(), len(want), slow.Err())
		}
		for n := range got {
			if !reflect.DeepEqual(got[n], want[n]) {
				t.Fatalf("item %d differs between the fast path and the general one:\n%+v\n%+v", n, got[n], want[n])
			}
		}
		var raw []byte
		truncated := false
		for n, it := range got {
			raw = append(raw, it.Raw...)
			tx := it.Tx
			if it.Kind == edi.ItemStray && it.Raw == nil {
				truncated = true // a too-long segment outside a transaction
			}
			if tx == nil {
				continue
			}
			for i := range tx.Segs {
				truncated = truncated || tx.Segs[i].ID == edi.SegTruncated
			}
			m := claim.Build(tx)
			// The slow parser's transaction (every segment through the
			// Reader) must give the same model.
			g := claim.Build(want[n].Tx)
			for _, c := range []struct {
				what      string
				got, want any
			}{
				{"HLs", m.HLs, g.HLs}, {"claims", m.Claims, g.Claims}, {"segment errors", m.SegmentErrors, g.SegmentErrors},
				{"header", [3]int{m.Submitter, m.Receiver, m.HeaderEnd}, [3]int{g.Submitter, g.Receiver, g.HeaderEnd}},
			} {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Fatalf("%s differ between the fast and the slow parser:\n%+v\n%+v", c.what, c.got, c.want)
				}
			}
			clm := 0
			for i := range tx.Segs {
				if tx.Segs[i].ID == edi.SegCLM {
					clm++
				}
			}
			if tx.Unsupported == "" && clm != len(m.Claims) {
				t.Fatalf("%d CLM segments became %d claims", clm, len(m.Claims))
			}
			if clm != tx.CLMs {
				t.Fatalf("%d CLM segments indexed, the parser counted %d", clm, tx.CLMs)
			}
			// Segments tile Raw: each span is white space (and the
			// terminators of empty segments), then the content, then the
			// terminator if any, and the last one stops at Raw's end.
			blank := " \t\r\n" + string([]byte{tx.Interchange.Delims.Segment})
			for i := range tx.Segs {
				s := tx.Segs[i]
				lead := tx.Lead(i)
				if lead > s.Start || s.Start > s.End || tx.Stop(i) > int32(len(tx.Raw)) ||
					len(bytes.TrimLeft(tx.Raw[lead:s.Start], blank)) > 0 {
					t.Fatalf("segment %d: span [%d,%d) content [%d,%d) in %d bytes: %q", i, lead, tx.Stop(i), s.Start, s.End, len(tx.Raw), tx.Raw)
				}
				if tail := tx.Raw[s.End:tx.Stop(i)]; len(tail) > 2 || len(bytes.TrimLeft(tail, "\r")) > 1 ||
					len(tail) > 0 && tail[len(tail)-1] != '\r' && tail[len(tail)-1] != tx.Interchange.Delims.Segment {
					t.Fatalf("segment %d ends with %q", i, tail)
				}
			}
			if n := len(tx.Segs); n > 0 && tx.Stop(n-1) != int32(len(tx.Raw)) {
				t.Fatalf("the last segment stops at %d of %d bytes", tx.Stop(n-1), len(tx.Raw))
			}
			for _, c := range m.Claims {
				for _, l := range c.Lines {
					if l.Seg < c.Seg || l.End > c.End {
						t.Fatalf("line [%d,%d) outside its claim [%d,%d)", l.Seg, l.End, c.Seg, c.End)
					}
				}
			}
		}
		// Items come in the order of their bytes: together they are the input
		// (unless a segment too long to keep was dropped).
		if p.Err() == nil && !truncated && !bytes.Equal(raw, b) {
			t.Fatalf("items do not reproduce the input:\n got %q\nwant %q", raw, b)
		}
	})
}
