package searcheval

import (
	"time"

	"golang.org/x/sys/unix"
)

// processCPU is the user and system time this process has used so far.
func processCPU() (time.Duration, bool) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
