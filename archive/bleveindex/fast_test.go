package bleveindex_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// TestDirectPathAgrees runs word and phrase queries through the direct path and
// through bleve's searchers on the same index, with deletions and several
// segments, and wants the same results: total, facets and the order of hits.
func TestDirectPathAgrees(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := benchDocs(1200)
	for i := 0; i < len(docs); i += 300 { // several batches: several segments
		if err := idx.Put(ctx, docs[i:i+300]); err != nil {
			t.Fatal(err)
		}
	}
	var gone []string
	for i := 0; i < len(docs); i += 7 {
		gone = append(gone, docs[i].ID)
	}
	if err := idx.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := idx.Put(ctx, docs[1:2]); err != nil { // replaced: an old version is deleted
		t.Fatal(err)
	}
	queries := []gazette.Query{
		{Text: "管理"}, {Text: "规定"}, {Text: "人民 政府"}, {Text: "法律 责任 处罚"},
		{Text: "管理 -处罚"}, {Text: "国家 -机关 -行政"}, {Text: "2018"}, {Text: "管理 -…"},
		{Text: "管理", Sort: gazette.SortNewest}, {Text: "管理", Sort: gazette.SortOldest, Page: 3, PerPage: 7},
		{Text: "管理", Kinds: []gazette.Kind{gazette.KindRule, gazette.KindNormative}},
		{Text: "规定", Authorities: []string{"福建省司法厅", "福建省财政厅"}, Years: []int{2010, 2011, 2020}},
		{Text: "规定", Validity: []gazette.Validity{gazette.InForce}, From: gazette.Date{Year: 2012, Month: 3, Day: 1}, To: gazette.Date{Year: 2018, Month: 5, Day: 31}},
		{Text: "规定", Issue: &gazette.IssueKey{Year: 2005, Number: 3}},
		{Text: "退役"}, {Text: "zzzz"}, {Text: "管理", Topics: []string{"政务公开"}},
		// Phrases and longer words: positions are checked.
		{Text: `"管理"`}, {Text: "管理办法"}, {Text: `"人民政府"`}, {Text: `"第二十一条"`}, {Text: `"第二十一条" 处罚`},
		{Text: "人民政府 -处罚"}, {Text: `"县级以上地方人民政府"`, Sort: gazette.SortNewest}, {Text: "2018年"},
		{Text: `"规定，"`}, {Text: `"的规定"`, Kinds: []gazette.Kind{gazette.KindRule}}, {Text: `"政府管理"`},
		{Text: `"本办法自发布之日起施行"`, Page: 2, PerPage: 5}, {Text: `"zzzz规定"`},
		// A word or unit no document holds ends the search early.
		{Text: "管理 zzzz"}, {Text: "zzzz 管理"}, {Text: "管理办法 规定垚垚"}, {Text: "垚垚规定管理"},
		// No words: filters and facets only, newest first.
		{}, {Page: 4, PerPage: 9}, {Authorities: []string{"福建省司法厅"}, Years: []int{2010, 2011}},
		{Kinds: []gazette.Kind{gazette.KindRule}, From: gazette.Date{Year: 2012, Month: 3, Day: 1}, To: gazette.Date{Year: 2018, Month: 5, Day: 31}},
		{Sort: gazette.SortOldest, Validity: []gazette.Validity{gazette.Expired}},
	}
	for _, q := range []gazette.Query{{Text: "省"}, {Text: "管理 省"}, {Text: "管理 -管理办法"}, {Text: "-管理"}} {
		if idx.TakesDirectPath(q) {
			t.Errorf("%+v takes the direct path; single characters, excluded phrases and exclusions alone need bleve", q)
		}
	}
	// Lean searches count their hits from the bitmaps, and by date take
	// the page in each segment's date order: the same results.
	for _, q := range slices.Clone(queries) {
		q.Lean = true
		queries = append(queries, q)
	}
	// Segments of 300 documents: at the default share, every word of
	// these queries is common enough to be searched by blocks; at 1/8,
	// the rarer take the other paths, as in a larger index.
	defer bleveindex.SetPrunedShare(8)()
	head0, body0 := idx.Unscored()
	blocks0 := bleveindex.SkippedBlocks()
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			if !idx.TakesDirectPath(q) {
				t.Fatalf("%+v does not take the direct path", q)
			}
			direct, viaBleve := bothWays(t, ctx, idx, q)
			for _, h := range direct.Hits {
				h.Snippet, h.Anchor = "", "" // both depend on the query
				if got, err := idx.Get(ctx, h.ID); err != nil || !reflect.DeepEqual(got, h) {
					t.Errorf("hit %+v, but Get gives %+v, %v", h, got, err)
				}
			}
			if !reflect.DeepEqual(direct, viaBleve) {
				t.Errorf("direct path: total %d, hits %v, facets %+v\nbleve:       total %d, hits %v, facets %+v",
					direct.Total, hitIDs(direct), direct.Facets, viaBleve.Total, hitIDs(viaBleve), viaBleve.Facets)
			}
		})
	}
	// Common words fill the page: the hits of blocks that cannot reach it
	// (blockmax.go) are counted but never scored, nor are some hits in
	// the head and all hits in the body only of words held by fewer
	// documents, and the results still agree.
	head, body := idx.Unscored()
	if blocks := bleveindex.SkippedBlocks() - blocks0; blocks < 3 || head == head0 || body == body0 {
		t.Errorf("%d blocks of hits went unscored, hits in the head partly in %d searches, hits in the body only in %d; want at least 3 blocks (管理, 规定, 人民 政府 ...) and a search of each other kind",
			blocks, head-head0, body-body0)
	}
}

