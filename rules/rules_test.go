package rules_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/rules"
)

type L = build.Line

// findings scrubs one claim and returns its rule ids, sorted.
func findings(t *testing.T, cat *rules.Catalog, c build.Claim) []string {
	t.Helper()
	if c.ID == "" {
		c.ID = "PCN1"
	}
	p := edi.NewParser(bytes.NewReader(build.Claims(c)))
	var ids []string
	for {
		it, ok := p.Next()
		if !ok {
			break
		}
		if it.Tx == nil {
			continue
		}
		m := claim.Build(it.Tx)
		require.Len(t, m.Claims, 1)
		require.Empty(t, m.Claims[0].Problems)
		for _, f := range cat.Check(m, 0, nil) {
			ids = append(ids, f.Rule)
		}
	}
	require.NoError(t, p.Err())
	sort.Strings(ids)
	return ids
}

func g(code string, mods ...string) L { return L{Code: code, Mods: mods} }
func on(l L, dos string) L            { l.DOS = dos; return l }

func TestRules(t *testing.T) {
	guide := g("77002", "26")
	cases := []struct {
		name  string
		claim build.Claim
		want  []string
	}{
		// AOC-NO-PRIMARY and effective dates
		{"AOC-NO-PRIMARY/alone", build.Claim{Lines: []L{guide}}, []string{"AOC-NO-PRIMARY"}},
		{"AOC-NO-PRIMARY/primary-same-dos", build.Claim{Lines: []L{g("20610"), guide}}, nil},
		{"AOC-NO-PRIMARY/primary-other-dos", build.Claim{Lines: []L{on(g("20610"), "20260301"), guide}}, []string{"AOC-NO-PRIMARY"}},
		{"AOC-NO-PRIMARY/64415-before-effective", build.Claim{Lines: []L{on(g("64415"), "20190601"), on(guide, "20190601")}}, []string{"AOC-NO-PRIMARY"}},
		{"AOC-NO-PRIMARY/64415-day-before", build.Claim{Lines: []L{on(g("64415"), "20191231"), on(guide, "20191231")}}, []string{"AOC-NO-PRIMARY"}},
		{"AOC-NO-PRIMARY/64415-on-effective-day", build.Claim{Lines: []L{on(g("64415"), "20200101"), on(guide, "20200101")}}, nil},
		{"AOC-NO-PRIMARY/38222-day-before", build.Claim{Lines: []L{on(g("38222"), "20180930"), on(guide, "20180930")}}, []string{"AOC-NO-PRIMARY"}},
		{"AOC-NO-PRIMARY/38222-on-effective-day", build.Claim{Lines: []L{on(g("38222"), "20181001"), on(guide, "20181001")}}, nil},
		{"AOC-NO-PRIMARY/62268-spinal-but-77002-primary", build.Claim{Lines: []L{g("62268"), guide}}, nil},
		{"AOC-NO-PRIMARY/62269", build.Claim{Lines: []L{g("62269"), guide}}, nil},
		{"AOC-NO-PRIMARY/rd8-first-date-counts", build.Claim{Lines: []L{g("20610"), on(guide, "RD8:20260302-20260303")}}, nil},
		{"AOC-NO-PRIMARY/rd8-other-first-date", build.Claim{Lines: []L{g("20610"), on(guide, "RD8:20260301-20260302")}}, []string{"AOC-NO-PRIMARY"}},
		// USE-77003
		{"USE-77003/spine-primary-only", build.Claim{Lines: []L{g("62273"), guide}}, []string{"USE-77003"}},
		{"USE-77003/64449-before-2020", build.Claim{Lines: []L{on(g("64449"), "20191231"), on(guide, "20191231")}}, []string{"AOC-NO-PRIMARY"}},
		{"USE-77003/64449-from-2020", build.Claim{Lines: []L{on(g("64449"), "20200101"), on(guide, "20200101")}}, []string{"USE-77003"}},
		{"USE-77003/not-when-77002-primary-too", build.Claim{Lines: []L{g("62273"), g("20610"), guide}}, nil},
		// PRIMARY-NOT-CMS
		{"PRIMARY-NOT-CMS/55700-only", build.Claim{Lines: []L{g("55700"), guide}}, []string{"PRIMARY-NOT-CMS"}},
		{"PRIMARY-NOT-CMS/55700-with-cms-primary", build.Claim{Lines: []L{g("55700"), g("20610"), guide}}, nil},
		// GUIDANCE-INCLUDED
		{"GUIDANCE-INCLUDED/ultrasound-arthrocentesis", build.Claim{Lines: []L{g("20611"), guide}}, []string{"AOC-NO-PRIMARY", "GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/with-primary", build.Claim{Lines: []L{g("20610"), g("20611"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/XS-with-primary-bypasses", build.Claim{Lines: []L{g("20610"), g("20611"), g("77002", "26", "XS")}}, nil},
		{"GUIDANCE-INCLUDED/59-with-primary-bypasses", build.Claim{Lines: []L{g("20610"), g("64483"), g("77002", "26", "59")}}, nil},
		{"GUIDANCE-INCLUDED/XE-XP-XU-bypass", build.Claim{Lines: []L{g("20610"), g("29880"), g("77002", "26", "XU")}}, nil},
		{"GUIDANCE-INCLUDED/XS-without-primary-no-bypass", build.Claim{Lines: []L{g("20611"), g("77002", "26", "XS")}}, []string{"AOC-NO-PRIMARY", "GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/range-low-edge-29805", build.Claim{Lines: []L{g("20610"), g("29805"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/range-high-edge-29999", build.Claim{Lines: []L{g("20610"), g("29999"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/tmj-arthroscopy-29804", build.Claim{Lines: []L{g("20610"), g("29804"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/tmj-arthroscopy-29800", build.Claim{Lines: []L{g("20610"), g("29800"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/other-dos", build.Claim{Lines: []L{g("20610"), on(g("20611"), "20260303"), guide}}, nil},
		// USE-77001
		{"USE-77001/central-line", build.Claim{Lines: []L{g("36561"), guide}}, []string{"AOC-NO-PRIMARY", "USE-77001"}},
		{"USE-77001/with-primary", build.Claim{Lines: []L{g("36561"), g("20610"), guide}}, []string{"USE-77001"}},
		{"USE-77001/bypass-59-and-primary", build.Claim{Lines: []L{g("36561"), g("20610"), g("77002", "26", "59")}}, nil},
		// ARTHROGRAPHY-SI
		{"ARTHROGRAPHY-SI/shoulder", build.Claim{Lines: []L{g("23350"), g("73040", "26"), guide}}, []string{"ARTHROGRAPHY-SI"}},
		{"ARTHROGRAPHY-SI/no-bypass-with-XS", build.Claim{Lines: []L{g("23350"), g("73040", "26"), g("77002", "26", "XS")}}, []string{"ARTHROGRAPHY-SI"}},
		{"ARTHROGRAPHY-SI/MR-arthrogram-is-correct", build.Claim{Lines: []L{g("23350"), g("73222", "26"), guide}}, nil},
		{"ARTHROGRAPHY-SI/CT-arthrogram-is-correct", build.Claim{Lines: []L{g("23350"), g("73201", "26"), guide}}, nil},
		// UNITS-MUE
		{"UNITS-MUE/two-units", build.Claim{Lines: []L{g("20610"), {Code: "77002", Mods: []string{"26"}, Units: "2"}}}, []string{"UNITS-MUE"}},
		{"UNITS-MUE/decimal-one", build.Claim{Lines: []L{g("20610"), {Code: "77002", Mods: []string{"26"}, Units: "1.0"}}}, nil},
		{"UNITS-MUE/two-lines-same-dos", build.Claim{Lines: []L{g("20610"), guide, guide}}, []string{"UNITS-MUE"}},
		{"UNITS-MUE/two-lines-two-dates", build.Claim{Lines: []L{g("20610"), guide, on(g("20610"), "20260303"), on(guide, "20260303")}}, nil},
		// modifiers
		{"MOD-26-TC/both", build.Claim{Lines: []L{g("20610"), g("77002", "26", "TC")}}, []string{"MOD-26-TC"}},
		{"MOD-50/bilateral", build.Claim{Lines: []L{g("20610"), g("77002", "26", "50")}}, []string{"MOD-50"}},
		{"MOD-51/warning", build.Claim{Lines: []L{g("20610"), g("77002", "26", "51")}}, []string{"MOD-51"}},
		// FACILITY-NEEDS-26
		{"FACILITY-NEEDS-26/claim-pos-22", build.Claim{POS: "22", Lines: []L{g("20610"), g("77002")}}, []string{"FACILITY-NEEDS-26"}},
		{"FACILITY-NEEDS-26/claim-pos-22-with-26", build.Claim{POS: "22", Lines: []L{g("20610"), guide}}, nil},
		{"FACILITY-NEEDS-26/line-pos-overrides-claim", build.Claim{POS: "22", Lines: []L{g("20610"), {Code: "77002", POS: "11"}}}, nil},
		{"FACILITY-NEEDS-26/line-pos-facility", build.Claim{POS: "11", Lines: []L{g("20610"), {Code: "77002", POS: "24"}}}, []string{"FACILITY-NEEDS-26"}},
		{"FACILITY-NEEDS-26/office-global-ok", build.Claim{POS: "11", Lines: []L{g("20610"), g("77002")}}, nil},
		// MULTI-GUIDANCE
		{"MULTI-GUIDANCE/ultrasound-too", build.Claim{Lines: []L{g("20610"), g("76942", "26"), guide}}, []string{"MULTI-GUIDANCE"}},
		// PROVIDER-MISMATCH
		{"PROVIDER-MISMATCH/other-npi", build.Claim{Lines: []L{{Code: "20610", NPI: "1111111111"}, {Code: "77002", Mods: []string{"26"}, NPI: "2222222222"}}}, []string{"PROVIDER-MISMATCH"}},
		{"PROVIDER-MISMATCH/same-npi", build.Claim{Lines: []L{{Code: "20610", NPI: "1111111111"}, {Code: "77002", Mods: []string{"26"}, NPI: "1111111111"}}}, nil},
		{"PROVIDER-MISMATCH/line-vs-claim-2310B", build.Claim{NPI: "1111111111", Lines: []L{g("20610"), {Code: "77002", Mods: []string{"26"}, NPI: "2222222222"}}}, []string{"PROVIDER-MISMATCH"}},
		{"PROVIDER-MISMATCH/one-primary-matches", build.Claim{Lines: []L{{Code: "20610", NPI: "1111111111"}, {Code: "20605", NPI: "2222222222"}, {Code: "77002", Mods: []string{"26"}, NPI: "2222222222"}}}, nil},
		// any-claim rules
		{"CLAIM-BALANCE/out-of-balance", build.Claim{Charge: "250", Lines: []L{{Code: "20610", Charge: "150"}, {Code: "99213", Charge: "95"}}}, []string{"CLAIM-BALANCE"}},
		{"CLAIM-BALANCE/exact-decimal", build.Claim{Charge: "0.3", Lines: []L{{Code: "99213", Charge: "0.1"}, {Code: "99213", Charge: "0.2"}}}, nil},
		{"CLAIM-BALANCE/trailing-zeros", build.Claim{Charge: "245.00", Lines: []L{{Code: "20610", Charge: "150.0"}, {Code: "99213", Charge: "95"}}}, nil},
		{"LINE-DOS-MISSING/no-dtp", build.Claim{Lines: []L{{Code: "99213", DOS: "-"}}}, []string{"LINE-DOS-MISSING"}},
		{"LINE-DOS-MISSING/not-a-date", build.Claim{Lines: []L{{Code: "99213", DOS: "20260231"}}}, []string{"LINE-DOS-MISSING"}},
		{"LINE-DOS-MISSING/leap-day-ok", build.Claim{Lines: []L{{Code: "99213", DOS: "20240229"}}}, nil},
		{"LINE-DOS-MISSING/77002-undated-skips-dos-rules", build.Claim{Lines: []L{g("20610"), {Code: "77002", Mods: []string{"26"}, DOS: "2026"}}}, []string{"LINE-DOS-MISSING"}},
		// claims without 77002 get only the any-claim rules
		{"no-77002/bundled-codes-alone", build.Claim{POS: "22", Lines: []L{g("20611"), g("36561"), g("73040", "50", "51"), g("76942")}}, nil},
		{"no-77002/77003-disabled-by-default", build.Claim{Lines: []L{g("77003", "50")}}, nil},
	}
	cat := rules.Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, findings(t, cat, tc.claim))
		})
	}
}

func TestFindingsPointAtTheFault(t *testing.T) {
	cases := []struct {
		mods []string
		sv1  string
		comp int
	}{
		{[]string{"26", "50"}, "SV1*HC:77002:26:50*100*UN*1***1", 4},
		{[]string{"50", "26"}, "SV1*HC:77002:50:26*100*UN*1***1", 3},
		{[]string{"", "50", "26"}, "SV1*HC:77002::50:26*100*UN*1***1", 4}, // an empty modifier still takes its place
		{[]string{"26", "", "", "50"}, "SV1*HC:77002:26:::50*100*UN*1***1", 6},
	}
	for _, c := range cases {
		p := edi.NewParser(bytes.NewReader(build.Claims(build.Claim{ID: "PCN9", Lines: []L{g("20610"), g("77002", c.mods...)}})))
		var tx *edi.Transaction
		for {
			it, ok := p.Next()
			if !ok {
				break
			}
			if it.Tx != nil {
				tx = it.Tx
			}
		}
		require.NotNil(t, tx)
		fs := rules.Default().Check(claim.Build(tx), 0, nil)
		require.Len(t, fs, 1, c.sv1)
		f := fs[0]
		assert.Equal(t, "MOD-50", f.Rule)
		assert.Equal(t, finding.SeverityError, f.Severity)
		assert.Equal(t, 1, f.Line)
		assert.Equal(t, "A7:453", f.STC01)
		assert.Equal(t, 1, f.Elem)
		assert.Equal(t, c.comp, f.Comp, "%s: the component of modifier 50", c.sv1)
		assert.Equal(t, c.sv1, string(tx.Content(f.Seg)))
	}
}

func TestOverrides(t *testing.T) {
	cases := []struct {
		name      string
		overrides string
		claim     build.Claim
		want      []string
	}{
		{"switch a warning off", "rule PRIMARY-NOT-CMS off", build.Claim{Lines: []L{g("55700"), g("77002", "26")}}, nil},
		{"payer accepts 55700 as a primary", "remove cpt-primary 77002 55700\nadd primary 77002 55700 source=\"Payer X policy 2026\"", build.Claim{Lines: []L{g("55700"), g("77002", "26")}}, nil},
		{"warning promoted to error", "rule MOD-51 error", build.Claim{Lines: []L{g("20610"), g("77002", "26", "51")}}, []string{"MOD-51"}},
		{"re-date a primary earlier", "date primary 77002 64415 from=2019-01-01", build.Claim{Lines: []L{on(g("64415"), "20190601"), on(g("77002", "26"), "20190601")}}, nil},
		{"end a primary", "date primary 77002 20610 until=2025-12-31", build.Claim{Lines: []L{g("20610"), g("77002", "26")}}, []string{"AOC-NO-PRIMARY"}},
		{"77003 enabled as data", "addon 77003 on", build.Claim{Lines: []L{g("77003", "26")}}, []string{"AOC-NO-PRIMARY"}},
		{"77003 with its primary", "addon 77003 on", build.Claim{Lines: []L{g("62273"), g("77003", "26")}}, nil},
		{"facility list change", "remove facility-pos * 22", build.Claim{POS: "22", Lines: []L{g("20610"), g("77002")}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cat, err := rules.LoadFrom("test.rules", strings.NewReader(tc.overrides))
			require.NoError(t, err)
			assert.Equal(t, tc.want, findings(t, cat, tc.claim))
		})
	}
}

func TestOverrideErrorsNameFileAndLine(t *testing.T) {
	cases := map[string]string{
		"rule NO-SUCH-RULE off":                     `test.rules:2: unknown rule id "NO-SUCH-RULE"`,
		"add primary 77002 20610":                   "test.rules:2: duplicate row: 20610 is already in primary 77002",
		"add primary 77002 99999 from=2020-02-30":   `test.rules:2: "2020-02-30" is not a date`,
		"remove included 77002 99213":               "test.rules:2: 99213 is not in included 77002",
		"add nonsense 77002 1":                      `test.rules:2: unknown table "nonsense"`,
		"rule X12 warning":                          "test.rules:2: X12 structural faults always reject",
		"add primary 99999 20610":                   "test.rules:2: add-on 99999 is not declared",
		"rule MOD-51 loud":                          `test.rules:2: severity "loud"`,
		"add included 77002 29999-29805":            "test.rules:2: \"29999-29805\" is not a range",
		"frobnicate":                                `test.rules:2: unknown directive "frobnicate"`,
		"=":                                         `test.rules:2: a line with options only ("=")`, // FuzzRulesFile: it panicked
		"source=x mue=2":                            `test.rules:2: a line with options only ("source=x")`,
		"add primary 77002 12345 source=\"unclosed": "test.rules:2: unterminated quote",
	}
	for line, want := range cases {
		t.Run(line, func(t *testing.T) {
			_, err := rules.LoadFrom("test.rules", strings.NewReader("# comment\n"+line))
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
		})
	}
}
