package bleveindex_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// TestSeekerAdvance reads words of a segment whose postings span several
// of zap's chunks (thousands of documents holding them) with seekers and
// with zap's Advance alone, and wants the same postings; then, with
// deletions in that segment, wants searches that score few hits scattered
// over it (block maxima) to answer as bleve's searchers do.
func TestSeekerAdvance(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := blockDocs(3000)
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if err := idx.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		jumps := 0
		for i, term := range []string{"规定", "政府", "办法", "罚款", "实施"} {
			n, err := idx.SeekAgrees(term, uint64(i))
			if err != nil {
				t.Error(err)
			}
			jumps += n
		}
		if jumps < 10 {
			t.Errorf("%d seeks past a chunk: the check checks little", jumps)
		}
	}
	check()
	var gone []string
	for i := 7; i < len(docs); i += 13 {
		gone = append(gone, docs[i].ID)
	}
	if err := idx.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	check()
	for _, text := range []string{"规定", "政府", "规定 政府", "办法 规定", "罚款", "\"人民政府\"", "\"本规定自发布\""} {
		for _, q := range []gazette.Query{{Text: text}, {Text: text, Lean: true, PerPage: 50}, {Text: text, Page: 3, PerPage: 40}} {
			t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
				direct, viaBleve := bothWays(t, ctx, idx, q)
				if !reflect.DeepEqual(direct, viaBleve) {
					t.Errorf("direct path: total %d, hits %v\nbleve:       total %d, hits %v", direct.Total, hitIDs(direct), viaBleve.Total, hitIDs(viaBleve))
				}
				if len(direct.Hits) == 0 {
					t.Errorf("no hits: the search checks nothing")
				}
			})
		}
	}
}
