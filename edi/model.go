package edi

import (
	"bytes"
	"encoding/binary"
	"iter"
	"strconv"
	"strings"
	"unsafe"
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
}

// segIDLen is the length of each kind's identifier (0 for SegOther and
// SegTruncated).
var segIDLen = func() (n [SegIEA + 1]uint8) {
	for _, s := range segNames {
		n[s.id] = uint8(len(s.name))
	}
	return n
}()

const (
	segHashMul  = 0x38c0c8fd // found by search: no two segNames share a slot
	segHashBits = 6
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

// stop is the end of the segment's span.
func (s *Seg) stop() int32 { return s.End + int32(s.Tail) }

// Lead returns the start of segment i's exact input span: where its
// leading white space starts.
func (t *Transaction) Lead(i int) int32 {
	if i == 0 {
		return 0
	}
	return t.Segs[i-1].stop()
}

// Stop returns the end of segment i's exact input span: after its
// terminator.
func (t *Transaction) Stop(i int) int32 { return t.Segs[i].stop() }

// Transaction is one ST…SE transaction set with its bytes and, once Build
// has run, its 837P model. Raw is never modified after the parser hands the
// transaction over, so the model's strings point into it without copies.
type Transaction struct {
	Interchange *Interchange
	Group       *Group
	Index       int    // 0-based within the group
	Raw         []byte // the exact input bytes, first segment's lead to SE terminator
	Offset      int64  // file offset of Raw[0]
	Line        int    // line of the ST segment in the file
	Segs        []Seg

	ST01, ST02, ST03 string
	HasSE            bool
	CLMs             int // CLM segments read, counted by the parser: the conservation check's "claims in"
	hls, lxs         int // HL and LX segments, counted by the parser: Build sizes its arrays with them
	// Problems are envelope faults: every claim of the transaction is
	// rejected with them (SPEC.md "What bad input gets").
	Problems []Problem
	// SegmentErrors lists every structural problem found at a segment, for
	// the 999, including those also attached to a claim.
	SegmentErrors []Problem
	Unsupported   string // non-empty when this is not an 837P (837I, 4010, …): why

	BHT03     string
	Submitter int // segment index of 1000A NM1*41, -1 if none
	Receiver  int // segment index of 1000B NM1*40, -1 if none
	HeaderEnd int // index of the first HL
	HLs       []HL
	Claims    []Claim
	lines     []Line // backing array of every claim's Lines
	built     bool
	// generic turns Build's readers of usual segment shapes off: FuzzModel
	// requires both to build the same model.
	generic bool
}

// HL is one hierarchical level: 2000A billing provider (20), 2000B
// subscriber (22), 2000C patient (23).
type HL struct {
	Seg      int    // index of the HL segment
	OwnEnd   int    // index after its own segments (first child HL or first claim)
	ID       string // HL01
	Parent   int    // index into HLs, -1 for none
	Level    string // HL03
	HasChild bool   // HL04 present
	NameSeg  int    // NM1*85 / NM1*IL / NM1*QC segment index, -1
	NPI      string // 2010AA billing provider NPI (level 20)
	Problems []Problem
}

// Claim is one 2300 loop with its service lines.
type Claim struct {
	Index        int
	HL           int    // index into Transaction.HLs of the HL the claim follows, -1
	Seg, End     int    // segments [Seg, End): CLM through the claim's last segment
	ID           string // CLM01
	ChargeRaw    string // CLM02
	Charge       Decimal
	ChargeOK     bool
	POS          string // CLM05-1
	Freq         string // CLM05-3
	RenderingNPI string // 2310B
	BillingNPI   string // 2010AA of the claim's billing provider
	D9Seg        int    // REF*D9 segment index, -1
	NTE          int    // claim-level NTE segment index, -1
	NoteAt       int    // where a 2300 NTE may be inserted (before this segment)
	Lines        []Line
	Problems     []Problem // structural problems that reject this claim
}

// Line is one 2400 service line. It is read for every line of a batch
// (tens of thousands per transaction), so it keeps only what rules and
// writers use; SV102 and SV104 as written are in the SV1 segment.
type Line struct {
	Index        int
	Seg, End     int     // segments [Seg, End): LX through the line's last segment
	LX           string  // LX01
	SV1          int     // SV1 segment index, -1 when missing
	SV101        string  // the procedure composite as written: qualifier, code, modifiers, description
	Code         string  // SV101-2
	Charge       Decimal // SV102
	Units        Decimal // SV104
	POS          string  // SV105
	DTP          int     // DTP*472 segment index, -1
	DOS          int     // date of service as yyyymmdd, 0 when missing or invalid
	DOSEnd       int     // RD8 end date, else DOS
	Ref6R        string
	RenderingNPI string // 2420A
	NTE          int    // line NTE segment index, -1
	NoteAt       int    // where a 2400 NTE may be inserted (before this segment)
	compSep      byte   // the component separator SV101 is written with
	ChargeOK     bool
	UnitsOK      bool
}

// Qualifier returns SV101-1, the product or service id qualifier.
func (l *Line) Qualifier() string {
	q, _, _ := strings.Cut(l.SV101, string(l.compSep))
	return q
}

// Mods yields the modifiers present in SV101-3 to SV101-6, each with its
// component number, so that a finding points at the modifier's own place
// even after an empty one ("HC:77002::51": 51 is SV101-4). It reads the
// composite in place: a line keeps one string, not four.
func (l *Line) Mods() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		s := l.SV101
		for comp := 1; comp <= 6; comp++ {
			part, rest, more := strings.Cut(s, string(l.compSep))
			if comp >= 3 && part != "" && !yield(comp, part) {
				return
			}
			if !more {
				return
			}
			s = rest
		}
	}
}

