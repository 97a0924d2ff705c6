package bleveindex

import (
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/gazette-archive/gazette/gazette"
)

// SetDirect turns the direct search path (fast.go) on or off, for tests
// that compare it with bleve's searchers. Not safe during searches.
func (x *Index) SetDirect(on bool) { x.noDirect = !on }

// TakesDirectPath reports whether q, normalised, would run on the direct
// path.
func (x *Index) TakesDirectPath(q gazette.Query) bool {
	if q.Normalize() != nil {
		return false
	}
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return false
	}
	_, ok := x.planDirect(&q, qt)
	return ok
}

// Unscored is how many searches have left some of their hits in the head,
// and all their hits in the body only, unscored.
func (x *Index) Unscored() (head, body int64) {
	return x.unscored.head.Load(), x.unscored.body.Load()
}

// AsyncErrors is how many errors bleve's background persister and merger
// have reported since the index opened.
func (x *Index) AsyncErrors() uint64 {
	adv, err := x.b.Advanced()
	if err != nil {
		return 0
	}
	n, _ := adv.(*scorch.Scorch).StatsMap()["TotOnErrors"].(uint64)
	return n
}

// Settle waits until bleve's persister and merger have caught up with
// every batch, so that a test can change the disk under an idle index.
func (x *Index) Settle() {
	adv, err := x.b.Advanced()
	if err != nil {
		panic(err)
	}
	for adv.(*scorch.Scorch).StatsMap()["index_bgthreads_active"] == true {
		time.Sleep(10 * time.Millisecond)
	}
}

// SuggestLayers waits for merges of the suggestion table in progress and
// returns how many documents each of its layers holds, base first (none
// before the first suggestion).
func (x *Index) SuggestLayers() []int { return x.suggest.Layers() }

// AnalyzeText runs the one-pass analysis of a text field (analysis.go) and
// returns its number of tokens, for benchmarks.
func AnalyzeText(s string) int {
	a := &textAnalysis{input: []byte(s)}
	a.run()
	return a.lens[partText] + a.lens[partChars] + a.lens[partShingles]
}

// SetCommonSample sets the least number of documents whose bigrams decide
// an index's common bigrams (analysis.go), until restore is called. Not
// safe while an index is put to.
func SetCommonSample(n int) (restore func()) {
	old := commonSample
	commonSample = n
	return func() { commonSample = old }
}

// CommonBigrams is the number of common bigrams of the index, or -1 when
// it keeps every 4-gram.
func (x *Index) CommonBigrams() int {
	if c := x.common.Load(); c != nil {
		return len(c.m)
	}
	return -1
}

// ReadsShingles reports whether the index reads the run of text through
// its 4-grams.
func (x *Index) ReadsShingles(text string) bool {
	terms, _ := queryTerms(text)
	return shingles(terms, x.common.Load()) != nil
}
