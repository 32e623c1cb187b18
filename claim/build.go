package claim

import (
	"strconv"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/mem"
)

// Build reads the 837P model out of the transaction's segments: HL tree,
// claims, lines. Every CLM segment becomes exactly one claim, however broken.
// Release the model when nothing reads it any more.
func Build(tx *edi.Transaction) *Model {
	m := newModel()
	m.Tx = tx
	m.Submitter, m.Receiver = -1, -1
	m.HeaderEnd = len(tx.Segs)
	if tx.Unsupported != "" {
		return m
	}
	// Sized once from the parser's counts: no regrowth, and each claim's
	// lines are a window on one backing array.
	m.HLs = grow(m.HLs[:0], tx.HLs)
	m.Claims = grow(m.Claims[:0], tx.CLMs)
	m.lines = grow(m.lines[:0], tx.LXs)
	b := builder{m: m, tx: tx, sep: tx.Interchange.Delims.Element, comp: tx.Interchange.Delims.Component, cur: -1, last20: -1, last22: -1, lastOdd: -1}
	for i, seg := range tx.Segs {
		// One case per segment kind the model reads, each a method.
		id := seg.ID
		switch id {
		case edi.SegHL:
			b.hl(i)
		case edi.SegNM1:
			b.nm1(i)
		case edi.SegCLM:
			b.clm(i)
		case edi.SegSBR:
			if b.claim != nil {
				b.inOtherPayer = true
				if b.line == nil {
					b.claimNoteAt(i)
				}
			}
		case edi.SegLX:
			b.lx(i)
		case edi.SegSV1:
			b.sv1(i)
		case edi.SegDTP:
			b.dtp(i)
		case edi.SegREF:
			b.ref(i)
		case edi.SegNTE:
			switch {
			case b.line != nil:
				b.line.NTE = i
			case b.claim != nil:
				b.claim.NTE = i
			}
		case edi.SegPS1, edi.SegLIN, edi.SegSVD, edi.SegLQ:
			b.lineNoteAt(i)
		case edi.SegHCP:
			if b.line != nil {
				b.lineNoteAt(i)
			} else {
				b.claimNoteAt(i)
			}
		case edi.SegCR1, edi.SegCR2, edi.SegCRC, edi.SegHI:
			if b.line == nil {
				b.claimNoteAt(i)
			}
		case edi.SegSE:
			b.endClaim(i)
		case edi.SegBHT:
			f := tx.Cursor(i)
			f.Skip(2)
			m.BHT03, m.BHT04 = mem.String(f.Next()), ParseDate(f.Next())
		case edi.SegOther:
			b.unknown(i)
		}
	}
	b.endClaim(len(tx.Segs))
	if b.cur >= 0 && m.HLs[b.cur].OwnEnd < 0 {
		m.HLs[b.cur].OwnEnd = len(tx.Segs)
	}
	if b.finish {
		b.inherit()
	}
	return m
}

// builder holds the state of one walk over a transaction's segments: the
// open HL, claim and line. Each segment kind the model reads has a method.
type builder struct {
	m         *Model
	tx        *edi.Transaction
	sep, comp byte // element and component separators
	generic   bool // the usual-shape readers off: their tests' oracle
	// hlIDs holds the HL01s seen, kept only once one is out of sequence.
	hlIDs          map[string]struct{}
	cur            int // index of the open HL, -1 before the first
	last20, last22 int // the last billing provider and subscriber HLs, -1 for none
	lastOdd        int // the last HL of a level the 837P does not define, -1 for none
	claimLines     int // index in m.lines of the open claim's first line
	claim          *Claim
	line           *Line
	inOtherPayer   bool // inside 2320/2330: NM1*82 there is not 2310B
	// finish: some claim needs inherit (an HL problem above it, no line, a
	// line without SV1); most batches need none.
	finish bool
}

// hlStatus is the 277CA status of a fault in an HL of a level: code 21
// with the entity the level is (billing provider, subscriber, patient).
func hlStatus(level string) string {
	switch level {
	case "20":
		return "A3:21:85"
	case "23":
		return "A3:21:QC"
	}
	return "A3:21:IL"
}

// unknown reports a segment the 837P does not define: inside a claim it
// rejects the claim.
func (b *builder) unknown(i int) {
	b.problem(edi.Problem{Rule: "X12-SEGMENT-UNKNOWN", Seg: i, SegCode: "1",
		Msg: "segment " + edi.Quote(string(b.tx.SegIDBytes(i))) + " is not a segment of the 837P (005010X222A1)", Status: "A3:21"})
}

