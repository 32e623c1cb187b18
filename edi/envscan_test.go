package edi

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScanEnvelopes(t *testing.T) {
	isa := func(e, c, s, ctl string) string {
		return strings.NewReplacer("*", e, ":", c, "~", s).Replace("ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260302*1200*^*00501*" + ctl + "*0*T*:~")
	}
	one := isa("*", ":", "~", "000000001") + "\r\nGS*HC*A*B*20260302*1200*7*X*005010X222A1~\r\nST*837*0001~\r\nNM1*IL*1*ST*GE~\r\nSE*3*0001~\r\nST*837*0002~\r\nSE*2*0002~\r\nGE*2*7~\r\nIEA*1*000000001~\r\n"
	two := isa("|", ">", "\n", "000000002") + "GS|HC|A|B|20260302|1200|9|X|005010X222A1\r\nST|837|0001\r\nSE|2|0001\r\nGE|3|9\r\nIEA|2|000000002\r\n"
	in := "\xef\xbb\xbf" + one + two
	sc := scanEnvelopes(strings.NewReader(in), int64(len(in)))
	require.Len(t, sc.ics, 2)
	require.Len(t, sc.groups, 2)
	g1 := sc.groups[int64(strings.Index(in, "GS*"))]
	require.NotNil(t, g1)
	assert.Equal(t, groupScan{sets: 2, ge: true, ge01: "2", ge02: "7", control: "7"}, *g1, "a name ST or GE inside a segment is no segment")
	g2 := sc.groups[int64(strings.Index(in, "GS|"))]
	require.NotNil(t, g2)
	assert.Equal(t, groupScan{sets: 1, ge: true, ge01: "3", ge02: "9", control: "9"}, *g2, "the second interchange's own delimiters, CR before an LF terminator")
	ic2 := sc.ics[int64(strings.LastIndex(in, "ISA"))]
	require.NotNil(t, ic2)
	assert.Equal(t, icScan{groups: 1, iea: true, iea01: "2", iea02: "000000002"}, *ic2)

	g := &Group{Offset: 0, Control: "9"}
	assert.Equal(t, []string{"X12-GE-COUNT"}, rulesOf(g2.faults(g)))
	ic := &Interchange{Control: "000000002"}
	assert.Equal(t, []string{"X12-IEA-COUNT"}, rulesOf(ic2.faults(ic)))

	// Cut off: a group without GE; a segment longer than a chunk ends the
	// scan with what it has.
	cut := one[:strings.Index(one, "GE*")]
	sc = scanEnvelopes(strings.NewReader(cut), int64(len(cut)))
	assert.False(t, sc.groups[int64(strings.Index(cut, "GS*"))].ge)
	long := isa("*", ":", "~", "000000001") + "GS*HC*A*B*1*2*7~ST*837*0001~NM1*" + strings.Repeat("x", scanChunk+10) + "~SE*2*0001~GE*1*7~IEA*1*000000001~"
	sc = scanEnvelopes(strings.NewReader(long), int64(len(long)))
	assert.Nil(t, sc.groups[int64(strings.Index(long, "GS*"))], "not seen past the long segment: unknown, not missing")
	assert.Empty(t, sc.ics)
}

func rulesOf(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Rule)
	}
	return out
}

// The fast path agrees with the segment-by-segment scan on every fixture
// and on inputs that put terminators, white space and envelope ids at
// buffer edges.
func TestScanEnvelopesFastAgrees(t *testing.T) {
	var inputs [][]byte
	files, err := filepath.Glob("../fixtures/*/*.x12")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		inputs = append(inputs, b)
	}
	// A segment as long as a chunk, give or take the fast path's guard:
	// its terminator lands before, in or past the guard at a buffer's end.
	isa := "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260302*1200*^*00501*000000001*0*T*:~"
	for _, chunk := range []int{4 * ISALength, 4*ISALength + 13} {
		for n := chunk - 2*scanGuard; n <= chunk+8; n++ {
			long := "NM1*" + strings.Repeat("x", n-5) + "~"
			inputs = append(inputs, []byte(isa+"GS*HC*A*B*1*2*7~ST*837*1~"+long+"SE*3*1~GE*1*7~IEA*1*000000001~"),
				[]byte(isa+long+"GS*HC*A*B*1*2*7~GE*0*7~IEA*1*000000001~"))
		}
	}
	for _, in := range inputs {
		assertSameScan(t, in)
	}

	// Two halves cut at every byte of inputs whose envelopes the one pass
	// reads in unusual ways: a group left open before an IEA, a GS and STs
	// between an IEA and the next ISA, an interchange with delimiters of
	// its own, trailers with missing elements.
	other := strings.NewReplacer("*", "|", "~", "!", ":", ">").Replace(isa)
	odd := []string{
		isa + "GS*HC*A*B*1*2*7~ST*837*1~NM1*X~SE*2*1~IEA*1*000000001~GS*HC*A*B*1*2*8~ST*837*2~ST*837*3~GE*2*8~" + isa + "GS*HC*A*B*1*2*9~ST*837*4~GE*1*9~IEA*1*000000001~",
		isa + "GS*HC*A*B*1*2*7~ST*837*1~SE*2*1~GE*1*7~" + other + "GS|HC|A|B|1|2|8!ST|837|1!GE|1|8!IEA|1|000000001!" + isa + "GS*HC~ST~GE~IEA~",
		isa + "GS*HC*A*B*1*2*7~ST*837*1~NM1*IL*1*ST*GE~SE*2*1~ST*837*2~SE*2*2~GE~IEA*~",
	}
	r := func(in string) { // every cut, segment-by-segment and fast, chunks that split segments
		b := []byte(in)
		want := scanEnvelopesIn(bytes.NewReader(b), int64(len(b)), 4*ISALength, false)
		for mid := int64(0); mid <= int64(len(b)); mid++ {
			for _, fast := range []bool{true, false} {
				got := scanHalves(bytes.NewReader(b), int64(len(b)), mid, 4*ISALength+13, fast)
				require.Equal(t, want, got, "cut from %d, fast %v: %q", mid, fast, in)
			}
		}
	}
	for _, in := range odd {
		r(in)
		r("\xef\xbb\xbf  " + in)
	}
}

