// Command gen837 writes deterministic 837P batches for benchmarks and load
// tests: the same flags always give the same bytes.
//
//	go run ./cmd/gen837 -size 100 -o /tmp/batch-100mb.x12
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/spf13/pflag"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

// bytesPerClaim is the measured average size of a generated claim
// (internal/build claimMix), used to turn --size into a claim count.
const bytesPerClaim = 415

func main() {
	var (
		seed            int64
		claims, perTx   int
		sizeMB          float64
		delims, out, nl string
		moov            bool
		failPercent     int
	)
	pflag.Int64Var(&seed, "seed", 1, "random seed")
	pflag.IntVar(&claims, "claims", 0, "number of claims (default: from --size)")
	pflag.Float64Var(&sizeMB, "size", 10, "approximate size in MB when --claims is not given")
	pflag.IntVar(&perTx, "per-tx", 5000, "claims per transaction set")
	pflag.StringVar(&delims, "delims", "*:~^", "element, component, segment and repetition separators")
	pflag.StringVar(&nl, "newline", "", "written after every terminator: \"\", lf or crlf")
	pflag.BoolVar(&moov, "moov-compat", false, "only what moov-io/x12 reads (no 2000C, REF*6R or line NTE); use --per-tx 200 or less")
	pflag.IntVar(&failPercent, "fail-percent", 30, "share of claims built to fail a rule")
	pflag.StringVarP(&out, "output", "o", "-", "output file")
	pflag.Parse()
	if len(delims) != 4 {
		fmt.Fprintln(os.Stderr, "gen837: --delims needs four characters, e.g. *:~^")
		os.Exit(2)
	}
	if claims == 0 {
		claims = int(sizeMB * 1e6 / bytesPerClaim)
	}
	o := build.BatchOptions{Seed: seed, Claims: claims, PerTx: perTx, MoovCompat: moov, FailPercent: failPercent,
		Delims: build.Options{Delims: edi.Delimiters{Element: delims[0], Component: delims[1], Segment: delims[2], Repetition: delims[3]},
			Newline: map[string]string{"": "", "lf": "\n", "crlf": "\r\n"}[nl]}}
	if err := write(out, o); err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "gen837:", err)
		os.Exit(2)
	}
}

// write writes the batch to path ("-": standard output).
func write(path string, o build.BatchOptions) error {
	w := os.Stdout
	if path != "-" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	err := build.WriteBatch(bw, o)
	if err == nil {
		err = bw.Flush()
	}
	if w != os.Stdout {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
