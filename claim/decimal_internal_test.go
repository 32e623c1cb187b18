package claim

import (
	"fmt"
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

// parseDateReference is ParseDate as first written, a digit at a time.
func parseDateReference(b []byte) int {
	if len(b) != 8 {
		return 0
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		v = v*10 + int(c-'0')
	}
	y, m, d := v/10000, v/100%100, v%100
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return 0
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	if d > days {
		return 0
	}
	return v
}

func TestParseDateAgreesWithReference(t *testing.T) {
	cases := []string{"", "2026030", "202603021", "20260302", "20240229", "20230229", "19000228", "18991231", "99991231",
		"00000000", "20261301", "20260100", "2026:302", "2026/302", "20260\x0002", "2026030\xff", "２０２６"}
	r := rand.New(rand.NewSource(2))
	for n := 0; n < 300000; n++ {
		b := []byte("20260302")
		if n%2 == 0 {
			for i := range b {
				b[i] = '0' + byte(r.Intn(10))
			}
		}
		for k := r.Intn(3); k > 0; k-- {
			b[r.Intn(8)] = byte(r.Intn(256)) // any byte, near digits or not
		}
		cases = append(cases, string(b))
	}
	for y := 1899; y <= 2101; y++ {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				cases = append(cases, fmt.Sprintf("%04d%02d%02d", y, m, d))
			}
		}
	}
	for _, c := range cases {
		require.Equal(t, parseDateReference([]byte(c)), ParseDate([]byte(c)), "%q", c)
	}
}
