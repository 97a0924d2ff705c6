package bleveindex_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// TestBlockMaxAgrees searches words held by most documents, whose hits
// the direct path scores by blocks and mostly skips (blockmax.go), and
// wants the results of bleve's searchers, which score every hit: the same
// total, facets, hits and order. The documents come in groups of copies,
// whose scores tie, under every validity (whose weights scale scores),
// over several segments with deletions; the searches have filters, date
// ranges and pages beyond the first.
func TestBlockMaxAgrees(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := blockDocs(3000)
	for i := 0; i < len(docs); i += 1000 { // several segments
		if err := idx.Put(ctx, docs[i:i+1000]); err != nil {
			t.Fatal(err)
		}
	}
	var gone []string
	for i := 5; i < len(docs); i += 11 {
		gone = append(gone, docs[i].ID)
	}
	if err := idx.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	inForce := []gazette.Validity{gazette.InForce}
	var queries []gazette.Query
	for _, text := range []string{"规定", "政府", "规定 政府", "人民政府", "规定 -罚款", "办法 规定", "罚款"} {
		queries = append(queries,
			gazette.Query{Text: text}, gazette.Query{Text: text, Lean: true, PerPage: 50},
			gazette.Query{Text: text, Page: 4, PerPage: 30},
			gazette.Query{Text: text, Validity: inForce},
			gazette.Query{Text: text, Kinds: []gazette.Kind{gazette.KindRule}, Years: []int{2003, 2007, 2011}},
			gazette.Query{Text: text, From: gazette.Date{Year: 2004, Month: 2, Day: 1}, To: gazette.Date{Year: 2009, Month: 6, Day: 30}},
			gazette.Query{Text: text, InForceOn: gazette.Date{Year: 2010, Month: 1, Day: 1}},
			gazette.Query{Text: text, Authorities: []string{"福建省司法厅"}, Page: 2, PerPage: 10},
		)
	}
	skipped, holders, best := bleveindex.SkippedBlocks(), bleveindex.HoldersScored(), bleveindex.BestOffered()
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			if !idx.TakesDirectPath(q) {
				t.Fatalf("%+v does not take the direct path", q)
			}
			idx.SetDirect(true)
			direct, err := idx.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			idx.SetDirect(false)
			viaBleve, err := idx.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(direct, viaBleve) {
				t.Errorf("direct path: total %d, hits %v, facets %+v\nbleve:       total %d, hits %v, facets %+v",
					direct.Total, hitIDs(direct), direct.Facets, viaBleve.Total, hitIDs(viaBleve), viaBleve.Facets)
			}
			if len(direct.Hits) == 0 {
				t.Errorf("no hits: the search checks nothing")
			}
		})
	}
	if n := bleveindex.SkippedBlocks() - skipped; n < int64(len(queries)) {
		t.Errorf("%d blocks of hits skipped in %d searches; want most of them", n, len(queries))
	}
	// 规定 is in the titles of a sixth of the documents: few enough for
	// the hits matching it there to be scored from its holders
	if bleveindex.HoldersScored() == holders {
		t.Errorf("no hit scored from the holders of a word in the head: the searches check none")
	}
	if bleveindex.BestOffered() == best {
		t.Errorf("no hit offered from a word's champion list: the searches check none")
	}
}

// blockDocs returns n documents in groups of up to four copies (the same
// title and body, so the same relevance), most of them holding 规定 and
// many 政府, in titles and bodies of many lengths.
func blockDocs(n int) []gazette.SearchDoc {
	rng := rand.New(rand.NewPCG(3, 3))
	titles := []string{"关于印发管理办法的通知", "人民政府令", "实施规定", "福建省人民政府关于加强安全生产工作的意见", "办法", "政府规章"}
	phrases := []string{"本规定自发布之日起施行。", "县级以上人民政府应当加强领导。", "违反本办法的，处以罚款。",
		"有关部门按照职责分工负责。", "具体办法另行规定。", "各级政府应当公开信息。", "第一条 为了规范管理，制定本办法。"}
	var docs []gazette.SearchDoc
	for len(docs) < n {
		title := titles[rng.IntN(len(titles))]
		var body []string
		for range 1 + rng.IntN(12) {
			body = append(body, phrases[rng.IntN(len(phrases))])
		}
		first := len(docs)
		for c := 1 + rng.IntN(4); c > 0 && len(docs) < n; c-- {
			i := len(docs)
			year := 2000 + rng.IntN(15)
			key := gazette.IssueKey{Year: year, Number: 1 + i%24}
			pub := gazette.Date{Year: year, Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
			if i > first && rng.IntN(2) == 0 {
				pub = docs[i-1].Published // the same date too: the order key decides
			}
			d := gazette.Document{
				ID: gazette.DocumentID(key, 1+i/24), Issue: key, Title: title, Body: strings.Split(strings.Join(body, "\n"), "\n"),
				Kind:        gazette.Kinds[rng.IntN(len(gazette.Kinds))],
				Authorities: []string{benchAuthorities[rng.IntN(4)]},
				Signed:      pub, Published: pub, Effective: pub,
				Validity: gazette.Status{State: gazette.Validities[rng.IntN(len(gazette.Validities))]},
				Pages:    gazette.PageRange{First: 1, Last: 2}, Version: 1,
			}
			docs = append(docs, gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("%064x", i)})
		}
	}
	return docs
}
