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
func scanEnvelopes(r io.ReaderAt, size int64) *envScan {
	return scanEnvelopesIn(r, size, scanChunk, true)
}

// scanEnvelopesIn is scanEnvelopes reading chunk bytes at a time; fast
// false turns the word-at-a-time skip off, so that every segment goes
// through the general path (tests compare the two, with small chunks that
// put segments across buffer edges).
func scanEnvelopesIn(r io.ReaderAt, size int64, chunk int, fast bool) *envScan {
	sc := &envScan{groups: map[int64]*groupScan{}, ics: map[int64]*icScan{}}
	buf := make([]byte, chunk)
	var d Delimiters
	var ic *icScan
	var g *groupScan
	var base int64 // offset of buf[0]
	n, _ := r.ReadAt(buf, 0)
	b := buf[:n]
	i := 0
	// giveUp ends a scan that cannot follow the input: what it had not
	// seen close is unknown, not missing, and is left to the parser.
	giveUp := func() *envScan {
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
		return sc
	}
	refill := func() bool { // keeps b[i:], reads more behind it
		if base+int64(len(b)) >= size {
			return false
		}
		rest := copy(buf, b[i:])
		base += int64(i)
		m, _ := r.ReadAt(buf[rest:], base+int64(rest))
		b, i = buf[:rest+m], 0
		return m > 0
	}
	for {
		// The next segment's start: past white space.
		for {
			for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
				i++
			}
			if len(b)-i >= ISALength+8 || !refill() {
				break
			}
		}
		if i >= len(b) {
			return sc
		}
		seg := b[i:]
		at := base + int64(i)
		if bytes.HasPrefix(seg, []byte("ISA")) {
			nd, isaLen, err := ParseISA(seg)
			if err != nil {
				return giveUp()
			}
			d = nd
			ic = &icScan{}
			sc.ics[at] = ic
			g = nil
			i += isaLen
			continue
		}
		if d.Segment == 0 { // before the first ISA: a byte-order mark, text
			k := bytes.Index(seg, []byte("ISA"))
			if k < 0 {
				return sc
			}
			i += k
			continue
		}
		// Most segments are none of these: skip to the next one that is,
		// eight bytes at a time. Near the buffer's end, and for a segment
		// whose terminator is not before the guard, the general path below
		// goes on, segment by segment: the terminator may be in the guard.
		if fast && len(b)-i > scanGuard && !envelopeAt(seg, d) {
			if next := nextEnvelope(b, i, len(b)-scanGuard, d); next > i {
				i = next
				continue
			}
		}
		end := bytes.IndexByte(seg, d.Segment)
		for end < 0 {
			if len(b)-i >= chunk {
				return giveUp() // a segment longer than a chunk
			}
			if !refill() {
				return sc // the input ends inside a segment: cut off
			}
			seg = b[i:]
			end = bytes.IndexByte(seg, d.Segment)
		}
		at = base + int64(i)
		content := seg[:end]
		if d.Segment == '\n' {
			content = bytes.TrimSuffix(content, []byte("\r"))
		}
		id, rest, _ := bytes.Cut(content, []byte{d.Element})
		switch string(id) {
		case "GS":
			if ic != nil {
				ic.groups++
				g = &groupScan{control: string(element(bytes.Split(content, []byte{d.Element}), 6))}
				sc.groups[at] = g
			}
		case "ST":
			if g != nil {
				g.sets++
			}
		case "GE":
			if g != nil {
				g.ge = true
				g.ge01, g.ge02 = elements2(rest, d.Element)
				g = nil
			}
		case "IEA":
			if ic != nil {
				ic.iea = true
				ic.iea01, ic.iea02 = elements2(rest, d.Element)
				ic = nil
			}
		}
		i += end + 1
	}
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
