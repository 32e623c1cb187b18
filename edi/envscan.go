package edi

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"
	"strconv"
)

// envScan is what a seekable input's envelope trailers say, read before
// the input is parsed: a GE's or an IEA's counts and control numbers are
// otherwise known only after the claims before them were answered. With
// it, a wrong GE rejects its group (AK9 R) and a wrong IEA its interchange
// (TA1 R) before any of their claims is reported accepted.
type envScan struct {
	groups map[int64]*groupScan // by the offset of the GS segment
	ics    map[int64]*icScan    // by the offset of the ISA segment
}

type groupScan struct {
	sets       int // ST segments between the GS and its GE
	ge         bool
	ge01, ge02 string
	control    string // GS06
}

type icScan struct {
	groups       int
	iea          bool
	iea01, iea02 string
}

// scanChunk is how much of the input the scan reads at a time.
const scanChunk = 4 << 20

// scanEnvelopes walks r's segments by their terminators (each
// interchange's own, read from its ISA) and notes its ISA, GS, ST, GE and
// IEA segments. It looks at the first bytes of each segment only. Input it
// cannot follow (no ISA, a segment longer than a chunk) ends the scan with
// what it has: the parser then falls back to finding trailer faults late.
// A large input is scanned in two halves at once (scanHalves).
func scanEnvelopes(r io.ReaderAt, size int64) *envScan {
	if size >= parallelScan {
		return scanHalves(r, size, size/2, scanChunk, true)
	}
	return scanEnvelopesIn(r, size, scanChunk, true)
}

// parallelScan is the smallest input scanned in two halves at once: below
// it the second goroutine costs more than it saves.
const parallelScan = 16 << 20

// scanEnvelopesIn is scanEnvelopes reading chunk bytes at a time, in one
// pass; fast false turns the word-at-a-time skip off, so that every
// segment goes through the general path (tests compare the two, with small
// chunks that put segments across buffer edges).
func scanEnvelopesIn(r io.ReaderAt, size int64, chunk int, fast bool) *envScan {
	s := newEnvScanner(r, size, chunk, fast, 0, size)
	s.run()
	return s.result()
}

// envScanner scans the segments that start in [from, stop) (the last may
// run past stop), keeping the interchange and group open at its end.
type envScanner struct {
	sc          *envScan
	r           io.ReaderAt
	size, stop  int64
	chunk       int
	fast        bool
	buf, b      []byte
	i           int
	base        int64 // offset of buf[0]
	d           Delimiters
	ic          *icScan
	g           *groupScan
	gaveUp      bool
	openedUnder []int64 // groups opened under the interchange open at from (scanHalves)
	outer       *icScan // that interchange, a stand-in in the second half
}

func newEnvScanner(r io.ReaderAt, size int64, chunk int, fast bool, from, stop int64) *envScanner {
	s := &envScanner{sc: &envScan{groups: map[int64]*groupScan{}, ics: map[int64]*icScan{}},
		r: r, size: size, stop: stop, chunk: chunk, fast: fast, buf: make([]byte, chunk), base: from}
	n, _ := r.ReadAt(s.buf, from)
	s.b = s.buf[:n]
	return s
}

// refill keeps b[i:] and reads more behind it.
func (s *envScanner) refill() bool {
	if s.base+int64(len(s.b)) >= s.size {
		return false
	}
	rest := copy(s.buf, s.b[s.i:])
	s.base += int64(s.i)
	m, _ := s.r.ReadAt(s.buf[rest:], s.base+int64(rest))
	s.b, s.i = s.buf[:rest+m], 0
	return m > 0
}

// result is what the scan saw; after giving up, what it had not seen close
// is unknown, not missing, and is left to the parser.
func (s *envScanner) result() *envScan {
	if s.gaveUp {
		s.sc.forgetUnclosed()
	}
	return s.sc
}

// forgetUnclosed drops the groups and interchanges whose trailer the scan
// did not reach.
func (sc *envScan) forgetUnclosed() {
	for k, g := range sc.groups {
		if !g.ge {
			delete(sc.groups, k)
		}
	}
	for k, ic := range sc.ics {
		if !ic.iea {
			delete(sc.ics, k)
		}
	}
}

