package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
)

// loggedArchive is a local archive under dir whose log signs with the key
// in keyFile, as serve opens it from GAZETTE_SIGNING_KEY_FILE.
func loggedArchive(t *testing.T, dir, keyFile string) (*archive.Archive, *transparency.Log) {
	t.Helper()
	b, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	lc, err := loadLogConfig(testEnv(map[string]string{"GAZETTE_SIGNING_KEY_FILE": keyFile}))
	if err != nil {
		t.Fatal(err)
	}
	l, err := lc.openLedger(context.Background(), b, slog.New(slog.DiscardHandler))
	if err != nil || l == nil {
		t.Fatalf("openLedger = %v, %v", l, err)
	}
	return archive.New(b, nil, nil, archive.WithLedger(l)), l
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tamper changes one byte of a stored object behind the store's back.
func tamper(t *testing.T, dir, key string) {
	t.Helper()
	p := filepath.Join(dir, "objects", filepath.FromSlash(key))
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x01
	os.Chmod(p, 0o600)
	writeFile(t, p, raw)
}

// TestKeygenVerifyAndConsistency goes the way a library would: the
// gazette generates its key and publishes; a reader keeps the PDF, its
// proof and a checkpoint; years later `gazette verify` checks them
// offline, and catches every kind of change.
func TestKeygenVerifyAndConsistency(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	keyFile := filepath.Join(tmp, "log.key")
	code, pub, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile)
	if code != 0 || !strings.HasPrefix(pub, "gazette.test/log+") {
		t.Fatalf("keygen: %d %q %s", code, pub, stderr)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile); code == 0 || !strings.Contains(stderr, "exists") {
		t.Errorf("keygen over an existing key: %d %s", code, stderr)
	}
	pubFile := writeFile(t, filepath.Join(tmp, "log.pub"), []byte(pub))

	dir := filepath.Join(tmp, "data")
	a, l := loggedArchive(t, dir, keyFile)
	s := archivetest.NewSample(2019, 12, 3)
	m, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents)
	if err != nil {
		t.Fatal(err)
	}
	public := transparency.NewPublic(l, a)
	proof, err := public.IssueProof(ctx, s.Issue.Key())
	if err != nil {
		t.Fatal(err)
	}
	proofText, _ := proof.MarshalText()
	proofFile := writeFile(t, filepath.Join(tmp, "2019-12.tlog-proof"), proofText)
	pdfFile := writeFile(t, filepath.Join(tmp, "2019-12.pdf"), s.PDF)
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oldCP := writeFile(t, filepath.Join(tmp, "old.checkpoint"), cp.Raw)

	code, out, stderr := runCmd(t, nil, "", "verify", "--key", pubFile, pdfFile, proofFile)
	if code != 0 || !strings.Contains(out, "OK: ") || !strings.Contains(out, "published 2019-12") || !strings.Contains(out, "pdf") {
		t.Fatalf("verify: %d\n%s\n%s", code, out, stderr)
	}
	t.Logf("gazette verify:\n%s", out)

	notVerified := func(name, file, proof, want string, flags ...string) {
		t.Helper()
		args := append([]string{"verify", "--key", pubFile}, flags...)
		args = append(args, file, proof)
		code, out, stderr := runCmd(t, nil, "", args...)
		if code != 1 || !strings.Contains(stderr, "NOT VERIFIED") || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want NOT VERIFIED saying %q", name, code, out, stderr, want)
		}
	}
	// One byte changed in the stored PDF, a record, the manifest.
	for _, key := range []string{m.PDF.Key, m.Documents[1].Key, "issues/2019/2019-12.json"} {
		tamper(t, dir, key)
		raw, err := os.ReadFile(filepath.Join(dir, "objects", filepath.FromSlash(key)))
		if err != nil {
			t.Fatal(err)
		}
		notVerified("changed "+key, writeFile(t, filepath.Join(tmp, "changed"), raw), proofFile, "not what was published")
	}
	// The proof altered: its entry, a hash, its checkpoint.
	alter := func(old, new string) string {
		if !bytes.Contains(proofText, []byte(old)) {
			t.Fatalf("proof lacks %q", old)
		}
		return writeFile(t, filepath.Join(tmp, "altered.tlog-proof"), bytes.Replace(proofText, []byte(old), []byte(new), 1))
	}
	lines := strings.Split(string(proofText), "\n")
	notVerified("entry changed", pdfFile, alter(lines[1], lines[1][:20]+"A"+lines[1][21:]), "not in the log")
	notVerified("checkpoint changed", pdfFile, alter("\n1\n", "\n2\n"), "altered after signing")

	// A checkpoint signed with another key.
	otherKey := filepath.Join(tmp, "other.key")
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", otherKey); code != 0 {
		t.Fatal(stderr)
	}
	oa, ol := loggedArchive(t, filepath.Join(tmp, "impostor"), otherKey)
	if _, err := oa.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	forged, err := transparency.NewPublic(ol, oa).IssueProof(ctx, s.Issue.Key())
	if err != nil {
		t.Fatal(err)
	}
	forgedText, _ := forged.MarshalText()
	notVerified("another key", pdfFile, writeFile(t, filepath.Join(tmp, "forged.tlog-proof"), forgedText), "not signed by any known key")

	// Consistency: the log grown is consistent with the kept checkpoint.
	s2 := archivetest.NewSample(2019, 13, 1)
	s2.Issue.Published = s.Issue.Published.AddDate(0, 0, 7)
	if _, err := a.Publish(ctx, s2.Issue, bytes.NewReader(s2.PDF), s2.Documents); err != nil {
		t.Fatal(err)
	}
	cp2, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newCP := writeFile(t, filepath.Join(tmp, "new.checkpoint"), cp2.Raw)
	tiles := filepath.Join(dir, "objects", "log")
	code, out, stderr = runCmd(t, nil, "", "verify", "--consistency", "--key", pubFile, "--tiles", tiles, oldCP, newCP)
	if code != 0 || !strings.Contains(out, "not rewritten") {
		t.Fatalf("consistency: %d %s %s", code, out, stderr)
	}
	// The log truncated and rebuilt, under the real key, with another
	// first entry.
	rdir := filepath.Join(tmp, "rebuilt")
	ra, rl := loggedArchive(t, rdir, keyFile)
	s3 := archivetest.NewSample(2019, 12, 2) // another issue under the same number
	for _, x := range []archivetest.Sample{s3, s2} {
		if _, err := ra.Publish(ctx, x.Issue, bytes.NewReader(x.PDF), x.Documents); err != nil {
			t.Fatal(err)
		}
	}
	rcp, err := rl.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rebuiltCP := writeFile(t, filepath.Join(tmp, "rebuilt.checkpoint"), rcp.Raw)
	code, _, stderr = runCmd(t, nil, "", "verify", "--consistency", "--key", pubFile, "--tiles", filepath.Join(rdir, "objects", "log"), oldCP, rebuiltCP)
	if code != 1 || !strings.Contains(stderr, "NOT CONSISTENT") || !strings.Contains(stderr, "rewritten") {
		t.Errorf("rebuilt log: %d %s", code, stderr)
	}
	// The manifest changed in storage (above): the server's proof for it
	// says the log has no such entry.
	if _, err := public.IssueProof(ctx, s.Issue.Key()); err == nil || !strings.Contains(err.Error(), "changed after it was logged") {
		t.Errorf("proof of a changed manifest: %v", err)
	}
	// One byte changed in a log tile: the tiles no longer match the
	// checkpoint.
	tamper(t, dir, "log/tile/0/000.p/2")
	code, _, stderr = runCmd(t, nil, "", "verify", "--consistency", "--key", pubFile, "--tiles", tiles, oldCP, newCP)
	if code != 1 || !strings.Contains(stderr, "NOT CONSISTENT") {
		t.Errorf("changed tile: %d %s", code, stderr)
	}
	if _, err := public.IssueProof(ctx, s2.Issue.Key()); err == nil || !strings.Contains(err.Error(), "tampered with or damaged") {
		t.Errorf("proof from a changed tile: %v", err)
	}
	// One byte changed in the stored checkpoint.
	tamper(t, dir, "log/checkpoint")
	if _, err := l.Checkpoint(ctx); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("changed checkpoint: %v", err)
	}
}

