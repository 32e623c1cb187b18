package main

import (
	"os"
	"runtime/debug"
)

// tuneCollector sets the collector's pace for the command (gcPercent),
// unless the environment sets GOGC or GOMEMLIMIT. It runs first thing:
// decoding the rule tables makes the first garbage.
//
// The memory limit (memoryLimiter), not the heap's growth, is what bounds
// the heap: the collector runs when the heap has grown by gcPercent of
// what is live, or reaches the limit, whichever comes first. Go's default
// (100) collected ten times while the heap grew to its working size, every
// byte of it live (the free lists keep it).
func tuneCollector() {
	if !envTunesCollector() {
		debug.SetGCPercent(gcPercent)
	}
}

// envTunesCollector reports whether the environment sets the collector's
// pace or limit: then the command sets neither.
func envTunesCollector() bool { return os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" }

// memoryLimiter returns the function that raises the collector's memory
// limit with the largest transaction read in any input so far (see
// memoryLimit), or nil when the environment sets a limit or GOGC. The limit
// never comes down: the free lists still hold the arrays of an earlier
// file's larger transactions.
func memoryLimiter(jobs, outputs int) func(int) {
	if envTunesCollector() {
		return nil
	}
	l := &limiter{jobs: jobs, outputs: outputs, set: func(n int64) { debug.SetMemoryLimit(n) }}
	l.see(0)
	return l.see
}

// gcPercent is the command's GOGC (see tuneCollector): on the 124.6 MB
// benchmark batch it took -j 2 from 528 to 602 MB/s and one pinned job from
// 350 to 356 MB/s (fixtures/bench/measure.sh, 11 interleaved runs, medians),
// at the same peak RSS with two jobs, 49 MB (docs/performance.md).
const gcPercent = 400

// limiter sets the memory limit for the largest transaction seen in any
// input, raising it, never lowering it.
type limiter struct {
	jobs    int
	outputs int
	limit   int64 // set last, 0 before the first
	set     func(int64)
}

func (l *limiter) see(tx int) {
	if n := memoryLimit(l.jobs, l.outputs, tx); n > l.limit {
		l.limit = n
		l.set(n)
	}
}

// memoryLimit is the Go runtime's soft memory limit for a run with jobs
// parallel jobs and outputs output formats whose largest transaction so far
// has tx bytes. A transaction in flight (one per job, and one more being
// read) holds its bytes, segment index, 837P model and findings (about four
// times its bytes) and its rendered output in each format (about once its
// bytes each), counted as at least 7 MiB and 1 MiB per format; 16 MiB more
// hold the rest. A limit a little above the live heap makes the collector
// run before the heap doubles, which keeps RSS within bounds; a limit below
// the live heap runs the collector without end (with four outputs and one
// output's limit, -j 2 spent 0.448 s instead of 0.323 s on the 124.6 MB
// batch, collecting every 15 ms; docs/performance.md). GOMEMLIMIT or GOGC
// in the environment take precedence.
func memoryLimit(jobs, outputs, tx int) int64 {
	per := int64(4 + max(outputs, 1))
	perTx := max(per*int64(tx), (per+3)<<20)
	return 16<<20 + int64(max(jobs, 1)+1)*perTx
}
