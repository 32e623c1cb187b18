package rules

// The bundling family: GUIDANCE-INCLUDED, USE-77001, ARTHROGRAPHY-SI,
// MULTI-GUIDANCE. Guidance is not separately payable where a procedure on
// the same date already includes it (NCCI Policy Manual ch. IX).

func (k *checker) bundlingRules(s *sameDOS) {
	l, code := s.line, s.addon.Code
	// 59/X{EPSU} bypass a guidance bundle only when the guided procedure is
	// an unrelated 77002 primary (NCCI ch. IX §H.22).
	bypass := s.distinctOK && len(s.of[kindPrimary]) > 0
	if len(s.of[kindIncluded]) > 0 && !bypass {
		k.report("GUIDANCE-INCLUDED", s.idx, l.SV1, 1, 2,
			k.arena.Concat(k.codesOf(s.of[kindIncluded]), " on ", k.day(l.DOS), " already includes imaging guidance (or fluoroscopy is integral): ", code, " is not separately payable"),
			k.arena.Concat("remove ", code, "; if it guided an unrelated primary on this date, add XS or 59 to this line"))
	}
	if len(s.of[kindCentralVenous]) > 0 && !bypass {
		k.report("USE-77001", s.idx, l.SV1, 1, 2,
			k.arena.Concat(k.codesOf(s.of[kindCentralVenous]), " on ", k.day(l.DOS), " is central venous access: its fluoroscopic guidance is 77001, not ", code),
			k.arena.Concat("replace ", code, " with 77001"))
	}
	if len(s.of[kindArthrographySI]) > 0 {
		k.report("ARTHROGRAPHY-SI", s.idx, l.SV1, 1, 2,
			k.arena.Concat(k.codesOf(s.of[kindArthrographySI]), " on ", k.day(l.DOS), " is radiographic arthrography S&I, which includes the fluoroscopy: ", code, " is not separately payable"),
			k.arena.Concat("remove ", code, " (CT or MR arthrography would not include it)"))
	}
	if len(s.of[kindGuidance]) > 0 {
		k.report("MULTI-GUIDANCE", s.idx, l.SV1, 1, 2,
			k.arena.Concat("another guidance code on ", k.day(l.DOS), ": ", k.codesOf(s.of[kindGuidance]), "; one guidance unit is paid per encounter"),
			"keep the one guidance code that was used")
	}
}
