package typeahead

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// The table holds every document's suggestion keys (gazette.SuggestKey of
// its title and document number) and its hit, kept up to date by the
// index's writes, and independent of the engine's segments or server:
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
// The table is built from the Source on the first suggestion, so that an
// index never asked (a batch ingest, a reindex) does no such work; that
// first suggestion waits for it. The first Hits starts it too, without
// waiting: a search can read the index itself meanwhile.

// Source is the index a table serves.
type Source interface {
	// All returns the hit of every document the index holds, and a
	// version of the index that the hits hold every write up to (see
	// Table.Version); writes after it may be in the hits or not. Writes
	// that end (Table.End) while All runs are laid on top of its hits.
	All(ctx context.Context) (hits []gazette.Hit, version int64, err error)
	// Read returns the hits of those documents of ids that the index
	// holds now; the others are deleted.
	Read(ctx context.Context, ids []string) ([]gazette.Hit, error)
}

// doc is one document as suggestions see it; a deletion has deleted set,
// hit.ID and no keys.
type doc struct {
	hit        gazette.Hit
	title, num string // keys (gazette.SuggestKey)
	canonical  string // gazette.CanonicalDocNumber of the number, if any
	rank       gazette.SuggestRank
	deleted    bool
}

func docOf(h *gazette.Hit) doc {
	d := doc{
		hit: *h, title: gazette.SuggestKey(h.Title), num: gazette.SuggestKey(h.DocNumber),
		rank: gazette.SuggestRank{Superseded: gazette.Superseded(h.Validity), Published: h.Published, Order: gazette.PrintOrder(h.ID)},
	}
	if h.DocNumber != "" {
		d.canonical = gazette.CanonicalDocNumber(h.DocNumber)
	}
	return d
}

func deletion(id string) doc { return doc{hit: gazette.Hit{ID: id}, deleted: true} }

// layer is one layer of the table; the base is sorted by rank, the
// others are in the order written.
type layer struct {
	docs   []doc
	byID   map[string]int32      // the latest position of each ID in docs
	byNum  map[string][]int32    // positions by canonical document number
	grams  [2]map[uint64][]int32 // by field (title, number): positions holding each bigram, ascending
	sorted bool                  // docs in rank order (the base)
}

func newLayer(sorted bool) *layer {
	return &layer{byID: map[string]int32{}, byNum: map[string][]int32{}, grams: [2]map[uint64][]int32{{}, {}}, sorted: sorted}
}

