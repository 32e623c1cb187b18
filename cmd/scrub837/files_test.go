package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scrub837/scrub837/internal/build"
)

// runIn runs the command in dir (not the repository root).
func runIn(t *testing.T, dir string, stdin io.Reader, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return r
}

func demoPath(t *testing.T) string {
	p, err := filepath.Abs("../../fixtures/demo.x12")
	require.NoError(t, err)
	return p
}

// A device is written in place, never replaced: /dev/null stays a device,
// and so does a node made with mknod.
func TestOutputToADevice(t *testing.T) {
	r := run837(t, nil, "-q", "-f", "json", "-o", "/dev/null", "--rejected", "/dev/null", "fixtures/demo.x12")
	assert.Equal(t, 1, r.code, r.stderr)
	st, err := os.Stat("/dev/null")
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeCharDevice, "/dev/null is still a device")

	node := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, 1<<8|3); err != nil { // the null device, 1:3
		t.Skipf("mknod: %v (needs root)", err)
	}
	r = run837(t, nil, "-q", "-f", "json", "-o", node, "fixtures/demo.x12")
	assert.Equal(t, 1, r.code, r.stderr)
	st, err = os.Stat(node)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeCharDevice, "the node is still a device")
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(node), ".*"))
	assert.Empty(t, left, "no temporary beside a device")
}

// A FIFO is written in place, to the reader waiting on it.
func TestOutputToAFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "results")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	got := make(chan []byte)
	go func() {
		f, err := os.Open(fifo) // blocks until the command opens it
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	r := run837(t, nil, "-q", "-f", "json", "-o", fifo, "fixtures/demo.x12")
	assert.Equal(t, 1, r.code, r.stderr)
	select {
	case b := <-got:
		assert.Equal(t, 13, bytes.Count(b, []byte("\n")), "the reader got every claim")
	case <-time.After(10 * time.Second):
		t.Fatal("the reader got nothing")
	}
	st, err := os.Lstat(fifo)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeNamedPipe, "still a FIFO")
}

// A symlink is followed: its target is written, the link stays a link.
func TestOutputThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink("real.json", link))
	r := run837(t, nil, "-q", "-f", "json", "-o", link, "fixtures/demo.x12")
	assert.Equal(t, 1, r.code, r.stderr)
	st, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, st.Mode()&os.ModeSymlink, "the link is still a link")
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, 13, bytes.Count(b, []byte("\n")))
}

// Outputs carry patient data: a new file is 0600 whatever the umask, and a
// file replaced keeps its mode.
func TestOutputModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	fresh, kept := filepath.Join(dir, "clean.x12"), filepath.Join(dir, "rejected.x12")
	require.NoError(t, os.WriteFile(kept, []byte("old"), 0o600))
	require.NoError(t, os.Chmod(kept, 0o640))
	r := run837(t, nil, "-q", "--clean", fresh, "--rejected", kept, "fixtures/demo.x12")
	assert.Equal(t, 1, r.code, r.stderr)
	for path, want := range map[string]os.FileMode{fresh: 0o600, kept: 0o640} {
		st, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, want, st.Mode().Perm(), path)
	}
}

// "-" is standard output: no file named "-" appears.
func TestDashIsStandardOutput(t *testing.T) {
	dir := t.TempDir()
	r := runIn(t, dir, nil, "-q", "-f", "json", "-o", "-", demoPath(t))
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Equal(t, 13, strings.Count(r.stdout, "\n"))
	assert.NoFileExists(t, filepath.Join(dir, "-"))
	r = runIn(t, dir, nil, "-q", "-f", "json", "--out", "999=-", demoPath(t))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "both write standard output")
}

