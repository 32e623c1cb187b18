package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "scrub837-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "scrub837")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
	maxRSS         int64 // bytes
}

func run837(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = "../.."
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	r := result{code: code, stdout: out.String(), stderr: errb.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024
	}
	return r
}

func TestExitStatus(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"rejected claims", []string{"fixtures/demo.x12"}, 1, ""},
		{"all accepted", []string{"fixtures/reader/star-colon-tilde.x12"}, 0, ""},
		{"fail-on none", []string{"--fail-on", "none", "fixtures/demo.x12"}, 0, ""},
		{"fail-on warning with only warnings", []string{"--fail-on", "warning", "--rules", "cmd/scrub837/testdata/warn-only.rules", "fixtures/demo.x12"}, 1, ""},
		{"fail-on error with only warnings", []string{"--rules", "cmd/scrub837/testdata/warn-only.rules", "fixtures/demo.x12"}, 0, ""},
		{"same exit status in json", []string{"-f", "json", "fixtures/demo.x12"}, 1, ""},
		{"same exit status in 277ca", []string{"-f", "277ca", "fixtures/demo.x12"}, 1, ""},
		{"unknown flag", []string{"--frobnicate", "fixtures/demo.x12"}, 2, "unknown flag: --frobnicate"},
		{"unknown format", []string{"-f", "xml", "fixtures/demo.x12"}, 2, `--format "xml"`},
		{"bad fail-on", []string{"--fail-on", "sometimes"}, 2, "--fail-on"},
		{"unknown rule to explain", []string{"--explain", "NO-SUCH"}, 2, "no such rule"},
		{"conflicting modes", []string{"--list-rules", "--explain", "MOD-50"}, 2, "cannot be combined"},
		{"clean and rejected to one path", []string{"--clean", "x.x12", "--rejected", "x.x12", "fixtures/demo.x12"}, 2, "both write x.x12"},
		{"broken rules file", []string{"--rules", "cmd/scrub837/testdata/broken.rules", "fixtures/demo.x12"}, 2, "broken.rules:2: unknown rule id"},
		{"broken ncci file", []string{"--ncci", "cmd/scrub837/testdata/broken.rules", "fixtures/demo.x12"}, 2, "--ncci: cmd/scrub837/testdata/broken.rules:1: expected a CMS NCCI file"},
		{"good ncci file", []string{"--ncci", "rules/data/ncci/aoc-2026q3.tsv", "fixtures/demo.x12"}, 1, ""},
		{"broken rules and ncci files", []string{"--rules", "cmd/scrub837/testdata/broken.rules", "--ncci", "cmd/scrub837/testdata/broken.rules", "fixtures/demo.x12"}, 2, "--rules: cmd/scrub837/testdata/broken.rules:2: unknown rule id"},
		{"missing file", []string{"fixtures/nope.x12"}, 2, "fixtures/nope.x12: open"},
		{"stdin twice", []string{"-", "-"}, 2, "more than once"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := run837(t, strings.NewReader(""), tc.args...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			if tc.err != "" {
				assert.Contains(t, r.stderr, tc.err)
				assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one clear line: %q", r.stderr)
			}
		})
	}
}

func TestStdinFilesAndDash(t *testing.T) {
	demo, err := os.ReadFile("../../fixtures/demo.x12")
	require.NoError(t, err)
	file := run837(t, nil, "-f", "json", "fixtures/demo.x12")
	stdin := run837(t, bytes.NewReader(demo), "-f", "json")
	dash := run837(t, bytes.NewReader(demo), "-f", "json", "-")
	assert.Equal(t, strings.ReplaceAll(file.stdout, "fixtures/demo.x12", "-"), stdin.stdout)
	assert.Equal(t, stdin.stdout, dash.stdout)
	two := run837(t, bytes.NewReader(demo), "-f", "json", "fixtures/demo.x12", "-", "fixtures/reader/lf-after-tilde.x12")
	assert.Equal(t, 13+13+3, strings.Count(two.stdout, "\n"), "one object per claim across files, in order")
	assert.Regexp(t, `^scrub837: 29 claims read, 13 accepted, 16 rejected`, two.stderr)
}

