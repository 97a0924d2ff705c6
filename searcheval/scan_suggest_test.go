package searcheval

import (
	"context"
	"fmt"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// Suggest is the plainest reading of the contract: every document's keys
// checked, all matches ranked.
func (x *scanIndex) Suggest(ctx context.Context, text string, n int) ([]gazette.Hit, error) {
	key, ok, err := gazette.CheckSuggestText(text)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > gazette.MaxSuggestions {
		return nil, fmt.Errorf("scan: suggest %d: %w", n, gazette.ErrInvalid)
	}
	out := []gazette.Hit{}
	if !ok {
		return out, nil
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, sd := range x.docs {
		if match, _ := gazette.SuggestMatch(key, gazette.SuggestKey(sd.d.Title), gazette.SuggestKey(sd.d.DocNumber)); match {
			out = append(out, hitOf(sd.d))
		}
	}
	slices.SortFunc(out, func(a, b gazette.Hit) int { return gazette.RankOf(&a, key).Compare(gazette.RankOf(&b, key)) })
	return out[:min(n, len(out))], nil
}
