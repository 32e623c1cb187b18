package edi_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

// parsed is everything a test wants from one input.
type parsed struct {
	items  []edi.Item
	txs    []*edi.Transaction
	models []*claim.Model // models[i] is txs[i]'s
	raw    []byte         // concatenation of every item's bytes
	err    error
	claims []string // a one-line description of every claim, for comparison
}

func parse(t testing.TB, b []byte) parsed {
	t.Helper()
	p := edi.NewParser(bytes.NewReader(b))
	var out parsed
	for {
		it, ok := p.Next()
		if !ok {
			break
		}
		out.items = append(out.items, it)
		out.raw = append(out.raw, it.Raw...)
		if it.Tx != nil {
			m := claim.Build(it.Tx)
			out.txs = append(out.txs, it.Tx)
			out.models = append(out.models, m)
			for _, c := range m.Claims {
				out.claims = append(out.claims, describe(&c))
			}
		}
	}
	out.err = p.Err()
	return out
}

func describe(c *claim.Claim) string {
	s := fmt.Sprintf("%s %s pos=%s freq=%s npi=%s/%s", c.ID, c.Charge, c.POS, c.Freq, c.BillingNPI, c.RenderingNPI)
	for _, l := range c.Lines {
		s += fmt.Sprintf(" | %s %s:%s %v %s x%s dos=%d-%d pos=%s 6R=%s", l.LX, l.Qualifier(), l.Code, l.Modifiers(), l.Charge, l.Units, l.DOS, l.DOSEnd, l.POS, l.Ref6R)
	}
	return s
}

func TestReaderVariantsReadTheSameClaims(t *testing.T) {
	base := parse(t, build.File(build.Options{Transactions: [][]build.Claim{build.VariantClaims()}}))
	require.NoError(t, base.err)
	require.Len(t, base.claims, 3)
	files, _ := filepath.Glob("../fixtures/reader/*.x12")
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			got := parse(t, b)
			require.NoError(t, got.err)
			assert.Equal(t, base.claims, got.claims)
			assert.Equal(t, b, got.raw, "items must reproduce the input byte for byte")
		})
	}
}

func TestSECountWrongRejectsOnlyItsTransaction(t *testing.T) {
	b, err := os.ReadFile("../fixtures/reader/se-count-one-wrong.x12")
	require.NoError(t, err)
	got := parse(t, b)
	require.Len(t, got.txs, 2)
	require.Len(t, got.txs[0].Problems, 1)
	assert.Equal(t, "X12-SE-COUNT", got.txs[0].Problems[0].Rule)
	assert.Equal(t, "4", got.txs[0].Problems[0].IK5)
	assert.Empty(t, got.txs[1].Problems)
}

func TestParseISA(t *testing.T) {
	std := "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260302*1200*^*00501*000000001*0*T*:~"
	cases := []struct {
		name               string
		isa                string
		el, comp, seg, rep byte
		n                  int
		err                string
	}{
		{"fixed width", std, '*', ':', '~', '^', 106, ""},
		{"4010 U is not a repetition separator", strings.Replace(std, "*^*00501*", "*U*00401*", 1), '*', ':', '~', 0, 106, ""},
		{"00401 with a symbol is still not one", strings.Replace(std, "*^*00501*", "*^*00401*", 1), '*', ':', '~', 0, 106, ""},
		{"short ISA falls back to splitting", "ISA*00**00**ZZ*A*ZZ*B*260302*1200*^*00501*1*0*T*>~", '*', '>', '~', '^', 50, ""},
		{"newline terminator", strings.TrimSuffix(std, "~") + "\n", '*', ':', '\n', '^', 106, ""},
		{"letter as terminator", strings.TrimSuffix(std, "~") + "X", 0, 0, 0, 0, 0, "letter, digit or blank"},
		{"same delimiters", strings.Replace(std, "*:~", "***", 1), 0, 0, 0, 0, 0, "not distinct"},
		{"too few elements", "ISA*00*~", 0, 0, 0, 0, 0, "fewer than 16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, n, err := edi.ParseISA([]byte(tc.isa))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, edi.Delimiters{Element: tc.el, Component: tc.comp, Segment: tc.seg, Repetition: tc.rep}, d)
			assert.Equal(t, tc.n, n)
		})
	}
}