func TestEveryFormat(t *testing.T) {
	for _, f := range []string{"text", "json", "277ca", "999", "annotated"} {
		t.Run(f, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			r := run837(t, nil, "-f", f, "-o", out, "--clean", filepath.Join(dir, "clean.x12"), "--rejected", filepath.Join(dir, "rejected.x12"),
				"--now", "2026-03-03T09:30:00Z", "fixtures/demo.x12")
			assert.Equal(t, 1, r.code, r.stderr)
			assert.Empty(t, r.stdout, "the output went to -o")
			assert.Contains(t, r.stderr, "13 claims read, 5 accepted, 8 rejected")
			for _, p := range []string{out, filepath.Join(dir, "clean.x12"), filepath.Join(dir, "rejected.x12")} {
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.NotEmpty(t, b)
			}
			left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
			assert.Empty(t, left, "no temporary file is left behind")
		})
	}
}

func TestListRulesAndExplain(t *testing.T) {
	ids := []string{"AOC-NO-PRIMARY", "USE-77003", "GUIDANCE-INCLUDED", "USE-77001", "ARTHROGRAPHY-SI", "UNITS-MUE", "MOD-26-TC", "MOD-50",
		"MOD-INVALID", "FACILITY-NEEDS-26", "MOD-51", "MULTI-GUIDANCE", "PRIMARY-NOT-CMS", "PROVIDER-MISMATCH", "CLAIM-BALANCE", "LINE-DOS-MISSING", "X12-"}
	r := run837(t, nil, "--list-rules")
	require.Equal(t, 0, r.code)
	for _, id := range ids {
		assert.Regexp(t, "(?m)^"+regexp.QuoteMeta(id), r.stdout)
	}
	assert.Contains(t, r.stdout, "77002 on")
	for _, id := range append(ids[:len(ids)-1], "X12-SE-COUNT", "IG-STRUCTURE") {
		e := run837(t, nil, "--explain", id)
		assert.Equal(t, 0, e.code, id)
		assert.Contains(t, e.stdout, "Example:", id)
		assert.Contains(t, e.stdout, "Fix:", id)
	}
	v := run837(t, nil, "--version")
	assert.Equal(t, 0, v.code)
	assert.Contains(t, v.stdout, "scrub837 ")
	assert.Contains(t, v.stdout, "AOC_V2026Q3", "the quarters of the embedded CMS tables")
	assert.Contains(t, v.stdout, "MUEs 2026 Q2")
}

