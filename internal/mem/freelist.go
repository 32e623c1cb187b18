package mem

import "unsafe"

// FreeList keeps up to a few values for reuse. It is a small channel rather
// than a sync.Pool: a pool is emptied at every garbage collection, and
// regrowing a large transaction's arrays costs more than keeping a few. A
// zero FreeList keeps nothing: Get always makes, Put drops.
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

// String views b as a string without copying. Only for bytes that are never
// modified while the string is read (a transaction's input bytes).
func String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Drain empties the list.
func (f FreeList[T]) Drain() {
	for {
		select {
		case <-f.c:
		default:
			return
		}
	}
}
