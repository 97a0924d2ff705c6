package meiliindex

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// Segmentation. Meilisearch segments Chinese with a dictionary (jieba) and
// matches words by prefix only, so 处理 misses 待处理, and its phrase and
// exclusion search on Chinese is unreliable. This package therefore never lets
// Meilisearch see Chinese: it indexes a derived text of opaque tokens made of
// ASCII letters only, which Meilisearch's tokenizer keeps whole, and it turns
// every query into the same tokens. Text is folded with
// gazette.FoldSearchText first, on both sides, and cut into units as the
// bleve index cuts it:
//
//   - a run of CJK characters (Han, kana, Hangul; spaces inside a run do not
//     break it, as PDF text is full of stray spaces, nor do the marks of
//     gazette.IsJoiningMark, 、，·“”《》, which people leave out of set
//     phrases) yields one bigram token
//     per pair of neighbours, "b"+code+code, plus an edge token at each end
//     where the run is bounded by anything that is not CJK: "s"+code where
//     it starts, "t"+code where it ends. 政务公开 between two commas is
//     s政 b政务 b务公 b公开 t开;
//   - a run of other letters, digits and marks is one word token, "w" + its
//     UTF-8 bytes in hex written with the letters a–p, cut at 64 bytes;
//   - punctuation and symbols end a run and are not indexed; a line break
//     (between paragraphs and between authorities) becomes a hard separator,
//     ". ", which Meilisearch counts as 8 positions, so no phrase spans it.
//
// A code is the code point in base 26, four letters (every CJK code point is
// below 26⁴). Each field also gets the set of its CJK characters as unigram
// tokens, "u"+code, in a field of their own.
//
// A query term or phrase becomes the sequence of its tokens, sent as a
// Meilisearch phrase: the bigrams of a Han run in order (处理 is b处理 and
// matches 待处理, since 待处理 holds b待处 b处理), an edge token only where
// the query itself bounds the run (2020年 is w2020 s年, which matches
// 2020年全省, indexed as w2020 s年 b年全 b全省), and a single Han character
// with nothing around it is its unigram token. Meilisearch resolves a phrase
// from the pairs of words one and two positions apart (a window of three),
// so a phrase of bigrams is exact up to runs of four characters and
// overwhelmingly precise beyond that: 许可行政 needs 许可行 and 可行政 to
// occur. Typo tolerance and prefix search are off, so a token matches only
// itself.

// Token kinds: the first letter of a token.
const (
	tokBigram = 'b'
	tokStart  = 's'
	tokEnd    = 't'
	tokUni    = 'u'
	tokWord   = 'w'
)

const (
	// maxWordBytes caps one word token; longer runs are cut, on both the
	// index and the query side, as in bleveindex.
	maxWordBytes = 64
	// codeBase and codeLetters encode a code point as letters.
	codeBase    = 26
	codeLetters = 4
	// hardSeparator is what a paragraph break becomes in the derived text.
	hardSeparator = " ."
	// hardGap is the number of positions Meilisearch counts for a word that
	// follows a hard separator.
	hardGap = 8
)

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)) && !gazette.IsCJK(r)
}

func appendCode(b []byte, r rune) []byte {
	n := int(r) % (codeBase * codeBase * codeBase * codeBase) // CJK code points are all below
	return append(b,
		byte('a'+n/(codeBase*codeBase*codeBase)),
		byte('a'+n/(codeBase*codeBase)%codeBase),
		byte('a'+n/codeBase%codeBase),
		byte('a'+n%codeBase))
}

func appendWord(b []byte, w string) []byte {
	b = append(b, tokWord)
	for i := 0; i < len(w); i++ {
		b = append(b, 'a'+w[i]>>4, 'a'+w[i]&0xf)
	}
	return b
}

// sink receives the tokens of segmented text in order. hard reports that a
// paragraph break comes before the token.
type sink func(tok []byte, hard bool)

