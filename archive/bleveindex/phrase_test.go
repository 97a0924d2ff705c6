package bleveindex

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gazette-archive/gazette/gazette"
)

// TestPhraseQueryMatchesBleve checks phraseQuery against bleve's own
// PhraseQuery on random text: the same documents for every phrase.
func TestPhraseQueryMatchesBleve(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("政务公开处理许可行政二〇，。 ab1\n")
	randText := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	var docs []gazette.SearchDoc
	for i := range 300 {
		docs = append(docs, gazette.SearchDoc{Document: gazette.Document{
			ID: fmt.Sprintf("2020-1-%d", i+1), Title: randText(10), Body: []string{randText(rng.IntN(300))},
		}})
	}
	ctx := context.Background()
	if err := x.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	ids := func(q query.Query) []string {
		req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		res, err := x.b.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		slices.Sort(out)
		return out
	}
	tried, found := 0, 0
	for range 400 {
		terms, _ := queryTerms(randText(2 + rng.IntN(5)))
		if len(terms) < 2 {
			continue
		}
		tried++
		for _, field := range []string{fHead, fBody} {
			want := ids(query.NewPhraseQuery(terms, field))
			if len(want) > 0 {
				found++
			}
			if got := ids(&phraseQuery{terms: terms, field: field, boost: 1}); !slices.Equal(got, want) {
				t.Fatalf("phrase %q in %s: got %v, bleve %v", terms, field, got, want)
			}
		}
	}
	if tried < 100 || found < 50 {
		t.Fatalf("only %d phrases tried, %d found anything", tried, found)
	}
}
