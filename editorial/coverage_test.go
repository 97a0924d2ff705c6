package editorial

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

func TestGapMarks(t *testing.T) {
	for _, b := range backends() {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, b.open(t), nil)
			ed := f.user(t, "archivist", RoleEditor).Actor
			if ms, err := f.svc.GapMarks(ctx); err != nil || len(ms) != 0 {
				t.Fatalf("no marks yet: %v, %v", ms, err)
			}
			key := func(n int) gazette.IssueKey { return gazette.IssueKey{Year: 1998, Number: n} }
			// Two archivists marking at once: both marks land.
			var wg sync.WaitGroup
			errs := make([]error, 6)
			for i := range errs {
				wg.Go(func() {
					errs[i] = f.svc.MarkGap(ctx, ed, gazette.GapMark{Key: key(i + 1), State: gazette.SlotLost, Note: fmt.Sprintf("第%d期馆藏缺失", i+1)})
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.MarkGap(ctx, ed, gazette.GapMark{Key: key(2), State: gazette.SlotNotPublished, Note: " 当期停刊 "}); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.MarkGap(ctx, ed, gazette.GapMark{Key: key(3)}); err != nil { // unmark
				t.Fatal(err)
			}
			ms, err := f.svc.GapMarks(ctx)
			if err != nil || len(ms) != 5 {
				t.Fatalf("marks %v, %v; want 5", ms, err)
			}
			if m := ms[1]; m.Key != key(2) || m.State != gazette.SlotNotPublished || m.Note != "当期停刊" || m.By != "archivist" || m.At.IsZero() {
				t.Errorf("second mark %+v", m)
			}
			for _, bad := range []gazette.GapMark{
				{Key: key(7), State: "present"},
				{Key: gazette.IssueKey{Year: 1998, Number: 1, Supplement: true}, State: gazette.SlotLost},
			} {
				if err := f.svc.MarkGap(ctx, ed, bad); !errors.Is(err, gazette.ErrInvalid) {
					t.Errorf("%+v: %v, want ErrInvalid", bad, err)
				}
			}
			entries, err := f.svc.Audit(ctx, f.admin, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range entries {
				if e.Action == "coverage.mark" && e.Outcome == OutcomeOK && e.User == "archivist" {
					n++
				}
			}
			if n != 8 {
				t.Errorf("%d coverage.mark entries audited, want 8", n)
			}
		})
	}
}

func TestPendingIssues(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	ed := f.user(t, "editor.p", RoleEditor).Actor
	d := prepared(t, f, ed)
	refs, err := f.svc.PendingIssues(ctx)
	if err != nil || len(refs) != 1 || refs[0].Key != d.Issue.IssueKey {
		t.Errorf("PendingIssues = %v, %v; want the draft's issue %s", refs, err, d.Issue.IssueKey)
	}
	// A new draft takes the next number: that issue is in preparation.
	d2, err := f.svc.CreateDraft(ctx, ed)
	if err != nil {
		t.Fatal(err)
	}
	if refs, _ := f.svc.PendingIssues(ctx); len(refs) != 2 || (refs[0].Key != d2.Issue.IssueKey && refs[1].Key != d2.Issue.IssueKey) {
		t.Errorf("PendingIssues = %v; want %s and %s", refs, d.Issue.IssueKey, d2.Issue.IssueKey)
	}
}
