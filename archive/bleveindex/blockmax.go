package bleveindex

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	seg "github.com/blevesearch/scorch_segment_api/v2"
)

// Block maxima (Ding and Suel, "Faster top-k document retrieval using
// block-max indexes", 2011). A word held by most documents (规定, 政府) has
// most of a segment's documents as hits, and scoring them all was most of
// the cost of a search for the best few. So for each clause held by at
// least 1/prunedShare of a segment's documents, each field's postings are
// read once (on first use, or before by prebuild.go; deleted documents
// too) for the most any document of each block of blockSize documents
// scores there, √freq·norm times its validity's weight, and which
// document that is. A segment never
// changes, so these stay true for as long as it is searched. A search then
// sums the maxima of its clauses into a bound for each block; the
// documents of the maxima of the blocks that may score most give a floor
// (each scores at least its maxima, as hits counted by the bitmaps tell);
// and the blocks are scored in order (the postings read forward), but for
// those whose bound is below the floor or the worst hit kept by then, and
// for the hits holding no clause in the head in blocks whose bound for
// those is. No skipped hit could enter the page: it is the same as when
// every hit is scored. Every hit is still counted (the total and facets),
// from the bitmaps.
//
// Memory: a float32 and a byte per block per field of each clause met, 15
// KiB for a word in a segment of 100,000 documents, and at most
// maxListsPerSegment of them per segment (30 MiB for 100,000 documents;
// then those no search has met since the last such eviction are dropped,
// and read again if they are met: see segMaxes.evict), and as many for
// the holders of words in the head (headHolders). Held by 1/8 of
// the documents, a word of the benchmark's mix used about 750 lists; held by
// 1/32, about 1,000 after 1,600 queries. With questions in the mix, a
// segment of 63,000 has some 15,000 lists of words so held; with half the
// room taken by prebuilt lists (prebuild.go), the thousand queries after
// the first 1,100 read 1,200 lists where 2,048 fit, 700 where 4,096 do.
// Since counting a block's hits became a popcount, a word held by 1/32 of
// the documents searches faster by blocks than by scoring every hit (合并,
// 8,120 of 100,000: 0.55 → 0.18 ms for its best 50).

const (
	blockShift         = 6 // blocks of 64 documents: a word of a dense bitmap (countBlocks)
	blockSize          = 1 << blockShift
	maxListsPerSegment = 4096
	// boundMargin covers the rounding of a score summed in another order
	// than its bound.
	boundMargin = 1 + 1e-9
)

// prunedShare: a word held by 1/prunedShare of a segment's documents is
// searched by blocks (a variable for tests).
var prunedShare uint64 = 32

// skippedBlocks counts the blocks searches have left unscored, for tests.
var skippedBlocks atomic.Int64

// listsRead counts the lists of block maxima read, for tests.
var listsRead atomic.Int64

// segMaxes holds the block maxima of one segment, by field and term, and
// its phrase lists (phraselist.go).
type segMaxes struct {
	mu      sync.Mutex
	lists   map[[2]string]*blockMaxes
	holders int // bytes of the lists' headHolders, at most holdersBytes
	phrases segPhrases
}

// blockMaxes is one field's list of block maxima of one term, built once.
type blockMaxes struct {
	once sync.Once
	max  []float32 // by block; 0 when no document of the block holds it
	arg  []uint8   // by block: where in the block its maximum is
	// holders, of a body list: the documents holding the term in the
	// head too, when few do (nil otherwise)
	holders  *headHolders
	reserved int // bytes of holders counted in segMaxes.holders; under its mu
	err      error
	used     atomic.Bool // met since the last eviction (segMaxes.evict)
}

