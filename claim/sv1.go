package claim

import (
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/internal/mem"
)

// sv1 reads a line's SV1: the procedure composite, charge, units and place
// of service.
func (b *builder) sv1(i int) {
	l := b.line
	if l == nil || l.SV1 >= 0 {
		b.problem(edi.Problem{Rule: "X12-SV1-PLACEMENT", Seg: i, SegCode: "2", Loop: "2400", Msg: "SV1 outside a service line, or a second SV1 in one line"})
		return
	}
	l.SV1 = i
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
		b.badSV101(i, "SV101 (procedure composite) is empty", 0, "")
	case extra > 5:
		b.badSV101(i, "SV101 has more than 7 components: qualifier, code, four modifiers and a description at most", 0, "")
	case !procedureQualifier(qualifier):
		b.badSV101(i, "SV101-1 is "+edi.Quote(qualifier)+": expected HC (HCPCS/CPT)", 1, qualifier)
	case len(l.Code) != 5 || !alnumString(l.Code):
		b.badSV101(i, "SV101-2 procedure code "+edi.Quote(l.Code)+" is not 5 letters or digits", 2, l.Code)
	}
	_, l.Charge, l.ChargeOK = b.number(sv102, 2, i, "782", "2400", "SV102 (line charge)")
	_, l.Units, l.UnitsOK = b.number(sv104, 4, i, "380", "2400", "SV104 (units)")
	l.POS = mem.String(sv105)
}

// badSV101 reports a malformed procedure composite at component comp (0:
// the whole composite).
func (b *builder) badSV101(i int, msg string, comp int, value string) {
	ref := "C003"
	switch comp {
	case 1:
		ref = "235"
	case 2:
		ref = "234"
	}
	b.problem(edi.Problem{Rule: "X12-SV1-COMPOSITE", Seg: i, Elem: 1, Comp: comp, SegCode: "8", ElemCode: "7",
		ElemRef: ref, Loop: "2400", Value: value, Msg: msg})
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
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}
