package edi_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moov-io/x12/pkg/file"
	"github.com/moov-io/x12/pkg/loops"
	moov837p "github.com/moov-io/x12/rule_5010_837p"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

// normalise rewrites an input the way moov-io/x12 needs it (* and ~
// hard-coded, no newlines, nothing before the ISA) by plain text
// substitution, independently of our reader.
func normalise(b []byte) (string, string) {
	s := string(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))
	s = s[strings.Index(s, "ISA"):]
	el, comp, seg := s[3], s[104], s[105]
	r := strings.NewReplacer(string(el), "*", string(seg), "~")
	if seg == '\n' || seg == '\r' {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = r.Replace(s)
	s = regexp.MustCompile(`~[\s]+`).ReplaceAllString(s, "~")
	s = strings.TrimSpace(s)
	return s, string(comp)
}

// moovClaims lists "CLM01 CLM02 | SV101 SV102 SV104 | …" as moov-io/x12 reads them.
func moovClaims(t *testing.T, raw, comp string) ([]string, error) {
	ic := file.NewInterchange(&moov837p.InterchangeRule)
	if _, err := ic.Parse(raw, comp); err != nil {
		return nil, err
	}
	if len(ic.FunctionalGroups) == 0 {
		return nil, fmt.Errorf("no group")
	}
	var out []string
	var walk func(ls []loops.CompositeLoop)
	walk = func(ls []loops.CompositeLoop) {
		for _, l := range ls {
			for _, s := range l.Loop.Segments {
				f := strings.Split(strings.TrimSuffix(s.String(comp), "~"), "*")
				get := func(i int) string {
					if i < len(f) {
						return f[i]
					}
					return ""
				}
				switch s.Name() {
				case "CLM":
					out = append(out, get(1)+" "+get(2))
				case "SV1":
					out[len(out)-1] += " | " + get(1) + " " + get(2) + " " + get(4)
				}
			}
			walk(l.SubLoops)
		}
	}
	for _, g := range ic.FunctionalGroups {
		for _, ts := range g.TransactionSets {
			walk(ts.Loops)
		}
	}
	return out, nil
}

func ourClaims(t *testing.T, b []byte) []string {
	var out []string
	got := parse(t, b)
	for k, tx := range got.txs {
		comp := string(tx.Interchange.Delims.Component)
		for _, c := range got.models[k].Claims {
			s := c.ID + " " + c.ChargeRaw
			for _, l := range c.Lines {
				parts := append([]string{l.Qualifier(), l.Code}, l.Modifiers()...)
				e := append(edi.SplitElements(nil, tx.Content(l.SV1), tx.Interchange.Delims.Element), nil, nil, nil, nil) // SV102 and SV104 always exist
				charge, units := string(e[2]), string(e[4])
				if d, ok := claim.ParseDecimal(e[2]); ok != l.ChargeOK || d != l.Charge {
					t.Errorf("claim %s line %s: Charge %s, SV102 %q", c.ID, l.LX, l.Charge, charge)
				}
				if d, ok := claim.ParseDecimal(e[4]); ok != l.UnitsOK || d != l.Units {
					t.Errorf("claim %s line %s: Units %s, SV104 %q", c.ID, l.LX, l.Units, units)
				}
				s += " | " + strings.Join(parts, comp) + " " + charge + " " + units
			}
			out = append(out, s)
		}
	}
	return out
}

// TestDifferentialAgainstMoov: for every fixture moov-io/x12 can parse, the
// claims, codes, modifiers, charges and units we find are identical.
func TestDifferentialAgainstMoov(t *testing.T) {
	var files []string
	for _, g := range []string{"../fixtures/*.x12", "../fixtures/samples/*.x12", "../fixtures/reader/*.x12"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	compared := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		raw, comp := normalise(b)
		theirs, err := moovClaims(t, raw, comp)
		if err != nil {
			t.Logf("%s: moov-io/x12 cannot parse it (%v); not compared", filepath.Base(f), err)
			continue
		}
		if strings.Contains(f, "two-interchanges") {
			continue // moov-io/x12 reads one interchange per parse
		}
		compared++
		assert.Equal(t, theirs, ourClaims(t, b), filepath.Base(f))
	}
	t.Logf("compared %d of %d fixtures with moov-io/x12", compared, len(files))
	assert.GreaterOrEqual(t, compared, 1, "the differential test must compare something")
}

// TestDifferentialGeneratedBatches compares generated batches in every
// delimiter set and line ending, within moov-io/x12's limits (no 2000C, no
// REF*6R or NTE in 2400, at most 200 subscribers per transaction).
func TestDifferentialGeneratedBatches(t *testing.T) {
	sets := map[string]build.Options{
		"* : ~":                 {},
		"| ^ ~ with LF":         {Delims: edi.Delimiters{Element: '|', Component: '^', Segment: '~', Repetition: '{'}, Newline: "\n"},
		"* < ~ CRLF":            {Delims: edi.Delimiters{Element: '*', Component: '<', Segment: '~', Repetition: '^'}, Newline: "\r\n"},
		"+ : ' ":                {Delims: edi.Delimiters{Element: '+', Component: ':', Segment: '\'', Repetition: '^'}},
		"newline as terminator": {Delims: edi.Delimiters{Element: '*', Component: ':', Segment: '\n', Repetition: '^'}},
	}
	for name, env := range sets {
		t.Run(name, func(t *testing.T) {
			b := build.Batch(build.BatchOptions{Seed: 42, Claims: 600, PerTx: 200, Delims: env, MoovCompat: true})
			raw, comp := normalise(b)
			theirs, err := moovClaims(t, raw, comp)
			require.NoError(t, err)
			ours := ourClaims(t, b)
			require.Len(t, ours, 600)
			assert.Equal(t, theirs, ours)
		})
	}
}
