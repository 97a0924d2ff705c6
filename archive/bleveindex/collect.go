package bleveindex

import (
	"cmp"
	"context"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gazette-archive/gazette/gazette"
)

// docMeta is what the collector needs of a hit: its ID, the keys it sorts
// by, its dates and its facet values (as interned value numbers).
type docMeta struct {
	id, order            string
	dates                [4]uint32 // yyyymmdd by dateFields index; 0: none
	kind, validity, year uint32
	auths                []uint32
	ok                   bool // false for a document without packed doc values
	// num is the document's number in its snapshot, plus one; 0: unknown.
	num uint64
}

func (d *docMeta) published() uint32 { return d.dates[1] }

// snapTable caches the docMeta of the documents of one snapshot of the
// index, by internal ID, filled as hits are met. Reading the packed doc
// values is what a hit costs most after matching; a snapshot lasts until
// the next write or merge, and readers repeat themselves, so most hits are
// found here. Internal IDs are only meaningful within their snapshot,
// hence one table per snapshot.
type snapTable struct {
	snap index.IndexReader // identity only: never used to read
	// docs holds the entries by document number, in chunks allocated as
	// needed; readers load it without locking, growth copies it.
	docs atomic.Pointer[[]*tableChunk]

	mu     sync.Mutex // guards growth of docs, and the interned values
	values []string   // interned facet values
	ids    map[string]uint32
}

const chunkBits = 12

type tableChunk [1 << chunkBits]atomic.Pointer[docMeta]

// docNumber is the document number of an internal ID: scorch's internal
// IDs are 8-byte big-endian numbers. Anything else is not cached.
func docNumber(iid index.IndexInternalID) (uint64, bool) {
	if len(iid) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(iid), true
}

func (t *snapTable) get(n uint64) *docMeta {
	chunks := t.docs.Load()
	if c := n >> chunkBits; chunks != nil && c < uint64(len(*chunks)) && (*chunks)[c] != nil {
		return (*chunks)[c][n&(1<<chunkBits-1)].Load()
	}
	return nil
}

func (t *snapTable) set(n uint64, d *docMeta) {
	c := n >> chunkBits
	if c > 1<<20 {
		return // not a plausible document number: do not cache
	}
	chunks := t.docs.Load()
	if chunks == nil || c >= uint64(len(*chunks)) || (*chunks)[c] == nil {
		t.mu.Lock()
		chunks = t.docs.Load()
		if chunks == nil || c >= uint64(len(*chunks)) || (*chunks)[c] == nil {
			var grown []*tableChunk
			if chunks != nil {
				grown = slices.Clone(*chunks)
			}
			for uint64(len(grown)) <= c {
				grown = append(grown, nil)
			}
			grown[c] = new(tableChunk)
			chunks = &grown
			t.docs.Store(chunks)
		}
		t.mu.Unlock()
	}
	(*chunks)[c][n&(1<<chunkBits-1)].Store(d)
}

// table returns the table of snapshot r, replacing the current one when r
// is a newer snapshot.
func (x *Index) table(r index.IndexReader) *snapTable {
	x.tabMu.Lock()
	defer x.tabMu.Unlock()
	if x.tab == nil || x.tab.snap != r {
		x.tab = &snapTable{snap: r, ids: map[string]uint32{}}
	}
	return x.tab
}

func (t *snapTable) intern(b []byte) uint32 {
	if id, ok := t.ids[string(b)]; ok {
		return id
	}
	id := uint32(len(t.values))
	t.values = append(t.values, string(b))
	t.ids[string(b)] = id
	return id
}

func (t *snapTable) value(id uint32) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.values[id]
}