// add appends d to the layer.
func (l *layer) add(d doc) {
	p := int32(len(l.docs))
	l.docs = append(l.docs, d)
	l.byID[d.hit.ID] = p
	if d.deleted {
		return
	}
	if d.canonical != "" {
		l.byNum[d.canonical] = append(l.byNum[d.canonical], p)
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
func (l *layer) lists(key string, f int, prefix bool) (out [][]int32, ok bool) {
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

// Table is the suggestion table of one index. Its methods are safe for
// concurrent use.
type Table struct {
	src Source
	mu  sync.RWMutex
	// layers are the base, then the layers written since, newest last;
	// nil until the table is built. The last one is the one written to;
	// the others do not change.
	layers []*layer
	// version is the Source's version the layers hold every write up to.
	version int64
	// pending takes the writes made while the table is built by build.
	pending *layer
	build   *build
	// failed is when the last build failed (zero after one that did not).
	failed time.Time
	// merging is set while a goroutine merges layers into a new base.
	merging bool
	asked   atomic.Bool
	// writes counts, by ID, the writes in progress (see End); dirty holds
	// the IDs two writes met on, to read again from the index once none is.
	wmu    sync.Mutex
	writes map[string]int
	dirty  map[string]bool
	// bg waits for merges and builds; Close waits for it.
	bg sync.WaitGroup
}

// New returns the table of the index src, to be built on first use.
func New(src Source) *Table {
	return &Table{src: src, writes: map[string]int{}, dirty: map[string]bool{}}
}

// mergeShare: the layers above the base are merged into it once they hold
// more than a mergeShare-th of its documents (and mergeMin at least).
const (
	mergeShare = 8
	mergeMin   = 1024
)

// top returns the layer written to; the caller holds mu for writing.
func (t *Table) top() *layer { return t.layers[len(t.layers)-1] }

// record writes docs to the table, once the index holds them, and starts
// a merge when the layers above the base have grown enough.
func (t *Table) record(docs []doc) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.layers == nil {
		// Not built. While it is built, writes go on top of what the
		// build reads; before, the build reads them from the index.
		if t.pending != nil {
			for _, d := range docs {
				t.pending.add(d)
			}
		}
		return
	}
	for _, d := range docs {
		t.top().add(d)
	}
	above := 0
	for _, l := range t.layers[1:] {
		above += len(l.docs)
	}
	if t.merging || above <= max(mergeMin, len(t.layers[0].docs)/mergeShare) {
		return
	}
	// Freeze the layers above the base; writes go to a new one meanwhile.
	t.merging = true
	frozen := slices.Clone(t.layers)
	t.layers = append(t.layers, newLayer(false))
	t.bg.Go(func() {
		base := mergeLayers(frozen)
		t.mu.Lock()
		defer t.mu.Unlock()
		t.merging = false
		if t.layers == nil || t.layers[0] != frozen[0] {
			return // forgotten meanwhile
		}
		t.layers = append([]*layer{base}, t.layers[len(frozen):]...)
	})
}

// mergeLayers returns the base holding what layers hold, newest first.
func mergeLayers(layers []*layer) *layer {
	var docs []doc
	for i, l := range layers {
		for p, d := range l.docs {
			if !d.deleted && visible(layers, i, int32(p)) {
				docs = append(docs, d)
			}
		}
	}
	return baseOf(docs)
}

// baseOf builds a base layer of docs, which it sorts; of two with one ID
// (a Source that read a document twice), either is kept.
func baseOf(docs []doc) *layer {
	slices.SortFunc(docs, func(a, b doc) int { return a.rank.Compare(b.rank) })
	l := newLayer(true)
	l.docs = make([]doc, 0, len(docs))
	for _, d := range docs {
		if _, dup := l.byID[d.hit.ID]; !dup {
			l.add(d)
		}
	}
	return l
}

// visible reports whether the document at position p of layers[i] is its
// ID's latest entry in layers.
func visible(layers []*layer, i int, p int32) bool {
	l := layers[i]
	id := l.docs[p].hit.ID
	if !l.sorted && l.byID[id] != p { // a base holds each ID once
		return false
	}
	for _, above := range layers[i+1:] {
		if _, ok := above.byID[id]; ok {
			return false
		}
	}
	return true
}

// Begin counts writes of ids in progress: an index calls it before each
// write, and End after.
func (t *Table) Begin(ids []string) {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	for _, id := range ids {
		t.writes[id]++
		if t.writes[id] > 1 {
			t.dirty[id] = true
		}
	}
}

// end ends the writes of ids Begin counted. It returns those that others
// wrote meanwhile and no other write is in progress for any more, which
// must be read again from the index (which of two writes it holds last is
// not known here): their count stays at one, so that a write beginning
// while they are read again is known (dirty), until the caller ends them
// again. When failed, the write may be in part: all are returned.
func (t *Table) end(ids []string, failed bool) (again []string) {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	for _, id := range ids {
		if failed {
			t.dirty[id] = true
		}
		if t.writes[id] > 1 {
			t.writes[id]--
			continue
		}
		if t.dirty[id] {
			delete(t.dirty, id)
			again = append(again, id)
			continue
		}
		delete(t.writes, id)
	}
	return again
}

// End records a write of ids that Begin counted, once the index holds it
// (visible to every later reader): hits are the documents put, in the
// order of ids, or nil for a deletion of ids; failed reports a write that
// failed, perhaps in part, whose documents are read again from the index.
//
// A write counts as in progress until what it recorded, or what was read
// again, is in the table (see Hits): so that the last of the writes of a
// document that meet records it as the index holds it last.
func (t *Table) End(ctx context.Context, ids []string, hits []gazette.Hit, failed bool) {
	if t.asked.Load() && !failed {
		out := make([]doc, len(ids))
		for i, id := range ids {
			if hits != nil {
				out[i] = docOf(&hits[i])
			} else {
				out[i] = deletion(id)
			}
		}
		t.record(out)
	}
	// The table is built from the index when first asked: until then,
	// nothing to read again.
	for again := t.end(ids, failed); len(again) > 0; again = t.end(again, false) {
		if t.asked.Load() {
			t.reread(context.WithoutCancel(ctx), again)
		}
	}
}

// reread records the documents ids as the index holds them now.
func (t *Table) reread(ctx context.Context, ids []string) {
	hits, err := t.src.Read(ctx, ids)
	if err != nil {
		t.Forget() // the next suggestion builds it again
		return
	}
	docs := make([]doc, 0, len(ids))
	found := map[string]bool{}
	for i := range hits {
		docs = append(docs, docOf(&hits[i]))
		found[hits[i].ID] = true
	}
	for _, id := range ids {
		if !found[id] {
			docs = append(docs, deletion(id))
		}
	}
	t.record(docs)
}

// Forget drops the table: the next suggestion builds it again from the
// Source. A build in progress is built again.
func (t *Table) Forget() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.layers, t.pending = nil, nil
}

// Version returns the Source's version that the table holds every write
// up to (writes after it that End recorded, it holds too); built is false
// before the table is built and after Forget.
func (t *Table) Version() (version int64, built bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.version, t.layers != nil
}

// Advance sets the table's version to to when it is from, and reports
// whether it did: an index whose writes since from are all recorded.
func (t *Table) Advance(from, to int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.layers == nil || t.version != from {
		return false
	}
	t.version = to
	return true
}

// buildTries bounds the builds of one suggestion that a Forget undoes.
const buildTries = 3

// build is a build of the table in progress; err is set when done is
// closed.
type build struct {
	done chan struct{}
	err  error
}

// current builds the table when it is not built: in a goroutine of its
// own (start), so that a build outlives the suggestion that asked for it
// (whose deadline is that of one request), and every suggestion meanwhile
// waits for the same build, or for its own context.
func (t *Table) current(ctx context.Context) error {
	for range buildTries {
		b := t.start()
		if b == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-b.done:
		}
		if b.err != nil {
			return b.err // the next suggestion builds again
		}
	}
	return errForgotten
}

