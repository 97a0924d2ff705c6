package preserve_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
	"github.com/gazette-archive/gazette/transparency"
)

// readTar extracts a tar stream under dir with the standard library's
// reader, and returns the names in order.
func readTar(t *testing.T, r io.Reader, dir string) []string {
	t.Helper()
	tr := tar.NewReader(r)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// validateBag reads a bag on disk as RFC 8493 says, independently of the
// code that wrote it: bagit.txt, every payload file listed in
// manifest-sha256.txt with its digest and none unlisted, every tag file in
// tagmanifest-sha256.txt, the Payload-Oxum; and every proof verifies
// against the file it names. Debian and npm offer no BagIt validator, so
// this is the second reading the issue asks for.
func validateBag(t *testing.T, root string, ring transparency.Keyring) (payload []string) {
	t.Helper()
	read := func(name string) []byte {
		raw, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	if got := string(read("bagit.txt")); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Errorf("bagit.txt = %q", got)
	}
	sumOf := func(p string) string {
		s := sha256.Sum256(read(p))
		return hex.EncodeToString(s[:])
	}
	listed := func(manifest string) map[string]string {
		out := map[string]string{}
		sc := bufio.NewScanner(bytes.NewReader(read(manifest)))
		for sc.Scan() {
			sum, p, ok := strings.Cut(sc.Text(), "  ")
			if !ok || len(sum) != 64 {
				t.Fatalf("%s: malformed line %q", manifest, sc.Text())
			}
			if _, dup := out[p]; dup {
				t.Errorf("%s lists %s twice", manifest, p)
			}
			out[p] = sum
		}
		return out
	}
	files := map[string]int64{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			info, _ := d.Info()
			files[filepath.ToSlash(rel)] = info.Size()
		}
		return nil
	})
	manifest, tags := listed("manifest-sha256.txt"), listed("tagmanifest-sha256.txt")
	var oxumBytes, oxumCount int64
	for p, size := range files {
		switch {
		case strings.HasPrefix(p, "data/"):
			want, ok := manifest[p]
			if !ok {
				t.Errorf("payload file %s is not in manifest-sha256.txt", p)
			} else if got := sumOf(p); got != want {
				t.Errorf("%s: SHA-256 %s, manifest says %s", p, got, want)
			}
			oxumBytes += size
			oxumCount++
			payload = append(payload, p)
		case p == "tagmanifest-sha256.txt":
		default:
			if want, ok := tags[p]; !ok {
				t.Errorf("tag file %s is not in tagmanifest-sha256.txt", p)
			} else if got := sumOf(p); got != want {
				t.Errorf("%s: SHA-256 %s, tag manifest says %s", p, got, want)
			}
		}
	}
	for p := range manifest {
		if _, ok := files[p]; !ok {
			t.Errorf("manifest-sha256.txt lists %s, which the bag lacks", p)
		}
	}
	if info := string(read("bag-info.txt")); !strings.Contains(info, "Payload-Oxum: "+strconv.FormatInt(oxumBytes, 10)+"."+strconv.FormatInt(oxumCount, 10)+"\n") {
		t.Errorf("bag-info.txt has not Payload-Oxum %d.%d:\n%s", oxumBytes, oxumCount, info)
	}
	// Each proof proves the files it names, as `gazette verify` would.
	for p := range files {
		name, ok := strings.CutSuffix(strings.TrimPrefix(p, "proofs/"), ".tlog-proof")
		if !ok || !strings.HasPrefix(p, "proofs/") {
			continue
		}
		proof, err := transparency.ParseProof(read(p))
		if err != nil {
			t.Fatal(p, err)
		}
		target := "data/" + name + "/issue.pdf"
		if key, ver, ok := strings.Cut(name, ".v"); ok {
			issue, _, _ := gazette.ParseDocumentID(key)
			target = "data/" + issue.String() + "/records/" + key + ".v" + ver + ".json"
		}
		if _, err := transparency.Verify(sumOf(target), proof, ring); err != nil {
			t.Errorf("%s does not prove %s: %v", p, target, err)
		}
	}
	return payload
}

