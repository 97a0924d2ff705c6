package meiliindex

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

const (
	// maxQueryParts is how many words or phrases of a query Meilisearch
	// takes into account; it silently ignores the rest.
	maxQueryParts = 10
	// maxIntersectIDs bounds the documents matched by the terms beyond the
	// first maxQueryParts of a query (see Search).
	maxIntersectIDs = 100_000
	snippetRunes    = 120
)

// facetFields are the facets of every search, in the order of gazette.Facets.
var facetFields = []string{fKind, fAuthority, fYear, fValidity}

// hitAndTextFields are the fields a search retrieves: those of a hit, and
// the text its snippet is cut from.
var hitAndTextFields = append(slices.Clone(hitFields), fHead, fPieces)

// matchAll is the matching strategy of every search: all terms must match.
const matchAll = "all"

// searchResponse is the part of a Meilisearch search response used here.
type searchResponse struct {
	Hits              []record                  `json:"hits"`
	TotalHits         int                       `json:"totalHits"`
	FacetDistribution map[string]map[string]int `json:"facetDistribution"`
}

// Search runs q, which the caller has normalised. Every term must match (in
// the title, document number, authorities or body), phrases match adjacent
// text, excluded terms and phrases remove hits, filters combine with AND and
// values within one with OR. Totals and facets are exact and per document.
//
// Meilisearch takes only the first 10 words or phrases of a query into
// account (each term here is one phrase, however long). With more terms,
// the first 10 make the ranked query and each further group of up to 10
// collects the IDs of the documents it matches (at most 100,000 of them),
// which restrict the ranked query. Errors: gazette.ErrInvalid for a query
// that does not normalise, or more than 10 terms whose later groups match
// more than 100,000 documents; gazette.ErrUnavailable for a server that
// does not answer, or not before ctx's deadline; backend errors.
func (x *Index) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	if err := q.Normalize(); err != nil {
		return gazette.Results{}, fmt.Errorf("meiliindex: %w", err)
	}
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("meiliindex: %w", err)
	}
	if err := x.use(ctx); err != nil {
		return gazette.Results{}, err
	}
	leave, err := x.gate.Load().Enter(ctx)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("meiliindex: search: %w", err)
	}
	defer leave()
	pos, neg := queryParts(qt)
	filter := filters(&q)
	if len(q.IDs) > 0 {
		filter = append(filter, idFilter(q.IDs))
	}
	empty := gazette.Results{Page: q.Page, PerPage: q.PerPage, Hits: []gazette.Hit{}, Facets: facetsOf(nil)}

	main := pos
	if len(pos) > maxQueryParts {
		main = pos[:maxQueryParts]
		var ids []string
		for rest := pos[maxQueryParts:]; len(rest) > 0; rest = rest[min(maxQueryParts, len(rest)):] {
			group := rest[:min(maxQueryParts, len(rest))]
			f := filter
			if ids != nil {
				f = append(slices.Clone(filter), idFilter(ids))
			}
			got, err := x.searchIDs(ctx, queryString(neg, group), f, nil, 0, maxIntersectIDs+1)
			if err != nil {
				return gazette.Results{}, fmt.Errorf("meiliindex: search: %w", err)
			}
			if len(got) > maxIntersectIDs {
				return gazette.Results{}, fmt.Errorf("meiliindex: search: terms after the first %d match more than %d documents: use fewer terms: %w",
					maxQueryParts, maxIntersectIDs, gazette.ErrInvalid)
			}
			if len(got) == 0 {
				return empty, nil
			}
			ids = got
		}
		filter = append(filter, idFilter(ids))
	}

	req := &searchRequest{
		Q:                    queryString(neg, main),
		Page:                 q.Page,
		HitsPerPage:          q.PerPage,
		Facets:               facetFields,
		AttributesToRetrieve: hitAndTextFields,
		MatchingStrategy:     matchAll,
		Sort:                 sortOf(q.Sort),
		Filter:               filter,
		Locales:              locales,
	}
	if q.Lean {
		req.Facets, req.AttributesToRetrieve = nil, hitFields
	}
	var res searchResponse
	if err := x.call(ctx, http.MethodPost, "/search", req, &res); err != nil {
		return gazette.Results{}, fmt.Errorf("meiliindex: search: %w", err)
	}
	var hits []gazette.Hit
	if q.Lean {
		hits = make([]gazette.Hit, len(res.Hits))
		for i := range res.Hits {
			hits[i] = hitOf(&res.Hits[i])
		}
	} else if hits, err = x.snippets(ctx, res.Hits, qt.Needles()); err != nil {
		return gazette.Results{}, err
	}
	return gazette.Results{
		Total:   res.TotalHits,
		Page:    q.Page,
		PerPage: q.PerPage,
		Hits:    hits,
		Facets:  facetsOf(res.FacetDistribution),
	}, nil
}

