package bleveindex

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	seg "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/gazette-archive/gazette/gazette"
)

// segTable holds what a search reads of every document of one segment, in
// flat arrays by local document number: its facet values, dates, ID and
// print-order key. Segments never change (a write adds one, a merge
// replaces several by one), so a table is built once per segment, from the
// packed doc values (meta.go), and a hit then costs an array index instead
// of a doc-values visit. Counting facets costs one increment per hit: each
// document points at its combination of facet values (few distinct ones:
// kind × validity × year × authorities), which are expanded once per search.
type segTable struct {
	combo  []uint32    // index into the facetTable's combos; noCombo: no packed doc values
	dates  [4][]uint32 // yyyymmdd by dateFields index; 0: none
	span   [2][]uint32 // in force from, until (meta.go), yyyymmdd; 0: open
	ids    []string
	orders []string
	// weights are the factors of relevance by validity
	// (gazette.ValidityWeight): one per document.
	weights []float32
	// combos is how many combinations the facetTable had once this table
	// was built: more than any of its documents points at.
	combos int
	// missing are the documents without packed doc values (combo noCombo),
	// ascending: never hits.
	missing []uint32
	// byDate are the documents in the order of the collector's newest and
	// oldest sorts, built on first use (dateOrder): 4 bytes a document each.
	byDate [2]struct {
		once  sync.Once
		order []uint32
	}
	// hist is how many documents point at each combination, built on
	// first use (histogram).
	hist struct {
		once sync.Once
		list []comboCount
	}
}

// comboCount is how many documents of a segment have one combination of
// facet values.
type comboCount struct {
	combo uint32
	n     int
}

// histogram returns how many documents of t point at each combination,
// those without packed doc values left out, built on first use: the facet
// counts of a search that every document of t matches.
func (t *segTable) histogram() []comboCount {
	h := &t.hist
	h.once.Do(func() {
		counts := make([]int, t.combos)
		for _, k := range t.combo {
			if k != noCombo {
				counts[k]++
			}
		}
		for k, n := range counts {
			if n > 0 {
				h.list = append(h.list, comboCount{uint32(k), n})
			}
		}
	})
	return h.list
}

const noCombo = ^uint32(0)

func (t *segTable) published(local uint32) uint32 { return t.dates[1][local] }

// facetTable numbers the facet values of an index, and their combinations;
// numbers are never reused, so tables built at different times agree.
type facetTable struct {
	mu       sync.Mutex
	values   []string
	ids      map[string]uint32
	combos   []facetCombo
	comboIDs map[string]uint32 // by the packed values (see combo)
}

// facetCombo is one combination of facet values, as value numbers.
type facetCombo struct {
	kind, validity, year uint32
	auths                []uint32
}

func newFacetTable() *facetTable {
	return &facetTable{ids: map[string]uint32{}, comboIDs: map[string]uint32{}}
}

// intern numbers a value; the caller holds mu.
func (f *facetTable) intern(b []byte) uint32 {
	if id, ok := f.ids[string(b)]; ok {
		return id
	}
	id := uint32(len(f.values))
	f.values = append(f.values, string(b))
	f.ids[string(b)] = id
	return id
}

// combo numbers the combination of the facet values of m, packed into key
// by the caller, who holds mu.
func (f *facetTable) combo(key []byte, m *meta) uint32 {
	if id, ok := f.comboIDs[string(key)]; ok {
		return id
	}
	fc := facetCombo{kind: f.intern(m.kind), validity: f.intern(m.validity), year: f.intern(m.year)}
	for a := m.auths; len(a) > 0; {
		v := a
		if i := indexByte(a, sepValue); i >= 0 {
			v, a = a[:i], a[i+1:]
		} else {
			a = nil
		}
		fc.auths = append(fc.auths, f.intern(v))
	}
	id := uint32(len(f.combos))
	f.combos = append(f.combos, fc)
	f.comboIDs[string(key)] = id
	return id
}

// snapshot returns the values and combinations numbered so far: both only
// grow, so the slices stay valid for the numbers they hold.
func (f *facetTable) snapshot() ([]string, []facetCombo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.values, f.combos
}

// tableEntry builds a segment's table once, whoever asks first.
type tableEntry struct {
	once sync.Once
	t    *segTable
	err  error
}

