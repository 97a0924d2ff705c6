package bleveindex

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/index/scorch"
	gojson "github.com/goccy/go-json"

	"github.com/gazette-archive/gazette/gazette"
)

// Suggestions (what the search box offers as people type) must answer in
// a few milliseconds at any archive size, and never wait for work that
// the index's writes or merges cause. So they have a table of their own,
// in memory, of every document's suggestion keys (gazette.SuggestKey of
// its title and document number), kept up to date by Put and Delete, and
// independent of bleve's segments:
//
//   - a base layer holds the documents in rank order (gazette.SuggestRank
//     without its prefix part) and, for every pair of neighbouring
//     characters of a key (a bigram), the positions of the documents that
//     hold it, ascending: so that the documents holding the typed text are
//     found among those holding all its bigrams, best first, and a
//     scan stops at the first few matches. The first character of each
//     key is a bigram of its own (after a start mark, one for titles and
//     one for numbers), for the titles and numbers that start with the
//     text;
//   - writes since go to small layers on top, in the order written, with
//     bigrams of their own; a document in a layer hides its older versions
//     in the layers below, a deletion is a layer entry without keys;
//   - once the top layers grow past a share of the base, one goroutine
//     merges them into a new base, while suggestions go on reading the old
//     one with the layers: no suggestion waits for it.
//
// The table is built from the index (the stored hits) on the first
// suggestion, so that an index never asked (a batch ingest, a reindex)
// does no such work; that first suggestion waits for it. The hits
// offered are read from a snapshot of the index by ID.

// sugDoc is one document as suggestions see it; a deletion has deleted
// set and no keys.
type sugDoc struct {
	id         string
	title, num string // keys (gazette.SuggestKey)
	rank       gazette.SuggestRank
	deleted    bool
}

// sugLayer is one layer of the table; the base is sorted by rank, the
// others are in the order written.
type sugLayer struct {
	docs   []sugDoc
	byID   map[string]int32      // the latest position of each ID in docs
	grams  [2]map[uint64][]int32 // by field (title, number): positions holding each bigram, ascending
	sorted bool                  // docs in rank order (the base)
}

func newLayer(sorted bool) *sugLayer {
	return &sugLayer{byID: map[string]int32{}, grams: [2]map[uint64][]int32{{}, {}}, sorted: sorted}
}

// add appends d to the layer.
func (l *sugLayer) add(d sugDoc) {
	p := int32(len(l.docs))
	l.docs = append(l.docs, d)
	l.byID[d.id] = p
	if d.deleted {
		return
	}
	for i, k := range []string{d.title, d.num} {
		eachGram(k, startMarks[i], func(g uint64) {
			list := l.grams[i][g]
			if len(list) == 0 || list[len(list)-1] != p {
				l.grams[i][g] = append(list, p)
			}
		})
	}
}

// startMarks mark the bigram of the first character of a title's key and
// of a number's (see eachGram); no character is this large.
var startMarks = [2]uint64{uint64(0x200000) << 32, uint64(0x200001) << 32}

// eachGram calls f with the start bigram of key (start, its mark, or none
// when 0), then every pair of its neighbouring characters.
func eachGram(key string, start uint64, f func(uint64)) {
	prev := rune(-1)
	for _, r := range key {
		if prev >= 0 {
			f(uint64(prev)<<32 | uint64(r))
		} else if start != 0 {
			f(start | uint64(r))
		}
		prev = r
	}
}

// lists returns the position lists of the bigrams of key that field f
// (0 title, 1 number) of a document must hold to match it (with the start
// bigram when prefix), shortest first; ok is false when some bigram is in
// no document of the layer.
func (l *sugLayer) lists(key string, f int, prefix bool) (out [][]int32, ok bool) {
	ok = true
	start := uint64(0)
	if prefix {
		start = startMarks[f]
	}
	eachGram(key, start, func(g uint64) {
		list, found := l.grams[f][g]
		if !found {
			ok = false
		}
		out = append(out, list)
	})
	if !ok {
		return nil, false
	}
	slices.SortFunc(out, func(a, b []int32) int { return len(a) - len(b) })
	return out, true
}

// candidates calls f, in ascending order, with each position in the
// shortest of lists that every other list also holds, until f returns
// false.
func candidates(lists [][]int32, f func(p int32) bool) {
	if len(lists) == 0 {
		return
	}
	at := make([]int, len(lists)) // where each other list was left
outer:
	for _, p := range lists[0] {
		for k := 1; k < len(lists); k++ {
			other, j := lists[k], at[k]
			// Gallop: other is ascending, as is lists[0].
			step := 1
			for j+step < len(other) && other[j+step] < p {
				j += step
				step *= 2
			}
			i, _ := slices.BinarySearch(other[j:], p)
			j += i
			at[k] = j
			if j == len(other) {
				return
			}
			if other[j] != p {
				continue outer
			}
		}
		if !f(p) {
			return
		}
	}
}