// queryParts turns the parsed text into Meilisearch words and phrases:
// the terms and phrases that must match, and those excluded. Repeats are
// dropped.
func queryParts(qt gazette.QueryText) (pos, neg []string) {
	seen := map[string]bool{}
	add := func(list *[]string, text, prefix string) {
		toks := queryTokens(text)
		if len(toks) == 0 {
			return
		}
		p := prefix + queryPart(toks)
		if !seen[p] {
			seen[p] = true
			*list = append(*list, p)
		}
	}
	for _, t := range qt.Terms {
		add(&pos, t, "")
	}
	for _, p := range qt.Phrases {
		add(&pos, p, "")
	}
	for _, x := range qt.Excluded {
		add(&neg, x, "-")
	}
	return pos, neg
}

// queryString is the Meilisearch query: exclusions first, as Meilisearch
// stops reading a query at its 10th word or phrase, then the parts.
func queryString(neg, pos []string) string {
	return strings.Join(append(slices.Clone(neg), pos...), " ")
}

// dateFields are the filterable date fields, by the query's DateField.
var dateFields = map[gazette.DateField]string{
	gazette.DateSigned:    fSigned,
	gazette.DatePublished: fPublished,
	gazette.DateEffective: fEffective,
	gazette.DateExpires:   fExpires,
}

// filters are q's filters in Meilisearch's array form: the elements all
// apply, and the strings of an inner array are alternatives. Every value is
// validated (by Normalize), a number, or a hash; strings are quoted.
func filters(q *gazette.Query) []any {
	var out []any
	anyOf := func(field string, values []string) {
		if len(values) == 0 {
			return
		}
		ors := make([]string, len(values))
		for i, v := range values {
			ors[i] = field + " = " + v
		}
		out = append(out, ors)
	}
	quoted := func(n int, value func(i int) string) []string {
		vs := make([]string, n)
		for i := range vs {
			vs[i] = quote(value(i))
		}
		return vs
	}
	anyOf(fKind, quoted(len(q.Kinds), func(i int) string { return string(q.Kinds[i]) }))
	anyOf(fAuthHash, quoted(len(q.Authorities), func(i int) string { return hash(q.Authorities[i]) }))
	anyOf(fValidity, quoted(len(q.Validity), func(i int) string { return string(q.Validity[i]) }))
	anyOf(fTopicHash, quoted(len(q.Topics), func(i int) string { return hash(q.Topics[i]) }))
	years := make([]string, len(q.Years))
	for i, y := range q.Years {
		years[i] = strconv.Itoa(y)
	}
	anyOf(fYear, years)
	if q.Issue != nil {
		out = append(out, fIssue+" = "+quote(q.Issue.String()))
	}
	if field, ok := dateFields[q.DateField]; ok {
		if !q.From.IsZero() {
			out = append(out, field+" >= "+strconv.Itoa(dateNumber(q.From)))
		}
		if !q.To.IsZero() {
			out = append(out, field+" <= "+strconv.Itoa(dateNumber(q.To)))
		}
	}
	if !q.InForceOn.IsZero() {
		on := strconv.Itoa(dateNumber(q.InForceOn))
		out = append(out, fInForceFrom+" <= "+on, fInForceTo+" > "+on)
	}
	return out
}

// idFilter restricts a search to documents by ID. IDs come from the index
// and match idRE; they are quoted all the same.
func idFilter(ids []string) string {
	var b strings.Builder
	b.WriteString(fID + " IN [")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(id))
	}
	b.WriteByte(']')
	return b.String()
}

// sortOf is the explicit sort of an order; relevance has none (the ranking
// rules end with newest first).
func sortOf(s gazette.Sort) []string {
	switch s {
	case gazette.SortNewest:
		return []string{fPublished + ":desc", fOrder + ":desc"}
	case gazette.SortOldest:
		return []string{fPublished + ":asc", fOrder + ":asc"}
	}
	return nil
}

