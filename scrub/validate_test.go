package scrub_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

// An element-by-element check of the acknowledgments against 005010X214
// (277CA) and 005010X231A1 (999) as docs/x12.md summarises them,
// written independently of the writers: it reads their output as text.

// ackT is what the validator needs of a test: a *testing.T, or a recorder
// in the test that proves the validator can fail.
type ackT interface {
	Errorf(format string, args ...any)
	FailNow()
}

type ackSeg struct {
	els  []string
	comp byte
}

func (s ackSeg) id() string { return s.els[0] }
func (s ackSeg) el(i int) string {
	if i < len(s.els) {
		return s.els[i]
	}
	return ""
}
func (s ackSeg) comps(i int) []string { return strings.Split(s.el(i), string([]byte{s.comp})) }

func ackSegments(t ackT, b []byte) []ackSeg {
	var out []ackSeg
	if len(b) == 0 {
		return nil
	}
	r := edi.NewReader(bytes.NewReader(b))
	for r.Next() {
		s := r.Segment()
		if s.Kind != edi.KindSegment {
			require.Empty(t, strings.TrimSpace(string(s.Raw)), "only white space between segments")
			continue
		}
		var els []string
		for _, e := range s.Elements() {
			els = append(els, string(e))
		}
		out = append(out, ackSeg{els: els, comp: s.Delims().Component})
	}
	require.NoError(t, r.Err())
	return out
}

var (
	reDate8   = regexp.MustCompile(`^20\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$`)
	reNum     = regexp.MustCompile(`^\d+$`)
	reDecimal = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
)

// checkEnvelope checks ISA…IEA, GS…GE and ST…SE counts and formats and
// returns the transaction sets' segments.
func checkEnvelope(t ackT, segs []ackSeg, gs01, version, st01 string) [][]ackSeg {
	var txs [][]ackSeg
	var isa13, gs06, st02 string
	groups, sets, n := 0, 0, 0
	var cur []ackSeg
	for _, s := range segs {
		switch s.id() {
		case "ISA":
			require.Len(t, s.els, 17, "ISA has 16 elements")
			assert.Equal(t, "00", s.el(1))
			assert.Len(t, s.el(6), 15, "ISA06 is 15 characters")
			assert.Len(t, s.el(8), 15, "ISA08 is 15 characters")
			assert.Regexp(t, `^\d{6}$`, s.el(9))
			assert.Regexp(t, `^\d{4}$`, s.el(10))
			assert.Equal(t, "00501", s.el(12))
			assert.Regexp(t, `^\d{9}$`, s.el(13))
			assert.Contains(t, []string{"P", "T"}, s.el(15))
			assert.Len(t, s.el(16), 1)
			isa13, groups = s.el(13), 0
		case "GS":
			assert.Equal(t, gs01, s.el(1))
			assert.Regexp(t, reDate8, s.el(4))
			assert.Regexp(t, reNum, s.el(6))
			assert.Equal(t, "X", s.el(7))
			assert.Equal(t, version, s.el(8))
			gs06, sets = s.el(6), 0
			groups++
		case "ST":
			assert.Equal(t, st01, s.el(1))
			assert.Equal(t, version, s.el(3))
			st02, n, cur = s.el(2), 0, nil
			sets++
		case "GE":
			assert.Equal(t, strconv.Itoa(sets), s.el(1), "GE01 counts the transaction sets")
			assert.Equal(t, gs06, s.el(2))
		case "IEA":
			assert.Equal(t, strconv.Itoa(groups), s.el(1), "IEA01 counts the groups")
			assert.Equal(t, isa13, s.el(2))
		}
		if s.id() != "ISA" && s.id() != "GS" && s.id() != "GE" && s.id() != "IEA" {
			n++
			cur = append(cur, s)
		}
		if s.id() == "SE" {
			assert.Equal(t, strconv.Itoa(n), s.el(1), "SE01 counts ST through SE")
			assert.Equal(t, st02, s.el(2))
			txs = append(txs, cur)
		}
	}
	return txs
}

