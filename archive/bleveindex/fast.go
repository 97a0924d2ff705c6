package bleveindex

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	seg "github.com/blevesearch/scorch_segment_api/v2"

	"github.com/gazette-archive/gazette/gazette"
)

// The direct path. Most searches are words and phrases, with filters and
// perhaps an excluded word. For those, bleve's searchers cost six times
// what reading the postings does (measured on 30,000 benchmark documents:
// 5.8 ms against 0.9 ms a query), so they are run here on the segments of
// the snapshot: the candidates of each segment are found with the
// postings' bitmaps (every unit of every word or phrase, filter values,
// exclusions, deletions); a phrase's positions are read only for its
// candidates, rarest term first; and only the hits are scored, from the
// same frequencies, norms and positions with the same formula as bleve's
// term, phrase (phrase.go) and disjunction scorers, so the order of hits
// is the same. Single characters (the companion fields) and excluded
// phrases go through bleve (collect).

// errNotDirect says a segment's postings are not bitmaps the direct path
// can read: the search is run through bleve instead.
var errNotDirect = errors.New("bleveindex: not a zap segment")

// directPlan is a query the direct path can run.
type directPlan struct {
	words    []clause   // all required
	excluded []string   // one unit each
	filters  [][]filter // AND of groups, OR within a group
}

// clause is one required word or phrase: its units at their offsets ("" in
// queryTerms, any unit, is left out). A word of one unit has one.
type clause struct {
	terms   []string
	offsets []uint64
	suffix  string // of the text fields read: "" or shingleSuffix
}

func (c clause) phrase() bool { return len(c.terms) > 1 }

type filter struct{ field, value string }

// fID is the field bleve indexes every document's ID in (Query.IDs).
const fID = "_id"