// TestBags makes the bag of an issue and of a year, reads each as a tar
// stream (whole, and resumed from the middle as a Range request would),
// writes it to a directory too, and validates both; a scheduled issue is
// in no bag; a damaged PDF ends the stream with an error.
func TestBags(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, local(t))
	// An issue scheduled for tomorrow: embargoed, in no bag.
	at := time.Now().Add(24 * time.Hour)
	later := archivetest.NewSample(at.Year(), 1, 1)
	later.Issue.Published = at
	if err := f.arch.Schedule(ctx, later.Issue, bytes.NewReader(later.PDF), later.Documents); err != nil {
		t.Fatal(err)
	}
	bagger := preserve.Bagger{Blobs: f.blobs, Archive: f.arch, Log: f.log}
	issueBag, err := bagger.IssueBag(ctx, f.issue.Issue.Key())
	if err != nil {
		t.Fatal(err)
	}
	yearBag, err := bagger.YearBag(ctx, 2019)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bagger.YearBag(ctx, at.Year()); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("bag of a year whose only issue is scheduled: %v, want not found", err)
	}
	if _, err := bagger.IssueBag(ctx, later.Issue.Key()); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("bag of a scheduled issue: %v, want not found", err)
	}
	for _, bag := range []*preserve.Bag{issueBag, yearBag} {
		t.Run(bag.Name, func(t *testing.T) {
			tb, err := preserve.NewTarball(ctx, f.blobs, bag)
			if err != nil {
				t.Fatal(err)
			}
			defer tb.Close()
			whole, err := io.ReadAll(tb)
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(whole)) != tb.Size() {
				t.Fatalf("stream of %d bytes, Size says %d", len(whole), tb.Size())
			}
			// Resumed: from an offset in the middle of a payload file.
			for _, off := range []int64{1, tb.Size() / 3, tb.Size() / 2, tb.Size() - 1030} {
				if _, err := tb.Seek(off, io.SeekStart); err != nil {
					t.Fatal(err)
				}
				rest, err := io.ReadAll(tb)
				if err != nil || !bytes.Equal(rest, whole[off:]) {
					t.Fatalf("resumed at %d: %d bytes, %v; want the stream's last %d", off, len(rest), err, len(whole)-int(off))
				}
			}
			dir := t.TempDir()
			names := readTar(t, bytes.NewReader(whole), dir)
			for _, n := range names {
				if strings.Contains(n, later.Issue.Key().String()) {
					t.Errorf("the scheduled issue is in the bag: %s", n)
				}
			}
			// GNU tar, a reader of its own, unpacks the same bag.
			if gnu, err := exec.LookPath("tar"); err == nil {
				other := t.TempDir()
				cmd := exec.Command(gnu, "-xf", "-", "-C", other)
				cmd.Stdin = bytes.NewReader(whole)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("GNU tar: %v: %s", err, out)
				}
				validateBag(t, filepath.Join(other, bag.Name), f.log.Keyring())
			}
			payload := validateBag(t, filepath.Join(dir, bag.Name), f.log.Keyring())
			// The issue, its PDF, its manifest, every version of every
			// record; the corrected document has two.
			wantPayload := 2 + 3 + 1
			if bag == yearBag {
				wantPayload += 2 + 2
			}
			if len(payload) != wantPayload {
				t.Errorf("payload: %d files, want %d: %v", len(payload), wantPayload, payload)
			}
			out := t.TempDir()
			if err := bagger.WriteDir(ctx, out, bag); err != nil {
				t.Fatal(err)
			}
			validateBag(t, filepath.Join(out, bag.Name), f.log.Keyring())
		})
	}
	// Damaged in storage: the stream ends with an error, and the
	// directory gets no damaged file.
	f.tamper(t, pdfKey(f), flipMiddle)
	tb, err := preserve.NewTarball(ctx, f.blobs, issueBag)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, tb); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("stream of a bag whose PDF is damaged: %v, want corrupt", err)
	}
	if err := bagger.WriteDir(ctx, t.TempDir(), issueBag); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("WriteDir of a bag whose PDF is damaged: %v, want corrupt", err)
	}
}

