package archive_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// TestStamps dates each published document by its last change, on every
// storage backend: the commit of its issue, then a correction, a relation
// recorded to it, and a validity change it caused each move it last; a
// scheduled issue has no stamps before its moment. Stamp dates each
// document as Stamps does, without listing the archive.
func TestStamps(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs, _ := be.open(t)
			now := time.Now()
			a := archive.New(blobs, nil, nil, archive.WithClock(func() time.Time { return now }))
			old, newer := archivetest.NewSample(2018, 3, 3), archivetest.NewSample(2019, 5, 3)
			for _, s := range []archivetest.Sample{old, newer} {
				if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
					t.Fatal(err)
				}
			}
			later := archivetest.NewSample(now.Year(), 1, 2)
			later.Issue.Published = now.Add(time.Hour)
			if err := a.Schedule(ctx, later.Issue, bytes.NewReader(later.PDF), later.Documents); err != nil {
				t.Fatal(err)
			}
			stamps := func() map[string]time.Time {
				t.Helper()
				st, err := a.Stamps(ctx)
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]time.Time{}
				for i, s := range st {
					if i > 0 && s.Changed.Before(st[i-1].Changed) {
						t.Errorf("stamps out of order at %d", i)
					}
					if s.Issue == later.Issue.Key() {
						t.Fatalf("%s of a scheduled issue is stamped", s.ID)
					}
					out[s.ID] = s.Changed
					one, err := a.Stamp(ctx, s.ID)
					if err != nil || one.ID != s.ID || one.Issue != s.Issue || !one.Changed.Truncate(time.Second).Equal(s.Changed.Truncate(time.Second)) {
						t.Errorf("Stamp(%s) = %+v, %v; Stamps says %+v", s.ID, one, err, s)
					}
				}
				if _, err := a.Stamp(ctx, later.Documents[0].ID); !errors.Is(err, gazette.ErrNotFound) {
					t.Errorf("Stamp of a scheduled document: %v, want not found", err)
				}
				return out
			}
			first := stamps()
			if len(first) != 6 {
				t.Fatalf("%d stamps, want 6", len(first))
			}
			for id, at := range first {
				// The issues say they were released in 2018 and 2019;
				// they were committed now.
				if at.Before(now.Add(-time.Minute)) || at.After(time.Now().Add(time.Second)) {
					t.Errorf("%s stamped %v, committed at %v", id, at, now)
				}
			}
			pause := func() { time.Sleep(1100 * time.Millisecond) } // moments of storage may be seconds
			pause()
			d := old.Documents[0]
			d.Title += "（勘误）"
			if _, err := a.Correct(ctx, d.ID, d, gazette.Correction{Reason: "标题有误", Date: gazette.Date{Year: 2020, Month: 1, Day: 1}, By: "editor"}); err != nil {
				t.Fatal(err)
			}
			pause()
			cited := old.Documents[1].ID
			if _, err := a.AddRelation(ctx, newer.Documents[0].ID, gazette.Relation{Type: gazette.Cites, Target: cited, By: "editor", At: time.Now()}); err != nil {
				t.Fatal(err)
			}
			pause()
			cause := newer.Documents[2].ID
			if _, err := a.SetValidity(ctx, old.Documents[2].ID, gazette.ValidityChange{State: gazette.Repealed, Since: gazette.Date{Year: 2019, Month: 6, Day: 1},
				ChangedBy: cause, By: "editor", At: time.Now()}); err != nil {
				t.Fatal(err)
			}
			got := stamps()
			steps := []struct {
				what, id string
				after    string // the id whose stamp it must follow
			}{
				{"corrected", d.ID, newer.Documents[1].ID},
				{"cited by a recorded relation", cited, d.ID},
				{"repealed", old.Documents[2].ID, cited},
				{"the cause of a repeal", cause, cited},
			}
			for _, s := range steps {
				if !got[s.id].After(got[s.after]) {
					t.Errorf("%s %s: stamped %v, not after %v", s.what, s.id, got[s.id], got[s.after])
				}
			}
			if !got[newer.Documents[1].ID].Equal(first[newer.Documents[1].ID]) {
				t.Errorf("an unchanged document's stamp moved")
			}
		})
	}
}
