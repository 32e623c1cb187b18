package rules

// The primary-procedure family: AOC-NO-PRIMARY, USE-77003, PRIMARY-NOT-CMS,
// PROVIDER-MISMATCH. An add-on code is payable only beside a qualifying
// primary on the same claim and date (CMS NCCI add-on edits, type 1).

func (k *checker) primaryRules(s *sameDOS) {
	l, code := s.line, s.addon.Code
	hasPrimary := len(s.of[kindPrimary]) > 0
	useAlt := !hasPrimary && len(s.of[kindAltPrimary]) > 0
	if !hasPrimary && len(s.of[kindCPTPrimary]) == 0 && !useAlt {
		k.report("AOC-NO-PRIMARY", s.idx, l.SV1, 1, 2,
			k.arena.Concat(code, " on ", k.day(l.DOS), " has no qualifying primary procedure on the same claim and date of service"),
			k.arena.Concat("bill the guided procedure (for example 20610 or 64415) with the same date on this claim, or remove ", code))
	}
	if useAlt {
		alt := s.altAddons[0]
		k.report(k.arena.Concat("USE-", alt), s.idx, l.SV1, 1, 2,
			k.arena.Concat("the only guided procedure on ", k.day(l.DOS), " is ", k.codesOf(s.of[kindAltPrimary]), ", a ", alt, " primary (spine or paraspinous): guidance is ", alt, ", not ", code),
			k.arena.Concat("replace ", code, " with ", alt, " on this line"))
	}
	if !hasPrimary && len(s.of[kindCPTPrimary]) > 0 {
		k.report("PRIMARY-NOT-CMS", s.idx, l.SV1, 1, 2,
			k.arena.Concat("the only primary for ", code, " on ", k.day(l.DOS), " is ", k.codesOf(s.of[kindCPTPrimary]), ": a CPT primary absent from the CMS add-on edit table, so Medicare denies ", code),
			k.arena.Concat("for Medicare remove ", code, "; for a payer that pays it, switch this warning off in a --rules file"))
	}
	prims := append(append(k.primBuf[:0], s.of[kindPrimary]...), s.of[kindCPTPrimary]...)
	if len(prims) == 0 {
		return
	}
	mine := k.rendering(l.RenderingNPI)
	for _, p := range prims {
		if k.rendering(k.claim.Lines[p].RenderingNPI) == mine {
			return
		}
	}
	k.report("PROVIDER-MISMATCH", s.idx, l.SV1, 1, 2,
		k.arena.Concat("every primary on ", k.day(l.DOS), " (", k.codesOf(prims), ") has another rendering provider than the ", code, " line"),
		k.arena.Concat("bill ", code, " under the NPI of the provider who performed the primary (2420A NM1*82)"))
}

// rendering resolves a line's rendering provider: 2420A, else 2310B, else 2010AA.
func (k *checker) rendering(lineNPI string) string {
	switch {
	case lineNPI != "":
		return lineNPI
	case k.claim.RenderingNPI != "":
		return k.claim.RenderingNPI
	}
	return k.claim.BillingNPI
}