// lineNoteAt and claimNoteAt record the first segment an NTE may not follow
// in the open line or claim: a note is inserted before it.
func (b *builder) lineNoteAt(i int) {
	if b.line != nil && b.line.NoteAt < 0 {
		b.line.NoteAt = i
	}
}

func (b *builder) claimNoteAt(i int) {
	if b.claim != nil && b.claim.NoteAt < 0 {
		b.claim.NoteAt = i
	}
}

// problem records a structural fault on the open claim, or on the open HL
// (whose claims inherit it).
func (b *builder) problem(p edi.Problem) {
	p.Offset = b.tx.SegOffset(p.Seg)
	b.m.SegmentErrors = append(b.m.SegmentErrors, p)
	switch {
	case b.claim != nil:
		b.claim.Problems = append(b.claim.Problems, p)
	case b.cur >= 0:
		b.m.HLs[b.cur].Problems = append(b.m.HLs[b.cur].Problems, p)
		b.finish = true
	}
}

func (b *builder) endLine(i int) {
	if b.line == nil {
		return
	}
	b.finish = b.finish || b.line.SV1 < 0
	b.line.End = i
	if b.line.NoteAt < 0 {
		b.line.NoteAt = i
	}
	b.line = nil
}

func (b *builder) endClaim(i int) {
	b.endLine(i)
	if b.claim == nil {
		return
	}
	m := b.m
	b.finish = b.finish || b.claimLines == len(m.lines)
	b.claim.Lines = m.lines[b.claimLines:len(m.lines):len(m.lines)]
	b.claim.End = i
	if b.claim.NoteAt < 0 {
		b.claim.NoteAt = i
	}
	b.claim = nil
}

// endHL closes the open HL's own segments at i (a child HL or a claim).
func (b *builder) endHL(i int) {
	if b.cur >= 0 && b.m.HLs[b.cur].OwnEnd < 0 {
		b.m.HLs[b.cur].OwnEnd = i
	}
}

func (b *builder) hl(i int) {
	b.endClaim(i)
	b.endHL(i)
	m := b.m
	if len(m.HLs) == 0 {
		m.HeaderEnd = i
	}
	f := b.tx.Cursor(i)
	id, parentID, level := mem.String(f.Next()), mem.String(f.Next()), mem.String(f.Next())
	h := push(&m.HLs)
	h.Seg, h.OwnEnd, h.ID, h.Parent, h.Level, h.HasChild, h.NameSeg = i, -1, id, -1, level, !f.Done(), -1
	b.cur = len(m.HLs) - 1
	b.inOtherPayer = false
	b.sequence(i, h.ID)
	b.parent(i, level, parentID)
	switch level {
	case "20":
		b.last20, b.last22 = b.cur, -1
	case "22":
		b.last22 = b.cur
	}
}

// sequence checks that HL01 counts up from 1 and never repeats.
func (b *builder) sequence(i int, id string) {
	m := b.m
	n := len(m.HLs)
	if isInt(id, n) {
		if b.hlIDs != nil {
			b.hlIDs[id] = struct{}{}
		}
		return
	}
	if b.hlIDs == nil { // the first HL out of sequence: the earlier ones were 1, 2, 3, …
		b.hlIDs = make(map[string]struct{}, n)
		for k := range m.HLs[:n-1] {
			b.hlIDs[m.HLs[k].ID] = struct{}{}
		}
	}
	if _, dup := b.hlIDs[id]; dup {
		b.problem(edi.Problem{Rule: "X12-HL-DUPLICATE", Seg: i, Elem: 1, SegCode: "8", ElemCode: "7", ElemRef: "628", Value: id,
			Msg: "HL01 " + edi.Quote(id) + " repeats an earlier HL's id: HL01 is unique in a transaction set", Status: hlStatus(b.m.HLs[b.cur].Level)})
	} else {
		b.problem(edi.Problem{Rule: "X12-HL-SEQUENCE", Seg: i, Elem: 1, SegCode: "8", ElemCode: "7", ElemRef: "628", Value: id,
			Msg: "HL01 is " + edi.Quote(id) + ", expected " + strconv.Itoa(n) + " (HL01 counts up from 1)", Status: hlStatus(b.m.HLs[b.cur].Level)})
	}
	b.hlIDs[id] = struct{}{}
}