// streamFile writes a large hostile file without holding it in memory.
func streamFile(t *testing.T, parts ...io.Reader) string {
	p := filepath.Join(t.TempDir(), "big.x12")
	f, err := os.Create(p)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	for _, r := range parts {
		_, err := io.Copy(w, r)
		require.NoError(t, err)
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
	return p
}

// The hostile corpus: exit status, claims, message, and bounded memory.
func TestHostileCorpus(t *testing.T) {
	demo := string(build.Claims(build.Claim{ID: "BIG-1", Lines: []build.Line{{Code: "20610"}}}))
	isa := demo[:strings.Index(demo, "~")+1]
	huge := streamFile(t, strings.NewReader(isa+"GS*HC*A*B*20260302*1200*1*X*005010X222A1~ST*837*0001*005010X222A1~NTE*ADD*"),
		build.Repeat([]byte("ELEMENT "), 64<<20), strings.NewReader("~"+demo[strings.Index(demo, "BHT"):]))
	noTerm := streamFile(t, strings.NewReader(isa), build.Repeat([]byte("NO TERMINATOR "), 32<<20))
	cases := []struct {
		file   string
		code   int
		claims int
		msg    string
	}{
		{"fixtures/hostile/empty.x12", 2, 0, "byte 0: empty input"},
		{"fixtures/hostile/not-x12.txt", 2, 0, "byte 0: not X12: no ISA segment found"},
		{"fixtures/hostile/binary.bin", 2, 0, "ISA segment is malformed"},
		{"fixtures/hostile/utf16-le-bom.x12", 2, 0, "byte 0: input is UTF-16 encoded"},
		{"fixtures/hostile/utf16-be-bom.x12", 2, 0, "UTF-16"},
		{"fixtures/hostile/utf16-le-no-bom.x12", 2, 0, "UTF-16"},
		{"fixtures/reader/prose-before-isa.x12", 0, 3, ""},
		{"fixtures/reader/cr-terminator.x12", 0, 3, ""},
		{"fixtures/reader/bom-crlf-indented.x12", 0, 3, ""},
		{"fixtures/reader/trailing-blank-lines.x12", 0, 3, ""},
		{"fixtures/reader/isa11-u-4010-style.x12", 0, 3, ""},
		{"fixtures/hostile/truncated-mid-claim.x12", 1, 2, ""},
		{"fixtures/hostile/truncated-after-se.x12", 1, 2, ""}, // the file ends before IEA: TA1 R 023, its claims rejected
		{"fixtures/hostile/truncated-before-claim.x12", 2, 0, "no claim read"},
		{huge, 1, 1, ""},
		{noTerm, 2, 0, "no claim read"},
		{"fixtures/hostile/isa-one-short.x12", 0, 2, ""},
		{"fixtures/hostile/isa-inside-name.x12", 0, 2, ""},
		{"fixtures/hostile/hl-missing-parent.x12", 1, 2, ""},
		{"fixtures/hostile/broken-sv1.x12", 1, 2, ""},
		{"fixtures/hostile/duplicate-st02.x12", 1, 2, ""},
		{"fixtures/hostile/4010-837.x12", 2, 0, "a 4010 837, retired in 2012"},
		{"fixtures/hostile/837i.x12", 2, 0, "an 837I (institutional)"},
		{"fixtures/hostile/non-ascii-names.x12", 0, 2, ""},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			r := run837(t, nil, "-q", "-f", "json", tc.file)
			assert.Equal(t, tc.code, r.code, r.stderr)
			assert.Equal(t, tc.claims, strings.Count(r.stdout, "\n"))
			assert.NotContains(t, r.stderr, "panic")
			if tc.msg != "" {
				assert.Contains(t, r.stderr, tc.msg)
				assert.Contains(t, r.stderr, "byte ", "the message names the byte offset")
			} else {
				assert.Empty(t, r.stderr)
			}
			if !raceEnabled {
				assert.Less(t, r.maxRSS, int64(256<<20), "peak RSS %d bytes", r.maxRSS)
			}
			t.Logf("peak RSS %.1f MB", float64(r.maxRSS)/(1<<20))
		})
	}
}

func TestHostileFindings(t *testing.T) {
	for file, rule := range map[string]string{
		"fixtures/hostile/truncated-mid-claim.x12": "X12-SE-MISSING",
		"fixtures/hostile/hl-missing-parent.x12":   "X12-HL-PARENT",
		"fixtures/hostile/broken-sv1.x12":          "X12-SV1-COMPOSITE",
		"fixtures/hostile/duplicate-st02.x12":      "X12-ST-DUPLICATE",
		"fixtures/hostile/truncated-after-se.x12":  "X12-GE-MISSING",
	} {
		r := run837(t, nil, file)
		assert.Contains(t, r.stdout, rule, file)
	}
}

