package bleveindex

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	seg "github.com/blevesearch/scorch_segment_api/v2"
	gojson "github.com/goccy/go-json"

	"github.com/gazette-archive/gazette/gazette"
)

// Suggestions (what the search box offers as people type) must answer in
// a few milliseconds at any archive size, and the head field cannot say
// whether a match is in the title or in an authority, or at its start. So
// they have tables of their own, one per segment like the search tables
// (table.go), built once from the stored hits, in memory: the suggestion
// keys (gazette.SuggestKey) of every title and document number, with
//
//   - the documents in rank order (gazette.SuggestRank without its prefix
//     part), so that a scan can stop at the first few matches;
//   - the keys sorted, for the titles and numbers that start with the text
//     (a binary search);
//   - the bigrams of the keys, each with the documents holding it in rank
//     order, for those that hold the text further on: the text's rarest
//     bigram gives the few documents worth checking.
//
// The keys of a document are read from its stored hit once, and kept by
// ID and fingerprint (which names the stored record, so a changed title
// has another), so that the table of a merged segment is built from the
// packed doc values alone, as the search tables are. Small segments (the
// latest writes) get no bigrams: scanning them costs less than building
// them. Once suggestions are asked for, tables are built in the
// background as segments appear (followSuggestions), so that a suggestion
// seldom waits for one; the first suggestion builds them all.

// suggestTable is the suggestion table of one segment; positions are
// indexes into its arrays, in rank order.
type suggestTable struct {
	local      []uint32 // the segment's document number
	title, num []string // keys
	rank       []gazette.SuggestRank
	byTitle    []uint32            // positions by title key
	byNum      []uint32            // positions of the documents with a number, by number key
	grams      map[uint64][]uint32 // nil: scan (a small segment)
	keys       []string            // docKey of each document, to prune suggestKeys
}

// gramMinDocs is the smallest segment whose table has bigrams.
const gramMinDocs = 4096

// docKeys are the suggestion keys of one document.
type docKeys struct{ title, num string }

// docKey names a stored record: ID and fingerprint.
func docKey(id, fp []byte) string { return string(id) + "\x00" + string(fp) }

// suggestEntry builds one segment's table once, whoever asks first.
type suggestEntry struct {
	once sync.Once
	t    *suggestTable
	err  error
}

// suggestTables are the suggestion tables of an index by segment ID, and
// the keys of the documents they hold.
type suggestTables struct {
	mu   sync.Mutex
	tabs map[uint64]*suggestEntry
	// keys are the docKeys of documents met, by docKey; pruned to those of
	// current segments when they outnumber them twice.
	keysMu sync.Mutex
	keys   map[string]docKeys
	// asked is set by the first suggestion; stop ends followSuggestions.
	asked   atomic.Bool
	stop    chan struct{}
	halting sync.Once
}

// suggestTables returns the suggestion tables of each segment of snapshot
// r, building those not met before, and forgets those r no longer holds.
func (x *Index) suggestTables(r *scorch.IndexSnapshot) ([]*suggestTable, error) {
	st := &x.suggest
	segs := r.Segments()
	entries := make([]*suggestEntry, len(segs))
	st.mu.Lock()
	keep := make(map[uint64]*suggestEntry, len(segs))
	for i, s := range segs {
		e := st.tabs[s.Id()]
		if e == nil {
			e = &suggestEntry{}
		}
		keep[s.Id()], entries[i] = e, e
	}
	st.tabs = keep
	st.mu.Unlock()
	out := make([]*suggestTable, len(segs))
	built := false
	for i, e := range entries {
		e.once.Do(func() { e.t, e.err = st.build(segs[i]); built = true })
		if e.err != nil {
			return nil, e.err
		}
		out[i] = e.t
	}
	if built {
		st.prune(out)
	}
	return out, nil
}

// prune forgets the keys of documents no table holds once they are as many
// as those held: replaced and deleted documents leave theirs behind.
func (st *suggestTables) prune(tabs []*suggestTable) {
	n := 0
	for _, t := range tabs {
		n += len(t.keys)
	}
	st.keysMu.Lock()
	defer st.keysMu.Unlock()
	if len(st.keys) <= 2*n+1024 {
		return
	}
	keep := make(map[string]docKeys, n)
	for _, t := range tabs {
		for _, k := range t.keys {
			if dk, ok := st.keys[k]; ok {
				keep[k] = dk
			}
		}
	}
	st.keys = keep
}

// followEvery is how often followSuggestions looks for new segments.
const followEvery = 250 * time.Millisecond

// followSuggestions builds the suggestion tables of every segment a write
// or a merge adds, until the index closes, once a suggestion has been
// asked for: so that a suggestion seldom waits for a table (a merge of the
// whole index takes a second to tabulate at 100,000 documents), while an
// index that is never asked (a batch ingest, a reindex) does no such work.
// Open runs it in the background; errors meet the next suggestion again.
func (x *Index) followSuggestions() {
	t := time.NewTicker(followEvery)
	defer t.Stop()
	for {
		if x.suggest.asked.Load() {
			if r, err := x.reader(); err == nil {
				x.suggestTables(r)
				r.Close()
			}
		}
		select {
		case <-x.suggest.stop:
			return
		case <-t.C:
		}
	}
}