// searchIDs returns the IDs of the documents q and filter match, in the
// given order, from offset, at most limit of them.
func (x *Index) searchIDs(ctx context.Context, q string, filter []any, sort []string, offset, limit int) ([]string, error) {
	req := &searchRequest{
		Q:                    q,
		Offset:               offset,
		Limit:                limit,
		AttributesToRetrieve: []string{fID},
		MatchingStrategy:     matchAll,
		Sort:                 sort,
		Filter:               filter,
		Locales:              locales,
	}
	var res struct {
		Hits []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	if err := x.call(ctx, http.MethodPost, "/search", req, &res); err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

// firstPieces is how many pieces of the rest of a body the first fetch for
// snippets asks for; a second fetch, when needed, asks for all the others.
// Every fetch makes Meilisearch read whole documents, so there are at most two.
const firstPieces = 8

// snippets builds the hits with their snippets. A hit's snippet is cut
// from the head of its body when the snippet's window lies inside it;
// otherwise pieces of the rest are fetched, for all such hits at once: the
// first few, then, for hits still without a match, all the others.
func (x *Index) snippets(ctx context.Context, recs []record, needles []string) ([]gazette.Hit, error) {
	texts := make([]string, len(recs))
	var pending []int // indexes of the hits whose text is not long enough yet
	for i := range recs {
		texts[i] = recs[i].Head
		if recs[i].Pieces > 0 && len(needles) > 0 && !snippetInside(texts[i], needles) {
			pending = append(pending, i)
		}
	}
	for _, round := range [][2]int{{1, firstPieces}, {firstPieces + 1, math.MaxInt}} {
		if len(pending) == 0 {
			break
		}
		if err := x.fetchPieces(ctx, recs, texts, pending, round[0], round[1]); err != nil {
			return nil, fmt.Errorf("meiliindex: search: fetch text for snippets: %w", err)
		}
		still := pending[:0]
		for _, i := range pending {
			if recs[i].Pieces > round[1] && !snippetInside(texts[i], needles) {
				still = append(still, i)
			}
		}
		pending = still
	}
	hits := make([]gazette.Hit, len(recs))
	for i := range recs {
		hits[i] = hitOf(&recs[i])
		hits[i].Snippet = gazette.Snippet(texts[i], needles, snippetRunes)
		hits[i].Anchor = gazette.MatchAnchor(texts[i], needles)
	}
	return hits, nil
}

// fetchPieces appends pieces from to last (or the last there is) of the
// rest of the bodies of the pending hits to their texts.
func (x *Index) fetchPieces(ctx context.Context, recs []record, texts []string, pending []int, from, last int) error {
	ids := make([]string, len(pending))
	most := 0
	for k, i := range pending {
		ids[k] = recs[i].ID
		most = max(most, recs[i].Pieces)
	}
	fields := []string{fID}
	for p := from; p <= min(last, most); p++ {
		fields = append(fields, fRest+"."+pieceName(p))
	}
	var res struct {
		Results []struct {
			ID   string            `json:"id"`
			Rest map[string]string `json:"xr"`
		} `json:"results"`
	}
	if err := x.call(ctx, http.MethodPost, "/documents/fetch", &fetchRequest{IDs: ids, Fields: fields, Limit: len(ids)}, &res); err != nil {
		return err
	}
	got := make(map[string]map[string]string, len(res.Results))
	for _, r := range res.Results {
		got[r.ID] = r.Rest
	}
	for _, i := range pending {
		var b strings.Builder
		b.WriteString(texts[i])
		for p := from; p <= min(last, recs[i].Pieces); p++ {
			b.WriteString(got[recs[i].ID][pieceName(p)])
		}
		texts[i] = b.String()
	}
	return nil
}

// snippetInside reports whether text, the start of a longer body, decides
// the body's snippet: a needle occurs in it, with the whole window
// gazette.Snippet cuts around the first occurrence and more text after it,
// and with enough text after that occurrence that no earlier one can run
// past the end of text. Snippet's window starts at most a third of its
// width before the match (later where a clause begins in between), so it
// ends at most snippetRunes after the match's start.
func snippetInside(text string, needles []string) bool {
	first := gazette.FirstMatch(text, needles)
	if first < 0 {
		return false
	}
	// within reports whether text holds more than n characters from byte i.
	within := func(i, n int) bool {
		for ; n > 0; n-- {
			if i >= len(text) {
				return false
			}
			_, w := utf8.DecodeRuneInString(text[i:])
			i += w
		}
		return i < len(text)
	}
	longest := 0
	for _, n := range needles {
		longest = max(longest, utf8.RuneCountInString(n))
	}
	return within(first, max(snippetRunes, longest))
}

// facetsOf converts Meilisearch's facet distribution, each list sorted by
// count, then value.
func facetsOf(dist map[string]map[string]int) gazette.Facets {
	list := func(field string) []gazette.FacetCount {
		out := []gazette.FacetCount{}
		for v, n := range dist[field] {
			out = append(out, gazette.FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(out, func(a, b gazette.FacetCount) int {
			if c := cmp.Compare(b.Count, a.Count); c != 0 {
				return c
			}
			return cmp.Compare(a.Value, b.Value)
		})
		return out
	}
	return gazette.Facets{
		Kind:      list(fKind),
		Authority: list(fAuthority),
		Year:      list(fYear),
		Validity:  list(fValidity),
	}
}
