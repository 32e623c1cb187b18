package edi

import (
	"bytes"
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
					if got := kindAt(c0, c1, c2, c3, sep, term); got != want {
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
	if len(known) != int(SegIEA)-1 { // every SegID but SegOther and SegTruncated
		t.Errorf("%d identifiers for %d kinds", len(known), int(SegIEA)-1)
	}
	for _, id := range []string{"", "G", "GSX", "NM", "NM2", "CLMX", "AB", "ABC", "N3", "N4", "DMG", "PER", "\x00\x00", "GS\x00"} {
		if got := segIDOf([]byte(id)); got != known[id] {
			t.Errorf("%q: got %d", id, got)
		}
	}
}