// start returns the build in progress, after starting one when the table
// is neither built nor being built; nil when it is built.
func (t *Table) start() *build {
	t.asked.Store(true)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.layers != nil {
		return nil
	}
	b := t.build
	if b == nil {
		// Writes that end from now on are recorded in a layer on top of
		// what All, called after, reads; those that ended before, it
		// reads.
		b = &build{done: make(chan struct{})}
		t.build, t.pending = b, newLayer(false)
		pending := t.pending
		t.bg.Go(func() { t.run(b, pending) })
	}
	return b
}

// Building reports whether a build of the table is in progress: for
// other background work of the index, which waits for it rather than
// run beside it and the searches (two cores are then three threads).
// Safe for concurrent use.
func (t *Table) Building() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.build != nil
}

// run builds the table, with pending on top, unless it is forgotten
// meanwhile.
func (t *Table) run(b *build, pending *layer) {
	hits, version, err := t.src.All(context.Background())
	var base *layer
	if err == nil {
		docs := make([]doc, len(hits))
		for i := range hits {
			docs[i] = docOf(&hits[i])
		}
		base = baseOf(docs)
	}
	t.mu.Lock()
	if t.pending == pending { // not forgotten meanwhile
		if err == nil {
			t.layers, t.version = []*layer{base, pending}, version
		}
		t.pending = nil
	}
	t.failed = time.Time{}
	if err != nil {
		t.failed = time.Now()
	}
	t.build, b.err = nil, err
	t.mu.Unlock()
	close(b.done)
}

// errForgotten is the error of a suggestion whose every build was
// forgotten (Forget) before it ended.
var errForgotten = errors.New("suggestion table dropped while it was built")

// Layers waits for merges in progress and returns how many documents each
// layer of the table holds, base first (none before the table is built):
// for tests.
func (t *Table) Layers() []int {
	t.bg.Wait()
	t.mu.RLock()
	defer t.mu.RUnlock()
	var out []int
	for _, l := range t.layers {
		out = append(out, len(l.docs))
	}
	return out
}

// Close waits for merges and builds in progress.
func (t *Table) Close() { t.bg.Wait() }

// cand is a document offered, from one layer.
type cand struct {
	d    *doc
	rank gazette.SuggestRank
}

