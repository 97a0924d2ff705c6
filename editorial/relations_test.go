package editorial

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

func TestRelations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	f.arch.versions["2024-3-1"] = 1
	f.arch.versions["2019-1-1"] = 1
	ed := f.user(t, "editor.r", RoleEditor).Actor
	since := f.clock.Now()
	// The caller's By and At are not trusted.
	rel := gazette.Relation{Type: gazette.Amends, Target: "2019-1-1", Provision: "第三条", Since: gazette.Date{Year: 2024, Month: 4, Day: 1}, Note: "修改第三条", By: "someone.else", At: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
	rs, err := f.svc.AddRelation(ctx, ed, "2024-3-1", rel)
	if err != nil {
		t.Fatalf("AddRelation: %v", err)
	}
	if len(rs.Out) != 1 || rs.Out[0].To != "2019-1-1" {
		t.Errorf("AddRelation returned %+v", rs)
	}
	if got := f.arch.relations; len(got) != 1 || got[0].By != "editor.r" || !got[0].At.Equal(since) {
		t.Errorf("archive received %+v, want one relation by editor.r at %v", got, since)
	}
	entries := entriesSince(t, f, since, "document.relate")
	if len(entries) != 1 || entries[0].Object != "document/2024-3-1" || entries[0].Outcome != OutcomeOK ||
		!strings.Contains(entries[0].Detail, "amends 2019-1-1 第三条") || !strings.Contains(entries[0].Detail, "since 2024-04-01") {
		t.Errorf("audit entries %+v", entries)
	}

	if _, err := f.svc.WithdrawRelation(ctx, ed, "2024-3-1", gazette.Relation{Type: gazette.Amends, Target: "2019-1-1", Provision: "第三条", Note: "误录"}); err != nil {
		t.Fatalf("WithdrawRelation: %v", err)
	}
	if got := f.arch.relations; len(got) != 2 || !got[1].Withdrawn || got[1].By != "editor.r" {
		t.Errorf("archive received %+v, want a withdrawal by editor.r", got)
	}
	if entries := entriesSince(t, f, since, "document.unrelate"); len(entries) != 1 || !strings.Contains(entries[0].Detail, "误录") {
		t.Errorf("withdrawal audit entries %+v", entries)
	}

	// Refused by the archive: not audited as done.
	if _, err := f.svc.AddRelation(ctx, ed, "2024-3-1", gazette.Relation{Type: gazette.Cites, Target: "2030-1-1"}); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("a relation to an unpublished document: %v, want ErrInvalid", err)
	}
	if entries := entriesSince(t, f, since, "document.relate"); len(entries) != 1 {
		t.Errorf("a refused relation was audited: %+v", entries)
	}
	// Nobody signed in: refused and audited as denied.
	if _, err := f.svc.AddRelation(ctx, Actor{}, "2024-3-1", rel); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("AddRelation without an actor: %v, want ErrUnauthenticated", err)
	}
	if _, err := f.svc.UnresolvedCitations(ctx, Actor{}, 0); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("UnresolvedCitations without an actor: %v, want ErrUnauthenticated", err)
	}
	f.arch.unresolved = []cite.Unresolved{{Ref: "title:某办法", Label: "《某办法》", Outcome: cite.Missing, Count: 3}, {Ref: "title:乙办法", Count: 1}}
	us, err := f.svc.UnresolvedCitations(ctx, ed, 1)
	if err != nil || len(us) != 1 || us[0].Count != 3 {
		t.Errorf("UnresolvedCitations = %+v, %v", us, err)
	}
}
