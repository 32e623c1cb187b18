//go:build race

package main

// raceEnabled: the test process runs under the race detector. A child's
// peak RSS on Linux includes the memory it shared with this process before
// exec, and a race-enabled test process alone is larger than the bounds
// the hostile corpus checks, so those checks are left to ordinary runs.
const raceEnabled = true
