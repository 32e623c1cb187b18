// Package edi reads X12 syntax: delimiters from the ISA, segments with
// their byte positions (Reader), and envelopes and whole transaction sets
// as bytes with an index of their segments (Parser). It knows nothing of
// what an 837P means: package claim reads that.
package edi

import (
	"bytes"
	"fmt"
)

// ISALength is the fixed width of a well-formed ISA segment including its
// terminator (docs/x12.md: element separator at 3, ISA16 at 104, terminator at 105).
const ISALength = 106

// isaSeparatorPositions are the offsets where a fixed-width ISA must carry
// its element separator. Checking all of them tells a real ISA from the
// letters "ISA" inside prose.
var isaSeparatorPositions = [...]int{3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103}

// Delimiters are the separators an interchange declares in its ISA.
type Delimiters struct {
	Element    byte
	Component  byte
	Segment    byte
	Repetition byte // 0 when the interchange declares none (before 00402, or ISA11 alphanumeric)
}

// Default is what scrub837 writes when it makes an interchange of its own
// without an input to copy from.
var Default = Delimiters{Element: '*', Component: ':', Segment: '~', Repetition: '^'}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// ParseISA reads the delimiters from an ISA segment at the start of b and
// returns them with the length of the ISA including its terminator. It
// trusts the fixed-width layout when every separator position agrees and
// otherwise falls back to splitting on the element separator, because real
// files carry short or wrongly padded ISAs.
func ParseISA(b []byte) (Delimiters, int, error) {
	var d Delimiters
	if !bytes.HasPrefix(b, []byte("ISA")) {
		return d, 0, fmt.Errorf("expected an ISA segment")
	}
	if len(b) < 4 {
		return d, 0, fmt.Errorf("the input ends inside the ISA segment")
	}
	sep := b[3]
	if isAlnum(sep) || isSpace(sep) {
		return d, 0, fmt.Errorf("ISA element separator %q is a letter, digit or space", sep)
	}
	d.Element = sep
	n := 0
	if len(b) >= ISALength && fixedWidthOK(b, sep) {
		d.Component, d.Segment, n = b[104], b[105], ISALength
	} else {
		// Fallback: ISA16 is the single character after the 16th separator.
		seen, pos := 0, -1
		for i := 3; i < len(b) && i < 512; i++ {
			if b[i] == sep {
				seen++
				if seen == 16 {
					pos = i
					break
				}
			}
		}
		if pos < 0 || pos+2 >= len(b) {
			return d, 0, fmt.Errorf("ISA has fewer than 16 elements or no segment terminator after ISA16")
		}
		d.Component, d.Segment, n = b[pos+1], b[pos+2], pos+3
	}
	switch {
	case isAlnum(d.Segment) || d.Segment == ' ' || d.Segment == '\t':
		return d, 0, fmt.Errorf("ISA segment terminator %q is a letter, digit or blank", d.Segment)
	case d.Segment == sep || d.Component == sep || d.Component == d.Segment:
		return d, 0, fmt.Errorf("ISA delimiters are not distinct (element %q, component %q, segment %q)", sep, d.Component, d.Segment)
	case isAlnum(d.Component) || isSpace(d.Component):
		return d, 0, fmt.Errorf("ISA16 component separator %q is a letter, digit or blank", d.Component)
	}
	// ISA11 is a repetition separator only from 00402 on and only when it is
	// not alphanumeric; 4010-style files carry "U" there (docs/x12.md).
	els := bytes.Split(b[:n-1], []byte{sep})
	if len(els) >= 13 {
		rep, ver := els[11], els[12]
		if len(rep) == 1 && !isAlnum(rep[0]) && !isSpace(rep[0]) && string(ver) >= "00402" &&
			rep[0] != d.Component && rep[0] != d.Segment {
			d.Repetition = rep[0]
		}
	}
	return d, n, nil
}

func fixedWidthOK(b []byte, sep byte) bool {
	for _, p := range isaSeparatorPositions {
		if b[p] != sep {
			return false
		}
	}
	return true
}
