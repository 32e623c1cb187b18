package edi

import "sync"

// txBuffers are the large arrays of one transaction. They are recycled once
// a transaction has been written: a clearinghouse batch is thousands of
// transactions of the same size, and reusing their arrays removes most of
// the allocation, zeroing and garbage collection of a run (measured in
// fixtures/bench: see the README's performance section).
type txBuffers struct {
	raw    []byte
	segs   []Seg
	hls    []HL
	claims []Claim
	lines  []Line
}

// freeBuffers is a small free list rather than a sync.Pool: a pool is
// emptied at every garbage collection, and regrowing a 5,000-claim
// transaction's arrays cost more than keeping four of them (measured with
// fixtures/bench -memprofile).
var freeBuffers = make(chan *txBuffers, 4)

func getBuffers() *txBuffers {
	select {
	case b := <-freeBuffers:
		return b
	default:
		return &txBuffers{raw: make([]byte, 0, 64<<10), segs: make([]Seg, 0, 1024)}
	}
}

// RenderBuffer returns a byte slice to render into; give it back with
// PutRenderBuffer once written.
func RenderBuffer() []byte {
	if b, ok := renderPool.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return make([]byte, 0, 256<<10)
}

// PutRenderBuffer recycles a buffer from RenderBuffer.
func PutRenderBuffer(b []byte) {
	if cap(b) > 0 && cap(b) <= 64<<20 {
		renderPool.Put(&b)
	}
}

var renderPool sync.Pool

// Release hands the transaction's arrays back for reuse. Call it only when
// nothing reads the transaction, its model or its Raw any more (the
// pipeline does, after every printer has written it); the transaction is
// empty afterwards.
func (t *Transaction) Release() {
	if t.Raw == nil {
		return
	}
	select {
	case freeBuffers <- &txBuffers{raw: t.Raw[:0], segs: t.Segs[:0], hls: t.HLs[:0], claims: t.Claims[:0], lines: t.lines[:0]}:
	default: // enough kept already
	}
	*t = Transaction{}
}