func TestReaderPositions(t *testing.T) {
	b := build.File(build.Options{Newline: "\n", Transactions: [][]build.Claim{build.VariantClaims()}})
	r := edi.NewReader(bytes.NewReader(b))
	last, line := int64(-1), 0
	for r.Next() {
		s := r.Segment()
		assert.Greater(t, s.Offset, last)
		last = s.Offset
		if s.Kind == edi.KindJunk {
			continue
		}
		line++
		assert.Equal(t, line, s.Line(), "one segment per line")
		assert.Equal(t, s.Raw, b[s.Offset:s.Offset+int64(len(s.Raw))], "offset points at the segment")
	}
	require.NoError(t, r.Err())
}

func TestElementsAreSlicesOfTheInput(t *testing.T) {
	r := edi.NewReader(strings.NewReader(string(build.Claims(build.Claim{ID: "A", Lines: []build.Line{{Code: "77002", Mods: []string{"26", "XS"}}}}))))
	for r.Next() {
		s := r.Segment()
		if string(s.ID()) == "SV1" {
			assert.Equal(t, "77002", string(s.Component(1, 2)))
			assert.Equal(t, "XS", string(s.Component(1, 4)))
			assert.Nil(t, s.Component(1, 6))
			assert.Equal(t, "UN", string(s.Element(3)))
			assert.Nil(t, s.Element(30))
			return
		}
	}
	t.Fatal("no SV1")
}

func TestEnvelopeChecks(t *testing.T) {
	base := string(build.Claims(build.Claim{ID: "E1", Lines: []build.Line{{Code: "99213"}}}))
	cases := []struct {
		name   string
		edit   func(string) string
		txRule string // expected transaction problem
		other  string // expected group/interchange problem
	}{
		{"clean", func(s string) string { return s }, "", ""},
		{"SE control differs", func(s string) string { return strings.Replace(s, "*0001~GE", "*0002~GE", 1) }, "X12-SE-CONTROL", ""},
		{"SE missing", func(s string) string {
			i := strings.Index(s, "SE*")
			j := strings.Index(s, "GE*")
			return s[:i] + s[j:]
		}, "X12-SE-MISSING", ""},
		{"GE count wrong", func(s string) string { return strings.Replace(s, "GE*1*", "GE*2*", 1) }, "", "X12-GE-COUNT"},
		{"GE control differs", func(s string) string { return strings.Replace(s, "GE*1*1~", "GE*1*9~", 1) }, "", "X12-GE-CONTROL"},
		{"IEA control differs", func(s string) string { return strings.Replace(s, "IEA*1*000000001", "IEA*1*000000002", 1) }, "", "X12-IEA-CONTROL"},
		{"IEA count wrong", func(s string) string { return strings.Replace(s, "IEA*1*", "IEA*3*", 1) }, "", "X12-IEA-COUNT"},
		{"IEA missing", func(s string) string { return s[:strings.Index(s, "IEA*")] }, "", "X12-IEA-MISSING"},
		{"GE and IEA missing", func(s string) string { return s[:strings.Index(s, "GE*")] }, "", "X12-GE-MISSING"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := parse(t, []byte(tc.edit(base)))
			require.NoError(t, got.err)
			require.Len(t, got.txs, 1)
			require.Len(t, got.claims, 1, "the claim is still read")
			var rules []string
			for _, p := range got.txs[0].Problems {
				rules = append(rules, p.Rule)
			}
			if tc.txRule == "" {
				assert.Empty(t, rules)
			} else {
				assert.Equal(t, []string{tc.txRule}, rules)
			}
			var others []string
			for _, it := range got.items {
				if it.Problem != nil {
					others = append(others, it.Problem.Rule)
				}
			}
			if tc.other == "" {
				assert.Empty(t, others)
			} else {
				assert.Contains(t, others, tc.other)
			}
		})
	}
}

