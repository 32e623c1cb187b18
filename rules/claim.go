package rules

import (
	"github.com/scrub837/scrub837/claim"
)

// The any-claim family: CLAIM-BALANCE, LINE-DOS-MISSING. They run on every
// claim, with or without an add-on line.

func (k *checker) claimRules() {
	c := k.claim
	var sum claim.Decimal
	ok := c.ChargeOK
	for li := range c.Lines {
		l := &c.Lines[li]
		sum += l.Charge
		ok = ok && (l.ChargeOK || l.SV1 < 0)
		if l.DOS == 0 {
			if l.DTP < 0 {
				k.report(LineDOSMissing, li, l.Seg, 0, 0, k.arena.Concat("service line ", l.LX, " has no DTP*472 date of service"),
					"add DTP*472*D8*CCYYMMDD to the line")
			} else {
				k.reportSTC(LineDOSMissing, "A7:187", li, l.DTP, 3, 0, k.arena.Concat("service line ", l.LX, " date of service ", k.arena.Quote(string(k.model.Tx.Element(l.DTP, 3))), " is not a valid date (D8 CCYYMMDD or RD8 CCYYMMDD-CCYYMMDD)"),
					"send the real date of service in DTP*472")
			}
		}
	}
	// Unreadable amounts are X12-NUMERIC already; balance needs numbers.
	if ok && len(c.Lines) > 0 && sum != c.Charge {
		total := k.amount(sum)
		k.report(ClaimBalance, -1, c.Seg, 2, 0, k.arena.Concat("CLM02 total charge ", k.amount(c.Charge), " differs from the sum of the line charges ", total),
			k.arena.Concat("set CLM02 to ", total, " or correct the line charges"))
	}
}