// Names, member ids and birth dates never reach standard error or the text report.
func TestNoPHIInDiagnostics(t *testing.T) {
	files := []string{"fixtures/demo.x12", "fixtures/hostile/non-ascii-names.x12", "fixtures/situations/structural.x12", "fixtures/samples/lfh-X222A2-example1.x12"}
	for _, f := range files {
		raw, err := os.ReadFile("../../" + f)
		require.NoError(t, err)
		var phi []string
		r := edi.NewReader(bytes.NewReader(raw))
		for r.Next() {
			s := r.Segment()
			switch string(s.ID()) {
			case "NM1":
				if q := string(s.Element(1)); q == "IL" || q == "QC" {
					phi = append(phi, string(s.Element(3)), string(s.Element(4)), string(s.Element(9)))
				}
			case "DMG":
				phi = append(phi, string(s.Element(2)))
			case "N3":
				phi = append(phi, string(s.Element(1)))
			}
		}
		require.NotEmpty(t, phi)
		for _, args := range [][]string{{f}, {"-f", "json", f}, {"-f", "277ca", "-q", f}} {
			res := run837(t, nil, args...)
			for _, v := range phi {
				if v == "" {
					continue
				}
				assert.NotContains(t, res.stderr, v, "%s leaked on stderr", f)
				if args[0] == f {
					assert.NotContains(t, res.stdout, v, "%s leaked in the text report", f)
				}
			}
		}
	}
}

// Nothing is renamed into place when the run ends with exit status 2.
func TestNoOutputOnFatalInput(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.x12")
	r := run837(t, nil, "--clean", clean, "fixtures/demo.x12", "fixtures/hostile/837i.x12")
	assert.Equal(t, 2, r.code)
	assert.NoFileExists(t, clean)
	left, _ := os.ReadDir(dir)
	assert.Empty(t, left)
}

// An interrupted run leaves neither the output nor its temporary behind.
func TestInterruptLeavesNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "clean.x12")
	cmd := exec.Command(binary, "--clean", out, "-f", "json", "-")
	cmd.Dir = "../.."
	// An *os.File as stdin: the child reads the pipe itself, so Wait does
	// not wait on a copying goroutine.
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	cmd.Stdin = pr
	var errb bytes.Buffer
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	pr.Close()
	demo, _ := os.ReadFile("../../fixtures/demo.x12")
	_, err = pw.Write(demo[:len(demo)/2]) // half a file, then the pipe stays open
	require.NoError(t, err)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(dir, ".clean.x12.tmp-*")); len(m) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let it read what was written
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err = cmd.Wait()
	pw.Close()
	require.Error(t, err)
	assert.Equal(t, 130, cmd.ProcessState.ExitCode())
	left, _ := os.ReadDir(dir)
	assert.Empty(t, left, "no partial file and no temporary")
	assert.Contains(t, errb.String(), "no output file was put in place")
}

// ptyRun runs the command with the given end of a pseudo-terminal of 80
// columns as its standard output or standard error, and returns what the
// terminal showed.
func ptyRun(t *testing.T, stdoutIsTTY bool, args ...string) (screen string, other string) {
	master, slave, err := openPTY()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer master.Close()
	require.NoError(t, setWinsize(slave, 80, 24))
	cmd := exec.Command(binary, args...)
	var pipe bytes.Buffer
	if stdoutIsTTY {
		cmd.Stdout, cmd.Stderr = slave, &pipe
	} else {
		cmd.Stdout, cmd.Stderr = &pipe, slave
	}
	cmd.Env = append(os.Environ(), "NO_COLOR=")
	require.NoError(t, cmd.Start())
	slave.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&out, master); close(done) }()
	require.NoError(t, cmd.Wait())
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return out.String(), pipe.String()
}

func bigBatch(t *testing.T) string {
	big := build.Batch(build.BatchOptions{Seed: 1, Claims: 45000, PerTx: 5000})
	require.Greater(t, len(big), progressMin)
	p := filepath.Join(t.TempDir(), "batch.x12")
	require.NoError(t, os.WriteFile(p, big, 0o600))
	return p
}

// On a terminal the report is in colour, and no progress bar mixes into it.
func TestColourOnATerminal(t *testing.T) {
	p := bigBatch(t)
	screen, stderr := ptyRun(t, true, "--fail-on", "none", "-j", "1", p)
	assert.Contains(t, screen, "\x1b[1;31merror", "colour on a terminal")
	assert.NotContains(t, screen+stderr, "claims/s", "no bar when standard output is the terminal")
	r := run837(t, nil, "--fail-on", "none", p)
	assert.NotContains(t, r.stdout, "\x1b[", "no colour into a pipe")
	assert.NotContains(t, r.stderr, "claims/s", "no bar into a pipe")
}