// segment cuts folded text into tokens. With doc set, text is a document
// field: its ends bound every run, and line breaks are hard separators;
// otherwise it is one query term or phrase, whose ends bound nothing and
// whose line breaks are spaces. Every CJK character is also passed to uni,
// when it is not nil.
func segment(s string, doc bool, emit sink, uni func(rune)) {
	var tok []byte
	hard := false
	put := func() {
		emit(tok, hard)
		hard = false
	}
	rs := []rune(s)
	isSpace := func(r rune) bool { return unicode.IsSpace(r) && (r != '\n' || !doc) }
	// joins says what a run goes on across: spaces, and the marks people
	// leave out of set phrases (双随机、一公开 is typed 双随机一公开).
	joins := func(r rune) bool { return isSpace(r) || gazette.IsJoiningMark(r) }
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case gazette.IsCJK(r):
			// The run: CJK characters, with spaces between them ignored.
			run := []rune{r}
			j := i + 1
			for j < len(rs) {
				k := j
				for k < len(rs) && joins(rs[k]) {
					k++
				}
				if k < len(rs) && gazette.IsCJK(rs[k]) {
					run = append(run, rs[k])
					j = k + 1
					continue
				}
				break
			}
			// In a query, an end is known only where something other than
			// spaces bounds the run within the term itself.
			// A joining mark bounds nothing either: the text may lack it.
			startKnown := doc || hasNonSpace(rs[:i], joins)
			endKnown := doc || hasNonSpace(rs[j:], joins)
			if uni != nil {
				for _, c := range run {
					uni(c)
				}
			}
			if len(run) == 1 && !startKnown && !endKnown {
				tok = appendCode(append(tok[:0], tokUni), run[0])
				put()
				i = j
				continue
			}
			if startKnown {
				tok = appendCode(append(tok[:0], tokStart), run[0])
				put()
			}
			for k := 0; k+1 < len(run); k++ {
				tok = appendCode(appendCode(append(tok[:0], tokBigram), run[k]), run[k+1])
				put()
			}
			if endKnown {
				tok = appendCode(append(tok[:0], tokEnd), run[len(run)-1])
				put()
			}
			i = j
		case isWordRune(r):
			j := i + 1
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			w := string(rs[i:j])
			if len(w) > maxWordBytes {
				end := maxWordBytes
				for end > 0 && !utf8.RuneStart(w[end]) {
					end--
				}
				w = w[:end]
			}
			tok = appendWord(tok[:0], w)
			put()
			i = j
		case r == '\n' && doc:
			hard = true
			i++
		default:
			i++
		}
	}
}

func hasNonSpace(rs []rune, isSpace func(rune) bool) bool {
	for _, r := range rs {
		if !isSpace(r) {
			return true
		}
	}
	return false
}

// field is the derived text of one document field.
type field struct {
	text []byte // tokens separated by spaces, with hard separators
	ends []int  // ends[i] is the end of token i in text
	pos  []int  // pos[i] is the Meilisearch position of token i
}

// encodeField segments folded document text into a field, passing every CJK
// character to uni.
func encodeField(s string, uni func(rune)) *field {
	f := &field{}
	segment(s, true, func(tok []byte, hard bool) {
		p := 0
		if n := len(f.pos); n > 0 {
			p = f.pos[n-1] + 1
			if hard {
				p = f.pos[n-1] + hardGap
			}
			if hard {
				f.text = append(f.text, hardSeparator...)
			}
			f.text = append(f.text, ' ')
		}
		f.text = append(f.text, tok...)
		f.ends = append(f.ends, len(f.text))
		f.pos = append(f.pos, p)
	}, uni)
	return f
}

// start returns the offset in text where token i begins.
func (f *field) start(i int) int {
	if i == 0 {
		return 0
	}
	s := f.ends[i-1]
	for s < len(f.text) && (f.text[s] == ' ' || f.text[s] == '.') {
		s++
	}
	return s
}

// Segments of a long field. Meilisearch indexes only the first 65,535
// positions of a field, so a long body is cut into segments, each a field of
// its own under one searchable object (sb.p0000, sb.p0001, ...), which
// Meilisearch indexes with positions of their own. Consecutive segments
// overlap by segmentOverlap tokens, more than any query phrase can hold
// (gazette.MaxQueryRunes characters make at most about twice as many
// tokens), so that a phrase across a cut is still whole in one segment.
const (
	segmentPositions = 60_000
	segmentOverlap   = 2*gazette.MaxQueryRunes + 16
)

// segments cuts the field into texts of at most segmentPositions positions.
func (f *field) segments() []string {
	n := len(f.pos)
	if n == 0 {
		return nil
	}
	var out []string
	for a := 0; ; {
		b := a
		for b+1 < n && f.pos[b+1]-f.pos[a] < segmentPositions {
			b++
		}
		out = append(out, string(f.text[f.start(a):f.ends[b]]))
		if b+1 >= n {
			return out
		}
		a = max(a+1, b+1-segmentOverlap)
	}
}

// unigrams returns the unigram tokens of a set of CJK characters, sorted.
func unigrams(set map[rune]bool) string {
	cs := make([]rune, 0, len(set))
	for c := range set {
		cs = append(cs, c)
	}
	slices.Sort(cs)
	b := make([]byte, 0, len(cs)*(codeLetters+2))
	for i, c := range cs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendCode(append(b, tokUni), c)
	}
	return string(b)
}

// queryTokens turns one query term or phrase into its tokens; it returns nil
// when the text holds nothing indexable (only punctuation, say).
func queryTokens(text string) []string {
	var toks []string
	segment(gazette.FoldSearchText(text), false, func(tok []byte, _ bool) {
		toks = append(toks, string(tok))
	}, nil)
	return toks
}

// queryPart is the Meilisearch query syntax of one term or phrase: its token
// alone, or the quoted phrase of its tokens. Tokens are letters only, so
// nothing in them is syntax.
func queryPart(toks []string) string {
	if len(toks) == 1 {
		return toks[0]
	}
	return `"` + strings.Join(toks, " ") + `"`
}

