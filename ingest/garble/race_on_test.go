//go:build race

package garble

// raceEnabled skips the long evaluations under the race detector, which
// slows them twentyfold; run them without -race.
const raceEnabled = true
