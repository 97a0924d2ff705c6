package bleveindex

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gazette-archive/gazette/gazette"
)

// collect runs root on the snapshot r and feeds every hit to c.
func (x *Index) collect(ctx context.Context, r *scorch.IndexSnapshot, root query.Query, c *collector) error {
	opts := search.SearcherOptions{Score: "none"}
	if c.sort == gazette.SortRelevance {
		opts.Score = ""
	}
	tabs, err := x.tables(r)
	if err != nil {
		return err
	}
	bases := segmentBases(r.Segments())
	s, err := root.Searcher(ctx, r, x.b.Mapping(), opts)
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		score := dm.Score
		if math.IsNaN(score) {
			score = 0 // never expected; NaN would break the order of hits
		}
		if len(dm.IndexInternalID) != 8 {
			return fmt.Errorf("internal ID %x is not a document number", dm.IndexInternalID)
		}
		num := binary.BigEndian.Uint64(dm.IndexInternalID)
		i, local := locate(bases, num)
		c.segment(tabs[i])
		c.add(score, local, num)
		sctx.DocumentMatchPool.Put(dm)
	}
}

// cand is one hit kept for the page: its segment's table, its local and its
// snapshot document number.
type cand struct {
	score float64
	t     *segTable
	local uint32
	num   uint64
}

// dateRange is an inclusive range of one of a document's dates, as
// yyyymmdd; 0 leaves that end open.
type dateRange struct {
	which    int // index into dateFields
	from, to uint32
}

func newDateRange(which gazette.DateField, from, to gazette.Date) *dateRange {
	return &dateRange{which: dateIndex(which), from: dayNumber(from), to: dayNumber(to)}
}

// dayNumber is d as the number yyyymmdd; 0 for no date.
func dayNumber(d gazette.Date) uint32 {
	if d.IsZero() {
		return 0
	}
	return uint32(d.Year*10000 + int(d.Month)*100 + d.Day)
}

func (r *dateRange) contains(t *segTable, local uint32) bool {
	v := t.dates[r.which][local]
	return v != 0 && (r.from == 0 || v >= r.from) && (r.to == 0 || v <= r.to)
}

// collector counts hits and their facets and keeps the best k of them in
// a heap whose root is the worst kept. Hits are given segment by segment
// (segment sets the table they belong to).
type collector struct {
	sort  gazette.Sort
	k     int
	dates *dateRange // when set, hits outside it are dropped
	// inForce, when not 0, is a day as yyyymmdd: documents not in force
	// on it are dropped (Query.InForceOn).
	inForce uint32
	facets  *facetTable
	total   int
	heap    []cand
	t       *segTable // the current segment's
	// hits by facet combination (nil: no facets), and the combinations
	// counted: a few of thousands, for most searches
	combos  []int
	touched []uint32
	bufs    *searchBufs // nil once released
}

// searchBufs are the buffers of a search that are as long as a segment's
// facet combinations or blocks, kept for the next search once it ends
// (collector.release). Made afresh (and cleared) for each search, they were
// most of what the benchmark's mix allocated at 100,000 documents: 40 KiB
// of blocks for each common word of a question, 160 KiB of facet counts
// for each page shown, which the garbage collector then had to reclaim.
type searchBufs struct {
	combos  []int // zero up to its capacity
	touched []uint32
	counts  []int    // of each block's hits (countBlocks)
	words   []uint64 // the hits of a segment as a dense bitmap (countBlocks)
	blocks  [][]scoreBlock
	nblocks int // of blocks in use
	best    []int
}

var bufPool = sync.Pool{New: func() any { return new(searchBufs) }}

// newCollector returns a collector of the best k hits in order sort, and of
// facet counts from facets unless it is nil.
func newCollector(sort gazette.Sort, k int, facets *facetTable) *collector {
	c := &collector{sort: sort, k: k, facets: facets, bufs: bufPool.Get().(*searchBufs)}
	if facets != nil {
		c.combos, c.touched = c.bufs.combos[:0], c.bufs.touched[:0]
		if c.combos == nil {
			c.combos = []int{} // not nil: facets are counted
		}
	}
	return c
}