// planDirect returns the plan of q, or false when q needs bleve.
func (x *Index) planDirect(q *gazette.Query, qt gazette.QueryText) (directPlan, bool) {
	var p directPlan
	for _, t := range append(slices.Clone(qt.Terms), qt.Phrases...) {
		terms, char := queryTerms(t)
		if char {
			return p, false // the companion fields: bleve
		}
		var c clause
		if sh := shingles(terms, x.common.Load()); sh != nil {
			terms, c.suffix = sh, shingleSuffix
		}
		for off, u := range terms {
			if u != "" {
				c.terms = append(c.terms, u)
				c.offsets = append(c.offsets, uint64(off))
			}
		}
		if len(c.terms) > 0 {
			p.words = append(p.words, c)
		}
	}
	for _, t := range qt.Excluded {
		terms, char := queryTerms(t)
		if len(terms) == 0 {
			continue // nothing indexable: bleve ignores it too
		}
		if len(terms) != 1 || char {
			return p, false
		}
		p.excluded = append(p.excluded, terms[0])
	}
	if len(p.words) == 0 && len(p.excluded) > 0 {
		return p, false // everything but something: bleve
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
	group(fID, q.IDs)
	return p, true
}

// collectDirect runs plan on snapshot r and feeds every hit to c, scored as
// bleve scores matchText's disjunction of the head and body terms or
// phrases (up to the query norm, the same for every hit). The exact date
// range is checked by c, as on the bleve path.
//
// Only the hits that can reach the page are scored. Without phrases the
// hits are known from the bitmaps alone. They are counted first. In a
// segment where every clause is common, they are scored by blocks
// (blockmax.go). Elsewhere, those
// that match some word in the head (few, and worth ten times more) get
// bounds from their head postings alone (headBounds), and only those
// whose upper bound reaches the k-th best lower bound are scored. A hit
// that matches every word in the body only scores at most bodyBound (see
// maxFieldScore; coord halves a one-field match): when the page is full of
// hits that score more, these are never scored, otherwise they are, in a
// last pass. A phrase's candidates need their positions read to know
// whether they are hits at all, and are scored as they are checked.
func (x *Index) collectDirect(ctx context.Context, r *scorch.IndexSnapshot, p directPlan, c *collector) error {
	total, err := r.DocCount()
	if err != nil {
		return err
	}
	segs := r.Segments()
	tabs, err := x.tables(r)
	if err != nil {
		return err
	}
	// The weight of each clause in each field, boost·idf² (the score of
	// tf·norm = 1 before the query norm), with idf over the whole snapshot
	// as bleve's term searcher computes it; a phrase's idf is the sum of
	// its terms' (as phraseSearcher's).
	weights := make([][2]float64, len(p.words))
	phrases := false
	// The postings of the clauses' terms, by segment: read here for the
	// weights, and again for the hits.
	lists := make([]map[[2]string]seg.PostingsList, len(segs))
	for i := range lists {
		lists[i] = map[[2]string]seg.PostingsList{}
	}
	for i, w := range p.words {
		phrases = phrases || w.phrase()
		absent := 0 // fields where some term of w is in no document
		for j, f := range textFields {
			idf, held := 0.0, true
			for _, t := range w.terms {
				var n uint64
				for k, s := range segs {
					pl, err := postings(s, f.name+w.suffix, t)
					if err != nil {
						return err
					}
					lists[k][[2]string{f.name + w.suffix, t}] = pl
					if pl != nil {
						n += pl.Count()
					}
				}
				if n == 0 {
					// No document holds w in this field: it has no weight
					// there, and its other terms need not be read
					// (segmentHits reads what it needs).
					absent, held = absent+1, false
					break
				}
				idf += 1.0 + math.Log(float64(total)/float64(n+1))
			}
			if held {
				weights[i][j] = f.boost * idf * idf
			}
		}
		if absent == len(textFields) {
			// A question typed whole is most often such a search: one of
			// its many units (染侵 of 环境污染侵权) is in no document.
			return nil // no document holds w anywhere: no hits
		}
	}
	relevance := c.sort == gazette.SortRelevance && len(p.words) > 0
	bases := segmentBases(segs)
	// what is left of a segment after the first pass: the hits matching a
	// word in the head with their bounds, and those in the body only
	type rest struct {
		seg     int
		readers [][2]*clauseReader
		head    []headCand
		body    *roaring.Bitmap
	}
	var later []rest
	var lows []float64    // the best k lower bounds of the scores of some hits, a min-heap
	var bsegs []*blockSeg // segments where every clause is common: blockmax.go
	for i, s := range segs {
		if err := ctx.Err(); err != nil {
			return err
		}
		readers := make([][2]*clauseReader, len(p.words))
		for k, w := range p.words {
			for j := range textFields {
				readers[k][j] = &clauseReader{clause: w}
			}
		}
		hits, err := segmentHits(s, tabs[i], p, readers, lists[i])
		if err != nil {
			return err
		}
		if hits.IsEmpty() {
			continue
		}
		c.segment(tabs[i])
		if err := openReaders(s, readers); err != nil {
			return err
		}
		base := bases[i]
		switch {
		case phrases:
			err = eachOf(ctx, hits, func(local uint32) error {
				if !c.admits(local) {
					return nil
				}
				score, ok, err := scoreOf(readers, weights, uint64(local))
				if ok {
					c.count(local)
					c.offer(score, local, base+uint64(local))
				}
				return err
			})
		case !relevance:
			c.countAll(hits, true, base)
		default:
			var bs *blockSeg
			if bs, lows, err = newBlockSeg(c, i, s, p, weights, readers, hits, lists[i], lows); err != nil {
				return err
			}
			if bs != nil {
				bsegs = append(bsegs, bs)
				continue
			}
			c.countAll(hits, false, 0)
			inHead := roaring.New()
			for k := range p.words {
				if h := readers[k][0].cands; h != nil {
					inHead.Or(h)
				}
			}
			inHead.And(hits)
			l := rest{seg: i, readers: readers, body: hits, head: make([]headCand, 0, inHead.GetCardinality())}
			err = eachOf(ctx, inHead, func(local uint32) error {
				if !c.admits(local) {
					return nil
				}
				h, err := headBounds(readers, weights, local)
				// offer weighs scores by validity: the bounds too
				w := c.weight(local)
				h.low, h.high = h.low*w, h.high*w
				l.head = append(l.head, h)
				lows = keepBest(lows, c.k, h.low)
				return err
			})
			if hits.AndNot(inHead); len(l.head) > 0 || !hits.IsEmpty() {
				later = append(later, l)
			}
		}
		if err != nil {
			return err
		}
	}
	// Hits that cannot score as much as k others surely do are left out;
	// the others are scored.
	floor := math.Inf(-1)
	if c.k > 0 && len(lows) == c.k {
		floor = lows[0]
	}
	if err := x.scoreByBlocks(ctx, c, segs, tabs, bases, weights, bsegs, floor); err != nil {
		return err
	}
	if len(later) == 0 {
		return nil
	}
	if c.full() {
		floor = max(floor, c.heap[0].score)
	}
	pruned := false
	for _, l := range later {
		c.segment(tabs[l.seg])
		if err := openReaders(segs[l.seg], l.readers); err != nil {
			return err
		}
		for _, h := range l.head {
			if h.high < floor {
				pruned = true
				continue
			}
			score, _, err := scoreOf(l.readers, weights, uint64(h.local))
			if err != nil {
				return err
			}
			c.offer(score, h.local, bases[l.seg]+uint64(h.local))
		}
	}
	if pruned {
		x.unscored.head.Add(1)
	}
	// Validity weights are at most 1: they never raise a score above it.
	bodyBound := 0.0
	for i := range p.words {
		bodyBound += weights[i][1] * maxFieldScore / float64(len(textFields))
	}
	if c.full() && c.heap[0].score > bodyBound {
		x.unscored.body.Add(1)
		return nil
	}
	for _, l := range later {
		if l.body.IsEmpty() {
			continue
		}
		c.segment(tabs[l.seg])
		if err := openReaders(segs[l.seg], l.readers); err != nil {
			return err
		}
		if err := x.scoreInto(ctx, c, l.body, l.readers, weights, bases[l.seg]); err != nil {
			return err
		}
	}
	return nil
}

// maxFieldScore bounds a field's √freq·norm: 1, as a term occurs at most as
// often as the field has tokens and the norm is 1/√tokens, plus a margin
// for the norm's rounding to float32.
const maxFieldScore = 1.001

// headCand is a hit matching some word in the head, with bounds of its
// score: the score of its head matches alone (coord counted, as whether
// the body matches is known from the bitmaps), and that plus the most its
// body matches can add.
type headCand struct {
	local     uint32
	low, high float64
}

// headBounds reads the head matches of document local.
func headBounds(readers [][2]*clauseReader, weights [][2]float64, local uint32) (headCand, error) {
	h := headCand{local: local}
	for i := range readers {
		freq, norm, err := readers[i][0].match(uint64(local))
		if err != nil {
			return h, err
		}
		head := math.Sqrt(float64(freq)) * norm * weights[i][0]
		matched, body := 0, 0.0
		if freq > 0 {
			matched++
		}
		if b := readers[i][1].cands; b != nil && b.Contains(local) {
			matched++
			body = weights[i][1] * maxFieldScore
		}
		share := float64(matched) / float64(len(textFields))
		h.low += head * share
		h.high += (head + body) * share
	}
	return h, nil
}

// keepBest keeps the k largest values in a min-heap.
func keepBest(h []float64, k int, v float64) []float64 {
	if k <= 0 {
		return h
	}
	if len(h) < k {
		h = append(h, v)
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if h[p] <= h[i] {
				break
			}
			h[p], h[i] = h[i], h[p]
			i = p
		}
		return h
	}
	if v <= h[0] {
		return h
	}
	h[0] = v
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(h) && h[l] < h[m] {
			m = l
		}
		if r := l + 1; r < len(h) && h[r] < h[m] {
			m = r
		}
		if m == i {
			return h
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// scoreInto scores the admitted documents of hits, which match every
// clause, and offers them to c.
func (x *Index) scoreInto(ctx context.Context, c *collector, hits *roaring.Bitmap, readers [][2]*clauseReader, weights [][2]float64, base uint64) error {
	return eachOf(ctx, hits, func(local uint32) error {
		if !c.admits(local) {
			return nil
		}
		score, _, err := scoreOf(readers, weights, uint64(local))
		c.offer(score, local, base+uint64(local))
		return err
	})
}

// eachOf calls f with each document of b, in order, until f fails or ctx
// ends.
func eachOf(ctx context.Context, b *roaring.Bitmap, f func(local uint32) error) error {
	var err error
	n := 0
	b.Iterate(func(local uint32) bool {
		if n++; n%1024 == 0 {
			if err = ctx.Err(); err != nil {
				return false
			}
		}
		err = f(local)
		return err == nil
	})
	return err
}

// openReaders prepares the clause readers of segment s, after segmentHits.
func openReaders(s *scorch.SegmentSnapshot, readers [][2]*clauseReader) error {
	for k := range readers {
		for j := range textFields {
			if err := readers[k][j].open(s, textFields[j].name+readers[k][j].suffix); err != nil {
				return err
			}
		}
	}
	return nil
}

// scoreOf is the score of document local, which holds the terms of every
// clause: for each clause, the disjunction of head and body, the sum of the
// scores of the fields that match times the share that match (coord). It is
// false when some phrase's terms are there but not in order.
func scoreOf(readers [][2]*clauseReader, weights [][2]float64, local uint64) (float64, bool, error) {
	score := 0.0
	for i := range readers {
		sum, matched := 0.0, 0
		for j := range textFields {
			freq, norm, err := readers[i][j].match(local)
			if err != nil {
				return 0, false, err
			}
			if freq > 0 {
				sum += math.Sqrt(float64(freq)) * norm * weights[i][j]
				matched++
			}
		}
		if matched == 0 {
			return 0, false, nil
		}
		score += sum * float64(matched) / float64(len(textFields))
	}
	return score, true, nil
}

// clauseReader reads one clause in one field of one segment: the documents
// that hold all its terms (cands, a bitmap), and for those, how often the
// clause occurs. A phrase's positions are read rarest term first, and not
// at all for the remaining terms once no start is left: a document with
// the terms of 第二十一条 but not the phrase is dropped on the first or
// second term's positions, the others are skipped (cheaper than decoding).
type clauseReader struct {
	clause
	cands  *roaring.Bitmap // documents with every term; nil: none
	pls    []seg.PostingsList
	clean  bool        // pls are read without deletions
	list   *phraseList // when set, the phrase's documents and scores
	at     int         // where in list to search from
	iters  []seeker    // of the lists of pls read without deletions
	cur    []seg.Posting
	done   []bool   // whether iters[k] has no more postings
	order  []int    // terms by postings size, smallest first
	starts []uint64 // scratch: phrase start positions still possible
	pos    []uint64 // scratch: positions of one term
}

// open prepares r for segment s; cands must have been set (segmentHits).
func (r *clauseReader) open(s *scorch.SegmentSnapshot, field string) error {
	r.iters, r.cur, r.done, r.order, r.at = r.iters[:0], r.cur[:0], r.done[:0], r.order[:0], 0
	if r.cands == nil || r.list != nil {
		return nil
	}
	locs := r.phrase()
	del := s.Deleted()
	for k, pl := range r.pls {
		// Deleted documents are no hits, and are never asked for: a
		// list read with them is read again without, for a seeker.
		if !r.clean && del != nil && !del.IsEmpty() {
			var err error
			if pl, err = cleanPostings(s, field, r.terms[k]); err != nil {
				return err
			}
		}
		r.iters = append(r.iters, newSeeker(s, pl, locs))
		r.cur = append(r.cur, nil)
		r.done = append(r.done, false)
		r.order = append(r.order, k)
	}
	slices.SortFunc(r.order, func(a, b int) int { return cmp.Compare(r.pls[a].Count(), r.pls[b].Count()) })
	return nil
}

// advance moves term k's iterator to document local, which holds it.
func (r *clauseReader) advance(k int, local uint64) (seg.Posting, error) {
	if pt := r.cur[k]; pt != nil && pt.Number() == local {
		return pt, nil
	}
	pt, err := r.iters[k].advance(r.cur[k], local)
	if err != nil {
		return nil, err
	}
	if pt == nil || pt.Number() != local {
		return nil, errors.New("postings disagree with their bitmap")
	}
	r.cur[k] = pt
	return pt, nil
}

// match returns how often the clause occurs in document local, and the
// field's norm there; freq 0 when it does not.
func (r *clauseReader) match(local uint64) (freq int, norm float64, err error) {
	if r.cands == nil {
		return 0, 0, nil
	}
	if r.list != nil {
		freq, norm, r.at = r.list.find(r.at, uint32(local))
		return freq, norm, nil
	}
	if !r.phrase() {
		// Most hits of a word hold it: advancing the iterator is cheaper
		// than asking the bitmap first.
		pt := r.cur[0]
		if !r.done[0] && (pt == nil || pt.Number() < local) {
			if pt, err = r.iters[0].advance(pt, local); err != nil {
				return 0, 0, err
			}
			if r.cur[0] = pt; pt == nil {
				r.done[0] = true
			}
		}
		if pt == nil || pt.Number() != local {
			return 0, 0, nil
		}
		return int(pt.Frequency()), pt.Norm(), nil
	}
	if !r.cands.Contains(uint32(local)) {
		return 0, 0, nil
	}
	for n, k := range r.order {
		pt, err := r.advance(k, local)
		if err != nil {
			return 0, 0, err
		}
		off := r.offsets[k]
		if n == 0 {
			norm = pt.Norm()
			r.starts = r.starts[:0]
			for _, l := range pt.Locations() {
				if p := l.Pos(); p >= off {
					r.starts = append(r.starts, p-off)
				}
			}
			if !slices.IsSorted(r.starts) {
				slices.Sort(r.starts)
			}
			continue
		}
		r.pos = r.pos[:0]
		for _, l := range pt.Locations() {
			if p := l.Pos(); p >= off {
				r.pos = append(r.pos, p-off)
			}
		}
		if !slices.IsSorted(r.pos) {
			slices.Sort(r.pos)
		}
		// Keep the starts this term is at: both lists are sorted.
		kept, j := r.starts[:0], 0
		for _, st := range r.starts {
			for j < len(r.pos) && r.pos[j] < st {
				j++
			}
			if j < len(r.pos) && r.pos[j] == st {
				kept = append(kept, st)
			}
		}
		if r.starts = kept; len(kept) == 0 {
			return 0, 0, nil
		}
	}
	return len(r.starts), norm, nil
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
// that plan matches, before the date range, and sets the candidates of each
// clause reader: for a phrase, documents with all its terms, whose
// positions collectDirect then checks. lists holds postings already read,
// by field and term.
func segmentHits(s *scorch.SegmentSnapshot, t *segTable, p directPlan, readers [][2]*clauseReader, lists map[[2]string]seg.PostingsList) (*roaring.Bitmap, error) {
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
	// the documents with every term of clause r in field
	all := func(r *clauseReader, field string) error {
		r.cands, r.pls, r.list = nil, r.pls[:0], nil
		var b *roaring.Bitmap
		for _, t := range r.terms {
			pl, ok := lists[[2]string{field, t}]
			var err error
			if !ok {
				pl, err = postings(s, field, t)
			}
			if err != nil || pl == nil || pl.Count() == 0 {
				return err
			}
			one := roaring.New()
			if !orInto(one, pl) {
				return errNotDirect
			}
			if b == nil {
				b = one
			} else if b.And(one); b.IsEmpty() {
				return nil
			}
			r.pls = append(r.pls, pl)
		}
		r.cands = b
		if r.phrase() && b.GetCardinality() >= phraseListMin {
			// Many candidates: the phrase's documents and scores are
			// read once for the segment (phraselist.go).
			e, err := phraseListOf(s, t, field, r.clause)
			if err != nil {
				return err
			}
			r.cands, r.list = e.docs, e
			if e.docs.IsEmpty() {
				r.cands = nil
			}
		}
		return nil
	}
	inText := func(w string) []filter {
		out := make([]filter, len(textFields))
		for i, f := range textFields {
			out[i] = filter{f.name, w}
		}
		return out
	}
	// A search among given documents (Query.IDs: the snippets of a
	// partial match's page) finds none in most segments: those are known
	// from the IDs' postings before any word's are read.
	var ids *roaring.Bitmap
	for _, g := range p.filters {
		if len(g) > 0 && g[0].field == fID {
			b, err := union(g)
			if err != nil || b.IsEmpty() {
				return b, err
			}
			if ids == nil {
				ids = b
			} else {
				ids.And(b)
			}
		}
	}
	var hits *roaring.Bitmap
	and := func(b *roaring.Bitmap) {
		if hits == nil {
			hits = b
		} else {
			hits.And(b)
		}
	}
	for i := range p.words {
		b := roaring.New()
		for j, f := range textFields {
			if err := all(readers[i][j], f.name+p.words[i].suffix); err != nil {
				return nil, err
			}
			if c := readers[i][j].cands; c != nil {
				b.Or(c)
			}
		}
		and(b)
		if hits.IsEmpty() {
			return hits, nil
		}
	}
	if hits == nil { // no words: every document
		hits = roaring.New()
		hits.AddRange(0, s.Segment().Count())
	}
	for _, g := range p.filters {
		if g[0].field == fID {
			continue
		}
		b, err := union(g)
		if err != nil {
			return nil, err
		}
		and(b)
	}
	if ids != nil {
		and(ids)
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
