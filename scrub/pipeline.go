package scrub

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/mem"
)

// Options of a run.
type Options struct {
	Engine   *Engine
	Printers []Printer
	// Jobs is how many transactions are scrubbed at once; output stays in
	// input order whatever it is. 0 or 1: everything on the calling goroutine.
	Jobs int
	// Progress, when set, is called as each transaction set is written,
	// with the input's bytes up to its end and the claims written so far:
	// what is done, not merely read.
	Progress func(bytes int64, claims int)
	// Largest, when set, is called with a transaction's size in bytes each
	// time one is larger than any before it in this input, before it is
	// scrubbed: memory in flight is a few transactions, so the command
	// sizes the collector's memory limit by it.
	Largest func(bytes int)
	// TrailersFirst reads a seekable input's GE and IEA segments before
	// its claims, so that a wrong trailer rejects them (edi.Parser).
	TrailersFirst bool

	written int          // claims written, for Progress
	render  *renderState // the printers' output buffers, kept across the inputs of a Batch
}

// slot carries one item through the pipeline, or several in a row
// (small transactions, see batchItems); done closes when its transactions
// are scrubbed and rendered.
type slot struct {
	it   edi.Item
	res  *finding.Result
	scr  *scratch // recycled once the transaction is written
	out  [][]byte // the item's rendered output: a view into the first slot's bufs
	done chan struct{}
	more []*slot  // the items after it, handed over with it
	bufs [][]byte // each printer's buffer, holding the output of it and more
}

// A worker is handed small transactions several at a time: handing one
// over (to a worker, then to the writer) costs about as much as scrubbing a
// one-claim transaction set. A slot takes items while its transactions are
// small (edi.Transaction.Small), until it holds batchItems items or
// batchBytes bytes. Their outputs share one buffer per printer, and scratch beyond
// what the engine keeps is made anew (small, for small transactions).
const (
	batchItems = 32
	batchBytes = 256 << 10
)

// large reports whether an item is a transaction handed over alone.
func large(it *edi.Item) bool { return it.Tx != nil && !it.Tx.Small() }

// process scrubs and renders the slot's transactions, each printer's
// output of all of them into one buffer.
func (o *Options) process(s *slot) {
	s.bufs = make([][]byte, len(o.Printers)) // taken when the first output is rendered
	o.processOne(s, s)
	for _, m := range s.more {
		o.processOne(s, m)
	}
	for i, b := range s.bufs {
		if b != nil {
			o.render.rendered(i, len(b))
		}
	}
}

func (o *Options) processOne(head, s *slot) {
	if s.it.Tx == nil {
		return
	}
	s.scr = o.Engine.scratchFor(s.it.Tx).Get(func() *scratch { return &scratch{} })
	s.res = o.Engine.scrub(s.it.Tx, s.scr)
	s.out = make([][]byte, len(o.Printers))
	for i, p := range o.Printers {
		if head.bufs[i] == nil { // not while the first transaction was scrubbed: others may need it then
			head.bufs[i] = o.render.buffer(i)
		}
		start := len(head.bufs[i])
		if r := p.Render(head.bufs[i], s.res); r != nil {
			head.bufs[i], s.out[i] = r, r[start:len(r):len(r)]
		}
	}
	// Rendered: the model's claims are read no more. Counted first (the
	// summary adds it later), then handed back, so that transactions
	// waiting for the writer hold only their bytes and rendered output.
	s.res.Counts()
	s.res.Model.Release()
}

// write writes the slot's items in order, then hands its buffers back.
func (o *Options) write(s *slot, sum *finding.Summary) error {
	err := o.writeOne(s, sum)
	for _, m := range s.more {
		if err == nil {
			err = o.writeOne(m, sum)
		}
	}
	for i, b := range s.bufs {
		o.render.put(i, b) // every printer has written its bytes
	}
	return err
}

