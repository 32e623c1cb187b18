package rules

import "github.com/scrub837/scrub837/claim"

// UNITS-MUE: the units of all lines of one add-on code on one claim and date
// of service, added up once the whole claim is read, are no more than its
// MUE (1 for 77002, adjudication indicator 3: a date-of-service edit); the
// finding is reported once, on the last line of that code on that date. A
// line's units of 0 or less are a fault of that line.
func (k *checker) unitsRule(addonLines []addonLine) {
	// A claim has at most a handful of add-on dates: a small array, no map.
	type day struct {
		code string
		dos  int
		mue  claim.Decimal
		dayTotal
		has26, hTC bool
	}
	var buf [8]day
	days := buf[:0]
	for _, al := range addonLines {
		li := al.idx
		l := &k.claim.Lines[li]
		if !l.UnitsOK {
			continue // X12-NUMERIC already rejects it
		}
		if l.Units <= 0 {
			k.report(UnitsMUE, li, l.SV1, 4, 0,
				k.arena.Concat(l.Code, " on line ", l.LX, " has ", k.amount(l.Units), " units: a service line bills 1 unit or more"),
				k.arena.Concat("bill 1 unit of ", l.Code, ", or remove the line"))
			continue
		}
		if l.DOS == 0 {
			continue
		}
		j := 0
		for j < len(days) && (days[j].code != l.Code || days[j].dos != l.DOS) {
			j++
		}
		if j == len(days) {
			days = append(days, day{code: l.Code, dos: l.DOS, mue: al.mue})
		}
		d := &days[j]
		d.add(li, l.Units)
		k.readMods(l)
		d.has26, d.hTC = d.has26 || k.hasMod("26"), d.hTC || k.hasMod("TC")
	}
	for i := range days {
		d := &days[i]
		if d.total <= d.mue {
			continue
		}
		l := &k.claim.Lines[d.last]
		hint := k.arena.Concat("bill ", k.amount(d.mue), " unit of ", d.code, " for the encounter")
		if d.has26 && d.hTC {
			hint = k.arena.Concat("bill one global ", d.code, " (no 26, no TC) for the encounter, 1 unit")
		}
		k.report(UnitsMUE, d.last, l.SV1, 4, 0,
			k.arena.Concat(d.code, " units on ", k.day(d.dos), " total ", k.amount(d.total), " on this claim (", k.linesOf(d.named(), d.n), "); the MUE is ",
				k.amount(d.mue), " per date of service (a date of service edit, clinical: appealable with records)"),
			hint)
	}
}

// dayTotal adds up the units of one code on one claim and date.
type dayTotal struct {
	total claim.Decimal
	last  int    // the last line of the code on that date
	lines [4]int // the first lines of it, for the message
	n     int
}

func (d *dayTotal) add(li int, units claim.Decimal) {
	d.total += units
	d.last = li
	if d.n < len(d.lines) {
		d.lines[d.n] = li
	}
	d.n++
}

// named is the lines a message names: the first few.
func (d *dayTotal) named() []int { return d.lines[:min(d.n, len(d.lines))] }

// linesOf names lines: "lines 1 and 3", "line 2"; n is how many there
// are in all, of which lines lists the first.
func (k *checker) linesOf(lines []int, n int) string {
	mark := k.arena.Mark()
	if len(lines) == 1 {
		k.arena.AppendString("line ")
	} else {
		k.arena.AppendString("lines ")
	}
	for j, i := range lines {
		switch {
		case j == 0:
		case j == len(lines)-1:
			k.arena.AppendString(" and ")
		default:
			k.arena.AppendString(", ")
		}
		k.arena.AppendString(k.claim.Lines[i].LX)
	}
	if n > len(lines) {
		k.arena.AppendString(" …")
	}
	return k.arena.Since(mark)
}
