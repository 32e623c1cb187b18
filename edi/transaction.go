package edi

import (
	"bytes"
	"strconv"
)

// SegID is a segment identifier the model cares about, as a small integer
// so the model's dispatch is a switch, not a string compare per segment.
type SegID uint8

const (
	SegOther SegID = iota
	SegST
	SegSE
	SegBHT
	SegHL
	SegNM1
	SegCLM
	SegLX
	SegSV1
	SegDTP
	SegREF
	SegNTE
	SegSBR
	SegPS1
	SegHCP
	SegLIN
	SegSVD
	SegLQ
	SegCR1
	SegCR2
	SegCRC
	SegHI
	SegTruncated // a segment longer than MaxSegment, dropped from Raw
	SegGS
	SegGE
	SegIEA
	// SegKnown is every other segment an 837P (or its envelope) defines:
	// N3, N4, DMG, PER, PRV, … A segment of none of these kinds is SegOther,
	// which an 837P does not define (X12-SEGMENT-UNKNOWN).
	SegKnown
)

// segIDOf classifies a segment identifier.
func segIDOf(id []byte) SegID {
	switch {
	case len(id) == 2:
		return segKind(uint32(id[0]) | uint32(id[1])<<8)
	case len(id) == 3 && id[2] != 0: // a NUL third byte would pack like a two-byte id
		return segKind(uint32(id[0]) | uint32(id[1])<<8 | uint32(id[2])<<16)
	}
	return SegOther
}

// segKind maps an identifier of two or three bytes, packed little-endian,
// to its SegID: the one table behind segIDOf and the parser's kindAt. It
// is a perfect hash (a multiply, a shift, one compare) rather than a
// switch: it runs for every segment of a batch, and a 25-case switch is a
// call and a binary search.
func segKind(k uint32) SegID {
	e := &segTable[(k*segHashMul)>>(32-segHashBits)]
	if e.key == k {
		return e.id
	}
	return SegOther
}

// segNames are the identifiers the model and the envelope parser tell apart.
var segNames = [...]struct {
	name string
	id   SegID
}{
	{"GS", SegGS},
	{"GE", SegGE},
	{"IEA", SegIEA},
	{"ST", SegST},
	{"SE", SegSE},
	{"BHT", SegBHT},
	{"HL", SegHL},
	{"NM1", SegNM1},
	{"CLM", SegCLM},
	{"LX", SegLX},
	{"SV1", SegSV1},
	{"DTP", SegDTP},
	{"REF", SegREF},
	{"NTE", SegNTE},
	{"SBR", SegSBR},
	{"PS1", SegPS1},
	{"HCP", SegHCP},
	{"LIN", SegLIN},
	{"SVD", SegSVD},
	{"LQ", SegLQ},
	{"CR1", SegCR1},
	{"CR2", SegCR2},
	{"CRC", SegCRC},
	{"HI", SegHI},
	{"AMT", SegKnown}, {"CAS", SegKnown}, {"CN1", SegKnown}, {"CR3", SegKnown}, {"CTP", SegKnown}, {"CUR", SegKnown},
	{"DMG", SegKnown}, {"FRM", SegKnown}, {"K3", SegKnown}, {"MEA", SegKnown}, {"MOA", SegKnown}, {"N3", SegKnown},
	{"N4", SegKnown}, {"OI", SegKnown}, {"PAT", SegKnown}, {"PER", SegKnown}, {"PRV", SegKnown}, {"PWK", SegKnown},
	{"QTY", SegKnown}, {"SV5", SegKnown}, {"ISA", SegKnown}, {"TA1", SegKnown},
}

// segIDLen is the length of each kind's identifier (0 for SegOther and
// SegTruncated).
var segIDLen = func() (n [SegKnown + 1]uint8) {
	for _, s := range segNames {
		if s.id != SegKnown { // two- and three-letter ids share SegKnown
			n[s.id] = uint8(len(s.name))
		}
	}
	return n
}()

const (
	segHashMul  = 0x70f7f749 // found by search: no two segNames share a slot
	segHashBits = 7
)

var segTable = func() (t [1 << segHashBits]struct {
	key uint32
	id  SegID
}) {
	for _, n := range segNames {
		k := uint32(0)
		for i := 0; i < len(n.name); i++ {
			k |= uint32(n.name[i]) << (8 * i)
		}
		e := &t[(k*segHashMul)>>(32-segHashBits)]
		if e.key != 0 {
			panic("edi: segment id hash collision: " + n.name) // TestSegKind
		}
		e.key, e.id = k, n.id
	}
	return t
}()

