package scrub

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each printer's buffers are made as large as its largest output and an
// eighth more, kept apart from the other printers', and reused.
func TestRenderBuffers(t *testing.T) {
	r := newRenderState(2, 2)
	assert.Equal(t, 64<<10, cap(r.buffer(0)), "nothing rendered yet: the smallest")

	r.rendered(0, 2_000_000)
	r.rendered(1, 10_000)
	r.rendered(0, 1_000_000) // smaller: the largest stays
	big := r.buffer(0)
	assert.Equal(t, 2_250_000, cap(big), "the largest output and an eighth more, at once")
	assert.Equal(t, 64<<10, cap(r.buffer(1)), "the other printer's own size")

	big = append(big, "rendered"...)
	r.put(0, big)
	again := r.buffer(0)
	assert.Equal(t, &big[:1][0], &again[:1][0], "kept and reused")
	assert.Empty(t, again, "emptied")

	r.put(1, make([]byte, 0, 1000)) // kept from before printer 1 rendered more
	r.rendered(1, 500_000)
	assert.Equal(t, 562_500, cap(r.buffer(1)), "too small for the largest output: replaced")

	r.put(0, nil)
	r.put(0, make([]byte, 0, 65<<20))
	assert.Equal(t, 2_250_000, cap(r.buffer(0)), "nothing kept of a nil or huge buffer")
}

// rendered keeps the largest of outputs noted at once by several workers.
func TestRenderedConcurrent(t *testing.T) {
	r := newRenderState(1, 4)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 1000 {
				r.rendered(0, w*1000+n)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(3999), r.printers[0].largest.Load())
}