// run scans up to the first segment that starts at or after stop, or to
// the end of the input, or until it cannot follow the input (gaveUp).
func (s *envScanner) run() {
	for {
		// The next segment's start: past white space.
		for {
			for s.i < len(s.b) && isSpace(s.b[s.i]) {
				s.i++
			}
			if len(s.b)-s.i >= ISALength+8 || !s.refill() {
				break
			}
		}
		if s.i >= len(s.b) || s.base+int64(s.i) >= s.stop {
			return
		}
		b, i, d := s.b, s.i, s.d
		seg := b[i:]
		at := s.base + int64(i)
		if bytes.HasPrefix(seg, []byte("ISA")) {
			nd, isaLen, err := ParseISA(seg)
			if err != nil {
				s.gaveUp = true
				return
			}
			s.d = nd
			s.ic = &icScan{}
			s.sc.ics[at] = s.ic
			s.g = nil
			s.i += isaLen
			continue
		}
		if d.Segment == 0 { // before the first ISA: a byte-order mark, text
			k := bytes.Index(seg, []byte("ISA"))
			if k < 0 {
				return
			}
			s.i += k
			continue
		}
		// Most segments are none of these: skip to the next one that is,
		// eight bytes at a time. Near the buffer's end, and for a segment
		// whose terminator is not before the guard, the general path below
		// goes on, segment by segment: the terminator may be in the guard.
		if s.fast && len(b)-i > scanGuard && !envelopeAt(seg, d) {
			if next := nextEnvelope(b, i, len(b)-scanGuard, d); next > i {
				s.i = next
				continue
			}
		}
		end := bytes.IndexByte(seg, d.Segment)
		for end < 0 {
			if len(s.b)-s.i >= s.chunk {
				s.gaveUp = true // a segment longer than a chunk
				return
			}
			if !s.refill() {
				return // the input ends inside a segment: cut off
			}
			seg = s.b[s.i:]
			end = bytes.IndexByte(seg, d.Segment)
		}
		at = s.base + int64(s.i)
		content := seg[:end]
		if d.Segment == '\n' {
			content = bytes.TrimSuffix(content, []byte("\r"))
		}
		id, rest, _ := bytes.Cut(content, []byte{d.Element})
		switch string(id) {
		case "GS":
			if s.ic != nil {
				s.ic.groups++
				s.g = &groupScan{control: string(element(bytes.Split(content, []byte{d.Element}), 6))}
				s.sc.groups[at] = s.g
				if s.ic == s.outer {
					s.openedUnder = append(s.openedUnder, at)
				}
			}
		case "ST":
			if s.g != nil {
				s.g.sets++
			}
		case "GE":
			if s.g != nil {
				s.g.ge = true
				s.g.ge01, s.g.ge02 = elements2(rest, d.Element)
				s.g = nil
			}
		case "IEA":
			if s.ic != nil {
				s.ic.iea = true
				s.ic.iea01, s.ic.iea02 = elements2(rest, d.Element)
				s.ic = nil
			}
		}
		s.i += end + 1
	}
}

