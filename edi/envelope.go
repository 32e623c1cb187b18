package edi

import "bytes"

// ItemKind says what an Item holds.
type ItemKind uint8

const (
	ItemJunk           ItemKind = iota // bytes outside any interchange (BOM, prose, trailing blank lines)
	ItemInterchange                    // an ISA: an interchange begins
	ItemGroup                          // a GS: a functional group begins
	ItemTransaction                    // an ST…SE transaction set, whole
	ItemGroupEnd                       // a GE, or the place where it was missing
	ItemInterchangeEnd                 // an IEA, or the place where it was missing
	ItemStray                          // a segment outside any transaction where none may stand
)

// Item is one piece of the input in order. The Raw bytes of all items,
// concatenated, reproduce the input (only segments longer than MaxSegment
// are dropped). Writers walk items to rebuild envelopes.
type Item struct {
	Kind        ItemKind
	Raw         []byte
	Offset      int64
	Interchange *Interchange
	Group       *Group
	Tx          *Transaction
	Problem     *Problem // for ItemStray and envelope trailers that failed their checks
}

// Interchange is an ISA…IEA envelope.
type Interchange struct {
	File         string // the input's name, for diagnostics
	Seq          int    // 0-based index in the input
	Delims       Delimiters
	Raw          []byte // the ISA segment's span
	Offset       int64
	SenderQual   string
	SenderID     string
	ReceiverQual string
	ReceiverID   string
	Date, Time   string
	Version      string // ISA12
	Control      string // ISA13
	Usage        string // ISA15: P production, T test
	AckRequested bool   // ISA14 is 1: the sender asks for a TA1
	Groups       int    // GS segments read
	// GroupsStated is IEA01's count, -1 until the IEA is read.
	GroupsStated int
	// Problems are the interchange's faults: those of the ISA (known when
	// it opens) and those of the IEA (known when it closes, after its
	// claims were answered: noted, TA1 E, unless the input ends there).
	Problems []Problem
	// Rejected is the fault, known when the interchange opens, that
	// rejects it whole (TA1 R): none of its claims is accepted, and no 999
	// or 277CA answers it. Set before any of its items is handed on.
	Rejected *Problem

	groupControls map[string]bool // GS06s read: one repeated rejects its group
	scanned       bool            // its IEA was checked before it opened (envScan)
}

// TA1 returns the interchange's TA104 (A, E or R) and TA105 codes from its
// problems: R for a fault that rejects it, E for one it can be read
// despite, A with 000 for none.
func (ic *Interchange) TA1() (status, code string) {
	status, code = "A", "000"
	for _, p := range ic.Problems {
		switch {
		case p.TA105 == "":
		case p.Reject && status != "R":
			status, code = "R", p.TA105
		case status == "A":
			status, code = "E", p.TA105
		}
	}
	return status, code
}

// Group is a GS…GE functional group.
type Group struct {
	Interchange  *Interchange
	Seq          int // 0-based index within the interchange
	Raw          []byte
	Offset       int64
	FunctionalID string // GS01
	Sender       string // GS02
	Receiver     string // GS03
	Date, Time   string
	Control      string // GS06
	Version      string // GS08
	Transactions int    // ST segments read
	// SetsStated is GE01's count, -1 until the GE is read.
	SetsStated int
	Problems   []Problem
	// Rejected is the fault, known when the group opens, that rejects it
	// whole (AK9 R), as Interchange.Rejected.
	Rejected *Problem
	controls map[string]struct{}
	scanned  bool // its GE was checked before it opened (envScan)
}

// Rejects reports whether the group is rejected (AK9 R): a fault of its GS.
// Faults of its GE (missing, wrong count or control number) are known
// after its claims were answered; they are noted (AK9 E), not rejected.
func (g *Group) Rejects() bool {
	for _, p := range g.Problems {
		if p.Reject {
			return true
		}
	}
	return false
}

// Problem is a structural fault found while reading: it becomes an X12-…
// finding and, in the 999, an IK3/IK4/IK5 or AK9 error.
type Problem struct {
	Rule     string // X12-SE-COUNT, X12-HL-PARENT, …
	Msg      string
	Seg      int    // index in Transaction.Segs, or -1
	Offset   int64  // file offset of the segment at fault
	Elem     int    // element position (1-based), 0 for the whole segment
	Comp     int    // component position (1-based), 0 for none
	SegCode  string // IK304 code, "" when the fault is not at a segment
	ElemCode string // IK403 code
	ElemRef  string // IK402 data element reference number
	Value    string // IK404 copy of the bad value (never PHI: only codes and numbers)
	Loop     string // IK303 loop identifier
	IK5      string // IK502 code for transaction-level faults
	AK9      string // AK905 code for group-level faults
	TA105    string // TA105 code for interchange-level faults
	// Reject: the fault rejects its whole interchange (TA1 R) or group
	// (AK9 R), not only the claims it touches.
	Reject bool
	// Missing names a required segment that is absent (IK301); Seg is then
	// where it was expected.
	Missing string
	// Status is the 277CA status that names what is wrong, beside A3:21.
	Status string
}

// FixedWidthISA returns the ISA segment span with every element at its
// fixed width: a short element padded with spaces, a long one cut of its
// trailing spaces. ok is false when an element cannot be made to fit (too
// many characters that are not spaces, or too few elements); span is then
// returned as it is. What comes before "ISA" (line endings, indentation)
// and after the last element is kept.
func FixedWidthISA(span []byte, d Delimiters) (fixed []byte, ok bool) {
	at := bytes.Index(span, []byte("ISA"))
	if at < 0 {
		return span, false
	}
	end := bytes.LastIndexByte(span, d.Segment)
	if end < at {
		return span, false
	}
	els := bytes.Split(span[at:end], []byte{d.Element})
	if len(els) != len(isaWidths) {
		return span, false
	}
	out := append(make([]byte, 0, len(span)+8), span[:at]...)
	out = append(out, "ISA"...)
	for i := 1; i < len(isaWidths); i++ {
		e := els[i]
		if len(e) > isaWidths[i] {
			e = bytes.TrimRight(e, " ")
		}
		if len(e) > isaWidths[i] || i >= 9 && len(e) != isaWidths[i] {
			return span, false // ISA09 on are codes and numbers: padding would change them
		}
		out = append(out, d.Element)
		out = append(out, e...)
		out = append(out, bytes.Repeat([]byte{' '}, isaWidths[i]-len(e))...)
	}
	return append(out, span[end:]...), true
}
