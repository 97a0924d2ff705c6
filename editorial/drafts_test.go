package editorial

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

func TestSuggestNext(t *testing.T) {
	now := time.Date(2024, 3, 1, 9, 0, 0, 0, gazette.ChinaTime)
	tests := []struct {
		name      string
		latest    *gazette.Issue
		scheduled []gazette.Issue
		wantKey   gazette.IssueKey
		wantTotal int
	}{
		{"nothing published", nil, nil, gazette.IssueKey{Year: 2024, Number: 1}, 0},
		{"same year", &gazette.Issue{IssueKey: gazette.IssueKey{Year: 2024, Number: 6}, TotalNumber: 1233}, nil, gazette.IssueKey{Year: 2024, Number: 7}, 1234},
		{"new year starts at 1", &gazette.Issue{IssueKey: gazette.IssueKey{Year: 2023, Number: 36}, TotalNumber: 1227}, nil, gazette.IssueKey{Year: 2024, Number: 1}, 1228},
		{"scheduled counts", &gazette.Issue{IssueKey: gazette.IssueKey{Year: 2024, Number: 6}, TotalNumber: 1233},
			[]gazette.Issue{{IssueKey: gazette.IssueKey{Year: 2024, Number: 7}, TotalNumber: 1234}}, gazette.IssueKey{Year: 2024, Number: 8}, 1235},
		{"supplement has no number in sequence", &gazette.Issue{IssueKey: gazette.IssueKey{Year: 2024, Number: 2, Supplement: true}},
			[]gazette.Issue{{IssueKey: gazette.IssueKey{Year: 2024, Number: 4}}}, gazette.IssueKey{Year: 2024, Number: 5}, 0},
		{"unknown total stays unknown", &gazette.Issue{IssueKey: gazette.IssueKey{Year: 2024, Number: 3}}, nil, gazette.IssueKey{Year: 2024, Number: 4}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newMem(), nil)
			f.clock.t = now
			f.arch.latest, f.arch.scheduled = tt.latest, tt.scheduled
			ed := f.user(t, "editor.one", RoleEditor).Actor
			key, total, err := f.svc.SuggestNext(context.Background(), ed)
			if err != nil || key != tt.wantKey || total != tt.wantTotal {
				t.Errorf("SuggestNext = %v, %d, %v; want %v, %d", key, total, err, tt.wantKey, tt.wantTotal)
			}
		})
	}
}

