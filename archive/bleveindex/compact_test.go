package bleveindex_test

import (
	"reflect"
	"testing"

	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// TestCompact loads an index in several batches, with deletions, and
// compacts it: searches then read one segment and answer exactly as before
// (total, facets, the page and its order), and the index takes writes again.
func TestCompact(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := benchDocs(1200)
	for i := 0; i < len(docs); i += 200 {
		if err := idx.Put(ctx, docs[i:i+200]); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Delete(ctx, []string{docs[3].ID, docs[700].ID}); err != nil {
		t.Fatal(err)
	}
	before, err := idx.Segments()
	if err != nil || before < 2 {
		t.Fatalf("the loaded index has %d segments, %v: too few to tell", before, err)
	}
	queries := []gazette.Query{
		{}, {Text: "管理"}, {Text: "\"实施办法\""}, {Text: "管理 -通知", Sort: gazette.SortNewest, Page: 2, PerPage: 7},
		{Validity: []gazette.Validity{gazette.InForce}, Years: []int{2010, 2015}},
	}
	want := make([]gazette.Results, len(queries))
	for i, q := range queries {
		if want[i], err = idx.Search(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := idx.Segments(); err != nil || n != 1 {
		t.Errorf("after Compact searches read %d segments (%d before), %v; want 1", n, before, err)
	}
	for i, q := range queries {
		got, err := idx.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("%+v after Compact: total %d, %d hits, want total %d, %d hits (or facets, order or snippets differ)", q, got.Total, len(got.Hits), want[i].Total, len(want[i].Hits))
		}
	}
	if err := idx.Delete(ctx, []string{docs[5].ID}); err != nil {
		t.Fatal(err)
	}
	if res, err := idx.Search(ctx, gazette.Query{}); err != nil || res.Total != len(docs)-3 {
		t.Errorf("after a delete on the compacted index: total %d, %v; want %d", res.Total, err, len(docs)-3)
	}
}
