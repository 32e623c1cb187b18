package edi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/scrub837/scrub837/internal/mem"
)

// MaxTransaction bounds one transaction set's bytes, far above what
// production batches hold: past it the input is refused rather than letting
// one endless ST grow memory without bound.
const MaxTransaction = 64 << 20

// Parser turns segments into items: envelopes, and whole transaction sets
// ready for Build. It holds one transaction at a time, so memory is bounded
// by the largest transaction, never by the file.
type Parser struct {
	// Name is the input's name (a file path, or "-"), carried into
	// diagnostics through Interchange.File.
	Name  string
	r     *Reader
	ic    *Interchange
	grp   *Group
	tx    *Transaction
	queue []Item
	head  int
	icSeq int
	err   error
	done  bool
	// run is the open transaction's bytes not yet copied into its Raw: a
	// window on the reader's buffer that grows while segments follow one
	// another there, copied in one go instead of segment by segment.
	run []byte
	// slow turns the fast path (body) off: tests compare the two.
	slow bool
	hint sizeHint // new transaction arrays are made this large

	// Source and Size, when set, let the parser read the end of a seekable
	// input before its interchanges: a file that ends before its last IEA
	// rejects that interchange from its start (TA1 R 023).
	Source io.ReaderAt
	Size   int64
	// TrailersFirst, with Source, reads every GE and IEA of the input
	// before its first interchange: a wrong or missing GE rejects its
	// group (AK9 R), a wrong IEA its interchange (TA1 R), before any of
	// their claims is told. Without it those faults are found where they
	// stand, after the claims before them, and noted (AK9 E, TA1 E). It
	// costs one more pass over the input (about 70 ms per 125 MB).
	TrailersFirst bool
	tail          *tail
	scan          *envScan // the trailers, read first

	isaControls map[string]bool // ISA13s read: one repeated is TA1 R 025
}

// NewParser returns a Parser reading src.
func NewParser(src io.Reader) *Parser {
	p := &Parser{r: NewReader(src)}
	p.r.beforeMove = p.flushRun
	return p
}

// flushRun copies the pending run into the open transaction.
func (p *Parser) flushRun() {
	if len(p.run) > 0 && p.tx != nil {
		p.tx.Raw = append(mem.Room(p.tx.Raw, len(p.run)), p.run...)
	}
	p.run = nil
}

// extendRun adds span to the pending run; span must directly follow it in
// the reader's buffer, or the run is flushed and span starts a new one.
func (p *Parser) extendRun(span []byte) {
	if n := len(p.run); n > 0 && cap(p.run) > n && len(span) > 0 && &p.run[:n+1][n] == &span[0] {
		p.run = p.run[:n+len(span)]
		return
	}
	p.flushRun()
	p.run = span
}

// Err returns the fatal error that ended parsing, if any.
func (p *Parser) Err() error { return p.err }

// Offset returns how many input bytes have been consumed.
func (p *Parser) Offset() int64 { return p.r.Offset() }

// Next returns the next item; false at the end of input or on a fatal error.
func (p *Parser) Next() (Item, bool) {
	for p.head >= len(p.queue) {
		p.queue, p.head = p.queue[:0], 0
		if p.done || p.err != nil {
			return Item{}, false
		}
		p.step()
	}
	it := p.queue[p.head]
	p.queue[p.head] = Item{}
	p.head++
	return it, true
}

func (p *Parser) emit(it Item) { p.queue = append(p.queue, it) }

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func (p *Parser) step() {
	if p.tx != nil && !p.slow {
		p.body()
	}
	if !p.r.Next() {
		if err := p.r.Err(); err != nil {
			p.err = err
			return
		}
		p.closeAll(p.r.Offset(), "end of input")
		p.done = true
		return
	}
	seg := p.r.Segment()
	switch {
	case seg.Kind == KindJunk:
		// Inside an interchange the reader yields junk only where something
		// that looks like a new ISA begins, or at the end of input: what is
		// open ends here, so that items stay in the order of their bytes.
		why := "text that is not an X12 segment"
		if len(bytes.TrimSpace(seg.Span)) == 0 {
			why = "end of input" // only white space after the last segment
		}
		p.closeAll(seg.SpanOffset, why)
		p.emit(Item{Kind: ItemJunk, Raw: clone(seg.Span), Offset: seg.SpanOffset})
	case seg.NewISA:
		p.closeAll(seg.Offset, "a new ISA")
		p.openInterchange(seg)
	case seg.Truncated:
		p.truncated(seg)
	default:
		p.segment(seg)
	}
}