func TestDuplicateTransactionControlNumbers(t *testing.T) {
	c := build.VariantClaims()
	b := string(build.File(build.Options{Transactions: [][]build.Claim{c[:1], c[1:]}}))
	b = strings.Replace(b, "ST*837*0002*", "ST*837*0001*", 1)
	b = strings.Replace(b, "*0002~GE", "*0001~GE", 1)
	got := parse(t, []byte(b))
	require.Len(t, got.txs, 2)
	assert.Empty(t, got.txs[0].Problems)
	require.Len(t, got.txs[1].Problems, 1)
	assert.Equal(t, "X12-ST-DUPLICATE", got.txs[1].Problems[0].Rule)
}

func TestNot837PIsSaidClearly(t *testing.T) {
	for name, edit := range map[string]func(string) string{
		"837I":     func(s string) string { return strings.ReplaceAll(s, "005010X222A1", "005010X223A2") },
		"4010 837": func(s string) string { return strings.ReplaceAll(s, "005010X222A1", "004010X098A1") },
		"835":      func(s string) string { return strings.Replace(s, "ST*837*", "ST*835*", 1) },
	} {
		t.Run(name, func(t *testing.T) {
			got := parse(t, []byte(edit(string(build.Claims(build.Claim{ID: "I1", Lines: []build.Line{{Code: "99213"}}})))))
			require.Len(t, got.txs, 1)
			assert.NotEmpty(t, got.txs[0].Unsupported)
			assert.Empty(t, got.models[0].Claims, "not scrubbed as 837P")
			assert.Contains(t, got.txs[0].Unsupported, "scrub837 checks 837P"[:0])
		})
	}
}

func TestModelStructure(t *testing.T) {
	claim := func(mut func(s string) string) *claim.Claim {
		b := mut(string(build.Claims(build.Claim{ID: "M1", NPI: "1111111111", Lines: []build.Line{
			{Code: "20610", NPI: "2222222222", Ref6R: "R9"}, {Code: "77002", Mods: []string{"26"}, Note: "EXISTING NOTE"}}})))
		got := parse(t, []byte(b))
		require.Len(t, got.txs, 1)
		require.Len(t, got.models[0].Claims, 1)
		return &got.models[0].Claims[0]
	}
	t.Run("providers and line data", func(t *testing.T) {
		c := claim(func(s string) string { return s })
		assert.Equal(t, "1234567893", c.BillingNPI)
		assert.Equal(t, "1111111111", c.RenderingNPI)
		assert.Equal(t, "2222222222", c.Lines[0].RenderingNPI)
		assert.Equal(t, "", c.Lines[1].RenderingNPI)
		assert.Equal(t, "R9", c.Lines[0].Ref6R)
		assert.Less(t, c.Lines[0].NTE, 0)
		assert.Greater(t, c.Lines[1].NTE, 0)
		assert.Empty(t, c.Problems)
	})
	t.Run("HL with a missing parent", func(t *testing.T) {
		c := claim(func(s string) string { return strings.Replace(s, "HL*2*1*22", "HL*2*7*22", 1) })
		require.NotEmpty(t, c.Problems)
		assert.Equal(t, "X12-HL-PARENT", c.Problems[0].Rule)
	})
	t.Run("broken SV1 composite", func(t *testing.T) {
		c := claim(func(s string) string { return strings.Replace(s, "SV1*HC:20610*", "SV1*:20610*", 1) })
		require.NotEmpty(t, c.Problems)
		assert.Equal(t, "X12-SV1-COMPOSITE", c.Problems[0].Rule)
		assert.Len(t, c.Lines, 2, "the claim and its lines are still read")
	})
	t.Run("units not a number", func(t *testing.T) {
		c := claim(func(s string) string { return strings.Replace(s, "*UN*1*", "*UN*ONE*", 1) })
		require.NotEmpty(t, c.Problems)
		assert.Equal(t, "X12-NUMERIC", c.Problems[0].Rule)
	})
	t.Run("ISA inside a name", func(t *testing.T) {
		c := claim(func(s string) string { return strings.Replace(s, "*DOE0*JANE*", "*ISAAC*ISA*", 1) })
		assert.Empty(t, c.Problems)
		assert.Equal(t, "M1", c.ID)
	})
}

