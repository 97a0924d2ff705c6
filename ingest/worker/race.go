//go:build race

package worker

// raceEnabled: the race detector maps terabytes of shadow memory, so an
// address-space limit cannot be used; the parent's RSS watchdog still is.
const raceEnabled = true
