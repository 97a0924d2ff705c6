package editorial

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// scheduledAs takes a prepared draft through approval to scheduled under
// key.
func scheduledAs(t *testing.T, f *fixture, author, chief Actor, key gazette.IssueKey) *Draft {
	t.Helper()
	ctx := context.Background()
	d := prepared(t, f, author)
	d.Issue.IssueKey = key
	var err error
	if d, err = f.svc.Save(ctx, author, d); err != nil {
		t.Fatal(err)
	}
	if d, err = f.svc.Submit(ctx, author, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	if d, err = f.svc.Approve(ctx, chief, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	if d, err = f.svc.Schedule(ctx, author, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	return d
}

// publishedEntries returns the audit log's draft.published entries.
func publishedEntries(t *testing.T, f *fixture) []Entry {
	t.Helper()
	all, err := f.svc.Audit(context.Background(), f.admin, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for _, e := range all {
		if e.Action == "draft.published" {
			out = append(out, e)
		}
	}
	return out
}

// TestIssuesPublished records a publication at the moment the publisher
// reports it: the draft is marked published with that moment, the audit
// log says when, once, however many times or replicas report it.
func TestIssuesPublished(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, be.open(t), nil)
			author := f.user(t, "editor.one", RoleEditor).Actor
			chief := f.user(t, "chief.one", RoleChief).Actor
			k7, k8, k9 := gazette.IssueKey{Year: 2024, Number: 7}, gazette.IssueKey{Year: 2024, Number: 8}, gazette.IssueKey{Year: 2024, Number: 9}
			d7 := scheduledAs(t, f, author, chief, k7)
			d8 := scheduledAs(t, f, author, chief, k8)
			d9 := scheduledAs(t, f, author, chief, k9)
			// A damaged record among the drafts does not stop the others.
			bad := []byte("{not a draft")
			if _, err := f.blobs.Put(ctx, draftKey("0123456789abcdef0123456789abcdef"), bytes.NewReader(bad), int64(len(bad)), gazette.PutOptions{}); err != nil {
				t.Fatal(err)
			}

			at := d7.Issue.Published.Add(350 * time.Millisecond)
			f.clock.t = at
			f.arch.public[k7] = true
			if err := f.svc.IssuesPublished(ctx, []gazette.IssueKey{k7}, at); err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.loadDraft(ctx, d7.ID)
			if err != nil || got.State != StatePublished || !got.Updated.Equal(at) {
				t.Fatalf("after IssuesPublished: %v, state %s, updated %v; want published at %v", err, got.State, got.Updated, at)
			}
			if other, err := f.svc.loadDraft(ctx, d8.ID); err != nil || other.State != StateScheduled {
				t.Errorf("the draft of another issue: %v, state %s; want still scheduled", err, other.State)
			}
			entries := publishedEntries(t, f)
			if len(entries) != 1 {
				t.Fatalf("draft.published entries: %+v; want one", entries)
			}
			e := entries[0]
			if e.Object != "draft/"+d7.ID || e.User != "(scheduler)" || !e.Time.Equal(at) ||
				!strings.Contains(e.Detail, "2024年第7期 published at 2024-03-05T09:00:00.350+08:00") || !strings.Contains(e.Detail, "350ms after") {
				t.Errorf("entry %+v", e)
			}

			// Reported again, or noticed by a reader: nothing more is recorded.
			if err := f.svc.IssuesPublished(ctx, []gazette.IssueKey{k7}, at.Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Draft(ctx, author, d7.ID); err != nil {
				t.Fatal(err)
			}
			if n := len(publishedEntries(t, f)); n != 1 {
				t.Errorf("after a second report and a read: %d draft.published entries, want 1", n)
			}

			// Several replicas reporting at once record it once.
			f.arch.public[k9] = true
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for range 4 {
				wg.Go(func() { errs <- f.svc.IssuesPublished(ctx, []gazette.IssueKey{k9}, at) })
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			n := 0
			for _, e := range publishedEntries(t, f) {
				if e.Object == "draft/"+d9.ID {
					n++
				}
			}
			if n != 1 {
				t.Errorf("concurrent reports: %d entries for the draft, want 1", n)
			}
		})
	}
}
