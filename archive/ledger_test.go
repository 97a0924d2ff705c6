package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
)

// logKeyEnv passes the signing key of the log to a crash child.
const logKeyEnv = "GAZETTE_TEST_LOG_KEY"

const testOrigin = "gazette.test/log"

// newLogKey returns a fresh signing key and its keyring.
func newLogKey(t *testing.T) (string, transparency.Keyring) {
	t.Helper()
	priv, pub, err := transparency.GenerateKey(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := transparency.KeyringOf(pub)
	if err != nil {
		t.Fatal(err)
	}
	return priv, ring
}

// openTestLog opens the log in blobs with the private key.
func openTestLog(blobs archive.Blobs, private string) (*transparency.Log, error) {
	s, err := transparency.NewSigner(private)
	if err != nil {
		return nil, err
	}
	pub, err := transparency.PublicKey(private)
	if err != nil {
		return nil, err
	}
	ring, err := transparency.KeyringOf(pub)
	if err != nil {
		return nil, err
	}
	return transparency.New(blobs, s, ring, nil)
}

func mustLog(t *testing.T, blobs archive.Blobs, private string) *transparency.Log {
	t.Helper()
	l, err := openTestLog(blobs, private)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// entriesOf returns the parsed entries of the log.
func entriesOf(t *testing.T, l *transparency.Log) []archive.LogEntry {
	t.Helper()
	var out []archive.LogEntry
	if err := l.Entries(context.Background(), func(i int64, text []byte) error {
		e, err := archive.ParseLogEntry(text)
		if err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// proveAndVerify proves entry e and verifies content against it.
func proveAndVerify(t *testing.T, l *transparency.Log, ring transparency.Keyring, e archive.LogEntry, content []byte) *transparency.Verified {
	t.Helper()
	text, err := e.MarshalText()
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.Prove(context.Background(), text)
	if err != nil {
		t.Fatalf("prove %s %s: %v", e.Event, e.Subject, err)
	}
	v, err := transparency.Verify(transparency.SumOf(content), p, ring)
	if err != nil {
		t.Fatalf("verify against %s %s: %v", e.Event, e.Subject, err)
	}
	return v
}

// TestEverythingPublishedIsLogged publishes, corrects, changes validity
// and withdraws with the log enabled: each event has its entry, and the
// PDF, the manifest and each version's record verify against it.
func TestEverythingPublishedIsLogged(t *testing.T) {
	ctx := context.Background()
	priv, ring := newLogKey(t)
	blobs := archivetest.NewMemBlobs()
	l := mustLog(t, blobs, priv)
	a := archive.New(blobs, nil, nil, archive.WithLedger(l), archive.WithClock(func() time.Time { return time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC) }))
	s := archivetest.NewSample(2019, 12, 3)
	m := publish(t, a, s)

	e, err := a.IssueLogEntry(ctx, s.Issue.Key())
	if err != nil {
		t.Fatal(err)
	}
	v := proveAndVerify(t, l, ring, e, s.PDF)
	if v.Named[0].Role != "pdf" || v.Entry.Subject != "2019-12" || !v.Entry.Time.Equal(s.Issue.Published) {
		t.Errorf("PDF verified as %+v", v)
	}
	raw := readObject(t, blobs, "issues/2019/2019-12.json")
	if v := proveAndVerify(t, l, ring, e, raw); v.Named[0].Role != "manifest" {
		t.Errorf("manifest verified as %+v", v.Named)
	}
	rec := readObject(t, blobs, m.Documents[1].Key)
	if v := proveAndVerify(t, l, ring, e, rec); v.Named[0].ID != m.Documents[1].ID {
		t.Errorf("record verified as %+v", v.Named)
	}

	// A correction: version 2 is proved by its own entry.
	id := m.Documents[1].ID
	doc := s.Documents[1]
	doc.Title += "（更正）"
	if _, err := a.Correct(ctx, id, doc, gazette.Correction{Reason: "错字", Date: gazette.Date{Year: 2020, Month: 2, Day: 1}, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	e2, err := a.DocumentLogEntry(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	h, err := a.History(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rec2 := readObject(t, blobs, "records/"+h.Versions[1].SHA256+".json")
	if v := proveAndVerify(t, l, ring, e2, rec2); v.Entry.Event != archive.EventCorrected || v.Entry.Number != 2 {
		t.Errorf("version 2 verified as %+v", v.Entry)
	}
	if e1, err := a.DocumentLogEntry(ctx, id, 1); err != nil || e1.Event != archive.EventPublished {
		t.Errorf("version 1's entry: %+v, %v", e1, err)
	}

	// A validity change.
	if _, err := a.SetValidity(ctx, m.Documents[0].ID, gazette.ValidityChange{State: gazette.Repealed, Since: gazette.Date{Year: 2020, Month: 2, Day: 1}, ChangedBy: m.Documents[2].ID, By: "editor"}); err != nil {
		t.Fatal(err)
	}

	// A scheduled issue withdrawn.
	s2 := archivetest.NewSample(2020, 5, 1)
	if err := a.Schedule(ctx, s2.Issue, bytes.NewReader(s2.PDF), s2.Documents); err != nil {
		t.Fatal(err)
	}
	if err := a.Unschedule(ctx, s2.Issue.Key()); err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, e := range entriesOf(t, l) {
		got = append(got, e.Event+" "+e.Subject)
	}
	want := []string{"published 2019-12", "corrected " + id, "validity " + m.Documents[0].ID, "withdrawn 2020-5"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("log holds %q, want %q", got, want)
	}
	if d, err := a.ReconcileLog(ctx, false); err != nil || !d.Clean() {
		t.Errorf("ReconcileLog = %+v, %v; want clean", d, err)
	}
	// Publishing again appends nothing.
	publish(t, a, s)
	if n := len(entriesOf(t, l)); n != 4 {
		t.Errorf("after publishing again: %d entries, want 4", n)
	}
}

// TestReconcileLogBackfillsAndCompletes enables the log on an archive
// that has issues and a history already (they are appended once), and
// completes an issue whose entry was logged but whose manifest was not
// committed.
func TestReconcileLogBackfillsAndCompletes(t *testing.T) {
	ctx := context.Background()
	priv, _ := newLogKey(t)
	blobs := archivetest.NewMemBlobs()
	plain := archive.New(blobs, nil, nil)
	s1 := archivetest.NewSample(2018, 1, 2)
	m1 := publish(t, plain, s1)
	if _, err := plain.SetValidity(ctx, m1.Documents[0].ID, gazette.ValidityChange{State: gazette.Expired, Since: gazette.Date{Year: 2019, Month: 1, Day: 1}, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	l := mustLog(t, blobs, priv)
	a := archive.New(blobs, nil, nil, archive.WithLedger(l))
	d, err := a.ReconcileLog(ctx, false)
	if err != nil || len(d.Unlogged) != 2 || len(d.Committed) != 0 {
		t.Fatalf("before repair: %+v, %v; want 2 unlogged", d, err)
	}
	if d, err = a.ReconcileLog(ctx, true); err != nil {
		t.Fatal(err)
	}
	if d, err = a.ReconcileLog(ctx, true); err != nil || !d.Clean() || d.Entries != 2 {
		t.Fatalf("after repair: %+v, %v; want clean with 2 entries", d, err)
	}

	// A publisher that logged issue 2 and died before its commit.
	s2 := archivetest.NewSample(2018, 2, 2)
	faulty := &archivetest.Faulty{Blobs: blobs, Allow: 0}
	counting := &archivetest.Faulty{Blobs: archivetest.NewMemBlobs(), Allow: 1 << 30}
	if _, err := archive.New(counting, nil, nil, archive.WithLedger(mustLog(t, counting, priv))).Publish(ctx, s2.Issue, bytes.NewReader(s2.PDF), s2.Documents); err != nil {
		t.Fatal(err)
	}
	// Every write before the manifest (derived hints, written after it,
	// are the index's and the reconciler's to catch up).
	faulty.Allow = slices.IndexFunc(counting.Keys, func(k string) bool { return strings.HasPrefix(k, "issues/") })
	if faulty.Allow < 0 {
		t.Fatalf("Publish wrote no manifest: %v", counting.Keys)
	}
	if _, err := archive.New(faulty, nil, nil, archive.WithLedger(mustLog(t, faulty, priv))).Publish(ctx, s2.Issue, bytes.NewReader(s2.PDF), s2.Documents); !errors.Is(err, archivetest.ErrInjected) {
		t.Fatalf("Publish failing at the manifest: %v", err)
	}
	if _, err := a.Issue(ctx, s2.Issue.Key()); !errors.Is(err, gazette.ErrNotFound) {
		t.Fatalf("issue visible before its commit: %v", err)
	}
	d, err = a.ReconcileLog(ctx, true)
	if err != nil || len(d.Committed) != 1 || d.Committed[0] != s2.Issue.Key() {
		t.Fatalf("ReconcileLog = %+v, %v; want 2018-2 committed", d, err)
	}
	checkPublished(t, a, s2)
	if d, err = a.ReconcileLog(ctx, true); err != nil || !d.Clean() || d.Entries != 3 {
		t.Fatalf("after completion: %+v, %v; want clean with 3 entries", d, err)
	}
}

func readObject(t *testing.T, blobs archive.Blobs, key string) []byte {
	t.Helper()
	r, _, err := blobs.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// countWrites runs op on a fresh in-memory store with the log and returns
// how many writes it made.
func countWrites(t *testing.T, priv, op string) int {
	t.Helper()
	s := crashSample()
	f := &archivetest.Faulty{Blobs: archivetest.NewMemBlobs(), Allow: 1 << 30}
	a := archive.New(f, nil, nil, archive.WithLedger(mustLog(t, f, priv)))
	if op == "publishdue" {
		if err := archive.New(f.Blobs, nil, nil).Schedule(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			t.Fatal(err)
		}
		if _, err := a.PublishDue(context.Background(), s.Issue.Published); err != nil {
			t.Fatal(err)
		}
	} else if _, err := a.Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	return len(f.Keys)
}

// TestLoggedPublishSurvivesAKilledProcess kills the publishing process
// with SIGKILL after each write of Publish and of PublishDue in turn, the
// log's writes included, on each real backend. Right after the kill, an
// issue that is visible has its entry in the log; after a restart
// (Integrate, ReconcileLog, and the publication retried) the issue is
// published with exactly one entry.
func TestLoggedPublishSurvivesAKilledProcess(t *testing.T) {
	ctx := context.Background()
	s := crashSample()
	priv, _ := newLogKey(t)
	for _, op := range []string{"publish", "publishdue"} {
		steps := countWrites(t, priv, op)
		t.Logf("%s with the log: %d writes, each one the last before a kill", op, steps)
		for _, be := range backends() {
			t.Run(op+"/"+be.name, func(t *testing.T) {
				for after := 1; after <= steps; after++ {
					blobs, env := be.open(t)
					if op == "publishdue" {
						if err := archive.New(blobs, nil, nil).Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
							t.Fatal(err)
						}
					}
					runCrashChild(t, append(env, logKeyEnv+"="+priv), op, after)
					l := mustLog(t, blobs, priv)
					a := archive.New(blobs, nil, nil, archive.WithLedger(l))
					entry, err := a.IssueLogEntry(ctx, s.Issue.Key())
					switch {
					case errors.Is(err, gazette.ErrNotFound):
						checkInvisible(t, a, s)
					case err != nil:
						t.Fatalf("killed after write %d: %v", after, err)
					default:
						text, _ := entry.MarshalText()
						if _, err := l.Lookup(ctx, text); err != nil {
							t.Fatalf("killed after write %d: the issue is visible but its entry is not in the log: %v", after, err)
						}
					}
					// Restart.
					if err := l.Integrate(ctx); err != nil {
						t.Fatalf("killed after write %d: Integrate: %v", after, err)
					}
					if _, err := a.ReconcileLog(ctx, true); err != nil {
						t.Fatalf("killed after write %d: ReconcileLog: %v", after, err)
					}
					if op == "publishdue" {
						if _, err := a.PublishDue(ctx, s.Issue.Published.Add(archive.PublishLease)); err != nil {
							t.Fatalf("killed after write %d: PublishDue: %v", after, err)
						}
					} else {
						publish(t, a, s)
					}
					checkPublished(t, a, s)
					n := 0
					for _, e := range entriesOf(t, l) {
						if e.Event == archive.EventPublished && e.Subject == s.Issue.Key().String() {
							n++
						}
					}
					if n != 1 {
						t.Errorf("killed after write %d: %d entries for the issue, want exactly 1", after, n)
					}
					if d, err := a.ReconcileLog(ctx, false); err != nil || !d.Clean() {
						t.Errorf("killed after write %d: log and storage differ: %+v, %v", after, d, err)
					}
				}
			})
		}
	}
}

// crashLedger returns the ledger option for a crash child whose parent
// enabled the log, writing through blobs.
func crashLedger(blobs archive.Blobs) ([]archive.Option, error) {
	priv := os.Getenv(logKeyEnv)
	if priv == "" {
		return nil, nil
	}
	l, err := openTestLog(blobs, priv)
	if err != nil {
		return nil, err
	}
	return []archive.Option{archive.WithLedger(l)}, nil
}

// TestInterruptedWithdrawal fails the removal of a schedule after its
// withdrawal is logged: the issue is then never published, cannot be
// rescheduled, and Unschedule again completes the withdrawal with its one
// entry.
func TestInterruptedWithdrawal(t *testing.T) {
	ctx := context.Background()
	priv, _ := newLogKey(t)
	blobs := archivetest.NewMemBlobs()
	s := archivetest.NewSample(2020, 5, 1)
	plain := archive.New(blobs, nil, nil)
	if err := plain.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	// The mark, the log's writes, then the removal: count them on a copy,
	// then fail the removal.
	probe := archivetest.NewMemBlobs()
	if err := archive.New(probe, nil, nil).Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	pc := &archivetest.Faulty{Blobs: probe, Allow: 1 << 30}
	if err := archive.New(pc, nil, nil, archive.WithLedger(mustLog(t, pc, priv))).Unschedule(ctx, s.Issue.Key()); err != nil {
		t.Fatal(err)
	}
	faulty := &archivetest.Faulty{Blobs: blobs, Allow: len(pc.Keys) - 1}
	l := mustLog(t, blobs, priv)
	if err := archive.New(faulty, nil, nil, archive.WithLedger(mustLog(t, faulty, priv))).Unschedule(ctx, s.Issue.Key()); !errors.Is(err, archivetest.ErrInjected) {
		t.Fatalf("Unschedule failing at the removal: %v", err)
	}
	a := archive.New(blobs, nil, nil, archive.WithLedger(l))
	if keys, err := a.PublishDue(ctx, s.Issue.Published.Add(time.Hour)); err != nil || len(keys) != 0 {
		t.Errorf("PublishDue of an issue being withdrawn: %v, %v", keys, err)
	}
	if err := a.Reschedule(ctx, s.Issue.Key(), s.Issue.Published.Add(time.Hour)); !errors.Is(err, gazette.ErrConflict) {
		t.Errorf("Reschedule of an issue being withdrawn: %v", err)
	}
	if err := a.Unschedule(ctx, s.Issue.Key()); err != nil {
		t.Fatalf("Unschedule again: %v", err)
	}
	if sched, err := a.Scheduled(ctx); err != nil || len(sched) != 0 {
		t.Errorf("still scheduled: %v, %v", sched, err)
	}
	var got []string
	for _, e := range entriesOf(t, l) {
		got = append(got, e.Event+" "+e.Subject)
	}
	if fmt.Sprint(got) != "[withdrawn 2020-5]" {
		t.Errorf("log holds %q, want one withdrawal", got)
	}
}