// parent links the open HL to the HL it physically follows at the level
// above (a subscriber to the last billing provider, a patient to the last
// subscriber), and checks that HL02 names that HL: a claim belongs to the
// HLs it follows, never to another one its HL02 happens to name.
func (b *builder) parent(i int, level, parentID string) {
	m := b.m
	want, _, known := hlLevel(level)
	physical := -1
	switch level {
	case "22":
		physical = b.last20
	case "23":
		physical = b.last22
	}
	if (level == "22" || level == "23") && b.lastOdd > physical {
		// An HL of no known level came after that one: what follows it
		// hangs from it, so that its segments stay with the claims after.
		physical = b.lastOdd
	}
	switch {
	case !known:
		// Not a level of the 837P: it hangs from the HL it follows, so
		// the claims after it keep their ancestors.
		if b.cur > 0 {
			m.HLs[b.cur].Parent = b.cur - 1
		}
		b.lastOdd = b.cur
		b.problem(edi.Problem{Rule: "X12-HL-LEVEL", Seg: i, Elem: 3, SegCode: "8", ElemCode: "7", ElemRef: "735",
			Value: level, Msg: "HL03 is " + edi.Quote(level) + ": an 837P uses 20 (billing provider), 22 (subscriber) or 23 (patient)", Status: hlStatus(b.m.HLs[b.cur].Level)})
	case want == "" && parentID != "":
		b.problem(edi.Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "7", ElemRef: "734",
			Value: parentID, Msg: "a billing provider HL (20) has no parent, but HL02 is " + edi.Quote(parentID), Status: hlStatus(b.m.HLs[b.cur].Level)})
	case want == "":
	case physical < 0:
		if b.cur > 0 { // kept with whatever HL it follows: nothing is lost
			m.HLs[b.cur].Parent = b.cur - 1
		}
		b.problem(edi.Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "7", ElemRef: "734", Value: parentID,
			Msg: "a level " + level + " HL must follow a level " + want + " HL, and none comes before it", Status: hlStatus(b.m.HLs[b.cur].Level)})
	case parentID == "":
		m.HLs[b.cur].Parent = physical
		b.problem(edi.Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "1", ElemRef: "734",
			Msg: "HL02 (parent) is missing: this HL follows HL " + edi.Quote(m.HLs[physical].ID), Status: hlStatus(b.m.HLs[b.cur].Level)})
	case parentID != m.HLs[physical].ID:
		m.HLs[b.cur].Parent = physical
		b.problem(edi.Problem{Rule: "X12-HL-PARENT", Seg: i, Elem: 2, SegCode: "8", ElemCode: "7", ElemRef: "734", Value: parentID,
			Msg: "HL02 names parent " + edi.Quote(parentID) + ", but this level " + level + " HL follows HL " + edi.Quote(m.HLs[physical].ID) +
				" (level " + want + "): the claims below it are not filed under another HL", Status: hlStatus(b.m.HLs[b.cur].Level)})
	default:
		m.HLs[b.cur].Parent = physical
	}
}

func (b *builder) nm1(i int) {
	f := b.tx.Cursor(i)
	q := mem.String(f.Next())
	// Only NM1*82, *85, *IL, *QC, *40 and *41 carry what the model reads.
	if q != "82" && q != "85" && q != "IL" && q != "QC" && q != "40" && q != "41" {
		if b.line != nil {
			b.lineNoteAt(i)
		} else {
			b.claimNoteAt(i)
		}
		return
	}
	var idQual, npi string // NM108, NM109
	if q == "82" || q == "85" {
		f.Skip(6)
		idQual, npi = mem.String(f.Next()), mem.String(f.Next())
	}
	switch {
	case b.line != nil:
		if q == "82" && idQual == "XX" {
			b.line.RenderingNPI = npi
		}
		b.lineNoteAt(i)
	case b.claim != nil:
		if q == "82" && !b.inOtherPayer && idQual == "XX" {
			b.claim.RenderingNPI = npi
		}
		b.claimNoteAt(i)
	case b.cur >= 0:
		h := &b.m.HLs[b.cur]
		switch {
		case h.Level == "20" && q == "85":
			h.NameSeg = i
			if idQual == "XX" {
				h.NPI = npi
			}
		case h.Level == "22" && q == "IL", h.Level == "23" && q == "QC":
			h.NameSeg = i
		}
	case q == "41":
		b.m.Submitter = i
	case q == "40":
		b.m.Receiver = i
	}
}

