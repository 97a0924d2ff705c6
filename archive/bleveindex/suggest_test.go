package bleveindex_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// suggestWords make titles that share many keys, so that each text typed
// matches many documents, at their start and further on.
var suggestWords = []string{"关于", "印发", "饮用水", "水源", "保护区", "管理", "办法", "条例", "通知", "实施", "意见", "规定", "福建省", "安全"}

// suggestDoc is document number i of a run, its title drawn with rnd.
func suggestDoc(rnd *rand.Rand, i int) gazette.SearchDoc {
	title := ""
	for range 2 + rnd.IntN(4) {
		title += suggestWords[rnd.IntN(len(suggestWords))]
	}
	key := gazette.IssueKey{Year: 2000 + i%20, Number: 1 + i%12}
	d := gazette.Document{
		ID: gazette.DocumentID(key, 1+i), Issue: key, Title: title, Kind: gazette.KindNormative,
		Published: gazette.Date{Year: key.Year, Month: time.Month(1 + rnd.IntN(12)), Day: 1 + rnd.IntN(28)},
		Validity:  gazette.Status{State: []gazette.Validity{gazette.InForce, gazette.Repealed, gazette.Expired, gazette.Amended}[rnd.IntN(4)]},
		Body:      []string{"正文。"}, Pages: gazette.PageRange{First: 1, Last: 1}, Version: 1,
	}
	if rnd.IntN(2) == 0 {
		d.DocNumber = fmt.Sprintf("闽政〔%d〕%d号", key.Year, 1+rnd.IntN(60))
	}
	return gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("fp-%s-%d", d.ID, rnd.IntN(1000))}
}

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
	texts := []string{"关于印发", "饮用水", "水源保护", "办法通知", "管理办法", "福建省安全", "闽政〔2003〕", "闽政〔2011〕7号", "条例实施意见", "区管"}
	check := func(when string) {
		t.Helper()
		for _, text := range texts {
			key, _, _ := gazette.CheckSuggestText(text)
			var all []gazette.Hit
			for _, d := range want {
				if match, _ := gazette.SuggestMatch(key, gazette.SuggestKey(d.Title), gazette.SuggestKey(d.DocNumber)); match {
					all = append(all, gazette.Hit{ID: d.ID, Title: d.Title, DocNumber: d.DocNumber, Published: d.Published, Validity: d.Validity.State})
				}
			}
			slices.SortFunc(all, func(a, b gazette.Hit) int { return gazette.RankOf(&a, key).Compare(gazette.RankOf(&b, key)) })
			var wantIDs []string
			for _, h := range all[:min(len(all), gazette.MaxSuggestions)] {
				wantIDs = append(wantIDs, h.ID)
			}
			hits, err := idx.Suggest(ctx, text, gazette.MaxSuggestions)
			if err != nil {
				t.Fatalf("%s: Suggest(%s): %v", when, text, err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.ID)
				if d := want[h.ID]; h.Title != d.Title {
					t.Errorf("%s: Suggest(%s) offers %s titled %q, want %q", when, text, h.ID, h.Title, d.Title)
				}
			}
			if !slices.Equal(got, wantIDs) {
				t.Errorf("%s: Suggest(%s) = %v, want %v", when, text, got, wantIDs)
			}
		}
	}
	next := 0
	batch := func(n int) []gazette.SearchDoc {
		var docs []gazette.SearchDoc
		for range n {
			if len(want) > 0 && rnd.IntN(4) == 0 {
				// Replace one already there: another title, number, validity.
				d := suggestDoc(rnd, rnd.IntN(next))
				docs = append(docs, d)
				continue
			}
			docs = append(docs, suggestDoc(rnd, next))
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
			docs[i] = suggestDoc(wrnd, n)
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
		id := suggestDoc(rnd, n).ID
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
				for _, text := range texts {
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
