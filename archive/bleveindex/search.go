package bleveindex

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

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

// Facet sizes: every kind and validity state; years and authorities up to
// far more than a screen shows.
const (
	facetKind      = "kind"
	facetAuthority = "authority"
	facetYear      = "year"
	facetValidity  = "validity"
	snippetRunes   = 120
)

// hitFields are the stored fields a hit is built from; the body is added
// when a snippet is wanted.
var hitFields = []string{fTitle, fDocNum, fKind, fAuthority, fIssue, fPages, fSigned, fPublished, fValidity}

// Search runs q, which the caller has normalised. Every term must match
// (in the title, document number, authorities or body), phrases match
// adjacent text, excluded terms and phrases remove hits, and filters are
// exact terms and ranges built here, never parsed from text. Errors:
// gazette.ErrInvalid for a query that does not normalise, backend errors.
func (x *Index) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	if err := q.Normalize(); err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: %w", err)
	}
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: %w", err)
	}
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
	must = append(must, filters(&q)...)

	var root query.Query
	switch {
	case len(must) == 0 && len(mustNot) == 0:
		root = query.NewMatchAllQuery()
	case len(mustNot) == 0:
		root = query.NewConjunctionQuery(must)
	default:
		var m query.Query
		if len(must) > 0 {
			m = query.NewConjunctionQuery(must)
		}
		bq := query.NewBooleanQuery(nil, nil, nil)
		if m != nil {
			bq.AddMust(m)
		}
		bq.AddMustNot(mustNot...)
		root = bq
	}

	req := bleve.NewSearchRequestOptions(root, q.PerPage, (q.Page-1)*q.PerPage, false)
	req.Fields = append(slices.Clone(hitFields), fBody)
	sort := q.Sort
	if !scored && sort == gazette.SortRelevance {
		sort = gazette.SortNewest // nothing to score: newest first
	}
	switch sort {
	case gazette.SortRelevance:
		req.SortByCustom(append(search.SortOrder{&search.SortScore{Desc: true}}, newestFirst()...))
	case gazette.SortNewest:
		req.SortByCustom(newestFirst())
		req.Score = "none"
	case gazette.SortOldest:
		req.SortByCustom(search.SortOrder{
			&search.SortField{Field: fPublished, Type: search.SortFieldAsNumber, Missing: search.SortFieldMissingLast},
			&search.SortField{Field: fOrder, Type: search.SortFieldAsString, Missing: search.SortFieldMissingLast},
			&search.SortDocID{},
		})
		req.Score = "none"
	}
	req.AddFacet(facetKind, bleve.NewFacetRequest(fKind, len(gazette.Kinds)+1))
	req.AddFacet(facetValidity, bleve.NewFacetRequest(fValidity, len(gazette.Validities)+1))
	req.AddFacet(facetYear, bleve.NewFacetRequest(fYear, gazette.MaxYear-gazette.MinYear+1))
	req.AddFacet(facetAuthority, bleve.NewFacetRequest(fAuthority, 200))

	res, err := x.b.SearchInContext(ctx, req)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("bleveindex: search: %w", err)
	}
	out := gazette.Results{Total: int(res.Total), Page: q.Page, PerPage: q.PerPage, Hits: make([]gazette.Hit, 0, len(res.Hits))}
	needles := qt.Needles()
	for _, h := range res.Hits {
		hit := hitOf(h.ID, h.Fields)
		body, _ := h.Fields[fBody].(string)
		hit.Snippet = gazette.Snippet(body, needles, snippetRunes)
		out.Hits = append(out.Hits, hit)
	}
	out.Facets = gazette.Facets{
		Kind:      facetOf(res.Facets[facetKind]),
		Authority: facetOf(res.Facets[facetAuthority]),
		Year:      facetOf(res.Facets[facetYear]),
		Validity:  facetOf(res.Facets[facetValidity]),
	}
	return out, nil
}

// newestFirst orders by published date, newest first, then by print order
// backwards; undated documents come last.
func newestFirst() search.SortOrder {
	return search.SortOrder{
		&search.SortField{Field: fPublished, Desc: true, Type: search.SortFieldAsNumber, Missing: search.SortFieldMissingLast},
		&search.SortField{Field: fOrder, Desc: true, Type: search.SortFieldAsString, Missing: search.SortFieldMissingLast},
		&search.SortDocID{Desc: true},
	}
}

// matchText is the query for one term or phrase of the user's text: its
// units, in order and adjacent, in any of the text fields. It is nil when
// the text holds nothing that can be indexed.
func matchText(text string) query.Query {
	terms, char := queryTerms(text)
	if len(terms) == 0 {
		return nil
	}
	var alts []query.Query
	for _, f := range textFields {
		var m query.Query
		if len(terms) == 1 {
			tq := query.NewTermQuery(terms[0])
			if tq.SetField(f.name); char {
				tq.SetField(f.name + charsSuffix)
			}
			tq.SetBoost(f.boost)
			m = tq
		} else {
			pq := query.NewPhraseQuery(terms, f.name)
			pq.SetBoost(f.boost)
			m = pq
		}
		alts = append(alts, m)
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

// hitOf builds a hit from the stored fields of a document.
func hitOf(id string, f map[string]any) gazette.Hit {
	str := func(name string) string { s, _ := f[name].(string); return s }
	h := gazette.Hit{
		ID:        id,
		Title:     str(fTitle),
		DocNumber: str(fDocNum),
		Kind:      gazette.Kind(str(fKind)),
		Validity:  gazette.Validity(str(fValidity)),
		Signed:    dateOf(f[fSigned]),
		Published: dateOf(f[fPublished]),
	}
	switch a := f[fAuthority].(type) {
	case string:
		h.Authorities = []string{a}
	case []any:
		for _, v := range a {
			if s, ok := v.(string); ok {
				h.Authorities = append(h.Authorities, s)
			}
		}
	}
	if h.Authorities == nil {
		h.Authorities = []string{}
	}
	if k, err := gazette.ParseIssueKey(str(fIssue)); err == nil {
		h.Issue = k
	}
	if first, last, ok := strings.Cut(str(fPages), "-"); ok {
		h.Pages.First, _ = strconv.Atoi(first)
		h.Pages.Last, _ = strconv.Atoi(last)
	}
	return h
}

// dateOf decodes a stored yyyymmdd number.
func dateOf(v any) gazette.Date {
	f, ok := v.(float64)
	if !ok || f <= 0 {
		return gazette.Date{}
	}
	n := int(f)
	return gazette.Date{Year: n / 10000, Month: time.Month(n / 100 % 100), Day: n % 100}
}

// facetOf converts a bleve term facet, sorted by count, then value.
func facetOf(fr *search.FacetResult) []gazette.FacetCount {
	out := []gazette.FacetCount{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, gazette.FacetCount{Value: t.Term, Count: t.Count})
	}
	slices.SortFunc(out, func(a, b gazette.FacetCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	return out
}
