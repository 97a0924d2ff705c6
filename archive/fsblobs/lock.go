package fsblobs

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// lockStripes is the number of lock files under locks/. Keys are spread over
// them by hash: a bounded set of files, however many keys come and go, and
// writers of different keys rarely wait for each other.
const lockStripes = 256

// lock takes the exclusive lock of key's stripe: first within this process
// (a channel, so waiting honours ctx), then across processes with flock(2)
// on locks/<stripe>. Puts that replace an object and Deletes hold it while
// they check the current version and rename or remove, which makes their
// compare-and-swap atomic. The returned function releases it.
func (s *Store) lock(ctx context.Context, key string) (func(), error) {
	sum := sha256.Sum256([]byte(key))
	stripe := sum[0]
	select {
	case s.stripes[stripe] <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	release := func() { <-s.stripes[stripe] }
	name := fmt.Sprintf("%s/%02x", locksDir, stripe)
	f, err := s.root.OpenFile(name, os.O_RDONLY|os.O_CREATE|syscall.O_NOFOLLOW, mutablePerm)
	if err != nil {
		release()
		return nil, err
	}
	// Another process holds it only for a check and a rename: poll, so that
	// a cancelled ctx still ends the wait.
	wait := 500 * time.Microsecond
	for {
		err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			release()
			return nil, fmt.Errorf("flock %s: %w", name, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			f.Close()
			release()
			return nil, ctx.Err()
		}
		wait = min(2*wait, 20*time.Millisecond)
	}
	return func() {
		f.Close() // closing the only descriptor releases the flock
		release()
	}, nil
}

// createTemp creates an empty file under tmp/ with a random name and returns
// it exclusively flocked. The flock lasts as long as the file is open, and
// the kernel drops it when the process dies: it is how cleanTemp tells a
// write in progress from the leftover of a crash.
func (s *Store) createTemp() (*os.File, string, error) {
	for range 8 {
		var b [16]byte
		rand.Read(b[:])
		name := tmpDir + "/" + hex.EncodeToString(b[:]) + ".tmp"
		f, err := s.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		if err := flock(f, syscall.LOCK_EX); err != nil {
			s.root.Remove(name)
			f.Close()
			return nil, "", fmt.Errorf("flock %s: %w", name, err)
		}
		// A cleanTemp that locked the file between its creation and our
		// flock has removed it: start again with a new name.
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, "", err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink == 0 {
			f.Close()
			continue
		}
		return f, name, nil
	}
	return nil, "", errors.New("cannot create a temporary file")
}

// cleanTemp removes every file under tmp/ whose flock it can take: the
// writer that created it is dead, whatever the file's age (a write still in
// progress, here or in another process, holds its flock). A file that is
// also linked as an object (a create-only write interrupted after the link)
// loses only its temporary name.
func (s *Store) cleanTemp() error {
	d, err := s.root.OpenFile(tmpDir, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		name := tmpDir + "/" + e.Name()
		f, err := s.root.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if errors.Is(err, fs.ErrNotExist) {
			continue // its writer finished meanwhile
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		err = flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case errors.Is(err, syscall.EWOULDBLOCK):
			// A live writer.
		case err != nil:
			errs = append(errs, fmt.Errorf("flock %s: %w", name, err))
		default:
			if err := s.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		f.Close()
	}
	return errors.Join(errs...)
}

// flock applies flock(2) to f, retrying on EINTR.
func flock(f *os.File, how int) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	return ferr
}