// tables returns the table of each segment of snapshot r, building those
// not met before, and forgets the tables of segments r no longer holds.
func (x *Index) tables(r *scorch.IndexSnapshot) ([]*segTable, error) {
	segs := r.Segments()
	entries := make([]*tableEntry, len(segs))
	x.tabMu.Lock()
	if x.tabs == nil {
		x.tabs = map[uint64]*tableEntry{}
	}
	keep := make(map[uint64]*tableEntry, len(segs))
	var met []*scorch.SegmentSnapshot // for the first time
	var newest uint64
	for i, s := range segs {
		e := x.tabs[s.Id()]
		if e == nil {
			e = &tableEntry{}
			met = append(met, s)
		}
		keep[s.Id()], entries[i] = e, e
		newest = max(newest, s.Id())
	}
	// Segments are numbered as they come (a merge's after those it
	// merged): a segment newer than every one of r is not one r's
	// snapshot dropped but one an older snapshot never held, and its
	// table and block maxima stay for the searches of newer snapshots.
	// A search on an older snapshot may still rebuild a forgotten table;
	// it is then forgotten again by the next search on a newer one.
	for id, e := range x.tabs {
		if id > newest {
			keep[id] = e
		}
	}
	x.tabs = keep
	x.tabMu.Unlock()
	for _, s := range met {
		x.queuePrebuild(s)
	}
	out := make([]*segTable, len(segs))
	for i, e := range entries {
		e.once.Do(func() { e.t, e.err = x.buildTable(segs[i]) })
		if e.err != nil {
			return nil, e.err
		}
		out[i] = e.t
	}
	return out, nil
}

// buildTable reads the packed doc values of every document of segment s.
func (x *Index) buildTable(s *scorch.SegmentSnapshot) (*segTable, error) {
	dvv, ok := s.Segment().(seg.DocValueVisitable)
	if !ok {
		return nil, errNotDirect
	}
	n := int(s.Segment().Count())
	t := &segTable{combo: make([]uint32, n), ids: make([]string, n), orders: make([]string, n), weights: make([]float32, n)}
	for i := range t.dates {
		t.dates[i] = make([]uint32, n)
	}
	for i := range t.span {
		t.span[i] = make([]uint32, n)
	}
	var key []byte
	var iter seg.DocVisitState
	fields := []string{fMeta}
	f := x.facets
	// The combinations met here, by packed values: the shared table is
	// locked only for new ones, not for the whole build.
	seen := map[string]uint32{}
	for local := range n {
		t.combo[local] = noCombo
		t.weights[local] = 1
		var err error
		iter, err = dvv.VisitDocValues(uint64(local), fields, func(_ string, term []byte) {
			m := unpackMeta(term)
			if m.id == nil {
				return
			}
			t.ids[local], t.orders[local] = string(m.id), string(m.order)
			t.weights[local] = float32(gazette.ValidityWeight(gazette.Validity(m.validity)))
			for i, v := range m.dates {
				if d, err := strconv.ParseUint(string(v), 10, 32); err == nil {
					t.dates[i][local] = uint32(d)
				}
			}
			for i, v := range m.span {
				if d, err := strconv.ParseUint(string(v), 10, 32); err == nil {
					t.span[i][local] = uint32(d)
				}
			}
			key = append(append(append(append(append(append(key[:0], m.kind...), sepField), m.validity...), sepField), m.year...), sepField)
			key = append(key, m.auths...)
			id, ok := seen[string(key)]
			if !ok {
				f.mu.Lock()
				id = f.combo(key, &m)
				f.mu.Unlock()
				seen[string(key)] = id
			}
			t.combo[local] = id
		}, iter)
		if err != nil {
			return nil, fmt.Errorf("doc values of document %d: %w", local, err)
		}
		if t.combo[local] == noCombo {
			t.missing = append(t.missing, uint32(local))
		}
	}
	f.mu.Lock()
	t.combos = len(f.combos)
	f.mu.Unlock()
	return t, nil
}

// dateOrder returns the documents of t in the order in which a collector
// sorting by sort (gazette.SortNewest or gazette.SortOldest) ranks them,
// those it ranks alike by local number, built on first use.
func (t *segTable) dateOrder(sort gazette.Sort) []uint32 {
	i := 0
	if sort == gazette.SortOldest {
		i = 1
	}
	o := &t.byDate[i]
	o.once.Do(func() {
		o.order = make([]uint32, len(t.combo))
		for local := range o.order {
			o.order[local] = uint32(local)
		}
		c := collector{sort: sort}
		slices.SortFunc(o.order, func(a, b uint32) int {
			switch {
			case c.better(cand{t: t, local: a}, cand{t: t, local: b}):
				return -1
			case c.better(cand{t: t, local: b}, cand{t: t, local: a}):
				return 1
			}
			return cmp.Compare(a, b)
		})
	})
	return o.order
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// locate finds the segment of snapshot document number num: the index into
// bases (the first number of each segment, ascending) and the local number.
func locate(bases []uint64, num uint64) (int, uint32) {
	lo, hi := 0, len(bases)
	for hi-lo > 1 {
		m := (lo + hi) / 2
		if bases[m] <= num {
			lo = m
		} else {
			hi = m
		}
	}
	return lo, uint32(num - bases[lo])
}

// segmentBases returns the first snapshot document number of each segment.
func segmentBases(segs []*scorch.SegmentSnapshot) []uint64 {
	out := make([]uint64, len(segs))
	var base uint64
	for i, s := range segs {
		out[i] = base
		base += s.Segment().Count()
	}
	return out
}
