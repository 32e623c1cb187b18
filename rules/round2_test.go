package rules_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
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

// check scrubs one claim and returns its findings.
func check(t *testing.T, cat *rules.Catalog, c build.Claim) []finding.Finding {
	t.Helper()
	if c.ID == "" {
		c.ID = "PCN1"
	}
	p := edi.NewParser(bytes.NewReader(build.Claims(c)))
	var out []finding.Finding
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		if it.Tx != nil {
			m := claim.Build(it.Tx)
			require.Len(t, m.Claims, 1)
			out = cat.Check(m, 0, out)
		}
	}
	require.NoError(t, p.Err())
	return out
}

func raw(sv1 string) L { return L{RawSV1: sv1} }

// Each case is a claim the first round got wrong (RULES.md v2).
func TestRulesRound2(t *testing.T) {
	guide := g("77002", "26")
	cases := []struct {
		name  string
		claim build.Claim
		want  []string
	}{
		// Table C follows the NCCI Policy Manual's general statements.
		{"GUIDANCE-INCLUDED/tmj-arthroscopy-29804", build.Claim{Lines: []L{g("20610"), g("29804"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/urolift-52441", build.Claim{Lines: []L{g("20610"), g("52441"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/turp-52601", build.Claim{Lines: []L{g("20610"), g("52601"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/hysteroscopy-58558", build.Claim{Lines: []L{g("20610"), g("58558"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/thoracoscopy-32650", build.Claim{Lines: []L{g("20610"), g("32650"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/lap-cholecystectomy-47562", build.Claim{Lines: []L{g("20610"), g("47562"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/fascial-plane-block-64473", build.Claim{Lines: []L{g("20610"), g("64473"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/lung-core-biopsy-32408", build.Claim{Lines: []L{g("20610"), g("32408"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/nephrostomy-50432", build.Claim{Lines: []L{g("20610"), g("50432"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		{"GUIDANCE-INCLUDED/gastrostomy-tube-49440", build.Claim{Lines: []L{g("20610"), g("49440"), guide}}, []string{"GUIDANCE-INCLUDED"}},
		// 55700 is a 77002 primary for every rule.
		{"USE-77003/not-with-55700", build.Claim{Lines: []L{g("55700"), g("62273"), guide}}, []string{"PRIMARY-NOT-CMS"}},
		{"GUIDANCE-INCLUDED/55700-XS-bypasses", build.Claim{Lines: []L{g("55700"), g("20611"), g("77002", "26", "XS")}}, []string{"PRIMARY-NOT-CMS"}},
		{"USE-77001/55700-59-bypasses", build.Claim{Lines: []L{g("55700"), g("36561"), g("77002", "26", "59")}}, []string{"PRIMARY-NOT-CMS"}},
		// Modifiers are read in upper case.
		{"MOD-INVALID/lower-case-tc-is-not-TC", build.Claim{Lines: []L{g("20610"), g("77002", "26", "tc")}}, []string{"MOD-INVALID"}},
		// A modifier of other than two characters is also an X12 syntax fault
		// of the line (X12-SV1-COMPOSITE, reported by the model).
		{"MOD-INVALID/one-char", build.Claim{Lines: []L{g("20610"), g("77002", "26", "2")}}, []string{"MOD-INVALID"}},
		{"MOD-INVALID/three-chars", build.Claim{Lines: []L{g("20610"), g("77002", "26", "XSS")}}, []string{"MOD-INVALID"}},
		{"MOD-INVALID/lower-case-xs-no-bypass", build.Claim{Lines: []L{g("20610"), g("20611"), g("77002", "26", "xs")}}, []string{"GUIDANCE-INCLUDED", "MOD-INVALID"}},
		// Only HC lines carry CPT codes.
		{"AOC-NO-PRIMARY/ER-77002-is-not-77002", build.Claim{Lines: []L{raw("SV1*ER:77002*100*UN*1***1")}}, nil},
		{"AOC-NO-PRIMARY/WK-20610-is-no-primary", build.Claim{Lines: []L{raw("SV1*WK:20610*100*UN*1***1"), guide}}, []string{"AOC-NO-PRIMARY"}},
		{"X12-SV1-COMPOSITE/ER-six-characters-is-valid", build.Claim{Lines: []L{raw("SV1*ER:A12345*100*UN*1***1")}}, nil},
		// Units: the day's total after the whole claim; 0 or fewer is a fault.
		{"UNITS-MUE/two-then-minus-one", build.Claim{Lines: []L{g("20610"), {Code: "77002", Mods: []string{"26"}, Units: "2"}, {Code: "77002", Mods: []string{"26"}, Units: "-1"}}}, []string{"UNITS-MUE", "UNITS-MUE"}},
		{"UNITS-MUE/zero-units", build.Claim{Lines: []L{g("20610"), {Code: "77002", Mods: []string{"26"}, Units: "0"}}}, []string{"UNITS-MUE"}},
		// Facility place of service: the fix names TC.
		{"FACILITY-NEEDS-26/TC-in-a-facility", build.Claim{POS: "22", Lines: []L{g("20610"), g("77002", "TC")}}, []string{"FACILITY-NEEDS-26"}},
	}
	cat := rules.Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			for _, f := range check(t, cat, tc.claim) {
				ids = append(ids, f.Rule)
			}
			assert.ElementsMatch(t, tc.want, ids)
		})
	}
}

// Messages and hints name what is on the claim.
func TestMessagesNameWhatIsOnTheClaim(t *testing.T) {
	guide := g("77002", "26")
	cases := []struct {
		name          string
		claim         build.Claim
		rule          string
		message, hint string // substrings
		notHint       string
	}{
		{"AOC-NO-PRIMARY/not-yet-in-effect", build.Claim{Lines: []L{on(g("64450"), "20190601"), on(guide, "20190601")}},
			"AOC-NO-PRIMARY", "64450 on line 1 is a 77002 primary only from 2020-01-01", "check the date of service of line 1", "for example"},
		{"AOC-NO-PRIMARY/rd8-starts-another-day", build.Claim{Lines: []L{on(g("20610"), "RD8:20260301-20260303"), on(guide, "20260302")}},
			"AOC-NO-PRIMARY", "20610 on line 1 is dated 2026-03-01 to 2026-03-03", "with the date of service of line 1", "for example"},
		{"AOC-NO-PRIMARY/without-imaging-code", build.Claim{Lines: []L{g("62320"), guide}},
			"AOC-NO-PRIMARY", "62320 on line 1 is the form without imaging of 62321", "recode 62320 as 62321, which includes the imaging, and remove 77002", "for example"},
		{"AOC-NO-PRIMARY/nothing-to-name", build.Claim{Lines: []L{g("99213"), guide}},
			"AOC-NO-PRIMARY", "has no qualifying primary", "for example 20610 or 64415", ""},
		{"USE-77003/77003-billed-already", build.Claim{Lines: []L{g("62273"), g("77003", "26"), guide}},
			"USE-77003", "62273 (line 1)", "77003 is billed on this date already: remove 77002", "replace"},
		{"USE-77003/replace", build.Claim{Lines: []L{g("62273"), guide}}, "USE-77003", "62273", "replace 77002 with 77003", ""},
		{"USE-77001/77001-billed-already", build.Claim{Lines: []L{g("36561"), g("77001", "26"), guide}},
			"USE-77001", "36561 (line 1)", "77001 is billed on this date already: remove 77002", "replace"},
		{"USE-77001/bypass-named-beside-a-primary", build.Claim{Lines: []L{g("36561"), g("20610"), guide}},
			"USE-77001", "central venous access", "if 77002 guided 20610 (line 2), a procedure unrelated to this one, add XS or 59", ""},
		{"GUIDANCE-INCLUDED/lower-case-says-why", build.Claim{Lines: []L{g("20610"), g("20611"), g("77002", "26", "xs")}},
			"GUIDANCE-INCLUDED", `modifier "xs" is not read as XS: modifiers are upper case`, "", ""},
		{"GUIDANCE-INCLUDED/no-primary-says-why", build.Claim{Lines: []L{g("20611"), g("77002", "26", "XS")}},
			"GUIDANCE-INCLUDED", "bypasses the bundle only beside a 77002 primary", "remove 77002", "add XS"},
		{"GUIDANCE-INCLUDED/modifier-in-the-description", build.Claim{Lines: []L{g("20610"), g("20611"), raw("SV1*HC:77002:26::::XS*100*UN*1***1")}},
			"GUIDANCE-INCLUDED", "XS is written in SV101-7, the description", "", ""},
		{"FACILITY-NEEDS-26/replace-TC", build.Claim{POS: "22", Lines: []L{g("20610"), g("77002", "TC")}},
			"FACILITY-NEEDS-26", "lacks modifier 26", "replace TC with 26", "add modifier 26"},
		{"UNITS-MUE/day-total-and-global", build.Claim{Lines: []L{g("20610"), g("77002", "26"), g("77002", "TC")}},
			"UNITS-MUE", "77002 units on 2026-03-02 total 2 on this claim (lines 2 and 3); the MUE is 1 per date of service", "bill one global 77002", ""},
		{"MOD-INVALID/lower-case", build.Claim{Lines: []L{g("20610"), g("77002", "26", "tc")}},
			"MOD-INVALID", `"tc" is not read as TC`, "write TC", ""},
	}
	cat := rules.Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f *finding.Finding
			fs := check(t, cat, tc.claim)
			for i := range fs {
				if fs[i].Rule == tc.rule {
					f = &fs[i]
				}
			}
			require.NotNil(t, f, "%s in %+v", tc.rule, fs)
			assert.Contains(t, f.Message, tc.message)
			assert.Contains(t, f.Hint, tc.hint)
			if tc.notHint != "" {
				assert.NotContains(t, f.Hint, tc.notHint)
			}
		})
	}
}

// UNITS-MUE, a date-of-service edit, is reported once, on the last line of
// the code on that date; LINE-DOS-MISSING's 277CA category tells a missing
// date (A6) from an invalid one (A7).
func TestWhereFindingsStand(t *testing.T) {
	cat := rules.Default()
	fs := check(t, cat, build.Claim{Lines: []L{g("20610"), g("77002", "26"), g("99213"), g("77002", "26")}})
	require.Len(t, fs, 1)
	assert.Equal(t, "UNITS-MUE", fs[0].Rule)
	assert.Equal(t, 3, fs[0].Line, "the last 77002 line (index 3)")
	missing := check(t, cat, build.Claim{Lines: []L{{Code: "99213", DOS: "-"}}})
	invalid := check(t, cat, build.Claim{Lines: []L{{Code: "99213", DOS: "20260231"}}})
	require.Len(t, missing, 1)
	require.Len(t, invalid, 1)
	assert.Equal(t, "A6:187", missing[0].STC01)
	assert.Equal(t, "A7:187", invalid[0].STC01)
}

// A claim holds at most 50 lines: the 51st is X12-LX-MAX, a structural
// fault that rejects the claim; an empty SV104 is required, not "not a
// number".
func TestModelLimits(t *testing.T) {
	var lines []L
	for range 51 {
		lines = append(lines, g("99213"))
	}
	p := edi.NewParser(bytes.NewReader(build.Claims(build.Claim{ID: "BIG", Lines: lines})))
	var rules []string
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		if it.Tx != nil {
			m := claim.Build(it.Tx)
			for _, pr := range m.Claims[0].Problems {
				rules = append(rules, pr.Rule+" "+pr.SegCode)
			}
		}
	}
	assert.Equal(t, []string{"X12-LX-MAX 4"}, rules)

	p = edi.NewParser(bytes.NewReader(build.Claims(build.Claim{ID: "U1", Lines: []L{raw("SV1*HC:99213*100*UN****1")}})))
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		if it.Tx != nil {
			m := claim.Build(it.Tx)
			require.Len(t, m.Claims[0].Problems, 1)
			assert.Equal(t, "SV104 (units) is required", m.Claims[0].Problems[0].Msg)
			assert.Equal(t, "1", m.Claims[0].Problems[0].ElemCode, "999 IK403 1: required element missing")
		}
	}
}

// Every id the rule families report is a constant of ids.go (or USE- and
// an alternative add-on), and every constant is a rule of the catalog: no
// finding is ever reported under an id the catalog lacks.
func TestEveryReportedIDIsARule(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	consts := map[string]bool{}
	fset := token.NewFileSet()
	calls := 0
	idsFile, err := parser.ParseFile(fset, "ids.go", nil, 0)
	require.NoError(t, err)
	for _, d := range idsFile.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, s := range gd.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					consts[n.Name] = true
				}
			}
		}
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		if false {
			for _, d := range file.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
					for _, s := range gd.Specs {
						for _, n := range s.(*ast.ValueSpec).Names {
							consts[n.Name] = true
						}
					}
				}
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "report" && sel.Sel.Name != "reportSTC") || len(c.Args) == 0 {
				return true
			}
			calls++
			switch a := c.Args[0].(type) {
			case *ast.Ident:
				if a.Name != "id" {
					assert.True(t, consts[a.Name], "%s: report(%s) is not an id of ids.go", fset.Position(c.Pos()), a.Name)
				}
			case *ast.CallExpr: // k.arena.Concat(useAlternativeFmt, alt)
				first, ok := a.Args[0].(*ast.Ident)
				assert.True(t, ok && first.Name == "useAlternativeFmt", "%s: a made id must start USE-", fset.Position(c.Pos()))
			default:
				t.Errorf("%s: report's id is %T, not a constant of ids.go", fset.Position(c.Pos()), a)
			}
			return true
		})
	}
	assert.Greater(t, calls, 15)
	cat := rules.Default()
	for _, id := range rules.IDs() {
		_, ok := cat.Rule(id)
		assert.True(t, ok, "%s is not in the catalog", id)
	}
}