// prepared makes a draft by author with the test PDF uploaded and a release
// time set, ready to submit.
func prepared(t *testing.T, f *fixture, author Actor) *Draft {
	t.Helper()
	ctx := context.Background()
	d, err := f.svc.CreateDraft(ctx, author)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = f.svc.UploadPDF(ctx, author, d.ID, d.ETag, bytes.NewReader(testPDF)); err != nil {
		t.Fatal(err)
	}
	d.Issue.Published = time.Date(2024, 3, 5, 9, 0, 0, 0, gazette.ChinaTime)
	if d, err = f.svc.Save(ctx, author, d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDraftWorkflow(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, be.open(t), nil)
			f.arch.latest = &gazette.Issue{Gazette: "福建省人民政府公报", IssueKey: gazette.IssueKey{Year: 2024, Number: 5}, TotalNumber: 1232}
			author := f.user(t, "editor.one", RoleEditor).Actor
			editor2 := f.user(t, "editor.two", RoleEditor).Actor
			chief := f.user(t, "chief.one", RoleChief).Actor
			chief2 := f.user(t, "chief.two", RoleChief).Actor

			d, err := f.svc.CreateDraft(ctx, author)
			if err != nil {
				t.Fatal(err)
			}
			if d.Issue.Key() != (gazette.IssueKey{Year: 2024, Number: 6}) || d.Issue.TotalNumber != 1233 || d.State != StateDrafting {
				t.Fatalf("new draft %+v", d.Issue)
			}
			if d, err = f.svc.UploadPDF(ctx, author, d.ID, d.ETag, bytes.NewReader([]byte("<html>not a pdf"))); !errors.Is(err, gazette.ErrInvalid) {
				t.Fatalf("upload of a non-PDF: %v", err)
			}
			d, _ = f.svc.Draft(ctx, author, mustID(t, f, author))
			if d, err = f.svc.UploadPDF(ctx, author, d.ID, d.ETag, bytes.NewReader(testPDF)); err != nil {
				t.Fatal(err)
			}
			// The cover says 第7期 (总第1234期): it wins over the suggestion, and says so.
			if d.Issue.Key() != (gazette.IssueKey{Year: 2024, Number: 7}) || d.Issue.TotalNumber != 1234 || len(d.Review) != 2 {
				t.Errorf("after upload: %v total %d review %q", d.Issue.Key(), d.Issue.TotalNumber, d.Review)
			}
			if len(d.Documents) != 2 || d.Documents[1].ID != "2024-7-2" || d.Issue.PDF.Pages != 4 || d.Documents[0].Body[1] != "现将《某某办法》印发给你们，请认真贯彻执行。" {
				t.Fatalf("documents %+v pdf %+v", d.Documents, d.Issue.PDF)
			}
			rc, _, err := f.svc.OpenPDF(ctx, editor2, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			buf.ReadFrom(rc)
			rc.Close()
			if !bytes.Equal(buf.Bytes(), testPDF) {
				t.Error("stored PDF differs from the upload")
			}
			// Incomplete (a title missing): saved all the same, with the
			// problem named, and cannot be submitted.
			title := d.Documents[0].Title
			d.Documents[0].Title = ""
			if d, err = f.svc.Save(ctx, author, d); err != nil {
				t.Fatalf("save of an incomplete draft: %v", err)
			}
			if p := d.Problems(); len(p) != 1 || p[0].Field != "documents[0].title" || p[0].Zh == "" {
				t.Errorf("problems of a draft without a title: %+v", p)
			}
			if _, err := f.svc.Submit(ctx, author, d.ID, d.ETag); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("submit without a title: %v", err)
			}
			d.Documents[0].Title = title
			// Edit: add, reorder, remove documents; no release time yet.
			extra := d.Documents[1]
			extra.Title = "福建省人民政府办公厅关于补充事项的通知"
			if err := d.AddDocument(2, extra); err != nil {
				t.Fatal(err)
			}
			if err := d.MoveDocument(2, 0); err != nil {
				t.Fatal(err)
			}
			if err := d.RemoveDocument(1); err != nil {
				t.Fatal(err)
			}
			if err := d.MoveDocument(0, 5); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("move out of range: %v", err)
			}
			d.Documents[0].Pages = gazette.PageRange{First: 1, Last: 1}
			if d, err = f.svc.Save(ctx, author, d); err != nil {
				t.Fatal(err)
			}
			if d.Documents[0].ID != "2024-7-1" || d.Documents[0].Title != extra.Title || len(d.Documents) != 2 {
				t.Fatalf("after edit: %+v", d.Documents)
			}
			// No release time: the content is complete, so it can be
			// submitted; the chief editor chooses the moment.
			if d, err = f.svc.Submit(ctx, author, d.ID, d.ETag); err != nil {
				t.Fatalf("submit without a release time: %v", err)
			}
			// Submitted is locked: no edit, no upload, until withdrawn.
			if _, err := f.svc.Save(ctx, author, d); !errors.Is(err, ErrState) {
				t.Errorf("edit of a submitted draft: %v", err)
			}
			if _, err := f.svc.UploadPDF(ctx, author, d.ID, d.ETag, bytes.NewReader(testPDF)); !errors.Is(err, ErrState) {
				t.Errorf("upload to a submitted draft: %v", err)
			}
			// Four eyes: not the author, not an editor, not a contributor.
			if _, err := f.svc.Approve(ctx, author, d.ID, d.ETag); !errors.Is(err, ErrForbidden) {
				t.Errorf("author (an editor) approves: %v", err)
			}
			if _, err := f.svc.Approve(ctx, editor2, d.ID, d.ETag); !errors.Is(err, ErrForbidden) {
				t.Errorf("another editor approves: %v", err)
			}
			own := prepared(t, f, chief2)
			if own, err = f.svc.Submit(ctx, chief2, own.ID, own.ETag); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Approve(ctx, chief2, own.ID, own.ETag); !errors.Is(err, ErrOwnDraft) {
				t.Errorf("chief approves own draft: %v", err)
			}
			if _, err := f.svc.Schedule(ctx, author, d.ID, d.ETag); !errors.Is(err, ErrState) {
				t.Errorf("schedule before approval: %v", err)
			}
			if d, err = f.svc.Approve(ctx, chief, d.ID, d.ETag); err != nil || d.State != StateApproved || d.ApprovedBy != "chief.one" {
				t.Fatalf("approve: %v, %+v", err, d)
			}
			// An approved draft is locked too; withdrawing it is explicit,
			// voids the approval and is audited.
			d.Documents[1].Title = "福建省人民政府关于某某同志职务任免的通知"
			if _, err := f.svc.Save(ctx, editor2, d); !errors.Is(err, ErrState) {
				t.Fatalf("edit of an approved draft: %v", err)
			}
			if _, err := f.svc.Withdraw(ctx, editor2, d.ID, d.ETag); !errors.Is(err, ErrForbidden) {
				t.Errorf("an editor who never touched it withdraws: %v", err)
			}
			title1 := d.Documents[1].Title
			if d, err = f.svc.Withdraw(ctx, author, d.ID, d.ETag); err != nil || d.State != StateDrafting || d.ApprovedBy != "" {
				t.Fatalf("withdraw: %v, %+v", err, d)
			}
			d.Documents[1].Title = title1
			if d, err = f.svc.Save(ctx, editor2, d); err != nil {
				t.Fatal(err)
			}
			if d, err = f.svc.Submit(ctx, editor2, d.ID, d.ETag); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Approve(ctx, editor2, d.ID, d.ETag); !errors.Is(err, ErrForbidden) {
				t.Errorf("contributing editor approves: %v", err)
			}
			if d, err = f.svc.Approve(ctx, chief, d.ID, d.ETag); err != nil {
				t.Fatal(err)
			}
			// The moment: none yet, and only a chief editor chooses one;
			// a moment past is refused unless publishing at once.
			if _, err := f.svc.Schedule(ctx, author, d.ID, d.ETag); !errors.Is(err, ErrNoMoment) {
				t.Errorf("schedule without a moment: %v", err)
			}
			at := time.Date(2024, 3, 5, 9, 0, 0, 0, gazette.ChinaTime)
			if _, err := f.svc.ScheduleAt(ctx, author, d.ID, d.ETag, at, false); !errors.Is(err, ErrForbidden) {
				t.Errorf("an editor chooses the moment: %v", err)
			}
			if _, err := f.svc.ScheduleAt(ctx, chief, d.ID, d.ETag, f.clock.Now().Add(-time.Hour), false); !errors.Is(err, ErrPast) {
				t.Errorf("schedule in the past: %v", err)
			}
			if d, err = f.svc.ScheduleAt(ctx, chief, d.ID, d.ETag, at, false); err != nil || d.State != StateScheduled || !d.Issue.Published.Equal(at) {
				t.Fatalf("schedule: %v", err)
			}
			if f.arch.calls != 1 || !bytes.Equal(f.arch.pdfBytes, testPDF) || len(f.arch.docs) != 2 || f.arch.scheduled[0].Contents[1].Title != "福建省人民政府关于某某同志职务任免的通知" {
				t.Fatalf("archive got %d calls, docs %+v", f.arch.calls, f.arch.docs)
			}
			if _, err := f.svc.Save(ctx, author, d); !errors.Is(err, ErrState) {
				t.Errorf("edit of a scheduled draft: %v", err)
			}
			// A new draft now suggests the number after the scheduled one.
			if key, total, _ := f.svc.SuggestNext(ctx, author); key.Number != 8 || total != 1235 {
				t.Errorf("after scheduling, suggest %v %d", key, total)
			}
			// Release: the archive shows it, the draft follows.
			f.clock.t = d.Issue.Published.Add(time.Minute)
			f.arch.public[d.Issue.IssueKey] = true
			if d, err = f.svc.Draft(ctx, author, d.ID); err != nil || d.State != StatePublished {
				t.Fatalf("after release: %v, state %s", err, d.State)
			}
			// Delete: only unapproved, own or by a chief.
			other := prepared(t, f, editor2)
			if err := f.svc.DeleteDraft(ctx, author, other.ID, other.ETag); !errors.Is(err, ErrForbidden) {
				t.Errorf("editor deletes another's draft: %v", err)
			}
			if err := f.svc.DeleteDraft(ctx, chief, other.ID, other.ETag); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Draft(ctx, author, other.ID); !errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("deleted draft: %v", err)
			}
			list, err := f.svc.Drafts(ctx, author)
			if err != nil || len(list) != 2 {
				t.Errorf("drafts: %d, %v; want 2", len(list), err)
			}
		})
	}
}