// closeAll ends the open transaction, group and interchange at offset at.
func (p *Parser) closeAll(at int64, why string) {
	p.closeTx(at, why)
	p.closeGroup(at, why, nil)
	p.closeInterchange(at, why, nil)
}

// truncated records a segment too long to keep: it is dropped, and its
// transaction rejected.
func (p *Parser) truncated(seg *Segment) {
	pr := Problem{Rule: "X12-SEGMENT-TOO-LONG", Seg: -1, Offset: seg.Offset, SegCode: "8", IK5: "5",
		Msg: fmt.Sprintf("segment is longer than %d bytes without a terminator; it was skipped", MaxSegment)}
	if p.tx == nil {
		p.emit(Item{Kind: ItemStray, Offset: seg.Offset, Interchange: p.ic, Group: p.grp, Problem: &pr})
		return
	}
	pr.Seg = len(p.tx.Segs)
	p.tx.Problems = append(p.tx.Problems, pr)
	p.tx.SegmentErrors = append(p.tx.SegmentErrors, pr)
	p.flushRun()
	n := int32(len(p.tx.Raw))
	p.tx.Segs = append(p.tx.Segs, Seg{Start: n, End: n, ID: SegTruncated})
}

// segment handles one whole segment inside an interchange.
func (p *Parser) segment(seg *Segment) {
	id := seg.ID()
	kind := segIDOf(id)
	switch kind {
	case SegGS:
		p.closeTx(seg.Offset, "GS")
		p.closeGroup(seg.Offset, "a new GS", nil)
		p.openGroup(seg)
	case SegST:
		p.closeTx(seg.Offset, "a new ST")
		if p.grp == nil {
			p.grp = &Group{Interchange: p.ic, Seq: p.ic.Groups, Offset: seg.Offset, controls: map[string]struct{}{}}
			p.ic.Groups++
			p.grp.Problems = append(p.grp.Problems, Problem{Rule: "X12-GS-MISSING", Seg: -1, Offset: seg.Offset, AK9: "3",
				Msg: "ST outside a functional group (no GS before it)"})
			p.emit(Item{Kind: ItemGroup, Offset: seg.Offset, Interchange: p.ic, Group: p.grp})
		}
		p.openTx(seg)
	case SegSE:
		p.se(seg)
	case SegGE:
		p.closeTx(seg.Offset, "GE")
		if p.grp == nil {
			p.stray(seg, "GE without a matching GS")
			return
		}
		p.closeGroup(seg.Offset, "", seg)
	case SegIEA:
		p.closeTx(seg.Offset, "IEA")
		p.closeGroup(seg.Offset, "IEA", nil)
		p.closeInterchange(seg.Offset, "", seg)
	default:
		if p.tx == nil {
			p.stray(seg, "segment "+strconv.Quote(string(id))+" outside a transaction set (expected ST, GE or IEA)")
			return
		}
		p.appendSeg(seg, kind)
	}
}