func checkSTC(t ackT, s ackSeg, level string) {
	c := s.comps(1)
	require.GreaterOrEqual(t, len(c), 2, "STC01 is category:status[:entity]: %v", s.els)
	assert.Regexp(t, `^A[1-8]$`, c[0])
	assert.Regexp(t, reNum, c[1])
	switch level {
	case "19":
		assert.Empty(t, s.el(2), "2200C STC has no STC02")
	case "SVC":
		// 2220D: STC02 and STC04 are Not Used (the TR3's own example:
		// STC*A3:122**U*******A3:153:82). pyx12's map differs here; the TR3
		// governs.
		assert.Empty(t, s.el(2), "2220D STC02 is not used")
		assert.Empty(t, s.el(4), "2220D STC04 is not used")
	default:
		assert.Regexp(t, reDate8, s.el(2), "STC02")
	}
	assert.Contains(t, []string{"WQ", "U"}, s.el(3), "STC03")
	if level != "SVC" {
		assert.Regexp(t, reDecimal, s.el(4), "STC04")
	}
	if s.el(3) == "U" && (level == "PT" || level == "SVC") {
		assert.Contains(t, []string{"A3", "A6", "A7", "A8"}, c[0], "a rejection category")
	}
	if s.el(3) == "WQ" && level == "PT" {
		assert.Equal(t, "A2", c[0])
	}
	for i := 5; i <= 9; i++ {
		assert.Empty(t, s.el(i), "STC05-09 unused")
	}
	if v := s.el(10); v != "" {
		c10 := strings.Split(v, string([]byte{s.comp}))
		assert.Regexp(t, `^A[1-8]$`, c10[0])
		assert.Regexp(t, reNum, c10[1])
	}
}

func checkDTP(t ackT, s ackSeg) {
	switch s.el(2) {
	case "D8":
		assert.Regexp(t, reDate8, s.el(3))
	case "RD8":
		a, b, ok := strings.Cut(s.el(3), "-")
		require.True(t, ok)
		assert.Regexp(t, reDate8, a)
		assert.Regexp(t, reDate8, b)
		assert.LessOrEqual(t, a, b)
	default:
		t.Errorf("DTP02 %q", s.el(2))
	}
}

// validate277 checks one 277CA output and returns the claims it acknowledges.
func validate277(t ackT, b []byte) int {
	claims := 0
	if len(b) == 0 {
		return 0
	}
	for _, tx := range checkEnvelope(t, ackSegments(t, b), "HN", "005010X214", "277") {
		require.Equal(t, "BHT", tx[1].id())
		assert.Equal(t, []string{"0085", "08"}, tx[1].els[1:3])
		assert.Regexp(t, reDate8, tx[1].el(4))
		assert.Equal(t, "TH", tx[1].el(6))
		level, hl, lastProvider := "", 0, ""
		seen := map[string]int{}
		for _, s := range tx[2:] {
			switch s.id() {
			case "HL":
				hl++
				assert.Equal(t, strconv.Itoa(hl), s.el(1), "HL01 counts up")
				level = s.el(3)
				switch level {
				case "20":
					assert.Equal(t, "", s.el(2))
					assert.Equal(t, "1", s.el(4))
				case "21":
					assert.Equal(t, "1", s.el(2))
					assert.Equal(t, "1", s.el(4))
				case "19":
					assert.Equal(t, "2", s.el(2))
					assert.Equal(t, "1", s.el(4))
					lastProvider = s.el(1)
				case "PT":
					assert.Equal(t, lastProvider, s.el(2), "a patient hangs from the last billing provider")
					assert.Len(t, s.els, 4, "HL04 is not used at PT")
					claims++
				default:
					t.Errorf("HL03 %q", level)
				}
				seen = map[string]int{}
			case "NM1":
				want := map[string][]string{"20": {"PR", "AY"}, "21": {"41"}, "19": {"85"}, "PT": {"QC"}}[level]
				assert.Contains(t, want, s.el(1), "NM101 at level %s", level)
				assert.Contains(t, []string{"1", "2"}, s.el(2))
				assert.NotEmpty(t, s.el(3), "NM103")
				assert.Equal(t, s.el(8) == "", s.el(9) == "", "NM108 and NM109 go together")
			case "TRN":
				want := map[string]string{"20": "1", "21": "2", "19": "1", "PT": "2"}[level]
				assert.Equal(t, want, s.el(1), "TRN01 at level %s", level)
				assert.NotEmpty(t, s.el(2), "TRN02")
			case "STC":
				checkSTC(t, s, level)
			case "QTY":
				want := map[string][]string{"21": {"90", "AA"}, "19": {"QA", "QC"}}[level]
				assert.Contains(t, want, s.el(1), "QTY01 at level %s", level)
				assert.Regexp(t, `^[1-9]\d*$`, s.el(2))
			case "AMT":
				assert.Contains(t, []string{"YU", "YY"}, s.el(1))
				assert.Regexp(t, reDecimal, s.el(2))
			case "DTP":
				want := map[string][]string{"20": {"050", "009"}, "PT": {"472"}, "SVC": {"472"}}[level]
				assert.Contains(t, want, s.el(1), "DTP01 at level %s", level)
				checkDTP(t, s)
			case "REF":
				want := map[string][]string{"PT": {"D9", "1K"}, "SVC": {"FJ"}}[level]
				assert.Contains(t, want, s.el(1), "REF01 at level %s", level)
				assert.NotEmpty(t, s.el(2))
			case "SVC":
				require.Contains(t, []string{"PT", "SVC"}, level, "SVC only under a claim")
				assert.Equal(t, 0, seen["SVC-open"])
				level = "SVC"
				c := s.comps(1)
				assert.Equal(t, "HC", c[0])
				assert.Regexp(t, `^[0-9A-Z]{5}$`, c[1])
				assert.Regexp(t, reDecimal, s.el(2))
				assert.Regexp(t, reDecimal, s.el(7), "SVC07 units")
			case "SE":
			default:
				t.Errorf("unexpected segment %s in a 277CA", s.id())
			}
			seen[s.id()]++
		}
	}
	return claims
}