func (b *builder) clm(i int) {
	m := b.m
	if len(m.HLs) == 0 && len(m.Claims) == 0 {
		m.HeaderEnd = i
	}
	b.endClaim(i)
	b.endHL(i)
	f := b.tx.Cursor(i)
	c := push(&m.Claims)
	b.claim = c
	c.Index, c.HL, c.Seg, c.End = len(m.Claims)-1, b.cur, i, len(b.tx.Segs)
	c.ID, c.D9Seg, c.NTE, c.NoteAt = mem.String(f.Next()), -1, -1, -1
	b.claimLines = len(m.lines)
	b.inOtherPayer = false
	c.ChargeRaw, c.Charge, c.ChargeOK = b.number(f.Next(), 2, i, "782", "2300", "CLM02 (total charge)")
	f.Skip(2)
	comps := edi.NewCursor(f.Next(), b.comp) // CLM05
	c.POS = mem.String(comps.Next())
	comps.Next()
	c.Freq = mem.String(comps.Next())
	if h := m.BillingHL(b.cur); h >= 0 {
		c.BillingNPI = m.HLs[h].NPI
	}
	switch {
	case b.cur < 0 || m.HLs[b.cur].Level != "22" && m.HLs[b.cur].Level != "23":
		b.problem(edi.Problem{Rule: "X12-CLM-PLACEMENT", Seg: i, SegCode: "2", Loop: "2300",
			Msg: "CLM must follow a subscriber (HL 22) or patient (HL 23) level", Status: "A3:21:IL"})
	case c.ID == "":
		b.problem(edi.Problem{Rule: "X12-CLM-ID", Seg: i, Elem: 1, SegCode: "8", ElemCode: "1", ElemRef: "1028", Loop: "2300",
			Msg: "CLM01 (patient control number) is missing", Status: "A3:21:QC"})
	}
}

func (b *builder) lx(i int) {
	if b.claim == nil {
		b.problem(edi.Problem{Rule: "X12-LX-PLACEMENT", Seg: i, SegCode: "2", Loop: "2400",
			Msg: "LX (service line) outside a claim", Status: "A3:21"})
		return
	}
	b.endLine(i)
	b.claimNoteAt(i)
	if len(b.m.lines)-b.claimLines == MaxLines {
		b.problem(edi.Problem{Rule: "X12-LX-MAX", Seg: i, SegCode: "4", Loop: "2400",
			Msg: "claim has more than " + strconv.Itoa(MaxLines) + " service lines (2400 loops), the most a claim may hold", Status: "A3:21"})
	}
	l := push(&b.m.lines)
	b.line = l
	l.Index, l.Seg, l.End, l.LX = len(b.m.lines)-1-b.claimLines, i, len(b.tx.Segs), b.lx01(i)
	l.SV1, l.DTP, l.NTE, l.NoteAt = -1, -1, -1, -1
	b.inOtherPayer = false
}

// lx01 returns LX01 of segment i, reading the usual "LX*n" in place.
func (b *builder) lx01(i int) string {
	c := b.tx.Content(i)
	if b.generic || len(c) < 3 || c[2] != b.sep {
		f := b.tx.Cursor(i)
		return mem.String(f.Next())
	}
	j := 3
	for j < len(c) && c[j] != b.sep {
		j++
	}
	return mem.String(c[3:j])
}

func (b *builder) dtp(i int) {
	l := b.line
	if l == nil && b.claim != nil {
		b.claimDates(i)
		return
	}
	if l == nil || l.DTP >= 0 {
		return
	}
	// Nearly every line's DTP is "DTP*472*D8*CCYYMMDD": read at fixed
	// places. (A separator inside the date makes it invalid either way.)
	if c := b.tx.Content(i); !b.generic && len(c) == 19 && c[7] == b.sep && c[10] == b.sep &&
		string(c[4:7]) == "472" && string(c[8:10]) == "D8" {
		l.DTP, l.DOS = i, ParseDate(c[11:])
		l.DOSEnd = l.DOS
		return
	}
	f := b.tx.Cursor(i)
	if mem.String(f.Next()) != "472" {
		return
	}
	l.DTP = i
	format, v := mem.String(f.Next()), f.Next()
	switch format {
	case "D8":
		l.DOS = ParseDate(v)
		l.DOSEnd = l.DOS
	case "RD8":
		if len(v) == 17 && v[8] == '-' {
			l.DOS, l.DOSEnd = ParseDate(v[:8]), ParseDate(v[9:])
			if l.DOSEnd < l.DOS {
				l.DOS = 0
			}
		}
	}
}

