//go:build !linux

package worker

// limitAddressSpace is a no-op off Linux: the memory limit then rests on the
// runtime's soft limit alone, which a hostile file can outrun.
func limitAddressSpace(int64) error { return nil }

// residentBytes is unknown off Linux (no /proc), so the watchdog is idle.
func residentBytes(int) (int64, bool) { return 0, false }