// headHolders are the documents of a segment holding a term in the head,
// with the term's frequency and the field's norm in the head and in the
// body (0 where the body lacks it), as the postings give them. Most
// blocks a search by blocks scores hold no hit that can reach the page
// but for those matching in the head, scattered over the body's postings
// of a word held by most documents: reading a body posting walks its
// chunk up to it, as much as scoring every hit there, three quarters of
// such a search. Read along with the body's maxima, they cost no more
// reading. Titles being short, few documents hold most words in the head
// (提供 38 of 63,000, 技术 1,688, 实施 9,808): they are kept for a term
// held there by at most holdersMin documents or 1/4 of the segment's, 20
// bytes each, while the segment's holders take at most as many bytes as
// its lists' maxima at their limit (holdersBytes).
type headHolders struct {
	local []uint32 // ascending
	freq  [][2]uint32
	norm  [][2]float32 // zap's norms are float32s
	// best: the bestDocs documents holding the term in the body alone
	// that score most there, √freq·norm times their validity's weight,
	// highest first (a champion list: Manning et al., Introduction to
	// Information Retrieval, 7.1.3); every other one scores at most the
	// last; all of them when complete. A search by blocks of the word then
	// offers these first, and when the rest cannot reach its page, scores
	// only the hits in the head of the other blocks: most of the best
	// hits of a word in the bodies of most documents are among them.
	best     []bodyDoc
	complete bool
}

// bodyDoc is a document holding a term in the body alone.
type bodyDoc struct {
	local uint32
	freq  uint32
	norm  float32
	value float64 // √freq·norm·validity weight, as block maxima are
}

// bestDocs is how many documents a champion list (headHolders.best)
// holds: enough for a few pages of 50 among hits that filters pass.
const bestDocs = 128

// keepBestDoc keeps d in best, a min-heap by value of at most bestDocs.
func keepBestDoc(best []bodyDoc, d bodyDoc) []bodyDoc {
	lower := func(i, j int) bool { return best[i].value < best[j].value }
	if len(best) < bestDocs {
		best = append(best, d)
		for i := len(best) - 1; i > 0; {
			p := (i - 1) / 2
			if !lower(i, p) {
				break
			}
			best[i], best[p] = best[p], best[i]
			i = p
		}
		return best
	}
	if d.value <= best[0].value {
		return best
	}
	best[0] = d
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(best) && lower(l, m) {
			m = l
		}
		if r := l + 1; r < len(best) && lower(r, m) {
			m = r
		}
		if m == i {
			return best
		}
		best[i], best[m] = best[m], best[i]
		i = m
	}
}

// holdersMin is the most documents holding a term in the head kept as
// headHolders in any segment, however small.
const holdersMin = 256

// holderBytes is the memory of one holder.
const holderBytes = 20

// holdersBytes is the most bytes of headHolders a segment of n documents
// keeps: as many as its block maxima at their limit.
func holdersBytes(n uint64) int {
	return maxListsPerSegment * int((n+blockSize-1)>>blockShift) * 5
}

// holdersScored counts the hits scored from headHolders, for tests.
var holdersScored atomic.Int64

// find returns the index of local in h at or after i, -1 when h lacks it.
func (h *headHolders) find(i int, local uint32) int {
	j, found := slices.BinarySearch(h.local[i:], local)
	if !found {
		return -1
	}
	return i + j
}

// score is scoreOf of the one clause of weights for the holder at i.
func (h *headHolders) score(i int, weights [2]float64) float64 {
	sum, matched := 0.0, 0
	for j := range textFields {
		if f := h.freq[i][j]; f > 0 {
			sum += math.Sqrt(float64(f)) * float64(h.norm[i][j]) * weights[j]
			matched++
		}
	}
	return 0 + sum*float64(matched)/float64(len(textFields))
}

// maxesBySeg holds the block maxima of each segment, by the segment's
// table: they are dropped with it, when no snapshot holds the segment.
var maxesBySeg sync.Map // weak.Pointer[segTable] → *segMaxes

