package bleveindex

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gazette-archive/gazette/gazette"
)

// Relevance: a term may match in any of these fields; a match in the title
// counts for much more than one in the body.
var textFields = []struct {
	name  string
	boost float64
}{
	{fTitle, 10},
	{fDocNumText, 5},
	{fAuthText, 3},
	{fBody, 1},
}

const snippetRunes = 120

// Search runs q, which the caller has normalised. Every term must match
// (in the title, document number, authorities or body), phrases match
// adjacent text, excluded terms and phrases remove hits, and filters are
// exact terms and ranges built here, never parsed from text. Results of
// recent queries are kept until the next write. Errors: gazette.ErrInvalid
// for a query that does not normalise, backend errors.
func (x *Index) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	if err := q.Normalize(); err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: %w", err)
	}
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: %w", err)
	}
	key, _ := json.Marshal(q)
	gen := x.gen.Load()
	if res, ok := x.cache.get(string(key), gen); ok {
		return res, nil
	}
	root, scored := buildQuery(&q, qt)
	sort := q.Sort
	if !scored && sort == gazette.SortRelevance {
		sort = gazette.SortNewest // nothing to score: newest first
	}
	r, err := x.reader()
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
	}
	defer r.Close()
	from := (q.Page - 1) * q.PerPage
	c := newCollector(sort, from+q.PerPage, true)
	if err := x.collect(ctx, r, root, c); err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
	}
	out := gazette.Results{Total: c.total, Page: q.Page, PerPage: q.PerPage, Hits: []gazette.Hit{}, Facets: c.facets()}
	needles := qt.Needles()
	top := c.sorted()
	for _, cd := range top[min(from, len(top)):] {
		h, body, found, err := loadHit(r, cd.id, true)
		if err != nil {
			return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
		}
		if found {
			h.Snippet = snippet(body, needles)
			out.Hits = append(out.Hits, h)
		}
	}
	x.cache.put(string(key), gen, out)
	return out, nil
}

// Lookup returns the IDs of the documents whose canonical document number
// is n, newest first.
func (x *Index) Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error) {
	if n.IsZero() {
		return nil, nil
	}
	r, err := x.reader()
	if err != nil {
		return nil, fmt.Errorf("bleveindex: lookup %s: %w", n, err)
	}
	defer r.Close()
	c := newCollector(gazette.SortNewest, gazette.MaxResultWindow, false)
	if err := x.collect(ctx, r, term(fDocNum, n.String()), c); err != nil {
		return nil, fmt.Errorf("bleveindex: lookup %s: %w", n, err)
	}
	var ids []string
	for _, cd := range c.sorted() {
		ids = append(ids, cd.id)
	}
	return ids, nil
}

