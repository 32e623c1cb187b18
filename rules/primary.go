package rules

// The primary-procedure family: AOC-NO-PRIMARY, USE-77003, PRIMARY-NOT-CMS,
// PROVIDER-MISMATCH. An add-on code is payable only beside a qualifying
// primary on the same claim and date (CMS NCCI add-on edits, type 1). 55700,
// a primary in CPT's text only, counts as a primary for every rule and
// raises PRIMARY-NOT-CMS when it stands alone.

func (k *checker) primaryRules(s *sameDOS) {
	l, code := s.line, s.addon.Code
	useAlt := s.primaries() == 0 && len(s.of[kindAltPrimary]) > 0
	if s.primaries() == 0 && !useAlt {
		msg, hint := k.noPrimaryWhy(s)
		k.report(AOCNoPrimary, s.idx, l.SV1, 1, 2, msg, hint)
	}
	if useAlt {
		alt := s.altAddons[0]
		hint := k.arena.Concat("replace ", code, " with ", alt, " on this line")
		if s.billedAlt {
			hint = k.arena.Concat(alt, " is billed on this date already: remove ", code)
		}
		k.report(k.arena.Concat(useAlternativeFmt, alt), s.idx, l.SV1, 1, 2,
			k.arena.Concat("the only guided procedure on ", k.day(l.DOS), " is ", k.codesOf(s.of[kindAltPrimary]), ", a ", alt, " primary (spine or paraspinous): guidance is ", alt, ", not ", code),
			hint)
	}
	if len(s.of[kindPrimary]) == 0 && len(s.of[kindCPTPrimary]) > 0 {
		k.report(PrimaryNotCMS, s.idx, l.SV1, 1, 2,
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
	k.report(ProviderMismatch, s.idx, l.SV1, 1, 2,
		k.arena.Concat("every primary on ", k.day(l.DOS), " (", k.codesOf(prims), ") has another rendering provider than the ", code, " line"),
		k.arena.Concat("bill ", code, " under the NPI of the provider who performed the primary (2420A NM1*82)"))
}

// noPrimaryWhy writes AOC-NO-PRIMARY's message and fix from what the claim
// shows: a primary not yet in effect on the date, a primary whose period
// starts on another day, a code billed without the imaging its other form
// includes; an example only when it shows none of these.
func (k *checker) noPrimaryWhy(s *sameDOS) (msg, hint string) {
	l, code := s.line, s.addon.Code
	msg = k.arena.Concat(code, " on ", k.day(l.DOS), " has no qualifying primary procedure on the same claim and date of service")
	switch {
	case len(s.notYet) > 0:
		o := &k.claim.Lines[s.notYet[0]]
		r := s.ia.factsOf(o.Code)[kindPrimary]
		when := "only until " + k.day(r.Until)
		if r.From != 0 && l.DOS < r.From {
			when = "only from " + k.day(r.From)
		}
		return k.arena.Concat(msg, ": ", o.Code, " on line ", o.LX, " is a ", code, " primary ", when),
			k.arena.Concat("check the date of service of line ", o.LX, "; on ", k.day(l.DOS), " remove ", code)
	case len(s.spans) > 0:
		o := &k.claim.Lines[s.spans[0]]
		return k.arena.Concat(msg, ": ", o.Code, " on line ", o.LX, " is dated ", k.day(o.DOS), " to ", k.day(o.DOSEnd), ", and a period's date of service is its first day"),
			k.arena.Concat("bill ", code, " with the date of service of line ", o.LX, " (", k.day(o.DOS), "), or split that line by date")
	case len(s.of[kindRecode]) > 0:
		o := &k.claim.Lines[s.of[kindRecode][0]]
		as := s.ia.factsOf(o.Code)[kindRecode].As
		return k.arena.Concat(msg, ": ", o.Code, " on line ", o.LX, " is the form without imaging of ", as, ", which includes it"),
			k.arena.Concat("recode ", o.Code, " as ", as, ", which includes the imaging, and remove ", code)
	}
	return msg, k.arena.Concat("bill the guided procedure (for example 20610 or 64415) with the same date on this claim, or remove ", code)
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
