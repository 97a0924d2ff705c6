//go:build !race

package garble

const raceEnabled = false
