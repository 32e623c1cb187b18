package edi

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEndsWithIEA(t *testing.T) {
	for in, want := range map[string]bool{
		"GE*1*1~IEA*1*000000001~":          true,
		"GE*1*1~\nIEA*1*000000001~\n\n":    true,
		"GE|1|8~IEA|1|000000008~":          true, // another interchange's delimiters
		"GE*1*1\nIEA*1*000000001\n":        true, // newline as terminator
		"GE*1*1~IEA*1*000000001":           false,
		"GE*1*1~IEA*1*0000":                false,
		"GE*1*1~IEA*1*":                    false,
		"SE*20*0001~GE*1*1~":               false,
		"CLM*IEA*1*000000001*X~":           false,
		"GE*1*1~IEA*1*000000001~SE*1*0001": false,
		"":                                 false,
	} {
		assert.Equal(t, want, endsWithIEA([]byte(in)), "%q", in)
	}
}

func TestLastISA(t *testing.T) {
	isa := func(e, c, s string) string {
		return strings.NewReplacer("*", e, ":", c, "~", s).Replace("ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260302*1200*^*00501*000000001*0*T*:~")
	}
	first := isa("*", ":", "~") + "GS*HC~ST*837*0001~NM1*IL*1*ISAAC*ISA*****MI*1~"
	second := isa("|", ">", "~") + "GS|HC~ST|837|0001~"
	for _, tc := range []struct {
		in   string
		want int
	}{
		{first, 0},
		{"\xef\xbb\xbf" + first, 3},
		{first + "SE*1*0001~GE*1*1~IEA*1*000000001~\n" + second, len(first) + len("SE*1*0001~GE*1*1~IEA*1*000000001~\n")},
		{"NM1*IL*1*ISAAC*ISA*****MI*1~", -1},
		{"no interchange here", -1},
	} {
		r := strings.NewReader(tc.in)
		assert.Equal(t, int64(tc.want), lastISA(r, r.Size()), "%q", tc.in)
	}
}
