package preserve_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"golang.org/x/mod/sumdb/note"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
	"github.com/gazette-archive/gazette/transparency"
)

func TestMain(m *testing.M) { os.Exit(archivetest.MainWithMinIO(m)) }

const origin = "gazette.test/log"

// backend is a real store and how to change an object behind its back.
type backend struct {
	name   string
	blobs  archive.Blobs
	tamper func(t *testing.T, key string, change func([]byte) []byte)
	// wipeLog removes the whole log, as one who rebuilds it would.
	wipeLog func(t *testing.T)
}

func local(t *testing.T) backend {
	dir := t.TempDir()
	b, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	path := func(key string) string { return filepath.Join(dir, "objects", filepath.FromSlash(key)) }
	return backend{name: "fsblobs", blobs: b,
		tamper: func(t *testing.T, key string, change func([]byte) []byte) {
			t.Helper()
			raw, err := os.ReadFile(path(key))
			if err != nil {
				t.Fatal(err)
			}
			os.Chmod(path(key), 0o600)
			if err := os.WriteFile(path(key), change(raw), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		wipeLog: func(t *testing.T) {
			if err := os.RemoveAll(path("log")); err != nil {
				t.Fatal(err)
			}
		}}
}

func minIO(t *testing.T) backend {
	srv := archivetest.SharedMinIO(t)
	bucket := "fsck-" + randomHex(6)
	b, err := s3blobs.New(context.Background(), s3blobs.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	// The tamperer is an administrator with the root keys, writing past
	// the store: a new version of a held object becomes the one read.
	raw, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	return backend{name: "s3blobs", blobs: b,
		tamper: func(t *testing.T, key string, change func([]byte) []byte) {
			t.Helper()
			obj, err := raw.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(obj); err != nil {
				t.Fatal(err)
			}
			obj.Close()
			data := change(buf.Bytes())
			if _, err := raw.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		},
		wipeLog: func(t *testing.T) {
			// Held versions stay, but a delete marker hides each: what
			// a reader of the bucket sees is a log without them.
			for o := range raw.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "log/", Recursive: true}) {
				if err := raw.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{}); err != nil {
					t.Fatal(err)
				}
			}
		}}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// fixture is an archive with a log and an index, two issues published, a
// document corrected and a dump made.
type fixture struct {
	backend
	arch    *archive.Archive
	log     *transparency.Log
	idx     *bleveindex.Index
	private string
	auditor preserve.Auditor
	issue   archivetest.Sample
	dump    preserve.Dump
}

func newFixture(t *testing.T, be backend) *fixture {
	t.Helper()
	ctx := context.Background()
	private, public, err := transparency.GenerateKey(origin)
	if err != nil {
		t.Fatal(err)
	}
	l := openLog(t, be.blobs, private, public)
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	a := archive.New(be.blobs, idx, nil, archive.WithLedger(l))
	s1, s2 := archivetest.NewSample(2019, 12, 3), archivetest.NewSample(2019, 13, 2)
	for _, s := range []archivetest.Sample{s1, s2} {
		if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			t.Fatal(err)
		}
	}
	fixed := s1.Documents[0]
	fixed.Title += "（更正）"
	if _, err := a.Correct(ctx, fixed.ID, fixed, gazette.Correction{Reason: "标题有误", Date: gazette.Date{Year: 2019, Month: 12, Day: 30}, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	dm, err := preserve.Dumper{Blobs: be.blobs, Archive: a, Ledger: l}.Make(ctx, gazette.Date{Year: 2020, Month: 1, Day: 2})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{backend: be, arch: a, log: l, idx: idx, private: private, issue: s1, dump: dm,
		auditor: preserve.Auditor{Blobs: be.blobs, Archive: a, Log: l, Agent: "gazette fsck (test)"}}
}

func openLog(t *testing.T, b archive.Blobs, private, public string) *transparency.Log {
	t.Helper()
	signer, err := transparency.NewSigner(private)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := transparency.KeyringOf(public)
	if err != nil {
		t.Fatal(err)
	}
	l, err := transparency.New(b, signer, ring, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (f *fixture) audit(t *testing.T, opts preserve.AuditOptions) *preserve.Run {
	t.Helper()
	run, err := f.auditor.Audit(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// failed returns the failures of run about object, as text.
func failed(run *preserve.Run, object string) string {
	var out []string
	for _, e := range run.Failures {
		if e.Object == object {
			out = append(out, e.Detail)
		}
	}
	return strings.Join(out, "\n")
}

func describe(run *preserve.Run) string {
	var b strings.Builder
	for _, e := range run.Failures {
		fmt.Fprintf(&b, "  %s: %s\n", e.Object, e.Detail)
	}
	return b.String()
}

func flipMiddle(raw []byte) []byte { raw[len(raw)/2] ^= 0x01; return raw }

// TestAuditCatchesTampering changes, on each real backend, one thing an
// attacker or a failing disk could change, and checks that the audit
// names the object and says what is wrong; an untouched archive passes.
func TestAuditCatchesTampering(t *testing.T) {
	ctx := context.Background()
	backends := []struct {
		name string
		open func(*testing.T) backend
	}{{"fsblobs", local}, {"s3blobs", minIO}}
	cases := []struct {
		name string
		do   func(t *testing.T, f *fixture) // the change
		// object and want: the failure expected.
		object func(f *fixture) string
		want   string
	}{
		{"pdf byte", func(t *testing.T, f *fixture) { f.tamper(t, pdfKey(f), flipMiddle) },
			pdfKey, "does not match its SHA-256"},
		{"document record byte", func(t *testing.T, f *fixture) { f.tamper(t, recordKey(t, f), flipMiddle) },
			func(f *fixture) string { return recordKey(t, f) }, "does not match its SHA-256"},
		{"manifest byte", func(t *testing.T, f *fixture) {
			f.tamper(t, "issues/2019/2019-12.json", func(raw []byte) []byte {
				return bytes.Replace(raw, []byte("福建省人民政府关于"), []byte("福建省人民政府对于"), 1)
			})
		}, func(*fixture) string { return "issues/2019/2019-12.json" }, "no log entry names this manifest"},
		{"log tile byte", func(t *testing.T, f *fixture) { f.tamper(t, lastTile(t, f), flipMiddle) },
			func(f *fixture) string { return lastTile(t, f) }, "root"},
		{"entry bundle byte", func(t *testing.T, f *fixture) { f.tamper(t, "log/tile/entries/000.p/4", flipMiddle) },
			func(*fixture) string { return "log/tile/entries/000.p/4" }, "corrupt"},
		{"checkpoint byte", func(t *testing.T, f *fixture) {
			f.tamper(t, "log/checkpoint", func(raw []byte) []byte {
				lines := bytes.SplitN(raw, []byte("\n"), 4)
				root := lines[2]
				if root[0] == 'A' {
					root[0] = 'B'
				} else {
					root[0] = 'A'
				}
				return raw
			})
		}, func(*fixture) string { return "log/checkpoint" }, "altered after signing"},
		{"checkpoint signed with another key", func(t *testing.T, f *fixture) {
			other, _, err := transparency.GenerateKey(origin)
			if err != nil {
				t.Fatal(err)
			}
			signer, err := transparency.NewSigner(other)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := f.log.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			body, _, _ := bytes.Cut(cp.Raw, []byte("\n\n"))
			signed, err := note.Sign(&note.Note{Text: string(body) + "\n"}, signer)
			if err != nil {
				t.Fatal(err)
			}
			f.tamper(t, "log/checkpoint", func([]byte) []byte { return signed })
		}, func(*fixture) string { return "log/checkpoint" }, "not signed by any known key"},
		{"log truncated and rebuilt with another entry", func(t *testing.T, f *fixture) {
			f.wipeLog(t)
			ring := f.log.Keyring()
			signer, err := transparency.NewSigner(f.private)
			if err != nil {
				t.Fatal(err)
			}
			l, err := transparency.New(f.blobs, signer, ring, nil)
			if err != nil {
				t.Fatal(err)
			}
			e := archive.LogEntry{Event: archive.EventWithdrawn, Subject: "2019-12", Time: time.Date(2019, 12, 15, 1, 0, 0, 0, time.UTC),
				Objects: []archive.LoggedObject{{Role: "manifest", SHA256: strings.Repeat("ab", 32), Size: 1}}}
			text, _ := e.MarshalText()
			if _, err := l.Append(ctx, text); err != nil {
				t.Fatal(err)
			}
		}, func(*fixture) string { return "log/checkpoint" }, "the log was rewritten"},
	}
	for _, be := range backends {
		for _, c := range cases {
			t.Run(be.name+"/"+c.name, func(t *testing.T) {
				{
					f := newFixture(t, be.open(t))
					// A first audit, recorded, passes and remembers the
					// checkpoint it saw.
					run := f.audit(t, preserve.AuditOptions{Record: true})
					if !run.OK() || run.Objects < 10 || run.LogSize != 4 || !run.IndexChecked || run.Documents != 5 {
						t.Fatalf("clean archive: ok=%v objects=%d log=%d index=%v docs=%d\n%s", run.OK(), run.Objects, run.LogSize, run.IndexChecked, run.Documents, describe(run))
					}
					c.do(t, f)
					// A fresh archive over the same storage: nothing cached.
					f.auditor.Archive = archive.New(f.blobs, f.idx, nil, archive.WithLedger(f.log))
					run = f.audit(t, preserve.AuditOptions{Record: true})
					if run.OK() {
						t.Fatalf("%s: the audit found nothing", c.name)
					}
					if got := failed(run, c.object(f)); !strings.Contains(got, c.want) {
						t.Errorf("%s: failure of %s = %q, want %q; all:\n%s", c.name, c.object(f), got, c.want, describe(run))
					}
					// The run is recorded with its failures and events.
					runs, err := preserve.Runs(ctx, f.blobs, 0)
					if err != nil || len(runs) != 2 || runs[0].ID != run.ID || len(runs[0].Failures) != len(run.Failures) {
						t.Fatalf("Runs = %d runs, %v", len(runs), err)
					}
					n := 0
					if err := preserve.Events(ctx, f.blobs, run.ID, func(e preserve.Event) error {
						if e.Type == "" || e.DateTime.IsZero() || e.Outcome == "" || e.Object == "" || e.Agent != "gazette fsck (test)" {
							t.Errorf("event %+v lacks a PREMIS field", e)
						}
						n++
						return nil
					}); err != nil || n != run.Events {
						t.Errorf("Events: %d of %d, %v", n, run.Events, err)
					}
				}
			})
		}
	}
}

func pdfKey(f *fixture) string { return "pdf/" + transparency.SumOf(f.issue.PDF) + ".pdf" }

func recordKey(t *testing.T, f *fixture) string {
	m, err := f.arch.Manifest(context.Background(), f.issue.Issue.Key())
	if err != nil {
		t.Fatal(err)
	}
	return m.Documents[1].Key
}

// lastTile is the level-0 hash tile of the current tree.
func lastTile(t *testing.T, f *fixture) string {
	objs, err := f.blobs.List(context.Background(), "log/tile/0/")
	if err != nil || len(objs) == 0 {
		t.Fatal(objs, err)
	}
	cp, err := f.log.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("log/tile/0/000.p/%d", cp.Size)
}

// TestAuditRepairsIndexDrift removes, makes stale and adds documents in
// the index behind the archive's back: the audit reports each, repairs
// them when asked, and never changes a published object.
func TestAuditRepairsIndexDrift(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, local(t))
	ids := []string{f.issue.Documents[1].ID}
	if err := f.idx.Delete(ctx, ids); err != nil {
		t.Fatal(err)
	}
	stale := gazette.SearchDoc{Document: f.issue.Documents[2], Fingerprint: "old"}
	extra := f.issue.Documents[2]
	extra.ID = gazette.DocumentID(gazette.IssueKey{Year: 2018, Number: 1}, 1)
	extra.Issue = gazette.IssueKey{Year: 2018, Number: 1}
	if err := f.idx.Put(ctx, []gazette.SearchDoc{stale, {Document: extra, Fingerprint: "x"}}); err != nil {
		t.Fatal(err)
	}
	before, err := f.blobs.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	run := f.audit(t, preserve.AuditOptions{})
	if len(run.Missing) != 1 || len(run.Stale) != 1 || len(run.Orphaned) != 1 || run.OK() {
		t.Fatalf("drift: missing %v stale %v orphaned %v ok %v", run.Missing, run.Stale, run.Orphaned, run.OK())
	}
	if got := failed(run, ids[0]); !strings.Contains(got, "missing from the search index") {
		t.Errorf("missing document: %q", got)
	}
	run = f.audit(t, preserve.AuditOptions{RepairIndex: true})
	if !run.OK() || !run.IndexRepaired {
		t.Fatalf("repair: ok=%v repaired=%v\n%s", run.OK(), run.IndexRepaired, describe(run))
	}
	run = f.audit(t, preserve.AuditOptions{})
	if !run.OK() || len(run.Missing)+len(run.Stale)+len(run.Orphaned) != 0 {
		t.Fatalf("after repair: %v %v %v", run.Missing, run.Stale, run.Orphaned)
	}
	after, err := f.blobs.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("objects: %d before, %d after: the audit changed storage", len(before), len(after))
	}
	for i := range before {
		if before[i].Key != after[i].Key || before[i].ETag != after[i].ETag {
			t.Errorf("%s changed", before[i].Key)
		}
	}
}
