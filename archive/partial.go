package archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/gazette-archive/gazette/gazette"
)

// partialSearch completes exact, the results of the normalised q when fewer
// than minExactHits documents matched all of it, with the documents holding
// any of q's meaningful terms. Each term is searched on its own, through the
// Index, with q's filters and exclusions, so the ranking is the same on
// every backend: a document scores the summed weights of the terms it holds
// among each term's first partialDepth hits (gazette.PartialTermWeight of
// the term's rarity ln(1 + N/n_t), for N documents passing the filters and
// n_t holding the term, of whether its title holds the term, and of its
// rank among the term's hits: rare words count, words found everywhere
// hardly do), times its validity's weight (gazette.ValidityWeight) and its
// length's (gazette.PartialPagesWeight); ties go to the document the terms'
// own rankings put higher. A term of 3 or 4 characters
// that no document holds is tried as its bigrams. Exact hits stay first.
// The terms are searched lean (gazette.Query.Lean): only the hits of the
// page shown get their snippets, from their rarest term (pageSnippets).
// "Quoted phrases" ask for exactly those words: every partial match holds
// them, and the matched words shown start with them. Without any term to
// add (a query of phrases only), exact is returned unchanged.
func partialSearch(ctx context.Context, idx Index, q gazette.Query, exact gazette.Results) (gazette.Results, error) {
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return gazette.Results{}, err
	}
	var text string
	for _, w := range qt.Terms {
		text += w + " "
	}
	terms := meaningfulTerms(text)
	// Quoted phrases ask for exactly those words: every document must hold
	// them, and only the other words are matched in part.
	var required, exclude string
	for _, p := range qt.Phrases {
		required += `"` + p + `" `
	}
	for _, x := range qt.Excluded {
		exclude += ` -"` + x + `"`
	}
	if len(terms) == 0 && required != "" && len(qt.Terms) > 0 {
		// Phrases and question words (“扶养关系”是什么): the phrases alone.
		pq := q
		pq.Text = required + exclude
		res, err := exactSearch(ctx, idx, pq)
		if err != nil || res.Total == exact.Total {
			return exact, err
		}
		res.Partial, res.Matched = true, slices.Clone(qt.Phrases)
		return res, nil
	}
	if len(terms) == 0 || len(terms) == 1 && len(qt.Terms) == 1 && gazette.FoldSearchText(qt.Terms[0]) == terms[0] {
		return exact, nil // the exact search already asked for this one term
	}
	// The law's words for everyday ones count too, before the rest is cut.
	legal := legalTerms(text)
	if len(legal) > 0 {
		terms = append(slices.Clone(legal), slices.DeleteFunc(terms, func(t string) bool { return slices.Contains(legal, t) })...)
		terms = terms[:min(len(terms), maxTerms)]
	}

	// N: the documents the filters (and phrases) let through.
	all := q
	all.Text, all.Page, all.PerPage, all.Lean = required+exclude, 1, 1, true
	res, err := idx.Search(ctx, all)
	if err != nil {
		return gazette.Results{}, fmt.Errorf("archive: partial search: %w", err)
	}
	if res.Total == 0 {
		return exact, nil // no document holds the phrases
	}
	n := float64(res.Total)

	type candidate struct {
		hit        *gazette.Hit // in the results of the search that found it, not copied
		score, tie float64
		best       float64 // weight of the rarest term held, whose snippet is shown
		bestTerm   int     // index into terms of that term
		ranked     float64 // score weighed by validity and length, set before sorting
		held       []int   // indexes into terms
		exact      bool
		exactRank  int
	}

	cands := make(map[string]*candidate, len(terms)*partialDepth/2)
	var slab []candidate // candidates are allocated from it, a few at a time
	newCand := func(c candidate) *candidate {
		if len(slab) == cap(slab) {
			slab = make([]candidate, 0, 64)
		}
		slab = append(slab, c)
		return &slab[len(slab)-1]
	}
	firstPage := exact
	if exact.Total > 0 && (q.Page != 1 || len(exact.Hits) < exact.Total) {
		eq := q
		eq.Page, eq.PerPage = 1, minExactHits
		if firstPage, err = exactSearch(ctx, idx, eq); err != nil {
			return gazette.Results{}, err
		}
	}
	for i := range firstPage.Hits {
		h := &firstPage.Hits[i]
		cands[h.ID] = newCand(candidate{hit: h, exact: true, exactRank: i})
	}
	titles := map[string]string{} // TitleKey of each candidate's title
	inTitle := func(h *gazette.Hit, t string) bool {
		// Folding leaves Han characters as they are and makes none, and
		// TitleKey only drops other characters: a title that holds a
		// Han term as it is holds it in its key, and one that lacks a
		// character of it does not. Only the rest need the key (most
		// candidates: a fifth of a question's time went to keys).
		switch hanIn(h.Title, t) {
		case yes:
			return true
		case no:
			return false
		}
		k, ok := titles[h.ID]
		if !ok {
			k = gazette.TitleKey(h.Title)
			titles[h.ID] = k
		}
		return strings.Contains(k, t)
	}
	for i := 0; i < len(terms); i++ {
		t := terms[i]
		tq := q
		tq.Text, tq.Page, tq.PerPage, tq.Sort = required+t+exclude, 1, partialDepth, gazette.SortRelevance
		tq.Lean = true // snippets only for the page shown (pageSnippets)
		r, err := idx.Search(ctx, tq)
		if errors.Is(err, gazette.ErrInvalid) {
			continue // a term the backend cannot search is no reason to fail the rest
		}
		if err != nil {
			return gazette.Results{}, fmt.Errorf("archive: partial search %q: %w", t, err)
		}
		if r.Total == 0 {
			// A word of 3 or 4 characters that no document holds, often a
			// word and a stray character (合伙里 of 合伙里谁说了算), is
			// tried as its bigrams, as longer words are. Not a law's word
			// the question never typed: its pieces (劳动 of 劳动报酬 for
			// 工资) would be matched words nobody asked for.
			if slices.Contains(legal, t) {
				continue
			}
			for _, b := range bigrams(t) {
				if len(terms) < maxTerms && !slices.Contains(terms, b) {
					terms = append(terms, b)
				}
			}
			continue
		}
		w := math.Log(1 + n/float64(r.Total))
		for rank := range r.Hits {
			h := &r.Hits[rank]
			c := cands[h.ID]
			if c == nil {
				c = newCand(candidate{hit: h})
				cands[h.ID] = c
			}
			c.score += gazette.PartialTermWeight(w, inTitle(h, t), rank, len(r.Hits))
			c.tie += w / float64(60+rank+1) // reciprocal-rank fusion (Cormack et al., 2009)
			c.held = append(c.held, i)
			if w > c.best && !c.exact {
				c.best, c.bestTerm = w, i
			}
		}
	}
	list := make([]*candidate, 0, len(cands))
	for _, c := range cands {
		c.ranked = c.score * gazette.ValidityWeight(c.hit.Validity) * gazette.PartialPagesWeight(c.hit.Pages)
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *candidate) int {
		switch {
		case a.exact != b.exact:
			if a.exact {
				return -1
			}
			return 1
		case a.exact:
			return a.exactRank - b.exactRank
		}
		if q.Sort == gazette.SortNewest || q.Sort == gazette.SortOldest {
			if c := a.hit.Published.Compare(b.hit.Published); c != 0 {
				if q.Sort == gazette.SortNewest {
					return -c
				}
				return c
			}
		}
		if c := cmp.Compare(b.ranked, a.ranked); c != 0 {
			return c
		}
		if c := cmp.Compare(b.tie, a.tie); c != 0 {
			return c
		}
		return cmp.Compare(a.hit.ID, b.hit.ID)
	})
	if len(list) == len(firstPage.Hits) {
		return exact, nil // the terms found nothing the exact search had not
	}

	out := gazette.Results{Total: len(list), Page: q.Page, PerPage: q.PerPage, Partial: true}
	out.Facets = facetsOf(len(list), func(i int) *gazette.Hit { return list[i].hit })
	from := min((q.Page-1)*q.PerPage, len(list))
	out.Hits = make([]gazette.Hit, 0, min(q.PerPage, len(list)-from))
	for _, c := range list[from:min(from+q.PerPage, len(list))] {
		out.Hits = append(out.Hits, *c.hit)
	}
	heldWords := func(c *candidate) []string {
		var held []string
		for _, i := range c.held {
			held = append(held, terms[i])
		}
		return joinTerms(text, held)
	}
	// A partial match's snippet shows the words of the question it holds
	// side by side that hold its rarest term (最低工资标准, not its 最低
	// alone), else that term. An exact hit has its snippet.
	tries := make([][]string, len(out.Hits))
	for i, c := range list[from : from+len(out.Hits)] {
		if c.exact {
			continue
		}
		best := terms[c.bestTerm]
		for _, w := range heldWords(c) {
			if w != best && strings.Contains(w, best) {
				tries[i] = append(tries[i], `"`+w+`"`)
				break
			}
		}
		tries[i] = append(tries[i], best)
	}
	if err := pageSnippets(ctx, idx, q, required, exclude, out.Hits, tries); err != nil {
		return gazette.Results{}, err
	}
	// The words shown as matched are those of the best partial match.
	for _, c := range list {
		if !c.exact {
			out.Matched = append(slices.Clone(qt.Phrases), heldWords(c)...)
			break
		}
	}
	return out, nil
}

