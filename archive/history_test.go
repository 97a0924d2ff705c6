package archive_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// clock is a settable time source for archive.WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

var cst = time.FixedZone("CST", 8*3600)

func day(y int, m time.Month, d int) gazette.Date { return gazette.Date{Year: y, Month: m, Day: d} }

// noon returns midday of d in China, for the clock.
func noon(d gazette.Date) time.Time { return d.Time(cst).Add(12 * time.Hour) }

func searchIDs(t *testing.T, a *archive.Archive, q gazette.Query) []string {
	t.Helper()
	res, err := a.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func checkClean(t *testing.T, a *archive.Archive) {
	t.Helper()
	d, err := a.Reconcile(context.Background(), false, nil)
	if err != nil || !d.Clean() {
		t.Errorf("Reconcile = %+v, %v; want the index to match storage", d, err)
	}
}

func TestCorrectionAddsAVersionAndRewritesNothing(t *testing.T) {
	ctx := context.Background()
	blobs := archivetest.NewMemBlobs()
	a := archive.New(blobs, openBleve(t), nil)
	s := archivetest.NewSample(2019, 12, 3)
	m := publish(t, a, s)
	before, _ := blobs.List(ctx, "")
	manifest := archivetest.ReadAll(t, blobs, "issues/2019/2019-12.json")

	id := s.Documents[1].ID
	fixed := s.Documents[1]
	fixed.Body = slices.Clone(fixed.Body)
	fixed.Body[1] = "现将《福建省人民政府办公厅关于加强政务公开工作的实施意见》印发给你们，请结合实际认真组织实施。"
	c := gazette.Correction{Reason: "第二段“贯彻执行”应为“组织实施”", Date: day(2019, 12, 20), By: "editor-li"}
	got, err := a.Correct(ctx, id, fixed, c)
	if err != nil {
		t.Fatalf("Correct: %v", err)
	}
	if got.Version != 2 || got.Body[1] != fixed.Body[1] {
		t.Errorf("Correct returned version %d with %q", got.Version, got.Body[1])
	}

	cur, h, err := a.DocumentWithHistory(ctx, id)
	if err != nil || cur.Version != 2 || cur.Body[1] != fixed.Body[1] {
		t.Fatalf("Document after the correction = %+v, %v; want version 2 with the new text", cur, err)
	}
	if lc := h.LatestCorrection(); lc == nil || *lc != c {
		t.Errorf("latest correction = %+v, want %+v", lc, c)
	}
	old, err := a.DocumentVersion(ctx, id, 1)
	if err != nil || old.Version != 1 || old.Body[1] != s.Documents[1].Body[1] {
		t.Errorf("DocumentVersion 1 = %+v, %v; want the text as printed", old, err)
	}
	if _, err := a.DocumentVersion(ctx, id, 3); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("DocumentVersion 3 = %v, want ErrNotFound", err)
	}
	if _, err := a.DocumentVersion(ctx, id, 0); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("DocumentVersion 0 = %v, want ErrInvalid", err)
	}
	hist, err := a.History(ctx, id)
	if err != nil || len(hist.Versions) != 2 || hist.Versions[0].Correction != nil || hist.Versions[1].Correction.Reason != c.Reason {
		t.Errorf("History = %+v, %v; want the printed version then the correction", hist, err)
	}
	if hist.Versions[0].SHA256 != m.Documents[1].SHA256 {
		t.Errorf("version 1 is %s, but the manifest names %s", hist.Versions[0].SHA256, m.Documents[1].SHA256)
	}
	// Nothing published was touched: every object is still there, the
	// manifest byte for byte; the correction only added objects.
	if got := archivetest.ReadAll(t, blobs, "issues/2019/2019-12.json"); got != manifest {
		t.Error("the correction rewrote the manifest")
	}
	after, _ := blobs.List(ctx, "")
	for _, o := range before {
		if !slices.ContainsFunc(after, func(x gazette.ObjectInfo) bool { return x.Key == o.Key && x.ETag == o.ETag }) {
			t.Errorf("object %s was changed or removed", o.Key)
		}
	}
	checkPublished(t, archive.New(blobs, nil, nil), withDoc(s, 1, fixed))

	// Search finds the current text only, also after a full rebuild.
	for range 2 {
		if ids := found(t, a, "组织实施"); !slices.Contains(ids, id) {
			t.Errorf("the corrected text finds %v", ids)
		}
		if ids := searchIDs(t, a, gazette.Query{Text: "贯彻执行", Issue: &m.Issue.IssueKey}); slices.Contains(ids, id) {
			t.Errorf("the replaced text still finds %s", id)
		}
		checkClean(t, a)
		if _, err := a.Reindex(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Republishing the issue (a retry) must not put the old text back.
	publish(t, a, s)
	if ids := found(t, a, "组织实施"); !slices.Contains(ids, id) {
		t.Errorf("after republishing, the corrected text finds %v", ids)
	}
	checkClean(t, a)
}

// withDoc returns s with document i replaced, as read back now.
func withDoc(s archivetest.Sample, i int, d gazette.Document) archivetest.Sample {
	s.Documents = slices.Clone(s.Documents)
	s.Documents[i] = d
	return s
}

func TestCorrectRefuses(t *testing.T) {
	s := archivetest.NewSample(2019, 12, 3)
	good := gazette.Correction{Reason: "错字", Date: day(2019, 12, 20), By: "editor"}
	cases := map[string]struct {
		id   string
		edit func(*gazette.Document, *gazette.Correction)
		want error
		// field, when set, must be named by the ValidationError.
		field string
	}{
		"no reason":          {"2019-12-1", func(d *gazette.Document, c *gazette.Correction) { c.Reason = " " }, gazette.ErrInvalid, "reason"},
		"no date":            {"2019-12-1", func(d *gazette.Document, c *gazette.Correction) { c.Date = gazette.Date{} }, gazette.ErrInvalid, "date"},
		"nobody":             {"2019-12-1", func(d *gazette.Document, c *gazette.Correction) { c.By = "" }, gazette.ErrInvalid, "by"},
		"another document":   {"2019-12-2", func(d *gazette.Document, c *gazette.Correction) {}, gazette.ErrInvalid, "id"},
		"empty title":        {"2019-12-1", func(d *gazette.Document, c *gazette.Correction) { d.Title = "" }, gazette.ErrInvalid, "title"},
		"pages past the PDF": {"2019-12-1", func(d *gazette.Document, c *gazette.Correction) { d.Pages.Last = 500 }, gazette.ErrInvalid, "pages"},
		"stale version":      {"2019-12-1", func(d *gazette.Document, c *gazette.Correction) { d.Version = 0 }, gazette.ErrConflict, ""},
		"unpublished":        {"2019-11-1", func(d *gazette.Document, c *gazette.Correction) { d.ID, d.Issue.Number = "2019-11-1", 11 }, gazette.ErrNotFound, ""},
		"malformed ID":       {"../x", func(d *gazette.Document, c *gazette.Correction) {}, gazette.ErrInvalid, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := archive.New(archivetest.NewMemBlobs(), nil, nil)
			publish(t, a, s)
			d, c := s.Documents[0], good
			tc.edit(&d, &c)
			_, err := a.Correct(context.Background(), tc.id, d, c)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Correct = %v, want %v", err, tc.want)
			}
			var ve gazette.ValidationError
			if tc.field != "" && (!errors.As(err, &ve) || !slices.ContainsFunc(ve, func(fe gazette.FieldError) bool { return fe.Field == tc.field })) {
				t.Errorf("error %v does not name %s", err, tc.field)
			}
			if h, err := a.History(context.Background(), "2019-12-1"); err != nil || len(h.Versions) != 1 {
				t.Errorf("a refused correction left history %+v, %v", h, err)
			}
		})
	}
}