// find appends to out the documents of layers[i] matching key that may be
// among the n best: in the base, the n best starting with it and, when
// fewer, the n best holding it further on; in another layer, all.
func find(layers []*layer, i int, key string, n int, out []cand) []cand {
	l := layers[i]
	take := func(p int32, prefix bool) {
		d := &l.docs[p]
		r := d.rank
		r.Prefix = prefix
		out = append(out, cand{d, r})
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
	best := func(prefix bool, want func(d *doc) bool) []int32 {
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
	prefix := best(true, func(d *doc) bool { _, pre := gazette.SuggestMatch(key, d.title, d.num); return pre })
	for _, p := range prefix {
		take(p, true)
	}
	if len(prefix) == n {
		return out
	}
	// All those starting with key are taken: the others now.
	for _, p := range best(false, func(d *doc) bool { match, pre := gazette.SuggestMatch(key, d.title, d.num); return match && !pre }) {
		take(p, false)
	}
	return out
}

// read calls f with the table's layers under the read lock, building the
// table first when it is not built. Read-locked only: readers at once never
// wait for each other, only for a write's few microseconds.
func (t *Table) read(ctx context.Context, f func(layers []*layer)) error {
	for try := 0; ; try++ {
		t.mu.RLock()
		layers := t.layers
		if layers != nil {
			f(layers)
		}
		t.mu.RUnlock()
		if layers != nil {
			return nil
		}
		if try == buildTries {
			return errForgotten
		}
		if err := t.current(ctx); err != nil {
			return err
		}
	}
}

// Suggest returns at most n documents whose title or document number
// holds key (a gazette.SuggestKey), best first (gazette.SuggestRank),
// building the table first when it is not built. Errors: the Source's.
func (t *Table) Suggest(ctx context.Context, key string, n int) ([]gazette.Hit, error) {
	var cands []cand
	err := t.read(ctx, func(layers []*layer) {
		for i := range layers {
			cands = find(layers, i, key, n, cands)
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(cands, func(a, b cand) int { return a.rank.Compare(b.rank) })
	out := make([]gazette.Hit, 0, min(n, len(cands)))
	for _, c := range cands[:min(n, len(cands))] {
		h := c.d.hit
		h.Authorities = slices.Clone(h.Authorities) // the caller's to change
		out = append(out, h)
	}
	return out, nil
}

// Hits returns the hits of the documents ids, as the index holds them
// now, with no search of it: ok[i] reports whether hits[i] is ids[i]'s.
// A hit is as new as every write of its document that ended (End)
// before the call, or newer: so at least as new as a snapshot of the index
// taken before the call holds. ok[i] is false when the table holds no such
// document, when a write of it is in progress, and, for every ID, when
// the table is not built: Hits then starts a build, and does not wait for
// it (none within hitsRetry of a build that failed).
func (t *Table) Hits(ids []string) (hits []gazette.Hit, ok []bool) {
	hits, ok = make([]gazette.Hit, len(ids)), make([]bool, len(ids))
	// Writes in progress first: a write that is not in progress by now
	// has recorded its documents (End), and the table read after holds them.
	t.wmu.Lock()
	for i, id := range ids {
		ok[i] = t.writes[id] == 0
	}
	t.wmu.Unlock()
	t.mu.RLock()
	layers := t.layers
	retry := t.failed.IsZero() || time.Since(t.failed) >= hitsRetry
	auths := 0
	for i, id := range ids {
		if layers == nil || !ok[i] {
			ok[i] = false
			continue
		}
		d := newest(layers, id)
		if ok[i] = d != nil; ok[i] {
			hits[i] = d.hit
			auths += len(d.hit.Authorities)
		}
	}
	// The authorities are the caller's to change: copied, into one array
	// for all (a lean search asks for 50 hits at a time), each hit's
	// capped so that appending to one leaves the next alone.
	all := make([]string, 0, auths)
	for i := range hits {
		if a := hits[i].Authorities; ok[i] && a != nil {
			all = append(all, a...)
			hits[i].Authorities = all[len(all)-len(a) : len(all) : len(all)]
		}
	}
	t.mu.RUnlock()
	if layers == nil && retry {
		t.start()
	}
	return hits, ok
}

// hitsRetry is how long after a failed build Hits starts none: a build
// reads every document, and Hits is called by every lean search, which
// reads the index itself meanwhile. A suggestion builds at once.
const hitsRetry = time.Minute

// newest returns the latest entry of the document id in layers, nil when
// there is none or it is a deletion.
func newest(layers []*layer, id string) *doc {
	for i := len(layers) - 1; i >= 0; i-- {
		if p, found := layers[i].byID[id]; found {
			if d := &layers[i].docs[p]; !d.deleted {
				return d
			}
			return nil
		}
	}
	return nil
}

// Lookup returns the hits of the documents whose canonical document number
// is n, newest first (by published date, then print order), as
// archive.Index.Lookup does, building the table first when it is not
// built: so that a suggestion for a 文号 needs no search of the index.
// Errors: the Source's.
func (t *Table) Lookup(ctx context.Context, n gazette.DocNumber) ([]gazette.Hit, error) {
	if n.IsZero() {
		return nil, nil
	}
	num := n.String()
	var found []*doc
	err := t.read(ctx, func(layers []*layer) {
		for i, l := range layers {
			for _, p := range l.byNum[num] {
				if visible(layers, i, p) {
					found = append(found, &l.docs[p])
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(found, func(a, b *doc) int {
		ra, rb := a.rank, b.rank
		ra.Superseded, rb.Superseded = false, false // newest first, whatever the validity
		return ra.Compare(rb)
	})
	out := make([]gazette.Hit, len(found))
	for i, d := range found {
		out[i] = d.hit
		out[i].Authorities = slices.Clone(d.hit.Authorities)
	}
	return out, nil
}
