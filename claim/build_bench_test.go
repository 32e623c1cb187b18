package claim_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/build"
)

// BenchmarkBuild times Build alone on parsed transactions of a generated
// batch (~10 MB, the corpus of fixtures/bench): the model's share of a
// scrub, without the parser's.
func BenchmarkBuild(b *testing.B) {
	per := 5000
	if v, err := strconv.Atoi(os.Getenv("PERTX")); err == nil {
		per = v
	}
	in := build.Batch(build.BatchOptions{Seed: 7, Claims: 25000, PerTx: per})
	var txs []*edi.Transaction
	p := edi.NewParser(bytes.NewReader(in))
	for it, ok := p.Next(); ok; it, ok = p.Next() {
		if it.Tx != nil {
			txs = append(txs, it.Tx)
		}
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, tx := range txs {
			claim.Build(tx).Release()
		}
	}
}
