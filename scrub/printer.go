package scrub

import (
	"github.com/scrub837/scrub837/edi"
	"github.com/scrub837/scrub837/finding"
)

// Printer writes one output format. Render formats one scrubbed
// transaction and may run on any goroutine; Write is then called for every
// item in input order, on one goroutine, with what Render returned for a
// transaction item (nil for the others). Close ends the output.
//
// The Result and the Item's Transaction are valid only during Render and
// Write: the run recycles their memory afterwards, so a Printer copies what
// it keeps.
type Printer interface {
	Render(buf []byte, res *finding.Result) []byte
	Write(it *edi.Item, res *finding.Result, rendered []byte) error
	Close(sum *finding.Summary) error
}

// ClaimWriter is a Printer that writes claims: after Close, Written says
// how many it wrote and how many the run's summary says it should have,
// for the conservation check (every claim read reaches each such output
// exactly once).
type ClaimWriter interface {
	Written(sum *finding.Summary) (wrote, want int, what string)
}