// validate999 checks one 999 output; it is empty only when the TA1
// rejects every interchange of the input.
func validate999(t ackT, b []byte, in []*edi.Interchange) {
	if len(b) == 0 {
		for _, ic := range in {
			assert.NotNil(t, rejecting(ic), "no 999 although interchange %s is not rejected", ic.Control)
		}
		return
	}
	for _, tx := range checkEnvelope(t, ackSegments(t, b), "FA", "005010X231A1", "999") {
		require.Equal(t, "AK1", tx[1].id())
		assert.NotEmpty(t, tx[1].el(2))
		received, accepted := 0, 0
		for _, s := range tx[2:] {
			switch s.id() {
			case "AK2":
				received++
				assert.NotEmpty(t, s.el(2), "AK202")
			case "IK3":
				assert.Regexp(t, `^[A-Z0-9]{2,3}$`, s.el(1))
				assert.Regexp(t, reNum, s.el(2))
				assert.LessOrEqual(t, len(s.el(3)), 4, "IK303 is a loop id of 1 to 4 characters")
				assert.Contains(t, []string{"1", "2", "3", "4", "5", "8"}, s.el(4))
			case "CTX": // the claim the IK3 is in: CLM01 and its value
				c := s.comps(1)
				require.Len(t, c, 2, "CTX01 is CLM01:value")
				assert.Equal(t, "CLM01", c[0])
				assert.NotEmpty(t, c[1])
			case "IK4":
				assert.Regexp(t, `^\d+(.\d+)?$`, s.el(1))
				if s.el(2) != "" {
					assert.Regexp(t, `^\d+$`, s.el(2), "IK402 is a data element number")
				}
				assert.Contains(t, []string{"1", "4", "5", "6", "7", "8"}, s.el(3))
			case "IK5":
				assert.Contains(t, []string{"A", "E", "R"}, s.el(1))
				if s.el(1) != "R" {
					accepted++
				} else {
					assert.NotEmpty(t, s.el(2), "IK502 says why a set is rejected")
				}
			case "AK9":
				want := "A"
				switch {
				case accepted == 0:
					want = "R"
				case accepted < received:
					want = "P"
				}
				if want == "A" && s.el(1) == "E" {
					want = "E"
				}
				if s.el(5) != "" { // AK905: the group itself is in error, rejected or noted
					want = "R"
					if accepted > 0 && s.el(1) == "E" {
						want = "E"
					}
					for i := 5; i < len(s.els); i++ {
						assert.Contains(t, []string{"1", "2", "3", "4", "5", "6", "18", "19", "23", "24", "25", "26"}, s.el(i), "AK905-9")
					}
				}
				assert.Equal(t, want, s.el(1), "AK901")
				assert.Equal(t, strconv.Itoa(received), s.el(3), "AK903 received")
				assert.Equal(t, strconv.Itoa(accepted), s.el(4), "AK904 accepted")
			case "SE":
			default:
				t.Errorf("unexpected segment %s in a 999", s.id())
			}
		}
	}
}