// TestConcurrentHistoryChanges corrects and changes the validity of one
// document from many goroutines at once, on every real backend: every
// validity change lands, and of the corrections made from the same version
// exactly one wins while the others get ErrConflict; nothing is lost.
func TestConcurrentHistoryChanges(t *testing.T) {
	s := archivetest.NewSample(2019, 12, 3)
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs, env := be.open(t)
			a := archive.New(blobs, nil, nil)
			publish(t, a, s)
			other, err := reopen(t, env) // a second replica
			if err != nil {
				t.Fatal(err)
			}
			b := archive.New(other, nil, nil)
			const n = 6
			var wg sync.WaitGroup
			corrections := make([]error, n)
			changes := make([]error, n)
			for i := range n {
				r := []*archive.Archive{a, b}[i%2]
				wg.Go(func() {
					d := s.Documents[0]
					d.Body = append(slices.Clone(d.Body), strings.Repeat("补", i+1))
					_, corrections[i] = r.Correct(ctx, d.ID, d, gazette.Correction{Reason: "补正", Date: day(2020, 1, 2), By: "editor"})
				})
				wg.Go(func() {
					_, changes[i] = r.SetValidity(ctx, "2019-12-1", gazette.ValidityChange{
						State: gazette.Amended, Since: day(2020, 1, i+1), ChangedBy: "2019-12-2", By: "editor", Note: strings.Repeat("注", i+1)})
				})
			}
			wg.Wait()
			won := 0
			for i, err := range corrections {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, gazette.ErrConflict):
					t.Errorf("correction %d: %v", i, err)
				}
			}
			for i, err := range changes {
				if err != nil {
					t.Errorf("validity change %d: %v", i, err)
				}
			}
			h, err := a.History(ctx, "2019-12-1")
			if err != nil {
				t.Fatal(err)
			}
			if won != 1 || len(h.Versions) != 2 {
				t.Errorf("%d corrections from version 1 succeeded and %d versions are recorded, want 1 and 2", won, len(h.Versions))
			}
			if len(h.Validity) != n {
				t.Errorf("%d validity changes recorded, want %d", len(h.Validity), n)
			}
		})
	}
}