// TestDumps makes the day's dump: every current document once, the
// corrected one as corrected; its SHA-256 is in the log; making it again
// changes nothing; the audit checks it.
func TestDumps(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, local(t))
	r, info, err := preserve.OpenDump(ctx, f.blobs, f.dump.Day)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if info.Size != f.dump.Size {
		t.Errorf("stored %d bytes, Make said %d", info.Size, f.dump.Size)
	}
	h := sha256.New()
	zr, err := gzip.NewReader(io.TeeReader(r, h))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	seen := map[string]gazette.Document{}
	for sc.Scan() {
		var d gazette.Document
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		seen[d.ID] = d
	}
	io.Copy(io.Discard, r)
	if len(seen) != 5 {
		t.Errorf("dump holds %d documents, want 5", len(seen))
	}
	if d := seen[f.issue.Documents[0].ID]; !strings.HasSuffix(d.Title, "（更正）") || d.Version != 2 {
		t.Errorf("corrected document in the dump: %q v%d", d.Title, d.Version)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != f.dump.SHA256 {
		t.Errorf("dump SHA-256 %s, Make said %s", got, f.dump.SHA256)
	}
	day := gazette.Date{Year: 2020, Month: 1, Day: 2}
	text, _ := preserve.DumpEntry(day, f.dump).MarshalText()
	if _, err := f.log.Lookup(ctx, text); err != nil {
		t.Errorf("the dump's entry is not in the log: %v", err)
	}
	proof, err := f.log.Prove(ctx, text)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transparency.Verify(f.dump.SHA256, proof, f.log.Keyring()); err != nil {
		t.Errorf("the dump's proof: %v", err)
	}
	again, err := preserve.Dumper{Blobs: f.blobs, Archive: f.arch, Ledger: f.log}.Make(ctx, day)
	if err != nil || again != f.dump {
		t.Errorf("Make again = %+v, %v; want %+v", again, err, f.dump)
	}
	cp, _ := f.log.Checkpoint(ctx)
	if cp.Size != 4 {
		t.Errorf("log of %d entries after making the dump twice, want 4", cp.Size)
	}
	dumps, err := preserve.Dumps(ctx, f.blobs)
	if err != nil || len(dumps) != 1 || dumps[0].Day != "2020-01-02" {
		t.Errorf("Dumps = %+v, %v", dumps, err)
	}
	// A dump changed in storage is caught by the audit.
	f.tamper(t, "dumps/2020-01-02.jsonl.gz", flipMiddle)
	run := f.audit(t, preserve.AuditOptions{})
	if got := failed(run, "dumps/2020-01-02.jsonl.gz"); !strings.Contains(got, "the content hashes to") {
		t.Errorf("damaged dump: %q\n%s", got, describe(run))
	}
	_ = archive.EventDump
}

