package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/build"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

// htmlReport scrubs in and returns its HTML page.
func htmlReport(t testing.TB, in []byte, maxClaims int) string {
	var out bytes.Buffer
	p := &report.HTMLPrinter{W: &out, Explain: rules.Explain, Now: time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC), MaxClaims: maxClaims}
	var sum finding.Summary
	require.NoError(t, scrub.Run("batch.x12", bytes.NewReader(in), scrub.Options{Engine: scrub.New(rules.Default()), Printers: []scrub.Printer{p}, Jobs: 2}, &sum))
	require.NoError(t, p.Close(&sum))
	return out.String()
}

var (
	tags   = regexp.MustCompile(`(?s)<style>.*?</style>|<script>.*?</script>|<[^>]*>`)
	blanks = regexp.MustCompile(`[ \t]*\n[\s]*`)
)

// textOf is what the page reads as with scripts off: its text, one block a
// line.
func textOf(page string) string {
	s := strings.NewReplacer("<tr", "\n<tr", "<div", "\n<div", "<h", "\n<h", "<p", "\n<p", "<figcaption", "\n<figcaption", "<pre", "\n<pre", "<text", "\n<text").Replace(page)
	s = tags.ReplaceAllString(s, " ")
	s = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'").Replace(s)
	return strings.TrimSpace(blanks.ReplaceAllString(s, "\n"))
}

// The page's text over the fixtures, against golden files: what a billing
// office reads (the markup may change, the words are checked).
func TestHTMLTextContent(t *testing.T) {
	for _, f := range []string{"demo.x12", "situations/structural.x12"} {
		in, err := os.ReadFile(filepath.Join("../fixtures", f))
		require.NoError(t, err)
		page := htmlReport(t, in, 0)
		// The fixtures hold no control characters: a "\n" on the page
		// would be the documentation's line breaks escaped as input.
		assert.NotContains(t, page, `\n`, f)
		got := textOf(page)
		golden := filepath.Join("testdata", "html-"+strings.ReplaceAll(f, "/", "-")+".txt")
		if *update {
			require.NoError(t, os.WriteFile(golden, []byte(got), 0o600))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err)
		assert.Equal(t, string(want), got, f)
	}
}

// No member id, name, birth date or address; every value escaped.
func TestHTMLShowsNoPHIAndEscapesEverything(t *testing.T) {
	in := build.Claims(build.Claim{ID: `<script>window.pwned=1</script>`, Patient: true, Lines: []build.Line{{Code: "77002", Mods: []string{"26"}}}},
		build.Claim{ID: "Q&A\"1'\x1b[2J", Lines: []build.Line{{Code: "77002"}}})
	page := htmlReport(t, in, 0)
	assert.NotContains(t, page, "<script>window.pwned")
	assert.Contains(t, page, "&lt;script&gt;window.pwned=1&lt;/script&gt;")
	assert.Contains(t, page, `Q&amp;A&#34;1&#39;\x1b[2J`)
	assert.NotContains(t, page, "\x1b")
	for _, phi := range []string{"DOE0", "DOE1", "JANE", "JIM", "MEM0000000", "MEM0000001", "19600101", "20100101", "1 ELM ST", "NASHVILLE"} {
		assert.NotContains(t, page, phi)
	}
	assert.Equal(t, 1, strings.Count(page, "<script>"), "only the page's own script")
}

// A capped list says so, and the counts stay whole.
func TestHTMLCapsLongListsAndSaysSo(t *testing.T) {
	in := build.Batch(build.BatchOptions{Seed: 4, Claims: 600, PerTx: 200})
	page := htmlReport(t, in, 25)
	assert.Contains(t, page, "Showing the first 25 of ")
	rejected, _, _ := strings.Cut(page[strings.Index(page, `id="rejected"`):], `id="warned"`)
	assert.Equal(t, 25, strings.Count(rejected, `<tbody class="claim"`), "25 rejected claims listed")
	full := htmlReport(t, in, 0)
	rx := regexp.MustCompile(`Rejected claims <span class="count">(\d+)</span>`)
	assert.Equal(t, rx.FindStringSubmatch(full)[1], rx.FindStringSubmatch(page)[1], "the counts stay whole")
}
