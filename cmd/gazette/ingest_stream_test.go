package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// lockedBuffer is an output written by the batch while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until out holds want, failing after a while.
func waitFor(t *testing.T, out *lockedBuffer, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("after %s the output still lacks %q while a later file is unfinished:\n%s", within, want, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// blockingFile is a named pipe in dir: reading it blocks until release
// writes a few bytes that are no PDF and closes it, leaving a plain file
// of those bytes in its place.
func blockingFile(t *testing.T, dir, name string) (path string, release func()) {
	t.Helper()
	path = filepath.Join(dir, name)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Errorf("release %s: %v", path, err)
				return
			}
			// Later readers (the decoding child opens the path again)
			// find a plain file with the same bytes.
			if err := os.Remove(path); err != nil {
				t.Error(err)
			}
			if err := os.WriteFile(path, []byte("not a PDF"), 0o600); err != nil {
				t.Error(err)
			}
			f.WriteString("not a PDF")
			f.Close()
		})
	}
	t.Cleanup(release)
	return path, release
}

// TestIngestPrintsEachFileAsItCompletes: `gazette ingest` writes each
// file's JSON line as soon as the file is done, so a batch killed later
// (kill -9 leaves no chance to print) has said what it did (issue 16, item
// 12). The second file blocks until the test has seen the first's line.
func TestIngestPrintsEachFileAsItCompletes(t *testing.T) {
	res, err := typeset.Generate(context.Background(), typeset.Options{Seed: 7, Encoding: typeset.GBKEUC})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first := filepath.Join(dir, "a.pdf")
	if err := os.WriteFile(first, res.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	second, release := blockingFile(t, dir, "b.pdf")

	var stdout, stderr lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"ingest", "--no-ocr", "--workers", "1", first, second}, testEnv(map[string]string{"GAZETTE_DATA": t.TempDir()}), strings.NewReader(""), &stdout, &stderr)
	}()
	waitFor(t, &stdout, `"path":"`+first+`"`, time.Minute)
	if strings.Contains(stdout.String(), second) || strings.Contains(stdout.String(), "summary") {
		t.Fatalf("the unfinished file is reported already:\n%s", stdout.String())
	}
	release()
	if code := <-done; code != 1 {
		t.Errorf("exit %d, want 1 (the second file is no PDF): %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want one a file and a summary:\n%s", len(lines), stdout.String())
	}
	var a, b ingest.FileReport
	if json.Unmarshal([]byte(lines[0]), &a) != nil || json.Unmarshal([]byte(lines[1]), &b) != nil {
		t.Fatalf("not JSON lines:\n%s", stdout.String())
	}
	if a.Path != first || a.Outcome != ingest.Ingested || b.Path != second || b.Outcome != ingest.Failed {
		t.Errorf("reports %+v, %+v", a, b)
	}
	var sum struct{ Summary map[string]int }
	if err := json.Unmarshal([]byte(lines[2]), &sum); err != nil || sum.Summary["files"] != 2 || sum.Summary["ingested"] != 1 || sum.Summary["failed"] != 1 {
		t.Errorf("summary %s (%v)", lines[2], err)
	}
	if !strings.Contains(stderr.String(), `"progress":"ingest"`) {
		t.Errorf("no progress on stderr: %s", stderr.String())
	}
}

// TestIngestTablePrintsEachFileAsItCompletes: the table a person sees
// also gets each file's row as it completes, the progress bar cleared
// before the row and drawn again after it.
func TestIngestTablePrintsEachFileAsItCompletes(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "a.pdf")
	if err := os.WriteFile(first, []byte("%PDF-1.4 damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	second, release := blockingFile(t, dir, "b.pdf")
	opts := ingest.BatchOptions{
		Extract: func(ctx context.Context, path string) (*report.Result, error) {
			return nil, errors.New("unreadable: " + filepath.Base(path))
		},
		Publish: nil, // nothing reaches it
		Ledger:  archivetest.NewMemBlobs(),
		Workers: 1,
	}
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		bar := &ingestProgress{w: &stderr, terminal: true} // as on a terminal
		_, err := runBatch(context.Background(), []string{first, second}, opts, &stdout, bar, true, nil)
		done <- err
	}()
	waitFor(t, &stdout, "failed       "+first+"  unreadable: a.pdf\n", time.Minute)
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	want := "failed       " + first + "  unreadable: a.pdf\n" +
		"failed       " + second + "  unreadable: b.pdf\n" +
		"\n2 files: 0 ingested, 0 skipped, 0 need review, 2 failed\n"
	if got := stdout.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	// The bar drawn after the first row is rubbed out before the second
	// and drawn again, finished, after it.
	bar := stderr.String()
	if strings.Count(bar, "\r\x1b[K") != 1 || !strings.HasSuffix(bar, "2/2 files  0 pages  0.0 pages/s  0s left \n") {
		t.Errorf("progress bar: %q", bar)
	}
}
