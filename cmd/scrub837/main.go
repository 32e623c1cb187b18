// Command scrub837 checks X12 837P professional claims before they reach a
// payer. It turns flags into options for the scrub package and the run's
// outcome into an exit status; the rest lives in packages.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/scrub837/scrub837/internal/igcheck"
	"github.com/scrub837/scrub837/internal/outfile"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

func main() {
	// SIGPIPE too: "scrub837 … | head" must not leave a temporary behind.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		s := <-sig
		outfile.RemoveAll()
		if s != syscall.SIGPIPE { // nobody reads standard error's pipe either, as a rule
			diag(os.Stderr, "%v: stopped; no output file was put in place", s)
		}
		code := 130
		if n, ok := s.(syscall.Signal); ok {
			code = 128 + int(n)
		}
		os.Exit(code)
	}()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// usageError is reported in one line with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c config
	fs := c.flags()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			if _, err := fmt.Fprintf(stdout, "usage: scrub837 [flags] [FILE|DIR ...]   (no FILE, or \"-\": standard input)\n\n%s", fs.FlagUsages()); err != nil {
				return 2
			}
			return 0
		}
		diag(stderr, "%v (see scrub837 --help)", err)
		return 2
	}
	c.ackControlSet = fs.Changed("ack-control")
	code, err := c.execute(fs.Args(), stdin, stdout, stderr)
	if err != nil {
		diag(stderr, "%v", err)
	}
	return code
}

// diag prints one diagnostic line on standard error, control characters
// escaped. A diagnostic that cannot be written has nowhere else to go: its
// error is dropped.
func diag(stderr io.Writer, format string, args ...any) {
	_, _ = fmt.Fprintf(stderr, "scrub837: %s\n", report.Escape(fmt.Sprintf(format, args...)))
}

func (c *config) flags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("scrub837", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVarP(&c.format, "format", "f", "text", "what goes to the output: "+formatNames)
	fs.StringVarP(&c.output, "output", "o", "-", "write it to PATH (\"-\": standard output)")
	fs.StringArrayVar(&c.out, "out", nil, "also write FORMAT to PATH, from the same read: FORMAT=PATH; may repeat")
	fs.StringVar(&c.clean, "clean", "", "also write the accepted claims as an 837P to PATH")
	fs.StringVar(&c.rejected, "rejected", "", "also write the rejected claims as an 837P to PATH")
	fs.StringArrayVar(&c.rules, "rules", nil, "extra or overriding rule data (docs/rules.md); may repeat")
	fs.BoolVar(&c.trailersFirst, "trailers-first", false, "read every GE and IEA of an input file before its claims: a wrong trailer rejects them (AK9 R, TA1 R) instead of being noted (one more pass over the file)")
	fs.StringArrayVar(&c.ncci, "ncci", nil, "a CMS NCCI file (AOC, MUE or PTP, as CMS publishes it: csv, txt, xlsx or zip); may repeat")
	fs.BoolVar(&c.ig, "ig", false, "also check each claim against moov-io/x12's 005010X222A1 rules (slower)")
	fs.BoolVar(&c.listRules, "list-rules", false, "print the rule catalog (with -f json: one JSON object per rule)")
	fs.StringVar(&c.explain, "explain", "", "print one rule's documentation, with sources and an example")
	fs.StringVar(&c.failOn, "fail-on", "error", "what makes the exit status 1: error, warning or none")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "no summary and no progress bar")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	fs.IntVarP(&c.jobs, "jobs", "j", runtime.NumCPU(), "transactions scrubbed in parallel (output order is input order)")
	fs.StringVar(&c.color, "color", "auto", "colour in the text report: auto (a terminal, unless NO_COLOR is set), always or never")
	fs.StringVar(&c.now, "now", "", "processing time written in 277CA/999, RFC 3339 (default: now)")
	fs.IntVar(&c.ackControl, "ack-control", 0, "base ISA13/GS06 of the acknowledgments, 1-999999999 (default: from the clock)")
	fs.StringVar(&c.ackSender, "ack-sender", "", "ISA05:ISA06 of the acknowledgments, e.g. ZZ:CLEARINGHOUSE (default: the 837's receiver)")
	fs.StringVar(&c.ackReceiver, "ack-receiver", "", "ISA07:ISA08 of the acknowledgments (default: the 837's sender)")
	return fs
}

