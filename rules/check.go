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
	r := k.cat.rule(id)
	if r == nil || r.Severity == finding.SeverityOff {
		return
	}
	if r.ID == id {
		id = r.ID // the catalog's copy: an id made in the arena ("USE-" + code) must not outlive it
	}
	k.out = append(k.out, finding.Finding{Rule: id, Severity: r.Severity, Line: line, Seg: seg, Elem: elem, Comp: comp,
		Message: msg, Hint: hint, STC01: r.STC01, STC10: r.STC10})
}

// sameDOS summarises, for one add-on line, the claim's other lines on its
// date of service: which tables their codes fall in. Every add-on rule reads
// this one summary, so the claim's lines are walked once per add-on line.
type sameDOS struct {
	idx   int
	line  *claim.Line
	addon *Addon
	// of lists, by kind, the lines whose code has that kind for this
	// add-on in effect on the DOS: of[kindPrimary] are the primaries,
	// of[kindCPTPrimary] the CPT-only primaries (55700), of[kindAltPrimary]
	// the primaries of an alternative add-on (77003), …. Their arrays are
	// kept from line to line: only lengths are reset.
	of         [numKinds][]int
	altAddons  []string
	distinctOK bool // the line carries 59/XE/XS/XP/XU
}

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
		a := c.addonOf(l.Code)
		if a == nil {
			continue
		}
		addonLines = append(addonLines, addonLine{li, a.addon})
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
	return k.out
}

// addonLine is a line whose code is an enabled add-on.
type addonLine struct {
	idx   int
	addon *Addon
}

func (k *checker) summarize(li int, l *claim.Line, a *indexedAddon) *sameDOS {
	s := &k.scratch
	s.idx, s.line, s.addon, s.distinctOK = li, l, a.addon, false
	for kind := range s.of {
		s.of[kind] = s.of[kind][:0]
	}
	s.altAddons = s.altAddons[:0]
	for oi := range k.claim.Lines {
		o := &k.claim.Lines[oi]
		if oi == li || o.DOS != l.DOS {
			continue
		}
		f := a.factsOf(o.Code)
		if f == nil {
			continue
		}
		for kind, r := range f {
			if r != nil && r.InEffect(l.DOS) {
				s.of[kind] = append(s.of[kind], oi)
			}
		}
		if r := f[kindAltPrimary]; r != nil && r.InEffect(l.DOS) && len(s.altAddons) == 0 {
			s.altAddons = append(s.altAddons, r.Source)
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
