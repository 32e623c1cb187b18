package edi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
)

// MaxSegment bounds the bytes a single segment may take. No 837P segment
// comes near it; a hostile file with a 64 MB element or no terminator at all
// is read in constant memory: the segment is reported Truncated and skipped.
const MaxSegment = 1 << 20

// maxPrologue bounds what may precede the first ISA (a BOM, a mail header,
// prose): past it the input is declared "not X12".
const maxPrologue = 1 << 20

// SegmentKind tells real segments from the bytes between interchanges.
type SegmentKind uint8

const (
	// KindSegment is an ordinary X12 segment.
	KindSegment SegmentKind = iota
	// KindJunk is text that is not inside an interchange: a byte-order mark,
	// prose before the ISA, blank lines after the IEA. It is kept so that
	// writers can reproduce the input byte for byte.
	KindJunk
)

// Segment is one segment as it stands in the input. Its slices point into
// the reader's buffer and are valid only until the next call to Next.
type Segment struct {
	Kind       SegmentKind
	Raw        []byte // segment ID through its last element, without terminator
	Span       []byte // leading white space + Raw + terminator: the exact input bytes
	Offset     int64  // file offset of Raw[0]
	SpanOffset int64  // file offset of Span[0]
	Terminated bool   // false for a last segment cut off by the end of input
	Truncated  bool   // longer than MaxSegment: Raw holds its start only, Span is nil
	NewISA     bool   // an ISA that (re)declared the delimiters

	d    *Delimiters
	els  [][]byte
	r    *Reader
	pos  int // buffer index of Raw[0]
	line int // known line (a truncated segment's), or 0: ask the reader
}

// Line returns the 1-based line of Raw[0]. Lines are counted on demand, in
// bulk, since most callers never ask.
func (s *Segment) Line() int {
	if s.line > 0 {
		return s.line
	}
	return s.r.lineAt(s.pos)
}

// LineStart returns the file offset where Raw[0]'s line begins: a column
// is counted from there.
func (s *Segment) LineStart() int64 {
	r := s.r
	if s.pos > r.end || s.Truncated {
		return s.Offset // the segment's bytes have left the buffer
	}
	if s.pos >= r.lineOff {
		r.lineAt(s.pos)
		return r.lineStart
	}
	// An earlier segment of the buffer, asked for late: its line starts
	// after the last newline before it.
	if i := bytes.LastIndexByte(r.buf[:s.pos], '\n'); i >= 0 {
		return r.base + int64(i) + 1
	}
	return r.lineStart
}

// Delims returns the delimiters in force for this segment.
func (s *Segment) Delims() Delimiters { return *s.d }

// ID returns the segment identifier (element 0). Identifiers are two or
// three characters, so a short loop beats a search of the whole segment.
func (s *Segment) ID() []byte {
	for i := 0; i < len(s.Raw) && i < 4; i++ {
		if s.Raw[i] == s.d.Element {
			return s.Raw[:i]
		}
	}
	if i := bytes.IndexByte(s.Raw, s.d.Element); i >= 0 {
		return s.Raw[:i]
	}
	return s.Raw
}

// Elements splits the segment once and returns its elements, ID first.
func (s *Segment) Elements() [][]byte {
	if len(s.els) == 0 {
		s.els = SplitElements(s.els[:0], s.Raw, s.d.Element)
	}
	return s.els
}

// Element returns element i (ID is 0), or nil when the segment is shorter.
func (s *Segment) Element(i int) []byte {
	els := s.Elements()
	if i < len(els) {
		return els[i]
	}
	return nil
}

// Component returns component j (1-based) of element i.
func (s *Segment) Component(i, j int) []byte { return Component(s.Element(i), s.d.Component, j) }

const (
	lo7  = 0x7F7F7F7F7F7F7F7F
	ones = 0x0101010101010101
)

// SplitElements appends the sep-separated parts of b to dst without copying.
//
// It looks at eight bytes at a time (SWAR: a word with the separator's
// bytes set to 0x80, exactly, with no false positives), then byte by byte
// for the tail.
func SplitElements(dst [][]byte, b []byte, sep byte) [][]byte {
	start, i := 0, 0
	mask := uint64(sep) * ones
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) ^ mask // separator bytes are now 0
		z := ^((x&lo7 + lo7) | x | lo7)               // 0x80 exactly where x has a 0 byte
		for z != 0 {
			j := i + bits.TrailingZeros64(z)>>3
			dst = append(dst, b[start:j:j])
			start = j + 1
			z &= z - 1
		}
	}
	for ; i < len(b); i++ {
		if b[i] == sep {
			dst = append(dst, b[start:i:i])
			start = i + 1
		}
	}
	return append(dst, b[start:])
}

