//go:build !linux

package fsblobs

import "errors"

// rmdir would remove the empty directory dir. Without a portable rmdir(2)
// relative to a directory descriptor in syscall, other systems keep empty
// directories: harmless, except that a key that was a prefix of deleted
// objects stays unusable as a key until the directory is removed by hand.
func (s *Store) rmdir(dir string) error {
	return errors.New("fsblobs: pruning empty directories is supported on Linux only")
}