// The bar, in an 80-column terminal: redrawn in place on one line that
// never reaches the last column, then erased; the summary follows. -q
// hides it.
func TestProgressBarIn80Columns(t *testing.T) {
	p := bigBatch(t)
	screen, stdout := ptyRun(t, false, "--fail-on", "none", "-f", "json", "-j", "1", p)
	assert.Equal(t, 45000, strings.Count(stdout, "\n"), "the results went to standard output")
	require.Contains(t, screen, "claims/s", "a progress bar")
	require.Contains(t, screen, "ETA")
	body, summary, ok := strings.Cut(screen, "\r\x1b[Kscrub837: ") // the bar erased, then the summary
	require.True(t, ok, "%q", screen)
	assert.NotContains(t, body, "\n", "no stacked lines")
	draws := strings.Split(strings.TrimPrefix(body, "\r"), "\r")
	for _, d := range draws {
		d = strings.TrimSuffix(d, "\x1b[K")
		assert.LessOrEqual(t, utf8.RuneCountInString(d), 79, "%q fits in 80 columns", d)
	}
	assert.Contains(t, summary, "45000 claims read")

	quiet, _ := ptyRun(t, false, "-q", "--fail-on", "none", "-f", "json", "-j", "1", p)
	assert.Empty(t, quiet, "-q: nothing on the terminal")
}

// BenchmarkCommand runs the built command end to end on a generated batch
// (~10 MB: 25,000 claims, 5,000 per transaction) with NDJSON to /dev/null.
func BenchmarkCommand(b *testing.B) {
	p := filepath.Join(b.TempDir(), "batch.x12")
	in := build.Batch(build.BatchOptions{Seed: 7, Claims: 25000, PerTx: 5000})
	require.NoError(b, os.WriteFile(p, in, 0o644))
	for _, jobs := range []string{"1", "2"} {
		b.Run("jobs="+jobs, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(binary, "-q", "-f", "json", "--fail-on", "none", "-j", jobs, p)
				cmd.Stdout = io.Discard
				require.NoError(b, cmd.Run())
			}
		})
	}
}

// memoryLimit holds every transaction in flight (one per job, one more
// waiting) at five times its bytes, above a floor that keeps small
// transactions' limits where the 2-core benchmark measured them.
func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	cases := []struct {
		jobs, outputs, tx int
		want              int64
	}{
		{jobs: 1, outputs: 1, tx: 0, want: 16*mib + 2*8*mib},
		{jobs: 0, outputs: 0, tx: 0, want: 16*mib + 2*8*mib},                       // no jobs is one, no output one
		{jobs: 2, outputs: 1, tx: 0, want: 40 * mib},                               // the benchmark's: 2,000–5,000-claim transactions
		{jobs: 2, outputs: 1, tx: 1 << 20, want: 40 * mib},                         // below the floor
		{jobs: 2, outputs: 1, tx: 2_080_000, want: 16*mib + 3*5*2_080_000},         // 5,000 claims
		{jobs: 2, outputs: 1, tx: 8_300_000, want: 16*mib + 3*5*8_300_000},         // 20,000 claims
		{jobs: 8, outputs: 1, tx: 2_080_000, want: 16*mib + 9*5*2_080_000},         // a clearinghouse server
		{jobs: 2, outputs: 4, tx: 2_080_000, want: 16*mib + 3*8*2_080_000},         // --out 999= --out 277ca= --out text= beside NDJSON
		{jobs: 2, outputs: 4, tx: 0, want: 16*mib + 3*11*mib},                      // the floor grows with the outputs too
		{jobs: 1, outputs: 1, tx: edi.MaxTransaction, want: 16*mib + 2*5*(64<<20)}, // the largest transaction accepted
	}
	for _, c := range cases {
		assert.Equal(t, c.want, memoryLimit(c.jobs, c.outputs, c.tx), "jobs %d, outputs %d, tx %d", c.jobs, c.outputs, c.tx)
	}
}