// TestLogNeedsItsKey checks that a store keeping a log is not opened for
// publishing without the signing key, and that without a log and without
// a key the log is simply off.
func TestLogNeedsItsKey(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	keyFile := filepath.Join(tmp, "log.key")
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile); code != 0 {
		t.Fatal(stderr)
	}
	b, err := fsblobs.Open(filepath.Join(tmp, "plain"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if l, err := (logConfig{}).openLedger(ctx, b, nil); l != nil || err != nil {
		t.Fatalf("no key, no log: %v, %v; want the log off", l, err)
	}
	dir := filepath.Join(tmp, "logged")
	a, _ := loggedArchive(t, dir, keyFile)
	s := archivetest.NewSample(2019, 12, 1)
	if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, map[string]string{"GAZETTE_DATA": dir}, "", "reindex")
	if code != 1 || !strings.Contains(stderr, "no signing key is configured") {
		t.Errorf("reindex on a logged store without the key: %d %s", code, stderr)
	}
	if _, err := loadLogConfig(testEnv(map[string]string{"GAZETTE_SIGNING_KEY_FILE": writeFile(t, filepath.Join(tmp, "bad.key"), []byte("PRIVATE+KEY+nonsense"))})); err == nil || strings.Contains(err.Error(), "nonsense") {
		t.Errorf("a malformed key: %v; want an error that does not repeat the key", err)
	}
}

