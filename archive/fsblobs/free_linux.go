package fsblobs

import "syscall"

// freeBytes is the space left to unprivileged writers on the filesystem
// holding dir; ok is false when it cannot be had.
func freeBytes(dir string) (n uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
