package archive

import (
	"context"
	"fmt"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// maxSuggestions bounds the "did you mean" documents of one search.
const maxSuggestions = 5

// lookupLocal returns the documents numbered n, or, if there are none, by
// the first of n's local readings in the gazette named gazetteName that the
// index holds (gazette.LocalDocNumbers: 省政府令第241号 is 福建省人民政府令第241号
// in 福建省人民政府公报). n as typed wins, so a reading never hides a number
// that exists.
func lookupLocal(ctx context.Context, idx Index, n gazette.DocNumber, gazetteName string) ([]string, error) {
	for _, m := range gazette.LocalDocNumbers(n, gazetteName) {
		ids, err := idx.Lookup(ctx, m)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return nil, nil
}

// didYouMean finds documents numbered one digit or one agency character
// away from each of the numbers (and their local readings) that the index
// lacks, so that a mistyped 文号 never ends on a silent empty page. Digit
// neighbours are looked up one by one; agency neighbours are found by
// searching for the number's year and serial as a phrase.
func didYouMean(ctx context.Context, idx Index, missing []gazette.DocNumber, gazetteName string) ([]gazette.Suggestion, error) {
	var out []gazette.Suggestion
	add := func(asked gazette.DocNumber, id string, h *gazette.Hit) error {
		if len(out) >= maxSuggestions || slices.ContainsFunc(out, func(s gazette.Suggestion) bool { return s.ID == id }) {
			return nil
		}
		if h == nil {
			got, err := idx.Get(ctx, id)
			if err != nil {
				return fmt.Errorf("archive: did you mean: %s: %w", id, err)
			}
			h = &got
		}
		out = append(out, gazette.Suggestion{For: asked.String(), DocNumber: h.DocNumber, ID: h.ID, Title: h.Title})
		return nil
	}
	for _, asked := range missing {
		readings := gazette.LocalDocNumbers(asked, gazetteName)
		for _, n := range readings {
			for _, m := range gazette.DigitNeighbours(n) {
				ids, err := idx.Lookup(ctx, m)
				if err != nil {
					return nil, fmt.Errorf("archive: did you mean: lookup %s: %w", m, err)
				}
				for _, id := range ids {
					if err := add(asked, id, nil); err != nil {
						return nil, err
					}
				}
			}
		}
		res, err := idx.Search(ctx, gazette.Query{Text: `"` + numberTail(asked) + `"`, PerPage: gazette.MaxPerPage})
		if err != nil {
			return nil, fmt.Errorf("archive: did you mean: %w", err)
		}
		for _, h := range res.Hits {
			hn, err := gazette.ParseDocNumber(h.DocNumber)
			if err != nil {
				continue
			}
			if slices.ContainsFunc(readings, func(n gazette.DocNumber) bool { return gazette.OneAgencyCharApart(n, hn) }) {
				if err := add(asked, h.ID, &h); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// numberTail is n without its agency, as printed: 〔2019〕14号, 第241号,
// 2016年第62号; as a phrase it finds every agency's number of that year
// and serial.
func numberTail(n gazette.DocNumber) string {
	s := n.String()
	return s[len(n.Agency):]
}
