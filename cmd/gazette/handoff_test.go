package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// shortTempDir is a temporary directory with a short path: a Unix socket's
// path must fit in 108 bytes, and t.TempDir's carry the test's name.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "gz")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// TestRemoteIndexContract runs the Index contract on the index a server
// shares over its socket: a command using it gets what the server's own
// index gives, errors included.
func TestRemoteIndexContract(t *testing.T) {
	archivetest.TestIndex(t, func(t *testing.T) archive.Index {
		dir := shortTempDir(t)
		b, err := bleveindex.Open(filepath.Join(dir, "index"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		stop, err := shareIndex(dir, "fsblobs", b, func() {}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		x, err := dialIndex(context.Background(), dir, "fsblobs")
		if err != nil {
			t.Fatal(err)
		}
		return x
	})
}

// gazetteProc runs `gazette ARGS` as a process of its own with only the
// given settings, and returns its exit status and output.
func gazetteProc(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), serveChildEnv + "=" + strings.Join(args, " ")}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// reportsOf parses the JSON lines of an ingest: each file's report, times
// left out, and the summary.
func reportsOf(t *testing.T, out string) ([]ingest.FileReport, string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var reports []ingest.FileReport
	for _, l := range lines[:len(lines)-1] {
		var r ingest.FileReport
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		r.Seconds = 0
		reports = append(reports, r)
	}
	return reports, lines[len(lines)-1]
}

// TestIngestWhileServing: on the embedded default, gazette ingest, search
// and reindex --check run beside a running gazette serve on the same
// --data (they used to fail with "bleveindex: open …/index: timeout"); the
// ingest prints what a direct ingest prints and exits as it does; the
// running site shows the new issue at once; and a command that finds the
// index held by a process that cannot take the work names that process
// (issue 16, item 11).
func TestIngestWhileServing(t *testing.T) {
	res, err := typeset.Generate(context.Background(), typeset.Options{Seed: 7, Encoding: typeset.GBKEUC})
	if err != nil {
		t.Fatal(err)
	}
	files := t.TempDir()
	good := filepath.Join(files, "a.pdf")
	bad := filepath.Join(files, "b.pdf")
	if err := os.WriteFile(good, res.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("%PDF-1.4 damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	ingestArgs := []string{"ingest", "--no-ocr", "--workers", "1", good, bad}

	// What a direct ingest says, with no server.
	direct := map[string]string{"GAZETTE_DATA": shortTempDir(t)}
	code, out, errOut := gazetteProc(t, direct, ingestArgs...)
	if code != 1 {
		t.Fatalf("direct ingest: exit %d, want 1 (one damaged file): %s", code, errOut)
	}
	want, wantSummary := reportsOf(t, out)

	data := shortTempDir(t)
	vars := map[string]string{"GAZETTE_DATA": data}
	logPath := filepath.Join(t.TempDir(), "serve.log")
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(logPath)
			t.Logf("server log:\n%s", log)
		}
	})
	srv := startServeProcess(t, vars, logPath)
	title := res.Truth.Documents[0].Title
	id := gazette.DocumentID(gazette.IssueKey{Year: res.Truth.Year, Number: res.Truth.Number}, 1)
	searchPath := "/api/v1/search?q=" + url.QueryEscape(title)
	if _, body := get(t, srv.base+searchPath); strings.Contains(body, `"id":"`+id) {
		t.Fatalf("found before the ingest: %s", body)
	}

	code, out, errOut = gazetteProc(t, vars, ingestArgs...)
	if code != 1 {
		t.Fatalf("ingest beside serve: exit %d, want 1 as the direct one: %s", code, errOut)
	}
	got, gotSummary := reportsOf(t, out)
	if fmt.Sprint(got) != fmt.Sprint(want) || gotSummary != wantSummary {
		t.Errorf("ingest beside serve printed\n%v\n%s\nwant, as a direct ingest,\n%v\n%s", got, gotSummary, want, wantSummary)
	}
	if len(got) != 2 || got[0].Outcome != ingest.Ingested || got[1].Outcome != ingest.Failed {
		t.Errorf("reports %v, want a.pdf ingested and b.pdf failed", got)
	}
	// The running site shows it at once: its caches were dropped.
	if _, body := get(t, srv.base+searchPath); !strings.Contains(body, `"id":"`+id) {
		t.Errorf("the running server's search does not find the ingested document: %.500s", body)
	}

	// A rerun skips the file, as a direct rerun does.
	code, out, _ = gazetteProc(t, vars, "ingest", "--no-ocr", good)
	if code != 0 || !strings.Contains(out, `"outcome":"skipped"`) {
		t.Errorf("rerun beside serve: exit %d:\n%s", code, out)
	}
	// search and reindex --check work beside it too.
	code, out, errOut = gazetteProc(t, vars, "search", "--json", title)
	if code != 0 || !strings.Contains(out, id) {
		t.Errorf("search beside serve: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = gazetteProc(t, vars, "reindex", "--check")
	if code != 0 || !strings.Contains(out, `"missing":[]`) && !strings.Contains(out, `"missing":null`) {
		t.Errorf("reindex --check beside serve: exit %d: %s%s", code, out, errOut)
	}

	// A second server on the same --data names the first.
	holder := fmt.Sprintf("in use by gazette serve (pid %d, listening on %s", srv.cmd.Process.Pid, strings.TrimPrefix(srv.base, "http://"))
	code, _, errOut = gazetteProc(t, vars, "serve", "--addr", freeAddr(t))
	if code != 1 || !strings.Contains(errOut, holder) {
		t.Errorf("second serve: exit %d: %s", code, errOut)
	}
	// With its socket gone (removed by hand), the server is still named.
	if err := os.Remove(indexSocket(data)); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = gazetteProc(t, vars, "search", title)
	if code != 1 || !strings.Contains(errOut, holder) || !strings.Contains(errOut, "index socket did not answer") {
		t.Errorf("search beside a server without its socket: exit %d: %s", code, errOut)
	}
}

// TestHeldIndexNamesItsHolder: a command that finds the embedded index
// held by a process that takes no work (another ingest here) says which
// process holds it, not "timeout".
func TestHeldIndexNamesItsHolder(t *testing.T) {
	data := shortTempDir(t)
	holder := storageConfig{Storage: cli.Storage{DataDir: data}, command: "gazette ingest"}
	_, _, closeIndex, err := holder.openIndex(context.Background(), slog.New(slog.DiscardHandler), true)
	if err != nil {
		t.Fatal(err)
	}
	defer closeIndex()
	code, _, errOut := gazetteProc(t, map[string]string{"GAZETTE_DATA": data}, "search", "通知")
	want := fmt.Sprintf("is in use by gazette ingest (pid %d, since ", os.Getpid())
	if code != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut, "timeout") {
		t.Errorf("search on a held index: exit %d, stderr %q; want exit 1 naming the holder (%q)", code, errOut, want)
	}
}

// TestIndexSocketIsPrivate: the index socket is reachable by the server's
// user only: its directory and the socket itself are closed to others, and
// a caller of another user who gets past them is refused by the server.
func TestIndexSocketIsPrivate(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to call as another user")
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl to call the socket with")
	}
	dir := shortTempDir(t)
	b, err := bleveindex.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	stop, err := shareIndex(dir, "fsblobs", b, func() {}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for path, want := range map[string]os.FileMode{runDir(dir): 0o700, indexSocket(dir): 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
	ping := func(uid uint32) (string, error) {
		cmd := exec.Command(curl, "-sS", "--max-time", "10", "--unix-socket", indexSocket(dir), "-X", "POST", "http://gazette/ping")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := ping(0); err != nil {
		t.Fatalf("the server's own user cannot call: %v: %s", err, out)
	}
	// Past the file permissions, the server still refuses another user.
	for _, d := range []string{dir, runDir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(indexSocket(dir), 0o666); err != nil {
		t.Fatal(err)
	}
	if out, err := ping(65534); err == nil {
		t.Errorf("another user's call was answered: %s", out)
	}
}

// TestHandoffRefusesOtherStorage: a command configured for other storage
// than the server's does not write into the server's index (it would
// index documents the server's storage does not hold).
func TestHandoffRefusesOtherStorage(t *testing.T) {
	dir := shortTempDir(t)
	b, err := bleveindex.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	stop, err := shareIndex(dir, "s3://minio:9000/gazette", b, func() {}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c := storageConfig{Storage: cli.Storage{DataDir: dir}, command: "gazette ingest"}
	_, _, _, err = c.openIndex(context.Background(), slog.New(slog.DiscardHandler), true)
	if !errors.Is(err, errOtherStorage) || !strings.Contains(err.Error(), "s3://minio:9000/gazette; this command: fsblobs") {
		t.Errorf("openIndex beside a server on other storage: %v", err)
	}
}
