package edi

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

var (
	freeBuffers = make(chan *txBuffers, 4)
	freeModels  = make(chan *modelBuffers, 4)
)

func getBuffers() *txBuffers {
	select {
	case b := <-freeBuffers:
		return b
	default:
		return &txBuffers{raw: make([]byte, 0, 64<<10), segs: make([]Seg, 0, 1024)}
	}
}

func getModel() *modelBuffers {
	select {
	case b := <-freeModels:
		return b
	default:
		return &modelBuffers{}
	}
}

// RenderBuffer returns a byte slice to render into; give it back with
// PutRenderBuffer once written.
func RenderBuffer() []byte {
	select {
	case b := <-freeRender:
		return b[:0]
	default:
		return make([]byte, 0, 256<<10)
	}
}

// PutRenderBuffer recycles a buffer from RenderBuffer.
func PutRenderBuffer(b []byte) {
	if cap(b) == 0 || cap(b) > 64<<20 {
		return
	}
	select {
	case freeRender <- b:
	default:
	}
}

// freeRender holds rendered-output buffers. Like the transaction arrays it
// is a free list, not a sync.Pool: under the command's memory limit the
// collector runs every few transactions, and a pool emptied each time had
// every buffer regrown from 256 KB, a quarter of a run's allocation.
var freeRender = make(chan []byte, 8)

// Release hands the transaction's arrays back for reuse. Call it only when
// nothing reads the transaction, its model or its Raw any more (the
// pipeline does, after every printer has written it); the transaction is
// empty afterwards.
func (t *Transaction) Release() {
	t.ReleaseModel()
	if t.Raw == nil {
		return
	}
	select {
	case freeBuffers <- &txBuffers{raw: t.Raw[:0], segs: t.Segs[:0]}:
	default: // enough kept already
	}
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
	select {
	case freeModels <- &modelBuffers{hls: t.HLs[:0], claims: t.Claims[:0], lines: t.lines[:0]}:
	default:
	}
	t.HLs, t.Claims, t.lines = nil, nil, nil
}

// hasModelArrays reports whether the transaction holds model arrays, from
// the free list or its own.
func (t *Transaction) hasModelArrays() bool { return t.HLs != nil || t.Claims != nil || t.lines != nil }
