package fsblobs

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gazette-archive/gazette/gazette"
)

// resolveBeneath is how openBeneath resolves a name: below the directory
// (no "..", no absolute path leaves it) and through no symbolic link at
// all, not even one that stays inside, as lstatObject's walk refuses them.
const resolveBeneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// openBeneath opens name, relative to the store's directory, in one
// openat2(2) that the kernel confines as resolveBeneath says, instead of
// os.Root's open of every directory on the way (a dozen system calls for an
// object's key). It returns the descriptor, or errNoOpenat2 where the
// kernel (before 5.6) or a seccomp filter refuses openat2, and then the
// caller takes os.Root's way. A symbolic link on the way fails with ELOOP,
// a name that would leave the directory with EXDEV.
func (s *Store) openBeneath(name string, flags int) (int, error) {
	if !s.beneath {
		return -1, errNoOpenat2
	}
	how := unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Resolve: resolveBeneath}
	fd := -1
	var err error
	// Control keeps the directory's descriptor open while it is used,
	// whatever a concurrent Close does.
	cerr := s.rootConn.Control(func(dirfd uintptr) {
		for {
			fd, err = unix.Openat2(int(dirfd), name, &how)
			if err != unix.EINTR {
				return
			}
		}
	})
	if cerr != nil {
		return -1, cerr
	}
	if err != nil {
		return -1, &os.PathError{Op: "openat2", Path: name, Err: err}
	}
	return fd, nil
}

// probeOpenat2 reports whether openat2 with resolveBeneath works on the
// store's directory: not on kernels before 5.6, nor under seccomp filters
// that refuse system calls they do not know (ENOSYS or EPERM).
func (s *Store) probeOpenat2() bool {
	s.beneath = true
	fd, err := s.openBeneath(".", unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		s.beneath = false
		return false
	}
	unix.Close(fd)
	return true
}

// lstatBeneath is lstatObject in one openat2 of the entry itself (O_PATH,
// which opens a file without reading it, and so also a FIFO without
// blocking) and an fstat of it. ok is false where openat2 is unavailable.
func (s *Store) lstatBeneath(name string) (fi os.FileInfo, ok bool, err error) {
	fd, err := s.openBeneath(name, unix.O_PATH|unix.O_NOFOLLOW)
	switch {
	case errors.Is(err, errNoOpenat2):
		return nil, false, nil
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR):
		return nil, true, nil
	case errors.Is(err, unix.ELOOP):
		return nil, true, &os.PathError{Op: "lstat", Path: name, Err: errSymlink}
	case err != nil:
		return nil, true, err
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	fi, err = f.Stat()
	if err != nil {
		return nil, true, err
	}
	// O_PATH with O_NOFOLLOW opens a symbolic link at the end of the name
	// itself rather than failing.
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil, true, &os.PathError{Op: "lstat", Path: name, Err: errSymlink}
	}
	return fi, true, nil
}

// openRegularBeneath is openObject through openBeneath: it opens the
// regular file at name, the object at key, for reading, and fails with
// gazette.ErrNotFound if there is none there (no entry, or a directory, a
// FIFO or a device: opened with O_NONBLOCK, so that opening a FIFO does not
// wait for a writer), with errSymlink for a symbolic link on the way. ok is
// false where openat2 is unavailable. The descriptor is the object: no
// second look is needed to know it is the entry at the name.
func (s *Store) openRegularBeneath(key, name string) (f *os.File, info gazette.ObjectInfo, ok bool, err error) {
	fd, err := s.openBeneath(name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK)
	switch {
	case errors.Is(err, errNoOpenat2):
		return nil, info, false, nil
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR):
		return nil, info, true, gazette.ErrNotFound
	case errors.Is(err, unix.ELOOP):
		return nil, info, true, &os.PathError{Op: "open", Path: name, Err: errSymlink}
	case err != nil:
		return nil, info, true, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, info, true, &os.PathError{Op: "fstat", Path: name, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, info, true, gazette.ErrNotFound
	}
	// Blocking again, as os.Open leaves a regular file: O_NONBLOCK is the
	// only flag of this open that F_SETFL changes.
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, 0); err != nil {
		unix.Close(fd)
		return nil, info, true, &os.PathError{Op: "fcntl", Path: name, Err: err}
	}
	mod := time.Unix(st.Mtim.Unix())
	info = gazette.ObjectInfo{Key: key, Size: st.Size, ETag: etagOf(st.Ino, mod, st.Size), Modified: mod}
	return os.NewFile(uintptr(fd), name), info, true, nil
}