func segmentMaxes(t *segTable) *segMaxes {
	k := weak.Make(t)
	if m, ok := maxesBySeg.Load(k); ok {
		return m.(*segMaxes)
	}
	m, loaded := maxesBySeg.LoadOrStore(k, &segMaxes{lists: map[[2]string]*blockMaxes{}})
	if !loaded {
		runtime.AddCleanup(t, func(k weak.Pointer[segTable]) { maxesBySeg.Delete(k) }, k)
	}
	return m.(*segMaxes)
}

// maxima returns the block maxima of term in field of segment s, whose
// table is t, reading its postings the first time; of a body field, with
// its head field named, with the term's holders in the head.
func (m *segMaxes) maxima(s *scorch.SegmentSnapshot, t *segTable, field, head, term string) (*blockMaxes, error) {
	key := [2]string{field, term}
	e := m.entry(key)
	e.once.Do(func() {
		listsRead.Add(1)
		var h *headHolders
		if h, e.err = m.holdersOf(s, e, key, head, term); e.err == nil {
			e.err = e.read(s, t, field, term, h)
		}
	})
	return e, e.err
}

// entry returns the list of key, a field and a term, new and unread when m
// has none, and marks it used.
func (m *segMaxes) entry(key [2]string) *blockMaxes {
	m.mu.Lock()
	e := m.lists[key]
	if e == nil {
		if len(m.lists) >= maxListsPerSegment {
			m.evict()
		}
		e = &blockMaxes{}
		m.lists[key] = e
	}
	m.mu.Unlock()
	if !e.used.Load() { // written only when it changes: searches share e
		e.used.Store(true)
	}
	return e
}

// evict makes room in m.lists, which is full, by the clock algorithm: the
// lists no search has met since the last eviction go, the others stay,
// marked unused; and when that leaves more than three quarters, arbitrary
// ones go down to that. Words met by search after search (应当, 规定, most
// of a question's bigrams) keep their lists: dropping every list at once
// had the next searches read them all again, 9% of the CPU of the
// benchmark's mix at 16 clients (100,000 documents). m.mu is held.
func (m *segMaxes) evict() {
	for k, e := range m.lists {
		if !e.used.Swap(false) {
			m.drop(k, e)
		}
	}
	for k, e := range m.lists {
		if len(m.lists) <= maxListsPerSegment*3/4 {
			break
		}
		m.drop(k, e)
	}
}

// drop removes list e of key k from m, and its holders' bytes. m.mu is held.
func (m *segMaxes) drop(k [2]string, e *blockMaxes) {
	m.holders -= e.reserved
	e.reserved = 0
	delete(m.lists, k)
}

// holdersOf reads the holders of term in field head of segment s for the
// list e of key, nil when head is "" (e is a head list), when too many
// documents hold it there, or when the segment's holders have no room.
func (m *segMaxes) holdersOf(s *scorch.SegmentSnapshot, e *blockMaxes, key [2]string, head, term string) (*headHolders, error) {
	if head == "" {
		return nil, nil
	}
	d, err := s.Segment().Dictionary(head)
	if err != nil || d == nil {
		return nil, err
	}
	pl, err := d.PostingsList([]byte(term), nil, nil)
	if err != nil || pl == nil {
		return nil, err
	}
	n := s.Segment().Count()
	if pl.Count() > max(holdersMin, n/4) {
		return nil, nil
	}
	need := int(pl.Count())*holderBytes + bestDocs*int(unsafe.Sizeof(bodyDoc{}))
	m.mu.Lock()
	ok := m.lists[key] == e && m.holders+need <= holdersBytes(n) // not dropped meanwhile
	if ok {
		m.holders += need
		e.reserved = need
	}
	m.mu.Unlock()
	if !ok {
		return nil, nil
	}
	h := &headHolders{
		local: make([]uint32, 0, pl.Count()),
		freq:  make([][2]uint32, 0, pl.Count()),
		norm:  make([][2]float32, 0, pl.Count()),
	}
	it := pl.Iterator(true, true, false, nil)
	for {
		pt, err := it.Next()
		if err != nil || pt == nil {
			return h, err
		}
		h.local = append(h.local, uint32(pt.Number()))
		h.freq = append(h.freq, [2]uint32{uint32(pt.Frequency())})
		h.norm = append(h.norm, [2]float32{float32(pt.Norm())})
	}
}

