package bleveindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gazette-archive/gazette/gazette"
)

// Relevance: a term may match in the head (title, document number,
// authorities) or the body; a match in the head counts gazette.HeadWeight
// times more. The score of a hit is then weighed by its validity
// (gazette.ValidityWeight; see collector.offer).
var textFields = []struct {
	name  string
	boost float64
}{
	{fHead, gazette.HeadWeight},
	{fBody, 1},
}

const snippetRunes = 120

// Search runs q, which the caller has normalised. Every term must match
// (in the title, document number, authorities or body), phrases match
// adjacent text, excluded terms and phrases remove hits, and filters are
// exact terms and ranges built here, never parsed from text. Results of
// recent queries are kept until the next write. At most a few searches run
// at once; the others wait their turn (package admit). Errors: gazette.ErrInvalid
// for a query that does not normalise, backend errors.
func (x *Index) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	if err := q.Normalize(); err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: %w", err)
	}
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: %w", err)
	}
	key, err := json.Marshal(q)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: cache key: %w", err)
	}
	gen := x.gen.Load()
	if res, ok := x.cache.Load().get(string(key), gen); ok {
		return res, nil
	}
	leave, err := x.gate.Load().Enter(ctx)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
	}
	defer leave()
	root, scored := x.buildQuery(&q, qt)
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
	facets := x.facets
	if q.Lean {
		facets = nil
	}
	fresh := func() *collector {
		c := newCollector(sort, from+q.PerPage, facets)
		if !q.From.IsZero() || !q.To.IsZero() {
			c.dates = newDateRange(q.DateField, q.From, q.To)
		}
		c.inForce = dayNumber(q.InForceOn)
		return c
	}
	c := fresh()
	err = errNotDirect
	if plan, ok := x.planDirect(&q, qt); ok && !x.noDirect {
		err = x.collectDirect(ctx, r, plan, c)
	}
	if errors.Is(err, errNotDirect) {
		c.release()
		c = fresh()
		err = x.collect(ctx, r, root, c)
	}
	defer c.release()
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
	}
	out := gazette.Results{Total: c.total, Page: q.Page, PerPage: q.PerPage, Hits: []gazette.Hit{}, Facets: c.facetCounts()}
	needles := qt.Needles()
	top := c.kept()
	top = top[min(from, len(top)):]
	if q.Lean {
		if out.Hits, err = x.leanHits(r, top); err != nil {
			return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
		}
		x.cache.Load().put(string(key), gen, out)
		return out, nil
	}
	for _, d := range top {
		var snippet, anchor string
		h, found, err := loadHitAt(r, d.num, func(body string) {
			// copied: they may be slices of the store's buffer
			snippet = strings.Clone(gazette.Snippet(body, needles, snippetRunes))
			anchor = strings.Clone(gazette.MatchAnchor(body, needles))
		})
		if err != nil {
			return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
		}
		if found {
			h.Snippet, h.Anchor = snippet, anchor
			out.Hits = append(out.Hits, h)
		}
	}
	x.cache.Load().put(string(key), gen, out)
	return out, nil
}

// leanHits returns the hits of top, found in snapshot r, without snippets:
// from the suggestion table, which holds every document's hit in memory,
// where it can tell that its hit is as new as r's (see typeahead.Table.Hits);
// from r's stored documents otherwise, whose reading decompresses the
// document's whole stored text, body included.
func (x *Index) leanHits(r *scorch.IndexSnapshot, top []cand) ([]gazette.Hit, error) {
	ids := make([]string, len(top))
	for i, d := range top {
		ids[i] = d.t.ids[d.local]
	}
	known, ok := x.suggest.Hits(ids)
	out := known[:0] // filled in place: the i-th hit goes at i or before
	for i, d := range top {
		h := known[i]
		if !ok[i] {
			var found bool
			var err error
			if h, found, err = loadHitAt(r, d.num, nil); err != nil {
				return nil, err
			} else if !found {
				continue
			}
		}
		out = append(out, h)
	}
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
	c := newCollector(gazette.SortNewest, gazette.MaxResultWindow, nil)
	defer c.release()
	if err := x.collect(ctx, r, term(fDocNum, n.String()), c); err != nil {
		return nil, fmt.Errorf("bleveindex: lookup %s: %w", n, err)
	}
	ids := c.sorted()
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

// buildQuery is the bleve query of q, and whether it has anything to score.
func (x *Index) buildQuery(q *gazette.Query, qt gazette.QueryText) (query.Query, bool) {
	var must, mustNot []query.Query
	for _, t := range append(slices.Clone(qt.Terms), qt.Phrases...) {
		if m := x.matchText(t); m != nil {
			must = append(must, m)
		}
	}
	scored := len(must) > 0
	for _, t := range qt.Excluded {
		if m := x.matchText(t); m != nil {
			mustNot = append(mustNot, m)
		}
	}
	must = append(must, x.filters(q)...)
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
func (x *Index) matchText(text string) query.Query {
	terms, char := queryTerms(text)
	if len(terms) == 0 {
		return nil
	}
	suffix := ""
	if char {
		suffix = charsSuffix
	} else if sh := shingles(terms, x.common.Load()); sh != nil {
		terms, suffix = sh, shingleSuffix
	}
	var alts []query.Query
	for _, f := range textFields {
		if len(terms) == 1 {
			tq := query.NewTermQuery(terms[0])
			tq.SetField(f.name + suffix)
			tq.SetBoost(f.boost)
			alts = append(alts, tq)
		} else {
			alts = append(alts, &phraseQuery{terms: terms, field: f.name + suffix, boost: f.boost})
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
// alternatives, the filters all apply. A date range is narrowed here to
// the years it spans; the collector checks the exact dates (see dateRange).
func (x *Index) filters(q *gazette.Query) []query.Query {
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
	if len(q.IDs) > 0 {
		ids := query.NewDocIDQuery(q.IDs)
		ids.SetBoost(0)
		add(ids)
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		i := dateIndex(q.DateField)
		lo, hi := gazette.MinYear, gazette.MaxYear
		if !q.From.IsZero() {
			lo = q.From.Year
		}
		if !q.To.IsZero() {
			hi = q.To.Year
		}
		years := x.yearsIn(i, lo, hi)
		if len(years) == 0 {
			add(query.NewMatchNoneQuery())
		} else {
			add(anyOf(dateFields[i].year, years, strconv.Itoa))
		}
	}
	return out
}