// Component returns the j-th (1-based) component of a composite element.
func Component(el []byte, sep byte, j int) []byte {
	for k := 1; ; k++ {
		i := bytes.IndexByte(el, sep)
		if k == j {
			if i < 0 {
				return el
			}
			return el[:i]
		}
		if i < 0 {
			return nil
		}
		el = el[i+1:]
	}
}

// InputError is a fatal reading error: the input is not X12 at all, or it
// could not be read. It says where and what was expected.
type InputError struct {
	Offset int64
	Msg    string
}

func (e *InputError) Error() string { return fmt.Sprintf("byte %d: %s", e.Offset, e.Msg) }

// Reader reads segments from an io.Reader in bounded memory:
//
//	r := edi.NewReader(f)
//	for r.Next() { seg := r.Segment(); ... }
//	if err := r.Err(); err != nil { ... }
type Reader struct {
	src       io.Reader
	buf       []byte
	pos, end  int   // unread data is buf[pos:end]
	base      int64 // file offset of buf[0]
	eof       bool
	err       error
	lineNo    int   // line number at buf[lineOff]
	lineOff   int   // newlines before this buffer index are counted in lineNo
	lineStart int64 // file offset where line lineNo begins

	// beforeMove, when set, is called before the buffer's data moves or is
	// replaced, while every slice handed out so far is still intact.
	beforeMove func()

	d        Delimiters
	seenISA  bool // an interchange was read: what follows is never "not X12"
	seekISA  bool // outside an interchange: everything up to the next ISA is junk
	started  bool
	seg      Segment
	overflow []byte // owned copy of a truncated segment's start
}

// NewReader returns a Reader over src.
func NewReader(src io.Reader) *Reader {
	r := &Reader{src: src, buf: make([]byte, 256<<10), lineNo: 1, seekISA: true}
	r.seg.d, r.seg.r = &r.d, r
	return r
}

// Err returns the first fatal error, or nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// Segment returns the segment read by the last successful Next.
func (r *Reader) Segment() *Segment { return &r.seg }

// Offset returns the file offset of the next unread byte.
func (r *Reader) Offset() int64 { return r.base + int64(r.pos) }

// lineAt returns the line number at buffer index pos, counting newlines
// from the last position asked (positions only move forward, except that
// an earlier segment of the same buffer may still be asked for).
func (r *Reader) lineAt(pos int) int {
	switch {
	case pos > r.lineOff:
		b := r.buf[r.lineOff:pos]
		if n := bytes.Count(b, []byte{'\n'}); n > 0 {
			r.lineNo += n
			r.lineStart = r.base + int64(r.lineOff+bytes.LastIndexByte(b, '\n')+1)
		}
		r.lineOff = pos
	case pos < r.lineOff:
		return r.lineNo - bytes.Count(r.buf[pos:r.lineOff], []byte{'\n'})
	}
	return r.lineNo
}

// fill reads more input, keeping buf[keep:end]; it returns false at EOF or
// on error. The buffer grows only up to MaxSegment plus a read's worth.
func (r *Reader) fill(keep int) bool {
	if r.eof || r.err != nil {
		return false
	}
	if r.beforeMove != nil {
		r.beforeMove()
	}
	if keep > 0 {
		r.lineAt(keep) // count what is about to leave the buffer
		r.lineOff -= keep
		copy(r.buf, r.buf[keep:r.end])
		r.end -= keep
		r.pos -= keep
		r.base += int64(keep)
	}
	if r.end == len(r.buf) {
		if len(r.buf) >= MaxSegment+ISALength*8 {
			return false // caller handles overflow
		}
		nb := make([]byte, min(len(r.buf)*2, MaxSegment+ISALength*8))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err == io.EOF {
			r.eof = true
			return n > 0
		}
		if err != nil {
			r.err = &InputError{Offset: r.base + int64(r.end), Msg: "read failed: " + err.Error()}
			return false
		}
		if n > 0 {
			return true
		}
	}
	r.err = &InputError{Offset: r.base + int64(r.end), Msg: "reader returned no data 100 times"}
	return false
}