// read reads every posting of term in field of segment s, deleted
// documents too: a search of an older snapshot may still see them; and
// the body's figures of h, the term's holders in the head, read before
// (nil for none), kept in e.
func (e *blockMaxes) read(s *scorch.SegmentSnapshot, t *segTable, field, term string, h *headHolders) error {
	blocks := (int(s.Segment().Count()) + blockSize - 1) >> blockShift
	e.max, e.arg, e.holders = make([]float32, blocks), make([]uint8, blocks), h
	d, err := s.Segment().Dictionary(field)
	if err != nil || d == nil {
		return err
	}
	pl, err := d.PostingsList([]byte(term), nil, nil)
	if err != nil || pl == nil {
		return err
	}
	it := pl.Iterator(true, true, false, nil)
	at := 0 // the next holder in the head
	var best []bodyDoc
	for {
		pt, err := it.Next()
		if err != nil || pt == nil {
			if h != nil && err == nil {
				// highest first: the heap sorted
				slices.SortFunc(best, func(a, b bodyDoc) int { return cmp.Compare(b.value, a.value) })
				h.best, h.complete = best, len(best) < bestDocs
			}
			return err
		}
		local := pt.Number()
		// as scoreOf and offer compute it, rounded up; rounded only when
		// above the block's maximum (most are not): a float32 at least v
		// is at least its rounding up
		norm := pt.Norm()
		v := math.Sqrt(float64(pt.Frequency())) * norm * float64(t.weights[local])
		if h != nil {
			for at < len(h.local) && uint64(h.local[at]) < local {
				at++
			}
			if at < len(h.local) && uint64(h.local[at]) == local {
				h.freq[at][1], h.norm[at][1] = uint32(pt.Frequency()), float32(norm)
			} else if len(best) < bestDocs || v > best[0].value {
				best = keepBestDoc(best, bodyDoc{uint32(local), uint32(pt.Frequency()), float32(norm), v})
			}
		}
		b := local >> blockShift
		if v <= float64(e.max[b]) {
			continue
		}
		f := float32(v)
		if float64(f) < v {
			f = math.Nextafter32(f, float32(math.Inf(1)))
		}
		e.max[b], e.arg[b] = f, uint8(local%blockSize)
	}
}

// blockSeg is a segment whose hits are scored by blocks.
type blockSeg struct {
	seg     int
	readers [][2]*clauseReader
	hits    *roaring.Bitmap
	inHead  *roaring.Bitmap // the hits holding some clause in the head
	blocks  []scoreBlock    // those with admitted hits, in order
	// holders of the one clause's term in the head, nil for none or for
	// more clauses: a hit scored for its head match alone is scored
	// from them, reading no postings
	holders *headHolders
}

// scoreBlock bounds the scores of the hits of one block, validity weighed.
type scoreBlock struct {
	index int     // the block's number in its segment
	bound float64 // of every hit
	body  float64 // of the hits holding no clause in the head
}

