package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// BatchRecorder keeps one process's BatchStatus in storage as the batch
// runs: at the start, as files finish (at most every few seconds) and at
// the end. Its methods are not safe for concurrent use (Batch calls
// Progress from one goroutine at a time).
type BatchRecorder struct {
	store Ledger
	st    report.BatchStatus
	now   func() time.Time
	wrote time.Time
	// seen are the issues and drafts already in st.
	seen map[string]bool
}

// recordEvery bounds how often a running batch writes its status.
const recordEvery = 2 * time.Second

// NewBatchRecorder starts the record of the batch of paths run by owner,
// with files PDFs found, and writes it.
func NewBatchRecorder(ctx context.Context, store Ledger, paths []string, owner string, files int, now func() time.Time) (*BatchRecorder, error) {
	if now == nil {
		now = time.Now
	}
	t := now().UTC()
	r := &BatchRecorder{store: store, now: now, st: report.BatchStatus{
		ID: report.BatchID(paths), Owner: owner, Paths: slices.Clone(paths), Started: t, Updated: t, State: report.BatchRunning, Files: files,
	}}
	return r, r.write(ctx)
}

// ID is the batch's.
func (r *BatchRecorder) ID() string { return r.st.ID }

// Record counts the file p.Last and writes the status when it is due.
func (r *BatchRecorder) Record(ctx context.Context, p Progress) error {
	if p.Last != nil {
		switch p.Last.Outcome {
		case Ingested:
			r.st.Ingested++
		case NeedsReview:
			r.st.Review++
		case Failed:
			r.st.Failed++
		case Skipped:
			r.st.Skipped++
		}
		if p.Last.Outcome != DoneElsewhere {
			r.st.Pages += p.Last.Pages
		}
		// What the file became: an issue in the archive, or a draft in the
		// review queue. A file done elsewhere is the other process's.
		switch {
		case (p.Last.Outcome == Ingested || p.Last.Outcome == Skipped) && p.Last.Issue != "":
			r.add(&r.st.Issues, "issue:", p.Last.Issue)
		case p.Last.Outcome == NeedsReview && p.Last.Draft != "":
			r.add(&r.st.Drafts, "draft:", p.Last.Draft)
		}
	}
	if r.now().Sub(r.wrote) < recordEvery {
		return nil
	}
	return r.write(ctx)
}

// add appends v to list once.
func (r *BatchRecorder) add(list *[]string, kind, v string) {
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if !r.seen[kind+v] {
		r.seen[kind+v] = true
		*list = append(*list, v)
	}
}

// Finish writes the final status: finished, or interrupted when err (the
// batch's) says it was.
func (r *BatchRecorder) Finish(ctx context.Context, err error) error {
	r.st.State = report.BatchFinished
	if err != nil {
		r.st.State = report.BatchInterrupted
	}
	// The batch's context may be over; the record is written all the same.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return r.write(wctx)
}

func (r *BatchRecorder) write(ctx context.Context) error {
	r.st.Updated = r.now().UTC()
	raw, err := json.Marshal(r.st)
	if err != nil {
		return err
	}
	if _, err := r.store.Put(ctx, report.StatusKey(r.st.ID, r.st.Owner), bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{ContentType: "application/json"}); err != nil {
		return fmt.Errorf("ingest: batch status: %w", err)
	}
	r.wrote = r.now()
	return nil
}

// CountFiles counts the PDFs a batch of paths would read.
func CountFiles(paths []string) (int, error) {
	files, _, err := collect(paths)
	return len(files), err
}