// se ends the open transaction set and checks SE01 and SE02.
func (p *Parser) se(seg *Segment) {
	if p.tx == nil {
		p.stray(seg, "SE without a matching ST")
		return
	}
	p.appendSeg(seg, SegSE)
	if p.err != nil {
		return
	}
	tx := p.tx
	tx.HasSE = true
	n := len(tx.Segs)
	if got := string(seg.Element(1)); got != strconv.Itoa(n) {
		tx.Problems = append(tx.Problems, Problem{Rule: "X12-SE-COUNT", Seg: n - 1, Offset: seg.Offset, Elem: 1, IK5: "4",
			Value: got, Msg: fmt.Sprintf("SE01 says %s segments, the transaction has %d (ST through SE)", Quote(got), n)})
	}
	if got := string(seg.Element(2)); got != tx.ST02 {
		tx.Problems = append(tx.Problems, Problem{Rule: "X12-SE-CONTROL", Seg: n - 1, Offset: seg.Offset, Elem: 2, IK5: "3",
			Value: got, Msg: fmt.Sprintf("SE02 control number %s differs from ST02 %s", Quote(got), Quote(tx.ST02))})
	}
	p.finishTx()
}

func (p *Parser) stray(seg *Segment, msg string) {
	pr := Problem{Rule: "X12-SEGMENT-PLACEMENT", Seg: -1, Offset: seg.Offset, SegCode: "2", Msg: msg}
	p.emit(Item{Kind: ItemStray, Raw: clone(seg.Span), Offset: seg.SpanOffset, Interchange: p.ic, Group: p.grp, Problem: &pr})
}

func (p *Parser) openInterchange(seg *Segment) {
	p.ic = &Interchange{File: p.Name, Seq: p.icSeq, Delims: *seg.d, Raw: clone(seg.Span), Offset: seg.Offset,
		SenderQual: s(seg.Element(5)), SenderID: strings.TrimSpace(s(seg.Element(6))),
		ReceiverQual: s(seg.Element(7)), ReceiverID: strings.TrimSpace(s(seg.Element(8))),
		Date: s(seg.Element(9)), Time: s(seg.Element(10)), Version: s(seg.Element(12)), Control: s(seg.Element(13)), Usage: s(seg.Element(15)),
		AckRequested: s(seg.Element(14)) == "1", GroupsStated: -1}
	p.icSeq++
	p.checkISA(seg)
	p.emit(Item{Kind: ItemInterchange, Raw: p.ic.Raw, Offset: seg.SpanOffset, Interchange: p.ic})
}

// isaWidths are the fixed widths of ISA01 to ISA16, and isaCodes the TA105
// code of a fault in each.
var (
	isaWidths = [17]int{1: 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}
	isaCodes  = [17]string{1: "010", "011", "012", "013", "005", "006", "007", "008", "014", "015", "026", "017", "018", "019", "020", "027"}
)

