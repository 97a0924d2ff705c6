package editorial

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
	"github.com/gazette-archive/gazette/ingest/report"
)

func TestMain(m *testing.M) { os.Exit(archivetest.MainWithMinIO(m)) }

// backends returns the storage adapters every shared-state test runs on:
// the in-memory fake, the local directory and a real MinIO.
func backends() []struct {
	name string
	open func(t *testing.T) Blobs
} {
	return []struct {
		name string
		open func(t *testing.T) Blobs
	}{
		{"mem", func(t *testing.T) Blobs { return archivetest.NewMemBlobs() }},
		{"fsblobs", func(t *testing.T) Blobs {
			b, err := fsblobs.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return b
		}},
		{"s3blobs", func(t *testing.T) Blobs {
			srv := archivetest.SharedMinIO(t)
			var rnd [6]byte
			rand.Read(rnd[:])
			b, err := s3blobs.New(context.Background(), s3blobs.Config{
				Endpoint: srv.Endpoint, Bucket: "editorial-" + hex.EncodeToString(rnd[:]),
				AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
			})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	}
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// cheapArgon keeps tests fast; the default parameters are measured by
// BenchmarkArgon2Default.
var cheapArgon = Argon2Params{Memory: 64, Time: 1, Threads: 1}

type fixture struct {
	svc   *Service
	blobs Blobs
	clock *clock
	arch  *fakeArchive
	admin Actor
}

func newFixture(t *testing.T, blobs Blobs, tune func(*Config)) *fixture {
	t.Helper()
	f := &fixture{blobs: blobs, clock: &clock{t: time.Date(2024, 3, 1, 9, 0, 0, 0, gazette.ChinaTime)}, arch: newFakeArchive()}
	cfg := Config{Blobs: blobs, Archive: f.arch, Split: fakeSplit, Gazette: "福建省人民政府公报", Now: f.clock.Now, Argon: cheapArgon, TempDir: t.TempDir()}
	if tune != nil {
		tune(&cfg)
	}
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	f.admin = CommandLine("tester")
	return f
}

const goodPassword = "correct horse battery"

// user creates an account and signs it in, returning its actor and session.
func (f *fixture) user(t *testing.T, name string, role Role) *Session {
	t.Helper()
	ctx := context.Background()
	if err := f.svc.AddUser(ctx, f.admin, name, role, goodPassword); err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	s, err := f.svc.SignIn(ctx, name, goodPassword, Client{Addr: "192.0.2.1"})
	if err != nil {
		t.Fatalf("sign in %s: %v", name, err)
	}
	return s
}

// fakeArchive plays the archive: a latest issue, scheduled issues, and the
// clock deciding what is public.
type fakeArchive struct {
	mu        sync.Mutex
	latest    *gazette.Issue
	scheduled []gazette.Issue
	calls     int
	pdfBytes  []byte
	docs      []gazette.Document
	public    map[gazette.IssueKey]bool
	// publishing makes Reschedule and Unschedule fail as when a publisher
	// has claimed the issue.
	publishing bool
	// versions is the current version of each published document;
	// corrections and changes are what Correct and SetValidity received.
	versions    map[string]int
	corrections []gazette.Correction
	changes     []gazette.ValidityChange
	relations   []gazette.Relation // what AddRelation and WithdrawRelation received
	unresolved  []cite.Unresolved
	cited       map[string]string // ref → the ID ResolveCitations resolves it to
	// afterStore, when set, is returned with the document by Correct and
	// SetValidity, as the archive does when its index fails after storing.
	afterStore error
}

func newFakeArchive() *fakeArchive {
	return &fakeArchive{public: map[gazette.IssueKey]bool{}, versions: map[string]int{}}
}

func (a *fakeArchive) Correct(ctx context.Context, id string, doc gazette.Document, c gazette.Correction) (*gazette.Document, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.versions[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("fake: document %s: %w", id, gazette.ErrNotFound)
	case doc.Version != v:
		return nil, fmt.Errorf("fake: edited from version %d, %d is current: %w", doc.Version, v, gazette.ErrConflict)
	case doc.ID != id:
		return nil, fmt.Errorf("fake: document names %q, not %s: %w", doc.ID, id, gazette.ErrInvalid)
	}
	a.versions[id] = v + 1
	a.corrections = append(a.corrections, c)
	doc.Version = v + 1
	return &doc, a.afterStore
}

func (a *fakeArchive) SetValidity(ctx context.Context, id string, ch gazette.ValidityChange) (*gazette.Document, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.versions[id]
	if !ok {
		return nil, fmt.Errorf("fake: document %s: %w", id, gazette.ErrNotFound)
	}
	a.changes = append(a.changes, ch)
	return &gazette.Document{ID: id, Version: v, Validity: gazette.Status{State: ch.State, Since: ch.Since}}, a.afterStore
}

func (a *fakeArchive) AddRelation(ctx context.Context, id string, rel gazette.Relation) (*gazette.Relations, error) {
	return a.relate(id, rel)
}

func (a *fakeArchive) WithdrawRelation(ctx context.Context, id string, rel gazette.Relation) (*gazette.Relations, error) {
	rel.Withdrawn = true
	return a.relate(id, rel)
}

func (a *fakeArchive) relate(id string, rel gazette.Relation) (*gazette.Relations, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.versions[id]; !ok {
		return nil, fmt.Errorf("fake: document %s: %w", id, gazette.ErrNotFound)
	}
	if _, ok := a.versions[rel.Target]; !ok {
		return nil, fmt.Errorf("fake: %w", gazette.ValidationError{{Field: "target", Problem: rel.Target + " is not a published document", Zh: "没有这一文件"}})
	}
	a.relations = append(a.relations, rel)
	rs := &gazette.Relations{ID: id}
	for _, r := range gazette.Effective(a.relations) {
		rs.Out = append(rs.Out, gazette.Link{Type: r.Type, From: id, To: r.Target, Provision: r.Provision, Origin: gazette.OriginEditor, By: r.By})
	}
	return rs, a.afterStore
}

func (a *fakeArchive) UnresolvedCitations(ctx context.Context, limit int) ([]cite.Unresolved, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if limit > 0 && len(a.unresolved) > limit {
		return a.unresolved[:limit], nil
	}
	return a.unresolved, nil
}

// ResolveCitations finds the citations of docs, and resolves those of the
// documents the fake holds (by ID in versions) by nothing: every citation
// is missing, unless its 文号 is in cited.
func (a *fakeArchive) ResolveCitations(ctx context.Context, docs []gazette.Document, gazetteName string) ([][]cite.Found, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([][]cite.Found, len(docs))
	for i := range docs {
		for _, p := range cite.InBody(docs[i].Body) {
			res := cite.Resolution{Outcome: cite.Missing}
			if id, ok := a.cited[p.Ref()]; ok {
				res = cite.Resolution{Outcome: cite.Resolved, ID: id}
			}
			out[i] = append(out[i], cite.Found{Placed: p, Resolution: res})
		}
	}
	return out, nil
}

func (a *fakeArchive) Latest(ctx context.Context) (*gazette.Issue, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.latest == nil {
		return nil, fmt.Errorf("fake: %w", gazette.ErrNotFound)
	}
	is := *a.latest
	return &is, nil
}

func (a *fakeArchive) Scheduled(ctx context.Context) ([]gazette.Issue, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]gazette.Issue(nil), a.scheduled...), nil
}

func (a *fakeArchive) Schedule(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error {
	raw, err := io.ReadAll(pdf)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	a.scheduled = append(a.scheduled, issue)
	a.pdfBytes, a.docs = raw, docs
	return nil
}

func (a *fakeArchive) Reschedule(ctx context.Context, key gazette.IssueKey, at time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := a.scheduledIndex(key)
	if i < 0 {
		return fmt.Errorf("fake: %s not scheduled: %w", key, gazette.ErrNotFound)
	}
	if a.publishing {
		return fmt.Errorf("fake: publishing: %w", gazette.ErrConflict)
	}
	a.scheduled[i].Published = at
	return nil
}

func (a *fakeArchive) Unschedule(ctx context.Context, key gazette.IssueKey) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := a.scheduledIndex(key)
	if i < 0 {
		return fmt.Errorf("fake: %s not scheduled: %w", key, gazette.ErrNotFound)
	}
	if a.publishing {
		return fmt.Errorf("fake: publishing: %w", gazette.ErrConflict)
	}
	a.scheduled = append(a.scheduled[:i], a.scheduled[i+1:]...)
	return nil
}

func (a *fakeArchive) scheduledIndex(key gazette.IssueKey) int {
	for i, is := range a.scheduled {
		if is.IssueKey == key {
			return i
		}
	}
	return -1
}

func (a *fakeArchive) Issue(ctx context.Context, key gazette.IssueKey) (*gazette.Issue, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.public[key] {
		return nil, fmt.Errorf("fake: %w", gazette.ErrNotFound)
	}
	return &gazette.Issue{IssueKey: key}, nil
}

// testPDF is not a real PDF: fakeSplit never parses it.
var testPDF = []byte("%PDF-1.4\n% test issue\n%%EOF\n")

// fakeSplit stands in for the ingest pipeline: a cover and two documents.
func fakeSplit(ctx context.Context, path string) (*report.Result, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if string(raw[:5]) != "%PDF-" {
		return nil, fmt.Errorf("fake split: not the spooled PDF")
	}
	date := gazette.Date{Year: 2024, Month: 3, Day: 5}
	return &report.Result{
		Issue: report.IssueMeta{Gazette: "福建省人民政府公报", Year: 2024, Number: 7, TotalNumber: 1234, Date: date},
		Documents: []report.Document{
			{Title: "福建省人民政府关于印发某某办法的通知", DocNumber: "闽政〔2024〕3号", Kind: gazette.KindNormative,
				Authorities: []string{"福建省人民政府"}, Signed: gazette.Date{Year: 2024, Month: 2, Day: 20}, PageStart: 1, PageEnd: 3,
				Text: "各市、县（区）人民政府：\n现将《某某办法》印发给你们，请认真贯彻执行。"},
			{Title: "福建省人民政府关于某某同志任职的通知", Kind: gazette.KindAppointment,
				Authorities: []string{"福建省人民政府"}, PageStart: 4, PageEnd: 4, Text: "任命某某为某某厅厅长。"},
		},
		Pages: make([]report.PageReport, 4),
	}, nil
}
