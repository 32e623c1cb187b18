// Command scrub837 checks X12 837P professional claims before they reach a
// payer. It only wires flags to the edi, rules and scrub packages.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/scrub837/scrub837/internal/atomicfile"
	"github.com/scrub837/scrub837/internal/igcheck"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sig
		atomicfile.RemoveAll()
		diag(os.Stderr, "%v: stopped; no output file was put in place", s)
		os.Exit(130)
	}()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type config struct {
	format, output, clean, rejected, failOn, explain, now, color string
	rules                                                        []string
	ig, listRules, quiet, version                                bool
	jobs, ackControl                                             int
	ackSender, ackReceiver                                       string
}

// usageError is reported in one line with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c config
	fs := pflag.NewFlagSet("scrub837", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVarP(&c.format, "format", "f", "text", "what goes to the output: text, json, 277ca, 999 or annotated")
	fs.StringVarP(&c.output, "output", "o", "", "write the output to PATH instead of standard output")
	fs.StringVar(&c.clean, "clean", "", "also write the accepted claims as a valid 837P to PATH")
	fs.StringVar(&c.rejected, "rejected", "", "also write the rejected claims as a valid 837P to PATH")
	fs.StringArrayVar(&c.rules, "rules", nil, "extra or overriding rule data (docs/rules.md); may repeat")
	fs.BoolVar(&c.ig, "ig", false, "also check each claim against moov-io/x12's 005010X222A1 rules (slower)")
	fs.BoolVar(&c.listRules, "list-rules", false, "print the rule catalog: id, severity, one-line summary")
	fs.StringVar(&c.explain, "explain", "", "print one rule's documentation, with sources and an example")
	fs.StringVar(&c.failOn, "fail-on", "error", "what makes the exit status 1: error, warning or none")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no summary line on standard error")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	fs.IntVarP(&c.jobs, "jobs", "j", runtime.NumCPU(), "transactions scrubbed in parallel (output order is input order)")
	fs.StringVar(&c.color, "color", "auto", "colour in text output: auto (a terminal, unless NO_COLOR is set), always or never")
	fs.StringVar(&c.now, "now", "", "processing time written in 277CA/999, RFC 3339 (default: now; fixed in tests)")
	fs.IntVar(&c.ackControl, "ack-control", 0, "ISA13/GS06 of the acknowledgments (default: the 837's own)")
	fs.StringVar(&c.ackSender, "ack-sender", "", "ISA05:ISA06 of the acknowledgments, e.g. ZZ:CLEARINGHOUSE (default: the 837's receiver)")
	fs.StringVar(&c.ackReceiver, "ack-receiver", "", "ISA07:ISA08 of the acknowledgments (default: the 837's sender)")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			if _, err := fmt.Fprintf(stdout, "usage: scrub837 [flags] [FILE ...]   (no FILE, or \"-\": standard input)\n\n%s", fs.FlagUsages()); err != nil {
				return 2
			}
			return 0
		}
		diag(stderr, "%v (see scrub837 --help)", err)
		return 2
	}
	code, err := c.execute(fs.Args(), stdin, stdout, stderr)
	if err != nil {
		diag(stderr, "%v", err)
	}
	return code
}

// diag prints one diagnostic line on standard error. A diagnostic that
// cannot be written has nowhere else to go: its error is dropped.
func diag(stderr io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(stderr, "scrub837: "+format+"\n", args...)
}

func (c *config) check() error {
	switch c.format {
	case "text", "json", "277ca", "999", "annotated":
	default:
		return usageError{fmt.Sprintf("--format %q: expected text, json, 277ca, 999 or annotated", c.format)}
	}
	switch c.failOn {
	case "error", "warning", "none":
	default:
		return usageError{fmt.Sprintf("--fail-on %q: expected error, warning or none", c.failOn)}
	}
	switch c.color {
	case "auto", "always", "never":
	default:
		return usageError{fmt.Sprintf("--color %q: expected auto, always or never", c.color)}
	}
	if c.jobs < 1 {
		return usageError{fmt.Sprintf("--jobs %d: expected 1 or more", c.jobs)}
	}
	modes := 0
	for _, b := range []bool{c.listRules, c.explain != "", c.version} {
		if b {
			modes++
		}
	}
	if modes > 1 {
		return usageError{"--list-rules, --explain and --version cannot be combined"}
	}
	outs := map[string]string{}
	for flag, path := range map[string]string{"--output": c.output, "--clean": c.clean, "--rejected": c.rejected} {
		if path == "" {
			continue
		}
		if other, dup := outs[path]; dup {
			return usageError{fmt.Sprintf("%s and %s both write %s", other, flag, path)}
		}
		outs[path] = flag
	}
	return nil
}

