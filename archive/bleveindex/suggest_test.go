package bleveindex_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// TestSuggestFollowsWrites checks the suggestion table (suggest.go)
// against the plainest reading of the contract, every document checked,
// as documents are added, replaced, retitled and deleted, by writers at
// once, before the table is built, while it is and after, through enough
// writes that its layers are merged into its base several times.
func TestSuggestFollowsWrites(t *testing.T) {
	ctx := context.Background()
	idx := open(t)
	rnd := rand.New(rand.NewPCG(1, 17))
	want := map[string]gazette.SearchDoc{} // what the index holds
	put := func(docs []gazette.SearchDoc) {
		t.Helper()
		if err := idx.Put(ctx, docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			want[d.ID] = d
		}
	}
	check := func(when string) {
		t.Helper()
		archivetest.CheckSuggest(t, idx, want, when)
	}
	next := 0
	batch := func(n int) []gazette.SearchDoc {
		var docs []gazette.SearchDoc
		for range n {
			if len(want) > 0 && rnd.IntN(4) == 0 {
				// Replace one already there: another title, number, validity.
				d := archivetest.SuggestDoc(rnd, rnd.IntN(next))
				docs = append(docs, d)
				continue
			}
			docs = append(docs, archivetest.SuggestDoc(rnd, next))
			next++
		}
		return docs
	}
	put(batch(500))
	check("before the first suggestion")
	for round := range 6 {
		put(batch(700))
		var gone []string
		for id := range want {
			if rnd.IntN(20) == 0 {
				gone = append(gone, id)
			}
		}
		if err := idx.Delete(ctx, gone); err != nil {
			t.Fatal(err)
		}
		for _, id := range gone {
			delete(want, id)
		}
		check(fmt.Sprintf("round %d, layers %v", round, idx.SuggestLayers()))
	}
	if layers := idx.SuggestLayers(); layers[0] < 2000 {
		t.Errorf("layers %v: the writes were never merged into the base", layers)
	}
	// Writers at once, on the same documents: the table ends as the
	// index does, whichever write bleve took last.
	var wg sync.WaitGroup
	ids := make([]int, 40)
	for i := range ids {
		ids[i] = rnd.IntN(next)
	}
	for w := range 4 {
		docs := make([]gazette.SearchDoc, len(ids))
		wrnd := rand.New(rand.NewPCG(uint64(w), 3))
		for i, n := range ids {
			docs[i] = archivetest.SuggestDoc(wrnd, n)
		}
		wg.Go(func() {
			for range 5 {
				if err := idx.Put(ctx, docs); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, n := range ids {
		id := archivetest.SuggestDoc(rnd, n).ID
		h, err := idx.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		d := want[id]
		d.ID, d.Title, d.DocNumber, d.Published, d.Validity = h.ID, h.Title, h.DocNumber, h.Published, gazette.Status{State: h.Validity}
		want[id] = d
	}
	check("after writers at once")
	// Readers at once: each reads whole stored hits while the others do
	// (a value read during a visit is not the reader's once it ends).
	for range 8 {
		wg.Go(func() {
			for range 30 {
				for _, text := range archivetest.SuggestTexts {
					if _, err := idx.Suggest(ctx, text, gazette.MaxSuggestions); err != nil {
						t.Errorf("Suggest(%s) with others at once: %v", text, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestLeanHitsFromTable checks the hits of lean searches, which come from
// the suggestion table once it is built (search.go, leanHits): the same
// as those the stored documents give, over a corpus whose hits reach the
// table both ways (read from the index when it is built, and recorded as
// written), and never a table entry older than the index's.
func TestLeanHitsFromTable(t *testing.T) {
	idx := open(t)
	idx.SetCacheSize(0) // the index's own reading, not the results cache
	docs := benchDocs(400)
	for i := range docs {
		docs[i].Body = docs[i].Body[:1] // hits hold no body; a short one writes faster
	}
	// Hits whose fields are empty or zero, or text JSON escapes.
	odd := doc("1999-1-1", `关于"<印发>"&\的通知`+"\u2028")
	odd.Authorities, odd.Signed, odd.Published, odd.Validity = nil, gazette.Date{}, gazette.Date{}, gazette.Status{}
	docs = append(docs, odd)
	put(t, idx, docs[:250]...)

	// all checks every document: the full search (stored reads, with
	// snippets) and the lean one find the same hits, and the table's,
	// where it knows them, are those of Get (a stored read).
	all := func(when string, gone map[string]bool) (known int) {
		t.Helper()
		var chunk []string
		check := func() {
			full := search(t, idx, gazette.Query{IDs: chunk, PerPage: gazette.MaxPerPage})
			lean := search(t, idx, gazette.Query{IDs: chunk, PerPage: gazette.MaxPerPage, Lean: true})
			for i := range full.Hits {
				full.Hits[i].Snippet, full.Hits[i].Anchor = "", ""
			}
			if !reflect.DeepEqual(lean.Hits, full.Hits) {
				t.Errorf("%s: lean hits differ from the full search's:\n%+v\n%+v", when, lean.Hits, full.Hits)
			}
			hits, ok := idx.SuggestHits(chunk)
			for i, id := range chunk {
				if !ok[i] {
					continue
				}
				known++
				stored, err := idx.Get(ctx, id)
				if err != nil {
					t.Errorf("%s: the table knows %s, Get: %v", when, id, err)
				} else if !reflect.DeepEqual(hits[i], stored) {
					t.Errorf("%s: the table's hit %+v, the stored one %+v", when, hits[i], stored)
				}
			}
			chunk = chunk[:0]
		}
		for _, d := range docs {
			if !gone[d.ID] {
				chunk = append(chunk, d.ID)
			}
			if len(chunk) == gazette.MaxPerPage {
				check()
			}
		}
		check()
		return known
	}
	// Before the table is built (nor being built): stored reads, until
	// the build the first lean search starts ends.
	if layers := idx.SuggestLayers(); len(layers) != 0 {
		t.Fatalf("the table is built before any search: layers %v", layers)
	}
	all("before the table is built", nil)
	idx.SuggestLayers() // waits for the build
	if known := all("built from the index", nil); known != 250 {
		t.Errorf("the table built from the index knows %d documents, want 250", known)
	}
	// Recorded as written: new documents and others written again.
	for i := range 60 {
		d := &docs[i*4]
		d.Title += "（修订）"
		d.Authorities = append(slices.Clone(d.Authorities), "福建省司法厅")
		d.Validity.State = gazette.Amended
	}
	put(t, idx, docs...)
	gone := map[string]bool{docs[7].ID: true, docs[300].ID: true}
	if err := idx.Delete(ctx, []string{docs[7].ID, docs[300].ID}); err != nil {
		t.Fatal(err)
	}
	if known := all("recorded as written", gone); known != len(docs)-2 {
		t.Errorf("the table knows %d documents, want %d", known, len(docs)-2)
	}
	// The caller's documents stay the caller's.
	docs[1].Authorities[0] = "changed by the caller"
	all("after the caller changed a document it put", gone)

	// Between the steps of a write: bleve holds it, the table does not yet.
	title := func(lean bool) string {
		t.Helper()
		res := search(t, idx, gazette.Query{IDs: []string{docs[3].ID}, Lean: lean})
		if len(res.Hits) != 1 {
			t.Fatalf("found %v", ids(res))
		}
		return res.Hits[0].Title
	}
	d := docs[3]
	d.Title = "写入中的标题"
	idx.BeginWrite([]gazette.SearchDoc{d})
	if err := idx.WriteOnly([]gazette.SearchDoc{d}); err != nil {
		t.Fatal(err)
	}
	if got := title(true); got != d.Title {
		t.Errorf("lean search during a write of the document: %q, want %q (the table's entry is older)", got, d.Title)
	}
	idx.EndWrite([]gazette.SearchDoc{d})
	if got := title(true); got != d.Title {
		t.Errorf("lean search after a write of the document: %q, want %q", got, d.Title)
	}
	// The table is what lean searches read: a write it is not told of
	// (which no caller of the index can make) shows only in full ones.
	d.Title = "未告知的标题"
	if err := idx.WriteOnly([]gazette.SearchDoc{d}); err != nil {
		t.Fatal(err)
	}
	if lean, full := title(true), title(false); lean != "写入中的标题" || full != d.Title {
		t.Errorf("after a write the table was not told of, lean search reads %q, full %q: want the table's, then the index's", lean, full)
	}
}

// TestLeanHitsWithWritersAtOnce checks lean searches while writers
// rewrite the documents they find: every hit is whole (one write's) and
// no older than the last write of its document that returned before the
// search began.
func TestLeanHitsWithWritersAtOnce(t *testing.T) {
	idx := open(t)
	idx.SetCacheSize(0)
	const n = 20
	version := func(id string, v int) gazette.SearchDoc {
		d := doc(id, fmt.Sprintf("饮用水管理办法第%d版", v), "饮用水")
		d.Pages = gazette.PageRange{First: v, Last: v}
		return d
	}
	var docs []gazette.SearchDoc
	for i := range n {
		docs = append(docs, version(fmt.Sprintf("2020-1-%d", i+1), 1))
	}
	put(t, idx, docs...)
	var done sync.Map // ID → the last version whose Put returned (int)
	for _, d := range docs {
		done.Store(d.ID, 1)
	}
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for v := 2; v < 42; v++ {
				d := version(docs[(2*v+w)%n].ID, v) // each writer its own documents
				if err := idx.Put(ctx, []gazette.SearchDoc{d}); err != nil {
					t.Error(err)
					return
				}
				done.Store(d.ID, v)
			}
		})
	}
	writing := make(chan struct{})
	go func() { wg.Wait(); close(writing) }()
	defer func() { <-writing }() // the index closes once the test returns
	for searches := 0; ; searches++ {
		select {
		case <-writing:
			if searches < 20 {
				t.Errorf("%d searches while the documents were written, want 20 at least", searches)
			}
			return
		default:
		}
		before := map[string]int{}
		done.Range(func(id, v any) bool { before[id.(string)] = v.(int); return true })
		res := search(t, idx, gazette.Query{Text: "饮用水", Lean: true, PerPage: n})
		if len(res.Hits) != n {
			t.Fatalf("lean search found %d documents, want %d", len(res.Hits), n)
		}
		for _, h := range res.Hits {
			var v int
			if _, err := fmt.Sscanf(h.Title, "饮用水管理办法第%d版", &v); err != nil || v != h.Pages.First {
				t.Fatalf("hit %+v is not one write's", h)
			}
			if v < before[h.ID] {
				t.Fatalf("hit %s at version %d, older than %d, written before the search began", h.ID, v, before[h.ID])
			}
		}
	}
}