// TestDumpInterruptedBeforeItsEntry is a dump stored by a process that
// has not entered it in the log yet: an audit meanwhile (gazette fsck
// while serve makes the dump) says it is pending, not failed; one after
// DumpLogGrace reports it (the process died), and the next Make of that
// day completes it, once.
func TestDumpInterruptedBeforeItsEntry(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, local(t))
	day := gazette.Date{Year: 2020, Month: 1, Day: 3}
	// The day's dump made without a ledger: stored, not logged.
	dm, err := preserve.Dumper{Blobs: f.blobs, Archive: f.arch}.Make(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	key := "dumps/2020-01-03.jsonl.gz"
	run := f.audit(t, preserve.AuditOptions{})
	if !run.OK() || len(run.Pending) != 1 || run.Pending[0].Object != key || run.Pending[0].Outcome != preserve.OutcomePending {
		t.Errorf("a dump being logged: ok=%v pending=%+v\n%s", run.OK(), run.Pending, describe(run))
	}
	later := f.auditor
	later.Now = func() time.Time { return time.Now().Add(preserve.DumpLogGrace + time.Minute) }
	run, err = later.Audit(ctx, preserve.AuditOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := failed(run, key); !strings.Contains(got, "no log entry names this dump") || len(run.Pending) != 0 {
		t.Errorf("a dump unlogged for longer than %v: %q, pending %+v", preserve.DumpLogGrace, got, run.Pending)
	}
	again, err := preserve.Dumper{Blobs: f.blobs, Archive: f.arch, Ledger: f.log}.Make(ctx, day)
	if err != nil || again != dm {
		t.Fatalf("Make after the crash = %+v, %v; want %+v", again, err, dm)
	}
	if run := f.audit(t, preserve.AuditOptions{}); !run.OK() {
		t.Errorf("after completion:\n%s", describe(run))
	}
	if cp, _ := f.log.Checkpoint(ctx); cp.Size != 5 {
		t.Errorf("log of %d entries, want 5", cp.Size)
	}
}

// TestDumpRetention makes dumps over six weeks on each real backend,
// pruning after each as serve does: the newest DumpsKept and the first of
// each month stay, the others are deleted with their deletion recorded
// and their log entries kept, and the audit passes those entries as
// pruned on purpose. A dump stored under a legal hold, as dumps were
// before they were pruned, is kept; one deleted without a record fails
// the audit.
func TestDumpRetention(t *testing.T) {
	for _, open := range []func(*testing.T) backend{local, minIO} {
		be := open(t)
		t.Run(be.name, func(t *testing.T) {
			ctx := t.Context()
			f := newFixture(t, be) // the dump of 2020-01-02
			d := preserve.Dumper{Blobs: f.blobs, Archive: f.arch, Ledger: f.log, Agent: "gazette serve (test)"}
			// The held dump of 2020-01-04: the bytes of the first, logged.
			r, _, err := preserve.OpenDump(ctx, f.blobs, f.dump.Day)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.blobs.Put(ctx, "dumps/2020-01-04.jsonl.gz", bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{IfAbsent: true, Immutable: true}); err != nil {
				t.Fatal(err)
			}
			text, _ := preserve.DumpEntry(gazette.Date{Year: 2020, Month: 1, Day: 4}, f.dump).MarshalText()
			if _, err := f.log.Append(ctx, text); err != nil {
				t.Fatal(err)
			}
			made := map[string]preserve.Dump{f.dump.Day: f.dump}
			var pruned []string
			for _, md := range []string{"01-05", "01-09", "01-15", "01-20", "01-28", "02-01", "02-03", "02-05", "02-07", "02-08", "02-09", "02-10", "02-11", "02-12"} {
				day, _ := gazette.ParseDate("2020-" + md)
				dm, err := d.Make(ctx, day)
				if err != nil {
					t.Fatal(err)
				}
				made[dm.Day] = dm
				days, err := d.Prune(ctx, dm)
				if err != nil {
					t.Fatalf("Prune after %s: %v", dm.Day, err)
				}
				pruned = append(pruned, days...)
			}
			wantPruned := []string{"2020-01-05", "2020-01-09", "2020-01-15", "2020-01-20", "2020-01-28", "2020-02-03"}
			slices.Sort(pruned)
			if !slices.Equal(pruned, wantPruned) {
				t.Errorf("pruned %v, want %v", pruned, wantPruned)
			}
			dumps, err := preserve.Dumps(ctx, f.blobs)
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			for _, dm := range dumps {
				kept = append(kept, dm.Day)
			}
			if want := []string{"2020-02-12", "2020-02-11", "2020-02-10", "2020-02-09", "2020-02-08", "2020-02-07", "2020-02-05", "2020-02-01", "2020-01-04", "2020-01-02"}; !slices.Equal(kept, want) {
				t.Errorf("kept %v, want %v", kept, want)
			}
			for _, day := range wantPruned {
				dm := made[day]
				date, _ := gazette.ParseDate(day)
				text, _ := preserve.DumpEntry(date, dm).MarshalText()
				if _, err := f.log.Lookup(ctx, text); err != nil {
					t.Errorf("the log entry of the pruned dump of %s: %v", day, err)
				}
				if _, err := f.blobs.Stat(ctx, "deletions/dumps/"+day+".json"); err != nil {
					t.Errorf("the deletion of %s is not recorded: %v", day, err)
				}
			}
			if _, err := f.blobs.Stat(ctx, "deletions/dumps/2020-01-04.json"); !errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("the held dump, kept, is recorded deleted: %v", err)
			}
			// The audit knows the pruned dumps' entries were pruned on purpose.
			run := f.audit(t, preserve.AuditOptions{Record: true})
			if !run.OK() {
				t.Fatalf("after pruning:\n%s", describe(run))
			}
			seen := map[string]bool{}
			if err := preserve.Events(ctx, f.blobs, run.ID, func(e preserve.Event) error {
				if e.Outcome == preserve.OutcomePass && strings.HasPrefix(e.Detail, "pruned on ") {
					seen[e.Object] = true
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, day := range wantPruned {
				if !seen["dumps/"+day+".jsonl.gz"] {
					t.Errorf("the audit says nothing of the pruned dump of %s", day)
				}
			}
			// A dump deleted behind the retention's back is missing.
			if err := f.blobs.Delete(ctx, "dumps/2020-02-05.jsonl.gz", ""); err != nil {
				t.Fatal(err)
			}
			if got := failed(f.audit(t, preserve.AuditOptions{}), "dumps/2020-02-05.jsonl.gz"); !strings.Contains(got, "missing") {
				t.Errorf("a dump deleted without a record: %q", got)
			}
		})
	}
}

// TestPruneAfterACrash finds the deletion of a dump recorded and the dump
// still stored, as a Prune that stopped between the two leaves them: the
// audit checks the dump as any other, and the next Prune deletes it.
func TestPruneAfterACrash(t *testing.T) {
	ctx := t.Context()
	f := newFixture(t, local(t)) // the dump of 2020-01-02
	d := preserve.Dumper{Blobs: f.blobs, Archive: f.arch, Ledger: f.log}
	var stopped, newest preserve.Dump
	for day := 3; day <= 10; day++ {
		dm, err := d.Make(ctx, gazette.Date{Year: 2020, Month: 1, Day: day})
		if err != nil {
			t.Fatal(err)
		}
		if day == 3 {
			stopped = dm
		}
		newest = dm
	}
	e := preserve.Event{Identifier: "deletion/dumps/2020-01-03.jsonl.gz", Type: "deletion", DateTime: time.Now().UTC(), Outcome: preserve.OutcomePass,
		Object: "dumps/2020-01-03.jsonl.gz", Agent: "gazette serve (stopped)", SHA256: stopped.SHA256}
	raw, _ := json.Marshal(e)
	if _, err := f.blobs.Put(ctx, "deletions/dumps/2020-01-03.json", bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{IfAbsent: true}); err != nil {
		t.Fatal(err)
	}
	if run := f.audit(t, preserve.AuditOptions{}); !run.OK() {
		t.Fatalf("a dump recorded deleted, still stored:\n%s", describe(run))
	}
	days, err := d.Prune(ctx, newest)
	if err != nil || !slices.Equal(days, []string{"2020-01-03"}) {
		t.Fatalf("Prune = %v, %v; want the dump of 2020-01-03", days, err)
	}
	if _, err := f.blobs.Stat(ctx, "dumps/2020-01-03.jsonl.gz"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("the dump of 2020-01-03 is still stored: %v", err)
	}
	if run := f.audit(t, preserve.AuditOptions{}); !run.OK() {
		t.Errorf("after pruning:\n%s", describe(run))
	}
}