// suggestTable is the suggestion table of an index.
type suggestTable struct {
	mu sync.RWMutex
	// layers are the base, then the layers written since, newest last;
	// nil until the table is built. The last one is the one written to;
	// the others do not change.
	layers []*sugLayer
	// pending takes the writes made while the table is built.
	pending *sugLayer
	// merging is set while a goroutine merges layers into a new base.
	merging bool
	// building is held by the goroutine building the table from the index.
	building sync.Mutex
	asked    atomic.Bool
	// writes counts, by ID, the writes in progress; dirty holds the IDs
	// two writes met on, to read again from the index once none is.
	wmu    sync.Mutex
	writes map[string]int
	dirty  map[string]bool
	// bg waits for merges; Close waits for it.
	bg sync.WaitGroup
}

// mergeShare: the layers above the base are merged into it once they hold
// more than a mergeShare-th of its documents (and mergeMin at least).
const (
	mergeShare = 8
	mergeMin   = 1024
)

// top returns the layer written to; the caller holds mu for writing.
func (st *suggestTable) top() *sugLayer { return st.layers[len(st.layers)-1] }

// record writes docs to the table, once the index holds them, and starts
// a merge when the layers above the base have grown enough.
func (st *suggestTable) record(docs []sugDoc) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.layers == nil {
		// Not built. While it is built, writes go on top of what the
		// build reads; before, the build reads them from the index.
		if st.pending != nil {
			for _, d := range docs {
				st.pending.add(d)
			}
		}
		return
	}
	for _, d := range docs {
		st.top().add(d)
	}
	above := 0
	for _, l := range st.layers[1:] {
		above += len(l.docs)
	}
	if st.merging || above <= max(mergeMin, len(st.layers[0].docs)/mergeShare) {
		return
	}
	// Freeze the layers above the base; writes go to a new one meanwhile.
	st.merging = true
	frozen := slices.Clone(st.layers)
	st.layers = append(st.layers, newLayer(false))
	st.bg.Go(func() {
		base := mergeLayers(frozen)
		st.mu.Lock()
		defer st.mu.Unlock()
		st.merging = false
		if st.layers == nil || st.layers[0] != frozen[0] {
			return // reset meanwhile
		}
		st.layers = append([]*sugLayer{base}, st.layers[len(frozen):]...)
	})
}

// mergeLayers returns the base holding what layers hold, newest first.
func mergeLayers(layers []*sugLayer) *sugLayer {
	var docs []sugDoc
	for i, l := range layers {
		for p, d := range l.docs {
			if !d.deleted && visible(layers, i, int32(p)) {
				docs = append(docs, d)
			}
		}
	}
	return baseOf(docs)
}

// baseOf builds a base layer of docs, which it sorts.
func baseOf(docs []sugDoc) *sugLayer {
	slices.SortFunc(docs, func(a, b sugDoc) int { return a.rank.Compare(b.rank) })
	l := newLayer(true)
	l.docs = make([]sugDoc, 0, len(docs))
	for _, d := range docs {
		l.add(d)
	}
	return l
}

// visible reports whether the document at position p of layers[i] is its
// ID's latest entry in layers.
func visible(layers []*sugLayer, i int, p int32) bool {
	l := layers[i]
	if l.byID[l.docs[p].id] != p {
		return false
	}
	for _, above := range layers[i+1:] {
		if _, ok := above.byID[l.docs[p].id]; ok {
			return false
		}
	}
	return true
}

// begin counts writes of ids in progress.
func (st *suggestTable) begin(ids []string) {
	st.wmu.Lock()
	defer st.wmu.Unlock()
	if st.writes == nil {
		st.writes, st.dirty = map[string]int{}, map[string]bool{}
	}
	for _, id := range ids {
		st.writes[id]++
		if st.writes[id] > 1 {
			st.dirty[id] = true
		}
	}
}