func (c *config) execute(files []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if err := c.check(); err != nil {
		return 2, err
	}
	if c.version {
		if _, err := fmt.Fprintln(stdout, version()); err != nil {
			return 2, err
		}
		return 0, nil
	}
	cat, err := rules.Load(c.rules...)
	if err != nil {
		return 2, usageError{"--rules: " + err.Error()}
	}
	if c.listRules {
		return 0, listRules(stdout, cat)
	}
	if c.explain != "" {
		return explain(stdout, cat, c.explain)
	}
	ack, err := c.ackOptions()
	if err != nil {
		return 2, err
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	if i := slices.Index(files, "-"); i >= 0 && slices.Contains(files[i+1:], "-") {
		return 2, usageError{"standard input (-) named more than once"}
	}
	outs := scrub.NewOutputs(stdout)
	printers, err := c.printers(outs, ack, stdout)
	if err != nil {
		outs.Discard()
		return 2, err
	}
	b := scrub.Batch{
		Options: scrub.Options{Engine: scrub.New(cat), Printers: printers, Jobs: c.jobs, Largest: memoryLimiter(c.jobs)},
		Stdin:   stdin,
		Problem: func(msg string) { diag(stderr, "%s", msg) },
		Progress: func(name string, size int64) (func(int64, int), func()) {
			if bar := newProgress(stderr, name, size); bar != nil {
				return bar.update, bar.finish
			}
			return nil, func() {}
		},
	}
	if c.ig {
		b.Engine.Extra = igcheck.New(cat)
	}
	sum, whole, err := b.Files(files)
	switch {
	case err != nil:
		outs.Discard()
		if errors.Is(err, scrub.ErrConservation) {
			err = fmt.Errorf("%w; no output file was put in place", err)
		}
		return 2, err
	case !whole:
		outs.Discard()
		_ = outs.Flush()
		return 2, nil
	}
	if err := outs.Commit(); err != nil {
		return 2, err
	}
	if !c.quiet && (c.format != "text" || c.output != "") {
		_, _ = fmt.Fprintln(stderr, sum.Line()) // like diag: nowhere else to report it
	}
	switch {
	case c.failOn == "error" && sum.Rejected > 0, c.failOn == "warning" && sum.Flagged > 0:
		return 1, nil
	}
	return 0, nil
}

// ackOptions reads the acknowledgment flags.
func (c *config) ackOptions() (report.AckOptions, error) {
	ack := report.AckOptions{Now: time.Now(), Control: c.ackControl}
	if c.now != "" {
		var err error
		if ack.Now, err = time.Parse(time.RFC3339, c.now); err != nil {
			return ack, usageError{fmt.Sprintf("--now %q: expected RFC 3339, e.g. 2026-03-02T12:00:00Z", c.now)}
		}
	}
	if c.ackSender != "" {
		q, id, ok := strings.Cut(c.ackSender, ":")
		if !ok {
			return ack, usageError{"--ack-sender: expected QUALIFIER:ID, e.g. ZZ:CLEARINGHOUSE"}
		}
		ack.SenderQual, ack.SenderID = q, id
	}
	if c.ackReceiver != "" {
		q, id, ok := strings.Cut(c.ackReceiver, ":")
		if !ok {
			return ack, usageError{"--ack-receiver: expected QUALIFIER:ID"}
		}
		ack.ReceiverQual, ack.ReceiverID = q, id
	}
	return ack, nil
}

// printers opens the outputs and returns the printer of each: the main
// format first, then the clean and rejected files.
func (c *config) printers(outs *scrub.Outputs, ack report.AckOptions, stdout io.Writer) ([]scrub.Printer, error) {
	out, err := outs.Open(c.output)
	if err != nil {
		return nil, err
	}
	color := c.color == "always" || c.color == "auto" && c.output == "" && os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
	var main scrub.Printer
	switch c.format {
	case "text":
		main = &report.TextPrinter{W: out, Color: color}
	case "json":
		main = &report.JSONPrinter{W: out}
	case "277ca":
		main = report.New277CA(out, ack)
	case "999":
		main = report.New999(out, ack)
	case "annotated":
		main = &report.AnnotatedPrinter{W: out}
	}
	printers := []scrub.Printer{main}
	for _, sp := range []struct {
		path     string
		rejected bool
	}{{c.clean, false}, {c.rejected, true}} {
		if sp.path == "" {
			continue
		}
		w, err := outs.Open(sp.path)
		if err != nil {
			return nil, err
		}
		printers = append(printers, &report.SplitPrinter{W: w, Rejected: sp.rejected})
	}
	return printers, nil
}

// memoryLimiter returns the function that raises the collector's memory
// limit with the largest transaction read in any input so far (see
// memoryLimit), or nil when the environment sets a limit or GOGC. The limit
// never comes down: the free lists still hold the arrays of an earlier
// file's larger transactions.
func memoryLimiter(jobs int) func(int) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return nil
	}
	l := &limiter{jobs: jobs, set: func(n int64) { debug.SetMemoryLimit(n) }}
	l.see(0)
	return l.see
}

