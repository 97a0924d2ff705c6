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

// TestBlockMaxFloorTies searches a word held in the body alone by every
// document of one segment, where one document of each block scores most,
// all the same: the page is made of those ties. The floor from the
// blocks' maxima (kept as float32s, rounded up) must not rise above their
// exact scores, nor the champion list, offered against the floor, stop
// before them: it once did, and the page came back empty (in
// TestBlockMaxAgrees, 8 hits of 20 on 罚款, depending on merges).
func TestBlockMaxFloorTies(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	const blocks = 40
	var docs []gazette.SearchDoc
	for i := range blocks * 64 {
		body := []string{"违反本办法的，处以罚款。", "有关部门按照职责分工负责。", "县级以上人民政府应当加强领导。"}
		if i%64 == 7 { // the block's best: 罚款 twice in a short body
			body = []string{"违反本办法的，处以罚款。", "罚款上缴国库。"}
		}
		key := gazette.IssueKey{Year: 2010, Number: 1 + i%24}
		pub := gazette.Date{Year: 2010, Month: time.Month(1 + i%12), Day: 1 + i%28}
		d := gazette.Document{
			ID: gazette.DocumentID(key, 1+i/24), Issue: key, Title: "实施办法", Body: body,
			Kind: gazette.KindRule, Authorities: []string{benchAuthorities[0]},
			Signed: pub, Published: pub, Effective: pub,
			Validity: gazette.Status{State: gazette.InForce},
			Pages:    gazette.PageRange{First: 1, Last: 2}, Version: 1,
		}
		docs = append(docs, gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("%064x", i)})
	}
	if err := idx.Put(ctx, docs); err != nil { // one segment
		t.Fatal(err)
	}
	for _, q := range []gazette.Query{{Text: "罚款"}, {Text: "罚款", PerPage: 50}, {Text: "罚款", Page: 2, PerPage: 10}} {
		if !idx.TakesDirectPath(q) {
			t.Fatalf("%+v does not take the direct path", q)
		}
		best := bleveindex.BestOffered()
		direct, viaBleve := bothWays(t, ctx, idx, q)
		if !reflect.DeepEqual(direct, viaBleve) {
			t.Errorf("%+v:\ndirect path: total %d, hits %v\nbleve:       total %d, hits %v",
				q, direct.Total, hitIDs(direct), viaBleve.Total, hitIDs(viaBleve))
		}
		if bleveindex.BestOffered() == best {
			t.Errorf("%+v: no hit offered from the champion list: the search checks none", q)
		}
	}
}

// TestBlockMaxRandom compares searches by blocks with bleve's searchers
// over random archives, one per seed: documents with words in the title,
// the body or both, said once or several times in bodies of many lengths,
// under every validity; put in batches of random sizes (segments), some
// deleted, some put again changed, then merged, then more deleted. After
// each step, words, pairs of them and words less another (an exclusion)
// are searched with pages of several sizes and offsets, some with filters:
// the same total, facets, hits and order. The results of an exclusion are
// also checked against the documents themselves: no hit holds the
// excluded word, and, without filters, the total is the number of live
// documents holding the word and not the excluded one.
func TestBlockMaxRandom(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { blockMaxRandom(t, seed) })
	}
}

