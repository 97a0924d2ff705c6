package fsblobs_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/gazette"
)

// snapshot describes every entry under dir: type, mode, size, content hash
// or link target. Two equal snapshots mean nothing there changed. The lock
// files of a store (store/locks/) are left out: taking a lock may create one.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p == filepath.Join(dir, "store", "locks") {
			return fs.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := fi.Mode().String()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			desc += " -> " + target
		case fi.Mode().IsRegular():
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %d %x", len(raw), sha256.Sum256(raw))
		}
		out[p] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, d := range after {
		if before[p] != d {
			t.Errorf("%s: %s is now %q, was %q", what, p, d, before[p])
		}
	}
	for p, d := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("%s: %s (%s) is gone", what, p, d)
		}
	}
}

// bothWays runs test on stores that read through openat2(2), where the
// kernel has it, and on stores that take os.Root's way, as without it: both
// must keep every key inside the store.
func bothWays(t *testing.T, test func(t *testing.T)) {
	t.Run("openat2", test)
	t.Run("os.Root", func(t *testing.T) {
		fsblobs.WithoutOpenat2(t)
		test(t)
	})
}

func TestBadKeysStayInside(t *testing.T) { bothWays(t, testBadKeysStayInside) }

func testBadKeysStayInside(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "store")
	if err := os.MkdirAll(filepath.Join(base, "outside"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "outside", "secret.txt"), []byte("secret"), 0o640); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	ctx := context.Background()
	before := snapshot(t, base)
	keys := append(archivetest.BadKeys(), "../outside/secret.txt", "../store/tmp/x", "a/../../../outside/new")
	for _, key := range keys {
		for _, opts := range []gazette.PutOptions{{}, {IfAbsent: true}, {IfMatch: "x"}, {Immutable: true}} {
			if _, err := putString(t, s, key, "x", opts); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Put(%q, %+v): %v, want ErrInvalid", key, opts, err)
			}
		}
		if _, _, err := s.Open(ctx, key); !errors.Is(err, gazette.ErrInvalid) {
			t.Errorf("Open(%q): %v, want ErrInvalid", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, gazette.ErrInvalid) {
			t.Errorf("Stat(%q): %v, want ErrInvalid", key, err)
		}
		for _, ifMatch := range []string{"", "x"} {
			if err := s.Delete(ctx, key, ifMatch); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Delete(%q, %q): %v, want ErrInvalid", key, ifMatch, err)
			}
		}
		if got, err := s.List(ctx, key); err != nil || len(got) != 0 {
			t.Errorf("List(%q) = %v, %v; want nothing", key, got, err)
		}
	}
	sameSnapshot(t, "after bad keys", before, snapshot(t, base))
}

func TestSymlinksAreNotFollowed(t *testing.T) { bothWays(t, testSymlinksAreNotFollowed) }

func testSymlinksAreNotFollowed(t *testing.T) {
	tests := []struct {
		name   string
		link   string // below objects/
		target func(outside string) string
		keys   []string // keys that go through the link
	}{
		{"directory outside, absolute", "issues", func(o string) string { return o }, []string{"issues/secret.txt", "issues/new.json", "issues/sub/new.json"}},
		{"directory outside, relative", "issues", func(string) string { return "../../outside" }, []string{"issues/secret.txt", "issues/new.json"}},
		{"deeper directory outside", "issues/2019", func(o string) string { return o }, []string{"issues/2019/secret.txt", "issues/2019/new.json"}},
		{"directory inside the root", "alias", func(string) string { return "../tmp" }, []string{"alias/x", "alias/sub/x"}},
		{"file outside", "pdf.pdf", func(o string) string { return filepath.Join(o, "secret.txt") }, []string{"pdf.pdf"}},
		{"file inside the root", "copy.json", func(string) string { return "real.json" }, []string{"copy.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dir := filepath.Join(base, "store")
			outside := filepath.Join(base, "outside")
			if err := os.MkdirAll(outside, 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o640); err != nil {
				t.Fatal(err)
			}
			s := openStore(t, dir)
			ctx := context.Background()
			mustPut(t, s, "real.json", "real", gazette.PutOptions{})
			link := filepath.Join(dir, "objects", filepath.FromSlash(tc.link))
			if err := os.MkdirAll(filepath.Dir(link), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tc.target(outside), link); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, base)

			for _, key := range tc.keys {
				for _, opts := range []gazette.PutOptions{{}, {IfAbsent: true}, {IfMatch: "x"}, {Immutable: true}} {
					if _, err := putString(t, s, key, "pwned", opts); err == nil {
						t.Errorf("Put(%q, %+v) through a symlink succeeded", key, opts)
					}
				}
				if r, _, err := s.Open(ctx, key); err == nil {
					r.Close()
					t.Errorf("Open(%q) through a symlink succeeded", key)
				}
				if _, err := s.Stat(ctx, key); err == nil {
					t.Errorf("Stat(%q) through a symlink succeeded", key)
				}
				if err := s.Delete(ctx, key, ""); err == nil {
					t.Errorf("Delete(%q) through a symlink succeeded", key)
				}
			}
			for _, prefix := range []string{"", tc.link, tc.link + "/"} {
				if got, err := s.List(ctx, prefix); err == nil && len(got) > 0 && strings.HasPrefix(got[len(got)-1].Key, tc.link) {
					t.Errorf("List(%q) = %v: it followed the symlink", prefix, got)
				}
			}
			if _, err := s.List(ctx, ""); err == nil {
				t.Error("List(\"\") over a planted symlink succeeded, want an error")
			}
			sameSnapshot(t, "after calls through a symlink", before, snapshot(t, base))
		})
	}
}

func TestSymlinkedObjectsDir(t *testing.T) { bothWays(t, testSymlinkedObjectsDir) }

func testSymlinkedObjectsDir(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "store")
	outside := filepath.Join(base, "outside")
	if err := os.MkdirAll(outside, 0o750); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	objects := filepath.Join(dir, "objects")
	if err := os.Remove(objects); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, objects); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, base)
	if _, err := putString(t, s, "a", "pwned", gazette.PutOptions{}); err == nil {
		t.Error("Put with objects/ a symlink succeeded")
	}
	if _, err := putString(t, s, "b", "pwned", gazette.PutOptions{IfAbsent: true}); err == nil {
		t.Error("create-only Put with objects/ a symlink succeeded")
	}
	if _, err := s.List(context.Background(), ""); err == nil {
		t.Error("List with objects/ a symlink succeeded")
	}
	sameSnapshot(t, "with objects/ a symlink", before, snapshot(t, base))
	if s2, err := fsblobs.Open(dir); err == nil {
		s2.Close()
		t.Error("Open of a store whose objects/ is a symlink succeeded")
	}
}

// TestPlantedFIFOIsNoObject: a FIFO where an object would be is not one,
// and reading it must not wait for a writer that never comes.
func TestPlantedFIFOIsNoObject(t *testing.T) { bothWays(t, testPlantedFIFOIsNoObject) }

func testPlantedFIFOIsNoObject(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := syscall.Mkfifo(filepath.Join(dir, "objects", "fifo.json"), 0o640); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		r, _, err := s.Open(ctx, "fifo.json")
		if err == nil {
			r.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Open of a FIFO: %v, want ErrNotFound", err)
		}
	case <-ctx.Done():
		t.Fatal("Open of a FIFO is still waiting after 5s")
	}
	if _, err := s.Stat(ctx, "fifo.json"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Stat of a FIFO: %v, want ErrNotFound", err)
	}
}