func TestSetValidity(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2020, 6, 1))}
	idx := &flakyIndex{Index: openBleve(t)}
	a := archive.New(archivetest.NewMemBlobs(), idx, nil, archive.WithClock(clk.Now))
	s1, s2 := archivetest.NewSample(2019, 1, 2), archivetest.NewSample(2020, 3, 2)
	publish(t, a, s1)
	publish(t, a, s2)
	id, by := s1.Documents[0].ID, s2.Documents[0].ID
	repealed := []gazette.Validity{gazette.Repealed}
	inForce := []gazette.Validity{gazette.InForce}

	refused := map[string]struct {
		ch    gazette.ValidityChange
		field string
	}{
		"repealed by nothing":   {gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 3, 15), By: "editor"}, "changed_by"},
		"by an unknown doc":     {gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 3, 15), ChangedBy: "2030-1-1", By: "editor"}, "changed_by"},
		"by a doc past the end": {gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 3, 15), ChangedBy: "2020-3-9", By: "editor"}, "changed_by"},
		"by itself":             {gazette.ValidityChange{State: gazette.Amended, Since: day(2020, 3, 15), ChangedBy: id, By: "editor"}, "changed_by"},
		"unknown state":         {gazette.ValidityChange{State: "void", Since: day(2020, 3, 15), By: "editor"}, "state"},
		"no date":               {gazette.ValidityChange{State: gazette.Expired, By: "editor"}, "since"},
		"nobody":                {gazette.ValidityChange{State: gazette.Expired, Since: day(2020, 3, 15)}, "by"},
	}
	for name, tc := range refused {
		_, err := a.SetValidity(ctx, id, tc.ch)
		var ve gazette.ValidationError
		if !errors.As(err, &ve) || !slices.ContainsFunc(ve, func(fe gazette.FieldError) bool { return fe.Field == tc.field }) {
			t.Errorf("%s: SetValidity = %v, want a ValidationError naming %s", name, err, tc.field)
		}
	}
	if _, err := a.SetValidity(ctx, "2019-9-1", gazette.ValidityChange{State: gazette.Expired, Since: day(2020, 1, 1), By: "e"}); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("SetValidity of an unpublished document = %v, want ErrNotFound", err)
	}

	d, err := a.SetValidity(ctx, id, gazette.ValidityChange{State: gazette.Repealed, Since: day(2020, 3, 15), ChangedBy: by, Note: "被新规定废止", By: "editor-wang"})
	if err != nil {
		t.Fatal(err)
	}
	want := gazette.Status{State: gazette.Repealed, Since: day(2020, 3, 15), ChangedBy: by}
	if d.Validity != want {
		t.Errorf("SetValidity returned %+v, want %+v", d.Validity, want)
	}
	if d, err := a.Document(ctx, id); err != nil || d.Validity != want || d.Version != 1 {
		t.Errorf("Document = %+v, %v; want version 1, %+v", d, err, want)
	}
	if ids := searchIDs(t, a, gazette.Query{Text: "福建省", Validity: repealed}); !slices.Equal(ids, []string{id}) {
		t.Errorf("search for repealed documents = %v, want [%s]", ids, id)
	}
	if ids := searchIDs(t, a, gazette.Query{Text: "福建省", Validity: inForce}); slices.Contains(ids, id) {
		t.Errorf("the repealed document is still found as in force")
	}
	if ids := searchIDs(t, a, gazette.Query{Text: s1.Documents[0].DocNumber, Validity: inForce}); slices.Contains(ids, id) {
		t.Errorf("the repealed document is still found by its 文号 as in force")
	}
	checkClean(t, a)

	// A change taking effect later applies from its day on, and the
	// reconciler notices when that day comes.
	idx.down = true
	if _, err := a.SetValidity(ctx, s2.Documents[1].ID, gazette.ValidityChange{State: gazette.Expired, Since: day(2020, 7, 1), By: "editor"}); !errors.Is(err, errIndexDown) {
		t.Fatalf("SetValidity with the index down = %v, want the index error", err)
	}
	idx.down = false
	if d, _ := a.Document(ctx, s2.Documents[1].ID); d.Validity.State != gazette.InForce {
		t.Errorf("before its day, the change shows: %+v", d.Validity)
	}
	checkClean(t, a) // nothing in effect has changed yet
	clk.Set(noon(day(2020, 7, 1)))
	if d, _ := a.Document(ctx, s2.Documents[1].ID); d.Validity.State != gazette.Expired {
		t.Errorf("on its day, the change does not show: %+v", d.Validity)
	}
	drift, err := a.Reconcile(ctx, true, nil)
	if err != nil || !slices.Equal(drift.Stale, []string{s2.Documents[1].ID}) {
		t.Errorf("Reconcile on the day = %+v, %v; want %s stale", drift, err, s2.Documents[1].ID)
	}
	if ids := searchIDs(t, a, gazette.Query{Text: "福建省", Validity: []gazette.Validity{gazette.Expired}}); !slices.Equal(ids, []string{s2.Documents[1].ID}) {
		t.Errorf("search for expired documents = %v", ids)
	}
	checkClean(t, a)

	h, err := a.History(ctx, id)
	if err != nil || len(h.Validity) != 1 || h.Validity[0].By != "editor-wang" || h.Validity[0].At.IsZero() || h.Printed.State != gazette.InForce {
		t.Errorf("History = %+v, %v", h, err)
	}
}

