package report_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/internal/build"
)

// browser opens a headless Chromium (Debian's package; .ci/run installs
// it) and returns a context to drive it with, and the URLs of every request
// the page makes.
func browser(t *testing.T) (context.Context, func() []string) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is not installed: .ci/run installs it")
		}
		t.Skip("no chromium here (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	var mu sync.Mutex
	var urls []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		var url string
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			url = e.Request.URL
		case network.EventRequestWillBeSent:
			url = e.Request.URL
		default:
			return
		}
		mu.Lock()
		urls = append(urls, url)
		mu.Unlock()
	}))
	_, err = chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), urls...) }
}

// run runs one browser action and returns its value.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

// page writes an HTML report of in to a file and returns its URL.
func page(t *testing.T, in []byte) string {
	p := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, os.WriteFile(p, []byte(htmlReport(t, in, 0)), 0o600))
	return "file://" + p
}

const visibleClaims = `Array.from(document.querySelectorAll('#rejected tbody.claim')).filter(b=>!b.hidden).map(b=>b.dataset.claim)`

// The demo's page in a real browser: it asks for nothing beyond itself,
// shows every rejected claim and every rule that fired, filters rows as one
// types, sorts a column, and keeps a claim on one printed page.
func TestHTMLInABrowser(t *testing.T) {
	demo, err := os.ReadFile("../fixtures/demo.x12")
	require.NoError(t, err)
	url := page(t, demo)
	ctx, requests := browser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)))
	text := run(t, ctx, chromedp.Text(chromedp.CSS("body")))
	assert.Equal(t, 8, run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#rejected tbody.claim').length`)))
	assert.Equal(t, 10, run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#rules article').length`)), "every rule that fired is documented")
	assert.Equal(t, []string{url}, requests(), "no request leaves the file")
	for _, want := range []string{"DEMO-002", "DEMO-003", "DEMO-004", "DEMO-005", "DEMO-006", "DEMO-007", "DEMO-008", "DEMO-011",
		"AOC-NO-PRIMARY", "USE-77003", "GUIDANCE-INCLUDED", "USE-77001", "ARTHROGRAPHY-SI", "UNITS-MUE", "FACILITY-NEEDS-26", "CLAIM-BALANCE",
		"MOD-51", "PRIMARY-NOT-CMS", "$4,110.00"} {
		assert.Contains(t, text, want)
	}

	// Search: typing a rule id leaves its claims only.
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#rejected input.q`), "units-mue")))
	assert.Equal(t, []string{"DEMO-007"}, run(t, ctx, chromedp.Evaluate[[]string](visibleClaims)))

	// Sort: the charge column, descending on the second click.
	_ = run(t, ctx, chromedp.Evaluate[bool](`(q => { q.value = ''; return q.dispatchEvent(new Event('input')) })(document.querySelector('#rejected input.q'))`))
	require.Len(t, run(t, ctx, chromedp.Evaluate[[]string](visibleClaims)), 8, "an empty search shows every claim")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#rejected th[data-key=charge]`)),
		chromedp.Click(chromedp.CSS(`#rejected th[data-key=charge]`)),
	))
	order := run(t, ctx, chromedp.Evaluate[[]string](visibleClaims))
	require.Len(t, order, 8)
	assert.Equal(t, "DEMO-005", order[0], "the largest charge first ($1,445.00)")
	assert.Equal(t, "DEMO-002", order[7], "the smallest last ($95.00)")

	// Print: a claim is never split across pages, the search box is gone.
	_, err = chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	require.NoError(t, err)
	assert.Equal(t, "avoid", run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#rejected tbody.claim')).breakInside`)))
	assert.Equal(t, "none", run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('#rejected .tools')).display`)))
}

// A claim id that is a script stays text: nothing runs.
func TestHTMLRunsNothingFromTheInput(t *testing.T) {
	in := build.Claims(build.Claim{ID: `<script>window.pwned=1</script>`, Lines: []build.Line{{Code: "77002", Mods: []string{"26"}}}},
		build.Claim{ID: `"><img src=x onerror="window.pwned=2">`, Lines: []build.Line{{Code: "77002"}}})
	ctx, requests := browser(t)
	url := page(t, in)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)))
	assert.False(t, run(t, ctx, chromedp.Evaluate[bool](`typeof window.pwned !== 'undefined'`)), "no script from the input ran")
	assert.Contains(t, run(t, ctx, chromedp.Text(chromedp.CSS("#rejected"))), `<script>window.pwned=1</script>`, "the id is shown as text")
	assert.Equal(t, []string{url}, requests(), "not even the img's src was asked for")
}

// A 12,000-claim batch's page loads and is usable within seconds (the
// time is logged; the limit is the test's timeout).
func TestHTMLLargeBatch(t *testing.T) {
	in := build.Batch(build.BatchOptions{Seed: 8, Claims: 12000, PerTx: 4000})
	url := page(t, in)
	ctx, _ := browser(t)
	start := time.Now()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url), chromedp.SendKeys(chromedp.CSS(`#rejected input.q`), "pcn0000001")))
	rows := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('tbody.claim').length`))
	shown := run(t, ctx, chromedp.Evaluate[[]string](visibleClaims))
	t.Logf("12,000 claims: %d listed, loaded and searched in %s", rows, time.Since(start).Round(time.Millisecond))
	assert.Greater(t, rows, 1000)
	assert.LessOrEqual(t, rows, 4000, "at most 2,000 per section")
	assert.NotEmpty(t, shown)
	for _, id := range shown {
		assert.True(t, strings.HasPrefix(strings.ToLower(id), "pcn0000001"), id)
	}
	assert.True(t, run(t, ctx, chromedp.Evaluate[bool](`!!document.querySelector('.capped')`)), "a capped list says so")
}
