package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/rules"
)

// expandRanges is this test's own reading of docs/rules.md's "LOW–HIGH"
// notation; a code listed twice (hysteroscopy inside laparoscopy) counts once.
func expandRanges(s string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, tok := range strings.Fields(s) {
		var lo, hi int
		if n, _ := fmt.Sscanf(tok, "%d-%d", &lo, &hi); n == 2 {
			for c := lo; c <= hi; c++ {
				add(fmt.Sprintf("%05d", c))
			}
			continue
		}
		add(tok)
	}
	return out
}

// The tables of docs/rules.md, transcribed independently of catalog.rules.
func TestTablesMatchRULESmd(t *testing.T) {
	cat := rules.Default()
	always := "10160 20206 20220 20225 20520 20525 20526 20550 20551 20552 20553 20555 20600 20605 20610 20612 20615 21116 21550 23350 24220 25246 27093 27095 27648 32400 32553 36002 38220 38221 38505 38794 41019 42400 42405 47000 47001 48102 49180 49411 50200 50390 51100 51101 51102 55876 60100 62268 62269 64505 64600 64605"
	dated := map[string]int{"38222": 20181001, "27369": 20190101}
	for _, c := range strings.Fields("64400 64405 64408 64415 64416 64417 64418 64420 64421 64425 64430 64435 64445 64446 64447 64448 64450 64455") {
		dated[c] = 20200101
	}
	tableA := byCode(cat.Table(rules.TablePrimary, "77002"))
	assert.Len(t, tableA, 72, "docs/rules.md: 72 codes in table A")
	for _, c := range strings.Fields(always) {
		if assert.Contains(t, tableA, c) {
			assert.Zero(t, tableA[c].From, c)
		}
	}
	for c, from := range dated {
		if assert.Contains(t, tableA, c) {
			assert.Equal(t, from, tableA[c].From, c)
		}
	}
	assert.Equal(t, []string{"55700"}, codes(cat.Table(rules.TableCPTPrimary, "77002")))

	tableB := byCode(cat.Table(rules.TablePrimary, "77003"))
	assert.Equal(t, strings.Fields("61050 61055 62267 62273 62280 62281 62282 62284 64449 64510 64517 64520 64610 96450"), codes(cat.Table(rules.TablePrimary, "77003")))
	assert.Equal(t, 20200101, tableB["64449"].From)

	tableC := "20604 20606 20611 10005-10012 10030 10035 10036 19081-19086 19281-19288 27096 32555 32557 49083 49084 49405 49406 49407 " +
		"62321 62323 62325 62327 62328 62329 64451 64454 64479 64480 64483 64484 64490-64495 64624 64625 64633-64636 64461-64463 64486-64489 " +
		"29800 29804 29805-29999 31231-31298 31505-31579 31615-31661 32408 32601-32674 43180-43278 44360-44408 45300-45398 46600-46615 " +
		"38570-38589 43279-43289 43644-43659 44180-44238 44970-44979 47370-47379 47562-47579 49320-49329 49650-49659 50541-50549 50945-50949 " +
		"51990-51999 54690-54699 55550-55559 55866 58541-58579 58660-58679 60650-60659 " +
		"50551-50580 50951-50980 52000-52356 52400-52700 53850-53854 58555-58565 64466-64474 " +
		"20982 20983 37191 47531-47544 49440-49442 49446 49450-49452 49460 49465 50430-50437 0232T 33361-33369 0483T 0484T"
	assert.ElementsMatch(t, expandRanges(tableC), codes(cat.Table(rules.TableIncluded, "77002")))

	tableD := "36555 36556 36557 36558 36560 36561 36563 36565 36566 36568 36569 36570 36571 36572 36573 36575 36576 36578 36580 36581 36582 36583 36584 36585 36589 36590 36595 36596 36597"
	assert.ElementsMatch(t, strings.Fields(tableD), codes(cat.Table(rules.TableCentralVenous, "77002")))
	assert.Len(t, cat.Table(rules.TableCentralVenous, "77002"), 29)
	assert.ElementsMatch(t, strings.Fields("70332 73040 73085 73115 73525 73580 73615"), codes(cat.Table(rules.TableArthrographySI, "77002")))
	assert.ElementsMatch(t, strings.Fields("19 21 22 23 24 26 31 34 41 42 51 52 53 56 61"), codes(cat.Table(rules.TableFacilityPOS, "*")))
	assert.ElementsMatch(t, strings.Fields("76942 77003 77012 77021"), codes(cat.Table(rules.TableGuidance, "77002")))

	for _, name := range []string{rules.TablePrimary, rules.TableCPTPrimary, rules.TableIncluded, rules.TableCentralVenous, rules.TableArthrographySI, rules.TableGuidance} {
		for _, row := range cat.Table(name, "77002") {
			assert.NotEmpty(t, row.Source, "%s %s has no source", name, row.Code)
		}
	}
	assert.True(t, addon(t, cat, "77002").Enabled)
	assert.False(t, addon(t, cat, "77003").Enabled, "77002 is the only add-on enabled by default")
	assert.Equal(t, "1", addon(t, cat, "77002").MUE.String())
}