// buildQuery is the bleve query of q, and whether it has anything to score.
func buildQuery(q *gazette.Query, qt gazette.QueryText) (query.Query, bool) {
	var must, mustNot []query.Query
	for _, t := range append(slices.Clone(qt.Terms), qt.Phrases...) {
		if m := matchText(t); m != nil {
			must = append(must, m)
		}
	}
	scored := len(must) > 0
	for _, t := range qt.Excluded {
		if m := matchText(t); m != nil {
			mustNot = append(mustNot, m)
		}
	}
	must = append(must, filters(q)...)
	switch {
	case len(must) == 0 && len(mustNot) == 0:
		return query.NewMatchAllQuery(), false
	case len(mustNot) == 0 && len(must) == 1:
		return must[0], scored
	case len(mustNot) == 0:
		return query.NewConjunctionQuery(must), scored
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	if len(must) > 0 {
		bq.AddMust(query.NewConjunctionQuery(must))
	}
	bq.AddMustNot(mustNot...)
	return bq, scored
}

// matchText is the query for one term or phrase of the user's text: its
// units, in order and adjacent, in any of the text fields (a lone CJK
// character: in their companion fields). It is nil when the text holds
// nothing that can be indexed.
func matchText(text string) query.Query {
	terms, char := queryTerms(text)
	if len(terms) == 0 {
		return nil
	}
	var alts []query.Query
	for _, f := range textFields {
		if len(terms) == 1 {
			tq := query.NewTermQuery(terms[0])
			if tq.SetField(f.name); char {
				tq.SetField(f.name + charsSuffix)
			}
			tq.SetBoost(f.boost)
			alts = append(alts, tq)
		} else {
			pq := query.NewPhraseQuery(terms, f.name)
			pq.SetBoost(f.boost)
			alts = append(alts, pq)
		}
	}
	return query.NewDisjunctionQuery(alts)
}

// term is an exact match of one keyword value that does not count towards
// relevance. The value is literal: no query syntax is ever parsed.
func term(field, value string) query.Query {
	tq := query.NewTermQuery(value)
	tq.SetField(field)
	tq.SetBoost(0)
	return tq
}

// anyOf matches any of the values of one filter.
func anyOf[T any](field string, values []T, str func(T) string) query.Query {
	if len(values) == 0 {
		return nil
	}
	if len(values) == 1 {
		return term(field, str(values[0]))
	}
	qs := make([]query.Query, len(values))
	for i, v := range values {
		qs[i] = term(field, str(v))
	}
	d := query.NewDisjunctionQuery(qs)
	d.SetBoost(0)
	return d
}

// filters are the exact-match clauses of q: values within one filter are
// alternatives, the filters all apply.
func filters(q *gazette.Query) []query.Query {
	var out []query.Query
	add := func(f query.Query) {
		if f != nil {
			out = append(out, f)
		}
	}
	add(anyOf(fKind, q.Kinds, func(k gazette.Kind) string { return string(k) }))
	add(anyOf(fAuthority, q.Authorities, func(s string) string { return s }))
	add(anyOf(fValidity, q.Validity, func(v gazette.Validity) string { return string(v) }))
	add(anyOf(fTopic, q.Topics, func(s string) string { return s }))
	add(anyOf(fYear, q.Years, strconv.Itoa))
	if q.Issue != nil {
		add(term(fIssue, q.Issue.String()))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		field := map[gazette.DateField]string{
			gazette.DateSigned: fSigned, gazette.DatePublished: fPublished,
			gazette.DateEffective: fEffective, gazette.DateExpires: fExpires,
		}[q.DateField]
		var lo, hi *float64
		if !q.From.IsZero() {
			v := float64(dateNumber(q.From))
			lo = &v
		}
		if !q.To.IsZero() {
			v := float64(dateNumber(q.To))
			hi = &v
		}
		inclusive := true
		r := query.NewNumericRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
		r.SetField(field)
		r.SetBoost(0)
		add(r)
	}
	return out
}

// collect runs root on the snapshot r and feeds every hit to c, with the
// packed doc values of the hit.
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
	dv, err := r.DocValueReader([]string{fMeta})
	if err != nil {
		return err
	}
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0), IndexReader: r}
	var score float64
	visit := func(field string, term []byte) { c.add(score, unpackMeta(term)) }
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
		score = dm.Score
		if err := dv.VisitDocValues(dm.IndexInternalID, visit); err != nil {
			return err
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

// cand is one hit kept for the page.
type cand struct {
	id          string
	score       float64
	date, order string
}

// collector counts hits and their facets and keeps the best k of them in
// a heap whose root is the worst kept.
type collector struct {
	sort  gazette.Sort
	k     int
	total int
	heap  []*cand
	// facet counts, by value
	kind, validity, year, auth map[string]*int
}

func newCollector(sort gazette.Sort, k int, facets bool) *collector {
	c := &collector{sort: sort, k: k}
	if facets {
		c.kind, c.validity, c.year, c.auth = map[string]*int{}, map[string]*int{}, map[string]*int{}, map[string]*int{}
	}
	return c
}

func count(m map[string]*int, v []byte) {
	if p := m[string(v)]; p != nil {
		*p++
		return
	}
	one := 1
	m[string(v)] = &one
}

func (c *collector) add(score float64, m meta) {
	if m.id == nil {
		return // not written by this package
	}
	c.total++
	if c.kind != nil {
		count(c.kind, m.kind)
		count(c.validity, m.validity)
		count(c.year, m.year)
		for a := m.auths; len(a) > 0; {
			v := a
			if i := bytes.IndexByte(a, sepValue); i >= 0 {
				v, a = a[:i], a[i+1:]
			} else {
				a = nil
			}
			count(c.auth, v)
		}
	}
	if c.k <= 0 {
		return
	}
	if len(c.heap) < c.k {
		c.heap = append(c.heap, &cand{string(m.id), score, string(m.date), string(m.order)})
		c.up(len(c.heap) - 1)
		return
	}
	// Compare with the worst kept before copying anything.
	if w := c.heap[0]; c.better(score, string(m.date), string(m.order), w) {
		*w = cand{string(m.id), score, string(m.date), string(m.order)}
		c.down(0)
	}
}

// better reports whether a hit with the given score, published date and
// print order goes before w. Either way, dated hits come before undated
// ones.
func (c *collector) better(score float64, date, order string, w *cand) bool {
	if c.sort == gazette.SortRelevance && score != w.score {
		return score > w.score
	}
	if (date == "") != (w.date == "") {
		return date != ""
	}
	if c.sort == gazette.SortOldest {
		if date != w.date {
			return date < w.date
		}
		return order < w.order
	}
	if date != w.date {
		return date > w.date
	}
	return order > w.order
}

func (c *collector) worse(i, j int) bool {
	b := c.heap[i]
	return c.better(c.heap[j].score, c.heap[j].date, c.heap[j].order, b)
}

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

// sorted returns the kept hits, best first.
func (c *collector) sorted() []*cand {
	out := slices.Clone(c.heap)
	slices.SortFunc(out, func(a, b *cand) int {
		switch {
		case c.better(a.score, a.date, a.order, b):
			return -1
		case c.better(b.score, b.date, b.order, a):
			return 1
		}
		return cmp.Compare(a.id, b.id)
	})
	return out
}

// facets returns the facet counts, each list by count, then value.
func (c *collector) facets() gazette.Facets {
	list := func(m map[string]*int) []gazette.FacetCount {
		out := make([]gazette.FacetCount, 0, len(m))
		for v, n := range m {
			if v != "" {
				out = append(out, gazette.FacetCount{Value: v, Count: *n})
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