// release gives the collector's buffers to the next search; it is not to
// be used after, but for its kept hits (kept, sorted).
func (c *collector) release() {
	b := c.bufs
	if b == nil {
		return
	}
	if c.combos != nil {
		for _, k := range c.touched {
			c.combos[k] = 0
		}
		b.combos, b.touched = c.combos[:0], c.touched[:0]
	}
	for i := range b.blocks[:b.nblocks] {
		b.blocks[i] = b.blocks[i][:0]
	}
	b.nblocks = 0
	c.bufs, c.combos, c.touched = nil, nil, nil
	bufPool.Put(b)
}

// blocks returns an empty slice of at least n blocks, the collector's
// until it is released.
func (c *collector) blocks(n int) []scoreBlock {
	b := c.bufs
	if b.nblocks == len(b.blocks) {
		b.blocks = append(b.blocks, nil)
	}
	bl := b.blocks[b.nblocks]
	if cap(bl) < n {
		bl = make([]scoreBlock, 0, n)
	}
	b.blocks[b.nblocks] = bl
	b.nblocks++
	return bl
}

// segment makes t the table of the hits that follow.
func (c *collector) segment(t *segTable) {
	c.t = t
	if c.combos == nil || len(c.combos) >= t.combos {
		return
	}
	if cap(c.combos) >= t.combos {
		c.combos = c.combos[:t.combos] // zero: see searchBufs
		return
	}
	c.combos = append(c.combos, make([]int, t.combos-len(c.combos))...)
}

// admits reports whether document local of the current segment is a hit:
// it has packed doc values and its date is in range.
func (c *collector) admits(local uint32) bool {
	return c.t.combo[local] != noCombo && (c.dates == nil || c.dates.contains(c.t, local)) &&
		(c.inForce == 0 || c.inForceOn(local))
}

// inForceOn reports whether document local of the current segment was in
// force on the day c.inForce (gazette.InForceOn).
func (c *collector) inForceOn(local uint32) bool {
	from, until := c.t.span[0][local], c.t.span[1][local]
	return from <= c.inForce && (until == 0 || c.inForce < until)
}

// count counts an admitted hit in the total and the facets.
func (c *collector) count(local uint32) {
	c.total++
	if c.combos != nil {
		k := c.t.combo[local]
		if c.combos[k] == 0 {
			c.touched = append(c.touched, k)
		}
		c.combos[k]++
	}
}

// plain reports whether a document is admitted when it has packed doc
// values, and counting it only adds to the total: no facets, no date
// range, no day in force (a lean search of words, or of filters alone).
func (c *collector) plain() bool { return c.combos == nil && c.dates == nil && c.inForce == 0 }

// missingIn is how many documents of b, the current segment's, have no
// packed doc values.
func (c *collector) missingIn(b *roaring.Bitmap) int {
	n := 0
	for _, local := range c.t.missing {
		if b.Contains(local) {
			n++
		}
	}
	return n
}

// wholeSegments counts the segments whose facets searches took whole
// (countAll), for tests.
var wholeSegments atomic.Int64

