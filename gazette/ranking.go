package gazette

import (
	"math"
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

// Weights of a term of a partial match (PartialTermWeight), measured on the
// STARD questions (../shared/corpus/stard) with bleve: each of the three
// raised recall@10, together from 0.793 to 0.801.
const (
	// PartialTitleWeight is the factor of a term the document's title holds.
	PartialTitleWeight = 2
	// partialRankCredit and partialRankHalf: a document's rank among the
	// term's hits adds up to partialRankCredit times the term's weight, half
	// of it at rank partialRankHalf, so that the engine's own measure of
	// how well the document holds the term counts, not only whether it is
	// among the term's first hits.
	partialRankCredit = 1
	partialRankHalf   = 10
)

// PartialTermWeight is what one term of a question adds to the score of a
// document that holds it, in a partial match: the square root of the term's
// rarity (ln(1 + N/n_t), N documents searched, n_t holding the term; the
// root keeps a rare word from outweighing several common ones by too much),
// more the higher the document ranks among the term's hits (rank 0 is the
// first), and PartialTitleWeight times more when its title holds the term.
func PartialTermWeight(rarity float64, rank int, inTitle bool) float64 {
	w := math.Sqrt(rarity) * (1 + partialRankCredit*partialRankHalf/float64(partialRankHalf+rank))
	if inTitle {
		w *= PartialTitleWeight
	}
	return w
}
