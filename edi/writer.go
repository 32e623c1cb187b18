package edi

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Printer writes one output format. Render formats one scrubbed
// transaction and may run on any goroutine; Write is then called for every
// item in input order, on one goroutine, with what Render returned for a
// transaction item (nil for the others). Close ends the output.
type Printer interface {
	Render(buf []byte, res *Result) []byte
	Write(it *Item, res *Result, rendered []byte) error
	Close(sum *Summary) error
}

// Summary counts a run. It never holds names, member ids or birth dates.
type Summary struct {
	Files      int
	Bytes      int64 // input bytes read
	Claims     int
	Accepted   int
	Rejected   int
	Flagged    int // claims with at least one finding of any severity
	AcceptedAt Decimal
	RejectedAt Decimal
	ByRule     map[string]int
	Envelope   int // envelope problems outside transactions (GE, IEA, stray segments)
	// Unsupported names transactions that are not 837P (837I, 4010, …):
	// they are not scrubbed, and the run ends with exit status 2.
	Unsupported []string
	// ClaimSegments counts CLM segments as read, independently of the
	// model, for the conservation check.
	ClaimSegments int
	Elapsed       time.Duration
}

// Add counts one scrubbed transaction.
func (s *Summary) Add(res *Result) {
	if s.ByRule == nil {
		s.ByRule = map[string]int{}
	}
	acc, rej, accAmt, rejAmt := res.Counts()
	s.Claims += acc + rej
	s.Accepted += acc
	s.Rejected += rej
	s.AcceptedAt += accAmt
	s.RejectedAt += rejAmt
	for i := range res.Claims {
		if len(res.Claims[i].Findings) > 0 {
			s.Flagged++
		}
		for _, f := range res.Claims[i].Findings {
			s.ByRule[f.Rule]++
		}
	}
}

// Line is the one-line summary printed on standard error.
func (s *Summary) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scrub837: %s read, %d accepted, %d rejected", Plural(s.Claims, "claim"), s.Accepted, s.Rejected)
	if len(s.ByRule) > 0 {
		b.WriteString("; findings: ")
		b.WriteString(s.rules())
	}
	if s.Envelope > 0 {
		fmt.Fprintf(&b, "; %d envelope problems", s.Envelope)
	}
	fmt.Fprintf(&b, " (%s)", s.Elapsed.Round(time.Millisecond))
	return b.String()
}

func (s *Summary) rules() string {
	ids := make([]string, 0, len(s.ByRule))
	for id := range s.ByRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id + " " + strconv.Itoa(s.ByRule[id])
	}
	return strings.Join(parts, ", ")
}

// char is a delimiter as a one-byte string. string(c) on a byte would
// encode it as a rune: two bytes for a delimiter of 0x80 or more, which
// breaks the fixed-width ISA (found by FuzzScrub).
func char(c byte) string { return string([]byte{c}) }

// Plural writes "1 claim", "2 claims".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// segWriter writes segments with a given set of delimiters.
type segWriter struct {
	out []byte
	d   Delimiters
	nl  string
	n   int // segments written since reset
	// tmp holds values formatted for the segments being written (amounts,
	// dates, composites): the 277CA formats several per claim, and resets
	// it per claim.
	tmp Arena
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

func newSegWriter(out []byte, d Delimiters, nl string) *segWriter {
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
		// Runs of safe bytes are written in one go (byte by byte, this loop
		// was a third of the 277CA writer's time).
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

// lineEnding returns what the input writes after its terminators ("" or a
// newline), so that generated files look like the input.
func lineEnding(tx *Transaction) string {
	if t := tx.Interchange.Delims.Segment; t == '\n' || t == '\r' {
		return "" // the terminator is the line break already
	}
	if len(tx.Segs) > 1 {
		lead := tx.Raw[tx.Lead(1):tx.Segs[1].Start]
		switch {
		case bytes.Contains(lead, []byte("\r\n")):
			return "\r\n"
		case bytes.IndexByte(lead, '\n') >= 0:
			return "\n"
		}
	}
	return ""
}

// leadOf returns the leading white space of a raw segment span.
func leadOf(raw []byte) []byte {
	i := 0
	for i < len(raw) && isSpace(raw[i]) {
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

// SegIDAt returns segment i's ID ("" when i is out of range).
func (t *Transaction) SegIDAt(i int) string { return string(t.segIDBytes(i)) }

// segIDBytes is SegIDAt without the copy.
func (t *Transaction) segIDBytes(i int) []byte {
	if i < 0 || i >= len(t.Segs) {
		return nil
	}
	c := t.Content(i)
	if j := bytes.IndexByte(c, t.Interchange.Delims.Element); j >= 0 {
		c = c[:j]
	}
	return c
}

// LineLX returns LX01 of a finding's line ("" for claim level).
func (c *Claim) LineLX(f *Finding) string {
	if f.Line < 0 || f.Line >= len(c.Lines) {
		return ""
	}
	return c.Lines[f.Line].LX
}

// writeAll writes b to w.
func writeAll(w io.Writer, b []byte) error {
	_, err := w.Write(b)
	return err
}