// halt stops followSuggestions; Close calls it.
func (st *suggestTables) halt() { st.halting.Do(func() { close(st.stop) }) }

// storedSuggest is the part of a stored hit (fHit) a suggestion table reads.
type storedSuggest struct {
	Title     string `json:"title"`
	DocNumber string `json:"doc_number"`
}

// build makes the table of segment s from its packed doc values, and the
// stored hits of documents whose keys are not known yet.
func (st *suggestTables) build(s *scorch.SegmentSnapshot) (*suggestTable, error) {
	dvv, ok := s.Segment().(seg.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("suggestions: segment without doc values")
	}
	n := int(s.Segment().Count())
	type doc struct {
		local uint32
		key   string
		keys  docKeys
		rank  gazette.SuggestRank
	}
	docs := make([]doc, 0, n)
	var iter seg.DocVisitState
	fields := []string{fMeta}
	for local := range n {
		var d doc
		var err error
		iter, err = dvv.VisitDocValues(uint64(local), fields, func(_ string, term []byte) {
			m := unpackMeta(term)
			if m.id == nil {
				return
			}
			d = doc{local: uint32(local), key: docKey(m.id, m.fp), rank: gazette.SuggestRank{
				Superseded: gazette.Superseded(gazette.Validity(m.validity)), Published: dateOfKey(m.date),
				Order: gazette.PrintOrder(string(m.id))}}
		}, iter)
		if err != nil {
			return nil, fmt.Errorf("suggestions: doc values of document %d: %w", local, err)
		}
		if d.key == "" {
			continue // no packed doc values: not a document of this package's
		}
		st.keysMu.Lock()
		dk, known := st.keys[d.key]
		st.keysMu.Unlock()
		if !known {
			if dk, err = readKeys(s, uint64(local)); err != nil {
				return nil, err
			}
			st.keysMu.Lock()
			if st.keys == nil {
				st.keys = map[string]docKeys{}
			}
			st.keys[d.key] = dk
			st.keysMu.Unlock()
		}
		d.keys = dk
		docs = append(docs, d)
	}
	slices.SortFunc(docs, func(a, b doc) int { return a.rank.Compare(b.rank) })
	t := &suggestTable{
		local: make([]uint32, len(docs)), title: make([]string, len(docs)), num: make([]string, len(docs)),
		rank: make([]gazette.SuggestRank, len(docs)), keys: make([]string, len(docs)),
	}
	if len(docs) >= gramMinDocs {
		t.grams = map[uint64][]uint32{}
	}
	for i, d := range docs {
		t.local[i], t.title[i], t.num[i], t.rank[i], t.keys[i] = d.local, d.keys.title, d.keys.num, d.rank, d.key
		t.byTitle = append(t.byTitle, uint32(i))
		if d.keys.num != "" {
			t.byNum = append(t.byNum, uint32(i))
		}
		if t.grams == nil {
			continue
		}
		for _, k := range []string{d.keys.title, d.keys.num} {
			eachGram(k, func(g uint64) {
				list := t.grams[g]
				if len(list) == 0 || list[len(list)-1] != uint32(i) {
					t.grams[g] = append(list, uint32(i))
				}
			})
		}
	}
	sort.Slice(t.byTitle, func(a, b int) bool { return t.title[t.byTitle[a]] < t.title[t.byTitle[b]] })
	sort.Slice(t.byNum, func(a, b int) bool { return t.num[t.byNum[a]] < t.num[t.byNum[b]] })
	return t, nil
}

// readKeys reads the suggestion keys of a document from its stored hit.
func readKeys(s *scorch.SegmentSnapshot, local uint64) (docKeys, error) {
	var raw []byte
	err := s.VisitDocument(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fHit {
			raw = value
			return false
		}
		return true
	})
	if err != nil {
		return docKeys{}, fmt.Errorf("suggestions: document %d: %w", local, err)
	}
	var h storedSuggest
	if raw != nil {
		if err := gojson.Unmarshal(raw, &h); err != nil {
			return docKeys{}, fmt.Errorf("suggestions: document %d: stored hit: %w", local, err)
		}
	}
	return docKeys{title: gazette.SuggestKey(h.Title), num: gazette.SuggestKey(h.DocNumber)}, nil
}

// dateOfKey reads a date packed as yyyymmdd (dateKey); "" is the zero date.
func dateOfKey(b []byte) gazette.Date {
	if len(b) != 8 {
		return gazette.Date{}
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return gazette.Date{}
		}
		n = n*10 + int(c-'0')
	}
	return gazette.Date{Year: n / 10000, Month: time.Month(n / 100 % 100), Day: n % 100}
}

