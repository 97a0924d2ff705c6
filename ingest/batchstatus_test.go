package ingest_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/report"
)

func TestBatchStatus(t *testing.T) {
	ctx := context.Background()
	store := archivetest.NewMemBlobs()
	t0 := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	clock := t0
	now := func() time.Time { return clock }
	paths := []string{"/archive/1987", "/archive/1986"}
	if report.BatchID(paths) != report.BatchID([]string{"/archive/1986", "/archive/1987/"}) {
		t.Error("the same folders in another order are another batch")
	}
	finish := func(r *ingest.BatchRecorder, o ingest.Outcome, pages int) {
		t.Helper()
		clock = clock.Add(5 * time.Second)
		if err := r.Record(ctx, ingest.Progress{Last: &ingest.FileReport{Outcome: o, Pages: pages}}); err != nil {
			t.Fatal(err)
		}
	}
	// Two machines share the batch.
	a, err := ingest.NewBatchRecorder(ctx, store, paths, "m1:101", 10, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ingest.NewBatchRecorder(ctx, store, paths, "m2:202", 10, now)
	for _, o := range []ingest.Outcome{ingest.Ingested, ingest.Ingested, ingest.NeedsReview} {
		finish(a, o, 20)
	}
	finish(b, ingest.Failed, 0)
	finish(b, ingest.DoneElsewhere, 20) // a's file, a's to count
	finish(b, ingest.Ingested, 20)
	sums, err := report.Batches(ctx, store, clock)
	if err != nil || len(sums) != 1 {
		t.Fatalf("batches %+v, %v", sums, err)
	}
	s := sums[0]
	if s.State != report.BatchRunning || s.Files != 10 || s.Done != 5 || s.Ingested != 3 || s.Review != 1 || s.Failed != 1 || s.Pages != 80 || len(s.Processes) != 2 {
		t.Errorf("running batch %+v", s)
	}
	if s.PagesPerMinute <= 0 || s.SecondsLeft == nil || *s.SecondsLeft <= 0 {
		t.Errorf("rate %v pages/min, %v s left", s.PagesPerMinute, s.SecondsLeft)
	}
	// One machine dies: silent for long, the batch is interrupted.
	if err := a.Finish(ctx, errors.New("interrupted")); err != nil {
		t.Fatal(err)
	}
	sums, _ = report.Batches(ctx, store, clock.Add(time.Hour))
	if sums[0].State != report.BatchInterrupted {
		t.Errorf("after the processes stopped: %s, want interrupted", sums[0].State)
	}
	// A rerun resumes it: the files done before come back skipped, and
	// only this run counts.
	clock = clock.Add(2 * time.Hour)
	c, _ := ingest.NewBatchRecorder(ctx, store, paths, "m1:303", 10, now)
	for range 5 {
		finish(c, ingest.Skipped, 0)
	}
	for range 5 {
		finish(c, ingest.Ingested, 10)
	}
	if err := c.Finish(ctx, nil); err != nil {
		t.Fatal(err)
	}
	sums, _ = report.Batches(ctx, store, clock)
	if s := sums[0]; s.State != report.BatchFinished || s.Done != 10 || s.Ingested != 5 || s.Skipped != 5 || len(s.Processes) != 1 {
		t.Errorf("after the rerun %+v", s)
	}
}

// TestBatchStatusProduce checks that a batch names what its files became,
// over every run: the issues ingested (or found ingested) and the drafts
// queued for review; a file done by another process is that one's.
func TestBatchStatusProduce(t *testing.T) {
	ctx := context.Background()
	store := archivetest.NewMemBlobs()
	clock := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	paths := []string{"/archive/1987"}
	file := func(r *ingest.BatchRecorder, fr ingest.FileReport) {
		t.Helper()
		clock = clock.Add(5 * time.Second)
		if err := r.Record(ctx, ingest.Progress{Last: &fr}); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := ingest.NewBatchRecorder(ctx, store, paths, "m1:1", 5, now)
	file(a, ingest.FileReport{Outcome: ingest.Ingested, Issue: "1987-2"})
	file(a, ingest.FileReport{Outcome: ingest.NeedsReview, Draft: "d1"})
	file(a, ingest.FileReport{Outcome: ingest.Failed})
	b, _ := ingest.NewBatchRecorder(ctx, store, paths, "m2:2", 5, now)
	file(b, ingest.FileReport{Outcome: ingest.DoneElsewhere, Issue: "1987-9"})
	file(b, ingest.FileReport{Outcome: ingest.Ingested, Issue: "1987-1"})
	if err := a.Finish(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Finish(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// A rerun finds them ingested, queues the same draft again and one more.
	clock = clock.Add(time.Hour)
	c, _ := ingest.NewBatchRecorder(ctx, store, paths, "m1:3", 5, now)
	file(c, ingest.FileReport{Outcome: ingest.Skipped, Issue: "1987-2"})
	file(c, ingest.FileReport{Outcome: ingest.Skipped, Issue: "1987-2"})
	file(c, ingest.FileReport{Outcome: ingest.NeedsReview, Draft: "d1"})
	file(c, ingest.FileReport{Outcome: ingest.NeedsReview, Draft: "d0"})
	if err := c.Finish(ctx, nil); err != nil {
		t.Fatal(err)
	}
	sums, err := report.Batches(ctx, store, clock)
	if err != nil || len(sums) != 1 {
		t.Fatalf("batches %+v, %v", sums, err)
	}
	s := sums[0]
	if !slices.Equal(s.Issues, []string{"1987-1", "1987-2"}) || !slices.Equal(s.Drafts, []string{"d0", "d1"}) {
		t.Errorf("issues %q, drafts %q; want 1987-1 1987-2 and d0 d1", s.Issues, s.Drafts)
	}
	if len(s.Processes) != 1 || !slices.Equal(s.Processes[0].Issues, []string{"1987-2"}) || !slices.Equal(s.Processes[0].Drafts, []string{"d1", "d0"}) {
		t.Errorf("the rerun's record %+v: each issue and draft once", s.Processes)
	}
}
