package fsblobs

import (
	"os"
	"path"
	"runtime"
	"syscall"
	"unsafe"
)

// atRemoveDir is AT_REMOVEDIR, which syscall does not export.
const atRemoveDir = 0x200

// rmdir removes the directory dir if it is empty, relative to a descriptor
// of its parent opened through the root. Unlike os.Root.Remove it never
// unlinks a file: if a writer has meanwhile put an object where dir was, the
// object stays.
func (s *Store) rmdir(dir string) error {
	parent, err := s.root.OpenFile(path.Dir(dir), os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer parent.Close()
	base, err := syscall.BytePtrFromString(path.Base(dir))
	if err != nil {
		return err
	}
	rc, err := parent.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_UNLINKAT, fd, uintptr(unsafe.Pointer(base)), atRemoveDir)
	}); err != nil {
		return err
	}
	runtime.KeepAlive(base)
	if errno != 0 {
		return &os.PathError{Op: "rmdir", Path: dir, Err: errno}
	}
	return nil
}
