package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/typeset"
)

// storeHandles counts the stores (fsblobs) open on the directory dir in
// this process: each holds one descriptor of dir itself for as long as it
// is open (its os.Root), and nothing else keeps one.
func storeHandles(t *testing.T, dir string) int {
	t.Helper()
	n, err := openHandles(dir)
	if err != nil {
		t.Skipf("cannot count open directories: %v", err)
	}
	return n
}

// openHandles counts this process's descriptors of dir itself opened
// without O_DIRECTORY: an os.Root's. A store also opens its directory for
// a moment to fsync it, with O_DIRECTORY; that is no store.
func openHandles(dir string) (int, error) {
	want, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return 0, err
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err != nil || target != want {
			continue
		}
		info, err := os.ReadFile(filepath.Join("/proc/self/fdinfo", fd.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "flags:"); ok {
				if flags, err := strconv.ParseUint(strings.TrimSpace(v), 8, 64); err == nil && flags&syscall.O_DIRECTORY == 0 {
					n++
				}
			}
		}
	}
	return n, nil
}

// watchStoreHandles samples storeHandles of dir until the returned
// function is called, which returns the most seen at once.
func watchStoreHandles(t *testing.T, dir string) (most func() int) {
	t.Helper()
	storeHandles(t, dir) // skips where descriptors cannot be counted
	var (
		peak atomic.Int64
		wg   sync.WaitGroup
	)
	stop := make(chan struct{})
	wg.Go(func() {
		for {
			if n, err := openHandles(dir); err == nil && int64(n) > peak.Load() {
				peak.Store(int64(n))
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	return func() int {
		close(stop)
		wg.Wait()
		return int(peak.Load())
	}
}

// TestStorageKindIsValidated: GAZETTE_STORAGE says which storage to use,
// and a kind the command cannot use, or S3 settings that do not go with
// it, stop the command at start-up naming the variable at fault.
func TestStorageKindIsValidated(t *testing.T) {
	s3 := map[string]string{"GAZETTE_S3_ENDPOINT": "127.0.0.1:9", "GAZETTE_S3_BUCKET": "gazette", "GAZETTE_S3_ACCESS_KEY": "a", "GAZETTE_S3_SECRET_KEY": "s"}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(out, kv[i])
			} else {
				out[kv[i]] = kv[i+1]
			}
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		vars    map[string]string
		args    []string
		setting string
	}{
		{"unknown kind", map[string]string{"GAZETTE_STORAGE": "floppy"}, nil, "GAZETTE_STORAGE"},
		{"unknown kind by flag", nil, []string{"--storage", "tape"}, "GAZETTE_STORAGE"},
		{"s3 without endpoint", with(s3, "GAZETTE_STORAGE", "s3", "GAZETTE_S3_ENDPOINT", ""), nil, "GAZETTE_S3_ENDPOINT"},
		{"s3 without bucket", with(s3, "GAZETTE_STORAGE", "s3", "GAZETTE_S3_BUCKET", ""), nil, "GAZETTE_S3_BUCKET"},
		{"s3 without anything", map[string]string{"GAZETTE_STORAGE": "s3"}, nil, "GAZETTE_S3_ENDPOINT"},
		{"endpoint without kind", s3, nil, "GAZETTE_STORAGE"},
		{"local with an endpoint", with(s3, "GAZETTE_STORAGE", "local"), nil, "GAZETTE_S3_ENDPOINT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range []string{"reindex", "user"} {
				args := []string{cmd}
				if cmd == "user" {
					args = append(args, "list")
				}
				args = append(append(args, "--data", t.TempDir()), tc.args...)
				code, _, errOut := runCmd(t, tc.vars, "", args...)
				if code != 1 || !strings.Contains(errOut, tc.setting) {
					t.Errorf("%s: exit %d, stderr %q; want exit 1 naming %s", cmd, code, errOut, tc.setting)
				}
			}
		})
	}
}

// TestIndexFailureClosesStorage: a command whose search index does not
// open leaves no storage open behind it.
func TestIndexFailureClosesStorage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		vars  map[string]string
		setup func(t *testing.T, data string)
		args  []string
	}{
		{"embedded index unusable", nil, func(t *testing.T, data string) {
			// A file where the index directory should be.
			if err := os.WriteFile(filepath.Join(data, "index"), []byte("not an index"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, []string{"reindex"}},
		{"meilisearch down", map[string]string{"GAZETTE_MEILI_URL": "http://127.0.0.1:1"}, nil, []string{"search", "规定"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			if tc.setup != nil {
				tc.setup(t, data)
			}
			vars := map[string]string{"GAZETTE_DATA": data}
			for k, v := range tc.vars {
				vars[k] = v
			}
			code, _, errOut := runCmd(t, vars, "", tc.args...)
			if code == 0 {
				t.Fatalf("exit 0 with an index that cannot open; stderr %q", errOut)
			}
			if n := storeHandles(t, data); n != 0 {
				t.Errorf("after %s failed (%s), the storage in %s is still open %d time(s)", tc.args[0], strings.TrimSpace(errOut), data, n)
			}
		})
	}
}

// TestServeOpensStorageOnce: serve opens the storage once, and closes it
// when it stops.
func TestServeOpensStorageOnce(t *testing.T) {
	data := t.TempDir()
	t.Cleanup(func() { // runs after serve's own cleanup has stopped it
		if n := storeHandles(t, data); n != 0 {
			t.Errorf("after serve stopped, the storage is still open %d time(s)", n)
		}
	})
	serve(t, map[string]string{"GAZETTE_DATA": data})
	if n := storeHandles(t, data); n != 1 {
		t.Errorf("while serving, the storage is open %d times, want once", n)
	}
}

// TestIngestOpensStorageOnce: ingest opens the storage once, and closes
// it when it ends.
func TestIngestOpensStorageOnce(t *testing.T) {
	res, err := typeset.Generate(context.Background(), typeset.Options{Seed: 3, Encoding: typeset.GBKEUC, Documents: 3})
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "issue.pdf")
	if err := os.WriteFile(pdf, res.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	most := watchStoreHandles(t, data)
	code, out, errOut := runCmd(t, map[string]string{"GAZETTE_DATA": data}, "", "ingest", "--no-ocr", pdf)
	peak := most()
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s\n%s", code, out, errOut)
	}
	if peak != 1 {
		t.Errorf("while ingesting, the storage was open %d times at once, want once", peak)
	}
	if n := storeHandles(t, data); n != 0 {
		t.Errorf("after ingest ended, the storage is still open %d time(s)", n)
	}
}