// countAll counts the admitted documents of b, the current segment's, and
// with offer set offers them for the page, unscored (base is the segment's
// first document number).
func (c *collector) countAll(b *roaring.Bitmap, offer bool, base uint64) {
	offer = offer && c.k > 0
	// A date order offers the page's first only (offerByDate): offering
	// all 100,000 documents of an empty query cost more than counting them.
	byDate := offer && (c.sort == gazette.SortNewest || c.sort == gazette.SortOldest)
	switch {
	case c.plain():
		// Counted from the bitmap.
		c.total += int(b.GetCardinality()) - c.missingIn(b)
	case c.dates == nil && c.inForce == 0 && b.GetCardinality() == uint64(len(c.t.combo)):
		// Every document of the segment (an empty query, or one word
		// every document holds): its facet counts are the segment's.
		wholeSegments.Add(1)
		for _, k := range c.t.histogram() {
			if c.combos[k.combo] == 0 {
				c.touched = append(c.touched, k.combo)
			}
			c.combos[k.combo] += k.n
			c.total += k.n
		}
	default:
		var buf [256]uint32
		it := b.ManyIterator()
		for n := it.NextMany(buf[:]); n > 0; n = it.NextMany(buf[:]) {
			for _, local := range buf[:n] {
				if c.admits(local) {
					c.count(local)
					if offer && !byDate {
						c.offer(0, local, base+uint64(local))
					}
				}
			}
		}
		if !byDate {
			return
		}
	}
	switch {
	case byDate:
		c.offerByDate(b, base)
	case offer:
		b.Iterate(func(local uint32) bool {
			if c.admits(local) {
				c.offer(0, local, base+uint64(local))
			}
			return true
		})
	}
}

// offerByDate offers the admitted documents of b, the current segment's,
// in the segment's date order (segTable.dateOrder) until the page cannot
// take the next: the same page as offering every one, as those ranked
// alike are offered in the same order, by local number. It reads few
// documents when b holds most of the segment's.
func (c *collector) offerByDate(b *roaring.Bitmap, base uint64) {
	if 8*b.GetCardinality() < uint64(len(c.t.combo)) {
		// Few hits: offered one by one, as the order would mostly
		// pass over documents that are not.
		b.Iterate(func(local uint32) bool {
			if c.admits(local) {
				c.offer(0, local, base+uint64(local))
			}
			return true
		})
		return
	}
	for _, local := range c.t.dateOrder(c.sort) {
		if !b.Contains(local) || !c.admits(local) {
			continue
		}
		if c.full() && !c.better(cand{t: c.t, local: local}, c.heap[0]) {
			return // nor can any after it
		}
		c.offer(0, local, base+uint64(local))
	}
}

// countBlocks counts the admitted documents of b, the current segment's,
// and returns how many fall in each of its blocks (blockmax.go).
func (c *collector) countBlocks(b *roaring.Bitmap, blocks int) []int {
	out := grown(c.bufs.counts, blocks)
	c.bufs.counts = out
	var buf [256]uint32
	it := b.ManyIterator()
	if c.plain() {
		const _, _ uint = blockSize - 64, 64 - blockSize // a block is a word
		// A block is one word of b as a dense bitmap: its count is the
		// word's bits, not a visit of each of its hits (a common word's
		// 100,000 hits took a fifth of its search).
		words := grown(c.bufs.words, blocks)
		c.bufs.words = words
		b.WriteDenseTo(words)
		for i, w := range words {
			out[i] = bits.OnesCount64(w)
			c.total += out[i]
		}
		for _, local := range c.t.missing {
			if b.Contains(local) {
				c.total--
				out[local>>blockShift]--
			}
		}
		return out
	}
	for n := it.NextMany(buf[:]); n > 0; n = it.NextMany(buf[:]) {
		for _, local := range buf[:n] {
			if c.admits(local) {
				c.count(local)
				out[local>>blockShift]++
			}
		}
	}
	return out
}

// grown returns buf cleared, as n long, reallocated if it is shorter.
func grown[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	buf = buf[:n]
	clear(buf)
	return buf
}

// weight is the factor of the relevance of document local of the current
// segment: its validity's (gazette.ValidityWeight), at most 1.
func (c *collector) weight(local uint32) float64 { return float64(c.t.weights[local]) }