// The rule ids, severities and 277CA codes of docs/rules.md: a contract.
func TestCatalogMatchesRULESmd(t *testing.T) {
	want := []struct{ id, sev, stc01, stc10 string }{
		{"AOC-NO-PRIMARY", "error", "A8:736", "A8:454"},
		{"AOC-PRIMARY-UNLISTED", "warning", "", ""},
		{"AOC-ALONE", "warning", "", ""},
		{"PTP-BUNDLED", "error", "A8:735", "A8:454"},
		{"USE-77003", "error", "A8:454", "A8:732"},
		{"GUIDANCE-INCLUDED", "error", "A8:735", "A8:454"},
		{"USE-77001", "error", "A8:454", "A8:732"},
		{"ARTHROGRAPHY-SI", "error", "A8:735", "A8:454"},
		{"UNITS-MUE", "error", "A7:476", ""},
		{"MOD-26-TC", "error", "A7:453", ""},
		{"MOD-50", "error", "A7:453", ""},
		{"MOD-INVALID", "error", "A7:453", ""},
		{"FACILITY-NEEDS-26", "error", "A8:453", "A8:249"},
		{"MOD-51", "warning", "", ""},
		{"MULTI-GUIDANCE", "warning", "", ""},
		{"PRIMARY-NOT-CMS", "warning", "", ""},
		{"PROVIDER-MISMATCH", "warning", "", ""},
		{"CLAIM-BALANCE", "error", "A7:400", "A7:178"},
		{"LINE-DOS-MISSING", "error", "A6:187", ""},
		{"X12", "error", "A3:21", ""},
	}
	cat := rules.Default()
	for _, w := range want {
		r, ok := cat.Rule(w.id)
		require.True(t, ok, w.id)
		assert.Equal(t, w.sev, r.Severity.String(), w.id)
		assert.Equal(t, w.stc01, r.STC01, w.id)
		assert.Equal(t, w.stc10, r.STC10, w.id)
		assert.NotEmpty(t, r.Summary, w.id)
	}
	x12, _ := cat.Rule("X12")
	se, _ := cat.Rule("X12-SE-COUNT")
	assert.Equal(t, x12, se)
	for _, r := range cat.Rules() {
		id := r.ID
		doc, ok := rules.Explain(id)
		assert.True(t, ok, "no --explain text for %s", id)
		assert.Contains(t, doc, "Example:", id)
		assert.Contains(t, doc, "Fix:", id)
	}
}

func codes(rows []rules.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Code
	}
	return out
}

func addon(t *testing.T, cat *rules.Catalog, code string) rules.Addon {
	for _, a := range cat.Addons() {
		if a.Code == code {
			return a
		}
	}
	t.Fatalf("no add-on %s", code)
	return rules.Addon{}
}

func byCode(rows []rules.Row) map[string]rules.Row {
	out := map[string]rules.Row{}
	for _, r := range rows {
		out[r.Code] = r
	}
	return out
}
