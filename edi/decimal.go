package edi

import "strconv"

// Decimal is an exact X12 numeric (R type) in millionths. Charges and units
// are compared and summed in it, never in floating point, so that 0.1+0.2
// balances against 0.3 exactly (RULES.md CLAIM-BALANCE).
type Decimal int64

const decimalScale = 1_000_000

// ParseDecimal reads an X12 R value: optional minus, digits, optional point
// and up to six fraction digits, at most 12 integer digits.
func ParseDecimal(b []byte) (Decimal, bool) {
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

// Units returns d as a whole number of units, rounding toward zero.
func (d Decimal) Units() int64 { return int64(d) / decimalScale }

// String formats d with no trailing zeros: 100, 12.5, 0.25.
func (d Decimal) String() string { return string(d.Append(nil)) }

// Append appends the String form of d to b.
func (d Decimal) Append(b []byte) []byte {
	v := int64(d)
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/decimalScale, 10)
	frac := v % decimalScale
	if frac == 0 {
		return b
	}
	var tmp [6]byte
	for i := 5; i >= 0; i-- {
		tmp[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := 6
	for n > 0 && tmp[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, tmp[:n]...)
}

// Money formats d with exactly two decimals, as amounts are printed in
// acknowledgments (STC04, AMT02).
func (d Decimal) Money() string {
	v := int64(d)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	cents := (v + 5000) / 10000
	return sign + strconv.FormatInt(cents/100, 10) + "." + string([]byte{byte('0' + cents%100/10), byte('0' + cents%10)})
}
