package edi

import (
	"unsafe"

	"github.com/scrub837/scrub837/internal/mem"
)

// A transaction's bytes and segment index are recycled once every printer
// has written it (Release): a batch is thousands of transactions of about
// the same size, and reusing their arrays removes most of the allocation,
// zeroing and garbage collection of a run.
type txBuffers struct {
	raw  []byte
	segs []Seg
}

// freeBuffers keeps the arrays of a few large transactions; freeSmall
// those of small ones, as many as a pipeline holds at once when it hands
// them to its workers several at a time (scrub: up to 32 a slot).
var (
	freeBuffers = mem.NewFreeList[*txBuffers](4)
	freeSmall   = mem.NewFreeList[*txBuffers](128)
)

// SmallTransaction is the most bytes a small transaction has.
const SmallTransaction = 16 << 10

// Small reports whether the transaction is under SmallTransaction bytes:
// its arrays, and a pipeline's handling of it, are a small one's.
func (t *Transaction) Small() bool { return len(t.Raw) < SmallTransaction }

// buffersFor is the free list for arrays that hold raw bytes.
func buffersFor(raw int) mem.FreeList[*txBuffers] {
	if raw < SmallTransaction {
		return freeSmall
	}
	return freeBuffers
}

// maxHint bounds the room a new transaction's arrays are made with: a
// production transaction of 5,000 claims takes a few MB, and a larger one
// grows its arrays as it goes.
const maxHint = 16 << 20

// firstHint bounds the room of an input's first transaction when the
// input's size is known (Parser.Size): a 5,000-claim transaction is about
// 2 MB.
const firstHint = 4 << 20

// getBuffers returns arrays for a new transaction. New ones are made with
// the room of the largest transaction seen before (hint), not grown to it
// by doubling: with several transactions in flight, growing each new array
// from a small one copies it again and again.
func getBuffers(hint sizeHint) *txBuffers {
	b := buffersFor(hint.raw).Get(func() *txBuffers { return &txBuffers{} })
	// A recycled array that held the largest transaction is kept as it is:
	// only a smaller one is replaced, not one short of the margin.
	// Nothing seen yet: room to start with. Small transactions get arrays
	// their size, not that room: a run may hold dozens of them at once
	// (scrub hands them over several at a time), more than the list keeps.
	if raw := min(hint.raw, maxHint); cap(b.raw) < raw || cap(b.raw) == 0 {
		b.raw = make([]byte, 0, roomFor(raw, 64<<10))
	}
	if segs := min(hint.segs, maxHint/int(unsafe.Sizeof(Seg{}))); cap(b.segs) < segs || cap(b.segs) == 0 {
		b.segs = make([]Seg, 0, roomFor(segs, 1024))
	}
	return b
}

// sizeHint is the largest transaction a parser has handed over so far: its
// bytes and its segments.
type sizeHint struct{ raw, segs int }

func (h *sizeHint) see(t *Transaction) {
	h.raw, h.segs = max(h.raw, len(t.Raw)), max(h.segs, len(t.Segs))
}

// Release hands the transaction's arrays back for reuse. Call it only when
// nothing reads the transaction, or anything viewing its Raw, any more; the
// transaction is empty afterwards.
func (t *Transaction) Release() {
	if t.Raw == nil {
		return
	}
	buffersFor(len(t.Raw)).Put(&txBuffers{raw: t.Raw[:0], segs: t.Segs[:0]})
	*t = Transaction{}
}

// extend appends an element to *s and returns it as the array holds it: a
// recycled array's old element, for a caller that sets every field (the
// parser's segment entries).
func extend[T any](s *[]T) *T {
	n := len(*s)
	if n < cap(*s) {
		*s = (*s)[:n+1]
	} else {
		*s = mem.Room(*s, 1)[:n+1]
	}
	return &(*s)[n]
}

// roomFor is a new array's room for the largest n seen: an eighth more, or
// first when nothing was seen.
func roomFor(n, first int) int {
	if n == 0 {
		return first
	}
	return n + n/8
}
