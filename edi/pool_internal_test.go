package edi

import (
	"bytes"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drainBuffers empties the transaction free list, so that getBuffers makes
// or reuses exactly what a case puts there.
func drainBuffers() { freeBuffers.Drain(); freeSmall.Drain() }

func TestGetBuffersHint(t *testing.T) {
	segSize := maxHint / int(unsafe.Sizeof(Seg{})) // the most segments a new array is made for
	cases := []struct {
		name            string
		kept            *txBuffers // on the free list first, or nil
		hint            sizeHint
		rawCap, segsCap int  // at least
		reused          bool // the kept arrays come back as they are
	}{
		{name: "nothing seen", hint: sizeHint{}, rawCap: 64 << 10, segsCap: 1024},
		{name: "made with the largest seen and an eighth more", hint: sizeHint{raw: 2 << 20, segs: 100_000}, rawCap: 2<<20 + 2<<20/8, segsCap: 112_500},
		{name: "bounded", hint: sizeHint{raw: 1 << 30, segs: 1 << 28}, rawCap: maxHint + maxHint/8, segsCap: segSize + segSize/8},
		{name: "a recycled array as large as the hint is kept", kept: &txBuffers{raw: make([]byte, 0, 2<<20), segs: make([]Seg, 0, 100_000)},
			hint: sizeHint{raw: 2 << 20, segs: 100_000}, rawCap: 2 << 20, segsCap: 100_000, reused: true},
		{name: "a smaller recycled array is replaced", kept: &txBuffers{raw: make([]byte, 0, 1<<20), segs: make([]Seg, 0, 50_000)},
			hint: sizeHint{raw: 2 << 20, segs: 100_000}, rawCap: 2<<20 + 2<<20/8, segsCap: 112_500},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			drainBuffers()
			defer drainBuffers()
			var keptRaw *byte
			var keptSegs *Seg
			if c.kept != nil {
				keptRaw, keptSegs = &c.kept.raw[:1][0], &c.kept.segs[:1][0]
				freeBuffers.Put(c.kept)
			}
			b := getBuffers(c.hint)
			assert.GreaterOrEqual(t, cap(b.raw), c.rawCap)
			assert.GreaterOrEqual(t, cap(b.segs), c.segsCap)
			assert.LessOrEqual(t, cap(b.raw), max(c.rawCap, maxHint+maxHint/8), "no more room than the hint and its margin")
			assert.LessOrEqual(t, cap(b.segs), max(c.segsCap, segSize+segSize/8))
			if c.kept != nil {
				assert.Equal(t, c.reused, &b.raw[:1][0] == keptRaw, "raw reused")
				assert.Equal(t, c.reused, &b.segs[:1][0] == keptSegs, "segs reused")
			}
		})
	}
}

// TestParserSizeHint: a parser makes each transaction's new arrays as large
// as the largest transaction it has handed over, so that they are not grown
// by doubling while the first ones are still held.
func TestParserSizeHint(t *testing.T) {
	drainBuffers()
	defer drainBuffers()
	var in bytes.Buffer
	in.WriteString("ISA*00*          *00*          *ZZ*S              *ZZ*R              *260101*1200*^*00501*000000001*0*T*:~GS*HC*S*R*20260101*1200*1*X*005010X222A1~")
	for tx := 1; tx <= 3; tx++ {
		in.WriteString("ST*837*000" + string(rune('0'+tx)) + "*005010X222A1~")
		for i := 0; i < 5000; i++ {
			in.WriteString("NTE*ADD*SOME TEXT TO MAKE THE TRANSACTION LARGE~")
		}
		in.WriteString("SE*5002*000" + string(rune('0'+tx)) + "~")
	}
	in.WriteString("GE*3*1~IEA*1*000000001~")
	p := NewParser(&in)
	var txs []*Transaction // held, as a pipeline with several jobs holds them: nothing is recycled
	for {
		it, ok := p.Next()
		if !ok {
			break
		}
		if it.Tx != nil {
			txs = append(txs, it.Tx)
		}
	}
	require.NoError(t, p.Err())
	require.Len(t, txs, 3)
	first := len(txs[0].Raw)
	for _, tx := range txs[1:] {
		assert.GreaterOrEqual(t, cap(tx.Raw), first+first/8, "made with room for the first transaction")
		assert.Len(t, tx.Segs, 5002)
		assert.GreaterOrEqual(t, cap(tx.Segs), 5002+5002/8)
	}
}

// A segment index entry stays 12 bytes: a 5,000-claim transaction has about
// 100,000 of them, and every pass reads them.
func TestSegSize(t *testing.T) {
	assert.Equal(t, uintptr(12), unsafe.Sizeof(Seg{}))
}

// A transaction's segment index grows by doubling (mem.Room, as its bytes
// do): appending a segment at a time moves it a few times, not the dozens
// of times append's quarter steps take for a large array, each into memory
// touched for the first time.
func TestGrowthDoubles(t *testing.T) {
	segs := make([]Seg, 0, 1024)
	moves := 0
	for i := 0; i < 100_000; i++ {
		before := cap(segs)
		sg := extend(&segs)
		*sg = Seg{Start: int32(i)}
		if cap(segs) != before {
			moves++
			assert.Equal(t, 2*before, cap(segs))
		}
	}
	assert.Equal(t, 7, moves, "1,024 -> 131,072 entries")
	assert.Equal(t, int32(99_999), segs[99_999].Start)
	assert.Equal(t, int32(12_345), segs[12_345].Start, "moved with the array")

}

// An input whose size is known gets its first transaction's arrays made at
// once, as large as the input's rest (up to firstHint), not grown to it.
func TestParserFirstTransactionSized(t *testing.T) {
	drainBuffers()
	defer drainBuffers()
	var in bytes.Buffer
	in.WriteString("ISA*00*          *00*          *ZZ*S              *ZZ*R              *260101*1200*^*00501*000000001*0*T*:~GS*HC*S*R*20260101*1200*1*X*005010X222A1~")
	st := in.Len()
	in.WriteString("ST*837*0001*005010X222A1~")
	for i := 0; i < 20000; i++ {
		in.WriteString("NTE*ADD*SOME TEXT TO MAKE THE TRANSACTION LARGE~")
	}
	in.WriteString("SE*20002*0001~GE*1*1~IEA*1*000000001~")
	b := in.Bytes()
	for _, c := range []struct {
		name  string
		sized bool
		want  int
	}{
		{"size known", true, len(b) - st + (len(b)-st)/8},
		{"a stream", false, 0}, // grown from the smallest array, by doubling
	} {
		t.Run(c.name, func(t *testing.T) {
			p := NewParser(bytes.NewReader(b))
			if c.sized {
				p.Source, p.Size = bytes.NewReader(b), int64(len(b))
			}
			var tx *Transaction
			for it, ok := p.Next(); ok; it, ok = p.Next() {
				if it.Tx != nil {
					tx = it.Tx
				}
			}
			require.NoError(t, p.Err())
			require.NotNil(t, tx)
			if c.sized {
				assert.Equal(t, c.want, cap(tx.Raw), "made once, for the input's rest")
				assert.GreaterOrEqual(t, cap(tx.Segs), len(tx.Segs))
			} else {
				assert.Less(t, cap(tx.Raw), 2*len(tx.Raw)+256<<10, "doubled (or grown by a read's run) from 64 KiB")
			}
			assert.Len(t, tx.Segs, 20002)
		})
	}
}
