package archive_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// affected lists the IDs Affected returns for id.
func affected(t *testing.T, a *archive.Archive, id string) []string {
	t.Helper()
	hs, err := a.Affected(context.Background(), id)
	if err != nil {
		t.Fatalf("Affected(%s): %v", id, err)
	}
	var ids []string
	for _, h := range hs {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestAffectedListsWhatADocumentChanged(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2020, 6, 1))}
	blobs := archivetest.NewMemBlobs()
	a := archive.New(blobs, openBleve(t), nil, archive.WithClock(clk.Now))
	// 2019-12-2 is printed as repealed by 2019-12-3.
	s := archivetest.NewSample(2019, 12, 4)
	s.Documents[1].Validity = gazette.Status{State: gazette.Repealed, Since: day(2019, 12, 1), ChangedBy: "2019-12-3"}
	publish(t, a, s)
	// 2020-3-1 amends 2019-12-1 (which 2019-12-4 repeals later) and
	// 2019-12-3; 2020-3-2 repeals 2019-12-4.
	publish(t, a, archivetest.NewSample(2020, 3, 2))
	changes := []struct {
		id string
		ch gazette.ValidityChange
	}{
		{"2019-12-1", gazette.ValidityChange{State: gazette.Amended, Since: day(2020, 3, 15), ChangedBy: "2020-3-1", By: "e"}},
		{"2019-12-1", gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 5, 1), ChangedBy: "2019-12-4", By: "e"}},
		{"2019-12-4", gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 5, 1), ChangedBy: "2020-3-2", By: "e"}},
		{"2019-12-3", gazette.ValidityChange{State: gazette.Amended, Since: day(2020, 5, 1), ChangedBy: "2020-3-1", By: "e"}},
	}
	for _, c := range changes {
		if _, err := a.SetValidity(ctx, c.id, c.ch); err != nil {
			t.Fatalf("SetValidity(%s): %v", c.id, err)
		}
	}
	want := map[string][]string{
		"2019-12-3": {"2019-12-2"},              // printed
		"2020-3-1":  {"2019-12-1", "2019-12-3"}, // an amendment, also of one later repealed
		"2019-12-4": {"2019-12-1"},
		"2020-3-2":  {"2019-12-4"},
		"2019-12-1": nil,
	}
	check := func(when string) {
		t.Helper()
		for id, w := range want {
			if got := affected(t, a, id); !slices.Equal(got, w) {
				t.Errorf("%s: Affected(%s) = %v, want %v", when, id, got, w)
			}
		}
	}
	check("after the changes")

	// A link the history does not confirm is ignored: one planted by hand,
	// one to a document of an issue never published.
	for _, key := range []string{"caused/2020-3-2/2019-12-2.json", "caused/2020-3-2/2030-1-1.json", "caused/2020-3-2/stray"} {
		if _, err := blobs.Put(ctx, key, strings.NewReader("{}"), 2, gazette.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	check("with links no history confirms")
	if _, err := a.Affected(ctx, "闽政〔2020〕31号"); err == nil {
		t.Error("Affected of a 文号 = nil error, want ErrInvalid")
	}

	// Reconcile restores lost links of recorded changes; Reindex those of
	// printed statuses too.
	if d, err := a.Reconcile(ctx, false, nil); err != nil || !d.Clean() {
		t.Fatalf("drift with every link in place: %+v, %v", d, err)
	}
	for _, key := range []string{"caused/2020-3-1/2019-12-1.json", "caused/2019-12-3/2019-12-2.json"} {
		if err := blobs.Delete(ctx, key, ""); err != nil {
			t.Fatal(err)
		}
	}
	d, err := a.Reconcile(ctx, false, nil)
	if err != nil || !slices.Equal(d.Unlinked, []string{"2020-3-1>2019-12-1"}) || d.Clean() {
		t.Fatalf("drift with a link lost = %+v, %v; want 2020-3-1>2019-12-1 unlinked", d, err)
	}
	if got := affected(t, a, "2020-3-1"); !slices.Equal(got, []string{"2019-12-3"}) {
		t.Fatalf("a lost link still found: %v", got)
	}
	if _, err := a.Reconcile(ctx, true, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	check("after Reconcile and Reindex")
}

func TestAffectedByAScheduledIssue(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2019, 11, 1))}
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil, archive.WithClock(clk.Now))
	s := archivetest.NewSample(2019, 12, 3)
	s.Documents[0].Validity = gazette.Status{State: gazette.Repealed, Since: day(2019, 12, 1), ChangedBy: "2019-12-2"}
	if err := a.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	if got := affected(t, a, "2019-12-2"); len(got) != 0 {
		t.Errorf("before its release, a scheduled issue shows in Affected: %v", got)
	}
	publishDue(t, a, s.Issue.Published)
	if got := affected(t, a, "2019-12-2"); !slices.Equal(got, []string{"2019-12-1"}) {
		t.Errorf("after its release, Affected(2019-12-2) = %v, want [2019-12-1]", got)
	}
}
