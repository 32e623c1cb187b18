package rules

import "github.com/scrub837/scrub837/claim"

// UNITS-MUE: the units of all lines of one add-on code on one claim and date
// of service add up to no more than its MUE (1 for 77002, adjudication
// indicator 3: a date-of-service edit). The finding points at the line that
// pushes the sum over, so the 277CA names that line.
func (k *checker) unitsRule(addonLines []addonLine) {
	// A claim has at most a handful of add-on dates: a small array, no map.
	type sum struct {
		code  string
		dos   int
		total claim.Decimal
	}
	var buf [8]sum
	sums := buf[:0]
	for _, al := range addonLines {
		li, a := al.idx, al.addon
		l := &k.claim.Lines[li]
		if l.DOS == 0 || !l.UnitsOK {
			continue
		}
		j := 0
		for j < len(sums) && (sums[j].code != l.Code || sums[j].dos != l.DOS) {
			j++
		}
		if j == len(sums) {
			sums = append(sums, sum{code: l.Code, dos: l.DOS})
		}
		before := sums[j].total
		sums[j].total = before + l.Units
		if before <= a.MUE && before+l.Units > a.MUE {
			k.report("UNITS-MUE", li, l.SV1, 4, 0,
				k.arena.Concat(l.Code, " units on ", k.day(l.DOS), " add up to ", k.amount(before+l.Units), " on this claim; the MUE is ", k.amount(a.MUE), " per date of service"),
				k.arena.Concat("bill ", k.amount(a.MUE), " unit of ", l.Code, " for the encounter"))
		}
	}
}
