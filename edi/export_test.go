package edi

import "io"

// NewSlowParser returns a Parser with the fast path (Parser.body) off: every
// segment goes through the Reader. Tests compare the two.
func NewSlowParser(src io.Reader) *Parser {
	p := NewParser(src)
	p.slow = true
	return p
}

// Unbuild forgets Build's model, keeping its arrays, so that a benchmark
// can time Build alone on the same parsed transaction.
func (t *Transaction) Unbuild() {
	t.built = false
	t.SegmentErrors = t.SegmentErrors[:0]
}

// BuildGeneric builds the model with the general element readers only,
// none of Build's readers of usual segment shapes.
func (t *Transaction) BuildGeneric() {
	t.generic = true
	t.Build()
}

// RandomSeparated is randomSeparated, for the external tests.
var RandomSeparated = randomSeparated
