//go:build !race

package split_test

// raceEnabled says the race detector is on: the evaluations, ten times
// slower under it, then skip.
const raceEnabled = false