// offer considers an admitted hit for the page. By relevance, its score is
// weighed by its validity first, so that at equal relevance documents in
// force come first.
func (c *collector) offer(score float64, local uint32, num uint64) {
	if c.k <= 0 {
		return
	}
	if c.sort == gazette.SortRelevance {
		score *= c.weight(local)
	}
	h := cand{score, c.t, local, num}
	if len(c.heap) < c.k {
		c.heap = append(c.heap, h)
		c.up(len(c.heap) - 1)
		return
	}
	if c.better(h, c.heap[0]) {
		c.heap[0] = h
		c.down(0)
	}
}

// add counts and offers a hit, if admitted.
func (c *collector) add(score float64, local uint32, num uint64) {
	if c.admits(local) {
		c.count(local)
		c.offer(score, local, num)
	}
}

// full reports whether k hits are kept: a hit must then beat the worst.
func (c *collector) full() bool { return c.k > 0 && len(c.heap) == c.k }

// better reports whether a goes before b. Either way, dated hits come
// before undated ones; then relevance, newest and oldest differ.
func (c *collector) better(a, b cand) bool {
	if c.sort == gazette.SortRelevance && a.score != b.score {
		return a.score > b.score
	}
	da, db := a.t.published(a.local), b.t.published(b.local)
	if (da == 0) != (db == 0) {
		return da != 0
	}
	if c.sort == gazette.SortOldest {
		if da != db {
			return da < db
		}
		return a.t.orders[a.local] < b.t.orders[b.local]
	}
	if da != db {
		return da > db
	}
	return a.t.orders[a.local] > b.t.orders[b.local]
}

func (c *collector) worse(i, j int) bool { return c.better(c.heap[j], c.heap[i]) }

func (c *collector) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !c.worse(i, p) {
			return
		}
		c.heap[i], c.heap[p] = c.heap[p], c.heap[i]
		i = p
	}
}

func (c *collector) down(i int) {
	for {
		l, w := 2*i+1, i
		if l < len(c.heap) && c.worse(l, w) {
			w = l
		}
		if r := l + 1; r < len(c.heap) && c.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		c.heap[i], c.heap[w] = c.heap[w], c.heap[i]
		i = w
	}
}

// sorted returns the IDs of the kept hits, best first.
func (c *collector) sorted() []string {
	hs := c.kept()
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.t.ids[h.local]
	}
	return out
}

// kept returns the kept hits, best first.
func (c *collector) kept() []cand {
	hs := slices.Clone(c.heap)
	slices.SortFunc(hs, func(a, b cand) int {
		switch {
		case c.better(a, b):
			return -1
		case c.better(b, a):
			return 1
		}
		return cmp.Compare(a.t.ids[a.local], b.t.ids[b.local])
	})
	return hs
}

// facetCounts returns the facet counts, each list by count, then value.
func (c *collector) facetCounts() gazette.Facets {
	if c.facets == nil {
		return gazette.Facets{}
	}
	values, combos := c.facets.snapshot()
	var kind, validity, year, auth []int
	bump := func(counts *[]int, v uint32, n int) {
		if int(v) >= len(*counts) {
			*counts = append(*counts, make([]int, int(v)+1-len(*counts))...)
		}
		(*counts)[v] += n
	}
	for _, i := range c.touched {
		n, fc := c.combos[i], &combos[i]
		bump(&kind, fc.kind, n)
		bump(&validity, fc.validity, n)
		bump(&year, fc.year, n)
		for _, a := range fc.auths {
			bump(&auth, a, n)
		}
	}
	list := func(counts []int) []gazette.FacetCount {
		out := []gazette.FacetCount{}
		for v, n := range counts {
			if n > 0 && values[v] != "" {
				out = append(out, gazette.FacetCount{Value: values[v], Count: n})
			}
		}
		slices.SortFunc(out, func(a, b gazette.FacetCount) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return cmp.Compare(a.Value, b.Value)
		})
		return out
	}
	return gazette.Facets{Kind: list(kind), Authority: list(auth), Year: list(year), Validity: list(validity)}
}