// end ends the writes of ids begin counted. It returns those that others
// wrote meanwhile and no write is in progress for any more, which must be
// read again from the index: which of two writes bleve holds last is not
// known here. When failed, the write may be in part: all are returned.
func (st *suggestTable) end(ids []string, failed bool) (again []string) {
	st.wmu.Lock()
	defer st.wmu.Unlock()
	for _, id := range ids {
		if failed {
			st.dirty[id] = true
		}
		if st.writes[id]--; st.writes[id] > 0 {
			continue
		}
		delete(st.writes, id)
		if st.dirty[id] {
			delete(st.dirty, id)
			again = append(again, id)
		}
	}
	return again
}

// docOfSearch is what suggestions see of d.
func docOfSearch(d *gazette.SearchDoc) sugDoc {
	return sugDoc{id: d.ID, title: gazette.SuggestKey(d.Title), num: gazette.SuggestKey(d.DocNumber), rank: rankOf(d.ID, d.Validity.State, d.Published)}
}

func rankOf(id string, v gazette.Validity, published gazette.Date) gazette.SuggestRank {
	return gazette.SuggestRank{Superseded: gazette.Superseded(v), Published: published, Order: gazette.PrintOrder(id)}
}

// docOfHit is what suggestions see of a document with the stored hit h.
func docOfHit(h *gazette.Hit) sugDoc {
	return sugDoc{id: h.ID, title: gazette.SuggestKey(h.Title), num: gazette.SuggestKey(h.DocNumber), rank: rankOf(h.ID, h.Validity, h.Published)}
}

// beginWrite counts the writes of ids in progress; every write of the
// index calls it before bleve's batch, and endWrite after.
func (x *Index) beginWrite(ids []string) { x.suggest.begin(ids) }

// endWrite records a write of ids that Put (docs, when it put them) or
// Delete (docs nil) made, failed when it failed, perhaps in part.
func (x *Index) endWrite(ids []string, docs []gazette.SearchDoc, failed bool) {
	st := &x.suggest
	again := st.end(ids, failed)
	if !st.asked.Load() {
		return // the table is built from the index when first asked
	}
	if !failed {
		out := make([]sugDoc, len(ids))
		for i, id := range ids {
			if docs != nil {
				out[i] = docOfSearch(&docs[i])
			} else {
				out[i] = sugDoc{id: id, deleted: true}
			}
		}
		st.record(out)
	}
	if len(again) > 0 {
		x.reread(again)
	}
}

// reread records the documents ids as the index holds them now.
func (x *Index) reread(ids []string) {
	st := &x.suggest
	docs, err := x.readSuggest(ids)
	if err != nil {
		// Forget the table: the next suggestion builds it again.
		st.mu.Lock()
		st.layers, st.pending = nil, nil
		st.mu.Unlock()
		return
	}
	st.record(docs)
}

// readSuggest reads the documents ids from a snapshot of the index; those
// it lacks are deletions.
func (x *Index) readSuggest(ids []string) ([]sugDoc, error) {
	r, err := x.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]sugDoc, 0, len(ids))
	for _, id := range ids {
		var s gazette.Hit
		found, err := loadStoredByID(r, id, &s)
		if err != nil {
			return nil, err
		}
		if !found {
			out = append(out, sugDoc{id: id, deleted: true})
			continue
		}
		out = append(out, docOfHit(&s))
	}
	return out, nil
}

// layersFor returns the layers of the table, building it from the index
// first when it is not built.
func (x *Index) layersFor(ctx context.Context) ([]*sugLayer, error) {
	st := &x.suggest
	st.asked.Store(true)
	st.mu.RLock()
	layers := st.layers
	st.mu.RUnlock()
	if layers != nil {
		return layers, nil
	}
	st.building.Lock()
	defer st.building.Unlock()
	st.mu.RLock()
	layers = st.layers
	st.mu.RUnlock()
	if layers != nil {
		return layers, nil
	}
	// Writes that end from now on are recorded in a layer on top of what
	// the snapshot, taken after, holds; those that ended before, it holds.
	st.mu.Lock()
	st.pending = newLayer(false)
	st.mu.Unlock()
	base, err := x.buildSuggest(ctx)
	st.mu.Lock()
	defer st.mu.Unlock()
	pending := st.pending
	st.pending = nil
	if err != nil {
		return nil, err
	}
	if pending == nil {
		pending = newLayer(false) // a failed reread forgot it: start again
	}
	st.layers = []*sugLayer{base, pending}
	return st.layers, nil
}

// buildSuggest reads every document of a snapshot of the index into a
// base layer.
func (x *Index) buildSuggest(ctx context.Context) (*sugLayer, error) {
	r, err := x.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var docs []sugDoc
	for _, ss := range r.Segments() {
		del := ss.Deleted()
		for local := range ss.Segment().Count() {
			if local%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if del != nil && del.Contains(uint32(local)) {
				continue
			}
			var s gazette.Hit
			found, err := visitStoredHit(ss, local, &s)
			if err != nil {
				return nil, err
			}
			if found {
				docs = append(docs, docOfHit(&s))
			}
		}
	}
	return baseOf(docs), nil
}