func mustID(t *testing.T, f *fixture, a Actor) string {
	t.Helper()
	list, err := f.svc.Drafts(context.Background(), a)
	if err != nil || len(list) == 0 {
		t.Fatalf("drafts: %v", err)
	}
	return list[0].ID
}

func TestDraftConcurrentSaves(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs := be.open(t)
			f := newFixture(t, blobs, nil)
			replica := newFixture(t, blobs, func(c *Config) { c.Now = f.clock.Now }).svc
			a := f.user(t, "editor.a", RoleEditor).Actor
			b := f.user(t, "editor.b", RoleEditor).Actor
			d := prepared(t, f, a)

			// Two editors load the same version; the second save conflicts.
			da, _ := f.svc.Draft(ctx, a, d.ID)
			db, _ := replica.Draft(ctx, b, d.ID)
			da.Documents[0].Title = "甲改的标题"
			db.Documents[0].Title = "乙改的标题"
			if _, err := f.svc.Save(ctx, a, da); err != nil {
				t.Fatal(err)
			}
			if _, err := replica.Save(ctx, b, db); !errors.Is(err, gazette.ErrConflict) {
				t.Fatalf("second save: %v, want ErrConflict", err)
			}
			// B reloads and saves on top of A's change.
			db, _ = replica.Draft(ctx, b, d.ID)
			if db.Documents[0].Title != "甲改的标题" {
				t.Fatalf("reloaded title %q", db.Documents[0].Title)
			}

			// Truly concurrent: of n saves from one version exactly one wins.
			const n = 6
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins, conflicts := 0, 0
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					svc, who := f.svc, a
					if i%2 == 1 {
						svc, who = replica, b
					}
					mine := *db
					mine.Documents = append([]gazette.Document(nil), db.Documents...)
					mine.Documents[0].Title = "并发标题" + string(rune('A'+i))
					_, err := svc.Save(ctx, who, &mine)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						wins++
					case errors.Is(err, gazette.ErrConflict):
						conflicts++
					default:
						t.Errorf("save %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			if wins != 1 || conflicts != n-1 {
				t.Errorf("%d saves won, %d conflicted; want 1 and %d", wins, conflicts, n-1)
			}
		})
	}
}