func TestExpiryDate(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2024, 6, 29))}
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil, archive.WithClock(clk.Now))
	s := archivetest.NewSample(2024, 1, 3)
	s.Documents[0].Expires = day(2024, 6, 30)
	s.Documents[1].Expires = day(2024, 6, 30)
	s.Documents[2].Expires = day(2030, 1, 1)
	publish(t, a, s)
	expired := []gazette.Validity{gazette.Expired}
	// The second is repealed before it could expire: it stays repealed.
	if _, err := a.SetValidity(ctx, s.Documents[1].ID, gazette.ValidityChange{State: gazette.Repealed, Since: day(2024, 5, 1), ChangedBy: s.Documents[2].ID, By: "editor"}); err != nil {
		t.Fatal(err)
	}

	if d, _ := a.Document(ctx, s.Documents[0].ID); d.Validity.State != gazette.InForce {
		t.Errorf("the day before its expiry date, the document is %+v", d.Validity)
	}
	if ids, err := a.ExpireDue(ctx, day(2024, 6, 29)); err != nil || len(ids) != 0 {
		t.Errorf("ExpireDue the day before = %v, %v; want none", ids, err)
	}

	clk.Set(noon(day(2024, 6, 30)))
	want := gazette.Status{State: gazette.Expired, Since: day(2024, 6, 30)}
	// Nobody acted, and the reader already sees it expired.
	if d, err := a.Document(ctx, s.Documents[0].ID); err != nil || d.Validity != want {
		t.Errorf("on its expiry date, Document = %+v, %v; want %+v", d.Validity, err, want)
	}
	if d, _ := a.Document(ctx, s.Documents[1].ID); d.Validity.State != gazette.Repealed {
		t.Errorf("a repealed document expired: %+v", d.Validity)
	}
	ids, err := a.ExpireDue(ctx, day(2024, 6, 30))
	if err != nil || !slices.Equal(ids, []string{s.Documents[0].ID}) {
		t.Fatalf("ExpireDue = %v, %v; want [%s]", ids, err, s.Documents[0].ID)
	}
	if got := searchIDs(t, a, gazette.Query{Text: "福建省", Validity: expired}); !slices.Equal(got, ids) {
		t.Errorf("search for expired documents = %v, want %v", got, ids)
	}
	h, err := a.History(ctx, s.Documents[0].ID)
	if err != nil || len(h.Validity) != 1 || h.Validity[0].By != gazette.SystemActor || h.Validity[0].Status() != want {
		t.Errorf("History = %+v, %v; want one change by %s", h, err, gazette.SystemActor)
	}
	if ids, err := a.ExpireDue(ctx, day(2024, 7, 1)); err != nil || len(ids) != 0 {
		t.Errorf("ExpireDue again = %v, %v; want none", ids, err)
	}
	checkClean(t, a)
}

