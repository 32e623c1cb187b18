package rules

import "strings"

// The bundling family: GUIDANCE-INCLUDED, USE-77001, ARTHROGRAPHY-SI,
// MULTI-GUIDANCE. Guidance is not separately payable where a procedure on
// the same date already includes it (NCCI Policy Manual ch. IX).

func (k *checker) bundlingRules(s *sameDOS) {
	l, code := s.line, s.addon.Code
	// 59/X{EPSU} bypass a guidance bundle only when the guided procedure is
	// an unrelated primary on the same date (NCCI ch. IX §H.22).
	bypass := s.distinctOK && s.primaries() > 0
	if len(s.of[kindIncluded]) > 0 && !bypass {
		k.report(GuidanceIncluded, s.idx, l.SV1, 1, 2,
			k.arena.Concat(k.codesOf(s.of[kindIncluded]), " on ", k.day(l.DOS), " already includes imaging guidance (or fluoroscopy is integral): ", code, " is not separately payable", k.bypassWhy(s)),
			k.bypassHint(s, "remove "+code))
	}
	if len(s.of[kindCentralVenous]) > 0 && !bypass {
		fix := "replace " + code + " with 77001"
		if s.billed77001 {
			fix = "77001 is billed on this date already: remove " + code
		}
		k.report(Use77001, s.idx, l.SV1, 1, 2,
			k.arena.Concat(k.codesOf(s.of[kindCentralVenous]), " on ", k.day(l.DOS), " is central venous access: its fluoroscopic guidance is 77001, not ", code, k.bypassWhy(s)),
			k.bypassHint(s, fix))
	}
	if len(s.of[kindArthrographySI]) > 0 {
		k.report(ArthrographySI, s.idx, l.SV1, 1, 2,
			k.arena.Concat(k.codesOf(s.of[kindArthrographySI]), " on ", k.day(l.DOS), " is radiographic arthrography S&I, which includes the fluoroscopy: ", code, " is not separately payable"),
			k.arena.Concat("remove ", code, " (CT or MR arthrography would not include it)"))
	}
	if len(s.of[kindGuidance]) > 0 {
		k.report(MultiGuidance, s.idx, l.SV1, 1, 2,
			k.arena.Concat("another guidance code on ", k.day(l.DOS), ": ", k.codesOf(s.of[kindGuidance]), "; one guidance unit is paid per encounter"),
			"keep the one guidance code that was used")
	}
}

// distinctModifiers are the modifiers that mark a distinct procedure.
var distinctModifiers = []string{"59", "XE", "XS", "XP", "XU"}

func isDistinct(m string) bool {
	for _, d := range distinctModifiers {
		if m == d {
			return true
		}
	}
	return false
}

// bypassWhy says why a modifier the line shows did not bypass the bundle:
// written in lower case, written outside the modifiers, or no primary
// beside it. "" when the line shows none.
func (k *checker) bypassWhy(s *sameDOS) string {
	for _, m := range k.mods {
		if up := strings.ToUpper(m.code); up != m.code && isDistinct(up) {
			return k.arena.Concat(" (modifier ", k.arena.Quote(m.code), " is not read as ", up, ": modifiers are upper case)")
		}
	}
	if d := k.descriptionModifier(s); d != "" {
		return k.arena.Concat(" (", d, " is written in SV101-7, the description, not as a modifier in SV101-3 to SV101-6)")
	}
	if s.distinctOK && s.primaries() == 0 {
		return k.arena.Concat(" (the line's distinct-procedure modifier bypasses the bundle only beside a ", s.addon.Code, " primary on the same date, and there is none)")
	}
	return ""
}

// bypassHint is the fix: fix, and the XS/59 bypass when a primary on the
// date could be the unrelated procedure the guidance was for.
func (k *checker) bypassHint(s *sameDOS, fix string) string {
	if s.primaries() == 0 || s.distinctOK {
		return fix
	}
	prims := append(append(k.primBuf[:0], s.of[kindPrimary]...), s.of[kindCPTPrimary]...)
	return k.arena.Concat(fix, "; if ", s.addon.Code, " guided ", k.codesOf(prims), ", a procedure unrelated to this one, add XS or 59 to this line instead")
}

// descriptionModifier returns a distinct-procedure modifier written as the
// line's description (SV101-7), or "".
func (k *checker) descriptionModifier(s *sameDOS) string {
	d := s.line.Description()
	if isDistinct(strings.ToUpper(strings.TrimSpace(d))) {
		return d
	}
	return ""
}