// Modifiers returns the modifiers present, in order.
func (l *Line) Modifiers() []string {
	var out []string
	for _, m := range l.Mods() {
		out = append(out, m)
	}
	return out
}

// count keeps the parser's tallies of the segments Build sizes its arrays by.
func (t *Transaction) count(id SegID) {
	switch id {
	case SegCLM:
		t.CLMs++
	case SegHL:
		t.hls++
	case SegLX:
		t.lxs++
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
	return t.Raw[t.Lead(i):s.stop()]
}

// LineOf returns the line of segment i in the file.
func (t *Transaction) LineOf(i int) int {
	return t.Line + bytes.Count(t.Raw[t.Segs[0].Start:t.Segs[i].Start], []byte{'\n'})
}

// SegOffset returns the file offset of segment i.
func (t *Transaction) SegOffset(i int) int64 {
	if i < 0 || i >= len(t.Segs) {
		return t.Offset
	}
	return t.Offset + int64(t.Segs[i].Start)
}

// lx returns LX01 of segment i, reading the usual "LX*n" in place.
func (t *Transaction) lx(i int) string {
	c, sep := t.Content(i), t.Interchange.Delims.Element
	if t.generic || len(c) < 3 || c[2] != sep {
		f := t.elements(i)
		return str(f.next())
	}
	j := 3
	for j < len(c) && c[j] != sep {
		j++
	}
	return str(c[3:j])
}

// Elements splits segment i into dst (reused) without copying.
func (t *Transaction) Elements(dst [][]byte, i int) [][]byte {
	return SplitElements(dst[:0], t.Content(i), t.Interchange.Delims.Element)
}

// fields reads a segment's elements one after another, in place: the model
// needs a few leading elements of each segment it reads, and a cursor over
// them costs less than filling a slice of slices (fixtures/bench
// BenchmarkModel).
type fields struct {
	b   []byte
	sep byte
	end bool // the last element was returned
}

func newFields(b []byte, sep byte) fields { return fields{b: b, sep: sep} }

// next returns the next element, or nil past the last one. (A byte loop:
// elements are a few bytes long, and an eight-bytes-at-a-time search, as
// in SplitElements, made BenchmarkModel a fifth slower here.)
func (f *fields) next() []byte {
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

// skip passes over n elements.
func (f *fields) skip(n int) {
	for ; n > 0; n-- {
		f.next()
	}
}

// elements returns a cursor at element 1 of segment i. The ID's length
// follows from the kind the segment was indexed with (two bytes for HL,
// three for NM1, …), so the ID is not scanned for its end.
func (t *Transaction) elements(i int) fields {
	c, sep := t.Content(i), t.Interchange.Delims.Element
	n := int(segIDLen[t.Segs[i].ID])
	if t.generic || n == 0 || len(c) < n || len(c) > n && c[n] != sep {
		f := newFields(c, sep) // from the ID
		f.next()
		return f
	}
	if len(c) == n {
		return fields{sep: sep, end: true} // no element after the ID
	}
	return newFields(c[n+1:], sep)
}

// str views b as a string without copying: Raw is immutable once handed over.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func el(els [][]byte, i int) []byte {
	if i < len(els) {
		return els[i]
	}
	return nil
}

var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// ParseDate reads CCYYMMDD and returns it as an int, or 0 when it is not a
// valid calendar date.
func ParseDate(b []byte) int {
	if len(b) != 8 {
		return 0
	}
	// Eight digits at once (every service line has a date): each byte's
	// high nibble must be 3 and its low nibble at most 9; then pairs,
	// quads and the whole are combined by multiplication.
	x := binary.LittleEndian.Uint64(b)
	d8 := x - 0x3030303030303030
	if x&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 || (d8+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 != 0 {
		return 0
	}
	d8 = d8*10 + d8>>8 // byte 2k: the two-digit number of digits 2k, 2k+1
	v := int((((d8 & 0x000000FF000000FF) * (100 + 1000000<<32)) + (((d8 >> 16) & 0x000000FF000000FF) * (1 + 10000<<32))) >> 32)
	y, m, d := v/10000, v/100%100, v%100
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return 0
	}
	days := monthDays[m-1]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	if d > days {
		return 0
	}
	return v
}

// Build reads the 837P model out of the transaction's segments: HL tree,
// claims, lines. Every CLM segment becomes exactly one claim, however broken.
// It is safe to call more than once.
func (t *Transaction) Build() {
	if t.built {
		return
	}
	t.built = true
	t.Submitter, t.Receiver = -1, -1
	t.HeaderEnd = len(t.Segs)
	if t.Unsupported != "" {
		return
	}
	d := t.Interchange.Delims
	// Size every slice once, from the parser's counts: no regrowth, and
	// each claim's lines are a window on one backing array.
	nHL, nCLM, nLX := t.hls, t.CLMs, t.lxs
	if !t.hasModelArrays() {
		m := getModel()
		t.HLs, t.Claims, t.lines = m.hls, m.claims, m.lines
	}
	t.HLs = grow(t.HLs[:0], nHL)
	t.Claims = grow(t.Claims[:0], nCLM)
	t.lines = grow(t.lines[:0], nLX)
	var hlByID map[string]int // built only when HL01s are not 1, 2, 3, …
	curHL := -1
	claimLines := 0 // index in t.lines of the open claim's first line
	var claim *Claim
	var line *Line
	inOtherPayer := false // inside 2320/2330: NM1*82 there is not 2310B
	// finish: some claim needs the last pass (an HL problem above it, no
	// line, a line without SV1). Most batches need none, and skipping a
	// walk over every line of the transaction saves its cache misses.
	finish := false

	problem := func(p Problem) {
		p.Offset = t.SegOffset(p.Seg)
		t.SegmentErrors = append(t.SegmentErrors, p)
		switch {
		case claim != nil:
			claim.Problems = append(claim.Problems, p)
		case curHL >= 0:
			t.HLs[curHL].Problems = append(t.HLs[curHL].Problems, p)
			finish = true
		}
	}
	endLine := func(i int) {
		if line != nil {
			finish = finish || line.SV1 < 0
			line.End = i
			if line.NoteAt < 0 {
				line.NoteAt = i
			}
			line = nil
		}
	}
	endClaim := func(i int) {
		endLine(i)
		if claim != nil {
			finish = finish || claimLines == len(t.lines)
			claim.Lines = t.lines[claimLines:len(t.lines):len(t.lines)]
			claim.End = i
			if claim.NoteAt < 0 {
				claim.NoteAt = i
			}
			claim = nil
		}
	}

	for i := range t.Segs {
		s := &t.Segs[i]
		switch s.ID {
		case SegHL:
			endClaim(i)
			if curHL >= 0 && t.HLs[curHL].OwnEnd < 0 {
				t.HLs[curHL].OwnEnd = i
			}
			if len(t.HLs) == 0 {
				t.HeaderEnd = i
			}
			f := t.elements(i)
			id, parentID, level := str(f.next()), str(f.next()), str(f.next())
			h := push(&t.HLs)
			h.Seg, h.OwnEnd, h.ID, h.Parent, h.Level, h.HasChild, h.NameSeg = i, -1, id, -1, level, !f.end, -1
			curHL = len(t.HLs) - 1
			inSequence := isInt(h.ID, len(t.HLs))
			if !inSequence {
				problem(Problem{Rule: "X12-HL-SEQUENCE", Seg: i, Elem: 1, SegCode: "8", ElemCode: "7", ElemRef: "628",
					Loop: "2000", Value: h.ID, Msg: "HL01 is " + quote(h.ID) + ", expected " + strconv.Itoa(len(t.HLs)) + " (HL01 counts up from 1)"})
			}
			if hlByID == nil && !inSequence {
				hlByID = make(map[string]int, len(t.HLs))
				for k := range t.HLs[:curHL] {
					if _, dup := hlByID[t.HLs[k].ID]; !dup {
						hlByID[t.HLs[k].ID] = k
					}
				}
			}
			if _, dup := hlByID[h.ID]; hlByID != nil && !dup && h.ID != "" {
				hlByID[h.ID] = curHL
			}
			want, loop, known := hlLevel(h.Level)
			switch {
			case !known:
				problem(Problem{Rule: "X12-HL-LEVEL", Seg: i, Elem: 3, SegCode: "8", ElemCode: "7", ElemRef: "735", Loop: "2000",
					Value: h.Level, Msg: "HL03 is " + quote(h.Level) + ": an 837P uses 20 (billing provider), 22 (subscriber) or 23 (patient)"})
			case want == "" && parentID != "":
				problem(Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "7", ElemRef: "734", Loop: "2000A",
					Value: parentID, Msg: "a billing provider HL (20) has no parent, but HL02 is " + quote(parentID)})
			case want != "":
				p, ok := -1, false
				if hlByID != nil {
					p, ok = hlByID[parentID]
				} else if k := atoi(parentID); k >= 1 && k <= len(t.HLs) {
					p, ok = k-1, true // HL01s are 1, 2, 3, …: the parent is at HL02-1
				}
				if ok && p != curHL {
					t.HLs[curHL].Parent = p
				}
				switch {
				case parentID == "":
					problem(Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "1", ElemRef: "734", Loop: loop,
						Msg: "HL02 (parent) is missing: a level " + h.Level + " HL needs a level " + want + " parent"})
				case !ok || p == curHL:
					problem(Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "7", ElemRef: "734", Loop: loop,
						Value: parentID, Msg: "HL02 names parent " + quote(parentID) + ", which is not an earlier HL of this transaction"})
				case t.HLs[p].Level != want:
					problem(Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "7", ElemRef: "734", Loop: loop,
						Value: parentID, Msg: "HL02 names parent " + quote(parentID) + " at level " + t.HLs[p].Level + "; a level " + h.Level + " HL needs a level " + want + " parent"})
				}
			}
			inOtherPayer = false
		case SegNM1:
			f := t.elements(i)
			q := str(f.next())
			// Only NM1*82, *85, *IL, *QC, *40 and *41 carry what the model reads.
			if q != "82" && q != "85" && q != "IL" && q != "QC" && q != "40" && q != "41" {
				if line != nil && line.NoteAt < 0 {
					line.NoteAt = i
				} else if line == nil && claim != nil && claim.NoteAt < 0 {
					claim.NoteAt = i
				}
				continue
			}
			var idQual, npi string // NM108, NM109
			if q == "82" || q == "85" {
				f.skip(6)
				idQual, npi = str(f.next()), str(f.next())
			}
			switch {
			case line != nil:
				if q == "82" && idQual == "XX" {
					line.RenderingNPI = npi
				}
				if line.NoteAt < 0 {
					line.NoteAt = i
				}
			case claim != nil:
				if q == "82" && !inOtherPayer && idQual == "XX" {
					claim.RenderingNPI = npi
				}
				if claim.NoteAt < 0 {
					claim.NoteAt = i
				}
			case curHL >= 0:
				h := &t.HLs[curHL]
				switch {
				case h.Level == "20" && q == "85":
					h.NameSeg = i
					if idQual == "XX" {
						h.NPI = npi
					}
				case h.Level == "22" && q == "IL", h.Level == "23" && q == "QC":
					h.NameSeg = i
				}
			default:
				switch q {
				case "41":
					t.Submitter = i
				case "40":
					t.Receiver = i
				}
			}
		case SegCLM:
			if len(t.HLs) == 0 && len(t.Claims) == 0 {
				t.HeaderEnd = i
			}
			endClaim(i)
			if curHL >= 0 && t.HLs[curHL].OwnEnd < 0 {
				t.HLs[curHL].OwnEnd = i
			}
			f := t.elements(i)
			claim = push(&t.Claims)
			claim.Index, claim.HL, claim.Seg, claim.End = len(t.Claims)-1, curHL, i, len(t.Segs)
			claim.ID, claim.D9Seg, claim.NTE, claim.NoteAt = str(f.next()), -1, -1, -1
			claimLines = len(t.lines)
			inOtherPayer = false
			claim.ChargeRaw, claim.Charge, claim.ChargeOK = number(f.next(), 2, i, "782", "2300", "CLM02 (total charge)", problem)
			f.skip(2)
			clm05 := f.next()
			comps := newFields(clm05, d.Component)
			claim.POS = str(comps.next())
			comps.next()
			claim.Freq = str(comps.next())
			if curHL >= 0 {
				for h := curHL; h >= 0; h = t.HLs[h].Parent {
					if t.HLs[h].Level == "20" {
						claim.BillingNPI = t.HLs[h].NPI
						break
					}
					if t.HLs[h].Parent == h {
						break
					}
				}
			}
			switch {
			case curHL < 0 || t.HLs[curHL].Level != "22" && t.HLs[curHL].Level != "23":
				problem(Problem{Rule: "X12-CLM-PLACEMENT", Seg: i, SegCode: "2", Loop: "2300",
					Msg: "CLM must follow a subscriber (HL 22) or patient (HL 23) level"})
			case claim.ID == "":
				problem(Problem{Rule: "X12-CLM-ID", Seg: i, Elem: 1, SegCode: "8", ElemCode: "1", ElemRef: "1028", Loop: "2300",
					Msg: "CLM01 (patient control number) is missing"})
			}
		case SegSBR:
			if claim != nil {
				inOtherPayer = true
				if claim.NoteAt < 0 && line == nil {
					claim.NoteAt = i
				}
			}
		case SegLX:
			if claim == nil {
				problem(Problem{Rule: "X12-LX-PLACEMENT", Seg: i, SegCode: "2", Loop: "2400",
					Msg: "LX (service line) outside a claim"})
				continue
			}
			endLine(i)
			if claim.NoteAt < 0 {
				claim.NoteAt = i
			}
			line = push(&t.lines)
			line.Index, line.Seg, line.End, line.LX = len(t.lines)-1-claimLines, i, len(t.Segs), t.lx(i)
			line.SV1, line.DTP, line.NTE, line.NoteAt = -1, -1, -1, -1
			inOtherPayer = false
		case SegSV1:
			if line == nil || line.SV1 >= 0 {
				problem(Problem{Rule: "X12-SV1-PLACEMENT", Seg: i, SegCode: "2", Loop: "2400", Msg: "SV1 outside a service line, or a second SV1 in one line"})
				continue
			}
			t.readSV1(i, line, problem)
		case SegDTP:
			if line == nil || line.DTP >= 0 {
				continue
			}
			// Nearly every line's DTP is "DTP*472*D8*CCYYMMDD": read at
			// fixed places. (A separator inside the date makes it invalid
			// either way.) Anything else goes through the cursor.
			if c := t.Content(i); !t.generic && len(c) == 19 && c[7] == d.Element && c[10] == d.Element &&
				string(c[4:7]) == "472" && string(c[8:10]) == "D8" {
				line.DTP = i
				line.DOS = ParseDate(c[11:])
				line.DOSEnd = line.DOS
				continue
			}
			f := t.elements(i)
			if str(f.next()) == "472" {
				line.DTP = i
				format, v := str(f.next()), f.next()
				switch format {
				case "D8":
					line.DOS = ParseDate(v)
					line.DOSEnd = line.DOS
				case "RD8":
					if len(v) == 17 && v[8] == '-' {
						line.DOS, line.DOSEnd = ParseDate(v[:8]), ParseDate(v[9:])
						if line.DOSEnd < line.DOS {
							line.DOS = 0
						}
					}
				}
			}
		case SegREF:
			f := t.elements(i)
			q := str(f.next())
			switch {
			case line != nil && q == "6R":
				line.Ref6R = str(f.next())
			case claim != nil && line == nil && q == "D9":
				claim.D9Seg = i
			}
		case SegNTE:
			switch {
			case line != nil:
				line.NTE = i
			case claim != nil:
				claim.NTE = i
			}
		case SegPS1, SegHCP, SegLIN, SegSVD, SegLQ:
			if line != nil && line.NoteAt < 0 {
				line.NoteAt = i
			} else if claim != nil && line == nil && s.ID == SegHCP && claim.NoteAt < 0 {
				claim.NoteAt = i
			}
		case SegCR1, SegCR2, SegCRC, SegHI:
			if claim != nil && line == nil && claim.NoteAt < 0 {
				claim.NoteAt = i
			}
		case SegSE:
			endClaim(i)
		case SegTruncated:
			// already reported at transaction level by the parser
		}
	}
	endClaim(len(t.Segs))
	if curHL >= 0 && t.HLs[curHL].OwnEnd < 0 {
		t.HLs[curHL].OwnEnd = len(t.Segs)
	}
	if !finish {
		return
	}
	// HL problems reject the claims beneath that HL.
	for ci := range t.Claims {
		c := &t.Claims[ci]
		for h, n := c.HL, 0; h >= 0 && n < len(t.HLs); h, n = t.HLs[h].Parent, n+1 {
			c.Problems = append(c.Problems, t.HLs[h].Problems...)
		}
		if len(c.Lines) == 0 {
			p := Problem{Rule: "X12-LX-MISSING", Seg: c.Seg, Offset: t.SegOffset(c.Seg), SegCode: "3", Loop: "2400",
				Msg: "claim has no service line (2400 loop with LX and SV1)"}
			c.Problems = append(c.Problems, p)
			t.SegmentErrors = append(t.SegmentErrors, p)
		}
		for li := range c.Lines {
			if c.Lines[li].SV1 < 0 {
				p := Problem{Rule: "X12-SV1-MISSING", Seg: c.Lines[li].Seg, Offset: t.SegOffset(c.Lines[li].Seg), SegCode: "3", Loop: "2400",
					Msg: "service line " + c.Lines[li].LX + " has no SV1 segment"}
				c.Problems = append(c.Problems, p)
				t.SegmentErrors = append(t.SegmentErrors, p)
			}
		}
	}
}

