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
// PartialTermWeight, ValidityWeight and PartialPagesWeight.
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
// 0.597 → 0.607 on Meilisearch.
const PartialTitleWeight = 2

// PartialRankWeight is how much more a term counts for the first of the
// hits the engine returns for it than for the last (PartialTermWeight): the
// engine's order of one term's hits says what a yes or no cannot, how much
// of the document is about the term (bleve weighs its frequency and the
// field it is in; Meilisearch only the field). On its own it lowered
// Meilisearch's nDCG; with PartialPagesExponent it is worth its place (see
// there).
const PartialRankWeight = 2

// PartialPagesExponent sets how much a long document is favoured in a
// partial match: its score is multiplied by its pages (Hit.Pages) to this
// power (PartialPagesWeight). An engine's per-term order penalises length
// (a term is a smaller share of a long text), while a long code (a law's
// 编, a procedure law) is likelier to hold the article a question asks
// about than a short measure whose title shares one of its words: the
// typical miss of partial matches before this weight. Measured on the
// STARD questions, with PartialRankWeight: recall@10 0.815 → 0.851 and
// nDCG@10 0.645 → 0.691 on bleve; 0.804 → 0.816 and 0.619 → 0.600 on
// Meilisearch, whose per-term order does not weigh frequency. Exponents
// 0.2 to 0.5 gave bleve recall 0.845 to 0.853, nDCG highest at 0.3.
const PartialPagesExponent = 0.3

// PartialTermWeight is what one term of a question adds to the score of a
// document that holds it, in a partial match: the term's rarity (ln(1 +
// N/n_t), N documents searched, n_t holding the term), PartialTitleWeight
// times more when the document's title holds the term, and, for the
// document at rank (from 0) of the n hits the engine returned for the
// term, a factor from PartialRankWeight for the first down to about 1 for
// the last.
func PartialTermWeight(rarity float64, inTitle bool, rank, n int) float64 {
	w := rarity
	if inTitle {
		w *= PartialTitleWeight
	}
	if n > 0 {
		w *= PartialRankWeight / (1 + (PartialRankWeight-1)*float64(rank)/float64(n))
	}
	return w
}

// PartialPagesWeight is the factor of the score of a partial match for a
// document of the given pages: pages to the power PartialPagesExponent, 1
// for a document of one page or of pages unknown.
func PartialPagesWeight(pages PageRange) float64 {
	n := pages.Last - pages.First + 1
	if pages.First <= 0 || n <= 1 {
		return 1
	}
	return math.Pow(float64(n), PartialPagesExponent)
}
