//go:build race

package meta_test

// raceEnabled says the race detector is on: the evaluations, ten times
// slower under it, then skip.
const raceEnabled = true