// newBlockSeg counts the hits of segment i, s, the collector's current
// one, and returns it with the bounds of its blocks, and lows with the
// lower bounds of the scores of some of its hits, or nil when some clause
// of p is not common there. The hits are those of segmentHits, with the
// clause readers it set; lists holds the segment's postings of the
// clauses' terms.
func newBlockSeg(c *collector, i int, s *scorch.SegmentSnapshot, p directPlan, weights [][2]float64, readers [][2]*clauseReader,
	hits *roaring.Bitmap, lists map[[2]string]seg.PostingsList, lows []float64) (*blockSeg, []float64, error) {
	n := s.Segment().Count()
	maxes := make([][2]*blockMaxes, len(p.words))
	m := segmentMaxes(c.t)
	for i, w := range p.words {
		var held uint64
		for _, f := range textFields {
			if pl := lists[[2]string{f.name + w.suffix, w.terms[0]}]; pl != nil {
				held += pl.Count()
			}
		}
		if held*prunedShare < n {
			return nil, lows, nil
		}
		for j, f := range textFields {
			var head string
			if j > 0 {
				head = textFields[0].name + w.suffix
			}
			var err error
			if maxes[i][j], err = m.maxima(s, c.t, f.name+w.suffix, head, w.terms[0]); err != nil {
				return nil, lows, err
			}
		}
	}
	bs := &blockSeg{seg: i, readers: readers, hits: hits, inHead: roaring.New()}
	if len(maxes) == 1 {
		bs.holders = maxes[0][1].holders
	}
	for k := range readers {
		if h := readers[k][0].cands; h != nil {
			bs.inHead.Or(h)
		}
	}
	bs.inHead.And(hits)
	counts := c.countBlocks(hits, len(maxes[0][0].max))
	bs.blocks = c.blocks(len(counts))
	for b, count := range counts {
		if count == 0 {
			continue
		}
		sb := scoreBlock{index: b}
		for i, pair := range maxes {
			head, body := float64(pair[0].max[b])*weights[i][0], float64(pair[1].max[b])*weights[i][1]
			// scoreOf: the fields that match, times the share that
			// match; a block with holders in both fields may have a
			// document holding it in both
			if head > 0 && body > 0 {
				sb.bound += head + body
			} else {
				sb.bound += (head + body) / float64(len(textFields))
			}
			sb.body += body / float64(len(textFields))
		}
		sb.bound *= boundMargin
		sb.body *= boundMargin
		bs.blocks = append(bs.blocks, sb)
	}
	// The documents of the blocks' maxima, if hits, score at least their
	// share of them (rounded down, below their float32s): a floor for the others, from the
	// blocks that may score most, until no other block can raise it.
	// The blocks by bound, greatest first, as a heap: most searches stop
	// after a few of them.
	best := grown(c.bufs.best, len(bs.blocks))
	c.bufs.best = best
	for i := range best {
		best[i] = i
	}
	higher := func(a, b int) bool { return bs.blocks[best[a]].bound > bs.blocks[best[b]].bound }
	sift := func(i, n int) {
		for {
			l, m := 2*i+1, i
			if l < n && higher(l, m) {
				m = l
			}
			if r := l + 1; r < n && higher(r, m) {
				m = r
			}
			if m == i {
				return
			}
			best[i], best[m] = best[m], best[i]
			i = m
		}
	}
	for i := len(best)/2 - 1; i >= 0; i-- {
		sift(i, len(best))
	}
	type low struct {
		local uint32
		low   float64
	}
	var known []low // in one block
	for n := len(best); n > 0; n-- {
		at := best[0]
		best[0] = best[n-1]
		sift(0, n-1)
		b := bs.blocks[at].index
		if c.k <= 0 || len(lows) == c.k && lows[0] > bs.blocks[at].bound {
			break
		}
		known = known[:0]
		for i, pair := range maxes {
			for j := range textFields {
				// a maximum is kept rounded up to a float32 (read): the
				// float32 below it is below the exact score, which ties
				// of other blocks and champions (bestFirst) share
				score := float64(math.Nextafter32(pair[j].max[b], 0)) * weights[i][j]
				local := uint32(b<<blockShift) + uint32(pair[j].arg[b])
				if score == 0 || !hits.Contains(local) || !c.admits(local) {
					continue
				}
				matched := 0
				for k := range textFields {
					if r := readers[i][k].cands; r != nil && r.Contains(local) {
						matched++
					}
				}
				score *= float64(matched) / float64(len(textFields)) / boundMargin
				at := slices.IndexFunc(known, func(l low) bool { return l.local == local })
				if at < 0 {
					known = append(known, low{local, score})
				} else {
					known[at].low += score
				}
			}
		}
		for _, l := range known {
			lows = keepBest(lows, c.k, l.low)
		}
	}
	return bs, lows, nil
}