// An output that names an input, or two outputs that name one file, is a
// usage error: nothing is read, nothing is written, the input is intact.
func TestOutputsThatCollide(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "batch.837")
	demo, err := os.ReadFile(demoPath(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, demo, 0o600))
	require.NoError(t, os.Symlink("batch.837", filepath.Join(dir, "alias.837")))
	cases := map[string][]string{
		"clean over its input":        {"--clean", "batch.837", "batch.837"},
		"rejected over a link to it":  {"--rejected", "alias.837", "batch.837"},
		"-o over its input":           {"-f", "json", "-o", "./batch.837", "batch.837"},
		"--out over its input":        {"--out", "277ca=batch.837", "batch.837"},
		"two outputs, one file":       {"--clean", "x.837", "--rejected", "x.837", "batch.837"},
		"two outputs, one via a link": {"--clean", "alias.837", "--out", "json=batch.837", "-"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := runIn(t, dir, strings.NewReader(""), args...)
			assert.Equal(t, 2, r.code, r.stderr)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
			got, err := os.ReadFile(in)
			require.NoError(t, err)
			assert.Equal(t, demo, got, "the input is intact")
			assert.NoFileExists(t, filepath.Join(dir, "x.837"))
		})
	}
}

var position = regexp.MustCompile(`^([^:\s]+):(\d+):(\d+): claim `)

// Every FILE:LINE:COL of the text report lands, as an editor's quickfix
// list would jump, on the element its caret points at.
func TestPositionsLandOnTheElement(t *testing.T) {
	files := []string{"fixtures/demo.x12", "fixtures/situations/structural.x12", "fixtures/reader/bom-crlf-indented.x12",
		"fixtures/reader/cr-terminator.x12", "fixtures/reader/two-interchanges.x12", "fixtures/hostile/broken-sv1.x12",
		"fixtures/reader/pipe-caret-tilde.x12", "fixtures/hostile/hl-missing-parent.x12", "fixtures/situations/line-note-taken.x12"}
	checked := 0
	for _, f := range files {
		raw, err := os.ReadFile("../../" + f)
		require.NoError(t, err)
		lines := bytes.Split(raw, []byte("\n"))
		r := run837(t, nil, "-q", "--rules", "cmd/scrub837/testdata/warn-only.rules", f)
		report := strings.Split(r.stdout, "\n")
		for i, l := range report {
			m := position.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			require.Equal(t, f, m[1])
			line, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			require.LessOrEqual(t, line, len(lines), l)
			text := lines[line-1]
			require.LessOrEqual(t, col, len(text)+1, l)
			quoted, caret := report[i+1], report[i+2]
			k := strings.Index(caret, "^ ")
			if k < 0 || strings.Contains(quoted, "not shown") {
				continue // a segment-level finding, or a segment not quoted
			}
			want := quoted[k:] // the quoted segment from the caret on
			got := string(text[col-1:])
			n := min(len(want), len(got), 6)
			assert.Equal(t, want[:n], got[:n], "%s:%d:%d", f, line, col)
			checked++
		}
	}
	assert.Greater(t, checked, 15)
}

// Every format from one read, byte for byte what separate runs write.
func TestOutFormatsMatchSeparateRuns(t *testing.T) {
	dir := t.TempDir()
	fixed := []string{"--now", "2026-03-03T09:30:00Z", "--ack-control", "41"}
	formatsOut := []string{"text", "json", "277ca", "999", "ta1", "annotated", "html", "clean", "rejected"}
	inputs := []string{"fixtures/demo.x12", "fixtures/envelopes/second-isa-rejected.x12"} // the second asks for TA1s
	args := append([]string{"-q", "-f", "json", "-o", filepath.Join(dir, "main.json")}, fixed...)
	for _, f := range formatsOut {
		args = append(args, "--out", f+"="+filepath.Join(dir, "all."+f))
	}
	r := run837(t, nil, append(args, inputs...)...)
	require.Equal(t, 1, r.code, r.stderr)
	for _, f := range formatsOut {
		one := run837(t, nil, append(append([]string{"-q", "-f", f}, fixed...), inputs...)...)
		got, err := os.ReadFile(filepath.Join(dir, "all."+f))
		require.NoError(t, err)
		assert.NotEmpty(t, got, f)
		assert.Equal(t, one.stdout, string(got), f)
	}
}

