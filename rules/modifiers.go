package rules

import (
	"strings"

	"github.com/scrub837/scrub837/claim"
)

// The modifier family: MOD-26-TC, MOD-50, MOD-INVALID, MOD-51,
// FACILITY-NEEDS-26. They look at the add-on line alone.

func (k *checker) modifierRules(li int, l *claim.Line) {
	code := l.Code
	for _, m := range k.mods {
		if !claim.WellFormedModifier(m.code) {
			msg := k.arena.Concat("modifier ", k.arena.Quote(m.code), " on ", code, " is not exactly two upper-case letters or digits")
			hint := "correct the modifier (26, TC, XS, …)"
			if len(m.code) == 2 && isAlnum(m.code[0]) && isAlnum(m.code[1]) {
				msg = k.arena.Concat(msg, ": HCPCS modifiers are upper case, and ", k.arena.Quote(m.code), " is not read as ", strings.ToUpper(m.code))
				hint = k.arena.Concat("write ", strings.ToUpper(m.code))
			}
			k.report(ModInvalid, li, l.SV1, 1, m.comp, msg, hint)
		}
	}
	if k.hasMod("26") && k.hasMod("TC") {
		k.report(Mod26TC, li, l.SV1, 1, k.modComp("TC"), k.arena.Concat(code, " carries both 26 (professional) and TC (technical)"),
			"keep one: 26 for the professional component, TC for the technical, neither for the global service")
	}
	if k.hasMod("50") {
		k.report(Mod50, li, l.SV1, 1, k.modComp("50"), k.arena.Concat("modifier 50 on add-on code ", code, ": add-on codes take units, not the bilateral modifier"),
			"remove 50")
	}
	if k.hasMod("51") {
		k.report(Mod51, li, l.SV1, 1, k.modComp("51"), k.arena.Concat("modifier 51 on add-on code ", code, ", which is exempt from multiple-procedure reduction"),
			"remove 51")
	}
	pos, seg, elem, comp := l.POS, l.SV1, 5, 0
	if pos == "" {
		pos, seg, elem, comp = k.claim.POS, k.claim.Seg, 5, 1
	}
	if k.cat.index().facility(pos) && !k.hasMod("26") {
		hint := "add modifier 26 to this line"
		if k.hasMod("TC") {
			hint = "replace TC with 26: in a facility the facility bills the technical component"
		}
		k.report(FacilityNeeds26, li, seg, elem, comp,
			k.arena.Concat("place of service ", pos, " is a facility and ", code, " lacks modifier 26: in a facility the professional bills only the professional component"),
			hint)
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
