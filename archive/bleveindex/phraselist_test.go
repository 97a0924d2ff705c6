package bleveindex_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// TestPhraseListAgrees searches words of three characters (phrases of two
// bigrams) held by many documents, whose documents and scores the direct
// path reads once into phrase lists, and wants the results of bleve's
// searchers, which read every candidate's positions: the same total,
// facets, hits and order, with deletions, filters, pages and date order.
func TestPhraseListAgrees(t *testing.T) {
	defer bleveindex.SetPhraseListMin(64)()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := blockDocs(2000)
	for i := 0; i < len(docs); i += 1000 { // two segments
		if err := idx.Put(ctx, docs[i:i+1000]); err != nil {
			t.Fatal(err)
		}
	}
	var gone []string
	for i := 3; i < len(docs); i += 7 {
		gone = append(gone, docs[i].ID)
	}
	if err := idx.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	read := bleveindex.PhraseListsRead()
	inForce := []gazette.Validity{gazette.InForce}
	for _, text := range []string{"政府应", "办法的", "人民政", "规定自", "本办法", "政府应 办法", "本办法 -罚款", "政府规"} {
		for _, q := range []gazette.Query{
			{Text: text}, {Text: text, Lean: true, PerPage: 50}, {Text: text, Page: 3, PerPage: 30},
			{Text: text, Validity: inForce, Sort: gazette.SortNewest},
			{Text: text, From: gazette.Date{Year: 2004, Month: 2, Day: 1}, To: gazette.Date{Year: 2009, Month: 6, Day: 30}},
		} {
			t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
				if !idx.TakesDirectPath(q) {
					t.Fatalf("%+v does not take the direct path", q)
				}
				direct, viaBleve := bothWays(t, ctx, idx, q)
				if !reflect.DeepEqual(direct, viaBleve) {
					t.Errorf("direct path: total %d, hits %v, facets %+v\nbleve:       total %d, hits %v, facets %+v",
						direct.Total, hitIDs(direct), direct.Facets, viaBleve.Total, hitIDs(viaBleve), viaBleve.Facets)
				}
				if len(direct.Hits) == 0 {
					t.Errorf("no hits: the search checks nothing")
				}
			})
		}
	}
	if n := bleveindex.PhraseListsRead() - read; n < 8 {
		t.Errorf("%d phrase lists read; want one for most words in each segment", n)
	}
}
