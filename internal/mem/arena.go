// Package mem holds scrub837's memory machinery: an append-only text arena
// and bounded free lists. It is internal: nothing it hands out reaches a
// library caller (scrub copies what it hands over).
package mem

import (
	"strconv"
	"unsafe"
)

// Arena is an append-only text buffer whose pieces are read as strings
// without a copy each, so that findings' messages and the values a writer
// formats do not cost an allocation apiece. A string it returns stays valid
// until Reset, even when the buffer grows (the old array lives on while
// viewed); after Reset the next writes overwrite it.
type Arena struct{ b []byte }

// Grow makes room for n more bytes.
func (a *Arena) Grow(n int) {
	if cap(a.b)-len(a.b) < n {
		b := make([]byte, len(a.b), len(a.b)+n)
		copy(b, a.b)
		a.b = b
	}
}

// Reset empties the arena: every string it returned is then stale.
func (a *Arena) Reset() { a.b = a.b[:0] }

// Mark returns where the next write starts, for Since.
func (a *Arena) Mark() int { return len(a.b) }

// Since returns what was written after mark.
func (a *Arena) Since(mark int) string {
	if mark == len(a.b) {
		return ""
	}
	return unsafe.String(&a.b[mark], len(a.b)-mark)
}

// AppendString writes s.
func (a *Arena) AppendString(s string) { a.b = append(a.b, s...) }

// AppendByte writes c.
func (a *Arena) AppendByte(c byte) { a.b = append(a.b, c) }

// AppendDigits writes n, which must not be negative, in at least width
// digits, zero-padded.
func (a *Arena) AppendDigits(n, width int) {
	var d [20]byte
	i := len(d)
	for n > 0 || i > len(d)-width {
		i--
		d[i] = byte('0' + n%10)
		n /= 10
	}
	a.b = append(a.b, d[i:]...)
}

// Concat writes parts one after another and returns them as one string.
func (a *Arena) Concat(parts ...string) string {
	mark := a.Mark()
	for _, p := range parts {
		a.b = append(a.b, p...)
	}
	return a.Since(mark)
}

// Int writes n in decimal.
func (a *Arena) Int(n int) string {
	mark := a.Mark()
	a.b = strconv.AppendInt(a.b, int64(n), 10)
	return a.Since(mark)
}

// Tail returns the arena's buffer for an append function; Keep takes the
// result back: a.Keep(d.Append(a.Tail())) formats d in place.
func (a *Arena) Tail() []byte { return a.b }

// Keep makes b, which Tail's buffer was appended to, the arena's buffer and
// returns what was appended.
func (a *Arena) Keep(b []byte) string {
	mark := len(a.b)
	a.b = b
	return a.Since(mark)
}

// Quote writes s quoted, as strconv.Quote does.
func (a *Arena) Quote(s string) string {
	mark := a.Mark()
	a.b = strconv.AppendQuote(a.b, s)
	return a.Since(mark)
}