// parse turns packed doc values into a docMeta.
func (t *snapTable) parse(b []byte) *docMeta {
	m := unpackMeta(b)
	if m.id == nil {
		return &docMeta{}
	}
	d := &docMeta{id: string(m.id), order: string(m.order), ok: true}
	for i, v := range m.dates {
		if n, err := strconv.ParseUint(string(v), 10, 32); err == nil {
			d.dates[i] = uint32(n)
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d.kind, d.validity, d.year = t.intern(m.kind), t.intern(m.validity), t.intern(m.year)
	for a := m.auths; len(a) > 0; {
		v := a
		if i := indexByte(a, sepValue); i >= 0 {
			v, a = a[:i], a[i+1:]
		} else {
			a = nil
		}
		d.auths = append(d.auths, t.intern(v))
	}
	return d
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// collect runs root on the snapshot r and feeds every hit to c.
func (x *Index) collect(ctx context.Context, r index.IndexReader, root query.Query, c *collector) error {
	opts := search.SearcherOptions{Score: "none"}
	if c.sort == gazette.SortRelevance {
		opts.Score = ""
	}
	s, err := root.Searcher(ctx, r, x.b.Mapping(), opts)
	if err != nil {
		return err
	}
	defer s.Close()
	t := x.table(r)
	c.table = t
	var dv index.DocValueReader
	var parsed *docMeta
	visit := func(field string, term []byte) { parsed = t.parse(term) }
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
		num, cacheable := docNumber(dm.IndexInternalID)
		var d *docMeta
		if cacheable {
			d = t.get(num)
		}
		if d == nil {
			if dv == nil {
				if dv, err = r.DocValueReader([]string{fMeta}); err != nil {
					return err
				}
			}
			parsed = nil
			if err := dv.VisitDocValues(dm.IndexInternalID, visit); err != nil {
				return err
			}
			if d = parsed; d == nil {
				d = &docMeta{}
			}
			if cacheable {
				d.num = num + 1
				t.set(num, d)
			}
		}
		c.add(score, d)
		sctx.DocumentMatchPool.Put(dm)
	}
}

// cand is one hit kept for the page.
type cand struct {
	score float64
	d     *docMeta
}

// dateRange is an inclusive range of one of a document's dates, as
// yyyymmdd; 0 leaves that end open.
type dateRange struct {
	which    int // index into dateFields
	from, to uint32
}

func newDateRange(which gazette.DateField, from, to gazette.Date) *dateRange {
	num := func(d gazette.Date) uint32 {
		if d.IsZero() {
			return 0
		}
		return uint32(d.Year*10000 + int(d.Month)*100 + d.Day)
	}
	return &dateRange{which: dateIndex(which), from: num(from), to: num(to)}
}

func (r *dateRange) contains(d *docMeta) bool {
	v := d.dates[r.which]
	return v != 0 && (r.from == 0 || v >= r.from) && (r.to == 0 || v <= r.to)
}

// collector counts hits and their facets and keeps the best k of them in
// a heap whose root is the worst kept.
type collector struct {
	sort   gazette.Sort
	k      int
	dates  *dateRange // when set, hits outside it are dropped
	facets bool
	table  *snapTable
	total  int
	heap   []cand
	// facet counts, by interned value
	kind, validity, year, auth []int
}

func newCollector(sort gazette.Sort, k int, facets bool) *collector {
	return &collector{sort: sort, k: k, facets: facets}
}

func count(counts *[]int, v uint32) {
	if int(v) >= len(*counts) {
		*counts = append(*counts, make([]int, int(v)+1-len(*counts))...)
	}
	(*counts)[v]++
}

func (c *collector) add(score float64, d *docMeta) {
	if !d.ok || c.dates != nil && !c.dates.contains(d) {
		return
	}
	c.total++
	if c.facets {
		count(&c.kind, d.kind)
		count(&c.validity, d.validity)
		count(&c.year, d.year)
		for _, a := range d.auths {
			count(&c.auth, a)
		}
	}
	if c.k <= 0 {
		return
	}
	if len(c.heap) < c.k {
		c.heap = append(c.heap, cand{score, d})
		c.up(len(c.heap) - 1)
		return
	}
	if c.better(cand{score, d}, c.heap[0]) {
		c.heap[0] = cand{score, d}
		c.down(0)
	}
}

// better reports whether a goes before b. Either way, dated hits come
// before undated ones; then relevance, newest and oldest differ.
func (c *collector) better(a, b cand) bool {
	if c.sort == gazette.SortRelevance && a.score != b.score {
		return a.score > b.score
	}
	da, db := a.d.published(), b.d.published()
	if (da == 0) != (db == 0) {
		return da != 0
	}
	if c.sort == gazette.SortOldest {
		if da != db {
			return da < db
		}
		return a.d.order < b.d.order
	}
	if da != db {
		return da > db
	}
	return a.d.order > b.d.order
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
	hs := c.sortedMeta()
	out := make([]string, len(hs))
	for i, d := range hs {
		out[i] = d.id
	}
	return out
}

// sortedMeta returns the kept hits, best first.
func (c *collector) sortedMeta() []*docMeta {
	hs := slices.Clone(c.heap)
	slices.SortFunc(hs, func(a, b cand) int {
		switch {
		case c.better(a, b):
			return -1
		case c.better(b, a):
			return 1
		}
		return cmp.Compare(a.d.id, b.d.id)
	})
	out := make([]*docMeta, len(hs))
	for i, h := range hs {
		out[i] = h.d
	}
	return out
}

// facetCounts returns the facet counts, each list by count, then value.
func (c *collector) facetCounts() gazette.Facets {
	list := func(counts []int) []gazette.FacetCount {
		out := []gazette.FacetCount{}
		for v, n := range counts {
			if n > 0 {
				if s := c.table.value(uint32(v)); s != "" {
					out = append(out, gazette.FacetCount{Value: s, Count: n})
				}
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
	return gazette.Facets{Kind: list(c.kind), Authority: list(c.auth), Year: list(c.year), Validity: list(c.validity)}
}
