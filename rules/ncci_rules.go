package rules

import "github.com/scrub837/scrub837/claim"

// The NCCI family, for every code the catalog does not check itself:
// AOC-NO-PRIMARY (type 1), AOC-PRIMARY-UNLISTED (type 3) and AOC-ALONE
// (type 2) from table H, PROVIDER-MISMATCH for every add-on, UNITS-MUE from
// table I (per line for MAI 1, per claim and date of service for MAI 2
// and 3, reported once on the last line of that code on that date).

// ncciLine is one line's code as the NCCI rules read it, looked up once.
type ncciLine struct {
	key        uint32
	ok         bool // an HC line with a date and a five-character code
	addon, mue int  // indexes in tables H and I, -1 for none
}

// ncciRules runs tables H and I over the claim's HC lines with a date.
func (k *checker) ncciRules(v *ncciView) {
	lines := k.claim.Lines
	if cap(k.ncciLines) < len(lines) {
		k.ncciLines = make([]ncciLine, len(lines))
	}
	nl := k.ncciLines[:len(lines)]
	for li := range lines {
		l := &lines[li]
		n := ncciLine{addon: -1, mue: -1}
		if l.HC && l.DOS != 0 {
			n.key, n.ok = packCode(l.Code)
			if n.ok {
				n.addon, n.mue = v.codes.find(n.key)
			}
		}
		nl[li] = n
	}
	for li := range nl {
		if ai := nl[li].addon; ai >= 0 && !v.skipAddon[ai] {
			k.ncciAddon(v.t, nl, ai, li, &lines[li])
		}
	}
	k.ncciUnits(v, nl)
	if len(v.ptp.keys) > 0 {
		k.ptpRules(&v.ptp, nl)
	}
}

// ncciAddon checks add-on line li (add-on ai of table H) against the
// claim's other lines on its date of service.
func (k *checker) ncciAddon(t *ncciTables, nl []ncciLine, ai, li int, l *claim.Line) {
	typ := t.addons[ai].typ
	prims := k.primBuf[:0] // primaries in effect (type 2: lines that are no add-on)
	n, notYet := 0, -1
	for oi := range k.claim.Lines {
		o := &k.claim.Lines[oi]
		if oi == li || !nl[oi].ok || o.DOS != l.DOS {
			continue
		}
		ok := false
		if typ == 2 {
			ok = nl[oi].addon < 0
		} else {
			listed, in := t.primaryOf(ai, nl[oi].key, l.DOS)
			ok = in
			if listed && !in && notYet < 0 {
				notYet = oi
			}
		}
		if ok {
			if len(prims) < cap(prims) {
				prims = append(prims, oi)
			}
			n++
		}
	}
	code, day := l.Code, k.day(l.DOS)
	if n == 0 {
		switch typ {
		case 1:
			msg := k.arena.Concat(code, " on ", day, " has no qualifying primary procedure on the same claim and date of service (a CMS type 1 add-on code)")
			hint := k.arena.Concat("bill the primary procedure with the same date on this claim, or remove ", code)
			if ex := t.examplePrimary(ai, l.DOS); ex != "" {
				hint = k.arena.Concat("bill its primary procedure (for example ", ex, ") with the same date on this claim, or remove ", code)
			}
			if notYet >= 0 {
				o := &k.claim.Lines[notYet]
				pk, _ := packCode(o.Code)
				msg = k.arena.Concat(msg, ": ", o.Code, " on line ", o.LX, " is a ", code, " primary only from ", k.day(t.firstFrom(ai, pk)))
			}
			k.report(AOCNoPrimary, li, l.SV1, 1, 2, msg, hint)
		case 3:
			k.report(AOCPrimaryUnlisted, li, l.SV1, 1, 2,
				k.arena.Concat(code, " on ", day, " has none of the primary procedures CMS lists for it on the same claim and date of service (a type 3 add-on code: the contractor may accept others)"),
				k.arena.Concat("check that the payer accepts the primary procedure billed with ", code))
		case 2:
			k.report(AOCAlone, li, l.SV1, 1, 2,
				k.arena.Concat(code, " on ", day, " is an add-on code and no other procedure is billed on that date (a type 2 add-on code: the contractor defines its primaries)"),
				k.arena.Concat("bill the procedure ", code, " adds to with the same date on this claim, or remove ", code))
		}
		return
	}
	mine := k.rendering(l.RenderingNPI)
	for _, p := range prims {
		if k.rendering(k.claim.Lines[p].RenderingNPI) == mine {
			return
		}
	}
	if n > len(prims) {
		return // more primaries than the message names: one of them may match
	}
	k.report(ProviderMismatch, li, l.SV1, 1, 2,
		k.arena.Concat("every primary on ", day, " (", k.codesOf(prims), ") has another rendering provider than the ", code, " line"),
		k.arena.Concat("bill ", code, " under the NPI of the provider who performed the primary (2420A NM1*82)"))
}

