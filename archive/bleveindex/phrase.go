package bleveindex

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseQuery matches documents whose field holds terms at consecutive
// positions; "" stands for any term. It does what bleve's PhraseQuery does
// for a single-valued field, several times faster: bleve's phrase searcher
// decodes the locations of every term in every document any of them is in,
// and builds a map of them, which on bigram-segmented text (every Han
// character is a position) dominated the cost of a search. This one
// leapfrogs term readers that decode document numbers only, and reads
// positions only for the documents that hold every term, comparing
// position lists in place in reused buffers.
type phraseQuery struct {
	terms []string
	field string
	boost float64
}

// Searcher implements query.Query.
func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	total, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	s := &phraseSearcher{boost: q.boost, score: opts.Score != "none", queryWeight: 1}
	for off, t := range q.terms {
		if t == "" {
			continue
		}
		tr, err := r.TermFieldReader(ctx, []byte(t), q.field, false, false, false)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.readers = append(s.readers, tr)
		vr, err := r.TermFieldReader(ctx, []byte(t), q.field, true, true, true)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.vectors = append(s.vectors, vr)
		s.offsets = append(s.offsets, uint64(off))
		n := tr.Count()
		if n == 0 {
			s.Close()
			return searcher.NewMatchNoneSearcher(r)
		}
		if len(s.readers) == 1 || n < s.count {
			s.count = n
		}
		s.idf += 1 + math.Log(float64(total)/float64(n+1))
	}
	if len(s.readers) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	s.cur = make([]*index.TermFieldDoc, len(s.readers))
	s.pre = make([]index.TermFieldDoc, len(s.readers))
	s.vpre = make([]index.TermFieldDoc, len(s.readers))
	return s, nil
}

type phraseSearcher struct {
	readers []index.TermFieldReader // document numbers only, for the leapfrog
	vectors []index.TermFieldReader // the same terms with positions, for matches
	offsets []uint64                // position of each term in the phrase
	cur     []*index.TermFieldDoc
	pre     []index.TermFieldDoc
	vpre    []index.TermFieldDoc
	norm    float64 // field norm of the current document
	started bool
	done    bool
	pos     [][]uint64 // scratch: positions of each term in the current document
	idx     []int      // scratch: cursors into pos

	score                              bool
	boost, idf, queryNorm, queryWeight float64
	count                              uint64
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if err := s.start(nil); err != nil || s.done {
		return nil, err
	}
	return s.find(ctx)
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if err := s.start(id); err != nil || s.done {
		return nil, err
	}
	for i := range s.readers {
		if err := s.advance(i, id); err != nil || s.done {
			return nil, err
		}
	}
	return s.find(ctx)
}

// start positions every reader on its first document at or after id.
func (s *phraseSearcher) start(id index.IndexInternalID) error {
	if s.started {
		return nil
	}
	s.started = true
	for i, r := range s.readers {
		var d *index.TermFieldDoc
		var err error
		if id == nil {
			d, err = r.Next(&s.pre[i])
		} else {
			d, err = r.Advance(id, &s.pre[i])
		}
		if err != nil {
			return err
		}
		if d == nil {
			s.done = true
			return nil
		}
		s.cur[i] = d
	}
	return nil
}

// advance moves reader i to its first document at or after id.
func (s *phraseSearcher) advance(i int, id index.IndexInternalID) error {
	if s.cur[i].ID.Compare(id) >= 0 {
		return nil
	}
	d, err := s.readers[i].Advance(id, &s.pre[i])
	if err != nil {
		return err
	}
	if d == nil {
		s.done = true
	}
	s.cur[i] = d
	return nil
}

// find returns the first matching document from the readers' current
// positions on, and moves past it.
func (s *phraseSearcher) find(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for !s.done {
		// Leapfrog until every reader is on the same document.
		maxID := s.cur[0].ID
		for _, d := range s.cur[1:] {
			if d.ID.Compare(maxID) > 0 {
				maxID = d.ID
			}
		}
		same := true
		for i := range s.readers {
			if s.cur[i].ID.Compare(maxID) < 0 {
				same = false
				if err := s.advance(i, maxID); err != nil || s.done {
					return nil, err
				}
			}
		}
		if !same {
			continue
		}
		freq, err := s.matches(maxID)
		if err != nil {
			return nil, err
		}
		var dm *search.DocumentMatch
		if freq > 0 {
			dm = ctx.DocumentMatchPool.Get()
			dm.IndexInternalID = append(dm.IndexInternalID[:0], maxID...)
			if s.score {
				tf := math.Sqrt(float64(freq))
				dm.Score = tf * s.norm * s.idf * s.queryWeight
			}
		}
		// Move past this document.
		d, err := s.readers[0].Next(&s.pre[0])
		if err != nil {
			return nil, err
		}
		if d == nil {
			s.done = true
		}
		s.cur[0] = d
		if dm != nil {
			return dm, nil
		}
	}
	return nil, nil
}

// matches counts the phrase's occurrences in document id, which holds
// every term.
func (s *phraseSearcher) matches(id index.IndexInternalID) (int, error) {
	if cap(s.pos) < len(s.readers) {
		s.pos = make([][]uint64, len(s.readers))
	}
	s.pos = s.pos[:len(s.readers)]
	for i, vr := range s.vectors {
		d, err := vr.Advance(id, &s.vpre[i])
		if err != nil {
			return 0, err
		}
		if d == nil || !d.ID.Equals(id) {
			return 0, nil // cannot be: the readers agreed on id
		}
		if i == 0 {
			s.norm = d.Norm
		}
		p := s.pos[i][:0]
		for _, v := range d.Vectors {
			p = append(p, v.Pos)
		}
		if !slices.IsSorted(p) {
			slices.Sort(p)
		}
		s.pos[i] = p
	}
	// For each start position of the first term, look for the others at
	// their offsets, walking each sorted list forward once.
	if cap(s.idx) < len(s.readers) {
		s.idx = make([]int, len(s.readers))
	}
	idx := s.idx[:len(s.readers)]
	clear(idx)
	n := 0
	for _, p0 := range s.pos[0] {
		if p0 < s.offsets[0] {
			continue
		}
		start := p0 - s.offsets[0]
		ok := true
		for i := 1; i < len(s.readers); i++ {
			want := start + s.offsets[i]
			ps := s.pos[i]
			for idx[i] < len(ps) && ps[idx[i]] < want {
				idx[i]++
			}
			if idx[i] == len(ps) {
				return n, nil
			}
			if ps[idx[i]] != want {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (s *phraseSearcher) Close() error {
	var first error
	for _, r := range append(s.readers, s.vectors...) {
		if err := r.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *phraseSearcher) Weight() float64 {
	w := s.boost * s.idf
	return w * w
}

func (s *phraseSearcher) SetQueryNorm(qnorm float64) {
	s.queryNorm = qnorm
	s.queryWeight = s.boost * s.idf * qnorm
}

func (s *phraseSearcher) Count() uint64              { return s.count }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return 64 + 128*len(s.readers) }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return 1 }
