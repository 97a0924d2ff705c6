package gazette

import (
	"strings"
	"unicode"
)

// Ranking weights, in one place (issues 17 and 19): every search backend
// and archive.Search read them, so that the embedded index and Meilisearch
// rank alike. Relevance by relevance sort is, in order of weight:
//
//  1. a document whose title is the query, punctuation and spaces aside
//     (TitleKey), comes first (archive.Search);
//  2. a match in the head (title, document number, authorities) counts
//     HeadWeight times a match in the body, so a document whose title holds
//     the words ranks above one whose body does;
//  3. among documents of equal relevance, those in force come before the
//     others (ValidityRank); an engine that scores documents multiplies the
//     score by ValidityWeight, one that sorts in buckets (Meilisearch) sorts
//     by ValidityRank once its relevance rules tie;
//  4. then the newest first.
//
// Partial matches (archive.Search, when few documents hold every word of a
// question) are ranked by archive itself, the same on every backend, with
// PartialTermWeight and ValidityWeight.
//
// Sorting by date (SortNewest, SortOldest) ignores all of this.

// HeadWeight is how much a match in a document's head counts against the
// same match in its body.
const HeadWeight = 10

// ValidityRanks is the number of distinct values of ValidityRank.
const ValidityRanks = 3

// ValidityRank orders validity states for ranking, lower first: in force
// (0); amended or not yet in force (1), whose printed text is not, or not
// yet, the law as it stands; repealed or expired (2). An unknown state
// ranks 1.
func ValidityRank(v Validity) int {
	switch v {
	case InForce:
		return 0
	case Repealed, Expired:
		return 2
	}
	return 1
}

// validityWeights are the factors of ValidityWeight, by ValidityRank: small
// enough that a repealed document still outranks an in-force one that
// matches much worse, large enough that it never outranks one that matches
// as well.
var validityWeights = [ValidityRanks]float64{1, 0.9, 0.8}

// ValidityWeight is the factor, at most 1, by which an engine that scores
// documents multiplies the relevance of a document of validity v.
func ValidityWeight(v Validity) float64 { return validityWeights[ValidityRank(v)] }

// TitleKey is what a title and a query typed as a title are compared by:
// folded (FoldSearchText), with only letters, digits and CJK characters
// kept, so that 《》, “”, 、, brackets, dashes and spaces do not count. Two
// titles that differ only in punctuation have the same key.
func TitleKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, FoldSearchText(s))
}

// PartialTitleWeight is the factor of a term of a partial match that the
// document's title holds (PartialTermWeight). Measured on the STARD
// questions (../shared/corpus/stard), with the validity weights: recall@10
// 0.793 → 0.795 and nDCG@10 0.623 → 0.631 on bleve, 0.781 → 0.786 and
// 0.597 → 0.607 on Meilisearch. A further credit for the engine's rank of a
// document per term, and a square root of rarity, raised bleve's recall to
// 0.801 but lowered Meilisearch's nDCG, and were left out.
const PartialTitleWeight = 2

// PartialTermWeight is what one term of a question adds to the score of a
// document that holds it, in a partial match: the term's rarity (ln(1 +
// N/n_t), N documents searched, n_t holding the term), PartialTitleWeight
// times more when the document's title holds the term.
func PartialTermWeight(rarity float64, inTitle bool) float64 {
	if inTitle {
		return rarity * PartialTitleWeight
	}
	return rarity
}
