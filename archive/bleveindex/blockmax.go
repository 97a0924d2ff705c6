package bleveindex

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
// read once (on first use, deleted documents too) for the most any
// document of each block of blockSize documents scores there, √freq·norm
// times its validity's weight, and which document that is. A segment never
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
// maxListsPerSegment of them per segment (15 MiB for 100,000 documents;
// then those no search has met since the last such eviction are dropped,
// and read again if they are met: see segMaxes.evict). Held by 1/8 of
// the documents, a word of the benchmark's mix used about 750 lists; held by
// 1/32, about 1,000 after 1,600 queries. Since counting a block's hits
// became a popcount, a word held by 1/32 of the documents searches faster
// by blocks than by scoring every hit (合并, 8,120 of 100,000: 0.55 →
// 0.18 ms for its best 50).

const (
	blockShift         = 6 // blocks of 64 documents: a word of a dense bitmap (countBlocks)
	blockSize          = 1 << blockShift
	maxListsPerSegment = 2048
	// boundMargin covers the rounding of a score summed in another order
	// than its bound.
	boundMargin = 1 + 1e-9
)

// prunedShare: a word held by 1/prunedShare of a segment's documents is
// searched by blocks (a variable for tests).
var prunedShare uint64 = 32

// skippedBlocks counts the blocks searches have left unscored, for tests.
var skippedBlocks atomic.Int64

// segMaxes holds the block maxima of one segment, by field and term, and
// its phrase lists (phraselist.go).
type segMaxes struct {
	mu      sync.Mutex
	lists   map[[2]string]*blockMaxes
	phrases segPhrases
}

// blockMaxes is one field's list of block maxima of one term, built once.
type blockMaxes struct {
	once sync.Once
	max  []float32 // by block; 0 when no document of the block holds it
	arg  []uint8   // by block: where in the block its maximum is
	err  error
	used atomic.Bool // met since the last eviction (segMaxes.evict)
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
// table is t, reading its postings the first time.
func (m *segMaxes) maxima(s *scorch.SegmentSnapshot, t *segTable, field, term string) (*blockMaxes, error) {
	e := m.entry([2]string{field, term})
	e.once.Do(func() { e.err = e.read(s, t, field, term) })
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
			delete(m.lists, k)
		}
	}
	for k := range m.lists {
		if len(m.lists) <= maxListsPerSegment*3/4 {
			break
		}
		delete(m.lists, k)
	}
}

// read reads every posting of term in field of segment s, deleted
// documents too: a search of an older snapshot may still see them.
func (e *blockMaxes) read(s *scorch.SegmentSnapshot, t *segTable, field, term string) error {
	blocks := (int(s.Segment().Count()) + blockSize - 1) >> blockShift
	e.max, e.arg = make([]float32, blocks), make([]uint8, blocks)
	d, err := s.Segment().Dictionary(field)
	if err != nil || d == nil {
		return err
	}
	pl, err := d.PostingsList([]byte(term), nil, nil)
	if err != nil || pl == nil {
		return err
	}
	it := pl.Iterator(true, true, false, nil)
	for {
		pt, err := it.Next()
		if err != nil || pt == nil {
			return err
		}
		local := pt.Number()
		// as scoreOf and offer compute it, rounded up; rounded only when
		// above the block's maximum (most are not): a float32 at least v
		// is at least its rounding up
		v := math.Sqrt(float64(pt.Frequency())) * pt.Norm() * float64(t.weights[local])
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
			var err error
			if maxes[i][j], err = m.maxima(s, c.t, f.name+w.suffix, w.terms[0]); err != nil {
				return nil, lows, err
			}
		}
	}
	bs := &blockSeg{seg: i, readers: readers, hits: hits, inHead: roaring.New()}
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
	// share of them (rounded down): a floor for the others, from the
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
				score := float64(pair[j].max[b]) * weights[i][j]
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
		for _, b := range bs.blocks {
			if below(b.bound) {
				skippedBlocks.Add(1)
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			it := all
			if below(b.body) {
				it = head
			}
			from := uint32(b.index) << blockShift
			it.AdvanceIfNeeded(from)
			for it.HasNext() && it.PeekNext() < from+blockSize {
				local := it.Next()
				if !c.admits(local) {
					continue
				}
				score, _, err := scoreOf(bs.readers, weights, uint64(local))
				if err != nil {
					return err
				}
				c.offer(score, local, bases[bs.seg]+uint64(local))
			}
		}
	}
	return nil
}