func (c *config) execute(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if err := c.check(); err != nil {
		return 2, err
	}
	if c.version {
		if _, err := fmt.Fprintln(stdout, version()); err != nil {
			return 2, err
		}
		return 0, nil
	}
	tuneCollector()
	eng, err := c.engine()
	if err != nil {
		return 2, err
	}
	if c.listRules || c.explain != "" {
		return c.document(eng.Catalog(), stdout)
	}
	ack, err := c.ackOptions()
	if err != nil {
		return 2, err
	}
	inputs, err := scrub.Inputs(args)
	if err != nil {
		return 2, err
	}
	planned, err := c.outputs(inputs)
	if err != nil {
		return 2, err
	}
	outs := scrub.NewOutputs(stdout)
	printers, err := c.printers(planned, outs, ack, stdout)
	if err != nil {
		outs.Discard()
		return 2, err
	}
	var held int64 // see memoryLimiter
	if len(c.rules) > 0 || len(c.ncci) > 0 {
		held = heldByCatalog()
	}
	b := scrub.Batch{
		Options: scrub.Options{Engine: eng, Printers: printers, Jobs: c.jobs, Largest: memoryLimiter(c.jobs, len(printers), held), TrailersFirst: c.trailersFirst},
		Stdin:   stdin,
		Problem: func(msg string) { diag(stderr, "%s", msg) },
		Notice:  func(msg string) { diag(stderr, "%s", msg) },
	}
	if !c.quiet && isTerminal(stderr) && !isTerminal(stdout) {
		b.Progress = func(name string, size int64) (func(int64, int), func()) {
			if bar := newProgress(stderr, report.Escape(name), size); bar != nil {
				return bar.update, bar.finish
			}
			return nil, func() {}
		}
	}
	if c.ig {
		b.Engine.Extra = igcheck.New(eng.Catalog())
	}
	return c.finish(&b, inputs, outs, stderr)
}

// engine returns the engine over the catalog the flags name. With no file
// of the user's to read, the embedded catalog, which cannot fail, is built
// while the run reads its first transaction.
func (c *config) engine() (*scrub.Engine, error) {
	if len(c.rules) == 0 && len(c.ncci) == 0 {
		return scrub.Later(rules.Default), nil
	}
	cat, err := rules.LoadWith(c.rules, c.ncci)
	if err != nil {
		// Which flag's file it was: the --rules files alone are read again
		// (only when something failed; a good run builds the catalog once).
		if _, rerr := rules.Load(c.rules...); rerr != nil {
			return nil, usageError{"--rules: " + rerr.Error()}
		}
		return nil, usageError{"--ncci: " + err.Error()}
	}
	return scrub.New(cat), nil
}

// finish runs the batch, puts the outputs in place when the run is whole
// and returns the exit status.
func (c *config) finish(b *scrub.Batch, inputs []string, outs *scrub.Outputs, stderr io.Writer) (int, error) {
	sum, whole, err := b.Files(inputs)
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
	if !c.quiet {
		_, _ = fmt.Fprintln(stderr, sum.Line()) // like diag: nowhere else to report it
	}
	switch {
	case sum.RejectedInterchanges+sum.RejectedGroups+sum.RejectedSets > 0: // whatever --fail-on says
		return 1, nil
	case c.failOn == "error" && sum.Rejected > 0, c.failOn == "warning" && sum.Flagged > 0:
		return 1, nil
	}
	return 0, nil
}

// document prints the catalog or one rule's documentation, to -o.
func (c *config) document(cat *rules.Catalog, stdout io.Writer) (int, error) {
	outs := scrub.NewOutputs(stdout)
	w, err := outs.Open(c.output)
	if err != nil {
		return 2, err
	}
	code := 0
	if c.listRules {
		err = listRules(w, cat, c.format == "json")
	} else {
		code, err = explain(w, cat, c.explain)
	}
	if err != nil {
		outs.Discard()
		return max(code, 2), err
	}
	if err := outs.Commit(); err != nil {
		return 2, err
	}
	return code, nil
}
