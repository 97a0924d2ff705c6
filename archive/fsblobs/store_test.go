package fsblobs_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/gazette"
)

var _ archive.Blobs = (*fsblobs.Store)(nil)

// openStore opens a store in dir and closes it when the test ends.
func openStore(t *testing.T, dir string) *fsblobs.Store {
	t.Helper()
	s, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatalf("Open(%q): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func putString(t *testing.T, s *fsblobs.Store, key, body string, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	t.Helper()
	return s.Put(context.Background(), key, strings.NewReader(body), int64(len(body)), opts)
}

func mustPut(t *testing.T, s *fsblobs.Store, key, body string, opts gazette.PutOptions) gazette.ObjectInfo {
	t.Helper()
	info, err := putString(t, s, key, body, opts)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

// tmpFiles lists the names under dir/tmp.
func tmpFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestContract(t *testing.T) {
	bothWays(t, func(t *testing.T) {
		archivetest.TestBlobs(t, func(t *testing.T) archive.Blobs {
			return openStore(t, t.TempDir())
		})
	})
}

func TestOpenCreatesLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "store")
	openStore(t, dir)
	for _, sub := range []string{"", "objects", "tmp", "locks"} {
		fi, err := os.Lstat(filepath.Join(dir, sub))
		if err != nil || !fi.IsDir() {
			t.Errorf("%s/%s: %v, %v; want a directory", dir, sub, fi, err)
		}
	}
	// Opening again, while the first store is open, works.
	openStore(t, dir)
}

func TestObjectFiles(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	tests := []struct {
		name string
		key  string
		opts gazette.PutOptions
		mode fs.FileMode
	}{
		{"mutable", "issues/2019/12.json", gazette.PutOptions{}, 0o640},
		{"create-only", "issues/2019/13.json", gazette.PutOptions{IfAbsent: true}, 0o640},
		{"immutable", "pdf/ab/abcdef.pdf", gazette.PutOptions{IfAbsent: true, Immutable: true}, 0o444},
		{"immutable overwrite of mutable", "issues/2019/12.json", gazette.PutOptions{Immutable: true}, 0o444},
		{"chinese key", "issues/2019/增刊1.json", gazette.PutOptions{}, 0o640},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := "content of " + tc.key
			mustPut(t, s, tc.key, body, tc.opts)
			path := filepath.Join(dir, "objects", filepath.FromSlash(tc.key))
			fi, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !fi.Mode().IsRegular() || fi.Mode().Perm() != tc.mode {
				t.Errorf("%s: mode %v, want a regular file with %v", path, fi.Mode(), tc.mode)
			}
			raw, err := os.ReadFile(path)
			if err != nil || string(raw) != body {
				t.Errorf("%s holds %q, %v; want %q", path, raw, err, body)
			}
		})
	}
	if names := tmpFiles(t, dir); len(names) != 0 {
		t.Errorf("tmp/ holds %v after successful writes, want nothing", names)
	}
}

func TestETagChangesOnEveryWrite(t *testing.T) {
	s := openStore(t, t.TempDir())
	ctx := context.Background()
	// Same size every time, and each old inode freed at once: inode numbers
	// get reused, the modification time must keep the ETags apart.
	first := mustPut(t, s, "counter", "0", gazette.PutOptions{})
	seen := map[string]int{first.ETag: 0}
	prev := first
	for i := 1; i <= 200; i++ {
		body := string(rune('0' + i%10))
		info := mustPut(t, s, "counter", body, gazette.PutOptions{IfMatch: prev.ETag})
		if j, dup := seen[info.ETag]; dup {
			t.Fatalf("write %d has the ETag %q of write %d", i, info.ETag, j)
		}
		if !info.Modified.After(prev.Modified) {
			t.Fatalf("write %d: modified %v, not after %v", i, info.Modified, prev.Modified)
		}
		seen[info.ETag] = i
		if _, err := putString(t, s, "counter", "x", gazette.PutOptions{IfMatch: first.ETag}); !errors.Is(err, gazette.ErrConflict) {
			t.Fatalf("write %d: Put with the first ETag: %v, want ErrConflict", i, err)
		}
		prev = info
	}
	st, err := s.Stat(ctx, "counter")
	if err != nil || st.ETag != prev.ETag {
		t.Errorf("Stat = %+v, %v; want the ETag of the last Put %q", st, err, prev.ETag)
	}
}

