package report

import (
	"strconv"
	"unicode/utf8"
)

// appendEscaped appends s with every control character written as an
// escape (\x1b, \t, \u0085): values shown to a person come from the input,
// and a claim id holding terminal escape codes must not clear the screen.
// Invalid UTF-8 is escaped byte by byte.
func appendEscaped[S string | []byte](b []byte, s S) []byte {
	if !needsEscape(s) {
		return append(b, s...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f {
				j++
			}
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		r, size := utf8.DecodeRune([]byte(string(s[i:min(i+utf8.UTFMax, len(s))])))
		switch {
		case r == utf8.RuneError && size <= 1:
			b = append(b, `\x`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&0xF])
			i++
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029:
			q := strconv.QuoteRune(r) // '\x1b', '\t', '\u0085'
			b = append(b, q[1:len(q)-1]...)
			i += size
		default:
			b = append(b, s[i:i+size]...)
			i += size
		}
	}
	return b
}

// needsEscape reports whether appendEscaped would change s.
func needsEscape[S string | []byte](s S) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return true
		}
	}
	return false
}

// Escape returns s with control characters escaped, as the text report
// shows values from the input.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	return string(appendEscaped(nil, s))
}
