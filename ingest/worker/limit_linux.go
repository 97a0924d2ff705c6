package worker

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// asSlack is address space granted beyond the child's start-up size and its
// budget: heap arenas are reserved in 64 MiB steps and the collector's
// metadata grows with them, so a child whose live heap is within budget
// must not be refused the reservation that holds it. Measured in
// TestMemoryLimitHeadroom: with 64 MiB a 200 MiB live heap fits a 256 MiB
// budget, and unbounded allocation dies at about 260 MiB resident.
const asSlack = 64 << 20

// limitAddressSpace sets RLIMIT_AS to the child's current virtual size plus
// mem: the Go runtime reserves about 1 GiB of address space at start-up that
// it never touches, so an absolute figure would be meaningless.
func limitAddressSpace(mem int64) error {
	if raceEnabled {
		return nil
	}
	vm, ok := procStatus(os.Getpid(), "VmSize:")
	if !ok {
		return fmt.Errorf("worker: cannot read own virtual size")
	}
	lim := uint64(vm + mem + asSlack)
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
		return fmt.Errorf("worker: set RLIMIT_AS: %w", err)
	}
	return nil
}

// residentBytes returns a process's resident memory.
func residentBytes(pid int) (int64, bool) {
	return procStatus(pid, "VmRSS:")
}

// procStatus reads one "kB" field of /proc/PID/status, in bytes.
func procStatus(pid int, field string) (int64, bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field)
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}
