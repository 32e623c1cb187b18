package scrub_test

import (
	"fmt"
	"log"
	"os"

	"github.com/scrub837/scrub837/scrub"
)

// Scan hands over each claim's verdict; what it hands over is the
// caller's to keep.
func ExampleScan() {
	f, err := os.Open("../fixtures/demo.x12")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	err = scrub.Scan(f, nil, func(v scrub.Verdict) error {
		if v.Rejected {
			fmt.Println(v.ID, v.Findings[0].Rule)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// DEMO-002 AOC-NO-PRIMARY
	// DEMO-003 USE-77003
	// DEMO-004 GUIDANCE-INCLUDED
	// DEMO-005 USE-77001
	// DEMO-006 ARTHROGRAPHY-SI
	// DEMO-007 UNITS-MUE
	// DEMO-008 FACILITY-NEEDS-26
	// DEMO-011 CLAIM-BALANCE
}