func assertSameScan(t *testing.T, in []byte) {
	t.Helper()
	r := bytes.NewReader(in)
	size := int64(len(in))
	// Cuts for the two-half scan: thirds, and on and around every
	// envelope segment and terminator-like byte of the first 2 KB past the
	// middle.
	thirds := []int64{size / 3, size / 2, 2 * size / 3}
	cuts := thirds
	for k := size / 2; k < min(size, size/2+512); k++ {
		switch in[k] {
		case '~', '\n', '|', 'G', 'S', 'I':
			cuts = append(cuts, k, k+1)
		}
	}
	for _, chunk := range []int{scanChunk, 4 * ISALength, 4*ISALength + 13} {
		want := scanEnvelopesIn(r, size, chunk, false)
		got := scanEnvelopesIn(r, size, chunk, true)
		require.Equal(t, want, got, "chunk %d: %.200q", chunk, in)
		at := cuts
		if chunk == scanChunk {
			at = thirds // a 4 MiB buffer a scan: the small chunks take the many cuts
		}
		for _, mid := range at {
			got := scanHalves(r, size, mid, chunk, chunk != 4*ISALength)
			require.Equal(t, want, got, "two halves cut from %d, chunk %d: %.200q", mid, chunk, in)
		}
	}
}

// FuzzScanEnvelopes: go test ./edi -run '^$' -fuzz FuzzScanEnvelopes
func FuzzScanEnvelopes(f *testing.F) {
	isa := "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260302*1200*^*00501*000000001*0*T*:~"
	f.Add([]byte(isa + "GS*HC*A*B*20260302*1200*7*X*005010X222A1~ST*837*0001~NM1*IL*1*ST*GE~SE*3*0001~GE*1*7~IEA*1*000000001~"))
	f.Add([]byte(isa + "\r\nGS*HC*A*B*1*2*7~\r\n  ST*837*1~\n\nSE*2*1~\r\nGE*1*7~\r\nIEA*1*000000001~\r\n"))
	f.Add([]byte(strings.NewReplacer("*", "|", "~", "\n").Replace(isa) + "GS|HC\r\nST|837\r\nSE|2\r\nGE|1|7\r\nIEA|1|000000001\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		// Long enough for the fast path: pad the middle with ordinary
		// segments, so that envelope segments land on every offset.
		if i := bytes.IndexByte(in, '~'); i > 0 && len(in) < 1<<16 {
			pad := bytes.Repeat([]byte("NM1*IL*1*DOE~"), 11)
			in = append(append(append([]byte{}, in[:i+1]...), pad...), in[i+1:]...)
		}
		assertSameScan(t, in)
	})
}

// BenchmarkScanEnvelopes reads every envelope of a ~100 MB batch (the
// demo's transaction sets, repeated): go test ./edi -bench ScanEnvelopes
func BenchmarkScanEnvelopes(b *testing.B) {
	demo, err := os.ReadFile("../fixtures/demo.x12")
	require.NoError(b, err)
	start := bytes.Index(demo, []byte("ST*"))
	end := bytes.LastIndex(demo, []byte("GE*"))
	var in bytes.Buffer
	in.Write(demo[:start])
	for in.Len() < 100<<20 {
		in.Write(demo[start:end])
	}
	in.Write(demo[end:])
	r := bytes.NewReader(in.Bytes())
	b.SetBytes(int64(in.Len()))
	for _, c := range []struct {
		name string
		scan func() *envScan
	}{
		{"two-halves", func() *envScan { return scanEnvelopes(r, int64(in.Len())) }},
		{"one-pass", func() *envScan { return scanEnvelopesIn(r, int64(in.Len()), scanChunk, true) }},
		{"segment-by-segment", func() *envScan { return scanEnvelopesIn(r, int64(in.Len()), scanChunk, false) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(in.Len()))
			for b.Loop() {
				if len(c.scan().groups) != 1 {
					b.Fatal("one group expected")
				}
			}
		})
	}
}