// Next reads the next segment; it returns false at the end of input or on
// a fatal error (see Err).
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	// Reset field by field: assigning a whole Segment{} writes its pointers
	// through the write barrier, once per segment.
	s := &r.seg
	s.Kind, s.Terminated, s.Truncated, s.NewISA, s.line = KindSegment, false, false, false, 0
	s.els = s.els[:0]
	if !r.started {
		r.started = true
		if err := r.checkEncoding(); err != nil {
			r.err = err
			return false
		}
	}
	if r.seekISA {
		return r.nextJunk()
	}
	return r.nextSegment()
}

func (r *Reader) checkEncoding() error {
	for r.end-r.pos < 4 && r.fill(r.pos) {
	}
	if r.err != nil {
		return r.err
	}
	b := r.buf[r.pos:r.end]
	if len(b) == 0 {
		return &InputError{Offset: 0, Msg: "empty input: expected an X12 interchange starting with ISA"}
	}
	if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) ||
		len(b) >= 4 && (b[1] == 0 && b[3] == 0 || b[0] == 0 && b[2] == 0) {
		return &InputError{Offset: 0, Msg: "input is UTF-16 encoded; X12 is read as ASCII/UTF-8 (convert with: iconv -f UTF-16 -t UTF-8)"}
	}
	return nil
}

// nextJunk skips to the next ISA that starts a line (or follows white space,
// a byte-order mark or the previous terminator) and returns what it skipped
// as a junk segment, or the ISA itself when nothing precedes it.
func (r *Reader) nextJunk() bool {
	start := r.pos
	from := 0 // search offset relative to start
	// Not r.d.Segment == 0: NUL is a legal (if odd) terminator (FuzzScrub).
	firstInterchange := !r.seenISA
	var lastErr error
	for {
		i := bytes.Index(r.buf[start+from:r.end], []byte("ISA"))
		if i >= 0 {
			i += start + from
			if r.end-i < 512 && !r.eof {
				// Not enough bytes to read an ISA yet: get more, look again.
				offI := i - start
				ok := r.fill(start)
				if r.err != nil {
					return false
				}
				start = r.pos
				if !ok && !r.eof && offI > 0 {
					r.emitJunk(start, start+offI) // buffer full: hand over what precedes
					return true
				}
				from = offI
				continue
			}
			prev := byte('\n')
			if i > 0 {
				prev = r.buf[i-1]
			}
			if i == start || isSpace(prev) || prev == 0xBF || prev == r.d.Segment {
				d, n, err := ParseISA(r.buf[i:r.end])
				if err == nil {
					if i > start {
						r.emitJunk(start, i)
						return true
					}
					r.d = d
					r.seekISA, r.seenISA = false, true
					r.emit(start, i, i+n-1, i+n, true)
					r.seg.NewISA = true
					return true
				}
				lastErr = &InputError{Offset: r.base + int64(i), Msg: "ISA segment is malformed: " + err.Error()}
			}
			from = i + 1 - start
			continue
		}
		if r.eof || r.end-start > maxPrologue {
			if firstInterchange {
				r.failNoISA(lastErr)
				return false
			}
			if r.end == start {
				return false
			}
			stop := r.end
			if !r.eof {
				stop -= 2 // an "IS" at the edge may be the start of an ISA
			}
			r.emitJunk(start, stop)
			return true
		}
		from = max(r.end-start-2, 0)
		if !r.fill(start) && r.err != nil {
			return false
		}
		start = r.pos
	}
}

func (r *Reader) failNoISA(lastErr error) {
	if lastErr != nil {
		r.err = lastErr
		return
	}
	r.err = &InputError{Offset: r.base + int64(r.pos), Msg: "not X12: no ISA segment found (expected an interchange starting with \"ISA\")"}
}

func (r *Reader) emitJunk(start, stop int) {
	r.seg.Kind = KindJunk
	r.seg.Raw = r.buf[start:stop]
	r.seg.Span = r.seg.Raw
	r.seg.Offset = r.base + int64(start)
	r.seg.SpanOffset = r.seg.Offset
	r.seg.pos = start
	r.seg.Terminated = true
	r.pos = stop
}

