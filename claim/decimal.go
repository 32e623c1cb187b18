package claim

import "strconv"

// Decimal is an exact X12 numeric (R type) in millionths. Charges and units
// are compared and summed in it, never in floating point, so that 0.1+0.2
// balances against 0.3 exactly (CLAIM-BALANCE).
type Decimal int64

const decimalScale = 1_000_000

// ParseDecimal reads an X12 R value: optional minus, digits, optional point
// and up to six fraction digits, at most 12 integer digits.
func ParseDecimal(b []byte) (Decimal, bool) {
	start := 0
	if len(b) > 0 && b[0] == '-' {
		start = 1
	}
	d, end, ok := scanDecimal(b, start, 0) // b is one element: no separator in it
	if !ok || end != len(b) {
		return 0, false
	}
	if start == 1 {
		d = -d
	}
	return d, true
}

// scanDecimal reads a number without sign from c[p:] up to the next sep or
// the end, as ParseDecimal would read that element, and returns where it
// stopped; false for anything ParseDecimal would refuse, and for a minus.
// Two tight digit loops, one each side of the point: it runs for every
// charge and unit count of a batch.
func scanDecimal(c []byte, p int, sep byte) (Decimal, int, bool) {
	var v int64
	i := p
	for i < len(c) && c[i]-'0' <= 9 {
		v = v*10 + int64(c[i]-'0')
		i++
	}
	intDigits := i - p
	fracDigits := 0
	if i < len(c) && c[i] == '.' && sep != '.' { // a point separator ends the element
		i++
		f := i
		for i < len(c) && c[i]-'0' <= 9 {
			v = v*10 + int64(c[i]-'0')
			i++
		}
		fracDigits = i - f
	}
	if i < len(c) && c[i] != sep || intDigits > 12 || fracDigits > 6 || intDigits+fracDigits == 0 {
		return 0, i, false
	}
	return Decimal(v * pow10[6-fracDigits]), i, true
}

var pow10 = [7]int64{1, 10, 100, 1000, 10000, 100000, 1000000}

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