// TestVerifyAgainstAServer fetches the keys, the proof and the tiles from
// a running server, as a reader without saved files would.
func TestVerifyAgainstAServer(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	keyFile := filepath.Join(tmp, "log.key")
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile); code != 0 {
		t.Fatal(stderr)
	}
	a, l := loggedArchive(t, filepath.Join(tmp, "data"), keyFile)
	s := archivetest.NewSample(2019, 12, 2)
	if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oldCP := writeFile(t, filepath.Join(tmp, "old.checkpoint"), cp.Raw)
	for n := 13; n < 16; n++ {
		x := archivetest.NewSample(2019, n, 1)
		if _, err := a.Publish(ctx, x.Issue, bytes.NewReader(x.PDF), x.Documents); err != nil {
			t.Fatal(err)
		}
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: "http://gazette.test", APIRate: -1, Transparency: transparency.NewPublic(l, a)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	pdf := writeFile(t, filepath.Join(tmp, "2019-12.pdf"), s.PDF)
	code, out, stderr := runCmd(t, nil, "", "verify", "--server", srv.URL, pdf)
	if code != 0 || !strings.Contains(out, "OK: ") || !strings.Contains(out, "fetched from") {
		t.Fatalf("verify --server: %d %s %s", code, out, stderr)
	}
	changed := bytes.Clone(s.PDF)
	changed[10] ^= 1
	code, _, stderr = runCmd(t, nil, "", "verify", "--server", srv.URL, writeFile(t, filepath.Join(tmp, "changed.pdf"), changed))
	if code != 1 || !strings.Contains(stderr, "no proof") || !strings.Contains(stderr, "404") {
		t.Errorf("verify --server of a changed PDF: %d %s", code, stderr)
	}
	now, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	newCP := writeFile(t, filepath.Join(tmp, "new.checkpoint"), now.Raw)
	code, out, stderr = runCmd(t, nil, "", "verify", "--consistency", "--server", srv.URL, oldCP, newCP)
	if code != 0 || !strings.Contains(out, "not rewritten") {
		t.Errorf("verify --consistency --server: %d %s %s", code, out, stderr)
	}
}