// mueDay is one code's units on one date of a claim (ncciUnits).
type mueDay struct {
	mi, dos int
	dayTotal
}

// maxMUEDays bounds the code-and-date totals ncciUnits keeps per claim.
const maxMUEDays = 16

// ncciUnits applies table I to every HC line with a date, valid units and
// a code the catalog leaves to the tables.
func (k *checker) ncciUnits(v *ncciView, nl []ncciLine) {
	t := v.t
	days := k.mueDays[:0]
	for li := range k.claim.Lines {
		l := &k.claim.Lines[li]
		mi := nl[li].mue
		if mi < 0 || !l.UnitsOK || l.Units <= 0 || v.skipMUE[mi] || t.mue[mi] == 0 {
			// An MUE of 0 in the practitioner table: the code is billed
			// under another table (a DME supplier's, a facility's).
			continue
		}
		if t.mai[mi] == 1 {
			if l.Units > t.mue[mi] {
				k.report(UnitsMUE, li, l.SV1, 4, 0,
					k.arena.Concat(l.Code, " on line ", l.LX, " bills ", k.amount(l.Units), " units; its MUE is ", k.amount(t.mue[mi]), " per line (", maiText(1), ": ", t.rationales[t.rationale[mi]], ")"),
					k.arena.Concat("bill at most ", k.amount(t.mue[mi]), " units of ", l.Code, " on a line; units on another line need a modifier that says why (76, 77, 91, 59 or X{EPSU})"))
			}
			continue
		}
		j := 0
		for j < len(days) && (days[j].mi != mi || days[j].dos != l.DOS) {
			j++
		}
		if j == len(days) {
			if len(days) == maxMUEDays {
				continue // more than 16 coded dates on one claim: the rest unchecked
			}
			days = append(days, mueDay{})
			days[j].mi, days[j].dos = mi, l.DOS
		}
		days[j].add(li, l.Units)
	}
	k.mueDays = days
	for i := range days {
		d := &days[i]
		if d.total <= t.mue[d.mi] {
			continue
		}
		l := &k.claim.Lines[d.last]
		k.report(UnitsMUE, d.last, l.SV1, 4, 0,
			k.arena.Concat(l.Code, " units on ", k.day(d.dos), " total ", k.amount(d.total), " on this claim (", k.linesOf(d.named(), d.n), "); the MUE is ",
				k.amount(t.mue[d.mi]), " per date of service (", maiText(t.mai[d.mi]), ": ", t.rationales[t.rationale[d.mi]], ")"),
			k.arena.Concat("bill at most ", k.amount(t.mue[d.mi]), " units of ", l.Code, " on ", k.day(d.dos)))
	}
}

// ptpRules: PTP-BUNDLED when a column 2 code is billed on the same claim
// and date as its column 1 code, the edit is in effect, and its modifier
// indicator is 0, or 1 with no PTP-associated modifier on either line.
// The finding sits on the column 2 line and names the column 1 line.
func (k *checker) ptpRules(p *ptpTable, nl []ncciLine) {
	lines := k.claim.Lines
	for j := range lines {
		l2 := &lines[j]
		if !nl[j].ok {
			continue
		}
		for i := range lines {
			l1 := &lines[i]
			if i == j || !nl[i].ok || l1.DOS != l2.DOS {
				continue
			}
			mod, ok := p.edit(nl[i].key, nl[j].key, l2.DOS)
			if !ok || mod == 9 || mod == 1 && (ptpModifier(l1) || ptpModifier(l2)) {
				continue
			}
			hint := k.arena.Concat("remove ", l2.Code, " on line ", l2.LX, ": it is a component of ", l1.Code)
			why := "the edit allows no modifier (indicator 0)"
			if mod == 1 {
				why = "neither line carries a modifier that the edit allows (indicator 1)"
				hint = k.arena.Concat(hint, "; if it was a distinct service, add the modifier that says so (59, XE, XS, XP, XU, an anatomic modifier) and document it")
			}
			k.report(PTPBundled, j, l2.SV1, 1, 2,
				k.arena.Concat(l2.Code, " on line ", l2.LX, " is bundled into ", l1.Code, " on line ", l1.LX, " on ", k.day(l2.DOS), " (a CMS NCCI procedure-to-procedure edit, column 2 of ", l1.Code, "): ", why),
				hint)
			break // one finding per column 2 line
		}
	}
}

// ptpModifier reports whether a line carries a PTP-associated modifier.
func ptpModifier(l *claim.Line) bool {
	for _, m := range l.Mods() {
		switch m {
		case "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
			"TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI",
			"24", "25", "57", "58", "78", "79", "27", "59", "91", "XE", "XS", "XP", "XU":
			return true
		}
	}
	return false
}
