//go:build linux

package archive_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/gazette"
)

// keeperBound is how long a test waits for the keeper: far above its
// check interval and a repair of a few documents, so only a keeper that
// never gets there fails.
const keeperBound = 90 * time.Second

// eventually polls cond until it holds, failing the test after keeperBound.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(keeperBound); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", keeperBound, what)
		}
	}
}

// runKeeper runs k until the test ends.
func runKeeper(t *testing.T, k *archive.IndexKeeper) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); k.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// searchable reports whether a search for the title of d finds it.
func searchable(a *archive.Archive, d gazette.Document) bool {
	res, err := a.Search(context.Background(), gazette.Query{Text: `"` + d.Title + `"`, PerPage: 100})
	if err != nil {
		return false
	}
	for _, h := range res.Hits {
		if h.ID == d.ID {
			return true
		}
	}
	return false
}

// TestKeeperRepairsWhenSearchReturns pauses a real Meilisearch, then
// publishes an issue while it is killed: the keeper reports search
// degraded meanwhile, and
// makes the issue searchable as soon as the engine is back, with no
// restart, telling Changed so that cached searches are dropped.
func TestKeeperRepairsWhenSearchReturns(t *testing.T) {
	ctx := context.Background()
	meili := archivetest.StartMeiliProcess(t)
	idx, err := meiliindex.New(ctx, meiliindex.Config{URL: meili.URL, Key: meili.Key, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	before, during := archivetest.NewSample(2019, 1, 3), archivetest.NewSample(2019, 2, 3)
	if _, err := a.Publish(ctx, before.Issue, bytes.NewReader(before.PDF), before.Documents); err != nil {
		t.Fatal(err)
	}
	var changed atomic.Int32
	k := &archive.IndexKeeper{Archive: a, Log: slog.New(slog.DiscardHandler),
		Changed: func() { changed.Add(1) }, Check: 100 * time.Millisecond}
	if got := k.Status(); got.State != archive.IndexStarting {
		t.Errorf("status before Run = %v", got)
	}
	runKeeper(t, k)
	eventually(t, "search not reported ok", func() bool { return k.Status().State == archive.IndexOK })

	// Paused, the engine answers nothing: reported down all the same.
	meili.Pause()
	eventually(t, "paused search not reported down", func() bool { return k.Status().State == archive.IndexUnavailable })
	meili.Resume()
	eventually(t, "search not reported ok after SIGCONT", func() bool { return k.Status().State == archive.IndexOK })

	meili.Kill()
	eventually(t, "search not reported down", func() bool { return k.Status().State == archive.IndexUnavailable })
	if s := k.Status().String(); !strings.Contains(s, "degraded") || !strings.Contains(s, "reading is served") {
		t.Errorf("status while down = %q", s)
	}
	_, err = a.Publish(ctx, during.Issue, bytes.NewReader(during.PDF), during.Documents)
	if !errors.Is(err, gazette.ErrUnavailable) {
		t.Errorf("publish while search is down: %v, want the issue published and ErrUnavailable from the index", err)
	}
	if _, err := a.Issue(ctx, during.Issue.Key()); err != nil {
		t.Fatalf("the issue published while search was down is not readable: %v", err)
	}
	changedBefore := changed.Load()

	meili.Start()
	eventually(t, "the issue published while search was down never became searchable", func() bool {
		return searchable(a, during.Documents[2])
	})
	eventually(t, "search not reported ok again", func() bool { return k.Status().State == archive.IndexOK })
	if changed.Load() == changedBefore {
		t.Error("the repair did not tell Changed: cached searches outlive it")
	}
	if !searchable(a, before.Documents[0]) {
		t.Error("a document indexed before the outage is lost")
	}
}

// TestKeeperReportsStartupRepair starts a keeper on a real Meilisearch
// index that misses the stored documents: it says the index is being
// repaired until the repair is done, then ok.
func TestKeeperReportsStartupRepair(t *testing.T) {
	ctx := context.Background()
	meili := archivetest.StartMeiliProcess(t)
	blobs := archivetest.NewMemBlobs()
	s := archivetest.NewSample(2020, 5, 4)
	if _, err := archive.New(blobs, nil, nil).Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	idx, err := meiliindex.New(ctx, meiliindex.Config{URL: meili.URL, Key: meili.Key})
	if err != nil {
		t.Fatal(err)
	}
	held := archivetest.HoldPuts(idx)
	a := archive.New(blobs, held, nil)
	var changed atomic.Int32
	k := &archive.IndexKeeper{Archive: a, Log: slog.New(slog.DiscardHandler), Changed: func() { changed.Add(1) }, Check: 100 * time.Millisecond}
	runKeeper(t, k)
	eventually(t, "the start-up repair is not reported", func() bool { return k.Status().State == archive.IndexRepairing })
	if st := k.Status().String(); !strings.Contains(st, "repairing") {
		t.Errorf("status during the repair = %q", st)
	}
	time.Sleep(300 * time.Millisecond) // several checks: still repairing
	if got := k.Status().State; got != archive.IndexRepairing || changed.Load() != 0 {
		t.Errorf("while the repair is held: state %v, Changed told %d times", got, changed.Load())
	}
	held.Release()
	eventually(t, "search not reported ok after the repair", func() bool { return k.Status().State == archive.IndexOK })
	if changed.Load() != 1 {
		t.Errorf("Changed told %d times after one repair, want 1", changed.Load())
	}
	for _, d := range s.Documents {
		if !searchable(a, d) {
			t.Errorf("%s not searchable after the repair", d.ID)
		}
	}
}