// TestCorrectionWithTheIndexDown stores a correction while the index fails:
// storage has it, and the reconciler finds the index stale and repairs it.
func TestCorrectionWithTheIndexDown(t *testing.T) {
	ctx := context.Background()
	idx := &flakyIndex{Index: openBleve(t)}
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	s := archivetest.NewSample(2019, 12, 2)
	publish(t, a, s)
	d := s.Documents[0]
	d.Title = "福建省人民政府关于印发福建省优化营商环境行动计划的通知"
	idx.down = true
	if _, err := a.Correct(ctx, d.ID, d, gazette.Correction{Reason: "标题有误", Date: day(2019, 12, 30), By: "editor"}); !errors.Is(err, errIndexDown) {
		t.Fatalf("Correct with the index down = %v, want the index error", err)
	}
	idx.down = false
	if cur, err := a.Document(ctx, d.ID); err != nil || cur.Title != d.Title {
		t.Fatalf("Document = %v, %v; want the corrected title", cur, err)
	}
	drift, err := a.Reconcile(ctx, true, nil)
	if err != nil || !slices.Equal(drift.Stale, []string{d.ID}) {
		t.Errorf("Reconcile = %+v, %v; want %s stale", drift, err, d.ID)
	}
	if ids := found(t, a, "优化营商环境行动计划"); !slices.Contains(ids, d.ID) {
		t.Errorf("after repair the corrected title finds %v", ids)
	}
	checkClean(t, a)
}

// TestHistoryIsVerified plants a history that does not belong to its
// document: reads fail as corrupt rather than show it.
func TestHistoryIsVerified(t *testing.T) {
	ctx := context.Background()
	blobs := archivetest.NewMemBlobs()
	a := archive.New(blobs, nil, nil)
	s := archivetest.NewSample(2019, 12, 2)
	publish(t, a, s)
	if _, err := a.SetValidity(ctx, "2019-12-1", gazette.ValidityChange{State: gazette.Expired, Since: day(2020, 1, 1), By: "e"}); err != nil {
		t.Fatal(err)
	}
	stolen := archivetest.ReadAll(t, blobs, "history/2019-12-1.json")
	if _, err := blobs.Put(ctx, "history/2019-12-2.json", bytes.NewReader([]byte(stolen)), int64(len(stolen)), gazette.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Document(ctx, "2019-12-2"); !errors.Is(err, gazette.ErrCorrupt) {
		t.Errorf("Document with another's history = %v, want ErrCorrupt", err)
	}
}

func TestHistoriesListsChangedDocumentsLatestFirst(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: noon(day(2020, 1, 1))}
	a := archive.New(archivetest.NewMemBlobs(), nil, nil, archive.WithClock(clk.Now))
	s := archivetest.NewSample(2019, 12, 3)
	publish(t, a, s)
	if hs, err := a.Histories(ctx); err != nil || len(hs) != 0 {
		t.Fatalf("Histories of an unchanged archive = %v, %v", hs, err)
	}
	d := s.Documents[2]
	d.Title += "（修订）"
	if _, err := a.Correct(ctx, d.ID, d, gazette.Correction{Reason: "标题", Date: day(2020, 1, 1), By: "e"}); err != nil {
		t.Fatal(err)
	}
	clk.Set(noon(day(2020, 1, 2)))
	if _, err := a.SetValidity(ctx, "2019-12-1", gazette.ValidityChange{State: gazette.Expired, Since: day(2020, 1, 2), By: "e"}); err != nil {
		t.Fatal(err)
	}
	hs, err := a.Histories(ctx)
	if err != nil || len(hs) != 2 || hs[0].ID != "2019-12-1" || hs[1].ID != d.ID {
		t.Errorf("Histories = %+v, %v; want 2019-12-1 then %s", hs, err, d.ID)
	}
}