// 立即发布: a moment already past is taken only with the confirmation to
// publish at once, by a chief editor, and the real time becomes the
// release time, so the issue sorts where it belongs in feeds and records.
func TestScheduleNow(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	author := f.user(t, "editor.one", RoleEditor).Actor
	chief := f.user(t, "chief.one", RoleChief).Actor
	d := prepared(t, f, author) // release 2024-03-05 09:00, the clock 2024-03-01 09:00
	var err error
	if d, err = f.svc.Submit(ctx, author, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	if d, err = f.svc.Approve(ctx, chief, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(5 * 24 * time.Hour) // the approved moment has passed
	if _, err := f.svc.Schedule(ctx, author, d.ID, d.ETag); !errors.Is(err, ErrPast) {
		t.Fatalf("schedule at a moment past = %v, want ErrPast", err)
	}
	if _, err := f.svc.ScheduleAt(ctx, author, d.ID, d.ETag, time.Time{}, true); !errors.Is(err, ErrForbidden) {
		t.Errorf("an editor publishes at once = %v, want ErrForbidden", err)
	}
	if d, err = f.svc.ScheduleAt(ctx, chief, d.ID, d.ETag, time.Time{}, true); err != nil {
		t.Fatal(err)
	}
	if now := f.clock.Now(); !d.Issue.Published.Equal(now.UTC().Truncate(time.Second)) || !f.arch.scheduled[0].Published.Equal(d.Issue.Published) {
		t.Errorf("published at once with release %v (archive %v), want the real time %v", d.Issue.Published, f.arch.scheduled[0].Published, now)
	}
}
