package claim

import "encoding/binary"

var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// ParseDate reads CCYYMMDD and returns it as an int, or 0 when it is not a
// valid calendar date.
func ParseDate(b []byte) int {
	if len(b) != 8 {
		return 0
	}
	// Eight digits at once (every service line has a date): each byte's
	// high nibble must be 3 and its low nibble at most 9; then pairs,
	// quads and the whole are combined by multiplication.
	x := binary.LittleEndian.Uint64(b)
	d8 := x - 0x3030303030303030
	if x&0xF0F0F0F0F0F0F0F0 != 0x3030303030303030 || (d8+0x0606060606060606)&0xF0F0F0F0F0F0F0F0 != 0 {
		return 0
	}
	d8 = d8*10 + d8>>8 // byte 2k: the two-digit number of digits 2k, 2k+1
	v := int((((d8 & 0x000000FF000000FF) * (100 + 1000000<<32)) + (((d8 >> 16) & 0x000000FF000000FF) * (1 + 10000<<32))) >> 32)
	y, m, d := v/10000, v/100%100, v%100
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return 0
	}
	days := monthDays[m-1]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	if d > days {
		return 0
	}
	return v
}