func blockMaxRandom(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 17))
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	words := []string{"规定", "政府", "罚款", "管理", "办法", "公开", "安全", "国库"}
	filler := []string{"有关部门按照职责分工负责", "第一条为了规范工作制定本条例", "本条例自发布之日起施行",
		"各单位应当认真贯彻执行", "县级以上", "具体事项另行通知"}
	// Validities of one weight (0.8): under weights that differ, the
	// scores of two documents whose bodies' lengths are as the squares of
	// the weights (25 and 16 tokens, 1 and 0.8) are equal, and the direct
	// path and bleve's searchers, multiplying in another order, may round
	// them apart by an ulp, either way (TestBlockMaxAgrees weighs
	// validities with copies, whose scores tie exactly).
	validities := []gazette.Validity{gazette.Repealed, gazette.Expired}
	doc := func(i, version int) gazette.SearchDoc {
		var title, body []string
		for k, w := range words {
			// the first words in many titles, the last in none: pages
			// of hits in the head, in the body alone, and of both
			if k < 4 && rng.IntN(4<<k) == 0 {
				title = append(title, w)
			}
		}
		title = append(title, filler[rng.IntN(len(filler))][:9])
		for range 1 + rng.IntN(4) { // bodies of few lengths: ties
			line := filler[rng.IntN(len(filler))]
			if rng.IntN(2) == 0 {
				line += "，" + words[rng.IntN(len(words))]
			}
			body = append(body, line+"。")
		}
		key := gazette.IssueKey{Year: 2000 + i%15, Number: 1 + i%24}
		pub := gazette.Date{Year: key.Year, Month: time.Month(1 + rng.IntN(12)), Day: 1 + rng.IntN(28)}
		d := gazette.Document{
			ID: gazette.DocumentID(key, 1+i/24), Issue: key, Title: strings.Join(title, ""), Body: body,
			Kind:        gazette.Kinds[rng.IntN(len(gazette.Kinds))],
			Authorities: []string{benchAuthorities[rng.IntN(4)]},
			Signed:      pub, Published: pub, Effective: pub,
			Validity: gazette.Status{State: validities[rng.IntN(len(validities))]},
			Pages:    gazette.PageRange{First: 1, Last: 2}, Version: version,
		}
		return gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("%032x%032x", i, version)}
	}
	const n = 2400
	var docs []gazette.SearchDoc
	live := map[string]int{} // the documents not deleted, by ID: their index in docs
	for i := range n {
		docs = append(docs, doc(i, 1))
		live[docs[i].ID] = i
	}
	for at := 0; at < n; {
		size := min(n-at, 200+rng.IntN(800))
		if err := idx.Put(ctx, docs[at:at+size]); err != nil {
			t.Fatal(err)
		}
		at += size
	}
	del := func(share int) {
		var gone []string
		for range n / share {
			gone = append(gone, docs[rng.IntN(n)].ID)
			delete(live, gone[len(gone)-1])
		}
		if err := idx.Delete(ctx, gone); err != nil {
			t.Fatal(err)
		}
	}
	var texts []string
	for _, w := range words {
		texts = append(texts, w, w+" "+words[rng.IntN(len(words))])
		if x := words[rng.IntN(len(words))]; x != w {
			texts = append(texts, w+" -"+x)
		}
	}
	// holds says whether the text of d that is searched holds word w.
	holds := func(d gazette.SearchDoc, w string) bool {
		return strings.Contains(d.Title+"\n"+strings.Join(d.Body, "\n")+"\n"+strings.Join(d.Authorities, "\n"), w)
	}
	// checkExclusion checks the results of q, w -x, against the documents.
	checkExclusion := func(step string, q gazette.Query, res gazette.Results) {
		w, x, _ := strings.Cut(q.Text, " -")
		for _, h := range res.Hits {
			if d := docs[live[h.ID]]; holds(d, x) {
				t.Errorf("%s, %+v: hit %s holds %s: %q %q", step, q, h.ID, x, d.Title, d.Body)
			}
		}
		if q.Validity != nil || q.Years != nil {
			return
		}
		want := 0
		for _, i := range live {
			if holds(docs[i], w) && !holds(docs[i], x) {
				want++
			}
		}
		if res.Total != want {
			t.Errorf("%s, %+v: total %d, but %d live documents hold %s and not %s", step, q, res.Total, want, w, x)
		}
	}
	years := []int{2001, 2004, 2009, 2013}
	search := func(step string) {
		for _, text := range texts {
			for _, pp := range []int{1, 3, 10, 20, 50} {
				q := gazette.Query{Text: text, PerPage: pp, Page: 1 + rng.IntN(3)}
				switch rng.IntN(4) {
				case 0:
					q.Validity = []gazette.Validity{gazette.Expired}
				case 1:
					q.Years = years[:1+rng.IntN(len(years))]
				}
				if !idx.TakesDirectPath(q) {
					t.Fatalf("%+v does not take the direct path", q)
				}
				direct, viaBleve := bothWays(t, ctx, idx, q)
				if !reflect.DeepEqual(direct, viaBleve) {
					t.Errorf("%s, %+v:\ndirect path: total %d, hits %v\nbleve:       total %d, hits %v",
						step, q, direct.Total, hitIDs(direct), viaBleve.Total, hitIDs(viaBleve))
				}
				if strings.Contains(text, " -") {
					checkExclusion(step, q, direct)
				}
			}
		}
	}
	skipped := bleveindex.SkippedBlocks()
	search("put")
	del(10)
	for range n / 20 { // put again, changed: the old version is deleted
		i := rng.IntN(n)
		docs[i] = doc(i, docs[i].Version+1)
		if err := idx.Put(ctx, docs[i:i+1]); err != nil {
			t.Fatal(err)
		}
		live[docs[i].ID] = i
	}
	search("deleted and put again")
	if err := idx.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	search("merged")
	del(10)
	search("merged and deleted")
	if bleveindex.SkippedBlocks() == skipped {
		t.Errorf("no block skipped or no champion offered: the searches check none")
	}
}

// TestPrebuiltLists has the lists of block maxima of a segment's most held
// words read in the background once a search meets the segment: the
// searches of those words after it read none themselves, and give the
// results of bleve's searchers.
func TestPrebuiltLists(t *testing.T) {
	defer bleveindex.SetPrebuildMinDocs(1000)()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := blockDocs(3000)
	for i := 0; i < len(docs); i += 1500 { // two segments large enough
		if err := idx.Put(ctx, docs[i:i+1500]); err != nil {
			t.Fatal(err)
		}
	}
	idx.Settle() // no merge after the search below meets the segments
	words := bleveindex.PrebuiltWords()
	if _, err := idx.Search(ctx, gazette.Query{Text: "通知"}); err != nil {
		t.Fatal(err)
	}
	idx.WaitPrebuilt()
	if bleveindex.PrebuiltWords() == words {
		t.Fatal("no list prebuilt")
	}
	read := bleveindex.ListsRead()
	for _, q := range []gazette.Query{{Text: "规定"}, {Text: "政府", PerPage: 50}, {Text: "规定 政府", Page: 2, PerPage: 10}} {
		direct, viaBleve := bothWays(t, ctx, idx, q)
		if !reflect.DeepEqual(direct, viaBleve) {
			t.Errorf("%+v:\ndirect path: total %d, hits %v\nbleve:       total %d, hits %v",
				q, direct.Total, hitIDs(direct), viaBleve.Total, hitIDs(viaBleve))
		}
	}
	if n := bleveindex.ListsRead() - read; n > 0 {
		t.Errorf("the searches read %d lists of words held by most documents: none prebuilt", n)
	}
}

// TestPrebuildRacesSearches runs TestBlockMaxRandom's archives with the
// lists of every segment prebuilt in the background, while the searches
// run, and segments are merged away under the worker: the same results
// as bleve's searchers.
func TestPrebuildRacesSearches(t *testing.T) {
	defer bleveindex.SetPrebuildMinDocs(1)()
	words := bleveindex.PrebuiltWords()
	for _, seed := range []uint64{5, 6} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { blockMaxRandom(t, seed) })
	}
	if bleveindex.PrebuiltWords() == words {
		t.Error("no list prebuilt: the searches raced no worker")
	}
}
