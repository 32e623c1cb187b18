package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
)

// tuneCollector sets the collector's pace for the command's start
// (startGCPercent), unless the environment sets GOGC or GOMEMLIMIT. It
// runs first thing: decoding the rule tables makes the first garbage, and
// --ncci files make more, before any memory limit is known.
func tuneCollector() {
	if !envTunesCollector() {
		debug.SetGCPercent(startGCPercent)
	}
}

// startGCPercent is GOGC until memoryLimiter sets the first memory limit.
const startGCPercent = 400

// envTunesCollector reports whether the environment sets the collector's
// pace or limit: then the command sets neither.
func envTunesCollector() bool { return os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" }

// memoryLimiter sets the collector's memory limit for no transaction yet
// and returns the function that raises it with the largest transaction
// read in any input so far (see memoryLimit), or nil when the environment
// sets a limit or GOGC. The limit never comes down: the free lists still
// hold the arrays of an earlier file's larger transactions. held is the
// heap the run holds before its first transaction beyond what memoryLimit
// allows for (heldByCatalog): it is added to every limit.
//
// From then on the limit alone paces the collector (GOGC off): the heap is
// the free lists' arrays and a few transactions in flight, nearly all of it
// live, and the limit is sized for them. With GOGC 400 the collector still
// ran while the heap grew to its working size, the builder's writes going
// through write barriers meanwhile: 14% of the CPU samples of a 4.2 MB
// file. Off, a 4.2 MB file (gen837 --claims 10000) took 24.3 instead of
// 31.8 ms with one job and 26.8 instead of 30.7 with two, a 12.5 MB one
// 44.7 instead of 50.7 and 35.6 instead of 41.2 ms (perf stat -r 30). On
// the 124.6 MB batch two jobs went from 559 to 602 MB/s and from 649 to 663
// in two blocks of interleaved runs (measure.sh, 11 and 15 runs), one job
// within noise, collecting once instead of twice with two jobs and never
// with one (GODEBUG=gctrace=1); peak RSS 46 instead of 45 MB with two jobs,
// on the 1.0 GB batch too (docs/performance.md).
func memoryLimiter(jobs, outputs int, held int64) func(int) {
	if envTunesCollector() {
		return nil
	}
	l := &limiter{jobs: jobs, outputs: outputs, held: held, set: func(n int64) { debug.SetMemoryLimit(n) }}
	l.see(0)
	debug.SetGCPercent(-1)
	return l.see
}

// limiter sets the memory limit for the largest transaction seen in any
// input, raising it, never lowering it.
type limiter struct {
	jobs    int
	outputs int
	held    int64 // the catalog read from the user's files
	limit   int64 // set last, 0 before the first
	set     func(int64)
}

func (l *limiter) see(tx int) {
	if n := l.held + memoryLimit(l.jobs, l.outputs, tx); n > l.limit {
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

// heldByCatalog is the heap a catalog read from the user's --rules and
// --ncci files holds. The embedded catalog, a few MB, is within the 16 MiB
// memoryLimit allows for the rest; CMS's PTP tables are tens of MB, and
// under a limit that did not count them the collector would run without
// end (a million PTP rows: 19 MB live, and the 124.6 MB batch took 651 s
// with two jobs instead of 0.2 s). A heap under collectAbove is counted
// whole, what reading the files left included: collecting it would cost
// more (1.5 ms on the demo with a --rules file) than carrying it. A larger
// one is collected first, and what reading the files left is handed back
// to the system, so that neither counts against the limit. Nothing is
// collected or measured when the environment paces the collector.
func heldByCatalog() int64 {
	if envTunesCollector() {
		return 0
	}
	if n := heapBytes("/memory/classes/heap/objects:bytes"); n < collectAbove {
		return n
	}
	debug.FreeOSMemory()
	return heapBytes("/gc/heap/live:bytes")
}

// collectAbove is the heap above which heldByCatalog collects.
const collectAbove = 32 << 20

// heapBytes reads one of the runtime's byte counts.
func heapBytes(name string) int64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