// scoreByBlocks scores the hits of segs that can reach the page of c, block
// by block, but for those whose bound is below floor, the score of the
// worst of k hits, or below the worst hit kept; of a block's hits holding
// no clause in the head, likewise.
func (x *Index) scoreByBlocks(ctx context.Context, c *collector, segs []*scorch.SegmentSnapshot, tabs []*segTable, bases []uint64, weights [][2]float64, bsegs []*blockSeg, floor float64) error {
	if c.k <= 0 {
		return nil
	}
	below := func(bound float64) bool { return bound < floor || c.full() && c.heap[0].score > bound }
	for _, bs := range bsegs {
		c.segment(tabs[bs.seg])
		if err := openReaders(segs[bs.seg], bs.readers); err != nil {
			return err
		}
		all, head := bs.hits.Iterator(), bs.inHead.Iterator()
		at, scored := 0, int64(0) // where in bs.holders to search from; hits scored from them
		headOnly, offered := bestFirst(c, bs, weights, bases[bs.seg], below)
		for _, b := range bs.blocks {
			if below(b.bound) {
				skippedBlocks.Add(1)
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			it, fromHolders := all, false
			if headOnly || below(b.body) {
				it, fromHolders = head, bs.holders != nil
			}
			from := uint32(b.index) << blockShift
			it.AdvanceIfNeeded(from)
			for it.HasNext() && it.PeekNext() < from+blockSize {
				local := it.Next()
				if !c.admits(local) || offered != nil && offered.Contains(local) {
					continue
				}
				if fromHolders {
					// every hit in the head is a holder
					if i := bs.holders.find(at, local); i >= 0 {
						at = i
						scored++
						c.offer(bs.holders.score(i, weights[0]), local, bases[bs.seg]+uint64(local))
						continue
					}
				}
				score, _, err := scoreOf(bs.readers, weights, uint64(local))
				if err != nil {
					return err
				}
				c.offer(score, local, bases[bs.seg]+uint64(local))
			}
		}
		holdersScored.Add(scored)
	}
	return nil
}

// bestFirst offers the hits of bs among its word's champion list
// (headHolders.best), best first, until the rest of the list, and every
// document holding the word in the body alone not in it, are below the
// page. It returns whether they are (the other blocks' hits to score are
// then those in the head), and which hits it offered otherwise (nil when
// none), not to be offered again.
func bestFirst(c *collector, bs *blockSeg, weights [][2]float64, base uint64, below func(float64) bool) (bool, *roaring.Bitmap) {
	h := bs.holders
	if h == nil || weights[0][1] == 0 {
		return false, nil
	}
	var offered []uint32
	bound := func(d bodyDoc) float64 { return d.value * weights[0][1] / float64(len(textFields)) * boundMargin }
	for _, d := range h.best {
		if below(bound(d)) {
			bestOffered.Add(int64(len(offered)))
			return true, nil
		}
		if !bs.hits.Contains(d.local) || !c.admits(d.local) {
			continue
		}
		// scoreOf of a document holding the one clause in the body alone
		c.offer(0+math.Sqrt(float64(d.freq))*float64(d.norm)*weights[0][1]*1/float64(len(textFields)), d.local, base+uint64(d.local))
		offered = append(offered, d.local)
	}
	bestOffered.Add(int64(len(offered)))
	if h.complete || len(h.best) > 0 && below(bound(h.best[len(h.best)-1])) {
		return true, nil
	}
	if len(offered) == 0 {
		return false, nil
	}
	return false, roaring.BitmapOf(offered...)
}

// bestOffered counts the hits bestFirst offered, for tests.
var bestOffered atomic.Int64
