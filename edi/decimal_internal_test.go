package edi

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// parseDecimalReference is ParseDecimal as first written, one character
// at a time: the fast version must agree with it on every input.
func parseDecimalReference(b []byte) (Decimal, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	if b[0] == '-' {
		neg, b = true, b[1:]
	}
	var v int64
	intDigits, fracDigits, seenPoint, digits := 0, 0, false, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
			if seenPoint {
				fracDigits++
				if fracDigits > 6 {
					return 0, false
				}
			} else {
				intDigits++
				if intDigits > 12 {
					return 0, false
				}
			}
			v = v*10 + int64(c-'0')
		case c == '.' && !seenPoint:
			seenPoint = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	for ; fracDigits < 6; fracDigits++ {
		v *= 10
	}
	if neg {
		v = -v
	}
	return Decimal(v), true
}

func TestParseDecimalAgreesWithReference(t *testing.T) {
	cases := []string{"", "-", ".", "-.", "0", "00", "1", "-1", "1.", ".5", "-.5", "1.5", "12.345678", "12.3456789",
		"999999999999", "9999999999999", "999999999999.999999", "1.2.3", "--1", "1-", "+1", " 1", "1 ", "1e3", "0.000001", "١"}
	r := rand.New(rand.NewSource(1))
	const alphabet = "0123456789.-+ e"
	for n := 0; n < 300000; n++ {
		b := make([]byte, r.Intn(22))
		for i := range b {
			if r.Intn(4) == 0 {
				b[i] = alphabet[r.Intn(len(alphabet))]
			} else {
				b[i] = '0' + byte(r.Intn(10))
			}
		}
		cases = append(cases, string(b))
	}
	for _, c := range cases {
		wantV, wantOK := parseDecimalReference([]byte(c))
		gotV, gotOK := ParseDecimal([]byte(c))
		require.Equal(t, wantOK, gotOK, "%q", c)
		if wantOK {
			require.Equal(t, wantV, gotV, "%q", c)
		}
	}
}