// The summary goes to standard error, one line in every format, and -q
// silences it; a run that fails on its input prints none.
func TestSummaryOnStandardError(t *testing.T) {
	for _, f := range []string{"text", "json", "277ca", "999", "ta1", "annotated"} {
		r := run837(t, nil, "-f", f, "fixtures/demo.x12")
		assert.NotContains(t, r.stdout, "claims read", f)
		assert.NotContains(t, r.stdout, "elapsed", f)
		assert.Regexp(t, `^scrub837: 13 claims read, 5 accepted, 8 rejected; findings: .* \(\d+m?s\)\n$`, r.stderr, f)
		q := run837(t, nil, "-q", "-f", f, "fixtures/demo.x12")
		assert.Empty(t, q.stderr, f)
	}
	r := run837(t, nil, "fixtures/nope.x12")
	assert.Equal(t, 2, r.code)
	assert.NotContains(t, r.stderr, "claims read")
}

// "… | head" leaves no temporary file behind: SIGPIPE ends the run as an
// interrupt would.
func TestBrokenPipeLeavesNoTemporary(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.x12")
	require.NoError(t, os.WriteFile(big, build.Batch(build.BatchOptions{Seed: 2, Claims: 40000, PerTx: 5000}), 0o600))
	cmd := exec.Command(binary, "-q", "-f", "json", "--clean", filepath.Join(dir, "clean.x12"), "-j", "1", big)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	assert.Contains(t, line, `"claim"`)
	out.Close() // as head does after its first line
	_ = cmd.Wait()
	assert.NotEqual(t, 0, cmd.ProcessState.ExitCode())
	left, _ := filepath.Glob(filepath.Join(dir, ".*"))
	assert.Empty(t, left, "no temporary left behind")
	assert.NoFileExists(t, filepath.Join(dir, "clean.x12"), "an incomplete run puts nothing in place")
}

func TestFlagChecks(t *testing.T) {
	cases := []struct {
		args []string
		err  string
	}{
		{[]string{"--ack-control", "0"}, "--ack-control 0: expected 1 to 999999999"},
		{[]string{"--ack-control", "99999999999"}, "expected 1 to 999999999"},
		{[]string{"--ack-sender", "ZZ:ABCDEFGHIJKLMNOP"}, "1 to 15 characters"},
		{[]string{"--ack-receiver", "Z:ID"}, "qualifier (ISA05/ISA07) has 2 characters"},
		{[]string{"--ack-sender", "CLEARINGHOUSE"}, "expected QUALIFIER:ID"},
		{[]string{"--out", "json"}, "expected FORMAT=PATH"},
		{[]string{"--out", "xml=x.xml"}, `format "xml"`},
		{[]string{"--list-rules", "-f", "277ca"}, "listed as text or json"},
	}
	for _, c := range cases {
		r := run837(t, nil, append(c.args, "fixtures/demo.x12")...)
		assert.Equal(t, 2, r.code, "%v: %s", c.args, r.stderr)
		assert.Contains(t, r.stderr, c.err, c.args)
		assert.Empty(t, r.stdout)
	}
	ok := run837(t, nil, "-q", "--ack-control", "999999997", "-f", "277ca", "fixtures/demo.x12")
	assert.Equal(t, 1, ok.code, ok.stderr)
	assert.Contains(t, ok.stdout, "*999999999*0*", "the 277CA's numbers are the third of the TA1/999/277CA sequence")
}

// --list-rules honours -f json (one object per rule) and -o.
func TestListRulesAsJSONAndToAFile(t *testing.T) {
	r := run837(t, nil, "--list-rules", "-f", "json")
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	assert.Greater(t, len(lines), 15)
	assert.Contains(t, r.stdout, `{"id":"AOC-NO-PRIMARY","severity":"error","summary":`)
	assert.Contains(t, r.stdout, `"stc01":"A8:736","stc10":"A8:454"}`)
	out := filepath.Join(t.TempDir(), "rules.txt")
	r = run837(t, nil, "--list-rules", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(b), "AOC-NO-PRIMARY")
}