func version() string {
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
	}
	if rev == "" {
		rev = "unknown (built without VCS information)"
	}
	return fmt.Sprintf("scrub837 %s, revision %s, %s", v, rev, runtime.Version())
}

func listRules(w io.Writer, cat *rules.Catalog) error {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	rows := []string{"ID\tSEVERITY\t277CA\tSUMMARY"}
	for _, r := range cat.Rules() {
		name := r.ID
		if r.ID == "X12" {
			name = "X12-…"
		}
		stc := r.STC01
		if r.STC10 != "" {
			stc += " +" + r.STC10
		}
		if stc == "" {
			stc = "—"
		}
		rows = append(rows, name+"\t"+r.Severity.String()+"\t"+stc+"\t"+r.Summary)
	}
	var addons []string
	for _, a := range cat.Addons() {
		state := "off"
		if a.Enabled {
			state = "on"
		}
		addons = append(addons, a.Code+" "+state)
	}
	rows = append(rows, "", "add-on codes checked: "+strings.Join(addons, ", "))
	if _, err := io.WriteString(tw, strings.Join(rows, "\n")+"\n"); err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

func explain(w io.Writer, cat *rules.Catalog, id string) (int, error) {
	r, found := cat.Rule(id)
	doc, ok := rules.Explain(id)
	if !found || !ok {
		return 2, usageError{fmt.Sprintf("--explain %q: no such rule (see scrub837 --list-rules)", id)}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n", id, r.Severity, r.Summary)
	if r.STC01 != "" {
		fmt.Fprintf(&b, "277CA: STC01 %s", r.STC01)
		if r.STC10 != "" {
			fmt.Fprintf(&b, ", STC10 %s", r.STC10)
		}
		b.WriteString(", STC03 U\n")
	}
	fmt.Fprintf(&b, "\n%s\n", doc)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return 2, err
	}
	return 0, nil
}

// limiter sets the memory limit for the largest transaction seen in any
// input, raising it, never lowering it.
type limiter struct {
	jobs  int
	limit int64 // set last, 0 before the first
	set   func(int64)
}

func (l *limiter) see(tx int) {
	if n := memoryLimit(l.jobs, tx); n > l.limit {
		l.limit = n
		l.set(n)
	}
}

// memoryLimit is the Go runtime's soft memory limit for a run with jobs
// parallel jobs whose largest transaction so far has tx bytes. A
// transaction in flight (one per job, and one more being read) holds its
// bytes, segment index, 837P model, findings and rendered output: about five
// times its bytes, counted as at least 8 MiB; 16 MiB more hold the rest. A
// limit a little above the live heap makes the collector run before the
// heap doubles, which keeps RSS within bounds; a limit below the live heap
// would run the collector without end (docs/performance.md). GOMEMLIMIT or
// GOGC in the environment take precedence.
func memoryLimit(jobs, tx int) int64 {
	perTx := max(5*int64(tx), 8<<20)
	return 16<<20 + int64(max(jobs, 1)+1)*perTx
}