// checkISA records the ISA's faults on the open interchange. All reject it
// (a value that is not what the guide allows, a version other than 00501,
// a control number already used in this input, an input that ends before
// its IEA) but an element of the wrong width that can be rewritten at its
// width: that interchange is accepted with errors (TA104 E).
func (p *Parser) checkISA(seg *Segment) {
	ic := p.ic
	fault := func(rule, code string, elem int, reject bool, msg string) {
		ic.Problems = append(ic.Problems, Problem{Rule: rule, Seg: -1, Offset: seg.Offset, Elem: elem, TA105: code, Reject: reject, Msg: msg})
		if reject && ic.Rejected == nil {
			ic.Rejected = &ic.Problems[len(ic.Problems)-1]
		}
	}
	els := seg.Elements()
	for i := 1; i < len(isaWidths) && i < len(els); i++ {
		if len(els[i]) != isaWidths[i] {
			// Read despite it, and rewritten at its widths in the clean
			// file; an element that cannot be rewritten rejects.
			_, fits := FixedWidthISA(seg.Span, *seg.d)
			fault("X12-ISA-WIDTH", isaCodes[i], i, !fits, fmt.Sprintf("ISA%02d has %d characters, expected %d: the ISA is fixed width, %d characters with its terminator",
				i, len(els[i]), isaWidths[i], ISALength))
			break
		}
	}
	switch {
	case !allDigits(els, 9) || !allDigits(els, 10):
		fault("X12-ISA-VALUE", map[bool]string{true: "015", false: "014"}[allDigits(els, 9)], 9, true, "ISA09/ISA10 (date and time) are not digits")
	case !allDigits(els, 13):
		fault("X12-ISA-VALUE", "018", 13, true, "ISA13 (control number) "+Quote(ic.Control)+" is not 9 digits")
	case ic.Usage != "P" && ic.Usage != "T":
		fault("X12-ISA-VALUE", "020", 15, true, "ISA15 (usage) is "+Quote(ic.Usage)+": expected P (production) or T (test)")
	case s(element(els, 14)) != "0" && s(element(els, 14)) != "1":
		fault("X12-ISA-VALUE", "019", 14, true, "ISA14 (acknowledgment requested) is "+Quote(s(element(els, 14)))+": expected 0 or 1")
	}
	if ic.Version != "00501" {
		fault("X12-ISA-VERSION", "017", 12, true, "ISA12 (interchange version) is "+Quote(ic.Version)+": an 837P 005010 interchange is version 00501")
	}
	if p.isaControls == nil {
		p.isaControls = map[string]bool{}
	}
	if p.isaControls[ic.Control] {
		fault("X12-ISA-DUPLICATE", "025", 13, true, "ISA13 control number "+Quote(ic.Control)+" is used by an earlier interchange of this input")
	} else if len(p.isaControls) < 100_000 {
		p.isaControls[ic.Control] = true
	}
	if p.Source != nil && p.tail == nil {
		t := checkTail(p.Source, p.Size)
		p.tail = &t
		if p.TrailersFirst {
			p.scan = scanEnvelopes(p.Source, p.Size)
		}
	}
	if p.scan != nil {
		if sc := p.scan.ics[seg.Offset]; sc != nil {
			ic.scanned = true
			for _, pr := range sc.faults(ic) {
				fault(pr.Rule, pr.TA105, pr.Elem, true, pr.Msg)
			}
		}
	}
	if p.tail != nil && p.tail.truncated && p.tail.lastISA == seg.Offset {
		fault("X12-IEA-MISSING", "023", 0, true, "the input ends before this interchange's IEA: it is incomplete, and none of its claims is accepted")
	}
}

// allDigits reports whether element i of els is digits only (and not empty).
func allDigits(els [][]byte, i int) bool {
	e := element(els, i)
	return len(e) > 0 && digits(e)
}

func (p *Parser) closeInterchange(at int64, why string, iea *Segment) {
	if p.ic == nil {
		return
	}
	ic := p.ic
	p.ic = nil
	it := Item{Kind: ItemInterchangeEnd, Offset: at, Interchange: ic}
	if iea == nil {
		if ic.Rejected == nil || ic.Rejected.Rule != "X12-IEA-MISSING" { // not already known from the input's end
			msg := "interchange " + Quote(ic.Control) + " has no IEA before " + why
			if why == "end of input" {
				msg = "the input ends before interchange " + Quote(ic.Control) + "'s IEA: it is incomplete"
			}
			// At the end of the input it is a truncation (TA1 R), found
			// before the interchange opened when the input is a file;
			// before another ISA the interchange was read whole (TA1 E).
			ic.Problems = append(ic.Problems, Problem{Rule: "X12-IEA-MISSING", Seg: -1, Offset: at, TA105: "023", Reject: why == "end of input", Msg: msg})
		}
		it.Problem = &ic.Problems[len(ic.Problems)-1]
		p.emit(it)
		return
	}
	it.Raw, it.Offset = clone(iea.Span), iea.SpanOffset
	if n, err := strconv.Atoi(s(iea.Element(1))); err == nil {
		ic.GroupsStated = n
	}
	if ic.scanned { // its IEA was checked before it opened
		if len(ic.Problems) > 0 {
			it.Problem = &ic.Problems[len(ic.Problems)-1]
		}
		p.emit(it)
		return
	}
	ic.Problems = append(ic.Problems, ieaFaults(ic, s(iea.Element(1)), s(iea.Element(2)), ic.Groups, iea.Offset, false)...)
	if len(ic.Problems) > 0 {
		it.Problem = &ic.Problems[len(ic.Problems)-1]
	}
	p.emit(it)
}