// interchanges lists the input's interchanges as the parser reads them.
func interchanges(t *testing.T, path string) []*edi.Interchange {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	fi, err := f.Stat()
	require.NoError(t, err)
	p := edi.NewParser(f)
	p.Source, p.Size = f, fi.Size()
	var out []*edi.Interchange
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		if it.Kind == edi.ItemInterchange {
			out = append(out, it.Interchange)
		}
	}
	return out
}

// validateTA1 checks a TA1 output against the input's interchanges: one
// ISA/TA1/IEA for each that asked for one or has a fault, in order, naming
// it; R with the first rejecting fault's code, E when it is read despite
// its faults, A with 000 otherwise.
func validateTA1(t ackT, b []byte, in []*edi.Interchange) {
	var want []*edi.Interchange
	for _, ic := range in {
		if ic.AckRequested || len(ic.Problems) > 0 {
			want = append(want, ic)
		}
	}
	if len(want) == 0 {
		assert.Empty(t, b, "no TA1 asked for and no interchange fault")
		return
	}
	segs := ackSegments(t, b)
	require.Len(t, segs, 3*len(want), "ISA, TA1, IEA per interchange")
	for k, ic := range want {
		isa, ta1, iea := segs[3*k], segs[3*k+1], segs[3*k+2]
		require.Equal(t, []string{"ISA", "TA1", "IEA"}, []string{isa.id(), ta1.id(), iea.id()})
		require.Len(t, isa.els, 17)
		assert.Equal(t, "0", isa.el(14), "a TA1 asks for no TA1")
		assert.Equal(t, ic.Control, ta1.el(1), "TA101 is the interchange's ISA13")
		assert.Equal(t, ic.Date, ta1.el(2), "TA102 is its ISA09")
		assert.Equal(t, ic.Time, ta1.el(3), "TA103 is its ISA10")
		switch r := rejecting(ic); {
		case r != nil:
			assert.Equal(t, "R", ta1.el(4))
			assert.Equal(t, r.TA105, ta1.el(5))
		case len(ic.Problems) > 0:
			assert.Equal(t, "E", ta1.el(4))
			assert.Equal(t, ic.Problems[0].TA105, ta1.el(5))
		default:
			assert.Equal(t, []string{"A", "000"}, ta1.els[4:6])
		}
		assert.Regexp(t, `^\d{3}$`, ta1.el(5))
		assert.Equal(t, []string{"0", isa.el(13)}, iea.els[1:3], "IEA01 0 groups, IEA02 its ISA13")
	}
}

// rejecting is the interchange's first fault that rejects it, or nil.
func rejecting(ic *edi.Interchange) *edi.Problem {
	for i := range ic.Problems {
		if ic.Problems[i].Reject {
			return &ic.Problems[i]
		}
	}
	return nil
}

// unanswered counts the claims of a file's transaction sets that the 999
// rejects: no 277CA answers them.
func unanswered(t *testing.T, path string) int {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	rb := reread(t, b)
	n := 0
	for k, tx := range rb.txs {
		if len(tx.Problems) > 0 || tx.Interchange.Rejected != nil || tx.Group.Rejected != nil {
			n += len(rb.models[k].Claims)
		}
	}
	return n
}

