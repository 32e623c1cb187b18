package rules_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/rules"
)

// dated is a line of code on dos (D8).
func dated(code, dos string) L { return L{Code: code, DOS: dos} }

func idsOf(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

// Tables H and I over codes other than 77002 (CMS NCCI 2026 Q3 AOC, 2026
// Q2 practitioner MUE).
func TestNCCITables(t *testing.T) {
	cat := rules.Default()
	units := func(l L, u string) L { l.Units = u; return l }
	npi := func(l L, n string) L { l.NPI = n; return l }
	mods := func(l L, m ...string) L { l.Mods = m; return l }
	cases := []struct {
		name  string
		lines []L
		want  []string // rule ids, in order
		msg   string   // a piece of the first finding's message
	}{
		// Type 1 add-ons, including add-ons that are primaries of others.
		{"64421 alone", []L{dated("64421", "20260302")}, []string{"AOC-NO-PRIMARY"}, "64421 on 2026-03-02 has no qualifying primary"},
		{"64421 with 64420", []L{dated("64420", "20260302"), dated("64421", "20260302")}, nil, ""},
		{"64421 with 64420 another day", []L{dated("64420", "20260301"), dated("64421", "20260302")}, []string{"AOC-NO-PRIMARY"}, ""},
		{"99292 alone", []L{dated("99292", "20260302")}, []string{"AOC-NO-PRIMARY"}, ""},
		{"99292 with 99291", []L{dated("99291", "20260302"), dated("99292", "20260302")}, nil, ""},
		{"22614 with 22612", []L{dated("22612", "20260302"), dated("22614", "20260302")}, nil, ""},
		{"22614 beside 22612's add-on only", []L{dated("22614", "20260302"), dated("22632", "20260302")}, []string{"AOC-NO-PRIMARY", "AOC-NO-PRIMARY"}, ""},
		// Dates: 23335 is a 20704 primary from 2023-01-01; 20704's earliest
		// rows (2020-01-01) apply to every earlier date.
		{"20704 with 23335 before its date", []L{dated("23335", "20220601"), dated("20704", "20220601")}, []string{"AOC-NO-PRIMARY"}, "23335 on line 1 is a 20704 primary only from 2023-01-01"},
		{"20704 with 23335 after its date", []L{dated("23335", "20230201"), dated("20704", "20230201")}, nil, ""},
		{"20704 with 22864 before the table", []L{dated("22864", "20190601"), dated("20704", "20190601")}, nil, ""},
		// Type 3 and type 2.
		{"0984T without a listed primary", []L{dated("20610", "20260302"), dated("0984T", "20260302")}, []string{"AOC-PRIMARY-UNLISTED"}, "type 3"},
		{"0984T with 36221", []L{dated("36221", "20260302"), dated("0984T", "20260302")}, nil, ""},
		{"0054T alone", []L{dated("0054T", "20260302")}, []string{"AOC-ALONE"}, "type 2"},
		{"0054T beside a procedure", []L{dated("27447", "20260302"), dated("0054T", "20260302")}, nil, ""},
		{"0054T beside another add-on only", []L{dated("0055T", "20260302"), dated("0054T", "20260302")}, []string{"AOC-ALONE", "AOC-ALONE"}, ""},
		// PROVIDER-MISMATCH for every add-on.
		{"99292 by another provider", []L{npi(dated("99291", "20260302"), "1111111111"), npi(dated("99292", "20260302"), "2222222222")}, []string{"PROVIDER-MISMATCH"}, ""},
		// Table I: MAI 1 per line, MAI 2 and 3 per claim and date.
		{"A0425 MAI 1: 300 units on one line", []L{units(dated("A0425", "20260302"), "300")}, []string{"UNITS-MUE"}, "its MUE is 250 per line (a line edit"},
		{"A0425 MAI 1: 200 + 200 on two lines", []L{units(dated("A0425", "20260302"), "200"), mods(units(dated("A0425", "20260302"), "200"), "76")}, nil, ""},
		{"20610 MAI 3: 2 + 1 on one date", []L{units(dated("20610", "20260302"), "2"), mods(dated("20610", "20260302"), "59")}, []string{"UNITS-MUE"}, "clinical: appealable with records"},
		{"20610 MAI 3: 2 + 1 on two dates", []L{units(dated("20610", "20260302"), "2"), dated("20610", "20260303")}, nil, ""},
		{"22612 MAI 2: 2 units", []L{units(dated("22612", "20260302"), "2")}, []string{"UNITS-MUE"}, "policy: not appealable"},
		{"A0382 MUE 0: another table's code", []L{dated("A0382", "20260302")}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := check(t, cat, build.Claim{Lines: tc.lines})
			require.Equal(t, tc.want, idsOf(fs), "%v", fs)
			if tc.msg != "" {
				assert.Contains(t, fs[0].Message, tc.msg)
			}
		})
	}
}

// The MAI 2/3 finding is reported once, on the last line of the code on
// that date; "addon CODE off" leaves a code to the catalog (here: off).
func TestNCCIUnitsOnceAndOverrides(t *testing.T) {
	cat := rules.Default()
	fs := check(t, cat, build.Claim{Lines: []L{
		{Code: "22612", DOS: "20260302"}, {Code: "20610", DOS: "20260302"}, {Code: "22612", DOS: "20260302", Mods: []string{"59"}}}})
	require.Equal(t, []string{"UNITS-MUE"}, idsOf(fs))
	assert.Equal(t, 2, fs[0].Line, "on the last 22612 line")
	assert.Contains(t, fs[0].Message, "lines 1 and 3")

	off, err := rules.LoadFrom("payer.rules", strings.NewReader("addon 99292 off\nrule AOC-ALONE off\n"))
	require.NoError(t, err)
	assert.Empty(t, check(t, off, build.Claim{Lines: []L{dated("99292", "20260302")}}))
	assert.Empty(t, check(t, off, build.Claim{Lines: []L{dated("0054T", "20260302")}}))
	assert.Equal(t, []string{"AOC-NO-PRIMARY"}, idsOf(check(t, off, build.Claim{Lines: []L{dated("64421", "20260302")}})))

	// A catalog add-on takes its MUE from table I unless its line says
	// mue=: 77002's is 1 there, 64421's 4.
	mue, err := rules.LoadFrom("deep.rules", strings.NewReader("addon 64421 on\n"))
	require.NoError(t, err)
	for _, a := range mue.Addons() {
		switch a.Code {
		case "77002":
			assert.Equal(t, "1", a.MUE.String())
		case "64421":
			assert.Equal(t, "4", a.MUE.String())
		}
	}
	fs = check(t, mue, build.Claim{Lines: []L{g("64420"), {Code: "64421", Units: "5"}}})
	require.Contains(t, idsOf(fs), "UNITS-MUE")
	for _, f := range fs {
		if f.Rule == "UNITS-MUE" {
			assert.Contains(t, f.Message, "the MUE is 4 per date of service")
		}
	}
}