func (p *Parser) openGroup(seg *Segment) {
	p.grp = &Group{Interchange: p.ic, Seq: p.ic.Groups, Raw: clone(seg.Span), Offset: seg.Offset,
		FunctionalID: s(seg.Element(1)), Sender: s(seg.Element(2)), Receiver: s(seg.Element(3)), Date: s(seg.Element(4)), Time: s(seg.Element(5)),
		Control: s(seg.Element(6)), Version: s(seg.Element(8)), controls: map[string]struct{}{}, SetsStated: -1}
	p.ic.Groups++
	p.checkGS(seg)
	p.emit(Item{Kind: ItemGroup, Raw: p.grp.Raw, Offset: seg.SpanOffset, Interchange: p.ic, Group: p.grp})
}

// checkGS records the faults that reject a group from its GS (AK9 R): a
// functional group other than HC, a version other than an 837P's, a
// control number already used in its interchange.
func (p *Parser) checkGS(seg *Segment) {
	g, ic := p.grp, p.ic
	fault := func(rule, code string, elem int, msg string) {
		g.Problems = append(g.Problems, Problem{Rule: rule, Seg: -1, Offset: seg.Offset, Elem: elem, AK9: code, Reject: true, Msg: msg})
		if g.Rejected == nil {
			g.Rejected = &g.Problems[len(g.Problems)-1]
		}
	}
	switch {
	case g.FunctionalID != "HC":
		fault("X12-GS-FUNCTION", "1", 1, "GS01 is "+Quote(g.FunctionalID)+": a group of 837 claims is HC")
	case !strings.HasPrefix(g.Version, "005010X222"):
		fault("X12-GS-VERSION", "2", 8, "GS08 is "+Quote(g.Version)+": an 837P group is version 005010X222A1")
	}
	if ic.groupControls == nil {
		ic.groupControls = map[string]bool{}
	}
	if p.scan != nil {
		if sc := p.scan.groups[seg.Offset]; sc != nil {
			g.scanned = true
			for _, pr := range sc.faults(g) {
				fault(pr.Rule, pr.AK9, pr.Elem, pr.Msg)
			}
		}
	}
	if ic.groupControls[g.Control] {
		fault("X12-GS-DUPLICATE", "19", 6, "GS06 control number "+Quote(g.Control)+" is used by an earlier group of this interchange")
	} else {
		ic.groupControls[g.Control] = true
	}
}

func geMissing(control, why string) string {
	if why == "end of input" {
		return "the input ends before functional group " + Quote(control) + "'s GE"
	}
	return "functional group " + Quote(control) + " has no GE before " + why
}

func (p *Parser) closeGroup(at int64, why string, ge *Segment) {
	if p.grp == nil {
		return
	}
	g := p.grp
	p.grp = nil
	it := Item{Kind: ItemGroupEnd, Offset: at, Interchange: g.Interchange, Group: g}
	switch {
	case g.scanned:
		// Its GE was checked before it opened (and rejected it if wrong).
		if ge != nil {
			it.Raw, it.Offset = clone(ge.Span), ge.SpanOffset
			if n, err := strconv.Atoi(s(ge.Element(1))); err == nil {
				g.SetsStated = n
			}
		}
	case ge == nil:
		g.Problems = append(g.Problems, Problem{Rule: "X12-GE-MISSING", Seg: -1, Offset: at, AK9: "3",
			Msg: geMissing(g.Control, why)})
	default:
		it.Raw, it.Offset = clone(ge.Span), ge.SpanOffset
		if n, err := strconv.Atoi(s(ge.Element(1))); err == nil {
			g.SetsStated = n
		}
		g.Problems = append(g.Problems, geFaults(g, s(ge.Element(1)), s(ge.Element(2)), g.Transactions, ge.Offset, false)...)
	}
	// Found here, a GE's faults come after the group's claims went out (an
	// input read as a stream): the group was read whole, and is accepted
	// with errors (AK9 E). A seekable input's are found before (envScan).
	if len(g.Problems) > 0 {
		it.Problem = &g.Problems[len(g.Problems)-1]
	}
	p.emit(it)
}

