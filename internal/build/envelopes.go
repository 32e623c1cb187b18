package build

import (
	"strconv"
	"strings"
)

// Envelopes are small files with one fault each in the interchange, the
// functional group or the transaction's frame (fixtures/envelopes/); the
// golden tests show what each does to the TA1, the 999, the 277CA and the
// claims. Every interchange asks for a TA1 (ISA14 = 1) unless the fault is
// that it does not say.
func Envelopes() map[string][]byte {
	one := func(id string) Claim {
		return Claim{ID: id, Lines: []Line{{Code: "20610", Charge: "150"}, {Code: "77002", Mods: []string{"26"}, Charge: "95"}}}
	}
	file := func(ctl int, txs ...[]Claim) string {
		s := string(File(Options{Newline: "\n", Control: ctl, Transactions: txs}))
		return strings.Replace(s, "*0*T*:~", "*1*T*:~", 1)
	}
	base := file(0, []Claim{one("E-1"), one("E-2")})
	second := file(2, []Claim{one("F-1")})
	rep := func(s, old, new string) []byte {
		if !strings.Contains(s, old) {
			panic("envelopes: no " + old)
		}
		return []byte(recountSE(strings.Replace(s, old, new, 1)))
	}
	// A second group in the same interchange, with its own control number.
	group2 := strings.ReplaceAll(base[strings.Index(base, "GS*"):strings.Index(base, "IEA*")], "E-", "G-")
	twoGroups := func(gs06 string) []byte {
		g := strings.Replace(strings.Replace(group2, "*1*X*005010X222A1~", "*"+gs06+"*X*005010X222A1~", 1), "GE*1*1~", "GE*1*"+gs06+"~", 1)
		s := strings.Replace(base, "IEA*1*", g+"IEA*2*", 1)
		return []byte(s)
	}
	iea := strings.Index(base, "IEA*")
	e := map[string][]byte{
		"ta1-requested.x12":       []byte(base),
		"isa06-width.x12":         rep(base, "*SUBMITTER01    *ZZ*RECEIVER01     *", "*SUBMITTER01  *ZZ*RECEIVER01       *"),
		"isa09-not-a-date.x12":    rep(base, "*260302*1200*", "*26O3O2*1200*"),
		"isa12-version.x12":       rep(base, "*^*00501*", "*^*00200*"),
		"isa14-not-0-or-1.x12":    rep(base, "*1*T*:~", "*2*T*:~"),
		"iea01-count.x12":         rep(base, "IEA*1*", "IEA*2*"),
		"iea02-control.x12":       rep(base, "IEA*1*000000001", "IEA*1*000000009"),
		"iea-missing.x12":         []byte(base[:iea]),
		"isa13-duplicate.x12":     []byte(base + strings.ReplaceAll(second, "000000002", "000000001")),
		"second-isa-rejected.x12": []byte(base + strings.Replace(second, "*^*00501*", "*^*00200*", 1)),
		"gs01-function.x12":       rep(base, "GS*HC*", "GS*HP*"),
		"gs08-version.x12":        rep(base, "*X*005010X222A1~", "*X*005010X223A2~"),
		"gs06-duplicate.x12":      twoGroups("1"),
		"two-groups.x12":          twoGroups("2"),
		"ge01-count.x12":          rep(base, "GE*1*1~", "GE*3*1~"),
		"ge02-control.x12":        rep(base, "GE*1*1~", "GE*1*7~"),
		"ge-missing.x12":          rep(base, "GE*1*1~\n", ""),
		"set-without-claims.x12":  []byte(file(0, []Claim{}, []Claim{one("K-1")})),
		"segment-unknown.x12":     rep(base, "CLM*E-2*", "NM31*XX~\nCLM*E-2*"),
		"hl01-repeated.x12":       hlRepeated(),
	}
	return e
}

// hlRepeated has two billing providers whose subtrees both number from HL 1:
// the claims under the second must not hang from the first's subscriber.
func hlRepeated() []byte {
	claims := []Claim{
		{ID: "R-1", Lines: []Line{{Code: "99213", Charge: "110"}}},
		{ID: "R-2", Lines: []Line{{Code: "99213", Charge: "110"}}},
	}
	s := strings.Replace(string(File(Options{Newline: "\n", Transactions: [][]Claim{claims}})), "*0*T*:~", "*1*T*:~", 1)
	// Repeat the billing provider before the second claim's subscriber,
	// numbered as if the transaction started again.
	i := strings.Index(s, "HL*1**20*1~")
	j := strings.Index(s[i:], "HL*2*1*22*0~") + i
	k := strings.Index(s, "HL*3*1*22*0~")
	if i < 0 || j < i || k < 0 {
		panic("hlRepeated: unexpected shape")
	}
	return []byte(recountSE(s[:k] + s[i:j] + "HL*2*1*22*0~" + s[k+len("HL*3*1*22*0~"):]))
}

// recountSE rewrites each SE01 of a file written with "*", "~" and "\n" to
// the number of segments from its ST.
func recountSE(s string) string {
	lines := strings.Split(s, "\n")
	st := 0
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "ST*"):
			st = i
		case strings.HasPrefix(l, "SE*"):
			ctl := l[strings.LastIndexByte(l, '*'):]
			lines[i] = "SE*" + strconv.Itoa(i-st+1) + ctl
		}
	}
	return strings.Join(lines, "\n")
}
