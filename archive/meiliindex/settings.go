package meiliindex

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/meilisearch/meilisearch-go"
)

// Settings of the index.
const (
	// maxTotalHits bounds the exact total of a search and how deep paging
	// goes: far above gazette.MaxResultWindow and any archive's size, so
	// totals are exact.
	maxTotalHits = 100_000_000
	// maxValuesPerFacet covers every year (gazette.MinYear to MaxYear) and
	// more authorities than a screen shows; values come by count.
	maxValuesPerFacet = 300
)

var (
	// searchable is the derived text, in ranking order: a match in the
	// title counts most, then the document number, authorities and body,
	// where a body that holds the words often (its frequency tiers, most
	// frequent first: tokens.go) counts more than one that holds them once.
	searchable = []string{fSTitle, fUTitle, fSDocNum, fSAuthority, fTier30, fTier10, fTier3, fSBody, fURest}
	displayed  = []string{fID, fFingerprint, fTitle, fDocNum, fKind, fAuthority, fYear, fIssue, fValidity,
		fFirstPage, fLastPage, fSigned, fPublished, fHead, fPieces}
	filterable = []string{fID, fKind, fAuthority, fAuthHash, fYear, fIssue, fValidity, fTopicHash, fDocNumHash,
		fSigned, fPublished, fEffective, fExpires, fInForceFrom, fInForceTo}
	sortable = []string{fPublished, fOrder, fValidRank}
	// rankingRules put an explicit sort first, so that newest and oldest
	// are strict orders; without one, relevance as gazette's ranking
	// weights describe it, then newest first. "attribute" comes before
	// "proximity": where the words are (the title first, searchable's
	// order) weighs more than how close together they are, as the head of
	// a document weighs gazette.HeadWeight times its body in bleveindex; the
	// other way round, a body holding the words side by side outranked the
	// title that holds them. Documents that tie on every rule of relevance
	// are ordered by validity (gazette.ValidityRank), in force first.
	rankingRules = []string{"sort", "words", "typo", "attribute", "proximity", "exactness",
		fValidRank + ":asc", fPublished + ":desc", fOrder + ":desc"}
	// The derived text is ASCII letters: pin the locale so that no
	// language-specific segmenter (German compound splitting, say) ever
	// touches a token.
	locales = []string{"eng"}
)

func wantSettings() *meilisearch.Settings {
	off := "disabled"
	return &meilisearch.Settings{
		RankingRules:         rankingRules,
		SearchableAttributes: searchable,
		DisplayedAttributes:  displayed,
		FilterableAttributes: filterable,
		SortableAttributes:   sortable,
		ProximityPrecision:   meilisearch.ByWord,
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             false,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		PrefixSearch: &off,
		Pagination:   &meilisearch.Pagination{MaxTotalHits: maxTotalHits},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: maxValuesPerFacet,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{{Locales: locales, AttributePatterns: []string{"*"}}},
	}
}

// ensureSettings reads the index's settings and updates those that differ
// from what this package needs, waiting for the update.
func (x *Index) ensureSettings(ctx context.Context) error {
	have, err := x.idx.GetSettings(ctx)
	if err != nil {
		return fmt.Errorf("meiliindex: settings of %s: %w", x.uid, err)
	}
	want := wantSettings()
	var tasks []*meilisearch.TaskInfo
	if !settingsEqual(have, want) {
		t, err := x.idx.UpdateSettings(ctx, want)
		if err != nil {
			return fmt.Errorf("meiliindex: update settings of %s: %w", x.uid, err)
		}
		tasks = append(tasks, t)
	}
	// What the settings object cannot say (its fields drop empty values):
	// no distinct attribute, stop words, synonyms, dictionary or separators, no facet search.
	empty := []struct {
		have  bool
		reset func(context.Context) (*meilisearch.TaskInfo, error)
	}{
		{have.DistinctAttribute != nil && *have.DistinctAttribute != "", x.idx.ResetDistinctAttribute},
		{len(have.StopWords) > 0, x.idx.ResetStopWords},
		{len(have.Synonyms) > 0, x.idx.ResetSynonyms},
		{len(have.Dictionary) > 0, x.idx.ResetDictionary},
		{len(have.SeparatorTokens) > 0, x.idx.ResetSeparatorTokens},
		{len(have.NonSeparatorTokens) > 0, x.idx.ResetNonSeparatorTokens},
		{len(have.Embedders) > 0, x.idx.ResetEmbedders},
		{have.FacetSearch, func(ctx context.Context) (*meilisearch.TaskInfo, error) { return x.idx.UpdateFacetSearch(ctx, false) }},
	}
	for _, e := range empty {
		if e.have {
			t, err := e.reset(ctx)
			if err != nil {
				return fmt.Errorf("meiliindex: update settings of %s: %w", x.uid, err)
			}
			tasks = append(tasks, t)
		}
	}
	for _, t := range tasks {
		if err := x.wait(ctx, t); err != nil {
			return fmt.Errorf("meiliindex: update settings of %s: %w", x.uid, err)
		}
	}
	return nil
}

// settingsEqual compares the settings this package sets.
func settingsEqual(have, want *meilisearch.Settings) bool {
	sameSet := func(a, b []string) bool {
		a, b = slices.Clone(a), slices.Clone(b)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	switch {
	case !slices.Equal(have.RankingRules, want.RankingRules),
		!slices.Equal(have.SearchableAttributes, want.SearchableAttributes),
		!sameSet(have.DisplayedAttributes, want.DisplayedAttributes),
		!sameSet(have.FilterableAttributes, want.FilterableAttributes),
		!sameSet(have.SortableAttributes, want.SortableAttributes),
		have.ProximityPrecision != want.ProximityPrecision,
		have.TypoTolerance == nil || have.TypoTolerance.Enabled,
		str(have.PrefixSearch) != str(want.PrefixSearch),
		have.Pagination == nil || have.Pagination.MaxTotalHits != want.Pagination.MaxTotalHits,
		have.Faceting == nil || have.Faceting.MaxValuesPerFacet != want.Faceting.MaxValuesPerFacet ||
			!maps.Equal(have.Faceting.SortFacetValuesBy, want.Faceting.SortFacetValuesBy),
		len(have.LocalizedAttributes) != 1 ||
			!slices.Equal(have.LocalizedAttributes[0].Locales, locales) ||
			!slices.Equal(have.LocalizedAttributes[0].AttributePatterns, []string{"*"}):
		return false
	}
	return true
}
