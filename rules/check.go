package rules

import (
	"github.com/scrub837/scrub837/claim"
	"github.com/scrub837/scrub837/finding"
	"github.com/scrub837/scrub837/internal/mem"
)

// checker runs the catalog over one claim and collects its findings.
type checker struct {
	cat      *Catalog
	model    *claim.Model
	claim    *claim.Claim
	out      []finding.Finding
	scratch  sameDOS // reused for every add-on line
	addonBuf [8]addonLine
	mods     []mod // the add-on line's modifiers, read once per line
	modBuf   [4]mod
	primBuf  [12]int
	// ncciLines holds the claim's codes as the NCCI rules look them up.
	ncciLines []ncciLine
	// mueDays are the claim's totals per code and date (ncciUnits),
	// reused: clearing a fixed array each claim cost 4% of a run.
	mueDays []mueDay
	// arena holds the text of the findings: messages, hints, the dates,
	// amounts and code lists in them, without a string allocation each.
	arena mem.Arena
}

// mod is one modifier of the add-on line and the SV101 component it is in.
type mod struct {
	comp int
	code string
}

// readMods reads line l's modifiers once for every rule that asks.
func (k *checker) readMods(l *claim.Line) {
	k.mods = k.modBuf[:0]
	for comp, m := range l.Mods() {
		k.mods = append(k.mods, mod{comp, m})
	}
}

// modComp returns the SV101 component holding modifier m, 0 if absent.
func (k *checker) modComp(m string) int {
	for _, x := range k.mods {
		if x.code == m {
			return x.comp
		}
	}
	return 0
}

func (k *checker) hasMod(m string) bool { return k.modComp(m) > 0 }

// report adds a finding unless its rule is switched off.
func (k *checker) report(id string, line, seg, elem, comp int, msg, hint string) {
	k.reportSTC(id, "", line, seg, elem, comp, msg, hint)
}

// reportSTC is report with the finding's own 277CA STC01 in place of the
// rule's (LINE-DOS-MISSING: A6 when the date is missing, A7 when invalid).
func (k *checker) reportSTC(id, stc01 string, line, seg, elem, comp int, msg, hint string) {
	r := k.cat.rule(id)
	if r == nil {
		// The catalog checks at load that every id the code reports exists
		// (USE-<alternative> included): this is a bug, not bad input.
		panic("rules: a finding for " + id + ", which is not in the catalog")
	}
	if r.Severity == finding.SeverityOff {
		return
	}
	if stc01 == "" {
		stc01 = r.STC01
	}
	// The catalog's copy of the id: one made in the arena ("USE-" + code)
	// must not outlive it.
	k.out = append(k.out, finding.Finding{Rule: r.ID, Severity: r.Severity, Line: line, Seg: seg, Elem: elem, Comp: comp,
		Message: msg, Hint: hint, STC01: stc01, STC10: r.STC10})
}

// sameDOS summarises, for one add-on line, the claim's other lines on its
// date of service: which tables their codes fall in. Every add-on rule reads
// this one summary, so the claim's lines are walked once per add-on line.
type sameDOS struct {
	idx   int
	line  *claim.Line
	addon *Addon
	ia    *indexedAddon
	// of lists, by kind, the lines whose code has that kind for this
	// add-on in effect on the DOS: of[kindPrimary] are the primaries,
	// of[kindCPTPrimary] the CPT-only primaries (55700), of[kindAltPrimary]
	// the primaries of an alternative add-on (77003), …. Their arrays are
	// kept from line to line: only lengths are reset.
	of        [numKinds][]int
	altAddons []string
	// notYet lists the lines whose code is a primary of this add-on but not
	// in effect on the DOS; spans, the lines of a primary whose RD8 covers
	// the DOS but starts on another day: AOC-NO-PRIMARY names them.
	notYet, spans []int
	// billed: the add-on's alternatives and 77001 billed themselves on the
	// DOS (then the fix is to remove the add-on, not to replace it).
	billedAlt, billed77001 bool
	distinctOK             bool // the line carries 59/XE/XS/XP/XU
}

// primaries are the add-on's primaries on the DOS, CMS's and CPT's (55700).
func (s *sameDOS) primaries() int { return len(s.of[kindPrimary]) + len(s.of[kindCPTPrimary]) }

// Checker runs the catalog over one claim after another. Its scratch space
// (a few hundred bytes) is reused, not allocated per claim. The text of the
// findings it returns lives in its arena, which grows with them until
// Reset. A Checker is not safe for concurrent use.
type Checker struct{ k checker }

// Reset empties the arena for the next transaction's findings. The text of
// every finding returned before is overwritten as new findings are made:
// call it only once nothing reads them.
func (ch *Checker) Reset() { ch.k.arena.Reset() }

// NewChecker returns a Checker over the catalog.
func (c *Catalog) NewChecker() *Checker { return &Checker{k: checker{cat: c}} }