// TestRotatedKeysAndDemoKey loads a keyring with a retired and a current
// key (the signing key must be among them), and the demo's throwaway key,
// made once and kept.
func TestRotatedKeysAndDemoKey(t *testing.T) {
	tmp := t.TempDir()
	_, oldPub, _ := transparency.GenerateKey("gazette.test/log")
	newPriv, newPub, _ := transparency.GenerateKey("gazette.test/log")
	ring := fmt.Sprintf(`{"origin":"gazette.test/log","keys":[{"key":%q,"until":"2026-01-01T00:00:00Z"},{"key":%q,"from":"2026-01-01T00:00:00Z"}]}`, oldPub, newPub)
	keys := writeFile(t, filepath.Join(tmp, "keys.json"), []byte(ring))
	key := writeFile(t, filepath.Join(tmp, "new.key"), []byte(newPriv+"\n"))
	lc, err := loadLogConfig(testEnv(map[string]string{"GAZETTE_SIGNING_KEY_FILE": key, "GAZETTE_LOG_KEYS_FILE": keys}))
	if err != nil || len(lc.ring.Keys) != 2 {
		t.Fatalf("rotated keyring: %+v, %v", lc.ring, err)
	}
	b, err := fsblobs.Open(filepath.Join(tmp, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := lc.openLedger(context.Background(), b, nil); err != nil {
		t.Errorf("open with the current key of a rotated keyring: %v", err)
	}
	// A signing key the published keyring does not list.
	stray, _, _ := transparency.GenerateKey("gazette.test/log")
	lc, err = loadLogConfig(testEnv(map[string]string{"GAZETTE_SIGNING_KEY_FILE": writeFile(t, filepath.Join(tmp, "stray.key"), []byte(stray)), "GAZETTE_LOG_KEYS_FILE": keys}))
	if err == nil {
		_, err = lc.openLedger(context.Background(), b, nil)
	}
	if err == nil || !strings.Contains(err.Error(), "not among the log's public keys") {
		t.Errorf("a signing key not in the keyring: %v", err)
	}

	dir := filepath.Join(tmp, "demo")
	first, err := demoLogKey(dir, testEnv(nil))
	if err != nil || first.signer == nil {
		t.Fatalf("demo key: %v", err)
	}
	again, err := demoLogKey(dir, testEnv(nil))
	if err != nil || again.signer.KeyHash() != first.signer.KeyHash() {
		t.Errorf("the demo key changed between runs: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "log-demo.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("demo key file: %v %v", fi, err)
	}
}

// TestDamagedLogStopsPublishingNotReading opens a store whose log state is
// damaged: it opens (readers are served), but a publication fails and
// stays invisible rather than going out unlogged.
func TestDamagedLogStopsPublishingNotReading(t *testing.T) {
	ctx := context.Background()
	tmp := t.TempDir()
	keyFile := filepath.Join(tmp, "log.key")
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile); code != 0 {
		t.Fatal(stderr)
	}
	dir := filepath.Join(tmp, "data")
	a, _ := loggedArchive(t, dir, keyFile)
	s := archivetest.NewSample(2019, 12, 1)
	if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "objects", "log", "state.json"), []byte("{not json"))
	b, _ := loggedArchive(t, dir, keyFile)
	if _, err := b.Issue(ctx, s.Issue.Key()); err != nil {
		t.Errorf("reading with a damaged log: %v", err)
	}
	s2 := archivetest.NewSample(2019, 13, 1)
	if _, err := b.Publish(ctx, s2.Issue, bytes.NewReader(s2.PDF), s2.Documents); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("publishing with a damaged log: %v, want ErrCorrupt", err)
	}
	if _, err := b.Issue(ctx, s2.Issue.Key()); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("the issue went out without its entry: %v", err)
	}
}

// TestServeReconcilesTheLog starts `gazette serve` with a signing key over
// an archive published before the log was turned on: serve answers, and
// the log is reconciled beside serving, its entries appended once.
func TestServeReconcilesTheLog(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "data")
	blobs, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = frontendtest.Publish(context.Background(), archive.New(blobs, nil, nil), frontendtest.Sample(frontendtest.Issue2019, 3))
	blobs.Close()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(tmp, "log.key")
	if code, _, stderr := runCmd(t, nil, "", "keygen", "--origin", "gazette.test/log", "--out", keyFile); code != 0 {
		t.Fatalf("keygen: %d %s", code, stderr)
	}
	vars := map[string]string{"GAZETTE_DATA": dir, "GAZETTE_SIGNING_KEY_FILE": keyFile}
	base := serve(t, vars)
	if code, body := get(t, base+"/documents/2019-12-2"); code != 200 {
		t.Fatalf("document %d: %.200s", code, body)
	}
	// The checkpoint's second line is the log's size.
	size := func() string {
		code, body := get(t, base+"/log/checkpoint")
		if lines := strings.Split(body, "\n"); code == 200 && len(lines) > 1 {
			return lines[1]
		}
		return ""
	}
	deadline := time.Now().Add(30 * time.Second)
	for size() != "1" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := size(); got != "1" {
		t.Fatalf("log size %q after start-up, want 1: the publication before the log is appended once", got)
	}
}
