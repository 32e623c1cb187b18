package scrub

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/outfile"
)

// Outputs are what a run writes: standard output, buffered, and files.
// A file is written to a temporary file beside its path and renamed into
// place by Commit only, so that a failed or interrupted run never leaves
// half a clean file a pipeline could submit; a device, a FIFO or a terminal
// is written in place.
type Outputs struct {
	stdout *bufio.Writer
	files  []*outfile.File
}

// NewOutputs returns the outputs of a run whose standard output is stdout.
func NewOutputs(stdout io.Writer) *Outputs {
	return &Outputs{stdout: bufio.NewWriterSize(stdout, 256<<10)}
}

// Open returns the writer for path: standard output for "" or "-", else
// the file, put in place by Commit.
func (o *Outputs) Open(path string) (io.Writer, error) {
	if path == "" || path == "-" {
		return o.stdout, nil
	}
	f, err := outfile.Open(path)
	if err != nil {
		return nil, err
	}
	o.files = append(o.files, f)
	return f, nil
}

// Flush writes what is buffered for standard output.
func (o *Outputs) Flush() error { return o.stdout.Flush() }

// Commit flushes standard output and puts every file in place.
func (o *Outputs) Commit() error {
	if err := o.Flush(); err != nil {
		o.Discard()
		return err
	}
	for len(o.files) > 0 {
		f := o.files[0]
		o.files = o.files[1:]
		if err := f.Commit(); err != nil {
			o.Discard()
			return err
		}
	}
	return nil
}

// Discard removes every file not yet committed; their targets are left
// untouched.
func (o *Outputs) Discard() {
	for _, f := range o.files {
		f.Abort()
	}
	o.files = nil
}

// Inputs expands a command line's input arguments: "-" is standard input
// (at most once), a directory stands for every regular file directly
// inside it, in name order, and no argument means standard input.
func Inputs(args []string) ([]string, error) {
	if len(args) == 0 {
		return []string{"-"}, nil
	}
	var out []string
	stdin := 0
	for _, a := range args {
		st, err := os.Stat(a)
		switch {
		case a == "-":
			stdin++
			out = append(out, a)
		case err == nil && st.IsDir():
			files, err := dirFiles(a)
			if err != nil {
				return nil, err
			}
			out = append(out, files...)
		default:
			out = append(out, a) // a missing file is reported when it is read
		}
	}
	if stdin > 1 {
		return nil, errors.New("standard input (-) named more than once")
	}
	return out, nil
}

// dirFiles lists the regular files directly inside dir, in name order.
func dirFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: a directory with no file in it", dir)
	}
	return out, nil
}

// Batch is one run over several inputs into one set of printers: the
// command's job.
type Batch struct {
	Options
	// Stdin is read for the input named "-".
	Stdin io.Reader
	// Progress, when set, is called as each input starts, with its name and
	// size (-1 when unknown); it returns the function to report progress
	// through and the one to call when the input is done.
	Progress func(name string, size int64) (update func(bytes int64, claims int), done func())
	// Problem is told of each input that could not be read whole and each
	// transaction that is not an 837P; the run goes on, but is not whole.
	Problem func(msg string)
	// Notice is told of what the run reports but survives: a transaction
	// set that holds no claim (rejected, exit status 1).
	Notice func(msg string)
}

// Files scrubs the named inputs in order ("-": Stdin), closes every
// printer and checks that every claim read reached each output that writes
// claims exactly once. whole is false when an input could not be read or
// held something other than an 837P (Problem was told). err is fatal: a
// printer or output failed, or a claim went missing.
func (b *Batch) Files(names []string) (sum finding.Summary, whole bool, err error) {
	whole = true
	start := time.Now()
	if b.render == nil { // the inputs share the printers' buffers
		b.render = newRenderState(len(b.Printers), b.Jobs)
	}
	problem := func(format string, args ...any) {
		whole = false
		if b.Problem != nil {
			b.Problem(fmt.Sprintf(format, args...))
		}
	}
	for _, name := range names {
		if err := b.file(name, &sum, problem); err != nil {
			return sum, whole, err
		}
	}
	for _, u := range sum.Unsupported {
		problem("%s", u)
	}
	for _, e := range sum.EmptySets {
		if b.Notice != nil {
			b.Notice(e)
		}
	}
	sum.Elapsed = time.Since(start)
	for _, p := range b.Printers {
		if err := p.Close(&sum); err != nil {
			return sum, whole, err
		}
	}
	return sum, whole, conservation(&sum, b.Printers)
}

// file scrubs one input into sum.
func (b *Batch) file(name string, sum *finding.Summary, problem func(string, ...any)) error {
	r, size, closeFn, err := b.open(name)
	if err != nil {
		problem("%s: %v", name, err)
		return nil
	}
	defer closeFn()
	claimsBefore, unsupportedBefore, bytesBefore, emptyBefore := sum.Claims, len(sum.Unsupported), sum.Bytes, len(sum.EmptySets)
	o := b.Options
	if b.Progress != nil {
		update, done := b.Progress(name, size)
		o.Progress = update
		defer done()
	}
	if err := Run(name, r, o, sum); err != nil {
		var ie *edi.InputError
		if errors.As(err, &ie) {
			problem("%s: %v", name, err)
			return nil
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	if sum.Claims == claimsBefore && len(sum.Unsupported) == unsupportedBefore && len(sum.EmptySets) == emptyBefore {
		problem("%s: byte %d: no claim read: the input ends or breaks off before the first CLM (expected ST … HL … CLM)",
			name, sum.Bytes-bytesBefore)
	}
	return nil
}

// open opens an input: standard input for "-", else a regular file.
// Standard input that is not a regular file (a pipe) is first copied to a
// temporary file, 0600 and unlinked at once: the parser reads an input's
// end before its claims (see Run).
func (b *Batch) open(name string) (r io.Reader, size int64, closeFn func(), err error) {
	if name == "-" {
		return spool(b.Stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, nil, err
	}
	if st.IsDir() {
		_ = f.Close()
		return nil, 0, nil, errors.New("is a directory, expected an 837P file")
	}
	return f, st.Size(), func() { _ = f.Close() }, nil
}

// ErrConservation is returned (wrapped) by Batch.Files when a claim read
// did not reach an output exactly once.
var ErrConservation = errors.New("claim conservation failed")

// spool returns in as a regular file: itself when it is one, else a copy.
func spool(in io.Reader) (io.Reader, int64, func(), error) {
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return f, st.Size(), func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", ".scrub837-stdin-*")
	if err != nil {
		return in, -1, func() {}, nil // no room to copy: read it as it comes
	}
	_ = os.Remove(tmp.Name()) // unlinked: gone with the process
	n, err := io.Copy(tmp, in)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		_ = tmp.Close()
		return nil, 0, nil, err
	}
	return tmp, n, func() { _ = tmp.Close() }, nil
}

// conservation checks that every CLM read is one claim verdict, and that
// every verdict reached each output that writes claims exactly once.
func conservation(sum *finding.Summary, printers []Printer) error {
	if sum.Claims != sum.ClaimSegments {
		return fmt.Errorf("%w: %d CLM segments read but %d claims scrubbed", ErrConservation, sum.ClaimSegments, sum.Claims)
	}
	for _, p := range printers {
		if cw, ok := p.(ClaimWriter); ok {
			if wrote, want, what := cw.Written(sum); wrote != want {
				return fmt.Errorf("%w: %d claims belong in the %s but %d were written", ErrConservation, want, what, wrote)
			}
		}
	}
	return nil
}