func (o *Options) writeOne(s *slot, sum *finding.Summary) error {
	if s.res != nil {
		sum.Add(s.res)
		if s.it.Tx.Unsupported == "" {
			sum.ClaimSegments += s.it.Tx.CLMs // not-837P transactions are refused, not scrubbed
		}
		if u := s.it.Tx.Unsupported; u != "" {
			sum.Unsupported = append(sum.Unsupported, fmt.Sprintf("%s: byte %d: %s", s.it.Tx.Interchange.File, s.it.Tx.Offset, u))
		}
		if len(s.it.Tx.Problems) > 0 {
			sum.RejectedSets++
		}
		for _, p := range s.it.Tx.Problems {
			if p.Rule == "X12-CLM-MISSING" {
				sum.EmptySets = append(sum.EmptySets, fmt.Sprintf("%s: byte %d: %s", s.it.Tx.Interchange.File, p.Offset, p.Msg))
			}
		}
	} else if s.it.Problem != nil || (s.it.Group != nil && s.it.Kind == edi.ItemGroupEnd && len(s.it.Group.Problems) > 0) ||
		(s.it.Interchange != nil && s.it.Kind == edi.ItemInterchangeEnd && len(s.it.Interchange.Problems) > 0) {
		sum.Envelope++
	}
	switch {
	case s.it.Kind == edi.ItemInterchangeEnd && s.it.Interchange != nil:
		if st, _ := s.it.Interchange.TA1(); st == "R" {
			sum.RejectedInterchanges++
		}
	case s.it.Kind == edi.ItemGroupEnd && s.it.Group != nil && s.it.Group.Rejects():
		sum.RejectedGroups++
	}
	for i, p := range o.Printers {
		var r []byte
		if s.out != nil {
			r = s.out[i]
		}
		if err := p.Write(&s.it, s.res, r); err != nil {
			return err
		}
	}
	if s.it.Tx != nil {
		if o.Progress != nil {
			o.written += s.it.Tx.CLMs
			o.Progress(s.it.Tx.Offset+int64(len(s.it.Tx.Raw)), o.written)
		}
		list := o.Engine.scratchFor(s.it.Tx)
		s.it.Tx.Release()
		if s.scr != nil {
			list.Put(s.scr) // the summary has counted the findings: nothing reads them now
			s.scr, s.res = nil, nil
		}
	}
	return nil
}

// Run scrubs one input named name and feeds every printer in input order.
// Memory is bounded: at most a few transactions per job are in flight.
func Run(name string, r io.Reader, o Options, sum *finding.Summary) error {
	p := edi.NewParser(r)
	p.Name = name
	p.TrailersFirst = o.TrailersFirst
	// An input that can be read at its end (a regular file, a
	// bytes.Reader) is read there first: one that ends before its last
	// IEA rejects that interchange before its claims are told.
	switch x := r.(type) {
	case *os.File:
		if st, err := x.Stat(); err == nil && st.Mode().IsRegular() {
			if off, err := x.Seek(0, io.SeekCurrent); err == nil && off == 0 {
				p.Source, p.Size = x, st.Size()
			}
		}
	case interface {
		io.ReaderAt
		Size() int64
		Len() int
	}:
		if int64(x.Len()) == x.Size() { // nothing read yet
			p.Source, p.Size = x, x.Size()
		}
	}
	if o.render == nil || len(o.render.printers) != len(o.Printers) {
		o.render = newRenderState(len(o.Printers), o.Jobs)
	}
	sum.Files++
	var err error
	if o.Jobs <= 1 {
		err = o.serial(p, sum)
	} else {
		err = o.parallel(p, sum)
	}
	sum.Bytes += p.Offset()
	if err != nil {
		return err
	}
	return p.Err()
}

// reporter tells Options.Largest of each transaction read, before it is
// handed on: once written, a recycled transaction is empty.
type reporter struct {
	o       *Options
	largest int
}

func (r *reporter) see(it *edi.Item) {
	if it.Tx == nil {
		return
	}
	if n := len(it.Tx.Raw); n > r.largest && r.o.Largest != nil {
		r.largest = n
		r.o.Largest(n)
	}
}

// serial scrubs and writes each item on the calling goroutine.
func (o *Options) serial(p *edi.Parser, sum *finding.Summary) error {
	rep := reporter{o: o}
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		s := &slot{it: it}
		rep.see(&s.it)
		o.process(s)
		if err := o.write(s, sum); err != nil {
			return err
		}
	}
	return nil
}

