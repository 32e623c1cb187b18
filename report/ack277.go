package report

import (
	"io"
	"slices"
	"strconv"

	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/mem"
)

// Printer277CA writes a 005010X214 Claim Acknowledgment: one 277 per 837
// transaction set, every claim acknowledged (A2:20 accepted; rejected with
// STC03 U and the status codes of its findings), and a 2220D service line
// for each line that caused the rejection.
type Printer277CA struct {
	env    ackEnvelope
	Claims int // claims acknowledged, for the conservation check
	// Unanswered counts the claims of transaction sets the 999 rejects, or
	// whose interchange or group is rejected: no 277CA answers them.
	Unanswered int
}

// answered reports whether a 277CA answers the transaction set: one the
// 999 accepts (IK5 A or E), in an interchange and group not rejected.
func answered(tx *edi.Transaction) bool {
	return tx.Unsupported == "" && len(tx.Problems) == 0 && tx.Interchange.Rejected == nil && tx.Group.Rejected == nil
}

// New277CA returns a 277CA printer writing to w.
func New277CA(w io.Writer, opt AckOptions) *Printer277CA {
	return &Printer277CA{env: ackEnvelope{w: w, opt: opt, funcID: "HN", version: "005010X214", stream: stream277CA}}
}

// statusPair is one STC's status composites.
type statusPair struct{ stc01, stc10 string }