// scanHalves is scanEnvelopesIn with the input cut in two at the first
// terminator from mid on, each half scanned on its own goroutine: the pass
// runs before any claim is answered, and with two cores it then takes half
// the time. The second half starts inside whatever interchange and group
// the first leaves open: stand-ins take its counts and trailers, and are
// folded into them. Should the first half end under other delimiters than
// the ones the cut was made with (an interchange with delimiters of its
// own), or the first interchange not start before mid, the input is
// scanned in one pass. The result is exactly scanEnvelopesIn's (tests and
// FuzzScanEnvelopes compare them at every cut).
func scanHalves(r io.ReaderAt, size, mid int64, chunk int, fast bool) *envScan {
	head := make([]byte, min(size, 4<<10))
	n, _ := r.ReadAt(head, 0)
	k := bytes.Index(head[:n], []byte("ISA"))
	if k < 0 || int64(k) >= mid {
		return scanEnvelopesIn(r, size, chunk, fast)
	}
	d, _, err := ParseISA(head[k:n])
	if err != nil || isSpace(d.Segment) {
		return scanEnvelopesIn(r, size, chunk, fast)
	}
	cut := terminatorFrom(r, size, mid, d.Segment) // the second half starts after it
	if cut < 0 {
		return scanEnvelopesIn(r, size, chunk, fast)
	}
	first := newEnvScanner(r, size, chunk, fast, 0, cut)
	second := newEnvScanner(r, size, chunk, fast, cut, size)
	second.d = d
	second.outer, second.g = &icScan{}, &groupScan{}
	second.ic = second.outer
	outerGroup := second.g
	done := make(chan struct{})
	go func() {
		defer close(done)
		second.run()
	}()
	first.run()
	<-done
	switch {
	case first.gaveUp:
		return first.result() // the one pass stops there too
	case first.d != d:
		return scanEnvelopesIn(r, size, chunk, fast)
	}
	sc := first.sc
	for at, g := range second.sc.groups {
		sc.groups[at] = g
	}
	for at, ic := range second.sc.ics {
		sc.ics[at] = ic
	}
	// The group and interchange open where the halves meet take what the
	// second half counted under their stand-ins, and their trailers.
	if g := first.g; g != nil {
		g.sets += outerGroup.sets
		if outerGroup.ge {
			g.ge, g.ge01, g.ge02 = true, outerGroup.ge01, outerGroup.ge02
		}
	}
	if ic := first.ic; ic != nil {
		ic.groups += second.outer.groups
		if second.outer.iea {
			ic.iea, ic.iea01, ic.iea02 = true, second.outer.iea01, second.outer.iea02
		}
	} else if len(second.openedUnder) > 0 {
		// A GS after an IEA and before the next ISA: the one pass ignores
		// it and goes on counting into the group left open before; the
		// second half cannot know. Rare enough to scan again in one pass.
		return scanEnvelopesIn(r, size, chunk, fast)
	}
	if second.gaveUp { // the one pass stops there too
		sc.forgetUnclosed()
	}
	return sc
}

// terminatorFrom returns the offset just after the first byte t at or
// after from, or -1.
func terminatorFrom(r io.ReaderAt, size, from int64, t byte) int64 {
	buf := make([]byte, 64<<10)
	for at := from; at < size; at += int64(len(buf)) {
		n, _ := r.ReadAt(buf, at)
		if n <= 0 {
			return -1
		}
		if k := bytes.IndexByte(buf[:n], t); k >= 0 {
			return at + int64(k) + 1
		}
	}
	return -1
}

// scanGuard is how many bytes the fast path leaves at a buffer's end: room
// to read a segment's id, and the white space before it, past a terminator.
const scanGuard = 64

// envelopeAt reports whether seg starts a segment scanEnvelopes looks at:
// an ISA, or GS, ST, GE or IEA followed by the element separator or the
// end of the segment (a CR before a newline terminator included).
func envelopeAt(seg []byte, d Delimiters) bool {
	if len(seg) < 4 {
		return true // too short to tell: the general path decides
	}
	var rest []byte
	switch {
	case seg[0] == 'G' && (seg[1] == 'S' || seg[1] == 'E'), seg[0] == 'S' && seg[1] == 'T':
		rest = seg[2:]
	case seg[0] == 'I' && seg[1] == 'E' && seg[2] == 'A':
		rest = seg[3:]
	case seg[0] == 'I' && seg[1] == 'S' && seg[2] == 'A':
		return true
	default:
		return false
	}
	c := rest[0]
	return c == d.Element || c == d.Segment || d.Segment == '\n' && c == '\r' && len(rest) > 1 && rest[1] == '\n'
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// nextEnvelope finds, among the terminators in b[from:limit], the first
// one followed (past white space) by a segment envelopeAt looks at, and
// returns where that segment starts. Without one it returns the position
// after the last terminator in range, or from when there is none. It
// reads up to scanGuard bytes past limit. A word-at-a-time search: XOR
// with the terminator in every byte turns terminators into zero bytes,
// and (x - 0x01…) &^ x & 0x80… marks them (and may mark a byte after a
// zero byte too: each mark is checked).
func nextEnvelope(b []byte, from, limit int, d Delimiters) int {
	t := d.Segment
	tw := uint64(t) * lo8
	next := from
	at := func(p int) (int, bool) { // the segment after the terminator at p
		s := p + 1
		if c := b[s]; c != 'G' && c != 'S' && c != 'I' && !isSpace(c) {
			return 0, false // the usual case: NM1, DTP, LX, HL, CLM, REF …
		}
		for s < len(b) && isSpace(b[s]) {
			s++
		}
		if len(b)-s < 4 {
			return p + 1, true // white space to the end: the general path reads on
		}
		return s, envelopeAt(b[s:], d)
	}
	i := from
	for ; i+8 <= limit; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:]) ^ tw
		for m := (x - lo8) &^ x & hi8; m != 0; m &= m - 1 {
			p := i + bits.TrailingZeros64(m)>>3
			if b[p] != t {
				continue
			}
			next = p + 1
			if s, ok := at(p); ok {
				return s
			}
		}
	}
	for ; i < limit; i++ {
		if b[i] == t {
			next = i + 1
			if s, ok := at(i); ok {
				return s
			}
		}
	}
	return next
}