func TestSixThousandClaimsInOneTransaction(t *testing.T) {
	claims := make([]build.Claim, 6000)
	for i := range claims {
		claims[i] = build.Claim{ID: fmt.Sprintf("C%05d", i), Lines: []build.Line{{Code: "20610"}, {Code: "77002", Mods: []string{"26"}}}}
	}
	got := parse(t, build.Claims(claims...))
	require.NoError(t, got.err)
	require.Len(t, got.txs, 1)
	assert.Empty(t, got.txs[0].Problems)
	assert.Len(t, got.claims, 6000)
	assert.Len(t, got.models[0].HLs, 6001)
}

func allocDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestHostileSegmentsStayBounded(t *testing.T) {
	clm := string(build.Claims(build.Claim{ID: "H1", Lines: []build.Line{{Code: "99213"}}}))
	isaEnd := strings.Index(clm, "~") + 1
	cases := []struct {
		name string
		tail io.Reader
	}{
		{"64 MB element then the file goes on", io.MultiReader(strings.NewReader("GS*HC*A*B*20260302*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~NTE*ADD*"),
			build.Repeat([]byte("ABCDEFGH"), 64<<20), strings.NewReader("~"+clm[strings.Index(clm, "BHT"):]))},
		{"32 MB without any terminator", build.Repeat([]byte("NO TERMINATOR HERE "), 32<<20)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got parsed
			alloc := allocDuring(func() {
				p := edi.NewParser(io.MultiReader(strings.NewReader(clm[:isaEnd]), tc.tail))
				for {
					it, ok := p.Next()
					if !ok {
						break
					}
					if it.Tx != nil {
						got.txs = append(got.txs, it.Tx)
						got.models = append(got.models, claim.Build(it.Tx))
					}
				}
				got.err = p.Err()
			})
			require.NoError(t, got.err)
			assert.Less(t, alloc, uint64(16<<20), "allocated %d bytes", alloc)
			if strings.HasPrefix(tc.name, "64") {
				require.Len(t, got.txs, 1)
				assert.Equal(t, "X12-SEGMENT-TOO-LONG", got.txs[0].Problems[0].Rule)
				assert.Len(t, got.models[0].Claims, 1, "the claim after the huge segment is still read")
			}
		})
	}
}

func TestInputErrors(t *testing.T) {
	isa := string(build.Claims(build.Claim{ID: "X", Lines: []build.Line{{Code: "99213"}}}))
	utf16 := func(s string, bom, be bool) string { return string(build.UTF16(s, bom, be)) }
	cases := map[string]struct {
		in, want string
	}{
		"empty":                  {"", "byte 0: empty input"},
		"not X12":                {"hello, world\nthis is a letter\n", "not X12: no ISA segment found"},
		"binary junk":            {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not X12"},
		"UTF-16 LE with BOM":     {utf16(isa, true, false), "byte 0: input is UTF-16 encoded"},
		"UTF-16 BE with BOM":     {utf16(isa, true, true), "UTF-16"},
		"UTF-16 LE without BOM":  {utf16(isa, false, false), "UTF-16"},
		"ISA with no terminator": {"ISA*00*x", "ISA segment is malformed"},
		"only an ISA":            {isa[:106], ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := parse(t, []byte(tc.in))
			if tc.want == "" {
				assert.NoError(t, got.err)
				return
			}
			require.Error(t, got.err)
			assert.Contains(t, got.err.Error(), tc.want)
		})
	}
}

// Line numbers stay right across many buffer refills, and a transaction's
// line cursor agrees with the reader.
func TestLineNumbersAcrossRefills(t *testing.T) {
	b := build.Batch(build.BatchOptions{Seed: 11, Claims: 5000, PerTx: 1000, Delims: build.Options{Newline: "\n"}})
	require.Greater(t, len(b), 1<<20, "larger than the reader's buffer")
	r := edi.NewReader(bytes.NewReader(b))
	line := 0
	for r.Next() {
		s := r.Segment()
		if s.Kind == edi.KindJunk {
			continue
		}
		line++
		if s.Line() != line {
			t.Fatalf("segment %q at byte %d: line %d, want %d", s.ID(), s.Offset, s.Line(), line)
		}
	}
	require.NoError(t, r.Err())
	got := parse(t, b)
	require.Len(t, got.txs, 5)
	tx := got.txs[3]
	last := len(tx.Segs) - 1
	want := bytes.Count(b[:tx.SegOffset(last)], []byte{'\n'}) + 1
	c := tx.LineCursor()
	line, _ = c.Position(int(tx.Segs[last].Start))
	assert.Equal(t, want, line)
}

