package mem

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArena: each write reads back as the allocating form would give it,
// and strings taken before the buffer grows keep their text.
func TestArena(t *testing.T) {
	var a Arena
	var kept []string
	var want []string
	for i := 0; i < 2000; i++ { // many times the first array's size
		d := int64(i*1_234_567 - 1_000_000_000)
		s := []string{a.Keep(strconv.AppendInt(a.Tail(), d, 10)), a.Int(i - 7), a.Quote("x\"y" + strconv.Itoa(i)), a.Concat("a", strconv.Itoa(i), "", "b")}
		w := []string{strconv.FormatInt(d, 10), strconv.Itoa(i - 7), strconv.Quote("x\"y" + strconv.Itoa(i)), "a" + strconv.Itoa(i) + "b"}
		require.Equal(t, w, s)
		kept, want = append(kept, s...), append(want, w...)
	}
	assert.Equal(t, want, kept, "views survive growth")

	for _, c := range []struct {
		n, width int
		want     string
	}{{0, 2, "00"}, {7, 2, "07"}, {2026, 4, "2026"}, {20260301, 8, "20260301"}, {301, 8, "00000301"}, {123, 2, "123"}, {0, 0, ""}} {
		m := a.Mark()
		a.AppendDigits(c.n, c.width)
		assert.Equal(t, c.want, a.Since(m), "%d in %d", c.n, c.width)
	}
	m := a.Mark()
	a.AppendString("ab")
	a.AppendByte('c')
	assert.Equal(t, "abc", a.Since(m))
	assert.Equal(t, "", a.Since(a.Mark()))

	a.Reset()
	assert.Zero(t, a.Mark())
	a.Grow(1 << 10)
	assert.GreaterOrEqual(t, cap(a.b), 1<<10)
	assert.Equal(t, "z", a.Concat("z"))
}

// Room doubles: a few moves from 64 KiB to 4 MiB, the contents kept.
func TestRoomDoubles(t *testing.T) {
	b := make([]byte, 0, 64<<10)
	run := make([]byte, 200<<10)
	for i := range run {
		run[i] = byte(i)
	}
	moves := 0
	for len(b) < 2<<20 {
		before := cap(b)
		b = append(Room(b, len(run)), run...)
		if cap(b) != before {
			moves++
			assert.GreaterOrEqual(t, cap(b), 2*before)
		}
	}
	assert.LessOrEqual(t, moves, 6)
	for i := 0; i < len(b); i += len(run) {
		assert.Equal(t, run, b[i:i+len(run)])
	}
	same := Room(b, cap(b)-len(b))
	assert.Equal(t, &b[:1][0], &same[:1][0], "room enough: the same array")
}