// Seg locates one segment inside Transaction.Raw: Raw[Start:End] is its
// content, and Raw[End:End+Tail] what ends it. Segments tile Raw: a
// segment's exact input span (leading white space, content, end) starts
// where the one before it stops, and the first at 0 (Transaction.Lead,
// Stop, Span). 12 bytes, not the 20 that storing both ends of the span
// took: a 5,000-claim transaction has about 100,000 segments, written once
// and read by every pass.
type Seg struct {
	Start, End int32
	ID         SegID
	// Tail is 1 for the terminator, 2 for a CR and the terminator (a CRLF
	// file whose ISA declares LF as the terminator: the CR is not content),
	// 0 for a last segment cut off by the end of input (or 1 for its CR)
	// and for one too long to keep (SegTruncated, Start == End).
	Tail uint8
}

// Stop is the end of the segment's span.
func (s *Seg) Stop() int32 { return s.End + int32(s.Tail) }

// Lead returns the start of segment i's exact input span: where its
// leading white space starts.
func (t *Transaction) Lead(i int) int32 {
	if i == 0 {
		return 0
	}
	return t.Segs[i-1].Stop()
}

// Stop returns the end of segment i's exact input span: after its
// terminator.
func (t *Transaction) Stop(i int) int32 { return t.Segs[i].Stop() }

// Transaction is one ST…SE transaction set: its exact bytes and the index
// of its segments. Raw is never modified after the parser hands the
// transaction over, so views into it (the 837P model's strings) need no copy.
type Transaction struct {
	Interchange *Interchange
	Group       *Group
	Index       int    // 0-based within the group
	Raw         []byte // the exact input bytes, first segment's lead to SE terminator
	Offset      int64  // file offset of Raw[0]
	Line        int    // line of the ST segment in the file
	LineStart   int64  // file offset where the ST segment's line begins
	Segs        []Seg

	ST01, ST02, ST03 string
	HasSE            bool
	// CLMs, HLs and LXs count the CLM, HL and LX segments as read: CLMs is
	// the conservation check's "claims in", and the model sizes its arrays
	// by all three.
	CLMs, HLs, LXs int
	// Problems are envelope faults: every claim of the transaction is
	// rejected with them.
	Problems []Problem
	// SegmentErrors lists the structural problems the parser found at a
	// segment, for the 999; the model adds its own (claim.Model.SegmentErrors).
	SegmentErrors []Problem
	Unsupported   string // non-empty when this is not an 837P (837I, 4010, …): why
}

// count keeps the parser's tallies of the segments the model sizes its arrays by.
func (t *Transaction) count(id SegID) {
	switch id {
	case SegCLM:
		t.CLMs++
	case SegHL:
		t.HLs++
	case SegLX:
		t.LXs++
	}
}

// Content returns segment i's content without terminator.
func (t *Transaction) Content(i int) []byte {
	s := t.Segs[i]
	return t.Raw[s.Start:s.End]
}

// Span returns segment i's exact input bytes.
func (t *Transaction) Span(i int) []byte {
	s := t.Segs[i]
	return t.Raw[t.Lead(i):s.Stop()]
}

// SegOffset returns the file offset of segment i.
func (t *Transaction) SegOffset(i int) int64 {
	if i < 0 || i >= len(t.Segs) {
		return t.Offset
	}
	return t.Offset + int64(t.Segs[i].Start)
}

// Cursor reads a segment's elements one after another, in place: the one
// way code past the reader reads elements. A reader needs a few leading
// elements of each segment, and a cursor over them costs less than filling
// a slice of slices.
type Cursor struct {
	b   []byte
	sep byte
	end bool // the last element was returned
}

// NewCursor returns a cursor over b's elements separated by sep.
func NewCursor(b []byte, sep byte) Cursor { return Cursor{b: b, sep: sep} }

// Next returns the next element, or nil past the last one. (A byte loop:
// elements are a few bytes long.)
func (f *Cursor) Next() []byte {
	if f.end {
		return nil
	}
	for i, c := range f.b {
		if c == f.sep {
			e := f.b[:i:i]
			f.b = f.b[i+1:]
			return e
		}
	}
	f.end = true
	return f.b
}

