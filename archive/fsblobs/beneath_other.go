//go:build !linux

package fsblobs

import (
	"os"

	"github.com/gazette-archive/gazette/gazette"
)

// openat2(2) is Linux's: elsewhere every path goes through os.Root.

func (s *Store) probeOpenat2() bool { return false }

func (s *Store) lstatBeneath(string) (os.FileInfo, bool, error) { return nil, false, nil }

func (s *Store) openRegularBeneath(string, string) (*os.File, gazette.ObjectInfo, bool, error) {
	return nil, gazette.ObjectInfo{}, false, nil
}