// claimDates reads a claim's statement dates (DTP*434, RD8).
func (b *builder) claimDates(i int) {
	f := b.tx.Cursor(i)
	if mem.String(f.Next()) != "434" {
		return
	}
	format, v := mem.String(f.Next()), f.Next()
	c := b.claim
	switch {
	case format == "RD8" && len(v) == 17 && v[8] == '-':
		c.StatementFrom, c.StatementTo = ParseDate(v[:8]), ParseDate(v[9:])
	case format == "D8":
		c.StatementFrom = ParseDate(v)
		c.StatementTo = c.StatementFrom
	}
	if c.StatementFrom == 0 || c.StatementTo < c.StatementFrom {
		c.StatementFrom, c.StatementTo = 0, 0
	}
}

func (b *builder) ref(i int) {
	f := b.tx.Cursor(i)
	q := mem.String(f.Next())
	switch {
	case b.line != nil && q == "6R":
		b.line.Ref6R = mem.String(f.Next())
	case b.claim != nil && b.line == nil && q == "D9":
		b.claim.D9Seg = i
	}
}

// inherit passes HL problems down to the claims beneath, and reports
// claims without lines, lines without SV1 and lines without DTP*472.
func (b *builder) inherit() {
	m, tx := b.m, b.tx
	for ci := range m.Claims {
		c := &m.Claims[ci]
		for h := range m.Ancestors(c.HL) {
			c.Problems = append(c.Problems, m.HLs[h].Problems...)
		}
		if len(c.Lines) == 0 {
			p := edi.Problem{Rule: "X12-LX-MISSING", Seg: c.End, Offset: tx.SegOffset(c.End), SegCode: "3", Loop: "2400", Missing: "LX",
				Msg: "claim has no service line (2400 loop with LX and SV1)", Status: "A3:21"}
			c.Problems = append(c.Problems, p)
			m.SegmentErrors = append(m.SegmentErrors, p)
		}
		for li := range c.Lines {
			if c.Lines[li].SV1 < 0 {
				at := c.Lines[li].Seg + 1 // where SV1 belongs: right after LX
				p := edi.Problem{Rule: "X12-SV1-MISSING", Seg: at, Offset: tx.SegOffset(at), SegCode: "3", Loop: "2400", Missing: "SV1",
					Msg: "service line " + c.Lines[li].LX + " has no SV1 segment", Status: "A3:454"}
				c.Problems = append(c.Problems, p)
				m.SegmentErrors = append(m.SegmentErrors, p)
			}
			if l := &c.Lines[li]; l.DTP < 0 && l.SV1 >= 0 {
				// DTP*472 is required in every 2400: a syntax fault for
				// the 999. The claim's verdict is LINE-DOS-MISSING's (A6).
				at := l.SV1 + 1
				m.SegmentErrors = append(m.SegmentErrors, edi.Problem{Rule: "X12-DTP-MISSING", Seg: at, Offset: tx.SegOffset(at), SegCode: "3",
					Loop: "2400", Missing: "DTP", Msg: "service line " + l.LX + " has no DTP*472 (date of service)"})
			}
		}
	}
}

// number reads b, numeric element i of segment seg; a value that is not a
// number is an X12-NUMERIC problem (999 IK403 6).
func (b *builder) number(v []byte, i, seg int, ref, loop, name string) (string, Decimal, bool) {
	raw := mem.String(v)
	d, ok := ParseDecimal(v)
	switch {
	case ok:
	case raw == "":
		b.problem(edi.Problem{Rule: "X12-NUMERIC", Seg: seg, Elem: i, SegCode: "8", ElemCode: "1", ElemRef: ref, Loop: loop,
			Msg: name + " is required", Status: numberStatus(ref)})
	default:
		b.problem(edi.Problem{Rule: "X12-NUMERIC", Seg: seg, Elem: i, SegCode: "8", ElemCode: "6", ElemRef: ref, Loop: loop,
			Value: raw, Msg: name + " " + edi.Quote(raw) + " is not a number", Status: numberStatus(ref)})
	}
	return raw, d, ok
}

// numberStatus is the 277CA status naming a bad number: units (380) or
// charges (782).
func numberStatus(ref string) string {
	if ref == "380" {
		return "A3:476"
	}
	return "A3:178"
}

// push appends a zero element to *s and returns it, to be filled in place
// (a recycled array holds an old element there).
func push[T any](s *[]T) *T {
	var zero T
	*s = append(*s, zero)
	return &(*s)[len(*s)-1]
}

// grow returns s with room for n elements, reusing its array when it can.
// A new array gets an eighth more room than asked: transactions of a batch
// differ a little in size, and an exact fit is outgrown by the next one.
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
