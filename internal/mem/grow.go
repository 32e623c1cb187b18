package mem

// Room returns s with room for n more elements: when it has too little, a
// copy in an array at least twice as large. append grows a large array by
// a quarter at a time, so an array that grows from small to a few MB (a
// transaction's bytes, its rendered output) is copied about five times
// its final size, each time into memory the process touches for the first
// time (a page fault per 4 KiB); doubling copies it about twice.
func Room[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	grown := make([]T, len(s), max(2*cap(s), len(s)+n))
	copy(grown, s)
	return grown
}
