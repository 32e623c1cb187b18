package rules_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

// documented returns the override examples docs/rules.md shows, each a
// fenced block that follows a line naming its file ("# NAME.rules").
func documented(t testing.TB) map[string]string {
	doc, err := os.ReadFile("../docs/rules.md")
	require.NoError(t, err)
	out := map[string]string{}
	for _, block := range strings.Split(string(doc), "```")[1:] {
		first, rest, _ := strings.Cut(strings.TrimLeft(block, "\n"), "\n")
		if name, ok := strings.CutPrefix(first, "# "); ok && strings.HasSuffix(name, ".rules") {
			out[name] = rest
		}
	}
	require.NotEmpty(t, out, "docs/rules.md shows override examples")
	return out
}

// Every override either fails to load with FILE:LINE, or gives one verdict
// per claim however often it runs and however many jobs run it: the data's
// order, never a map's, decides which alternative owns a code.
func TestOverridesLoadOrAreStable(t *testing.T) {
	cases := documented(t)
	cases["alternative-without-a-rule.rules"] = "addon 77012 off\nadd primary 77012 99999\nadd alternative 77002 77012\n"
	cases["two-alternatives-one-code.rules"] = "addon 77012 off\nrule USE-77012 error stc=A8:454 summary=\"CT guidance is 77012\"\n" +
		"add primary 77012 62273\nadd alternative 77002 77012\n"
	wantErr := map[string]string{
		"alternative-without-a-rule.rules": "alternative-without-a-rule.rules:3: alternative add-on 77012 of 77002 has no rule USE-77012",
	}
	in := append(build.Demo(), build.Claims(
		build.Claim{ID: "ALT-1", Lines: []L{g("62273"), g("77002", "26")}},
		build.Claim{ID: "ALT-2", Lines: []L{g("99999"), g("77002", "26")}},
	)...)
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			cat, err := rules.LoadFrom(name, strings.NewReader(text))
			if want, ok := wantErr[name]; ok {
				require.Error(t, err)
				assert.Contains(t, err.Error(), want)
				return
			}
			require.NoError(t, err)
			var first string
			for run := range 50 {
				for _, jobs := range []int{1, 2} {
					var out bytes.Buffer
					var sum finding.Summary
					require.NoError(t, scrub.Run("in", bytes.NewReader(in), scrub.Options{Engine: scrub.New(cat),
						Printers: []scrub.Printer{&report.JSONPrinter{W: &out}}, Jobs: jobs}, &sum))
					if first == "" {
						first = out.String()
					}
					require.Equal(t, first, out.String(), "run %d, %d jobs", run, jobs)
				}
			}
			if name == "two-alternatives-one-code.rules" {
				assert.Contains(t, first, `"claim":"ALT-1","status":"rejected"`)
				assert.Contains(t, first, `"rule":"USE-77003"`, "77003, declared first, owns 62273")
			}
		})
	}
}
