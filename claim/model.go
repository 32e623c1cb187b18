// Package claim is the 837P model read out of a transaction set: its HL
// tree, claims (2300) and service lines (2400), with decimal amounts and
// dates parsed once. Every string in it is a view of the transaction's
// bytes: it is valid as long as the transaction is.
package claim

import (
	"iter"
	"strings"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/mem"
)

// MaxLines is the most service lines (2400 loops) one claim may hold.
const MaxLines = 50

// Model is one transaction's 837P model. Build makes it; every CLM segment
// becomes exactly one Claim, however broken.
type Model struct {
	Tx        *edi.Transaction
	Submitter int    // segment index of 1000A NM1*41, -1 if none
	Receiver  int    // segment index of 1000B NM1*40, -1 if none
	HeaderEnd int    // index of the first HL
	BHT03     string // the originator's batch id, echoed in the 277CA
	BHT04     int    // the batch's creation date, yyyymmdd, 0 when invalid
	HLs       []HL
	Claims    []Claim
	// SegmentErrors lists the structural problems the model found at a
	// segment, for the 999, including those also attached to a claim.
	SegmentErrors []edi.Problem
	lines         []Line // backing array of every claim's Lines
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
	Problems []edi.Problem
}

// Claim is one 2300 loop with its service lines.
type Claim struct {
	Index        int
	HL           int    // index into Model.HLs of the HL the claim follows, -1
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
	// StatementFrom and StatementTo are the claim's statement dates
	// (DTP*434), 0 when absent or invalid.
	StatementFrom, StatementTo int
	Lines                      []Line
	Problems                   []edi.Problem // structural problems that reject this claim
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
	HC           bool   // SV101-1 is HC: Code is a CPT/HCPCS code
	ChargeOK     bool
	UnitsOK      bool
}

// Qualifier returns SV101-1, the product or service id qualifier.
func (l *Line) Qualifier() string {
	q, _, _ := cutByte(l.SV101, l.compSep)
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
			part, rest, more := cutByte(s, l.compSep)
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

// Description returns SV101-7, the procedure's description, or "".
func (l *Line) Description() string {
	s := l.SV101
	for range 6 {
		var more bool
		if _, s, more = cutByte(s, l.compSep); !more {
			return ""
		}
	}
	d, _, _ := cutByte(s, l.compSep)
	return d
}

// cutByte is strings.Cut at a one-byte separator. (strings.Cut with
// string(sep) would look for a byte of 0x80 or more as its two-byte UTF-8
// encoding, and never find it.)
func cutByte(s string, sep byte) (before, after string, found bool) {
	if i := strings.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// Modifiers returns the modifiers present, in order.
func (l *Line) Modifiers() []string {
	var out []string
	for _, m := range l.Mods() {
		out = append(out, m)
	}
	return out
}

// Ancestors yields h and then each HL above it, nearest first. The walk is
// bounded by the number of HLs, whatever the parents say.
func (m *Model) Ancestors(h int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for n := 0; h >= 0 && h < len(m.HLs) && n <= len(m.HLs); n++ {
			if !yield(h) {
				return
			}
			h = m.HLs[h].Parent
		}
	}
}

// BillingHL returns the billing provider (level 20) at or above HL h, or -1.
func (m *Model) BillingHL(h int) int {
	// A plain loop, as Ancestors walks: it runs for every claim.
	for n := 0; h >= 0 && h < len(m.HLs) && n <= len(m.HLs); n++ {
		if m.HLs[h].Level == "20" {
			return h
		}
		h = m.HLs[h].Parent
	}
	return -1
}

// LineLX returns LX01 of line li of claim ci, "" for li < 0 (claim level).
func (c *Claim) LineLX(li int) string {
	if li < 0 || li >= len(c.Lines) {
		return ""
	}
	return c.Lines[li].LX
}

// LineOf returns the index of the claim's line containing segment seg, or -1.
func (c *Claim) LineOf(seg int) int {
	for i := range c.Lines {
		if seg >= c.Lines[i].Seg && seg < c.Lines[i].End {
			return i
		}
	}
	return -1
}

// A run recycles its models' arrays: a batch is thousands of transactions
// of about the same size, and reusing their arrays removes most of a run's
// allocation.
type arrays struct {
	hls    []HL
	claims []Claim
	lines  []Line
}

var freeArrays = mem.NewFreeList[*arrays](4)

func newModel() *Model {
	a := freeArrays.Get(func() *arrays { return &arrays{} })
	return &Model{HLs: a.hls, Claims: a.claims, lines: a.lines}
}

// Release hands the model's HLs, claims and lines back for reuse: they are
// empty afterwards. The rest of the model (SegmentErrors, the header's
// segment indexes) stays. Call it only when nothing reads them any more.
func (m *Model) Release() {
	if m.HLs == nil && m.Claims == nil && m.lines == nil {
		return
	}
	freeArrays.Put(&arrays{hls: m.HLs[:0], claims: m.Claims[:0], lines: m.lines[:0]})
	m.HLs, m.Claims, m.lines = nil, nil, nil
}

// ServiceDates returns the first and last valid dates of service of the
// claim's lines (an RD8 counts to its end), 0 and 0 when none has one.
func (c *Claim) ServiceDates() (first, last int) {
	for i := range c.Lines {
		l := &c.Lines[i]
		if l.DOS == 0 {
			continue
		}
		if first == 0 || l.DOS < first {
			first = l.DOS
		}
		last = max(last, l.DOSEnd, l.DOS)
	}
	return first, last
}

// WellFormedModifier reports whether m is a HCPCS modifier as written: two
// upper-case letters or digits. The rules read no other (MOD-INVALID), and
// the 277CA echoes no other.
func WellFormedModifier(m string) bool {
	up := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' }
	return len(m) == 2 && up(m[0]) && up(m[1])
}
