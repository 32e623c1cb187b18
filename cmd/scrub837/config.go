package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/scrub837/scrub837/internal/outfile"
	"github.com/scrub837/scrub837/report"
	"github.com/scrub837/scrub837/rules"
	"github.com/scrub837/scrub837/scrub"
)

type config struct {
	format, output, clean, rejected, failOn, explain, now, color string
	out, rules, ncci                                             []string
	ig, listRules, quiet, version, trailersFirst                 bool
	jobs, ackControl                                             int
	ackControlSet                                                bool
	ackSender, ackReceiver                                       string
}

// printerOptions are what a format's printer may need.
type printerOptions struct {
	ack   report.AckOptions
	color bool
}

// formats are the output formats -f and --out take, by name.
var formats = map[string]func(w io.Writer, o printerOptions) scrub.Printer{
	"text":      func(w io.Writer, o printerOptions) scrub.Printer { return &report.TextPrinter{W: w, Color: o.color} },
	"json":      func(w io.Writer, _ printerOptions) scrub.Printer { return &report.JSONPrinter{W: w} },
	"277ca":     func(w io.Writer, o printerOptions) scrub.Printer { return report.New277CA(w, o.ack) },
	"999":       func(w io.Writer, o printerOptions) scrub.Printer { return report.New999(w, o.ack) },
	"ta1":       func(w io.Writer, o printerOptions) scrub.Printer { return report.NewTA1(w, o.ack) },
	"annotated": func(w io.Writer, _ printerOptions) scrub.Printer { return &report.AnnotatedPrinter{W: w} },
	"clean":     func(w io.Writer, _ printerOptions) scrub.Printer { return &report.SplitPrinter{W: w} },
	"rejected":  func(w io.Writer, _ printerOptions) scrub.Printer { return &report.SplitPrinter{W: w, Rejected: true} },
	"html": func(w io.Writer, o printerOptions) scrub.Printer {
		return &report.HTMLPrinter{W: w, Explain: rules.Explain, Now: o.ack.Now}
	},
}

const formatNames = "text, json, 277ca, 999, ta1, annotated, html, clean or rejected"

func (c *config) check() error {
	if formats[c.format] == nil {
		return usagef("--format %q: expected %s", c.format, formatNames)
	}
	switch c.failOn {
	case "error", "warning", "none":
	default:
		return usagef("--fail-on %q: expected error, warning or none", c.failOn)
	}
	switch c.color {
	case "auto", "always", "never":
	default:
		return usagef("--color %q: expected auto, always or never", c.color)
	}
	if c.jobs < 1 {
		return usagef("--jobs %d: expected 1 or more", c.jobs)
	}
	if c.ackControlSet && (c.ackControl < 1 || c.ackControl > 999_999_999) {
		return usagef("--ack-control %d: expected 1 to 999999999 (ISA13 has nine digits)", c.ackControl)
	}
	modes := 0
	for _, b := range []bool{c.listRules, c.explain != "", c.version} {
		if b {
			modes++
		}
	}
	switch {
	case modes > 1:
		return usageError{"--list-rules, --explain and --version cannot be combined"}
	case c.listRules && c.format != "text" && c.format != "json":
		return usagef("--list-rules -f %s: the catalog is listed as text or json", c.format)
	case c.explain != "" && c.format != "text":
		return usagef("--explain -f %s: a rule's documentation is text", c.format)
	}
	return nil
}

// ackOptions reads the acknowledgment flags.
func (c *config) ackOptions() (report.AckOptions, error) {
	ack := report.AckOptions{Now: time.Now(), Control: c.ackControl}
	if c.now != "" {
		var err error
		if ack.Now, err = time.Parse(time.RFC3339, c.now); err != nil {
			return ack, usagef("--now %q: expected RFC 3339, e.g. 2026-03-02T12:00:00Z", c.now)
		}
	}
	var err error
	if ack.SenderQual, ack.SenderID, err = interchangeID("--ack-sender", c.ackSender); err != nil {
		return ack, err
	}
	if ack.ReceiverQual, ack.ReceiverID, err = interchangeID("--ack-receiver", c.ackReceiver); err != nil {
		return ack, err
	}
	return ack, nil
}

// interchangeID reads QUALIFIER:ID as ISA05:ISA06 (or ISA07:ISA08) take
// them: a two-character qualifier and an id of 1 to 15 characters.
func interchangeID(flag, v string) (qual, id string, err error) {
	if v == "" {
		return "", "", nil
	}
	qual, id, ok := strings.Cut(v, ":")
	switch {
	case !ok:
		return "", "", usagef("%s %q: expected QUALIFIER:ID, e.g. ZZ:CLEARINGHOUSE", flag, v)
	case len(qual) != 2:
		return "", "", usagef("%s %q: the qualifier (ISA05/ISA07) has 2 characters", flag, v)
	case len(id) < 1 || len(id) > 15:
		return "", "", usagef("%s %q: the id (ISA06/ISA08) has 1 to 15 characters", flag, v)
	}
	return qual, id, nil
}

// output is one output of a run: a format written to a path ("-":
// standard output).
type output struct {
	flag, format, path string
}

// outputs lists the run's outputs and checks them: a format it knows, at
// most one on standard output, no file written twice, no input overwritten.
func (c *config) outputs(inputs []string) ([]output, error) {
	outs := []output{{flag: "--output", format: c.format, path: c.output}}
	for _, o := range c.out {
		f, p, ok := strings.Cut(o, "=")
		if !ok || f == "" || p == "" {
			return nil, usagef("--out %q: expected FORMAT=PATH, e.g. --out 277ca=batch.277", o)
		}
		if formats[f] == nil {
			return nil, usagef("--out %q: format %q: expected %s", o, f, formatNames)
		}
		outs = append(outs, output{flag: "--out " + o, format: f, path: p})
	}
	if c.clean != "" {
		outs = append(outs, output{flag: "--clean", format: "clean", path: c.clean})
	}
	if c.rejected != "" {
		outs = append(outs, output{flag: "--rejected", format: "rejected", path: c.rejected})
	}
	for i, a := range outs {
		for _, b := range outs[:i] {
			if a.path == "-" && b.path == "-" {
				return nil, usagef("%s and %s both write standard output", b.flag, a.flag)
			}
			if a.path != "-" && b.path != "-" && outfile.Same(a.path, b.path) && !isDevice(a.path) {
				return nil, usagef("%s and %s both write %s", b.flag, a.flag, a.path)
			}
		}
		for _, in := range inputs {
			if a.path != "-" && in != "-" && outfile.Same(a.path, in) {
				return nil, usagef("%s %s is also an input: it would be overwritten", a.flag, a.path)
			}
		}
	}
	return outs, nil
}

// isDevice reports whether path names a character device: /dev/null may
// take several outputs.
func isDevice(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printers opens the outputs and returns the printer of each, in order.
func (c *config) printers(planned []output, outs *scrub.Outputs, ack report.AckOptions, stdout io.Writer) ([]scrub.Printer, error) {
	var printers []scrub.Printer
	for _, o := range planned {
		w, err := outs.Open(o.path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.flag, err)
		}
		color := c.color == "always" || c.color == "auto" && o.path == "-" && os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
		printers = append(printers, formats[o.format](w, printerOptions{ack: ack, color: color}))
	}
	return printers, nil
}
