//go:build !linux

package ingesteval

import (
	"errors"
	"runtime"
	"time"
)

// pinOneCPU can only set GOMAXPROCS here: child processes may still run
// on other cores, which the report says.
func pinOneCPU() (func(), string, error) {
	procs := runtime.GOMAXPROCS(1)
	return func() { runtime.GOMAXPROCS(procs) }, "GOMAXPROCS=1 only (children not pinned on this system)", nil
}

// cpuTime is not measured here.
func cpuTime() (time.Duration, error) { return 0, errors.New("CPU time not measured on this system") }
