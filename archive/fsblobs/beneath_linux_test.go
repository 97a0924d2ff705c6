package fsblobs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// kernelHasOpenat2 asks the kernel directly, not through the store.
func kernelHasOpenat2(t *testing.T) bool {
	t.Helper()
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	fd, err := unix.Openat2(int(dir.Fd()), ".", &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: resolveBeneath})
	if err != nil {
		t.Logf("openat2: %v", err)
		return false
	}
	unix.Close(fd)
	return true
}

func TestReadsUseOpenat2WhereTheKernelHasIt(t *testing.T) {
	if !kernelHasOpenat2(t) {
		t.Skip("this kernel has no openat2: the stores take os.Root's way")
	}
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !UsesOpenat2(s) {
		t.Fatal("the store does not read through openat2 on a kernel that has it")
	}
}

// TestOpenat2StaysBeneath gives openat2's way names that gazette.CheckKey
// would never let through, to show that the kernel's confinement alone keeps
// them inside the store's directory: "..", absolute paths, and symbolic
// links to outside and inside.
func TestOpenat2StaysBeneath(t *testing.T) {
	if !kernelHasOpenat2(t) {
		t.Skip("this kernel has no openat2")
	}
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	if err := os.MkdirAll(outside, 0o750); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("secret"), 0o640); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	objects := filepath.Join(dir, objectsDir)
	if err := os.WriteFile(filepath.Join(objects, "real.json"), []byte("real"), 0o640); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"out":        outside,
		"rel":        "../../outside",
		"secret.txt": secret,
		"copy.json":  "real.json",
		"here":       ".",
	} {
		if err := os.Symlink(target, filepath.Join(objects, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{
		"../outside/secret.txt",
		"objects/../../outside/secret.txt",
		"objects/../../store/../outside/secret.txt",
		secret,
		"/etc/passwd",
		"objects/out/secret.txt",
		"objects/rel/secret.txt",
		"objects/secret.txt",
		"objects/copy.json",
		"objects/here/real.json",
	} {
		// (O_PATH|O_NOFOLLOW opens a final symbolic link itself: lstatBeneath
		// below is what refuses it.)
		for _, flags := range []int{unix.O_RDONLY, unix.O_RDONLY | unix.O_NOFOLLOW, unix.O_PATH} {
			if fd, err := s.openBeneath(name, flags); err == nil {
				unix.Close(fd)
				t.Errorf("openBeneath(%q, %#x) succeeded", name, flags)
			} else if !errors.Is(err, unix.EXDEV) && !errors.Is(err, unix.ELOOP) {
				t.Errorf("openBeneath(%q, %#x): %v, want EXDEV or ELOOP", name, flags, err)
			}
		}
		if fi, _, err := s.lstatBeneath(name); err == nil {
			t.Errorf("lstatBeneath(%q) = %v, want an error", name, fi)
		}
		if f, _, _, err := s.openRegularBeneath("k", name); err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			t.Errorf("openRegularBeneath(%q) read %q, want an error", name, b)
		}
	}
	// The object itself, by its own name, opens.
	f, info, ok, err := s.openRegularBeneath("real.json", "objects/real.json")
	if !ok || err != nil {
		t.Fatalf("openRegularBeneath(objects/real.json): %v, %v", ok, err)
	}
	defer f.Close()
	if b, err := io.ReadAll(f); err != nil || string(b) != "real" || info.Size != 4 {
		t.Errorf("objects/real.json read %q, %v, size %d; want \"real\", 4", b, err, info.Size)
	}
}
