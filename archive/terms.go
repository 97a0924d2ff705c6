package archive

import (
	"slices"
	"strings"
	"unicode"

	"github.com/gazette-archive/gazette/gazette"
)

// Meaningful terms of a question. Search ANDs the words of a query, which is
// right for a search box and wrong for a question typed as it is spoken:
// 怎么 or 是多少 occur in no document and empty the page. When that happens,
// Search falls back to the query's meaningful terms (see partialSearch),
// cut out as follows, with no dictionary, the way the STARD evaluation
// measured best (recall@10 0.777 against 0.09 for the question as one query):
//
//  1. The text is folded (gazette.FoldSearchText) and cut into runs of Han
//     characters and runs of letters and digits; punctuation, symbols and
//     spaces separate runs.
//  2. Question words and particles are cut out of Han runs: the words of
//     questionWords first, then the single characters of particleChars.
//  3. Han pieces of 2–4 characters are kept whole, longer pieces become their
//     overlapping bigrams (个体工商户 → 个体 体工 工商 商户), which is how
//     indexes without a dictionary match Chinese; single characters go;
//     letter and digit runs of 2 or more are kept.
//  4. Duplicates go; at most maxTerms remain, in order of appearance.

// maxTerms caps the terms, hence the index searches, per query.
const maxTerms = 24

// questionWords are the interrogatives, modal verbs and fillers of questions
// as ordinary people type them (taken from the STARD question set of real
// legal questions, ../shared/corpus/stard): words that carry the question,
// not its subject. Longer ones come first, as they are cut in order.
var questionWords = []string{
	"为什么", "怎么办", "怎么样", "有没有", "是不是", "会不会", "要不要", "能不能", "可不可以", "是多少",
	"什么", "怎么", "怎样", "如何", "是否", "能否", "可否", "可以", "能够", "应该", "哪些", "哪个",
	"多少", "需要", "还是", "或者", "如果", "但是", "因为", "所以", "请问", "已经", "没有", "这个",
	"那个", "这些", "那些", "自己", "一个", "时候", "情况", "问题",
}

// particleChars are single characters that end or glue a question (吗 呢 的
// 了 …) or name the asker, and rarely sit inside a content word.
const particleChars = "的了吗呢吧啊么是在我你他她它谁哪怎"

// meaningfulTerms returns the terms of text that count in a partial match,
// as documented above.
func meaningfulTerms(text string) []string {
	s := gazette.FoldSearchText(text)
	for _, w := range questionWords {
		s = strings.ReplaceAll(s, w, " ")
	}
	var out []string
	add := func(k string) {
		if len(out) < maxTerms && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	addHan := func(rs []rune) {
		switch {
		case len(rs) < 2:
		case len(rs) <= 4:
			add(string(rs))
		default:
			for _, b := range bigrams(string(rs)) {
				add(b)
			}
		}
	}
	var han, word []rune
	flush := func() {
		addHan(han)
		if len(word) >= 2 {
			add(string(word))
		}
		han, word = han[:0], word[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) && !strings.ContainsRune(particleChars, r):
			if len(word) > 0 {
				flush()
			}
			han = append(han, r)
		case !unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if len(han) > 0 {
				flush()
			}
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// bigrams returns the overlapping pairs of characters of a Han word of 3 or
// more characters (个体工商户 → 个体 体工 工商 商户), none for shorter ones or
// for words with letters or digits.
func bigrams(word string) []string {
	rs := []rune(word)
	if len(rs) < 3 || slices.ContainsFunc(rs, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
		return nil
	}
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		out = append(out, string(rs[i:i+2]))
	}
	return out
}

// joinTerms merges, for display, terms that are overlapping bigrams of one
// longer word of text (水源 源保 保护 → 水源保护), in the order given.
func joinTerms(text string, terms []string) []string {
	folded := gazette.FoldSearchText(text)
	var out []string
	for _, t := range terms {
		if n := len(out); n > 0 {
			last, tr := []rune(out[n-1]), []rune(t)
			joined := out[n-1] + string(tr[1:])
			if len(tr) == 2 && last[len(last)-1] == tr[0] && strings.Contains(folded, joined) {
				out[n-1] = joined
				continue
			}
		}
		out = append(out, t)
	}
	return out
}