// Every element's position (line and byte column) agrees with the file's
// own bytes, in files with every line ending, indentation, prose before the
// ISA, a byte-order mark, a CR or LF terminator and several interchanges;
// and the place is where that element's content starts.
func TestPositionsAgreeWithTheFile(t *testing.T) {
	files, _ := filepath.Glob("../fixtures/reader/*.x12")
	files = append(files, "../fixtures/demo.x12", "../fixtures/samples/lfh-X222A2-example1.x12")
	big := build.Batch(build.BatchOptions{Seed: 3, Claims: 3000, PerTx: 600, Delims: build.Options{Newline: "\r\n"}})
	r := rand.New(rand.NewSource(5))
	for _, f := range append(files, "big") {
		b := big
		if f != "big" {
			var err error
			b, err = os.ReadFile(f)
			require.NoError(t, err)
		}
		got := parse(t, b)
		require.NoError(t, got.err)
		checked := 0
		for _, tx := range got.txs {
			d := tx.Interchange.Delims
			c := tx.LineCursor()
			for i := range tx.Segs {
				els := edi.SplitElements(nil, tx.Content(i), d.Element)
				elem := r.Intn(len(els))
				comps := edi.SplitElements(nil, els[elem], d.Component)
				comp := 0
				if elem > 0 && len(comps) > 1 {
					comp = 1 + r.Intn(len(comps))
				}
				at := tx.ElementAt(i, elem, comp)
				want := els[elem]
				if comp > 0 {
					want = comps[comp-1]
				}
				require.True(t, bytes.HasPrefix(tx.Raw[at:], want), "%s segment %d element %d.%d", f, i, elem, comp)
				off := tx.Offset + int64(at)
				line, col := c.Position(at)
				wantLine := bytes.Count(b[:off], []byte{'\n'}) + 1
				wantCol := int(off) - (bytes.LastIndexByte(b[:off], '\n') + 1) + 1
				require.Equal(t, [2]int{wantLine, wantCol}, [2]int{line, col}, "%s segment %d element %d.%d", f, i, elem, comp)
				checked++
			}
			if len(tx.Segs) > 1 { // back to the ST: the cursor rescans
				line, col := c.Position(int(tx.Segs[0].Start))
				off := tx.Offset + int64(tx.Segs[0].Start)
				require.Equal(t, [2]int{bytes.Count(b[:off], []byte{'\n'}) + 1, int(off) - (bytes.LastIndexByte(b[:off], '\n') + 1) + 1}, [2]int{line, col})
			}
		}
		require.Positive(t, checked, f)
	}
}

func TestSplitElements(t *testing.T) {
	for _, seg := range []string{"CLM*PCN1*245***11:B:1*Y*A*Y*Y", "HL*2*1*22*0", "HL*1**20", "SE", "DTP*472*D8*20260302", "NM1*82*1*A*B****XX*1234567893*", "**",
		"", "*", "********", "*********", "12345678*", "1234567*", "SV1*HC:77002:26*95*UN*1***1", "\x80*\xff\x00*\x7f\x81*+\x2b\x2a*"} {
		all := edi.SplitElements(nil, []byte(seg), '*')
		assert.Equal(t, strings.Split(seg, "*"), strs(all), "SplitElements %q", seg)
	}
}

func strs(b [][]byte) []string {
	out := make([]string, len(b))
	for i := range b {
		out[i] = string(b[i])
	}
	return out
}

// TestSplitElementsWords checks the eight-bytes-at-a-time splitter against
// strings.Split on every separator byte and on random bytes, which put
// separators at every position of a word and next to every other byte.
func TestSplitElementsWords(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 20000; round++ {
		b, sep := edi.RandomSeparated(rng, 40)
		want := strings.Split(string(b), string([]byte{sep}))
		require.Equal(t, want, strs(edi.SplitElements(nil, b, sep)), "%q sep %q", b, sep)
		got := edi.SplitElements([][]byte{[]byte("kept")}, b, sep)
		require.Equal(t, "kept", string(got[0]), "dst is appended to")
		require.Equal(t, want, strs(got[1:]))
	}
}
