package archive

import (
	"context"
	"fmt"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// minExactHits is how many documents must match every word of a query for
// Search to leave its results as they are; with fewer, partial matches
// follow them.
const minExactHits = 3

// partialDepth is how many hits of each term a partial match considers.
const partialDepth = 50

// Search runs q on idx the same way for every backend; the search box, the
// API, the command line and the relevance evaluation all call it.
//
// When the query names document numbers (in any spelling, or a short form
// local to q.Gazette: lookupLocal), the documents
// holding them come first on page 1, before the index's hits for the rest of
// the words; a query that is only a document number returns exactly those
// documents. Filters apply to those documents too, except date ranges on
// effective and expiry dates, which only the index knows (the filter on
// the day in force, Query.InForceOn, asks it). Total counts them
// once (a pinned document the index also matches on a later page is the one
// case counted twice). A number the archive lacks brings, on page 1, the
// documents numbered one digit or one agency character away as DidYouMean.
//
// When fewer than minExactHits documents match every word, as with a
// question typed as it is spoken, the results are partial (Results.Partial):
// the exact hits first, then the documents holding any of the query's
// meaningful terms, ranked by the summed rarity of the terms they hold (a
// term the title holds counts twice, and more where the engine ranks the
// document high for it; long documents and those in force first; see
// partialSearch), with the same filters
// and facets over them. The law's words for everyday ones count as terms
// too (legalWords: 噪音 → 噪声), and "quoted phrases" stay required.
//
// By relevance, a document whose title is the query (gazette.TitleKey:
// punctuation, 《》 and spaces aside) comes first on page 1; the other
// weights of the ranking are gazette's (see gazette.HeadWeight).
// Errors: gazette.ErrInvalid for a malformed query, backend errors.
func Search(ctx context.Context, idx Index, q gazette.Query) (gazette.Results, error) {
	if err := q.Normalize(); err != nil {
		return gazette.Results{}, err
	}
	if a, ok := idx.(admitter); ok {
		held, leave := a.Admit(ctx)
		defer leave()
		ctx = held
	}
	res, err := exactSearch(ctx, idx, q)
	if err == nil && res.Total < minExactHits && len(res.DidYouMean) == 0 && !onlyDocNumbers(q.Text) {
		// Only then: a number asked for and found, or offered as a near
		// miss, has no digits to match in part.
		res, err = partialSearch(ctx, idx, q, res)
	}
	if err != nil {
		return res, err
	}
	if q.Sort == gazette.SortRelevance && q.Page == 1 {
		titleFirst(res.Hits, q.Text)
	}
	return res, nil
}

// admitter is an Index that runs at most a few searches at once (package
// admit). All the index searches of one query share one slot: a
// question's partial match runs a dozen, and queuing for each of them
// behind every other client's query multiplied its wait by as many
// (100,000 documents, 16 clients on 2 cores: questions p50 387 ms, 39 ms
// sharing). A query of 文号 alone (lookups, not searches) takes none.
type admitter interface {
	Admit(ctx context.Context) (held context.Context, leave func())
}

// titleFirst moves the hits whose title is text, as gazette.TitleKey
// compares them, to the front, keeping the order of each part. Someone who
// types a title wants that document, not one that quotes or forwards it
// (关于转发…的通知), which the index may rank as high. Only page 1 is
// reordered, within itself, so pages stay slices of one list.
func titleFirst(hits []gazette.Hit, text string) {
	key := gazette.TitleKey(text)
	if key == "" {
		return
	}
	// In place: most pages name nothing, and copying every hit of every
	// page aside was 6% of the bytes the benchmark's searches allocated.
	k := 0 // the named hits so far, moved to the front
	for i := range hits {
		if gazette.TitleKey(hits[i].Title) != key {
			continue
		}
		h := hits[i]
		copy(hits[k+1:i+1], hits[k:i]) // the others between keep their order
		hits[k] = h
		k++
	}
}

// onlyDocNumbers reports whether a query's text is document numbers alone.
func onlyDocNumbers(text string) bool {
	qt, err := gazette.ParseQueryText(text)
	return err == nil && len(qt.DocNumbers) > 0 && withoutDocNumbers(qt) == ""
}

// exactSearch runs the normalised q, every word of which must match.
func exactSearch(ctx context.Context, idx Index, q gazette.Query) (gazette.Results, error) {
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return gazette.Results{}, err
	}
	if len(qt.DocNumbers) == 0 {
		return idx.Search(ctx, q)
	}
	var pinned []gazette.Hit
	var missing []gazette.DocNumber // numbers the archive lacks, for "did you mean"
	for _, n := range qt.DocNumbers {
		ids, err := lookupLocal(ctx, idx, n, q.Gazette)
		if err != nil {
			return gazette.Results{}, fmt.Errorf("archive: search: lookup %s: %w", n, err)
		}
		if len(ids) == 0 {
			missing = append(missing, n)
		}
		for _, id := range ids {
			if slices.ContainsFunc(pinned, func(h gazette.Hit) bool { return h.ID == id }) {
				continue
			}
			h, err := idx.Get(ctx, id)
			if err != nil {
				return gazette.Results{}, fmt.Errorf("archive: search: %s: %w", id, err)
			}
			if !passes(h, q) {
				continue
			}
			if ok, err := inForceOn(ctx, idx, h, q.InForceOn); err != nil {
				return gazette.Results{}, fmt.Errorf("archive: search: %s: %w", id, err)
			} else if ok {
				pinned = append(pinned, h)
			}
		}
	}
	rest := q
	rest.Text = withoutDocNumbers(qt)
	var res gazette.Results
	if rest.Text == "" {
		// Only numbers were asked for: the facets describe just those.
		res = gazette.Results{Page: q.Page, PerPage: q.PerPage}
		res.Facets = facetsOf(len(pinned), func(i int) *gazette.Hit { return &pinned[i] })
	} else if res, err = idx.Search(ctx, rest); err != nil {
		return gazette.Results{}, err
	}
	if q.Page == 1 {
		hits := slices.Clone(pinned)
		for _, h := range res.Hits {
			if !slices.ContainsFunc(pinned, func(p gazette.Hit) bool { return p.ID == h.ID }) {
				hits = append(hits, h)
			}
		}
		res.Total += len(hits) - len(res.Hits)
		res.Hits = hits
	} else {
		res.Total += len(pinned)
	}
	if q.Page == 1 && len(missing) > 0 {
		if res.DidYouMean, err = didYouMean(ctx, idx, missing, q.Gazette); err != nil {
			return gazette.Results{}, err
		}
	}
	return res, nil
}