func TestNewVersionIsLaterThanAFutureOne(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	mustPut(t, s, "a", "1", gazette.PutOptions{})
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "objects", "a"), future, future); err != nil {
		t.Fatal(err)
	}
	old, err := s.Stat(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	info := mustPut(t, s, "a", "2", gazette.PutOptions{IfMatch: old.ETag})
	if !info.Modified.After(old.Modified) || info.ETag == old.ETag {
		t.Errorf("new version %+v is not later than the current %+v", info, old)
	}
}

func TestKeyThatIsAPrefixOfOthers(t *testing.T) {
	s := openStore(t, t.TempDir())
	ctx := context.Background()
	mustPut(t, s, "a/b", "b", gazette.PutOptions{})
	for name, opts := range map[string]gazette.PutOptions{"plain": {}, "create-only": {IfAbsent: true}} {
		if _, err := putString(t, s, "a", "a", opts); !errors.Is(err, gazette.ErrExist) {
			t.Errorf("%s Put(a) while a/b exists: %v, want ErrExist", name, err)
		}
	}
	if _, err := putString(t, s, "a/b/c", "c", gazette.PutOptions{}); !errors.Is(err, gazette.ErrExist) {
		t.Errorf("Put(a/b/c) while a/b is an object: %v, want ErrExist", err)
	}
	if _, _, err := s.Open(ctx, "a"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Open(a), a directory: %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, "a"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Stat(a), a directory: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "a", ""); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Delete(a), a directory: %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, "a/b/c"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Stat(a/b/c) below an object: %v, want ErrNotFound", err)
	}
	if runtime.GOOS != "linux" {
		t.Skip("empty directories are pruned on Linux only")
	}
	if err := s.Delete(ctx, "a/b", ""); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "a", "a", gazette.PutOptions{IfAbsent: true})
	if got := archivetest.ReadAll(t, s, "a"); got != "a" {
		t.Errorf("a = %q", got)
	}
}

func TestDeletePrunesEmptyDirectories(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("empty directories are pruned on Linux only")
	}
	dir := t.TempDir()
	s := openStore(t, dir)
	ctx := context.Background()
	mustPut(t, s, "x/y/z/1", "1", gazette.PutOptions{})
	mustPut(t, s, "x/2", "2", gazette.PutOptions{})
	if err := s.Delete(ctx, "x/y/z/1", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "objects", "x", "y")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("objects/x/y after its last object went: %v, want it removed", err)
	}
	if got := archivetest.ReadAll(t, s, "x/2"); got != "2" {
		t.Errorf("x/2 = %q", got)
	}
	if err := s.Delete(ctx, "x/2", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "objects")); err != nil {
		t.Errorf("objects/ itself: %v, want it kept", err)
	}
}

func TestListPrefix(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	for _, k := range []string{"issues/2019/1.json", "issues/2020/1.json", "issues/20x", "issues/1999/1.json", "issuesX", "pdf/a.pdf", "a-b", "a/b"} {
		mustPut(t, s, k, k, gazette.PutOptions{})
	}
	// A file in tmp/ is never an object.
	if err := os.WriteFile(filepath.Join(dir, "tmp", "stray.tmp"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		prefix string
		want   string
	}{
		{"", "a-b,a/b,issues/1999/1.json,issues/2019/1.json,issues/2020/1.json,issues/20x,issuesX,pdf/a.pdf"},
		{"issues/20", "issues/2019/1.json,issues/2020/1.json,issues/20x"},
		{"issues/2019/", "issues/2019/1.json"},
		{"issues/2019/1.json", "issues/2019/1.json"},
		{"issues", "issues/1999/1.json,issues/2019/1.json,issues/2020/1.json,issues/20x,issuesX"},
		{"a", "a-b,a/b"},
		{"issues/20x/", ""},
		{"nothing/", ""},
		{"../", ""},
		{"../../etc/", ""},
		{"/", ""},
		{"tmp", ""},
	}
	for _, tc := range tests {
		t.Run(tc.prefix, func(t *testing.T) {
			got, err := s.List(context.Background(), tc.prefix)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Error("List returned nil, want an empty slice")
			}
			var keys []string
			for _, o := range got {
				keys = append(keys, o.Key)
			}
			if strings.Join(keys, ",") != tc.want {
				t.Errorf("List(%q) = %v, want %v", tc.prefix, keys, tc.want)
			}
		})
	}
}

