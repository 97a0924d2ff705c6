package meiliindex

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// suggestWindow is how many documents each request of a suggestion asks
// for, per gazette.MaxSuggestions offered: the candidates are checked and
// ranked here (gazette.SuggestMatch, gazette.SuggestRank), as the bleve
// index ranks them, and a window this deep holds the best of them unless
// many documents whose title merely has a run of Chinese starting with the
// text are newer than every one whose title starts with it.
const suggestWindow = 4

// suggestRequest is a search restricted to the title and the document
// number, which searchRequest cannot say.
type suggestRequest struct {
	Q                    string   `json:"q"`
	Limit                int      `json:"limit"`
	AttributesToRetrieve []string `json:"attributesToRetrieve"`
	AttributesToSearchOn []string `json:"attributesToSearchOn"`
	MatchingStrategy     string   `json:"matchingStrategy"`
	Sort                 []string `json:"sort"`
	Filter               []any    `json:"filter,omitempty"`
	Locales              []string `json:"locales"`
}

// superseded is the filter of repealed and expired documents.
var superseded = fValidity + " IN [" + quote(string(gazette.Repealed)) + ", " + quote(string(gazette.Expired)) + "]"

// Suggest returns at most n documents whose title or document number
// holds text, best first (see archive.Index). Meilisearch cannot rank by
// where in a title a phrase starts, nor by validity, so it is asked, at
// once, for the newest documents in force and the newest superseded ones
// that hold the text as a phrase, and for those whose title has a run of
// Chinese starting with it (the start of a title is such a run); the
// answers are checked and ranked here. Errors: gazette.ErrInvalid for
// text gazette.CheckSuggestText refuses or n out of range;
// gazette.ErrUnavailable for a server that does not answer; backend
// errors.
func (x *Index) Suggest(ctx context.Context, text string, n int) ([]gazette.Hit, error) {
	key, ok, err := gazette.CheckSuggestText(text)
	if err != nil {
		return nil, fmt.Errorf("meiliindex: %w", err)
	}
	if n < 1 || n > gazette.MaxSuggestions {
		return nil, fmt.Errorf("meiliindex: suggest: %d suggestions, want 1–%d: %w", n, gazette.MaxSuggestions, gazette.ErrInvalid)
	}
	out := []gazette.Hit{}
	toks := queryTokens(text)
	if !ok || len(toks) == 0 {
		return out, nil
	}
	if err := x.use(ctx); err != nil {
		return nil, err
	}
	g := x.gate.Load()
	if err := g.Enter(ctx); err != nil {
		return nil, fmt.Errorf("meiliindex: suggest: %w", err)
	}
	defer g.Leave()

	phrases := []string{queryPart(toks)}
	// A title starting with the text starts a run of Chinese with it: its
	// first token is the run's start edge.
	if r, _ := utf8.DecodeRuneInString(key); gazette.IsCJK(r) {
		edge := string(appendCode([]byte{tokStart}, r))
		phrases = append(phrases, queryPart(append([]string{edge}, toks...)))
	}
	var reqs []*suggestRequest
	for _, p := range phrases {
		for _, f := range []string{"NOT " + superseded, superseded} {
			reqs = append(reqs, &suggestRequest{
				Q: p, Limit: suggestWindow * n, AttributesToRetrieve: hitFields,
				AttributesToSearchOn: []string{fSTitle, fSDocNum}, MatchingStrategy: matchAll,
				Sort: []string{fPublished + ":desc", fOrder + ":desc"}, Filter: []any{f}, Locales: locales,
			})
		}
	}
	answers := make([][]record, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			var res struct {
				Hits []record `json:"hits"`
			}
			errs[i] = x.call(ctx, http.MethodPost, "/search", req, &res)
			answers[i] = res.Hits
		})
	}
	wg.Wait()
	type cand struct {
		hit  gazette.Hit
		rank gazette.SuggestRank
	}
	var cands []cand
	for i, recs := range answers {
		if errs[i] != nil {
			return nil, fmt.Errorf("meiliindex: suggest: %w", errs[i])
		}
		for j := range recs {
			h := hitOf(&recs[j])
			if match, _ := gazette.SuggestMatch(key, gazette.SuggestKey(h.Title), gazette.SuggestKey(h.DocNumber)); !match ||
				slices.ContainsFunc(cands, func(c cand) bool { return c.hit.ID == h.ID }) {
				continue
			}
			cands = append(cands, cand{h, gazette.RankOf(&h, key)})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return a.rank.Compare(b.rank) })
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.hit)
	}
	return out, nil
}