// visitStoredHit decodes the stored hit of document local of segment ss
// into v; found is false for a document without one.
func visitStoredHit(ss *scorch.SegmentSnapshot, local uint64, v any) (found bool, err error) {
	// Decoded during the visit: the value's buffer goes back to a pool
	// shared with other readers once it ends.
	var derr error
	err = ss.VisitDocument(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fHit {
			found, derr = true, gojson.Unmarshal(value, v)
			return false
		}
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return false, fmt.Errorf("document %d: stored hit: %w", local, err)
	}
	return found, nil
}

// loadStoredByID decodes the stored hit of the document id in snapshot r
// into v.
func loadStoredByID(r *scorch.IndexSnapshot, id string, v any) (found bool, err error) {
	iid, err := r.InternalID(id)
	if err != nil || iid == nil {
		return false, err
	}
	num := iid.Value()
	for _, ss := range r.Segments() {
		n := ss.Segment().Count()
		if num >= n {
			num -= n
			continue
		}
		return visitStoredHit(ss, num, v)
	}
	return false, nil
}

// sugCand is a document offered, from one layer.
type sugCand struct {
	id   string
	rank gazette.SuggestRank
}

// find appends to out the documents of layers[i] matching key that may be
// among the n best: in the base, the n best starting with it and, when
// fewer, the n best holding it further on; in another layer, all.
func find(layers []*sugLayer, i int, key string, n int, out []sugCand) []sugCand {
	l := layers[i]
	take := func(p int32, prefix bool) {
		d := &l.docs[p]
		r := d.rank
		r.Prefix = prefix
		out = append(out, sugCand{d.id, r})
	}
	if !l.sorted {
		var all []int32
		for f := range 2 {
			if lists, ok := l.lists(key, f, false); ok {
				candidates(lists, func(p int32) bool {
					all = append(all, p)
					return true
				})
			}
		}
		slices.Sort(all)
		for _, p := range slices.Compact(all) {
			d := &l.docs[p]
			if match, pre := gazette.SuggestMatch(key, d.title, d.num); match && visible(layers, i, p) {
				take(p, pre)
			}
		}
		return out
	}
	// best returns the n best positions whose field f holds key (at its
	// start when prefix) and that want accepts, from the title's and the
	// number's lists.
	best := func(prefix bool, want func(d *sugDoc) bool) []int32 {
		var got []int32
		for f := range 2 {
			found := 0
			if lists, ok := l.lists(key, f, prefix); ok {
				candidates(lists, func(p int32) bool {
					if d := &l.docs[p]; want(d) && visible(layers, i, p) {
						got = append(got, p)
						found++
					}
					return found < n
				})
			}
		}
		slices.Sort(got)
		got = slices.Compact(got)
		return got[:min(n, len(got))]
	}
	prefix := best(true, func(d *sugDoc) bool { _, pre := gazette.SuggestMatch(key, d.title, d.num); return pre })
	for _, p := range prefix {
		take(p, true)
	}
	if len(prefix) == n {
		return out
	}
	// All those starting with key are taken: the others now.
	for _, p := range best(false, func(d *sugDoc) bool { match, pre := gazette.SuggestMatch(key, d.title, d.num); return match && !pre }) {
		take(p, false)
	}
	return out
}

// Suggest returns at most n documents whose title or document number
// holds text, best first (see archive.Index). A write is visible to it
// once Put or Delete returns.
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
	if _, err := x.layersFor(ctx); err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: %w", err)
	}
	var cands []sugCand
	x.suggest.mu.RLock()
	layers := x.suggest.layers
	for i := range layers {
		cands = find(layers, i, key, n, cands)
	}
	x.suggest.mu.RUnlock()
	slices.SortFunc(cands, func(a, b sugCand) int { return a.rank.Compare(b.rank) })
	if len(cands) == 0 {
		return out, nil
	}
	r, err := x.reader()
	if err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: %w", err)
	}
	defer r.Close()
	for _, c := range cands {
		if len(out) == n {
			break
		}
		var h gazette.Hit
		found, err := loadStoredByID(r, c.id, &h)
		if err != nil {
			return nil, fmt.Errorf("bleveindex: suggest: %w", err)
		}
		if found {
			out = append(out, h)
		}
	}
	return out, nil
}