// Control characters from the input are escaped wherever they are shown.
func TestControlCharactersAreEscaped(t *testing.T) {
	in := build.Claims(build.Claim{ID: "X\x1b[2J\x07", Lines: []build.Line{{Code: "77002", Mods: []string{"26"}}}})
	r := run837(t, bytes.NewReader(in), "--color", "never")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stdout, `claim X\x1b[2J\a line 1`)
	assert.NotContains(t, r.stdout, "\x1b")
	assert.NotContains(t, r.stdout, "\x07")
}

// A directory stands for the regular files directly inside it, in name
// order.
func TestDirectoryArgument(t *testing.T) {
	dir := t.TempDir()
	demo, err := os.ReadFile(demoPath(t))
	require.NoError(t, err)
	one := build.Claims(build.Claim{ID: "ONLY-1", Lines: []build.Line{{Code: "99213"}}})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.837"), demo, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.837"), one, 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sub", "c.837"), demo, 0o600))
	r := run837(t, nil, "-f", "json", dir)
	assert.Equal(t, 1, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 14, "a.837's claim, then b.837's 13; sub/ is not read")
	assert.Contains(t, lines[0], `"claim":"ONLY-1"`)
	assert.Contains(t, lines[1], `"file":"`+filepath.Join(dir, "b.837")+`"`)
	empty := t.TempDir()
	r = run837(t, nil, empty)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "no file in it")
}

// --ncci reads a CMS file as CMS ships it; one it cannot read stops the
// run with exit 2 and FILE:LINE.
func TestNCCIFlag(t *testing.T) {
	dir := t.TempDir()
	ptp := filepath.Join(dir, "ptp.txt")
	require.NoError(t, os.WriteFile(ptp, []byte("Column 1\tColumn 2\t* = In existence prior to 1996\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n"+
		"20610\t20600\t\t20100101\t*\t0\tMutually exclusive\n"), 0o600))
	in := filepath.Join(dir, "in.x12")
	require.NoError(t, os.WriteFile(in, build.Claims(build.Claim{ID: "P-1", Lines: []build.Line{{Code: "20610", Charge: "150"}, {Code: "20600", Charge: "100"}}}), 0o600))
	r := run837(t, nil, "-q", "-f", "json", "--ncci", ptp, in)
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"rule":"PTP-BUNDLED"`)
	r = run837(t, nil, "-q", "-f", "json", in)
	assert.Equal(t, 0, r.code, "without the PTP file the claim is clean: %s", r.stdout)
	l := run837(t, nil, "--list-rules", "--ncci", ptp)
	assert.Contains(t, l.stdout, "--ncci "+ptp+": 1 PTP edits")

	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("code,value\n20610,1\n"), 0o600))
	r = run837(t, nil, "--ncci", bad, in)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--ncci: "+bad+":1: expected a CMS NCCI file")
}

// --trailers-first: a wrong GE02 found before the claims rejects them and
// the 999 says AK9 R; without it the claims stand and the 999 notes it.
func TestTrailersFirstFlag(t *testing.T) {
	f := "fixtures/envelopes/ge02-control.x12"
	late := run837(t, nil, "-q", "-f", "999", "--now", "2026-03-03T09:30:00Z", f)
	assert.Contains(t, late.stdout, "AK9*E*1*1*1*4~")
	first := run837(t, nil, "-q", "-f", "999", "--now", "2026-03-03T09:30:00Z", "--trailers-first", f)
	assert.Equal(t, 1, first.code)
	assert.Contains(t, first.stdout, "AK9*R*1*1*1*4~")
	js := run837(t, nil, "-q", "-f", "json", "--trailers-first", f)
	assert.Equal(t, 2, strings.Count(js.stdout, `"status":"rejected"`))
	assert.Contains(t, js.stdout, `"rule":"X12-GE-CONTROL"`)
}
