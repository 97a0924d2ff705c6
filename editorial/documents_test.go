package editorial

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// entriesSince returns the audit entries of action logged since from.
func entriesSince(t *testing.T, f *fixture, from time.Time, action string) []Entry {
	t.Helper()
	all, err := f.svc.Audit(context.Background(), f.admin, from, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for _, e := range all {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

func TestCorrect(t *testing.T) {
	const id = "2024-3-1"
	stored := errors.New("index unavailable")
	cases := []struct {
		name       string
		version    int   // the version edited from
		afterStore error // what the archive reports after storing
		noArchive  bool
		want       error // errors.Is; nil for success
		audited    bool  // an ok entry is written
	}{
		{name: "current version", version: 1, audited: true},
		{name: "stale version conflicts", version: 0, want: gazette.ErrConflict},
		{name: "stored but not indexed", version: 1, afterStore: stored, want: stored, audited: true},
		{name: "no archive", version: 1, noArchive: true, want: gazette.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, newMem(), func(cfg *Config) {
				if c.noArchive {
					cfg.Archive = nil
				}
			})
			f.arch.versions[id] = 1
			f.arch.afterStore = c.afterStore
			ed := f.user(t, "editor.c", RoleEditor).Actor
			since := f.clock.Now()
			// The caller's By and ID are not trusted.
			doc := gazette.Document{ID: "2024-3-9", Version: c.version, Title: "更正后的标题"}
			got, err := f.svc.Correct(ctx, ed, id, doc, gazette.Correction{Reason: "文号有误", Date: gazette.Date{Year: 2024, Month: 3, Day: 8}, By: "someone.else"})
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("Correct: %v, want %v", err, c.want)
			}
			if c.audited && (got == nil || got.Version != 2) {
				t.Errorf("Correct returned %+v, want version 2", got)
			}
			entries := entriesSince(t, f, since, "document.correct")
			if !c.audited {
				if len(entries) != 0 {
					t.Errorf("audited %+v for a correction not made", entries)
				}
				return
			}
			if len(entries) != 1 {
				t.Fatalf("audit entries %+v, want one", entries)
			}
			e := entries[0]
			if e.User != "editor.c" || e.Role != RoleEditor || e.Addr != ed.Addr || e.Object != "document/"+id || e.Outcome != OutcomeOK || !strings.Contains(e.Detail, "文号有误") {
				t.Errorf("audit entry %+v", e)
			}
			if c.afterStore != nil && !strings.Contains(e.Detail, c.afterStore.Error()) {
				t.Errorf("audit entry does not note the failure after storing: %q", e.Detail)
			}
			if n := len(f.arch.corrections); n != 1 || f.arch.corrections[0].By != "editor.c" {
				t.Errorf("archive received %+v, want one correction by editor.c", f.arch.corrections)
			}
		})
	}
}

func TestSetValidity(t *testing.T) {
	const id = "2024-3-1"
	repeal := gazette.ValidityChange{State: gazette.Repealed, Since: gazette.Date{Year: 2024, Month: 6, Day: 1}, ChangedBy: "2024-9-2", Note: "被新办法取代"}
	cases := []struct {
		name    string
		id      string
		want    error
		audited bool
	}{
		{name: "published document", id: id, audited: true},
		{name: "unknown document", id: "2030-1-1", want: gazette.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, newMem(), nil)
			f.arch.versions[id] = 1
			chief := f.user(t, "chief.v", RoleChief).Actor
			since := f.clock.Now()
			ch := repeal
			ch.By, ch.At = "someone.else", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
			got, err := f.svc.SetValidity(ctx, chief, c.id, ch)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("SetValidity: %v, want %v", err, c.want)
			}
			entries := entriesSince(t, f, since, "document.validity")
			if !c.audited {
				if len(entries) != 0 {
					t.Errorf("audited %+v for a change not made", entries)
				}
				return
			}
			if got == nil || got.Validity.State != gazette.Repealed {
				t.Errorf("SetValidity returned %+v", got)
			}
			if len(f.arch.changes) != 1 || f.arch.changes[0].By != "chief.v" || !f.arch.changes[0].At.Equal(since) {
				t.Errorf("archive received %+v, want one change by chief.v at %v", f.arch.changes, since)
			}
			if len(entries) != 1 {
				t.Fatalf("audit entries %+v, want one", entries)
			}
			e := entries[0]
			if e.User != "chief.v" || e.Object != "document/"+id || e.Outcome != OutcomeOK || !strings.Contains(e.Detail, "repealed") || !strings.Contains(e.Detail, "2024-9-2") {
				t.Errorf("audit entry %+v", e)
			}
		})
	}
}