// emit records a segment whose span is buf[lead:stop], raw buf[start:rawEnd].
func (r *Reader) emit(lead, start, rawEnd, stop int, terminated bool) {
	r.seg.pos = start
	raw := r.buf[start:rawEnd]
	if r.d.Segment == '\n' && len(raw) > 0 && raw[len(raw)-1] == '\r' {
		raw = raw[:len(raw)-1] // CRLF file whose ISA declares LF as the terminator
	}
	r.seg.Raw = raw
	r.seg.Span = r.buf[lead:stop]
	r.seg.Offset = r.base + int64(start)
	r.seg.SpanOffset = r.base + int64(lead)
	r.seg.Terminated = terminated
	r.pos = stop
}

func (r *Reader) nextSegment() bool {
	term := r.d.Segment
	lead := r.pos
	// Skip white space and empty segments (blank lines when the terminator
	// is itself a newline).
	start := lead
	for {
		if start = skipBlank(r.buf[:r.end], start, term); start < r.end {
			break
		}
		// fill may move the data even when it returns false: positions are
		// recomputed from r.pos after every call.
		off := start - lead
		ok := r.fill(lead)
		lead = r.pos
		start = lead + off
		if !ok {
			if r.err != nil {
				return false
			}
			if start > lead {
				// Trailing white space at the end of input.
				r.emitJunk(lead, start)
				return true
			}
			return false
		}
	}
	// A new ISA at a segment start (several interchanges back to back, or one
	// without its IEA) may declare new delimiters.
	for r.end-start < 4 && !r.eof {
		off := start - lead
		ok := r.fill(lead)
		lead = r.pos
		start = lead + off
		if !ok {
			break
		}
	}
	if r.end-start >= 4 && r.buf[start] == 'I' && r.buf[start+1] == 'S' && r.buf[start+2] == 'A' && !isAlnum(r.buf[start+3]) {
		r.seekISA = true
		r.pos = lead
		return r.nextJunk()
	}
	scan := start
	for {
		i := bytes.IndexByte(r.buf[scan:r.end], term)
		if i >= 0 {
			stop := scan + i
			r.emit(lead, start, stop, stop+1, true)
			r.afterSegment()
			return true
		}
		if r.end-lead >= MaxSegment {
			return r.skipOverflow(lead, start)
		}
		offScan, offStart := r.end-lead, start-lead
		ok := r.fill(lead)
		lead = r.pos
		start = lead + offStart
		scan = lead + offScan
		if !ok {
			if r.err != nil {
				return false
			}
			if r.end-lead >= MaxSegment {
				return r.skipOverflow(lead, start)
			}
			if !r.eof {
				continue // the buffer grew; nothing was read yet
			}
			// End of input inside a segment: hand it over unterminated.
			r.emit(lead, start, r.end, r.end, false)
			r.afterSegment()
			return true
		}
	}
}

// skipBlank returns the index of the first byte at or after pos that is
// neither white space nor the terminator (an empty segment), or len(b).
func skipBlank(b []byte, pos int, term byte) int {
	for pos < len(b) {
		// Nearly always the first letter of an ID: one compare (white
		// space is at most ' ') and the terminator's.
		if c := b[pos]; c > ' ' && c != term || !isSpace(c) && c != term {
			break
		}
		pos++
	}
	return pos
}

func (r *Reader) afterSegment() {
	if raw := r.seg.Raw; len(raw) >= 3 && raw[0] == 'I' && raw[1] == 'E' && raw[2] == 'A' && (len(raw) == 3 || raw[3] == r.d.Element) {
		r.seekISA = true
	}
}

// skipOverflow discards a segment longer than MaxSegment up to its
// terminator and reports its first bytes as a Truncated segment.
func (r *Reader) skipOverflow(lead, start int) bool {
	r.seg.line = r.lineAt(start) // the bytes it skips leave the buffer
	r.seg.Offset = r.base + int64(start)
	r.seg.SpanOffset = r.base + int64(lead)
	r.seg.Truncated = true
	r.seg.Span = nil
	r.overflow = append(r.overflow[:0], r.buf[start:min(start+64, r.end)]...)
	r.seg.Raw = r.overflow
	term := r.d.Segment
	scan := start
	for {
		i := bytes.IndexByte(r.buf[scan:r.end], term)
		if i >= 0 {
			r.pos = scan + i + 1
			r.seg.Terminated = true
			return true
		}
		r.pos = r.end
		if !r.fill(r.end) {
			if r.err != nil {
				return false
			}
			return true // unterminated at end of input
		}
		scan = r.pos
	}
}