// withoutDocNumbers rebuilds the query text without its document numbers,
// in the syntax ParseQueryText reads.
func withoutDocNumbers(qt gazette.QueryText) string {
	var s string
	add := func(part string) {
		if s != "" {
			s += " "
		}
		s += part
	}
	for _, t := range qt.Terms {
		add(t)
	}
	for _, p := range qt.Phrases {
		add(`"` + p + `"`)
	}
	if s == "" {
		return ""
	}
	for _, x := range qt.Excluded {
		add(`-"` + x + `"`)
	}
	return s
}

// inForceOn reports whether the document of hit h, found by number, was
// in force on day (Query.InForceOn; always true for no day). Only the
// index knows the span a document was in force, so it is asked, for the
// documents of h's issue in force then.
func inForceOn(ctx context.Context, idx Index, h gazette.Hit, day gazette.Date) (bool, error) {
	if day.IsZero() {
		return true, nil
	}
	q := gazette.Query{Issue: &h.Issue, InForceOn: day, Sort: gazette.SortOldest, PerPage: gazette.MaxPerPage}
	if err := q.Normalize(); err != nil {
		return false, err
	}
	for ; ; q.Page++ {
		res, err := idx.Search(ctx, q)
		if err != nil {
			return false, err
		}
		if slices.ContainsFunc(res.Hits, func(o gazette.Hit) bool { return o.ID == h.ID }) {
			return true, nil
		}
		if len(res.Hits) < q.PerPage || q.Page*q.PerPage >= min(res.Total, gazette.MaxResultWindow) {
			return false, nil
		}
	}
}

// passes applies q's filters to a hit found by number.
func passes(h gazette.Hit, q gazette.Query) bool {
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, h.Kind) {
		return false
	}
	if len(q.Validity) > 0 && !slices.Contains(q.Validity, h.Validity) {
		return false
	}
	if len(q.Years) > 0 && !slices.Contains(q.Years, h.Issue.Year) {
		return false
	}
	if q.Issue != nil && *q.Issue != h.Issue {
		return false
	}
	if len(q.Authorities) > 0 && !slices.ContainsFunc(h.Authorities, func(a string) bool { return slices.Contains(q.Authorities, a) }) {
		return false
	}
	var d gazette.Date
	switch q.DateField {
	case gazette.DateSigned:
		d = h.Signed
	case gazette.DatePublished:
		d = h.Published
	default:
		return true
	}
	if (!q.From.IsZero() || !q.To.IsZero()) && d.IsZero() {
		return false
	}
	return (q.From.IsZero() || d.Compare(q.From) >= 0) && (q.To.IsZero() || d.Compare(q.To) <= 0)
}

// facetsOf counts the facets of n hits, the i-th given by hit(i).
func facetsOf(n int, hit func(i int) *gazette.Hit) gazette.Facets {
	var f gazette.Facets
	inc := func(list *[]gazette.FacetCount, v string) {
		for i := range *list {
			if (*list)[i].Value == v {
				(*list)[i].Count++
				return
			}
		}
		*list = append(*list, gazette.FacetCount{Value: v, Count: 1})
	}
	for i := range n {
		h := hit(i)
		inc(&f.Kind, string(h.Kind))
		inc(&f.Year, fmt.Sprint(h.Issue.Year))
		inc(&f.Validity, string(h.Validity))
		for _, a := range h.Authorities {
			inc(&f.Authority, a)
		}
	}
	for _, list := range []*[]gazette.FacetCount{&f.Kind, &f.Authority, &f.Year, &f.Validity} {
		slices.SortFunc(*list, func(a, b gazette.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.Value < b.Value {
				return -1
			}
			return 1
		})
	}
	return f
}
