package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// cpuTime is the CPU time, user and system, process pid has used.
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	// The fields after the command's name, which is in parentheses:
	// utime and stime are the 12th and 13th, in clock ticks (100 a second).
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// waitLog waits until the log at path holds want.
func waitLog(t *testing.T, path, want string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) {
		if log, _ := os.ReadFile(path); strings.Contains(string(log), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the log still lacks %q", within, want)
		}
	}
}

// TestServeOnAFullDisk starts gazette serve on a really full filesystem
// (a tmpfs filled to the last byte) with an issue in storage that the
// index lacks, so its start-up repair writes to the index and fails. The
// server must not spin: it logs one clear error, uses little CPU, answers
// /readyz 503 while serving pages; when space returns it says ready again
// and a repair beside it (gazette reindex --check) makes the issue
// searchable (issue 16, item 7).
func TestServeOnAFullDisk(t *testing.T) {
	ctx := context.Background()
	disk := archivetest.SmallDisk(t, 32<<20)
	data := filepath.Join(disk, "data")
	blobs, err := fsblobs.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleveindex.Open(filepath.Join(data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	key := gazette.IssueKey{Year: 2020, Number: 5}
	s := frontendtest.Sample(key, 3)
	if _, err := archive.New(blobs, nil, nil).Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	blobs.Close() // or the disk could not be unmounted
	filler := archivetest.FillDisk(t, disk)

	logPath := filepath.Join(t.TempDir(), "serve.log")
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(logPath)
			t.Logf("server log:\n%.20000s", log)
		}
	})
	vars := map[string]string{"GAZETTE_DATA": data}
	srv := startServeProcess(t, vars, logPath)
	// The start-up repair's write to the index fails: either at once, or,
	// when its batch got into memory first, when the index persists it
	// (then the keeper's next ping finds the index unavailable). Either
	// way the index logs the failure once.
	const failing = "search index: cannot write to disk"
	waitLog(t, logPath, failing, time.Minute)

	// Over a window, the server sleeps between retries: a spinning one
	// used more than a core.
	pid := srv.cmd.Process.Pid
	before := cpuTime(t, pid)
	time.Sleep(3 * time.Second)
	if used := cpuTime(t, pid) - before; used > 750*time.Millisecond {
		t.Errorf("the server used %v of CPU in 3 s on a full disk: it spins", used)
	} else {
		t.Logf("the server used %v of CPU in 3 s on a full disk", used)
	}
	if code, body := get(t, srv.base+"/readyz"); code != 503 {
		t.Errorf("/readyz on a full disk = %d %q, want 503", code, body)
	}
	if code, _ := get(t, srv.base+fmt.Sprintf("/issues/%d/%d", key.Year, key.Number)); code != 200 {
		t.Errorf("the issue's page on a full disk = %d, want 200: reading goes on", code)
	}
	log, _ := os.ReadFile(logPath)
	if n := strings.Count(string(log), failing); n != 1 || !strings.Contains(string(log), "no space left on device") {
		t.Errorf("the failure is logged %d times, want once, naming the cause", n)
	}

	// Space returns.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := get(t, srv.base+"/readyz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz still not 200 30 s after space returned")
		}
	}
	waitLog(t, logPath, "search index: writing to disk again", 30*time.Second)
	if code, out, errOut := gazetteProc(t, vars, "reindex", "--check"); code != 0 {
		t.Fatalf("reindex --check beside the server: exit %d: %s%s", code, out, errOut)
	}
	_, body := get(t, srv.base+"/api/v1/search?q="+url.QueryEscape(s.Documents[0].Title))
	if !strings.Contains(body, `"id":"`+s.Documents[0].ID+`"`) {
		t.Errorf("after the repair the server's search does not find %s: %.300s", s.Documents[0].ID, body)
	}
}
