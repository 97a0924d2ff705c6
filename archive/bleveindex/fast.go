package bleveindex

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	seg "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/gazette-archive/gazette/gazette"
)

// The direct path. Most searches are words of one unit each (a two-character
// word is one bigram; a Latin word or a number is one token), with filters
// and perhaps an excluded word. For those, bleve's searchers cost six times
// what reading the postings does (measured on 30,000 benchmark documents:
// 5.8 ms against 0.9 ms a query), so they are run here on the segments of
// the snapshot: the hits of each segment are found with the postings'
// bitmaps (words, filter values, exclusions, deletions), and only the hits
// are scored, from the same frequencies and norms with the same formula as
// bleve's term and disjunction scorers, so the order of hits is the same.
// Anything else (phrases, multi-unit words, single characters) goes through
// bleve (collect).

// errNotDirect says a segment's postings are not bitmaps the direct path
// can read: the search is run through bleve instead.
var errNotDirect = errors.New("bleveindex: not a zap segment")

// directPlan is a query the direct path can run.
type directPlan struct {
	words    []string   // one unit each, all required
	excluded []string   // one unit each
	filters  [][]filter // AND of groups, OR within a group
}

type filter struct{ field, value string }

// planDirect returns the plan of q, or false when q needs bleve.
func (x *Index) planDirect(q *gazette.Query, qt gazette.QueryText) (directPlan, bool) {
	var p directPlan
	if len(qt.Phrases) > 0 || len(qt.Terms) == 0 {
		return p, false
	}
	unit := func(text string) (string, bool) {
		terms, char := queryTerms(text)
		if len(terms) != 1 || char {
			return "", false
		}
		return terms[0], true
	}
	for _, t := range qt.Terms {
		u, ok := unit(t)
		if !ok {
			return p, false
		}
		p.words = append(p.words, u)
	}
	for _, t := range qt.Excluded {
		if terms, _ := queryTerms(t); len(terms) == 0 {
			continue // nothing indexable: bleve ignores it too
		}
		u, ok := unit(t)
		if !ok {
			return p, false
		}
		p.excluded = append(p.excluded, u)
	}
	group := func(field string, values []string) {
		if len(values) > 0 {
			g := make([]filter, len(values))
			for i, v := range values {
				g[i] = filter{field, v}
			}
			p.filters = append(p.filters, g)
		}
	}
	strs := func(n int, f func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	group(fKind, strs(len(q.Kinds), func(i int) string { return string(q.Kinds[i]) }))
	group(fAuthority, q.Authorities)
	group(fValidity, strs(len(q.Validity), func(i int) string { return string(q.Validity[i]) }))
	group(fTopic, q.Topics)
	group(fYear, strs(len(q.Years), func(i int) string { return strconv.Itoa(q.Years[i]) }))
	if q.Issue != nil {
		group(fIssue, []string{q.Issue.String()})
	}
	return p, true
}

// collectDirect runs plan on snapshot r and feeds every hit to c, scored as
// bleve scores matchText's disjunction of the head and body terms (up to
// the query norm, the same for every hit). The exact date range is checked
// by c, as on the bleve path.
func (x *Index) collectDirect(ctx context.Context, r *scorch.IndexSnapshot, p directPlan, c *collector) error {
	total, err := r.DocCount()
	if err != nil {
		return err
	}
	segs := r.Segments()
	// idf of each word in each field, over the whole snapshot, as bleve's
	// term searcher computes it.
	type wordField struct {
		weight float64 // boost·idf², the score of tf·norm = 1 before the query norm
	}
	weights := make([][2]wordField, len(p.words))
	for i, w := range p.words {
		for j, f := range textFields {
			var n uint64
			for _, s := range segs {
				pl, err := postings(s, f.name, w)
				if err != nil {
					return err
				}
				if pl != nil {
					n += pl.Count()
				}
			}
			idf := 1.0 + math.Log(float64(total)/float64(n+1))
			weights[i][j].weight = f.boost * idf * idf
		}
	}
	t := x.table(r)
	c.table = t
	dv, err := r.DocValueReader([]string{fMeta})
	if err != nil {
		return err
	}
	var parsed *docMeta
	visit := func(field string, term []byte) { parsed = t.parse(term) }
	var iid [8]byte
	var base uint64
	iters := make([][2]seg.PostingsIterator, len(p.words))
	for _, s := range segs {
		if err := ctx.Err(); err != nil {
			return err
		}
		segBase := base
		base += s.Segment().Count()
		hits, err := segmentHits(s, p)
		if err != nil {
			return err
		}
		if hits.IsEmpty() {
			continue
		}
		for i, w := range p.words {
			for j, f := range textFields {
				iters[i][j] = nil
				pl, err := postings(s, f.name, w)
				if err != nil {
					return err
				}
				if pl != nil {
					iters[i][j] = pl.Iterator(true, true, false, nil)
				}
			}
		}
		cur := make([][2]seg.Posting, len(p.words))
		for n, it := 0, hits.Iterator(); it.HasNext(); n++ {
			if n%4096 == 4095 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			local := uint64(it.Next())
			score := 0.0
			for i := range p.words {
				// Disjunction of head and body: the sum of the scores of the
				// fields that match, times the share that match (coord).
				sum, matched := 0.0, 0
				for j := range textFields {
					pt := cur[i][j]
					if iters[i][j] != nil && (pt == nil || pt.Number() < local) {
						if pt, err = iters[i][j].Advance(local); err != nil {
							return err
						}
						cur[i][j] = pt
						if pt == nil {
							iters[i][j] = nil
						}
					}
					if pt != nil && pt.Number() == local {
						sum += math.Sqrt(float64(pt.Frequency())) * pt.Norm() * weights[i][j].weight
						matched++
					}
				}
				score += sum * float64(matched) / float64(len(textFields))
			}
			num := segBase + local
			d := t.get(num)
			if d == nil {
				binary.BigEndian.PutUint64(iid[:], num)
				parsed = nil
				if err := dv.VisitDocValues(iid[:], visit); err != nil {
					return err
				}
				if d = parsed; d == nil {
					d = &docMeta{}
				}
				d.num = num + 1
				t.set(num, d)
			}
			c.add(score, d)
		}
	}
	return nil
}

// postings is the postings list of term in field of one segment, without
// its deleted documents, or nil when the segment has no such field.
func postings(s *scorch.SegmentSnapshot, field, term string) (seg.PostingsList, error) {
	d, err := s.Segment().Dictionary(field)
	if err != nil || d == nil {
		return nil, err
	}
	return d.PostingsList([]byte(term), s.Deleted(), nil)
}

// orInto adds the documents of pl to b.
func orInto(b *roaring.Bitmap, pl seg.PostingsList) bool {
	o, ok := pl.(interface{ OrInto(*roaring.Bitmap) })
	if ok {
		o.OrInto(b)
	}
	return ok
}

// segmentHits returns the local numbers of the documents of one segment
// that plan matches, before the date range.
func segmentHits(s *scorch.SegmentSnapshot, p directPlan) (*roaring.Bitmap, error) {
	// union of the postings of term in every field given
	union := func(fields []filter) (*roaring.Bitmap, error) {
		b := roaring.New()
		for _, f := range fields {
			pl, err := postings(s, f.field, f.value)
			if err != nil {
				return nil, err
			}
			if pl != nil && !orInto(b, pl) {
				return nil, errNotDirect
			}
		}
		return b, nil
	}
	inText := func(w string) []filter {
		out := make([]filter, len(textFields))
		for i, f := range textFields {
			out[i] = filter{f.name, w}
		}
		return out
	}
	var hits *roaring.Bitmap
	and := func(b *roaring.Bitmap) {
		if hits == nil {
			hits = b
		} else {
			hits.And(b)
		}
	}
	for _, w := range p.words {
		b, err := union(inText(w))
		if err != nil {
			return nil, err
		}
		and(b)
		if hits.IsEmpty() {
			return hits, nil
		}
	}
	for _, g := range p.filters {
		b, err := union(g)
		if err != nil {
			return nil, err
		}
		and(b)
	}
	for _, w := range p.excluded {
		b, err := union(inText(w))
		if err != nil {
			return nil, err
		}
		hits.AndNot(b)
	}
	if del := s.Deleted(); del != nil {
		hits.AndNot(del)
	}
	return hits, nil
}