// pageSnippets gives each partial match of hits, the page shown, the
// snippet and anchor of the first of its tries (words to search, nil for
// an exact hit, which has them already) that its document matches, as
// that search shows them. The terms were searched lean, without snippets,
// as most of their hits are never shown: the page's are fetched here, one
// search per distinct try, among the page's documents only.
func pageSnippets(ctx context.Context, idx Index, q gazette.Query, required, exclude string, hits []gazette.Hit, tries [][]string) error {
	done := make([]bool, len(hits))
	for round := 0; ; round++ {
		byTerm := map[string][]string{} // IDs by term
		var order []string
		for i, ts := range tries {
			if done[i] || round >= len(ts) {
				continue
			}
			t := ts[round]
			if byTerm[t] == nil {
				order = append(order, t)
			}
			byTerm[t] = append(byTerm[t], hits[i].ID)
		}
		if len(order) == 0 {
			return nil
		}
		for _, t := range order {
			sq := q
			sq.Text, sq.Page, sq.PerPage, sq.Sort, sq.IDs = required+t+exclude, 1, len(byTerm[t]), gazette.SortRelevance, byTerm[t]
			r, err := idx.Search(ctx, sq)
			if err != nil {
				return fmt.Errorf("archive: partial search: snippets of %q: %w", t, err)
			}
			for _, h := range r.Hits {
				for i := range hits {
					if !done[i] && hits[i].ID == h.ID && round < len(tries[i]) && tries[i][round] == t {
						hits[i].Snippet, hits[i].Anchor, done[i] = h.Snippet, h.Anchor, true
					}
				}
			}
		}
	}
}

type answer int

const (
	maybe answer = iota
	yes
	no
)

// hanIn tells whether gazette.TitleKey(title) holds term, when term is all
// Han letters (TitleKey keeps letters; some Han characters, radicals, are
// symbols) and that can be told from title as it is: yes when title holds
// term, no when it lacks one of its characters; otherwise maybe.
func hanIn(title, term string) answer {
	hanLetter := func(r rune) bool { return unicode.Is(unicode.Han, r) && unicode.IsLetter(r) }
	if term == "" || strings.IndexFunc(term, func(r rune) bool { return !hanLetter(r) }) >= 0 {
		return maybe
	}
	if strings.Contains(title, term) {
		return yes
	}
	for _, r := range term {
		if !strings.ContainsRune(title, r) {
			return no
		}
	}
	return maybe
}