// Frequency tiers. Meilisearch does not weigh how often a document holds a
// word: the hits of a one-word search come in the order of its ranking rules
// (the field matched, then validity and date), so among the documents whose
// body holds a common word, the long code that holds it a hundred times ranks
// no higher than a notice that mentions it once, where bleve's tf-idf puts it
// near the top. The archive's partial matches read that order (the rank of a
// document among a term's hits), so each body also gets the windows of 1 to 3
// consecutive tokens (the query terms of 2 to 4 characters, and words) that
// it holds at least tierMins[i] times, written once each into the field of
// the highest tier they reach, placed before the body in the searchable
// fields: Meilisearch's attribute rule then ranks the frequent holders of a
// word first. Every window is text the body holds, each is cut off from the
// next by a hard separator, so a tier matches only what the body matches, and
// a phrase matches inside one window only. A window already inside a longer
// one written to the same tier is left out. Within a tier, windows come most
// frequent first, since the attribute rule also prefers earlier positions;
// a tier holds at most segmentPositions positions, the least frequent
// windows cut.
//
// A body longer than tierRefTokens counts each window's occurrences scaled
// down by its length (times tierRefTokens/length), as bleve's tf-idf divides
// by a field's length: a long code reaches 30 occurrences of a common word
// without being about it. Shorter bodies keep their raw counts, so a short
// notice that holds a word once does not outrank the regulation about it.
var tierMins = [...]int{30, 10, 3}

// tierRefTokens is the body length, in tokens (about 10,000 characters of
// Chinese), beyond which tier counts are scaled by length. Measured on the
// STARD questions (recall@10 of a 500-question sample): 3,000 tokens 0.856,
// 6,000 0.871, 12,000 0.878, 24,000 0.863, raw counts 0.864.
const tierRefTokens = 12_000

// maxWindow is the longest window of a tier, in tokens: a query term of 4
// Han characters is a phrase of 3 bigrams, and longer runs are searched as
// their bigrams (archive's meaningfulTerms).
const maxWindow = 3

// tiers returns the text of each tier of the field (see tierMins).
func (f *field) tiers() [len(tierMins)]string {
	return f.tiersWithin(segmentPositions)
}

// tiersWithin is tiers with at most limit positions in a tier: with counts
// scaled by length, a real body hardly fills one, so tests pass a small limit.
func (f *field) tiersWithin(limit int) [len(tierMins)]string {
	var out [len(tierMins)]string
	n := len(f.pos)
	if n == 0 {
		return out
	}
	starts := make([]int, n)
	for i := range n {
		starts[i] = f.start(i)
	}
	// joined reports whether token i+1 continues the run of bigram token i.
	joined := func(i int) bool {
		return f.text[starts[i]] == tokBigram && f.text[starts[i+1]] == tokBigram && f.pos[i+1] == f.pos[i]+1
	}
	counts := map[string]int{}
	for i := range n {
		k := f.text[starts[i]]
		if k != tokBigram && k != tokWord {
			continue
		}
		counts[string(f.text[starts[i]:f.ends[i]])]++
		for l := 2; l <= maxWindow && i+l-1 < n && joined(i+l-2); l++ {
			counts[string(f.text[starts[i]:f.ends[i+l-1]])]++
		}
	}
	scale := max(1, float64(n)/tierRefTokens)
	tier := func(c int) int {
		for t, m := range tierMins {
			if float64(c)/scale >= float64(m) {
				return t
			}
		}
		return -1
	}
	type item struct {
		key string
		n   int
	}
	var items [len(tierMins)][]item
	covered := map[string]int{} // the best tier a window is already written to inside a longer one
	for l := maxWindow; l >= 1; l-- {
		var keys []string
		for k, c := range counts {
			if tier(c) >= 0 && strings.Count(k, " ")+1 == l {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys) // the order of a map is random; sub-windows are marked in a fixed order
		for _, k := range keys {
			t := tier(counts[k])
			if c, ok := covered[k]; ok && c <= t {
				continue
			}
			items[t] = append(items[t], item{k, counts[k]})
			toks := strings.Split(k, " ")
			for a := range toks {
				for b := a + 1; b <= len(toks); b++ {
					if b-a == len(toks) {
						continue
					}
					sub := strings.Join(toks[a:b], " ")
					if c, ok := covered[sub]; !ok || t < c {
						covered[sub] = t
					}
				}
			}
		}
	}
	for t := range items {
		slices.SortStableFunc(items[t], func(a, b item) int { return b.n - a.n })
		var b strings.Builder
		p := 0
		for _, it := range items[t] {
			w := strings.Count(it.key, " ") + 1
			if p > 0 {
				if p+hardGap+w > limit {
					break
				}
				b.WriteString(hardSeparator + " ")
				p += hardGap
			}
			b.WriteString(it.key)
			p += w
		}
		out[t] = b.String()
	}
	return out
}
