package edi

import "unsafe"

// Recycling. A clearinghouse batch is thousands of transactions of the same
// size, and reusing their large arrays removes most of the allocation,
// zeroing and garbage collection of a run (measured in fixtures/bench: see
// the README's performance section). The arrays come in two sets with two
// lifetimes:
//   - the bytes and segment index (raw, segs) live until every printer has
//     written the transaction: Release;
//   - the 837P model (HLs, claims, lines) lives only while the transaction
//     is scrubbed and rendered: ReleaseModel, called by the pipeline right
//     after rendering, so that transactions queued for the writer hold no
//     model and memory stays within SPEC.md's 64 MB with every core busy.
//
// Free lists are small channels rather than sync.Pools: a pool is emptied
// at every garbage collection, and regrowing a 5,000-claim transaction's
// arrays cost more than keeping a few of them (measured with
// fixtures/bench -memprofile).
type txBuffers struct {
	raw  []byte
	segs []Seg
}

type modelBuffers struct {
	hls    []HL
	claims []Claim
	lines  []Line
}

// FreeList keeps up to a few values for reuse. A zero FreeList keeps
// nothing: Get always makes, Put drops.
type FreeList[T any] struct{ c chan T }

// NewFreeList returns a FreeList that keeps up to n values.
func NewFreeList[T any](n int) FreeList[T] { return FreeList[T]{make(chan T, n)} }

// Get returns a kept value, or a new one from make.
func (f FreeList[T]) Get(make func() T) T {
	select {
	case v := <-f.c:
		return v
	default:
		return make()
	}
}

// Put keeps v for a later Get, unless enough are kept already.
func (f FreeList[T]) Put(v T) {
	select {
	case f.c <- v:
	default:
	}
}

var (
	freeBuffers = NewFreeList[*txBuffers](4)
	freeModels  = NewFreeList[*modelBuffers](4)
	// freeRender holds rendered-output buffers. Like the transaction arrays
	// it is a free list, not a sync.Pool: under the command's memory limit
	// the collector ran every few transactions, and a pool emptied each time
	// had every buffer regrown from 256 KB, a quarter of a run's allocation.
	freeRender = NewFreeList[[]byte](8)
)

// maxHint bounds the room a new transaction's arrays are made with: a
// production transaction of 5,000 claims takes 2–10 MB, and a larger one
// grows its arrays as it goes.
const maxHint = 16 << 20

// getBuffers returns arrays for a new transaction. New ones are made with
// the room of the largest transaction seen before (hint), not grown to it
// by doubling: with several transactions in flight (--jobs), growing each
// new array from 64 KB copied it again and again and touched about twice
// its final size in new pages.
func getBuffers(hint sizeHint) *txBuffers {
	b := freeBuffers.Get(func() *txBuffers { return &txBuffers{} })
	// A recycled array that held the largest transaction is kept as it is:
	// only a smaller one is replaced, not one short of the margin.
	if raw := min(hint.raw, maxHint); cap(b.raw) < raw || cap(b.raw) == 0 {
		b.raw = make([]byte, 0, max(raw+raw/8, 64<<10))
	}
	if segs := min(hint.segs, maxHint/int(unsafe.Sizeof(Seg{}))); cap(b.segs) < segs || cap(b.segs) == 0 {
		b.segs = make([]Seg, 0, max(segs+segs/8, 1024))
	}
	return b
}

// sizeHint is the largest transaction a parser has handed over so far: its
// bytes and its segments.
type sizeHint struct{ raw, segs int }

func (h *sizeHint) see(t *Transaction) {
	h.raw, h.segs = max(h.raw, len(t.Raw)), max(h.segs, len(t.Segs))
}

func getModel() *modelBuffers { return freeModels.Get(func() *modelBuffers { return &modelBuffers{} }) }

// RenderBuffer returns a byte slice to render into; give it back with
// PutRenderBuffer once written.
func RenderBuffer() []byte {
	return freeRender.Get(func() []byte { return make([]byte, 0, 256<<10) })[:0]
}

// PutRenderBuffer recycles a buffer from RenderBuffer.
func PutRenderBuffer(b []byte) {
	if cap(b) == 0 || cap(b) > 64<<20 {
		return
	}
	freeRender.Put(b)
}

// Release hands the transaction's arrays back for reuse. Call it only when
// nothing reads the transaction, its model or its Raw any more (the
// pipeline does, after every printer has written it); the transaction is
// empty afterwards.
func (t *Transaction) Release() {
	t.ReleaseModel()
	if t.Raw == nil {
		return
	}
	freeBuffers.Put(&txBuffers{raw: t.Raw[:0], segs: t.Segs[:0]})
	*t = Transaction{}
}

// ReleaseModel hands the 837P model's arrays (HLs, Claims, every Line) back
// for reuse, keeping the transaction's bytes, segments and envelope facts.
// Call it once the model is no longer read: after every printer has
// rendered the transaction and its Result has been counted (Result.Counts
// caches its figures for this reason).
func (t *Transaction) ReleaseModel() {
	if !t.hasModelArrays() {
		return
	}
	freeModels.Put(&modelBuffers{hls: t.HLs[:0], claims: t.Claims[:0], lines: t.lines[:0]})
	t.HLs, t.Claims, t.lines = nil, nil, nil
}

// hasModelArrays reports whether the transaction holds model arrays, from
// the free list or its own.
func (t *Transaction) hasModelArrays() bool { return t.HLs != nil || t.Claims != nil || t.lines != nil }