// parallel hands transactions to o.Jobs workers and writes them in input
// order. The writer holds the oldest slot and the order queue jobs-1 more:
// one per worker, while the producer parses the next. In flight at most:
// jobs+1 slots, each one transaction or up to batchItems small ones
// (batchBytes at most), whatever the file. (An unbuffered queue would keep
// only one worker busy: the producer would wait for the writer before it
// could hand the next transaction to a worker.)
func (o *Options) parallel(p *edi.Parser, sum *finding.Summary) error {
	order := make(chan *slot, o.Jobs-1)
	work := make(chan *slot)
	var wg sync.WaitGroup
	for j := 0; j < o.Jobs; j++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if large(&s.it) {
					// When every worker was busy the producer waited to hand
					// s over, and taking it made the producer runnable here,
					// behind this goroutine, until it blocks a transaction's
					// scrub later. Yield, so that the producer reads the next
					// transaction now and the worker done first finds it
					// ready (docs/performance.md, fifth session).
					runtime.Gosched()
				}
				o.process(s)
				close(s.done)
			}
		}()
	}
	var werr error
	written := make(chan struct{})
	go func() {
		defer close(written)
		for s := range order {
			<-s.done
			if werr == nil {
				werr = o.write(s, sum)
			}
		}
	}()
	rep := reporter{o: o}
	var head *slot // the slot taking small transactions
	var headBytes int
	headTx := false
	// send queues a slot for the writer first, then hands it to a worker:
	// the writer waits on slots in queue order, and each has reached a
	// worker before any later one, so nothing waits on a slot no worker has.
	send := func(s *slot, tx bool) {
		order <- s
		if tx {
			work <- s
		} else {
			close(s.done)
		}
	}
	flush := func() {
		if head != nil {
			send(head, headTx)
			head, headBytes, headTx = nil, 0, false
		}
	}
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		s := &slot{it: it}
		rep.see(&s.it)
		if large(&it) {
			flush()
			s.done = make(chan struct{})
			send(s, true)
			continue
		}
		if head == nil {
			s.done = make(chan struct{})
			head = s
		} else {
			head.more = append(head.more, s)
		}
		if it.Tx != nil {
			headTx = true
			headBytes += len(it.Tx.Raw)
		}
		if len(head.more)+1 >= batchItems || headBytes >= batchBytes || it.Tx == nil && headTx {
			flush() // full, or an envelope after transactions: no waiting for more
		}
	}
	flush()
	close(work)
	close(order)
	wg.Wait()
	<-written
	return werr
}

// renderState holds each printer's rendered-output buffers for reuse, and
// the largest output it has rendered: a new buffer is made that large at
// once, not grown to it (each step of growth is a copy into fresh memory,
// and the old arrays are garbage the collector would have to run for; with
// two jobs the first transactions' growth alone brought one collection to a
// run that otherwise needs none). Each printer has its own list: one list
// for all would hand a text report's small buffer to the NDJSON printer.
// Like the transaction arrays they are free lists, not sync.Pools: under
// the command's memory limit the collector would empty a pool.
type renderState struct {
	printers []renderBuffers
}

type renderBuffers struct {
	free    mem.FreeList[[]byte]
	largest atomic.Int64
}

func newRenderState(printers, jobs int) *renderState {
	r := &renderState{printers: make([]renderBuffers, printers)}
	for i := range r.printers {
		r.printers[i].free = mem.NewFreeList[[]byte](max(jobs, 1) + 2) // one per transaction in flight
	}
	return r
}

// buffer returns an empty buffer for printer i, with room for the largest
// output it has rendered and an eighth more.
func (r *renderState) buffer(i int) []byte {
	want := int(r.printers[i].largest.Load())
	want = max(want+want/8, 64<<10)
	b := r.printers[i].free.Get(func() []byte { return make([]byte, 0, want) })
	if cap(b) < want*8/9 { // kept from before a larger output: replaced, not grown
		b = make([]byte, 0, want)
	}
	return b[:0]
}

// rendered notes that printer i rendered n bytes.
func (r *renderState) rendered(i, n int) {
	for l := &r.printers[i].largest; ; {
		old := l.Load()
		if int64(n) <= old || l.CompareAndSwap(old, int64(n)) {
			return
		}
	}
}

// put keeps printer i's buffer b for reuse once its bytes are written.
func (r *renderState) put(i int, b []byte) {
	if cap(b) == 0 || cap(b) > 64<<20 {
		return
	}
	r.printers[i].free.Put(b)
}
