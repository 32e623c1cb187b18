package edi

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
)

// TestKindAtAgreesWithSegIDOf: the parser's fast path classifies a segment
// from its first four bytes exactly as the general path classifies the
// identifier it cuts out (Segment.ID), on every four-byte prefix drawn from
// the identifiers' letters, the delimiters and a NUL.
func TestKindAtAgreesWithSegIDOf(t *testing.T) {
	const sep, term = '*', '~'
	alphabet := []byte("GSEIATBHLNM1CXVDPRFQ2~*\x00")
	n := 0
	for _, c0 := range alphabet {
		for _, c1 := range alphabet {
			for _, c2 := range alphabet {
				for _, c3 := range alphabet {
					raw := []byte{c0, c1, c2, c3}
					if i := bytes.IndexByte(raw, term); i >= 0 {
						raw = raw[:i] // Raw ends at the terminator
					}
					id := raw
					if i := bytes.IndexByte(raw, sep); i >= 0 {
						id = raw[:i]
					}
					want := segIDOf(id) // an id of four bytes or more is SegOther
					if got := kindAt(uint32(c0)|uint32(c1)<<8|uint32(c2)<<16|uint32(c3)<<24, sep, term); got != want {
						t.Fatalf("%q: kindAt %d, segIDOf(%q) %d", []byte{c0, c1, c2, c3}, got, id, want)
					}
					n++
				}
			}
		}
	}
	if n < 300000 {
		t.Fatalf("only %d prefixes", n)
	}
}

// TestSegKind: every identifier the model knows maps to its SegID (the
// table is built without collisions, or the package would not load), and
// nothing else does.
func TestSegKind(t *testing.T) {
	known := map[string]SegID{}
	for _, n := range segNames {
		known[n.name] = n.id
		if got := segIDOf([]byte(n.name)); got != n.id {
			t.Errorf("%s: got %d, want %d", n.name, got, n.id)
		}
	}
	if len(known) != 46 { // every segment of the 837P and its envelope (pyx12's 005010X222A1 map lists 46)
		t.Errorf("%d identifiers, want 46", len(known))
	}
	for _, id := range []string{"", "G", "GSX", "NM", "NM2", "CLMX", "AB", "ABC", "N3", "N4", "DMG", "PER", "\x00\x00", "GS\x00"} {
		if got := segIDOf([]byte(id)); got != known[id] {
			t.Errorf("%q: got %d", id, got)
		}
	}
}

// TestFieldsCursor: the cursor yields exactly strings.Split's elements, then
// nil, with end set once the last one is out, on random segments of up to
// 150 bytes and with every separator byte.
func TestFieldsCursor(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for round := 0; round < 50000; round++ {
		b, sep := randomSeparated(r, 150)
		want := strings.Split(string(b), string([]byte{sep}))
		f := NewCursor(b, sep)
		for k, w := range want {
			if f.Done() {
				t.Fatalf("%q sep %q: end before element %d", b, sep, k)
			}
			if got := f.Next(); string(got) != w || got == nil {
				t.Fatalf("%q sep %q: element %d is %q, want %q", b, sep, k, got, w)
			}
		}
		if !f.Done() || f.Next() != nil {
			t.Fatalf("%q sep %q: more than %d elements", b, sep, len(want))
		}
	}
}

// randomSeparated returns up to max random bytes and a random separator: a
// quarter of the bytes are the separator and a quarter one bit away from
// it, so that separators fall at every position of a word and next to
// every other byte. (TestFieldsCursor, TestSplitElementsWords.)
func randomSeparated(r *rand.Rand, max int) ([]byte, byte) {
	b := make([]byte, r.Intn(max))
	sep := byte(r.Intn(256))
	for i := range b {
		switch r.Intn(4) {
		case 0:
			b[i] = sep
		case 1:
			b[i] = sep ^ byte(1<<r.Intn(8))
		default:
			b[i] = byte(r.Intn(256))
		}
	}
	return b, sep
}
