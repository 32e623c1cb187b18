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
	d         Delimiters
	truncated bool
	lastISA   int64 // the last interchange's ISA, when truncated
}

// checkTail reads the end of r (size bytes) with delimiters d.
func checkTail(r io.ReaderAt, size int64, d Delimiters) tail {
	t := tail{d: d, lastISA: -1}
	from := max(size-tailWindow, 0)
	b := make([]byte, size-from)
	if n, err := r.ReadAt(b, from); err != nil && err != io.EOF || n != len(b) {
		return t // unreadable: say nothing
	}
	// Trailing white space, but never the terminator itself (a CR or LF
	// can be one).
	for len(b) > 0 && b[len(b)-1] != d.Segment && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n' || b[len(b)-1] == 0) {
		b = b[:len(b)-1]
	}
	if len(b) > 0 && b[len(b)-1] == d.Segment {
		last := bytes.LastIndexByte(b[:len(b)-1], d.Segment)
		seg := bytes.TrimLeft(b[last+1:len(b)-1], " \t\r\n")
		if len(seg) > 3 && string(seg[:3]) == "IEA" && seg[3] == d.Element {
			return t
		}
	}
	t.truncated = true
	t.lastISA = lastISA(r, size, d)
	return t
}

// lastISA finds, searching back from the end, the offset of the last ISA
// that starts a segment; -1 when there is none.
func lastISA(r io.ReaderAt, size int64, d Delimiters) int64 {
	const chunk = 1 << 20
	needle := []byte{'I', 'S', 'A', d.Element}
	buf := make([]byte, chunk+ISALength)
	for end := size; end > 0; {
		from := max(end-chunk, 0)
		n := int(min(end+int64(len(needle))-1, size) - from)
		b := buf[:n]
		if _, err := r.ReadAt(b, from); err != nil && err != io.EOF {
			return -1
		}
		for stop := len(b); ; {
			i := bytes.LastIndex(b[:stop], needle)
			if i < 0 {
				break
			}
			if atSegmentStart(b[:i], d.Segment, from == 0) {
				return from + int64(i)
			}
			stop = i + len(needle) - 1
		}
		end = from
	}
	return -1
}

// atSegmentStart reports whether a segment may start after before: the
// last byte before it, white space aside, is a terminator (or the input's
// start, a byte-order mark or text before the first interchange).
func atSegmentStart(before []byte, term byte, isStart bool) bool {
	before = bytes.TrimRight(before, " \t\r\n")
	if len(before) == 0 {
		return isStart
	}
	return before[len(before)-1] == term || bytes.HasSuffix(before, []byte("\xef\xbb\xbf"))
}