// Skip passes over n elements.
func (f *Cursor) Skip(n int) {
	for ; n > 0; n-- {
		f.Next()
	}
}

// Done reports whether the last element has been returned.
func (f *Cursor) Done() bool { return f.end }

// Cursor returns a cursor at element 1 of segment i. The ID's length
// follows from the kind the segment was indexed with (two bytes for HL,
// three for NM1, …), so the ID is not scanned for its end.
func (t *Transaction) Cursor(i int) Cursor {
	c, sep := t.Content(i), t.Interchange.Delims.Element
	n := int(segIDLen[t.Segs[i].ID])
	if n == 0 || len(c) < n || len(c) > n && c[n] != sep {
		f := NewCursor(c, sep) // from the ID
		f.Next()
		return f
	}
	if len(c) == n {
		return Cursor{sep: sep, end: true} // no element after the ID
	}
	return NewCursor(c[n+1:], sep)
}

// Element returns element n (1-based) of segment i, or nil.
func (t *Transaction) Element(i, n int) []byte {
	f := t.Cursor(i)
	f.Skip(n - 1)
	return f.Next()
}

// SegIDBytes returns segment i's identifier as written, a view of Raw (nil
// when i is out of range).
func (t *Transaction) SegIDBytes(i int) []byte {
	if i < 0 || i >= len(t.Segs) {
		return nil
	}
	c := t.Content(i)
	if j := bytes.IndexByte(c, t.Interchange.Delims.Element); j >= 0 {
		c = c[:j]
	}
	return c
}

// ElementAt returns the index in Raw where element elem (1-based; 0: the
// segment itself), component comp (1-based; 0: the whole element) of
// segment i begins: where the segment's content ends when it has no such
// element, at the element's last component when it has no such component.
func (t *Transaction) ElementAt(i, elem, comp int) int {
	s, d := t.Segs[i], t.Interchange.Delims
	c := t.Raw[s.Start:s.End]
	p := 0
	for n := 0; n < elem; n++ {
		j := bytes.IndexByte(c[p:], d.Element)
		if j < 0 {
			return int(s.End)
		}
		p += j + 1
	}
	for n := 1; n < comp; n++ {
		j := bytes.IndexByte(c[p:], d.Component)
		if j < 0 || bytes.IndexByte(c[p:p+j], d.Element) >= 0 {
			break // no such component: the element's last one
		}
		p += j + 1
	}
	return int(s.Start) + p
}

// LineCursor tells the physical line and column of places in a
// transaction's bytes, scanning forward from the last place asked.
type LineCursor struct {
	t         *Transaction
	at, line  int
	lineStart int64 // file offset where line begins
}

// LineCursor returns a cursor at the transaction's ST segment.
func (t *Transaction) LineCursor() LineCursor {
	c := LineCursor{t: t, line: t.Line, lineStart: t.LineStart}
	if len(t.Segs) > 0 {
		c.at = int(t.Segs[0].Start)
	}
	return c
}

// Position returns the line and column (1-based; the column counts bytes)
// of Raw[at]. Asking for a place before the last one rescans from the ST
// segment: callers copy a cursor to come back to a place.
func (c *LineCursor) Position(at int) (line, col int) {
	if at < c.at {
		*c = c.t.LineCursor()
	}
	if at > c.at {
		b := c.t.Raw[c.at:at]
		if n := bytes.Count(b, []byte{'\n'}); n > 0 {
			c.line += n
			c.lineStart = c.t.Offset + int64(c.at+bytes.LastIndexByte(b, '\n')+1)
		}
		c.at = at
	}
	return c.line, int(c.t.Offset+int64(at)-c.lineStart) + 1
}

// LineEnding returns what the input writes after its terminators ("" or a
// newline), so that files written from it look like it.
func (t *Transaction) LineEnding() string {
	if term := t.Interchange.Delims.Segment; term == '\n' || term == '\r' {
		return "" // the terminator is the line break already
	}
	if len(t.Segs) > 1 {
		lead := t.Raw[t.Lead(1):t.Segs[1].Start]
		switch {
		case bytes.Contains(lead, []byte("\r\n")):
			return "\r\n"
		case bytes.IndexByte(lead, '\n') >= 0:
			return "\n"
		}
	}
	return ""
}

// Quote shows a value in a message, cut at 40 bytes. Values quoted in
// messages are codes and numbers, never names.
func Quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
