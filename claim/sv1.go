package claim

import (
	"strconv"

	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/mem"
)

// sv1 reads a line's SV1: the procedure composite, charge, units and place
// of service.
func (b *builder) sv1(i int) {
	l := b.line
	if l == nil || l.SV1 >= 0 {
		b.problem(edi.Problem{Rule: "X12-SV1-PLACEMENT", Seg: i, SegCode: "2", Loop: "2400", Msg: "SV1 outside a service line, or a second SV1 in one line", Status: "A3:454"})
		return
	}
	l.SV1 = i
	if !b.generic && readSV1Usual(b.tx.Content(i), l, b.sep, b.comp) {
		return
	}
	f := b.tx.Cursor(i)
	sv101, sv102 := f.Next(), f.Next()
	f.Next()
	sv104, sv105 := f.Next(), f.Next()
	l.SV101, l.compSep = mem.String(sv101), b.comp
	comps := edi.NewCursor(sv101, b.comp)
	qualifier := mem.String(comps.Next())
	l.Code = mem.String(comps.Next())
	extra := 0 // components after the code
	for !comps.Done() && extra < 6 {
		comps.Next()
		extra++
	}
	switch {
	case len(sv101) == 0:
		b.badSV101(i, "SV101 (procedure composite) is empty", 0, "", "1")
	case extra > 5:
		b.badSV101(i, "SV101 has more than 7 components: qualifier, code, four modifiers and a description at most", 0, "", "7")
	case !procedureQualifier(qualifier):
		b.badSV101(i, "SV101-1 is "+edi.Quote(qualifier)+": expected HC (HCPCS/CPT), ER, IV or WK", 1, qualifier, "7")
	case qualifier == "HC" && len(l.Code) != 5:
		b.badSV101(i, "SV101-2 procedure code "+edi.Quote(l.Code)+" is not 5 letters or digits, as an HC (HCPCS/CPT) code is", 2, l.Code, tooShortOrLong(len(l.Code), 5))
	case qualifier == "HC" && !alnumString(l.Code):
		b.badSV101(i, "SV101-2 procedure code "+edi.Quote(l.Code)+" is not 5 letters or digits, as an HC (HCPCS/CPT) code is", 2, l.Code, "6")
	case len(l.Code) < 1 || len(l.Code) > 48:
		b.badSV101(i, "SV101-2 procedure code "+edi.Quote(l.Code)+" is not 1 to 48 characters", 2, l.Code, tooShortOrLong(len(l.Code), 1))
	default:
		b.modifierWidths(i, l)
	}
	l.HC = qualifier == "HC"
	_, l.Charge, l.ChargeOK = b.number(sv102, 2, i, "782", "2400", "SV102 (line charge)")
	_, l.Units, l.UnitsOK = b.number(sv104, 4, i, "380", "2400", "SV104 (units)")
	l.POS = mem.String(sv105)
}

// badSV101 reports a malformed procedure composite at component comp (0:
// the whole composite).
func (b *builder) badSV101(i int, msg string, comp int, value, code string) {
	ref, status := "", "A3:454" // the composite as a whole has no data element number
	switch {
	case comp == 1:
		ref = "235"
	case comp == 2:
		ref = "234"
	case comp >= 3:
		ref, status = "1339", "A3:453"
	}
	b.problem(edi.Problem{Rule: "X12-SV1-COMPOSITE", Seg: i, Elem: 1, Comp: comp, SegCode: "8", ElemCode: code,
		ElemRef: ref, Loop: "2400", Value: value, Msg: msg, Status: status})
}

// tooShortOrLong is the IK403 code of a value of n characters where
// lo to hi are allowed.
func tooShortOrLong(n, lo int) string {
	if n < lo {
		return "4"
	}
	return "5"
}

// modifierWidths reports modifiers that are not two characters: the
// implementation guide's syntax (SV101-3 to -6 are 2/2), for every line.
func (b *builder) modifierWidths(i int, l *Line) {
	for comp, m := range l.Mods() {
		if len(m) != 2 {
			b.badSV101(i, "SV101-"+strconv.Itoa(comp)+" modifier "+edi.Quote(m)+" is not 2 characters", comp, m, tooShortOrLong(len(m), 2))
		}
	}
}

// readSV1Usual reads the SV1 nearly every line has, a procedure code of
// five letters or digits with up to four modifiers and a description,
// then plain numbers: "SV1*HC:77002:26*95*UN*1***1". One pass over the
// bytes, where the general reader splits the elements, then the composite,
// then parses each number. It returns false, having set nothing that the
// general reader does not set again, for anything else, including every
// SV1 the general reader would find a problem in. (A seam for speed: the
// general reader is its test oracle, TestReadSV1Usual.)
func readSV1Usual(c []byte, line *Line, sep, comp byte) bool {
	if len(c) < 14 || c[3] != sep || c[6] != comp || !procedureQualifier(mem.String(c[4:6])) ||
		!isAlnum(c[7]) || !isAlnum(c[8]) || !isAlnum(c[9]) || !isAlnum(c[10]) || !isAlnum(c[11]) ||
		c[12] != comp && c[12] != sep {
		return false
	}
	// The commonest shapes are tested at fixed places before any loop: a
	// loop's exit at an element of varying length is a mispredicted branch.
	p := 12
	switch {
	case c[12] == sep: // no modifier
	case len(c) > 15 && c[15] == sep && c[13] != comp && c[13] != sep && c[14] != comp && c[14] != sep: // one of two characters
		p = 15
	default:
		extra, start := 0, p+1 // components after the code; where the current one starts
		for ; p < len(c) && c[p] != sep; p++ {
			if c[p] == comp {
				extra++
				start = p + 1
			}
			if extra >= 1 && extra <= 4 && (p+1 == len(c) || c[p+1] == comp || c[p+1] == sep) {
				if n := p + 1 - start; n != 0 && n != 2 { // a modifier of other than two characters
					return false
				}
			}
		}
		if extra > 5 || p == len(c) {
			return false
		}
	}
	sv101 := c[4:p]
	charge, p, ok := scanDecimal(c, p+1, sep)
	if !ok || p == len(c) {
		return false
	}
	if p+3 < len(c) && c[p+1] == 'U' && c[p+2] == 'N' && c[p+3] == sep { // SV103 UN
		p += 3
	} else {
		for p++; p < len(c) && c[p] != sep; p++ {
		}
		if p == len(c) {
			return false
		}
	}
	var units Decimal
	if p+1 < len(c) && c[p+1]-'0' <= 9 && (p+2 == len(c) || c[p+2] == sep) { // one digit
		units, p = Decimal(c[p+1]-'0')*decimalScale, p+2
	} else if units, p, ok = scanDecimal(c, p+1, sep); !ok {
		return false
	}
	pos := p
	if p < len(c) {
		pos = p + 1
		if pos < len(c) && c[pos] == sep { // SV105 empty
			p = pos
		} else {
			for p = pos; p < len(c) && c[p] != sep; p++ {
			}
		}
	}
	line.SV101, line.compSep, line.Code, line.HC = mem.String(sv101), comp, mem.String(c[7:12]), c[4] == 'H' && c[5] == 'C'
	line.Charge, line.ChargeOK = charge, true
	line.Units, line.UnitsOK = units, true
	line.POS = mem.String(c[pos:p])
	return true
}

func procedureQualifier(q string) bool {
	switch q {
	case "HC", "ER", "IV", "WK":
		return true
	}
	return false
}

func alnumString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z'
}
