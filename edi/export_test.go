package edi

import "io"

// NewSlowParser returns a Parser with the fast path (Parser.body) off: every
// segment goes through the Reader. Tests compare the two.
func NewSlowParser(src io.Reader) *Parser {
	p := NewParser(src)
	p.slow = true
	return p
}

// RandomSeparated is randomSeparated, for the external tests.
var RandomSeparated = randomSeparated
