package ingesteval

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// pinOneCPU confines this process, and the children it starts from now on,
// to one CPU: every thread's affinity (new threads and child processes
// inherit it) and GOMAXPROCS. The function returned undoes it.
func pinOneCPU() (func(), string, error) {
	var orig unix.CPUSet
	if err := unix.SchedGetaffinity(0, &orig); err != nil {
		return nil, "", fmt.Errorf("sched_getaffinity: %w", err)
	}
	cpu := -1
	for c := range 1024 {
		if orig.IsSet(c) {
			cpu = c
			break
		}
	}
	if cpu < 0 {
		return nil, "", errors.New("sched_getaffinity: no CPU in the set")
	}
	var one unix.CPUSet
	one.Set(cpu)
	procs := runtime.GOMAXPROCS(1)
	// Twice: a thread started while the first pass ran may have copied
	// the old affinity.
	for range 2 {
		if err := setAllThreads(&one); err != nil {
			setAllThreads(&orig)
			runtime.GOMAXPROCS(procs)
			return nil, "", err
		}
	}
	return func() {
			setAllThreads(&orig)
			runtime.GOMAXPROCS(procs)
		}, fmt.Sprintf("this process and its children pinned to CPU %d (sched_setaffinity on every thread, GOMAXPROCS=1)", cpu),
		nil
}

// setAllThreads sets the affinity of every thread of this process.
func setAllThreads(set *unix.CPUSet) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("list threads: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		// A thread may have exited since the listing.
		if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("sched_setaffinity %d: %w", tid, err)
		}
	}
	return nil
}

// cpuTime is the user and system time of this process and of its children
// that have been waited for.
func cpuTime() (time.Duration, error) {
	var self, children unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &self); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	if err := unix.Getrusage(unix.RUSAGE_CHILDREN, &children); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	d := func(tv unix.Timeval) time.Duration { return time.Duration(tv.Nano()) }
	return d(self.Utime) + d(self.Stime) + d(children.Utime) + d(children.Stime), nil
}