func (p *Parser) openTx(seg *Segment) {
	hint := p.hint
	if hint.raw == 0 && p.Size > 0 {
		// The first transaction of an input whose size is known: made as
		// large as the input's rest, up to a production transaction's size,
		// so that it is not grown to it. Pages not written cost nothing.
		hint.raw = int(min(p.Size-seg.SpanOffset, firstHint))
		hint.segs = hint.raw / 32 // 837P segments average 25-40 bytes; an index too small doubles
	}
	buf := getBuffers(hint)
	tx := &Transaction{Interchange: p.ic, Group: p.grp, Index: p.grp.Transactions, Offset: seg.SpanOffset,
		Raw: buf.raw, Segs: buf.segs}
	p.grp.Transactions++
	p.tx = tx
	tx.Line, tx.LineStart = seg.Line(), seg.LineStart()
	p.appendSeg(seg, SegST)
	// The model's strings point into Raw; these come from the segment itself.
	tx.ST01, tx.ST02, tx.ST03 = s(seg.Element(1)), s(seg.Element(2)), s(seg.Element(3))
	if _, dup := p.grp.controls[tx.ST02]; dup {
		tx.Problems = append(tx.Problems, Problem{Rule: "X12-ST-DUPLICATE", Seg: 0, Offset: seg.Offset, Elem: 2, IK5: "23", Value: tx.ST02,
			Msg: "ST02 control number " + Quote(tx.ST02) + " is used twice in functional group " + Quote(p.grp.Control)})
	} else if len(p.grp.controls) < 100_000 {
		p.grp.controls[tx.ST02] = struct{}{}
	}
	version := tx.ST03
	if version == "" {
		version = p.grp.Version
	}
	switch {
	case tx.ST01 != "837":
		tx.Unsupported = fmt.Sprintf("transaction set %s is a %s, not an 837", Quote(tx.ST02), Quote(tx.ST01))
	case !strings.HasPrefix(version, "005010X222"):
		kind := "not 837P 005010X222A1"
		switch {
		case strings.HasPrefix(version, "005010X223"):
			kind = "an 837I (institutional)"
		case strings.HasPrefix(version, "005010X224"):
			kind = "an 837D (dental)"
		case strings.HasPrefix(version, "004010"):
			kind = "a 4010 837, retired in 2012"
		}
		tx.Unsupported = fmt.Sprintf("transaction set %s is version %s: %s; scrub837 checks 837P 005010X222A1 only", Quote(tx.ST02), Quote(version), kind)
	}
}

// body indexes the open transaction's ordinary segments straight from the
// reader's buffer, a tight loop with no Segment per segment. It stops, with
// the reader before the segment, at anything the general path must see:
// ST, SE, GS, GE, IEA, anything starting "ISA", a segment not wholly in the
// buffer, the transaction's size bound. What it indexes is exactly what the
// general path would have indexed (FuzzModel compares the two); it is the
// parser's hot loop.
func (p *Parser) body() {
	r, tx := p.r, p.tx
	term, sep := r.d.Segment, r.d.Element
	if r.seekISA || r.err != nil || isSpace(term) || r.end-r.pos < 8 {
		return
	}
	buf := r.buf[:r.end]
	pos := r.pos
	// The run must end where the reader stands, so that it extends to what
	// is indexed here.
	if n := len(p.run); n > 0 && (cap(p.run) <= n || &p.run[:n+1][n] != &buf[pos]) {
		p.flushRun()
	}
	runStart := pos - len(p.run)
	base := len(tx.Raw) - runStart // Raw offset = base + buffer index
	limit := MaxTransaction - base // buffer index a segment may not stop beyond
	segs := tx.Segs
	for {
		lead := pos
		pos = skipBlank(buf, pos, term)
		if len(buf)-pos < 4 {
			pos = lead
			break
		}
		w := binary.LittleEndian.Uint32(buf[pos:])
		id := kindAt(w, sep, term)
		if id == SegST || id == SegSE || id >= SegGS || w&0xFFFFFF == 'I'|'S'<<8|'A'<<16 {
			pos = lead
			break
		}
		i := bytes.IndexByte(buf[pos:], term)
		if i < 0 || pos+i+1 > limit {
			pos = lead
			break
		}
		stop := pos + i
		// Every field is set (see extend); the span starts at lead, where
		// the last one stopped.
		sg := extend(&segs)
		sg.Start, sg.End, sg.ID, sg.Tail = int32(base+pos), int32(base+stop), id, 1
		tx.count(id)
		pos = stop + 1
	}
	tx.Segs = segs
	p.run = buf[runStart:pos]
	r.pos = pos
}

