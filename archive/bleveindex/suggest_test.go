package bleveindex_test

import (
	"context"
	"fmt"
	"math/rand/v2"
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
