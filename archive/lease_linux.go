package archive

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// thisProcess names this process for a liveness check by processes of the
// same kernel boot and pid namespace: "boot-id/pid-namespace/pid", or ""
// when they cannot be read.
func thisProcess() string {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(boot)) + "/" + ns + "/" + strconv.Itoa(os.Getpid())
}

// processGone reports whether id (from thisProcess) names a process that
// surely no longer runs: one of this boot and pid namespace whose pid is
// free. Anything else (another machine or container, a pid taken again,
// a zombie not yet reaped) counts as running, and waits for its lease to
// expire.
func processGone(id string) bool {
	here := thisProcess()
	i := strings.LastIndexByte(id, '/')
	j := strings.LastIndexByte(here, '/')
	if id == "" || i < 0 || j < 0 || id[:i] != here[:j] {
		return false
	}
	pid, err := strconv.Atoi(id[i+1:])
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