// Check runs every rule on claim ci of m and appends the findings to out.
func (c *Catalog) Check(m *claim.Model, ci int, out []finding.Finding) []finding.Finding {
	return c.NewChecker().Check(m, ci, out)
}

// Check runs every rule on claim ci of m and appends the findings to out.
func (ch *Checker) Check(m *claim.Model, ci int, out []finding.Finding) []finding.Finding {
	k := &ch.k
	c := k.cat
	k.model, k.claim, k.out = m, &m.Claims[ci], out
	if k.arena.Mark() == 0 {
		// Room for a typical transaction's findings (a third of claims
		// flagged, about 200 bytes of text each), so that the arena seldom
		// regrows.
		k.arena.Grow(64*len(m.Claims) + 256)
	}
	defer func() { k.model, k.claim, k.out = nil, nil, nil }()
	k.claimRules()
	addonLines := k.addonBuf[:0]
	for li := range k.claim.Lines {
		l := &k.claim.Lines[li]
		if !l.HC {
			continue // only HC lines carry CPT/HCPCS codes
		}
		a := c.addonOf(l.Code)
		if a == nil {
			continue
		}
		addonLines = append(addonLines, addonLine{li, a.addon, a.mue})
		k.readMods(l)
		k.modifierRules(li, l)
		if l.DOS == 0 {
			continue // LINE-DOS-MISSING already rejects it; same-DOS rules need a date
		}
		s := k.summarize(li, l, a)
		k.primaryRules(s)
		k.bundlingRules(s)
	}
	k.unitsRule(addonLines)
	k.ncciRules(c.index().ncci)
	return k.out
}

// addonLine is a line whose code is an enabled add-on.
type addonLine struct {
	idx   int
	addon *Addon
	mue   claim.Decimal
}

func (k *checker) summarize(li int, l *claim.Line, a *indexedAddon) *sameDOS {
	s := &k.scratch
	s.idx, s.line, s.addon, s.ia, s.distinctOK = li, l, a.addon, a, false
	for kind := range s.of {
		s.of[kind] = s.of[kind][:0]
	}
	s.altAddons, s.notYet, s.spans = s.altAddons[:0], s.notYet[:0], s.spans[:0]
	s.billedAlt, s.billed77001 = false, false
	for oi := range k.claim.Lines {
		o := &k.claim.Lines[oi]
		if oi == li || !o.HC {
			continue
		}
		f := a.factsOf(o.Code)
		if o.DOS != l.DOS {
			// A primary's RD8 that covers the DOS but starts another day:
			// its DOS is its first date (named by AOC-NO-PRIMARY).
			if f != nil && f[kindPrimary] != nil && o.DOS != 0 && o.DOS < l.DOS && l.DOS <= o.DOSEnd {
				s.spans = append(s.spans, oi)
			}
			continue
		}
		if o.Code == "77001" {
			s.billed77001 = true
		}
		if f == nil {
			continue
		}
		for kind, r := range f {
			if r != nil && r.InEffect(l.DOS) {
				s.of[kind] = append(s.of[kind], oi)
			}
		}
		if r := f[kindPrimary]; r != nil && !r.InEffect(l.DOS) {
			s.notYet = append(s.notYet, oi)
		}
		if r := f[kindAltPrimary]; r != nil && r.InEffect(l.DOS) && len(s.altAddons) == 0 {
			s.altAddons = append(s.altAddons, r.Source)
		}
	}
	if len(s.altAddons) > 0 {
		for oi := range k.claim.Lines {
			if o := &k.claim.Lines[oi]; oi != li && o.HC && o.DOS == l.DOS && o.Code == s.altAddons[0] {
				s.billedAlt = true
			}
		}
	}
	for _, m := range k.mods {
		switch m.code {
		case "59", "XE", "XS", "XP", "XU": // distinct procedural service
			s.distinctOK = true
		}
	}
	return s
}

// codesOf lists the codes (and line numbers) of some lines, for messages:
// "20610 (line 1), 64415 (line 3)".
func (k *checker) codesOf(lines []int) string {
	mark := k.arena.Mark()
	for n, i := range lines {
		l := &k.claim.Lines[i]
		if n > 0 {
			k.arena.AppendString(", ")
		}
		k.arena.AppendString(l.Code)
		k.arena.AppendString(" (line ")
		k.arena.AppendString(l.LX)
		k.arena.AppendByte(')')
	}
	return k.arena.Since(mark)
}

// amount writes d as claim.Decimal.String does.
func (k *checker) amount(d claim.Decimal) string { return k.arena.Keep(d.Append(k.arena.Tail())) }

// day writes a yyyymmdd date as YYYY-MM-DD (without fmt: findings are
// formatted for a third of a typical batch's claims).
func (k *checker) day(d int) string {
	mark := k.arena.Mark()
	k.arena.AppendDigits(d/10000, 4)
	k.arena.AppendByte('-')
	k.arena.AppendDigits(d/100%100, 2)
	k.arena.AppendByte('-')
	k.arena.AppendDigits(d%100, 2)
	return k.arena.Since(mark)
}