// The limit rises with each larger transaction, in any input, and never
// comes down: an earlier file's large arrays stay in the free lists.
func TestLimiterOnlyRises(t *testing.T) {
	var set []int64
	l := &limiter{jobs: 2, outputs: 1, set: func(n int64) { set = append(set, n) }}
	for _, tx := range []int{0, 1 << 20, 3 << 20, 2 << 20, 3 << 20, 9 << 20, 1 << 20} {
		l.see(tx)
	}
	assert.Equal(t, []int64{memoryLimit(2, 1, 0), memoryLimit(2, 1, 3<<20), memoryLimit(2, 1, 9<<20)}, set,
		"set at the start, then only for a larger transaction (1 MiB is under the floor)")
}

// The heap a catalog from the user's files holds is added to every limit:
// CMS's PTP tables can hold more than a transaction in flight does.
func TestLimiterCountsTheCatalog(t *testing.T) {
	var set []int64
	const held = 19 << 20
	l := &limiter{jobs: 2, outputs: 1, held: held, set: func(n int64) { set = append(set, n) }}
	for _, tx := range []int{0, 3 << 20, 2 << 20} {
		l.see(tx)
	}
	assert.Equal(t, []int64{held + memoryLimit(2, 1, 0), held + memoryLimit(2, 1, 3<<20)}, set)
}

// heldByCatalog counts a small heap whole, and collects a large one first:
// then it counts what the catalog keeps, not what reading it left.
func TestHeldByCatalog(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	restoreGC := debug.SetGCPercent(-1) // no collection but heldByCatalog's
	t.Cleanup(func() { debug.SetGCPercent(restoreGC) })
	runtime.GC()
	cycles := func() int64 { return heapBytes("/gc/cycles/total:gc-cycles") }
	live, n := heapBytes("/gc/heap/live:bytes"), cycles()

	small := make([]byte, 4<<20)
	held := heldByCatalog()
	assert.Equal(t, n, cycles(), "a small heap is not collected")
	assert.GreaterOrEqual(t, held, int64(len(small)))
	assert.Less(t, held, int64(collectAbove))

	kept := make([]byte, 24<<20)
	for range 64 {
		_ = make([]byte, 1<<20) // garbage, as reading a file leaves
	}
	held = heldByCatalog()
	assert.Equal(t, n+1, cycles(), "a large heap is collected once")
	assert.InDelta(t, float64(live+int64(len(small)+len(kept))), float64(held), 4<<20, "live heap %d, then %d held", live, held)
	runtime.KeepAlive(small)
	runtime.KeepAlive(kept)

	t.Setenv("GOGC", "100")
	assert.Zero(t, heldByCatalog(), "the environment paces the collector: nothing measured")
}

// Once the limit is set it alone paces the collector (GOGC off); with GOGC
// or GOMEMLIMIT in the environment the command sets neither.
func TestMemoryLimiterTurnsGOGCOff(t *testing.T) {
	restoreGC := debug.SetGCPercent(100)
	restoreLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(restoreGC); debug.SetMemoryLimit(restoreLimit) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuneCollector()
	assert.Equal(t, startGCPercent, debug.SetGCPercent(startGCPercent), "before the limit: GOGC 400")
	require.NotNil(t, memoryLimiter(2, 1, 0))
	assert.Equal(t, -1, debug.SetGCPercent(-1), "after: off")
	assert.Equal(t, memoryLimit(2, 1, 0), debug.SetMemoryLimit(-1))

	debug.SetGCPercent(100)
	t.Setenv("GOGC", "200")
	tuneCollector()
	assert.Nil(t, memoryLimiter(2, 1, 0))
	assert.Equal(t, 100, debug.SetGCPercent(100), "the environment's pace is left alone")
}
