package archive_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

func openBleve(t *testing.T) *bleveindex.Index {
	t.Helper()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx
}

// flakyIndex fails every Put while down is set.
type flakyIndex struct {
	archive.Index
	down bool
}

var errIndexDown = errors.New("index down")

func (f *flakyIndex) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	if f.down {
		return errIndexDown
	}
	return f.Index.Put(ctx, docs)
}

func found(t *testing.T, a *archive.Archive, text string) []string {
	t.Helper()
	res, err := a.Search(context.Background(), gazette.Query{Text: text})
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestPublishedIssueIsSearchableOnReturn(t *testing.T) {
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil)
	s := archivetest.NewSample(2019, 12, 3)
	publish(t, a, s)
	if ids := found(t, a, "政务公开"); !slices.Contains(ids, "2019-12-2") {
		t.Errorf("title words of a just-published document find %v", ids)
	}
	if ids := found(t, a, "闽政[2019]122号"); len(ids) == 0 || ids[0] != "2019-12-2" {
		t.Errorf("its 文号 in another spelling finds %v, want 2019-12-2 first", ids)
	}
}

func TestReconcileRepairsEveryKindOfDrift(t *testing.T) {
	ctx := context.Background()
	blobs := archivetest.NewMemBlobs()
	idx := &flakyIndex{Index: openBleve(t)}
	a := archive.New(blobs, idx, nil)

	s1, s2 := archivetest.NewSample(2019, 1, 2), archivetest.NewSample(2019, 2, 2)
	publish(t, a, s1)
	idx.down = true
	if _, err := a.Publish(ctx, s2.Issue, bytes.NewReader(s2.PDF), s2.Documents); !errors.Is(err, errIndexDown) {
		t.Fatalf("Publish with the index down: %v, want the index error", err)
	}
	idx.down = false
	checkPublished(t, a, s2) // storage is the truth: the issue is out
	// An orphan (in the index, not in storage) and a stale entry.
	orphan := gazette.SearchDoc{Document: s1.Documents[0], Fingerprint: "x"}
	orphan.ID, orphan.Issue = "2018-9-1", gazette.IssueKey{Year: 2018, Number: 9}
	stale := gazette.SearchDoc{Document: s1.Documents[1], Fingerprint: "old"}
	if err := idx.Put(ctx, []gazette.SearchDoc{orphan, stale}); err != nil {
		t.Fatal(err)
	}

	d, err := a.Reconcile(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.Documents != 4 || !slices.Equal(d.Missing, []string{"2019-2-1", "2019-2-2"}) || !slices.Equal(d.Stale, []string{"2019-1-2"}) || !slices.Equal(d.Orphaned, []string{"2018-9-1"}) {
		t.Fatalf("drift = %+v", d)
	}
	if ids := found(t, a, "闽政〔2019〕21号"); slices.Contains(ids, "2019-2-1") {
		t.Fatalf("a check without repair changed the index")
	}
	var calls, lastTotal int
	if _, err := a.Reconcile(ctx, true, func(done, total int) { calls++; lastTotal = total }); err != nil {
		t.Fatal(err)
	}
	if calls == 0 || lastTotal != 3 {
		t.Errorf("progress called %d times, last total %d; want calls for 3 documents", calls, lastTotal)
	}
	after, err := a.Reconcile(ctx, false, nil)
	if err != nil || !after.Clean() {
		t.Errorf("after repair the drift is %+v, %v", after, err)
	}
	if ids := found(t, a, "闽政〔2019〕21号"); len(ids) == 0 || ids[0] != "2019-2-1" {
		t.Errorf("the document missed by the index is not found after repair: %v", ids)
	}
}

// compactCounting counts the compactions of a real index.
type compactCounting struct {
	*bleveindex.Index
	calls int
}

func (c *compactCounting) Compact(ctx context.Context) error {
	c.calls++
	return c.Index.Compact(ctx)
}

// stored12 is storage holding three published issues of four documents
// each, and no index.
func stored12(t *testing.T) *archivetest.MemBlobs {
	t.Helper()
	blobs := archivetest.NewMemBlobs()
	storageOnly := archive.New(blobs, nil, nil)
	for n := 1; n <= 3; n++ {
		publish(t, storageOnly, archivetest.NewSample(2020, n, 4))
	}
	return blobs
}

func TestReindexRebuildsAnEmptyIndex(t *testing.T) {
	ctx := context.Background()
	blobs := stored12(t)
	idx := &compactCounting{Index: openBleve(t)}
	a := archive.New(blobs, idx, nil)
	d, err := a.Reindex(ctx, nil)
	if err != nil || d.Documents != 12 {
		t.Fatalf("Reindex = %+v, %v", d, err)
	}
	// A bulk load ends compacted (bleveindex's TestCompact says what that
	// does).
	if idx.calls != 1 {
		t.Errorf("Reindex compacted the index %d times, want once", idx.calls)
	}
	res, err := a.Search(ctx, gazette.Query{})
	if err != nil || res.Total != 12 {
		t.Errorf("after reindex the index holds %d documents, %v; want 12", res.Total, err)
	}
	if d, err := a.Reconcile(ctx, false, nil); err != nil || !d.Clean() {
		t.Errorf("drift after reindex: %+v, %v", d, err)
	}
}

// The index is put to while the next batch is read: a Put that fails
// stops the reading and is the error returned, with nothing left waiting.
func TestReindexStopsOnAFailingPut(t *testing.T) {
	ctx := context.Background()
	blobs := stored12(t)
	idx := &flakyIndex{Index: openBleve(t), down: true}
	a := archive.New(blobs, idx, nil)
	if _, err := a.Reindex(ctx, nil); !errors.Is(err, errIndexDown) {
		t.Fatalf("Reindex with the index down = %v, want %v", err, errIndexDown)
	}
	idx.down = false
	var done, total int
	if d, err := a.Reindex(ctx, func(n, of int) { done, total = n, of }); err != nil || d.Documents != 12 || done != 12 || total != 12 {
		t.Fatalf("Reindex with the index back = %+v, %v (progress %d of %d)", d, err, done, total)
	}
	if res, err := a.Search(ctx, gazette.Query{}); err != nil || res.Total != 12 {
		t.Errorf("after reindex the index holds %d documents, %v; want 12", res.Total, err)
	}
}

func TestRepublishReindexes(t *testing.T) {
	idx := &flakyIndex{Index: openBleve(t)}
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	s := archivetest.NewSample(2021, 3, 2)
	idx.down = true
	if _, err := a.Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents); err == nil {
		t.Fatal("Publish reported success with the index down")
	}
	idx.down = false
	publish(t, a, s) // the retry an editor would make
	if ids := found(t, a, "闽政〔2021〕31号"); len(ids) == 0 || ids[0] != "2021-3-1" {
		t.Errorf("after the retry the issue is not searchable: %v", ids)
	}
}