// push appends a zero element to *s and returns it, to be filled in
// place. append(s, T{…}) builds the element on the stack and copies it
// with wide moves that stall on the narrow stores just made (store
// forwarding; pprof -disasm showed it as 40% of the parser's loop).
func push[T any](s *[]T) *T {
	e := extend(s)
	var zero T
	*e = zero // a recycled array holds an old element here
	return e
}

// extend appends an element to *s and returns it as the array holds it: a
// recycled array's old element, for a caller that sets every field (the
// parser's segment entries, where clearing first was a fifth of its loop).
func extend[T any](s *[]T) *T {
	n := len(*s)
	if n < cap(*s) {
		*s = (*s)[:n+1]
	} else {
		var zero T
		*s = append(*s, zero)
	}
	return &(*s)[n]
}

// grow returns s with room for n elements, reusing its array when it can.
// A new array gets an eighth more room than asked: transactions of a batch
// differ a little in size, and an exact fit was outgrown, and allocated
// again, by the next slightly larger one.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:0]
	}
	return make([]T, 0, n+n/8)
}

// atoi reads a small non-negative integer, or -1.
func atoi(s string) int {
	if len(s) == 0 || len(s) > 9 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// isInt reports whether s is the decimal form of n (no sign, no leading zero).
func isInt(s string, n int) bool { return atoi(s) == n && (len(s) == 1 || s[0] != '0') }

// hlLevel returns the level an 837P HL level must hang from, and its loop.
// (Switches, not maps: they run for every HL and every SV1 of a batch.)
func hlLevel(level string) (parent, loop string, ok bool) {
	switch level {
	case "20":
		return "", "2000A", true
	case "22":
		return "20", "2000B", true
	case "23":
		return "22", "2000C", true
	}
	return "", "", false
}

func procedureQualifier(q string) bool {
	switch q {
	case "HC", "ER", "IV", "WK":
		return true
	}
	return false
}

func (t *Transaction) readSV1(i int, line *Line, problem func(Problem)) {
	d := t.Interchange.Delims
	line.SV1 = i
	if !t.generic && readSV1Usual(t.Content(i), line, d.Element, d.Component) {
		return
	}
	f := t.elements(i)
	sv101, sv102 := f.next(), f.next()
	f.next()
	sv104, sv105 := f.next(), f.next()
	bad := func(msg string, comp int, value string) {
		ref := "C003"
		switch comp {
		case 1:
			ref = "235"
		case 2:
			ref = "234"
		}
		problem(Problem{Rule: "X12-SV1-COMPOSITE", Seg: i, Elem: 1, Comp: comp, SegCode: "8", ElemCode: "7",
			ElemRef: ref, Loop: "2400", Value: value, Msg: msg})
	}
	line.SV101, line.compSep = str(sv101), d.Component
	comps := newFields(sv101, d.Component)
	qualifier := str(comps.next())
	line.Code = str(comps.next())
	extra := 0 // components after the code
	for !comps.end && extra < 6 {
		comps.next()
		extra++
	}
	switch {
	case len(sv101) == 0:
		bad("SV101 (procedure composite) is empty", 0, "")
	case extra > 5:
		bad("SV101 has more than 7 components: qualifier, code, four modifiers and a description at most", 0, "")
	case !procedureQualifier(qualifier):
		bad("SV101-1 is "+quote(qualifier)+": expected HC (HCPCS/CPT)", 1, qualifier)
	case len(line.Code) != 5 || !alnumString(line.Code):
		bad("SV101-2 procedure code "+quote(line.Code)+" is not 5 letters or digits", 2, line.Code)
	}
	_, line.Charge, line.ChargeOK = number(sv102, 2, i, "782", "2400", "SV102 (line charge)", problem)
	_, line.Units, line.UnitsOK = number(sv104, 4, i, "380", "2400", "SV104 (units)", problem)
	line.POS = str(sv105)
}

// readSV1Usual reads the SV1 nearly every line has, a procedure code of
// five letters or digits with up to four modifiers and a description,
// then plain numbers: "SV1*HC:77002:26*95*UN*1***1". One pass over the
// bytes, where the general reader splits the elements, then the composite,
// then parses each number. It returns false, having set nothing that the
// general reader does not set again, for anything else, including every
// SV1 the general reader would find a problem in.
func readSV1Usual(c []byte, line *Line, sep, comp byte) bool {
	if len(c) < 14 || c[3] != sep || c[6] != comp || !procedureQualifier(str(c[4:6])) ||
		!isAlnum(c[7]) || !isAlnum(c[8]) || !isAlnum(c[9]) || !isAlnum(c[10]) || !isAlnum(c[11]) ||
		c[12] != comp && c[12] != sep {
		return false
	}
	// The commonest shapes are tested at fixed places before any loop: a
	// loop's exit at an element of varying length is a mispredicted branch.
	p := 12
	switch {
	case c[12] == sep: // no modifier
	case len(c) > 15 && c[15] == sep && c[13] != comp && c[13] != sep && c[14] != comp && c[14] != sep: // one of two characters
		p = 15
	default:
		extra := 0 // components after the code
		for ; p < len(c) && c[p] != sep; p++ {
			if c[p] == comp {
				extra++
			}
		}
		if extra > 5 || p == len(c) {
			return false
		}
	}
	sv101 := c[4:p]
	charge, p, ok := scanDecimal(c, p+1, sep)
	if !ok || p == len(c) {
		return false
	}
	if p+3 < len(c) && c[p+1] == 'U' && c[p+2] == 'N' && c[p+3] == sep { // SV103 UN
		p += 3
	} else {
		for p++; p < len(c) && c[p] != sep; p++ {
		}
		if p == len(c) {
			return false
		}
	}
	var units Decimal
	if p+1 < len(c) && c[p+1]-'0' <= 9 && (p+2 == len(c) || c[p+2] == sep) { // one digit
		units, p = Decimal(c[p+1]-'0')*decimalScale, p+2
	} else if units, p, ok = scanDecimal(c, p+1, sep); !ok {
		return false
	}
	pos := p
	if p < len(c) {
		pos = p + 1
		if pos < len(c) && c[pos] == sep { // SV105 empty
			p = pos
		} else {
			for p = pos; p < len(c) && c[p] != sep; p++ {
			}
		}
	}
	line.SV101, line.compSep, line.Code = str(sv101), comp, str(c[7:12])
	line.Charge, line.ChargeOK = charge, true
	line.Units, line.UnitsOK = units, true
	line.POS = str(c[pos:p])
	return true
}

// number reads b, numeric element i of segment seg; a value that is not a
// number is an X12-NUMERIC problem (999 IK403 6).
func number(b []byte, i, seg int, ref, loop, name string, problem func(Problem)) (string, Decimal, bool) {
	raw := str(b)
	d, ok := ParseDecimal(b)
	if !ok {
		problem(Problem{Rule: "X12-NUMERIC", Seg: seg, Elem: i, SegCode: "8", ElemCode: "6", ElemRef: ref, Loop: loop,
			Value: raw, Msg: name + " " + quote(raw) + " is not a number"})
	}
	return raw, d, ok
}

func alnumString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// quote shows a value in a message; values here are codes and numbers, never names.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
