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
	"github.com/gazette-archive/gazette/gazette"
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
