package edi

import (
	"bytes"
	"io"
)

// tailWindow is how much of a file's end the tail check reads: the last
// segment, an IEA, is a few dozen bytes.
const tailWindow = 4 << 10

// tail is what the end of a seekable input says before it is read: whether
// it ends with an IEA, and if not, where its last interchange begins. A
// file that ends before its last IEA is an interchange error (TA1 R 023)
// that must be known before that interchange's claims are reported.
type tail struct {
	truncated bool
	lastISA   int64 // the last interchange's ISA, when truncated
}

// checkTail reads the end of r (size bytes). It needs no delimiters: the
// interchanges of one input may each have their own, and the last IEA is
// read with the separators it shows. Only a truncated input is searched
// further, back to its last ISA.
func checkTail(r io.ReaderAt, size int64) tail {
	t := tail{lastISA: -1}
	from := max(size-tailWindow, 0)
	b := make([]byte, size-from)
	if n, err := r.ReadAt(b, from); err != nil && err != io.EOF || n != len(b) {
		return t // unreadable: say nothing
	}
	if endsWithIEA(b) {
		return t
	}
	t.truncated = true
	t.lastISA = lastISA(r, size)
	return t
}

// endsWithIEA reports whether b ends with an IEA segment, white space
// after it aside: "IEA", a separator, the group count, the same separator,
// the control number and a terminator (which may itself be a CR or LF).
func endsWithIEA(b []byte) bool {
	i := bytes.LastIndex(b, []byte("IEA"))
	if i < 0 || len(b)-i < 8 {
		return false
	}
	e, seg := b[i+3], b[i+4:]
	if isAlnum(e) || isSpace(e) {
		return false
	}
	count, rest, ok := bytes.Cut(seg, []byte{e})
	if !ok || len(count) == 0 || len(count) > 5 || !digits(count) {
		return false
	}
	j := 0
	for j < len(rest) && isAlnum(rest[j]) {
		j++
	}
	if j == 0 || j == len(rest) || rest[j] == e || isAlnum(rest[j]) {
		return false
	}
	// rest[j] is the terminator; only white space may follow it.
	return len(bytes.TrimLeft(rest[j+1:], " \t\r\n\x00")) == 0
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// lastISA finds, searching back from the end, the offset of the last ISA
// that starts a segment: one whose delimiters read, not preceded by its
// own element separator (a name such as ISAAC*ISA*); -1 when there is none.
func lastISA(r io.ReaderAt, size int64) int64 {
	const chunk = 1 << 20
	buf := make([]byte, chunk+512)
	for end := size; end > 0; {
		from := max(end-chunk, 0)
		n := int(min(end+511, size) - from)
		b := buf[:n]
		if _, err := r.ReadAt(b, from); err != nil && err != io.EOF {
			return -1
		}
		for stop := min(len(b), int(end-from)+2); ; {
			i := bytes.LastIndex(b[:stop], []byte("ISA"))
			if i < 0 {
				break
			}
			stop = i + 2
			d, _, err := ParseISA(b[i:])
			if err != nil {
				continue
			}
			before := bytes.TrimRight(b[:i], " \t\r\n")
			if len(before) == 0 && from == 0 || len(before) > 0 && !isAlnum(before[len(before)-1]) && before[len(before)-1] != d.Element {
				return from + int64(i)
			}
		}
		end = from
	}
	return -1
}
