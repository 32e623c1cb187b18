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

var txPool sync.Pool

func getBuffers() *txBuffers {
	if b, ok := txPool.Get().(*txBuffers); ok {
		return b
	}
	return &txBuffers{raw: make([]byte, 0, 64<<10), segs: make([]Seg, 0, 1024)}
}

// Release hands the transaction's arrays back for reuse. Call it only when
// nothing reads the transaction, its model or its Raw any more (the
// pipeline does, after every printer has written it); the transaction is
// empty afterwards.
func (t *Transaction) Release() {
	if t.Raw == nil {
		return
	}
	txPool.Put(&txBuffers{raw: t.Raw[:0], segs: t.Segs[:0], hls: t.HLs[:0], claims: t.Claims[:0], lines: t.lines[:0]})
	*t = Transaction{}
}
