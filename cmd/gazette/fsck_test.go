package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
)

// TestFsckAndExport goes the way an operator and a library would: the
// gazette publishes under its log; `gazette fsck` passes, prints its
// throughput beside sha256sum's and repairs the empty index; `gazette
// export` writes a year's bag and the day's dump; `gazette verify` checks a
// PDF from the bag offline with the bag's own proof; and after one byte of
// the stored PDF changes, fsck fails, naming it.
func TestFsckAndExport(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	keyFile := filepath.Join(tmp, "log.key")
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile); code != 0 {
		t.Fatal(stderr)
	}
	dir := filepath.Join(tmp, "data")
	a, _ := loggedArchive(t, dir, keyFile)
	s := archivetest.NewSample(2019, 12, 3)
	m, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GAZETTE_SIGNING_KEY_FILE": keyFile, "GAZETTE_DATA": dir}

	code, out, stderr := runCmd(t, env, "", "fsck", "--sha256sum")
	if code != 0 || !strings.Contains(out, ": OK") || !strings.Contains(out, "MB/s") || !strings.Contains(out, "sha256sum on the same") ||
		!strings.Contains(out, "repaired 3 missing") {
		t.Fatalf("fsck: exit %d\n%s\n%s", code, out, stderr)
	}
	t.Logf("gazette fsck:\n%s", out)

	outDir := filepath.Join(tmp, "export")
	code, out, stderr = runCmd(t, env, "", "export", outDir)
	if code != 0 || !strings.Contains(out, "exported 1 bags") {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, stderr)
	}
	bag := filepath.Join(outDir, "bags", "gazette-2019")
	today := gazette.DateOf(time.Now().In(gazette.ChinaTime)).String()
	for _, p := range []string{filepath.Join(bag, "bagit.txt"), filepath.Join(bag, "tagmanifest-sha256.txt"), filepath.Join(outDir, "dumps", today+".jsonl.gz")} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	code, out, stderr = runCmd(t, nil, "", "verify", "--keyring", filepath.Join(bag, "log-keys.json"),
		filepath.Join(bag, "data", "2019-12", "issue.pdf"), filepath.Join(bag, "proofs", "2019-12.tlog-proof"))
	if code != 0 || !strings.Contains(out, "OK: ") {
		t.Fatalf("verify from the bag: exit %d\n%s\n%s", code, out, stderr)
	}
	// The dump is in the log: a second fsck checks it too, and passes.
	if code, out, stderr = runCmd(t, env, "", "fsck"); code != 0 {
		t.Fatalf("fsck after export: exit %d\n%s\n%s", code, out, stderr)
	}

	tamper(t, dir, m.PDF.Key)
	code, out, stderr = runCmd(t, env, "", "fsck")
	if code != 1 || !strings.Contains(out, "FAIL "+m.PDF.Key+": content does not match its SHA-256") || !strings.Contains(stderr, "failures") {
		t.Fatalf("fsck of a changed PDF: exit %d\n%s\n%s", code, out, stderr)
	}
}

// TestServeRunsPreservation sets serve's schedules short: it audits
// fixity (recording the run, the index checked) and makes the
// day's dump, entered in the log, on its own.
func TestServeRunsPreservation(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	keyFile := filepath.Join(tmp, "log.key")
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile); code != 0 {
		t.Fatal(stderr)
	}
	dir := filepath.Join(tmp, "data")
	a, l := loggedArchive(t, dir, keyFile)
	s := archivetest.NewSample(2019, 12, 3)
	if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	blobs, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	serve(t, map[string]string{"GAZETTE_DATA": dir, "GAZETTE_SIGNING_KEY_FILE": keyFile, "GAZETTE_FSCK_EVERY": "300ms", "GAZETTE_DUMP_EVERY": "300ms"})
	deadline := time.Now().Add(30 * time.Second)
	for {
		runs, rerr := preserve.Runs(ctx, blobs, 0)
		dumps, derr := preserve.Dumps(ctx, blobs)
		if rerr != nil || derr != nil {
			t.Fatal(rerr, derr)
		}
		// The dump is stored, then entered in the log.
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Several audits, each beside the day's dump being made or made:
		// none may find the dump between its storing and its log entry.
		if len(runs) >= 3 && len(dumps) > 0 && cp.Size == 2 {
			for _, r := range runs {
				if !r.OK() || len(r.Pending) != 0 || !r.IndexChecked || r.Agent == "" {
					t.Errorf("scheduled run: %+v", r)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30s: %d runs (want 3), %d dumps, log of %d entries (want 2)", len(runs), len(dumps), cp.Size)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
