package archive

import (
	"context"
	"fmt"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// Suggest returns the documents the search box offers for text as it is
// typed, at most gazette.MaxSuggestions, the same way for every backend:
// first the documents numbered by a 文号 the text names, in any spelling
// or as a short form local to the gazette named gazetteName (lookupLocal:
// 省政府令第241号), then those whose title or document number holds the
// text (Index.Suggest), in gazette.SuggestRank order. Text with too
// little to match (one character, punctuation only) gets an empty list,
// never a wider one. Errors: gazette.ErrInvalid for text longer than
// gazette.MaxQueryRunes, not UTF-8 or with control characters; backend
// errors.
func Suggest(ctx context.Context, idx Index, text, gazetteName string) ([]gazette.Hit, error) {
	out := []gazette.Hit{}
	if _, ok, err := gazette.CheckSuggestText(text); err != nil || !ok {
		return out, err
	}
	// Asked first: the documents a 文号 names are mostly among them (their
	// number starts with the text), so they need not be read one by one.
	hits, err := idx.Suggest(ctx, text, gazette.MaxSuggestions)
	if err != nil {
		return nil, fmt.Errorf("archive: suggest: %w", err)
	}
	has := func(id string) bool { return slices.ContainsFunc(out, func(h gazette.Hit) bool { return h.ID == id }) }
	look := idx
	if sl, ok := idx.(suggestLookuper); ok {
		// No search of the index: the table Suggest read holds the numbers.
		look = tableLookup{idx, sl}
	}
	for _, m := range gazette.FindDocNumbers(text) {
		ids, err := lookupLocal(ctx, look, m.Number, gazetteName)
		if err != nil {
			return nil, fmt.Errorf("archive: suggest: lookup %s: %w", m.Number, err)
		}
		for _, id := range ids {
			if len(out) == gazette.MaxSuggestions || has(id) {
				continue
			}
			if i := slices.IndexFunc(hits, func(h gazette.Hit) bool { return h.ID == id }); i >= 0 {
				out = append(out, hits[i])
				continue
			}
			h, err := idx.Get(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("archive: suggest: %s: %w", id, err)
			}
			out = append(out, h)
		}
	}
	for _, h := range hits {
		if len(out) == gazette.MaxSuggestions {
			break
		}
		if !has(h.ID) {
			out = append(out, h)
		}
	}
	return out, nil
}

// suggestLookuper is an Index whose suggestions come from a table that
// also finds documents by number (package typeahead): SuggestLookup is
// Lookup, with hits, as up to date as the Suggest call before it.
type suggestLookuper interface {
	SuggestLookup(ctx context.Context, n gazette.DocNumber) ([]gazette.Hit, error)
}

// tableLookup is an Index whose Lookup is its SuggestLookup.
type tableLookup struct {
	Index
	sl suggestLookuper
}

func (t tableLookup) Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error) {
	hits, err := t.sl.SuggestLookup(ctx, n)
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids, err
}

// Suggest returns what the search box offers for text; see the package
// function Suggest. Errors: gazette.ErrInvalid for malformed text or when
// no index is configured, backend errors.
func (a *Archive) Suggest(ctx context.Context, text, gazetteName string) ([]gazette.Hit, error) {
	if a.index == nil {
		return nil, fmt.Errorf("archive: suggest: no index configured: %w", gazette.ErrInvalid)
	}
	return Suggest(ctx, a.index, text, gazetteName)
}
