package fsblobs

import "testing"

// WithoutOpenat2 makes the stores the test opens take os.Root's way, as on
// a kernel without openat2(2). The tests of this package do not run in
// parallel.
func WithoutOpenat2(t testing.TB) {
	useOpenat2 = false
	t.Cleanup(func() { useOpenat2 = true })
}

// UsesOpenat2 reports whether s reads through openat2(2).
func UsesOpenat2(s *Store) bool { return s.beneath }
