// Package report writes scrub837's output formats, one file each: the text
// report (text.go), NDJSON (json.go), the 277CA (ack277.go) and 999
// (ack999.go) acknowledgments, the annotated 837 (annotated.go) and the
// clean and rejected 837 files (split.go). Each is a scrub.Printer: Render
// formats one scrubbed transaction set, Write puts it in input order.
package report

import (
	"bytes"
	"io"
	"strconv"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/mem"
)

// char is a delimiter as a one-byte string. string(c) on a byte would
// encode it as a rune: two bytes for a delimiter of 0x80 or more, which
// breaks the fixed-width ISA (found by FuzzScrub).
func char(c byte) string { return string([]byte{c}) }

// segWriter writes segments with a given set of delimiters.
type segWriter struct {
	out []byte
	d   edi.Delimiters
	nl  string
	n   int // segments written since reset
	// tmp holds values formatted for the segments being written (amounts,
	// dates, composites): the 277CA formats several per claim, and resets
	// it per claim.
	tmp mem.Arena
	// class marks the bytes a value cannot hold as it is: splits (they
	// would end the element or the segment early) and the component
	// separator. One load per byte instead of five compares (the 277CA
	// writes every claim's names and numbers through it).
	class [256]uint8
}

const (
	classSplits    = 1 << iota // element or segment terminator, repetition separator, CR, LF
	classComponent             // component separator
)

func newSegWriter(out []byte, d edi.Delimiters, nl string) *segWriter {
	w := &segWriter{out: out, d: d, nl: nl}
	for _, c := range []byte{d.Element, d.Segment, '\r', '\n'} {
		w.class[c] |= classSplits
	}
	if d.Repetition != 0 {
		w.class[d.Repetition] |= classSplits
	}
	w.class[d.Component] |= classComponent
	return w
}

// Bytes returns what was written.
func (w *segWriter) Bytes() []byte { return w.out }

// Reset forgets what was written.
func (w *segWriter) Reset() { w.out = w.out[:0] }

// d8 formats a yyyymmdd date (never negative: ParseDate's) as eight
// digits; hi > 0 makes it an RD8 range "lo-hi".
func (w *segWriter) d8(lo, hi int) string {
	mark := w.tmp.Mark()
	w.tmp.AppendDigits(lo, 8)
	if hi > 0 {
		w.tmp.AppendByte('-')
		w.tmp.AppendDigits(hi, 8)
	}
	return w.tmp.Since(mark)
}

// isa writes an ISA: the one segment whose values (ISA11, ISA16) are
// delimiters themselves; its other values are cleaned one by one (line
// breaks included).
func (w *segWriter) isa(els ...string) {
	for i, e := range els {
		if i > 0 {
			w.out = append(w.out, w.d.Element)
		}
		if i != 11 && i != 16 {
			e = w.clean(e)
		}
		w.out = append(w.out, e...)
	}
	w.out = append(w.out, w.d.Segment)
	w.out = append(w.out, w.nl...)
	w.n++
}

func (w *segWriter) seg(els ...string) {
	for len(els) > 1 && els[len(els)-1] == "" {
		els = els[:len(els)-1]
	}
	for i, e := range els {
		if i > 0 {
			w.out = append(w.out, w.d.Element)
		}
		// Whatever an element holds, it cannot end the element or segment
		// early: values copied from the input may carry our delimiters.
		// Runs of safe bytes are written in one go: every claim's names and
		// numbers pass through here.
		for len(e) > 0 {
			k := 0
			for k < len(e) && w.class[e[k]]&classSplits == 0 {
				k++
			}
			w.out = append(w.out, e[:k]...)
			if k == len(e) {
				break
			}
			w.out = append(w.out, ' ')
			e = e[k+1:]
		}
	}
	w.out = append(w.out, w.d.Segment)
	w.out = append(w.out, w.nl...)
	w.n++
}

// amount formats d as claim.Decimal.String does.
func (w *segWriter) amount(d claim.Decimal) string { return w.tmp.Keep(d.Append(w.tmp.Tail())) }

func (w *segWriter) comp(parts ...string) string {
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	mark := w.tmp.Mark()
	for i, p := range parts {
		if i > 0 {
			w.tmp.AppendByte(w.d.Component)
		}
		w.tmp.AppendString(p)
	}
	return w.tmp.Since(mark)
}

// clean makes a value safe to write as one element: delimiters of the
// output would split it, so they become spaces.
func (w *segWriter) clean(s string) string {
	// (Line breaks too: seg would make them spaces anyway.)
	i := 0 // one pass: values are names and codes, a few bytes each
	for i < len(s) && w.class[s[i]] == 0 {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if w.class[c] != 0 {
			b[i] = ' '
		}
	}
	return string(b)
}

// leadOf returns the leading white space of a raw segment span.
func leadOf(raw []byte) []byte {
	i := 0
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') {
		i++
	}
	return raw[:i]
}

// ElementRef names an element as X12 guides do: SV101-2, CLM02, SE01.
func ElementRef(id string, elem, comp int) string {
	if elem == 0 {
		return id
	}
	return string(appendElementRef(make([]byte, 0, 12), id, elem, comp))
}

// appendElementRef appends ElementRef(id, elem, comp) to b.
func appendElementRef[S string | []byte](b []byte, id S, elem, comp int) []byte {
	b = append(b, id...)
	if elem == 0 {
		return b
	}
	if elem < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(elem), 10)
	if comp > 0 {
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(comp), 10)
	}
	return b
}

// writeAll writes b to w.
func writeAll(w io.Writer, b []byte) error {
	_, err := w.Write(b)
	return err
}

// positions tells findings' lines and columns within one claim at a time:
// forward from the claim's start, and again from there for a place before
// the last one asked (a claim's findings are mostly, not always, in order).
type positions struct {
	start, cur edi.LineCursor
	last       int
	// oneLine: no line break after the ST segment's start, as in files
	// written on one line; every place is then on the ST's line, and its
	// column is its distance from the line's start.
	oneLine bool
	tx      *edi.Transaction
}

func newPositions(tx *edi.Transaction) positions {
	c := tx.LineCursor()
	p := positions{start: c, cur: c, tx: tx}
	if len(tx.Segs) > 0 {
		p.oneLine = bytes.IndexByte(tx.Raw[tx.Segs[0].Start:], '\n') < 0
	}
	return p
}

// claim moves to the claim whose first segment is seg.
func (p *positions) claim(tx *edi.Transaction, seg int) {
	if p.oneLine {
		return
	}
	at := int(tx.Segs[seg].Start)
	p.start.Position(at)
	p.cur, p.last = p.start, at
}

// at returns the line and column of Raw[at].
func (p *positions) at(at int) (line, col int) {
	if p.oneLine {
		return p.tx.Line, int(p.tx.Offset+int64(at)-p.tx.LineStart) + 1
	}
	if at < p.last {
		p.cur = p.start
	}
	p.last = at
	return p.cur.Position(at)
}
