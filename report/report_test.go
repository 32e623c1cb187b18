package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/scrub"
)

var update = flag.Bool("update", false, "rewrite the golden files in report/testdata")

// input is two transaction sets: a patient loop, REF*6R, an existing line
// note, and modifiers in odd places, with CRLF after every terminator.
func input() []byte {
	return build.File(build.Options{Newline: "\r\n", Transactions: [][]build.Claim{
		{
			{ID: "HB-1", Lines: []build.Line{{Code: "20610"}, {Code: "77002", Mods: []string{"26"}, Ref6R: "R-2"}}},
			{ID: "HB-2", Patient: true, Lines: []build.Line{{Code: "77002", Mods: []string{"", "51"}}}},
			{ID: "HB-3", Lines: []build.Line{{Code: "99213"}}},
		},
		{
			{ID: "HB-4", Charge: "150", Lines: []build.Line{{Code: "20610", DOS: "RD8:20260301-20260302"}, {Code: "77002", Note: "SEEN"}}},
			{ID: "HB-5", Lines: []build.Line{{Code: "64415", Charge: "12.5", Units: "2"}}},
		},
	}})
}

// findings are written by hand, one claim at a time: the printers are
// tested apart from the rules that would find them.
var findings = map[string][]finding.Finding{
	"HB-1": {{Rule: "AOC-NO-PRIMARY", Severity: finding.SeverityError, Line: 1, Elem: 1, Comp: 2,
		Message: "77002 has no primary", Hint: "bill the primary", STC01: "A8:736", STC10: "A8:454"}},
	"HB-2": {{Rule: "MOD-51", Severity: finding.SeverityWarning, Line: 0, Elem: 1, Comp: 4, Message: "modifier 51 on an add-on"}},
	"HB-4": {
		{Rule: "CLAIM-BALANCE", Severity: finding.SeverityError, Line: -1, Elem: 2, Message: "CLM02 150 differs from 200",
			Hint: "set CLM02 to 200", STC01: "A7:400", STC10: "A7:178"},
		{Rule: "UNITS-MUE", Severity: finding.SeverityError, Line: 1, Elem: 4, Message: `"quoted" and a tab	here`, STC01: "A7:476"},
	},
	"HB-5": {{Rule: "X12-HL-PARENT", Severity: finding.SeverityError, Line: -1, Message: "HL02 names no earlier HL", STC01: "A3:21"}},
}

// results parses the input and attaches the hand-built findings: each
// finding's segment is the claim's (claim level) or its line's SV1.
func results(t *testing.T, in []byte) ([]edi.Item, map[*edi.Transaction]*finding.Result) {
	p := edi.NewParser(bytes.NewReader(in))
	p.Name = "hand-built.x12"
	var items []edi.Item
	res := map[*edi.Transaction]*finding.Result{}
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		items = append(items, it)
		if it.Tx == nil {
			continue
		}
		m := claim.Build(it.Tx)
		r := &finding.Result{Tx: it.Tx, Model: m, Claims: make([]finding.ClaimResult, len(m.Claims))}
		for ci, c := range m.Claims {
			for _, f := range findings[c.ID] {
				f.Seg = c.Seg
				if f.Line >= 0 {
					f.Seg = c.Lines[f.Line].SV1
				}
				r.Claims[ci].Findings = append(r.Claims[ci].Findings, f)
				r.Claims[ci].Rejected = r.Claims[ci].Rejected || f.Severity == finding.SeverityError
			}
		}
		res[it.Tx] = r
	}
	require.NoError(t, p.Err())
	return items, res
}

// render runs a printer over the items as scrub.Run would.
func render(t *testing.T, p scrub.Printer, items []edi.Item, res map[*edi.Transaction]*finding.Result) {
	var sum finding.Summary
	for i := range items {
		it := &items[i]
		r := res[it.Tx]
		var out []byte
		if r != nil {
			out = p.Render(nil, r)
			sum.Add(r)
		}
		require.NoError(t, p.Write(it, r, out))
	}
	require.NoError(t, p.Close(&sum))
}

func TestPrintersOnHandBuiltFindings(t *testing.T) {
	items, res := results(t, input())
	ack := report.AckOptions{Now: time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC), Control: 7}
	printers := map[string]func(w *bytes.Buffer) scrub.Printer{
		"text":      func(w *bytes.Buffer) scrub.Printer { return &report.TextPrinter{W: w} },
		"json":      func(w *bytes.Buffer) scrub.Printer { return &report.JSONPrinter{W: w} },
		"277ca":     func(w *bytes.Buffer) scrub.Printer { return report.New277CA(w, ack) },
		"999":       func(w *bytes.Buffer) scrub.Printer { return report.New999(w, ack) },
		"annotated": func(w *bytes.Buffer) scrub.Printer { return &report.AnnotatedPrinter{W: w} },
		"clean":     func(w *bytes.Buffer) scrub.Printer { return &report.SplitPrinter{W: w} },
		"rejected":  func(w *bytes.Buffer) scrub.Printer { return &report.SplitPrinter{W: w, Rejected: true} },
	}
	for name, mk := range printers {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			render(t, mk(&out), items, res)
			golden := filepath.Join("testdata", "hand-built."+name)
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o750))
				require.NoError(t, os.WriteFile(golden, out.Bytes(), 0o600))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), out.String())
		})
	}
}

// Each printer that writes claims counts them as the run's summary does.
func TestPrintersCountTheClaimsTheyWrite(t *testing.T) {
	items, res := results(t, input())
	var sum finding.Summary
	for _, r := range res {
		sum.Add(r)
	}
	require.Equal(t, 5, sum.Claims)
	require.Equal(t, 2, sum.Accepted, "HB-2 (a warning) and HB-3")
	for _, p := range []scrub.Printer{&report.JSONPrinter{W: &bytes.Buffer{}}, report.New277CA(&bytes.Buffer{}, report.AckOptions{}),
		&report.SplitPrinter{W: &bytes.Buffer{}}, &report.SplitPrinter{W: &bytes.Buffer{}, Rejected: true}} {
		render(t, p, items, res)
		wrote, want, what := p.(scrub.ClaimWriter).Written(&sum)
		assert.Equal(t, want, wrote, what)
	}
}

// The clean and rejected files hold each claim once, as it came.
func TestSplitKeepsEachClaimOnce(t *testing.T) {
	in := input()
	items, res := results(t, in)
	var clean, rejected bytes.Buffer
	render(t, &report.SplitPrinter{W: &clean}, items, res)
	render(t, &report.SplitPrinter{W: &rejected, Rejected: true}, items, res)
	for id, want := range map[string]string{"HB-1": "rejected", "HB-2": "clean", "HB-3": "clean", "HB-4": "rejected", "HB-5": "rejected"} {
		clm := "CLM*" + id + "*"
		assert.Equal(t, want == "clean", strings.Contains(clean.String(), clm), id)
		assert.Equal(t, want == "rejected", strings.Contains(rejected.String(), clm), id)
	}
}