// kindAt classifies a segment from its first four bytes, packed
// little-endian in w, exactly as segIDOf(Segment.ID()) does: identifiers
// are two or three characters, and letters never equal a delimiter. (Small
// enough to inline: it runs for every segment.)
func kindAt(w uint32, sep, term byte) SegID {
	k := w & 0xFFFF
	if c2 := byte(w >> 16); c2 != sep && c2 != term {
		if c3 := byte(w >> 24); c3 != sep && c3 != term || c2 == 0 {
			return SegOther // a NUL third byte, as in segIDOf, would pack like a two-byte id
		}
		k = w & 0xFFFFFF
	}
	return segKind(k)
}

// appendSeg adds a segment's exact bytes to the open transaction (through
// the pending run) and indexes it.
func (p *Parser) appendSeg(seg *Segment, id SegID) {
	tx := p.tx
	lead := int32(len(tx.Raw) + len(p.run))
	start := lead + int32(seg.Offset-seg.SpanOffset)
	p.extendRun(seg.Span)
	stop := int32(len(tx.Raw) + len(p.run))
	end := start + int32(len(seg.Raw))
	tx.Segs = append(tx.Segs, Seg{Start: start, End: end, ID: id, Tail: uint8(stop - end)}) // the span starts at lead, where the last one stopped
	tx.count(id)
	if stop > MaxTransaction {
		p.err = &InputError{Offset: tx.Offset, Msg: fmt.Sprintf("transaction set %s is larger than %d MiB; split the batch (production batches hold at most ~5,000 claims per ST)",
			Quote(tx.ST02), MaxTransaction>>20)}
	}
}

func (p *Parser) closeTx(at int64, why string) {
	if p.tx == nil {
		return
	}
	p.tx.Problems = append(p.tx.Problems, Problem{Rule: "X12-SE-MISSING", Seg: len(p.tx.Segs) - 1, Offset: at, IK5: "2",
		Msg: "transaction set " + Quote(p.tx.ST02) + " has no SE before " + why})
	p.finishTx()
}

func (p *Parser) finishTx() {
	p.flushRun()
	tx := p.tx
	p.tx = nil
	if tx.HasSE && tx.CLMs == 0 && tx.Unsupported == "" {
		at := len(tx.Segs) - 1 // where a claim was expected: before SE
		pr := Problem{Rule: "X12-CLM-MISSING", Seg: at, Offset: tx.Offset + int64(tx.Segs[at].Start), SegCode: "3", Missing: "CLM", IK5: "5",
			Msg: "transaction set " + Quote(tx.ST02) + " holds no claim (no CLM segment)"}
		tx.Problems = append(tx.Problems, pr)
		tx.SegmentErrors = append(tx.SegmentErrors, pr)
	}
	p.hint.see(tx)
	p.emit(Item{Kind: ItemTransaction, Raw: tx.Raw, Offset: tx.Offset, Interchange: tx.Interchange, Group: tx.Group, Tx: tx})
}

// s copies an envelope element: envelopes outlive the reader's buffer.
func s(b []byte) string { return string(b) }

// element returns els[i], or nil past the end.
func element(els [][]byte, i int) []byte {
	if i < len(els) {
		return els[i]
	}
	return nil
}