// eachGram calls f with every pair of neighbouring characters of key.
func eachGram(key string, f func(uint64)) {
	prev := rune(-1)
	for _, r := range key {
		if prev >= 0 {
			f(uint64(prev)<<32 | uint64(r))
		}
		prev = r
	}
}

// suggestCand is one document offered, from one segment.
type suggestCand struct {
	rank gazette.SuggestRank
	num  uint64 // snapshot document number
}

// find returns the positions of the best n documents of the table that
// start with key, then of the best n that hold it further on, skipping
// those deleted is true of.
func (t *suggestTable) find(key string, n int, deleted func(local uint32) bool) (prefix, inside []uint32) {
	best := func(sorted []uint32, keys []string) {
		i := sort.Search(len(sorted), func(i int) bool { return keys[sorted[i]] >= key })
		for ; i < len(sorted) && strings.HasPrefix(keys[sorted[i]], key); i++ {
			p := sorted[i]
			if deleted(t.local[p]) || slices.Contains(prefix, p) {
				continue
			}
			// Keep the n first in rank order (smallest positions).
			j, _ := slices.BinarySearch(prefix, p)
			if j < n {
				prefix = slices.Insert(prefix, j, p)
				if len(prefix) > n {
					prefix = prefix[:n]
				}
			}
		}
	}
	best(t.byTitle, t.title)
	best(t.byNum, t.num)
	if len(prefix) >= n {
		return prefix, nil
	}
	check := func(p uint32) bool {
		if len(inside) == n-len(prefix) {
			return false
		}
		if match, pre := gazette.SuggestMatch(key, t.title[p], t.num[p]); match && !pre && !deleted(t.local[p]) {
			inside = append(inside, p)
		}
		return true
	}
	if t.grams == nil {
		for p := range uint32(len(t.local)) {
			if !check(p) {
				break
			}
		}
		return prefix, inside
	}
	// The rarest bigram of the key: only the documents holding it can hold
	// the key; they are in rank order, so the first matches are the best.
	var rarest []uint32
	first, missing := true, false
	eachGram(key, func(g uint64) {
		list, ok := t.grams[g]
		if !ok {
			missing = true
		}
		if first || len(list) < len(rarest) {
			rarest, first = list, false
		}
	})
	if missing {
		return prefix, nil
	}
	for _, p := range rarest {
		if !check(p) {
			break
		}
	}
	return prefix, inside
}

// Suggest returns at most n documents whose title or document number
// holds text, best first (see archive.Index). It reads one snapshot of
// the index: a write is visible to it once Put returns.
func (x *Index) Suggest(ctx context.Context, text string, n int) ([]gazette.Hit, error) {
	key, ok, err := gazette.CheckSuggestText(text)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: %w", err)
	}
	if n < 1 || n > gazette.MaxSuggestions {
		return nil, fmt.Errorf("bleveindex: suggest: %d suggestions, want 1–%d: %w", n, gazette.MaxSuggestions, gazette.ErrInvalid)
	}
	out := []gazette.Hit{}
	if !ok {
		return out, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: %w", err)
	}
	x.suggest.asked.Store(true)
	r, err := x.reader()
	if err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: %w", err)
	}
	defer r.Close()
	tabs, err := x.suggestTables(r)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: %w", err)
	}
	segs := r.Segments()
	var cands []suggestCand
	var base uint64
	for i, t := range tabs {
		del := segs[i].Deleted()
		deleted := func(local uint32) bool { return del != nil && del.Contains(local) }
		prefix, inside := t.find(key, n, deleted)
		for k, list := range [][]uint32{prefix, inside} {
			for _, p := range list {
				rank := t.rank[p]
				rank.Prefix = k == 0
				cands = append(cands, suggestCand{rank: rank, num: base + uint64(t.local[p])})
			}
		}
		base += segs[i].Segment().Count()
	}
	slices.SortFunc(cands, func(a, b suggestCand) int { return a.rank.Compare(b.rank) })
	for _, c := range cands[:min(n, len(cands))] {
		h, found, err := loadStoredHit(r, c.num)
		if err != nil {
			return nil, fmt.Errorf("bleveindex: suggest: %w", err)
		}
		if found {
			out = append(out, h)
		}
	}
	return out, nil
}

// loadStoredHit reads the stored hit of snapshot document number num,
// without its body.
func loadStoredHit(s *scorch.IndexSnapshot, num uint64) (h gazette.Hit, found bool, err error) {
	var base uint64
	for _, ss := range s.Segments() {
		n := ss.Segment().Count()
		if num >= base+n {
			base += n
			continue
		}
		var raw []byte
		err = ss.VisitDocument(num-base, func(field string, _ byte, value []byte, _ []uint64) bool {
			if field == fHit {
				raw = slices.Clone(value)
				return false
			}
			return true
		})
		if err != nil || raw == nil {
			return h, false, err
		}
		if err := gojson.Unmarshal(raw, &h); err != nil {
			return h, false, fmt.Errorf("document number %d: stored hit: %w", num, err)
		}
		return h, true, nil
	}
	return h, false, nil
}
