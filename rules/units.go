package rules

import "github.com/scrub837/scrub837/edi"

// UNITS-MUE: the units of all lines of one add-on code on one claim and date
// of service add up to no more than its MUE (1 for 77002, adjudication
// indicator 3: a date-of-service edit). The finding points at the line that
// pushes the sum over, so the 277CA names that line.
func (k *checker) unitsRule() {
	type key struct {
		code string
		dos  int
	}
	var sums map[key]edi.Decimal
	for li := range k.claim.Lines {
		l := &k.claim.Lines[li]
		a := k.cat.Addons[l.Code]
		if a == nil || !a.Enabled || l.DOS == 0 || !l.UnitsOK {
			continue
		}
		if sums == nil {
			sums = map[key]edi.Decimal{}
		}
		kk := key{l.Code, l.DOS}
		before := sums[kk]
		sums[kk] = before + l.Units
		if before <= a.MUE && before+l.Units > a.MUE {
			k.report("UNITS-MUE", li, l.SV1, 4, 0,
				l.Code+" units on "+day(l.DOS)+" add up to "+(before+l.Units).String()+" on this claim; the MUE is "+a.MUE.String()+" per date of service",
				"bill "+a.MUE.String()+" unit of "+l.Code+" for the encounter")
		}
	}
}