// TestWholeSegmentFacets checks the facets of searches that every document
// of a segment matches, which are counted from each segment's counts, against
// bleve's searchers: the same total, facets and page, with filters, dates
// and a day in force, which leave documents out, too.
func TestWholeSegmentFacets(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := benchDocs(900)
	for i := 0; i < len(docs); i += 300 { // no deletions: whole segments
		if err := idx.Put(ctx, docs[i:i+300]); err != nil {
			t.Fatal(err)
		}
	}
	queries := []gazette.Query{
		{}, {Page: 3, PerPage: 11}, {Sort: gazette.SortOldest}, {Sort: gazette.SortOldest, Page: 5, PerPage: 40},
		{Years: []int{2010, 2011}}, {Validity: []gazette.Validity{gazette.InForce}},
		{From: gazette.Date{Year: 2012, Month: 3, Day: 1}, To: gazette.Date{Year: 2018, Month: 5, Day: 31}},
		{InForceOn: gazette.Date{Year: 2015, Month: 6, Day: 1}},
	}
	whole := bleveindex.WholeSegments()
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			direct, viaBleve := bothWays(t, ctx, idx, q)
			if direct.Total == 0 || len(direct.Facets.Kind) == 0 {
				t.Fatalf("nothing found: %+v", direct)
			}
			if !reflect.DeepEqual(direct, viaBleve) {
				t.Errorf("direct path: total %d, hits %v, facets %+v\nbleve:       total %d, hits %v, facets %+v",
					direct.Total, hitIDs(direct), direct.Facets, viaBleve.Total, hitIDs(viaBleve), viaBleve.Facets)
			}
		})
	}
	if bleveindex.WholeSegments() == whole {
		t.Error("no search counted a whole segment's facets")
	}
}

// bothWays runs q through the direct path and through bleve's own
// searchers, and leaves the index on bleve's.
func bothWays(t *testing.T, ctx context.Context, idx *bleveindex.Index, q gazette.Query) (direct, viaBleve gazette.Results) {
	t.Helper()
	idx.SetDirect(true)
	direct, err := idx.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	idx.SetDirect(false)
	if viaBleve, err = idx.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	return direct, viaBleve
}

func hitIDs(res gazette.Results) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

// TestPhrasesMatchText checks phrase search against the text itself: a
// phrase of four to twelve Han characters (read through 4-grams) matches
// exactly the documents whose title, number, authorities or body holds it
// within one line, spaces aside; phrases made of two pieces from different
// places, whose 4-grams may all occur without the phrase, match only
// where the phrase itself is.
func TestPhrasesMatchText(t *testing.T) {
	needLaws(t)
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	docs := benchDocs(600)
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	lines := make([][]string, len(docs))
	for i, d := range docs {
		all := append(append([]string{d.Title, d.DocNumber}, d.Authorities...), d.Body...)
		for _, l := range all {
			lines[i] = append(lines[i], strings.NewReplacer(" ", "", "\t", "").Replace(gazette.FoldSearchText(l)))
		}
	}
	var runs [][]rune // runs of Han characters in the bodies
	for _, d := range docs[:60] {
		for _, p := range d.Body {
			var cur []rune
			for _, r := range p + "。" {
				if unicode.Is(unicode.Han, r) {
					cur = append(cur, r)
				} else if len(cur) >= 12 {
					runs = append(runs, cur)
					cur = nil
				} else {
					cur = nil
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var phrases []string
	for range 60 {
		r := runs[rng.IntN(len(runs))]
		n := 4 + rng.IntN(9)
		at := rng.IntN(len(r) - n + 1)
		phrases = append(phrases, string(r[at:at+n]))
		// two pieces of common text from different places
		a, b := runs[rng.IntN(len(runs))], runs[rng.IntN(len(runs))]
		phrases = append(phrases, string(a[:2+rng.IntN(3)])+string(b[len(b)-3:]))
	}
	phrases = append(phrases, "第二十一条", "人民政府", "县级以上地方人民政府", "法律法规")
	matched := 0
	for _, ph := range phrases {
		want := 0
		for i := range docs {
			// The index reads a phrase across 、，“”《》, which people leave out.
			if slices.ContainsFunc(lines[i], func(l string) bool { return strings.Contains(withoutJoiningMarks(l), ph) }) {
				want++
			}
		}
		for _, text := range []string{`"` + ph + `"`, ph} {
			res, err := idx.Search(ctx, gazette.Query{Text: text, PerPage: gazette.MaxPerPage})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != want {
				t.Errorf("%s: %d hits, but %d documents hold it", text, res.Total, want)
			}
		}
		if want > 0 {
			matched++
		}
	}
	if matched < len(phrases)/2 {
		t.Errorf("only %d of %d phrases occur anywhere: the test checks too little", matched, len(phrases))
	}
}

func withoutJoiningMarks(s string) string {
	return strings.Map(func(r rune) rune {
		if gazette.IsJoiningMark(r) {
			return -1
		}
		return r
	}, s)
}