func TestAcknowledgmentsValidate(t *testing.T) {
	inputs := goldenInputs(t)
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			outs, sum := outputs(t, in, 1)
			assert.Equal(t, sum.Claims-unanswered(t, in), validate277(t, outs["277ca"]))
			ics := interchanges(t, in)
			validate999(t, outs["999"], ics)
			validateTA1(t, outs["ta1"], ics)
		})
	}
	t.Run("generated batch", func(t *testing.T) {
		b := build.Batch(build.BatchOptions{Seed: 5, Claims: 3000, PerTx: 1000})
		p := filepath.Join(t.TempDir(), "batch.x12")
		require.NoError(t, writeFile(p, b))
		outs, sum := outputs(t, p, 2)
		assert.Equal(t, 3000, validate277(t, outs["277ca"]))
		validate999(t, outs["999"], nil)
		assert.Equal(t, 3000, sum.Claims)
	})
}

func writeFile(p string, b []byte) error { return osWriteFile(p, b) }

func osWriteFile(p string, b []byte) error { return os.WriteFile(p, b, 0o644) }

type recorder struct{ errors int }

func (r *recorder) Errorf(string, ...any) { r.errors++ }
func (r *recorder) FailNow()              { panic(r) }

// The validator is not a test that cannot fail: each corruption is caught.
func TestValidatorCatchesFaults(t *testing.T) {
	outs, _ := outputs(t, "../fixtures/demo.x12", 1)
	ack, nine := string(outs["277ca"]), string(outs["999"])
	cases := map[string]struct {
		out   string
		is999 bool
	}{
		"SE01 off by one":           {strings.Replace(ack, "SE*72*0001", "SE*71*0001", 1), false},
		"STC03 not WQ or U":         {strings.Replace(ack, "*20260303*WQ*245~", "*20260303*XX*245~", 1), false},
		"patient under HL 2":        {strings.Replace(ack, "HL*4*3*PT", "HL*4*2*PT", 1), false},
		"AMT qualifier":             {strings.Replace(ack, "AMT*YU*245", "AMT*ZZ*245", 1), false},
		"impossible date":           {strings.Replace(ack, "DTP*472*D8*20260302", "DTP*472*D8*20261302", 1), false},
		"GE01 count":                {strings.Replace(ack, "GE*2*", "GE*3*", 1), false},
		"accepted claim not A2":     {strings.Replace(ack, "STC*A2:20*20260303*WQ*245", "STC*A1:20*20260303*WQ*245", 1), false},
		"999 AK9 says all accepted": {strings.Replace(nine, "AK9*A*2*2*2", "AK9*A*2*2*1", 1), true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, ack, tc.out, "the corruption applies")
			require.NotEqual(t, nine, tc.out, "the corruption applies")
			r := &recorder{}
			func() {
				defer func() { recover() }()
				if tc.is999 {
					validate999(r, []byte(tc.out), nil)
				} else {
					validate277(r, []byte(tc.out))
				}
			}()
			assert.Positive(t, r.errors, "the validator must reject it")
		})
	}
}

// The TA1 check fails on a TA1 that accepts a rejected interchange, names
// another interchange, or is missing.
func TestTA1ValidatorCatchesFaults(t *testing.T) {
	in := "../fixtures/envelopes/isa12-version.x12"
	outs, _ := outputs(t, in, 1)
	ics := interchanges(t, in)
	ta1 := string(outs["ta1"])
	require.Contains(t, ta1, "*R*017~")
	for name, out := range map[string]string{
		"accepted":         strings.Replace(ta1, "*R*017~", "*A*000~", 1),
		"another TA101":    strings.Replace(ta1, "TA1*000000001*", "TA1*000000002*", 1),
		"missing":          "",
		"IEA01 not 0":      strings.Replace(ta1, "\nIEA*0*", "\nIEA*1*", 1),
		"asks for its TA1": strings.Replace(ta1, "*0*T*:~", "*1*T*:~", 1),
	} {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, ta1, out, "the corruption applies")
			r := &recorder{}
			func() {
				defer func() { recover() }()
				validateTA1(r, []byte(out), ics)
			}()
			assert.Positive(t, r.errors, "the validator missed it")
		})
	}
}