func TestCancelDuringCopy(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	mustPut(t, s, "doc", "old", gazette.PutOptions{})
	const size = 8 << 20
	tests := []struct {
		name, key string
		opts      gazette.PutOptions
	}{
		{"overwrite", "doc", gazette.PutOptions{}},
		{"create", "new", gazette.PutOptions{IfAbsent: true}},
	}
	for _, tc := range tests {
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancellingReader{left: size, cancelAt: size / 2, cancel: cancel}
		_, err := s.Put(ctx, tc.key, r, size, tc.opts)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Put cancelled halfway: %v, want context.Canceled", tc.name, err)
		}
		cancel()
	}
	if got := archivetest.ReadAll(t, s, "doc"); got != "old" {
		t.Errorf("doc = %q after a cancelled overwrite, want old", got)
	}
	if _, err := s.Stat(context.Background(), "new"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Stat(new) after a cancelled create: %v, want ErrNotFound", err)
	}
	if names := tmpFiles(t, dir); len(names) != 0 {
		t.Errorf("tmp/ holds %v after cancelled writes, want nothing", names)
	}
}

type cancellingReader struct {
	left, cancelAt int64
	cancel         func()
	cancelled      bool
}

func (r *cancellingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), r.left)
	clear(p[:n])
	r.left -= n
	if !r.cancelled && r.left <= r.cancelAt {
		r.cancelled = true
		r.cancel()
	}
	return int(n), nil
}

func TestConflictingOptions(t *testing.T) {
	s := openStore(t, t.TempDir())
	_, err := putString(t, s, "k", "v", gazette.PutOptions{IfAbsent: true, IfMatch: "x"})
	if !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("Put with IfAbsent and IfMatch: %v, want ErrInvalid", err)
	}
}

func TestErrorsNameTheCall(t *testing.T) {
	s := openStore(t, t.TempDir())
	ctx := context.Background()
	_, putErr := putString(t, s, "../x", "v", gazette.PutOptions{})
	_, _, openErr := s.Open(ctx, "missing")
	_, statErr := s.Stat(ctx, "missing")
	delErr := s.Delete(ctx, "missing", "")
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"put", putErr, `fsblobs: put "../x": `, gazette.ErrInvalid},
		{"open", openErr, `fsblobs: open "missing": `, gazette.ErrNotFound},
		{"stat", statErr, `fsblobs: stat "missing": `, gazette.ErrNotFound},
		{"delete", delErr, `fsblobs: delete "missing": `, gazette.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.is) || !strings.HasPrefix(tc.err.Error(), tc.want) {
				t.Errorf("error %v, want one starting %q wrapping %v", tc.err, tc.want, tc.is)
			}
		})
	}
}

func TestPing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s := openStore(t, dir)
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if names := tmpFiles(t, dir); len(names) != 0 {
		t.Errorf("Ping left %v in tmp/", names)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Ping(cctx); err == nil {
		t.Error("Ping with a cancelled context succeeded")
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping after the directory was removed succeeded")
	}
}

// TestPingOnAFullDisk: a store on a full disk is not ready, although an
// empty temporary file can still be made there, and is ready again once
// space returns (issue 16, item 7).
func TestPingOnAFullDisk(t *testing.T) {
	disk := archivetest.SmallDisk(t, 4<<20)
	s := openStore(t, filepath.Join(disk, "store"))
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	filler := archivetest.FillDisk(t, disk)
	if err := s.Ping(ctx); !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "disk is full") {
		t.Errorf("Ping on a full disk = %v, want one saying the disk is full", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping once space returned: %v", err)
	}
}