// elements2 returns the first two elements of a segment's content after
// its id.
func elements2(rest []byte, sep byte) (string, string) {
	a, b, _ := bytes.Cut(rest, []byte{sep})
	b, _, _ = bytes.Cut(b, []byte{sep})
	return string(a), string(b)
}

// geFaults are the faults of a GE that states ge01 sets and control ge02
// for group g, which holds sets; at is where they are reported. reject:
// found before the group's claims (envScan), they reject it; found at the
// GE, after them, they are noted.
func geFaults(g *Group, ge01, ge02 string, sets int, at int64, reject bool) []Problem {
	var out []Problem
	if ge01 != strconv.Itoa(sets) {
		out = append(out, Problem{Rule: "X12-GE-COUNT", Seg: -1, Offset: at, Elem: 1, AK9: "5", Value: ge01, Reject: reject,
			Msg: "GE01 says " + Quote(ge01) + " transaction sets, the group has " + strconv.Itoa(sets) + rejectedAll(reject)})
	}
	if ge02 != g.Control {
		out = append(out, Problem{Rule: "X12-GE-CONTROL", Seg: -1, Offset: at, Elem: 2, AK9: "4", Value: ge02, Reject: reject,
			Msg: "GE02 control number " + Quote(ge02) + " differs from GS06 " + Quote(g.Control) + rejectedAll(reject)})
	}
	return out
}

// ieaFaults are geFaults for an IEA and interchange ic, which holds groups.
func ieaFaults(ic *Interchange, iea01, iea02 string, groups int, at int64, reject bool) []Problem {
	var out []Problem
	if iea01 != strconv.Itoa(groups) {
		out = append(out, Problem{Rule: "X12-IEA-COUNT", Seg: -1, Offset: at, Elem: 1, Value: iea01, TA105: "021", Reject: reject,
			Msg: "IEA01 says " + Quote(iea01) + " functional groups, the interchange has " + strconv.Itoa(groups) + rejectedAll(reject)})
	}
	if iea02 != ic.Control {
		out = append(out, Problem{Rule: "X12-IEA-CONTROL", Seg: -1, Offset: at, Elem: 2, Value: iea02, TA105: "001", Reject: reject,
			Msg: "IEA02 control number " + Quote(iea02) + " differs from ISA13 " + Quote(ic.Control) + rejectedAll(reject)})
	}
	return out
}

func rejectedAll(reject bool) string {
	if reject {
		return ": none of its claims is accepted"
	}
	return ""
}

// faults are the faults the scan shows in group g's GE, known when the
// group opens.
func (s *groupScan) faults(g *Group) []Problem {
	if !s.ge {
		return []Problem{{Rule: "X12-GE-MISSING", Seg: -1, Offset: g.Offset, AK9: "3", Reject: true,
			Msg: "functional group " + Quote(g.Control) + " has no GE: none of its claims is accepted"}}
	}
	return geFaults(g, s.ge01, s.ge02, s.sets, g.Offset, true)
}

// faults are the faults the scan shows in the interchange's IEA.
func (s *icScan) faults(ic *Interchange) []Problem {
	if !s.iea {
		return nil // a missing IEA: the tail check (end of input) or the next ISA says so
	}
	return ieaFaults(ic, s.iea01, s.iea02, s.groups, ic.Offset, true)
}