// errorStatuses appends to out the distinct status pairs of the error
// findings, in finding order; with onlyLine, only the findings of that line.
// (A claim has a few findings: a scan of out, not a map, finds repeats.)
func errorStatuses(out []statusPair, fs []finding.Finding, line int, onlyLine bool) []statusPair {
	for i := range fs {
		f := &fs[i]
		if f.Severity != finding.SeverityError || f.STC01 == "" || (onlyLine && f.Line != line) {
			continue
		}
		p := statusPair{f.STC01, f.STC10}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// status rewrites a catalog status "A8:736" with the output's component separator.
func (w *segWriter) status(s string) string {
	if w.d.Component == ':' {
		return s // the usual separator: written as the catalog has it
	}
	mark := w.tmp.Mark()
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ':' {
			c = w.d.Component
		}
		w.tmp.AppendByte(c)
	}
	return w.tmp.Since(mark)
}

func (w *segWriter) stc(p statusPair, date, action, amount string) {
	if p.stc10 == "" {
		w.seg("STC", w.status(p.stc01), date, action, amount)
		return
	}
	w.seg("STC", w.status(p.stc01), date, action, amount, "", "", "", "", "", w.status(p.stc10))
}

// name reads NM102..NM105 and NM108/NM109 of an NM1 segment.
func name(t *edi.Transaction, seg int) (kind, last, first, middle, idq, id string) {
	if seg < 0 {
		return "2", "UNKNOWN", "", "", "", ""
	}
	f := t.Cursor(seg)
	f.Skip(1)
	kind, last, first, middle = mem.String(f.Next()), mem.String(f.Next()), mem.String(f.Next()), mem.String(f.Next())
	f.Skip(2)
	return kind, last, first, middle, mem.String(f.Next()), mem.String(f.Next())
}

// Render writes the 277 for one 837 transaction.
func (p *Printer277CA) Render(buf []byte, res *finding.Result) []byte {
	tx, m := res.Tx, res.Model
	if !answered(tx) {
		return nil
	}
	d := ackDelims(tx.Interchange.Delims)
	w := newSegWriter(buf, d, tx.LineEnding())
	now := p.env.opt.Now
	today := now.Format("20060102")
	ref := or(m.BHT03, or(tx.ST02, "0")) // TRN*2 at 2200B: the 837's batch id
	st := stControl(tx)
	w.seg("ST", "277", st, "005010X214")
	w.seg("BHT", "0085", "08", w.clean(ref), today, now.Format("1504"), "TH")
	// 2000A information source: the payer the 837 was sent to, or the
	// clearinghouse that answers (AY) when the acknowledgment's sender is set.
	w.seg("HL", "1", "", "20", "1")
	_, rname, _, _, _, rid := name(tx, m.Receiver)
	if p.env.opt.SenderID != "" {
		w.seg("NM1", "AY", "2", w.clean(ascii(or(rname, "CLEARINGHOUSE"))), "", "", "", "", "46", w.clean(p.env.opt.SenderID))
	} else {
		w.seg("NM1", "PR", "2", w.clean(ascii(or(rname, "RECEIVER"))), "", "", "", "", "46", w.clean(or(rid, or(tx.Interchange.ReceiverID, "UNKNOWN"))))
	}
	w.seg("TRN", "1", w.clean(or(tx.Interchange.Control+tx.ST02, "0")))
	w.seg("DTP", "050", "D8", today)
	w.seg("DTP", "009", "D8", today)
	p.receiver(w, res, ref, today)
	hl := 2
	// 2000C per billing provider, in 837 order; claims outside any billing
	// provider (a broken HL tree) form a last group so that every claim is
	// still acknowledged.
	for _, grp := range providerGroups(m) {
		hl++
		provHL := hl
		p.provider(w, res, grp, provHL)
		for _, ci := range grp.claims {
			w.out = mem.Room(w.out, 4<<10) // grown by doubling (see mem.Room)
			hl++
			w.seg("HL", w.tmp.Int(hl), w.tmp.Int(provHL), "PT")
			p.claim(w, m, ci, &res.Claims[ci], today)
		}
	}
	w.seg("SE", strconv.Itoa(w.n+1), st)
	return w.Bytes()
}

// receiver writes 2000B, the information receiver: the 837's submitter,
// with the batch totals.
func (p *Printer277CA) receiver(w *segWriter, res *finding.Result, ref, today string) {
	tx, m := res.Tx, res.Model
	acc, rej, accAmt, rejAmt := res.Counts()
	// WQ: claims are judged one by one (U would reject the whole submitter,
	// which a 999 rejection does, with no 277CA).
	action := "WQ"
	w.seg("HL", "2", "1", "21", "1")
	_, sname, sfirst, _, _, sid := name(tx, m.Submitter)
	skind := "2"
	if m.Submitter >= 0 {
		skind, _, _, _, _, _ = name(tx, m.Submitter)
	}
	w.seg("NM1", "41", or(skind, "2"), w.clean(ascii(or(sname, "SUBMITTER"))), w.clean(ascii(sfirst)), "", "", "", "46", w.clean(or(sid, or(tx.Interchange.SenderID, "UNKNOWN"))))
	w.seg("TRN", "2", w.clean(ref))
	w.seg("STC", w.status("A1:19:PR"), today, action, (accAmt + rejAmt).String())
	p.counts(w, "90", "AA", acc, rej, accAmt, rejAmt)
}

// provider writes 2000C, a billing provider, with its claims' totals.
func (p *Printer277CA) provider(w *segWriter, res *finding.Result, grp providerGroup, hl int) {
	tx, m := res.Tx, res.Model
	w.seg("HL", strconv.Itoa(hl), "2", "19", "1")
	if grp.hl >= 0 {
		kind, last, first, middle, idq, id := name(tx, m.HLs[grp.hl].NameSeg)
		if idq == "" {
			idq, id = "XX", "0000000000"
		}
		w.seg("NM1", "85", or(kind, "2"), w.clean(ascii(or(last, "BILLING PROVIDER"))), w.clean(ascii(first)), w.clean(ascii(middle)), "", "", idq, w.clean(id))
		w.seg("TRN", "1", w.clean(or(m.HLs[grp.hl].ID, strconv.Itoa(grp.hl+1))))
	} else {
		w.seg("NM1", "85", "2", "UNKNOWN BILLING PROVIDER", "", "", "", "", "XX", "0000000000")
		w.seg("TRN", "1", "0")
	}
	var pa, pr int
	var paAmt, prAmt claim.Decimal
	for _, ci := range grp.claims {
		if res.Claims[ci].Rejected {
			pr++
			prAmt += m.Claims[ci].Charge
		} else {
			pa++
			paAmt += m.Claims[ci].Charge
		}
	}
	w.seg("STC", w.status("A1:19:PR"), "", "WQ", (paAmt + prAmt).String())
	p.counts(w, "QA", "QC", pa, pr, paAmt, prAmt)
}

func (p *Printer277CA) counts(w *segWriter, accQ, rejQ string, acc, rej int, accAmt, rejAmt claim.Decimal) {
	if acc > 0 {
		w.seg("QTY", accQ, strconv.Itoa(acc))
	}
	if rej > 0 {
		w.seg("QTY", rejQ, strconv.Itoa(rej))
	}
	if acc > 0 {
		w.seg("AMT", "YU", accAmt.String())
	}
	if rej > 0 {
		w.seg("AMT", "YY", rejAmt.String())
	}
}

type providerGroup struct {
	hl     int // the billing provider's HL index, -1 for claims outside any
	claims []int
}

// providerGroups groups a transaction's claims by billing provider, in
// input order, with claims outside any billing provider last.
func providerGroups(m *claim.Model) []providerGroup {
	var out []providerGroup
	at := make([]int32, len(m.HLs)) // HL index → 1 + its group's index in out, 0 for none yet
	var orphans []int
	for ci := range m.Claims {
		h := m.BillingHL(m.Claims[ci].HL)
		if h < 0 {
			orphans = append(orphans, ci)
			continue
		}
		k := int(at[h]) - 1
		if k < 0 {
			k = len(out)
			at[h] = int32(k + 1)
			out = append(out, providerGroup{hl: h})
		}
		out[k].claims = append(out[k].claims, ci)
	}
	if len(orphans) > 0 {
		out = append(out, providerGroup{hl: -1, claims: orphans})
	}
	return out
}

func (p *Printer277CA) claim(w *segWriter, m *claim.Model, ci int, cr *finding.ClaimResult, today string) {
	w.tmp.Reset() // what the last claim formatted is written
	c := &m.Claims[ci]
	patient(w, m, c)
	w.seg("TRN", "2", w.clean(or(c.ID, "UNKNOWN")))
	charge := w.amount(c.Charge)
	if !cr.Rejected {
		w.seg("STC", w.status("A2:20"), today, "WQ", charge)
	} else {
		var buf [4]statusPair
		for _, sp := range errorStatuses(buf[:0], cr.Findings, 0, false) {
			w.stc(sp, today, "U", charge)
		}
	}
	if c.D9Seg >= 0 {
		w.seg("REF", "D9", w.clean(mem.String(m.Tx.Element(c.D9Seg, 2))))
	}
	claimDates(w, c, m.BHT04)
	if !cr.Rejected {
		return
	}
	// 2220D for each line that caused the rejection (one without SV1 has
	// no service to name: the claim's STC says it).
	for li := range c.Lines {
		var buf [4]statusPair
		if sts := errorStatuses(buf[:0], cr.Findings, li, true); len(sts) > 0 && c.Lines[li].SV1 >= 0 {
			serviceLine(w, &c.Lines[li], sts)
		}
	}
}

// patient writes 2100D: the patient's name with the subscriber's member id.
func patient(w *segWriter, m *claim.Model, c *claim.Claim) {
	patSeg, memberSeg := -1, -1
	if c.HL >= 0 {
		h := m.HLs[c.HL]
		patSeg, memberSeg = h.NameSeg, h.NameSeg
		if h.Level == "23" && h.Parent >= 0 {
			memberSeg = m.HLs[h.Parent].NameSeg
		}
	}
	_, last, first, middle, idq, id := name(m.Tx, patSeg)
	if memberSeg != patSeg {
		_, _, _, _, idq, id = name(m.Tx, memberSeg)
	}
	if idq != "MI" && idq != "II" || id == "" { // the member id, as the 837 gave it
		idq, id = "", ""
	}
	w.seg("NM1", "QC", "1", w.clean(ascii(or(last, "UNKNOWN"))), w.clean(ascii(first)), w.clean(ascii(middle)), "", "", idq, w.clean(id))
}

// claimDates writes the claim's DTP*472: the span of its lines' valid
// dates, else its statement dates (DTP*434), else the date the submitter
// created the batch (BHT04): a date from the 837, never the processing date.
func claimDates(w *segWriter, c *claim.Claim, batchDate int) {
	lo, hi := c.ServiceDates()
	if lo == 0 {
		lo, hi = c.StatementFrom, c.StatementTo
	}
	if lo == 0 {
		lo, hi = batchDate, batchDate
	}
	switch lo {
	case 0:
		w.seg("DTP", "472", "D8", "19000101") // no valid date anywhere in the 837: see README
	case hi:
		w.seg("DTP", "472", "D8", w.d8(lo, 0))
	default:
		w.seg("DTP", "472", "RD8", w.d8(lo, hi))
	}
}

// serviceLine writes 2220D for a line that caused the rejection.
func serviceLine(w *segWriter, l *claim.Line, sts []statusPair) {
	var partBuf [7]string
	parts := append(partBuf[:0], or(l.Qualifier(), "HC"), or(l.Code, "00000"))
	for comp, m := range l.Mods() { // each modifier in its own component, as submitted
		if !claim.WellFormedModifier(m) {
			continue // SVC01 carries only well-formed modifiers
		}
		for len(parts) < comp-1 {
			parts = append(parts, "")
		}
		parts = append(parts, m)
	}
	for i := range parts {
		parts[i] = w.clean(parts[i])
	}
	units := "1"
	if l.UnitsOK {
		units = w.amount(l.Units)
	}
	lineCharge := w.amount(l.Charge)
	w.seg("SVC", w.comp(parts...), lineCharge, "", "", "", "", units)
	for _, sp := range sts {
		w.stc(sp, "", "U", "") // STC02 and STC04 are not used at 2220D
	}
	if l.Ref6R != "" {
		w.seg("REF", "FJ", w.clean(l.Ref6R))
	}
	switch {
	case l.DOS == 0: // DTP*472 only for a line with a valid date
	case l.DOSEnd > l.DOS:
		w.seg("DTP", "472", "RD8", w.d8(l.DOS, l.DOSEnd))
	default:
		w.seg("DTP", "472", "D8", w.d8(l.DOS, 0))
	}
}

// Write wraps the rendered transactions in envelopes.
func (p *Printer277CA) Write(it *edi.Item, res *finding.Result, rendered []byte) error {
	if res != nil && rendered != nil {
		p.Claims += len(res.Claims)
	} else if res != nil && it.Tx.Unsupported == "" {
		p.Unanswered += len(res.Claims)
	}
	return p.env.write(it, rendered)
}

// Close ends the last envelopes.
func (p *Printer277CA) Close(*finding.Summary) error { return p.env.closeInterchange(nil) }

// write is shared by the acknowledgment printers.
func (e *ackEnvelope) write(it *edi.Item, rendered []byte) error {
	switch it.Kind {
	case edi.ItemTransaction:
		if rendered == nil {
			return nil
		}
		if err := e.open(it.Tx); err != nil {
			return err
		}
		e.txs++
		return writeAll(e.out(), rendered)
	case edi.ItemGroupEnd:
		return e.closeGroup()
	case edi.ItemInterchangeEnd:
		return e.closeInterchange(it.Interchange)
	}
	return nil
}

// Written reports the claims acknowledged against the claims read.
func (p *Printer277CA) Written(sum *finding.Summary) (wrote, want int, what string) {
	return p.Claims + p.Unanswered, sum.Claims, "277CA"
}
