package editorial

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
)

func TestQueueForReview(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, b.open(t), nil)
			pdf := []byte("%PDF-1.4\n% a scanned issue of 1987\n")
			path := filepath.Join(t.TempDir(), "1987-03.pdf")
			if err := os.WriteFile(path, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			res, err := fakeSplit(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			res.Issue.Year, res.Issue.Number, res.Issue.Date = 1987, 3, gazette.Date{Year: 1987, Month: 2, Day: 10}
			res.Review = []string{"第2页：无法识别的文字过多"}
			res.Pages = []report.PageReport{{Number: 1, Extractor: page.OCR, Confidence: 0.8}, {Number: 2, Extractor: page.None}}
			// Two ingest machines queueing the same file at once: one draft.
			var wg sync.WaitGroup
			drafts := make([]*Draft, 3)
			errs := make([]error, 3)
			for i := range drafts {
				wg.Go(func() { drafts[i], errs[i] = f.svc.QueueForReview(ctx, CommandLine("ingest"), path, pdf, res) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			d := drafts[0]
			for _, o := range drafts[1:] {
				if o.ID != d.ID {
					t.Errorf("the same file queued as drafts %s and %s", d.ID, o.ID)
				}
			}
			got, err := f.svc.Draft(ctx, f.admin, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != StateDrafting || got.Issue.Key() != (gazette.IssueKey{Year: 1987, Number: 3}) || len(got.Documents) != 2 ||
				!strings.Contains(strings.Join(got.Review, "|"), "无法识别的文字过多") || got.Issue.PDF.Size != int64(len(pdf)) {
				t.Errorf("queued draft %+v", got)
			}
			if want := time.Date(1987, 2, 10, 0, 0, 0, 0, gazette.ChinaTime); !got.Issue.Published.Equal(want) {
				t.Errorf("a historical issue keeps its day: %v, want %v", got.Issue.Published, want)
			}
			if src := got.Documents[0].Sources; len(src) != 1 || src[0].Method != gazette.OCR {
				t.Errorf("sources of the first document %+v: want page 1 by OCR", src)
			}
			// An archivist's work is never overwritten by a rerun.
			got.Documents[0].Title = "福建省人民政府关于某某办法的通知（已核对）"
			if _, err := f.svc.Save(ctx, f.admin, got); err != nil {
				t.Fatal(err)
			}
			again, err := f.svc.QueueForReview(ctx, CommandLine("ingest"), path, pdf, res)
			if err != nil || again.ID != d.ID || again.Documents[0].Title != "福建省人民政府关于某某办法的通知（已核对）" {
				t.Errorf("queued again: %v, %+v", err, again)
			}
			if _, err := f.svc.QueueForReview(ctx, CommandLine("ingest"), path, []byte("not a pdf"), res); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("not a PDF: %v", err)
			}
		})
	}
}

// TestPublishHistorical: a reviewed issue of the historical archive is
// published at once with the day it appeared, after approval as any
// other; an issue whose day is to come must be scheduled.
func TestPublishHistorical(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	author := f.user(t, "archivist.one", RoleEditor).Actor
	chief := f.user(t, "chief.h", RoleChief).Actor
	d := prepared(t, f, author) // released 2024-03-05 09:00; the clock says 2024-03-01
	if _, err := f.svc.PublishHistorical(ctx, author, d.ID, d.ETag); !errors.Is(err, ErrState) {
		t.Errorf("before approval: %v, want ErrState", err)
	}
	d, err := f.svc.Submit(ctx, author, d.ID, d.ETag)
	if err == nil {
		d, err = f.svc.Approve(ctx, chief, d.ID, d.ETag)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PublishHistorical(ctx, author, d.ID, d.ETag); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("an issue still to come published as historical: %v, want ErrInvalid", err)
	}
	f.clock.Add(30 * 24 * time.Hour) // its day has passed
	d, err = f.svc.PublishHistorical(ctx, author, d.ID, d.ETag)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 3, 5, 9, 0, 0, 0, gazette.ChinaTime)
	if d.State != StateScheduled || len(f.arch.scheduled) != 1 || !f.arch.scheduled[0].Published.Equal(want) {
		t.Errorf("handed over %+v; want the issue with its own day %v", f.arch.scheduled, want)
	}
}
