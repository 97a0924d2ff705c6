package bleveindex

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/gazette-archive/gazette/gazette"
)

// Segmentation. Chinese has no spaces between words and no dictionary is
// used, so text is cut into units and every unit takes one position:
//
//   - a CJK character (Han, kana, Hangul) yields, at its own position, the
//     bigram of it and the next character when that is CJK too, and its
//     unigram when it starts or ends a run of CJK characters:
//     政务公开 → 政@0 政务@0 务公@1 公开@2 开@3;
//   - a run of other letters, digits and marks is one word: 12000, script;
//   - punctuation and symbols separate units and end a run; spaces, tabs
//     and the marks people leave out of set phrases (gazette.IsJoiningMark:
//     、，·“”《》) separate words but not CJK characters (PDF text is full of
//     stray spaces inside Chinese sentences; 双随机一公开 is typed for
//     双随机、一公开), and a line break leaves a gap of positions so that no
//     phrase spans two paragraphs.
//
// Every CJK character is also indexed once per document, without position,
// in a companion field (see charsAnalyzer), for single-character queries.
//
// A query term is matched by the same units: a multi-character Han term
// becomes the phrase of its bigrams, which must be adjacent and in order (处理
// is 处理@0 and matches 待处理; 政务公开 is 政务@0 务公@1 公开@2); a lone
// character is looked up in the companion field; in a mixed term such as
// 2020年 a one-character run is next to a word, so in any matching text it
// starts or ends a run and has its unigram: 2020@0 年@1. Text is folded with
// gazette.FoldSearchText (see fold) first, on both sides, so full-width letters and
// digits, case and zero-width characters make no difference.

const (
	// paragraphGap is the number of positions a line break skips.
	paragraphGap = 8
	// maxWordBytes caps one word token; longer runs (a base64 blob in a
	// body, say) are cut, on both the index and the query side.
	maxWordBytes = 64
)

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)) && !gazette.IsCJK(r)
}

// unit is one token of segmented text: a CJK unigram or bigram, or a word.
type unit struct {
	term   string
	pos    int // 0-based
	start  int // byte offset of the term's first character in the text
	end    int // and of the byte after its last
	cjk    bool
	bigram bool
}

// segment cuts folded text into units and calls emit for each, in
// non-decreasing order of position. With query set, line breaks are plain
// spaces. It returns the number of positions used.
func segment(s string, query bool, emit func(u unit)) int {
	pos := 0
	prev := -1       // byte offset of the previous CJK character while its run goes on
	prevPos := 0     // and its position
	runStart := true // whether prev starts its run
	// endRun emits the unigram of the last character of a run.
	endRun := func() {
		if prev >= 0 && !runStart {
			_, w := utf8.DecodeRuneInString(s[prev:])
			emit(unit{term: s[prev : prev+w], pos: prevPos, start: prev, end: prev + w, cjk: true})
		}
		prev = -1
	}
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case gazette.IsCJK(r):
			if prev >= 0 {
				_, pw := utf8.DecodeRuneInString(s[prev:])
				emit(unit{term: join(s, prev, pw, i, w), pos: prevPos, start: prev, end: i + w, cjk: true, bigram: true})
				runStart = false
			} else {
				emit(unit{term: s[i : i+w], pos: pos, start: i, end: i + w, cjk: true})
				runStart = true
			}
			prev, prevPos = i, pos
			pos++
			i += w
		case isWordRune(r):
			endRun()
			j := i + w
			for j < len(s) {
				r, w := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r) {
					break
				}
				j += w
			}
			end := j
			if end-i > maxWordBytes {
				end = i + maxWordBytes
				for end > i && !utf8.RuneStart(s[end]) {
					end--
				}
			}
			emit(unit{term: s[i:end], pos: pos, start: i, end: end})
			pos++
			i = j
		case r == '\n' && !query:
			endRun()
			pos += paragraphGap
			i += w
		case unicode.IsSpace(r) || gazette.IsJoiningMark(r):
			i += w // a space or a 、 does not break a run of CJK characters
		default:
			endRun()
			i += w
		}
	}
	endRun()
	return pos
}

// join is the two strings s[i:i+n] and s[j:j+m], with i+n ≤ j: a slice of s
// when they are adjacent, as they nearly always are (a segmented text is
// mostly bigrams: no allocation for each), or else a new string.
func join(s string, i, n, j, m int) string {
	if i+n == j {
		return s[i : j+m]
	}
	return s[i:i+n] + s[j:j+m]
}

// analyzer is the bleve analyzer of every searchable text field: folding
// and segmentation as described above.
type analyzer struct{}

// Analyze implements analysis.Analyzer.
func (analyzer) Analyze(input []byte) analysis.TokenStream {
	s := gazette.FoldSearchText(string(input))
	out := make(analysis.TokenStream, 0, len(s)/3)
	segment(s, false, func(u unit) {
		typ := analysis.AlphaNumeric
		if u.cjk {
			typ = analysis.Ideographic
		}
		// No byte offsets: only positions are read back (phrases), and
		// zap stores both offsets of every occurrence, most of the index
		// on disk; zero costs one byte each instead of two or three.
		out = append(out, &analysis.Token{Term: []byte(u.term), Position: u.pos + 1, Type: typ})
	})
	return out
}

// Shingles. A phrase of bigrams is checked position by position in every
// document that holds all its bigrams, and the bigrams of a common phrase
// (第二十八条, 人民法院) are in most documents, many times each: reading
// their positions cost up to a hundred milliseconds a search on 100,000
// documents. So each text field has a second companion field (".4") with
// the 4-grams of its runs of CJK characters, each at the position of its
// first character: 人民法院的 → 人民法院@0 民法院的@1. A run of four to
// seven characters in a query is then one or two 4-grams, rare enough to
// be nearly the answer before any position is read, and a run of four is
// a single term: no positions at all.
//
// They are most of the cost of indexing: a 4-gram seldom recurs, so the
// field holds four to five times the distinct terms of the text field, and
// zap's work goes by distinct terms and postings (positions barely count).
// Without them (BenchmarkPut, 2,000 documents) indexing took
// 7.0 ms of CPU a document instead of 15.2 and 25 KiB on disk instead of
// 62, but a query of four characters became a phrase of three bigrams,
// read position by position: at 5,000 documents 第十二条 took 4.0 ms of
// CPU instead of 1.0 (9.1 at 20,000), and the cost grows with the archive.
//
// Two cheaper 4-gram fields were tried (issue 17) and not kept. Without
// positions, a longer run checked on its bigrams' positions in the text
// field (the same hits and scores): 16% less CPU and 19% less disk, but
// at 5,000 documents 第二十八条 took 2.2 ms instead of 0.85 and
// 县级以上地方人民政府 3.5 instead of 1.5, as common bigrams' postings are
// long. Hashed into 2^18 terms: a fifth less CPU, but a 4-gram's idf, and
// so the ranking, would change, and every hit of a common 4-gram would
// need its bigrams' positions to rule out the others of its bucket.
// The analysis itself is 8% of the CPU of indexing (BenchmarkPut, 10,000
// documents), spread over every core: a cheaper one would gain little.
//
// Only the 4-grams of common bigrams are indexed (issue 17). A 4-gram
// saves reading positions only where all three of its bigrams are in many
// documents; where one is rare, the phrase of bigrams has few candidates
// to check. A 4-gram is kept when all three of its bigrams are common
// (commonSet), wherever it occurs, so a kept 4-gram's postings, and its
// idf, are what they were with every 4-gram kept; the field's length
// still counts every 4-gram, so its norms are too: a clause read through
// 4-grams scores as before. A query run one of whose covering 4-grams is
// left out is read as the phrase of its bigrams, in the text field.
// BenchmarkPut, 10,000 documents, shared machine: 6.2 ms of CPU a
// document instead of 13.3, 35 KiB on disk instead of 50, 2.0 GB of
// memory at most instead of 2.5. At 20,000 documents every query of
// BenchmarkQueries and BenchmarkPhrases found the same hits, in the same
// CPU time within the noise, but for 个人所得税, read through bigrams:
// 1.5 ms instead of 1.2.
// Measured and not kept: 4-grams only at even positions, 6.6 ms instead
// of 9.9, but a phrase of four characters at an odd position would need
// its bigrams' positions; no 4-grams at all, 3.6 ms (the floor of the
// text field and the rest: bleve cannot index these documents at 2,000 a
// second on two cores); no character field (".c") either, no gain beyond
// noise.

// commonSet is the set of common bigrams of an index: the bigrams in at
// least commonShare of the documents of the first Put into it, when that
// holds at least commonSample documents (Index.decideCommon). A nil set
// keeps every 4-gram: an index whose first Put was smaller, whose
// statistics would say little. The set stays until the index is rebuilt:
// a bigram rare in the first documents and common in later ones (a new
// word) has its runs read through bigrams, correct but slower; a rebuild
// decides again.
type commonSet struct {
	m map[string]bool
}

const (
	commonShare = 0.01
	// commonSampleDefault is the least number of documents the first
	// Put must hold for its bigrams to decide the set.
	commonSampleDefault = 1000
)

// commonSample is commonSampleDefault, lowered by tests.
var commonSample = commonSampleDefault

// has reports whether bigram b is common; with a nil set, every one is.
func (c *commonSet) has(b string) bool { return c == nil || c.m[b] }

// keeps reports whether the 4-gram of bigrams a, b, c is indexed.
func (c *commonSet) keeps(a, b, d string) bool { return c.has(a) && c.has(b) && c.has(d) }

// newCommonSet counts the bigrams of texts, one document's texts per
// element, and returns those in at least commonShare of the documents.
func newCommonSet(docs [][]string) *commonSet {
	df := map[string]int{}
	seen := map[string]bool{}
	for _, texts := range docs {
		clear(seen)
		for _, t := range texts {
			segment(gazette.FoldSearchText(t), false, func(u unit) {
				if u.bigram && !seen[u.term] {
					seen[u.term] = true
					df[u.term]++
				}
			})
		}
	}
	least := max(1, int(math.Ceil(commonShare*float64(len(docs)))))
	c := &commonSet{m: map[string]bool{}}
	for b, n := range df {
		if n >= least {
			c.m[strings.Clone(b)] = true
		}
	}
	return c
}

// encode is the set as stored in the index: its bigrams, a line each
// ("*" for a nil set).
func (c *commonSet) encode() []byte {
	if c == nil {
		return []byte("*")
	}
	var b strings.Builder
	for k := range c.m {
		b.WriteString(k)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func decodeCommonSet(v []byte) *commonSet {
	if string(v) == "*" {
		return nil
	}
	c := &commonSet{m: map[string]bool{}}
	for _, k := range strings.Split(string(v), "\n") {
		if k != "" {
			c.m[k] = true
		}
	}
	return c
}

// shingleAnalyzer is the analyzer of the 4-gram companion fields.
type shingleAnalyzer struct{}

// Analyze implements analysis.Analyzer.
func (shingleAnalyzer) Analyze(input []byte) analysis.TokenStream {
	s := gazette.FoldSearchText(string(input))
	out := make(analysis.TokenStream, 0, len(s)/3)
	// the last three bigrams: a 4-gram starts at p when bigrams start at
	// p, p+1 and p+2 (positions are only consecutive within a run).
	var last [3]unit
	n := 0
	segment(s, false, func(u unit) {
		if !u.bigram {
			return
		}
		last[0], last[1], last[2] = last[1], last[2], u
		if n++; n >= 3 && last[1].pos == last[0].pos+1 && last[2].pos == last[1].pos+1 {
			out = append(out, &analysis.Token{Term: []byte(last[0].term + last[2].term), Position: last[0].pos + 1, Type: analysis.Ideographic})
		}
	})
	return out
}

// shingles turns the terms of a query clause (queryTerms) that are the
// bigrams of one run of at least four CJK characters into the 4-grams
// that cover the run, at their offsets, "" in between: 第二十八条 is
// 第二十八@0 二十八条@1, 县级以上地方人民政府 is 县级以上@0 地方人民@4
// 人民政府@6. It returns nil for any other clause, and for a run one of
// whose covering 4-grams the index leaves out (common: see commonSet).
func shingles(terms []string, common *commonSet) []string {
	if len(terms) < 3 {
		return nil
	}
	for i, t := range terms {
		a, w := utf8.DecodeRuneInString(t)
		b, w2 := utf8.DecodeRuneInString(t[w:])
		if w+w2 != len(t) || !gazette.IsCJK(a) || !gazette.IsCJK(b) {
			return nil
		}
		if i > 0 {
			if _, pw := utf8.DecodeRuneInString(terms[i-1]); terms[i-1][pw:] != t[:w] {
				return nil // not one run
			}
		}
	}
	runes := len(terms) + 1
	out := make([]string, runes-3)
	for off := 0; ; off += 4 {
		off = min(off, runes-4)
		if !common.keeps(terms[off], terms[off+1], terms[off+2]) {
			return nil
		}
		out[off] = terms[off] + terms[off+2]
		if off == runes-4 {
			return out
		}
	}
}

// charsAnalyzer is the analyzer of the companion fields: every CJK
// character of the text, once.
type charsAnalyzer struct{}

// Analyze implements analysis.Analyzer.
func (charsAnalyzer) Analyze(input []byte) analysis.TokenStream {
	s := gazette.FoldSearchText(string(input))
	seen := make(map[rune]bool, 256)
	var out analysis.TokenStream
	for i, r := range s {
		if !seen[r] && gazette.IsCJK(r) {
			seen[r] = true
			w := utf8.RuneLen(r)
			out = append(out, &analysis.Token{Term: []byte(s[i : i+w]), Start: i, End: i + w, Position: len(out) + 1, Type: analysis.Ideographic})
		}
	}
	return out
}

// queryTerms turns one query term or phrase into the terms of a bleve
// phrase, one per position, "" where any term will do. A lone CJK character
// is returned with char set: it is to be looked up in the companion fields.
// Terms is empty when the text holds nothing indexable (only punctuation).
func queryTerms(text string) (terms []string, char bool) {
	type slot struct {
		term   string
		cjk    bool
		bigram bool
	}
	var slots []slot
	segment(gazette.FoldSearchText(text), true, func(u unit) {
		for len(slots) <= u.pos {
			slots = append(slots, slot{})
		}
		// A bigram beats the unigram at its position: it says more.
		if s := &slots[u.pos]; s.term == "" || u.bigram {
			*s = slot{u.term, u.cjk, u.bigram}
		}
	})
	if len(slots) == 1 && slots[0].cjk && !slots[0].bigram {
		return []string{slots[0].term}, true
	}
	terms = make([]string, len(slots))
	for i, s := range slots {
		// A character already covered by the bigram before it is implied.
		if i > 0 && slots[i-1].bigram && !s.bigram {
			continue
		}
		terms[i] = s.term
	}
	for len(terms) > 0 && terms[len(terms)-1] == "" {
		terms = terms[:len(terms)-1]
	}
	return terms, false
}

// One pass. A text field and its two companions hold the same text, and
// bleve would analyse it three times, through three analyzers, each
// folding it, the text and 4-gram ones segmenting it, all of them
// allocating a token, and its term, for every unit before counting them.
// textAnalysis does all three in one pass over the folded text and counts
// the units straight into the token frequencies the index reads, with
// terms that are slices of the folded text (bigrams and 4-grams of
// adjacent characters, nearly all of them) and locations in one array per
// field: the same frequencies, lengths and positions (see
// TestTextAnalysisMatchesAnalyzers), for a fraction of the work.

// The parts of a textAnalysis, in the order of the fields of a text.
const (
	partText     = iota // the units, with positions (analyzer)
	partChars           // the CJK characters, once each (charsAnalyzer)
	partShingles        // the 4-grams, with positions (shingleAnalyzer)
	parts
)

// textAnalysis is the analysis of one text for its three fields. It is
// computed once, by whichever of the fields bleve analyses first.
type textAnalysis struct {
	once   sync.Once
	input  []byte
	common *commonSet // which 4-grams are indexed
	freqs  [parts]index.TokenFrequencies
	lens   [parts]int
}

func (a *textAnalysis) run() {
	a.once.Do(func() {
		s := gazette.FoldSearchText(string(a.input))
		// Terms are slices of one copy of the folded text (capped, so
		// nothing appends into the next): bleve only reads them.
		b := []byte(s)
		n := len(s) / 3 // about one unit per character
		text := tokenCounter{text: b, terms: make([]span, 0, n), pos: make([]int, 0, n)}
		shingles := tokenCounter{text: b, terms: make([]span, 0, n), pos: make([]int, 0, n)}
		// the last three bigrams, as in shingleAnalyzer, and whether each
		// is common
		var last [3]unit
		var kept [3]bool
		seen, all4 := 0, 0
		segment(s, false, func(u unit) {
			text.add(u, u.pos+1)
			if !u.bigram {
				return
			}
			last[0], last[1], last[2] = last[1], last[2], u
			kept[0], kept[1], kept[2] = kept[1], kept[2], a.common.has(u.term)
			if seen++; seen >= 3 && last[1].pos == last[0].pos+1 && last[2].pos == last[1].pos+1 {
				if all4++; !kept[0] || !kept[1] || !kept[2] {
					return
				}
				g := unit{term: s[last[0].start:last[2].end], start: last[0].start, end: last[2].end}
				if len(g.term) != len(last[0].term)+len(last[2].term) {
					g.term = last[0].term + last[2].term // a mark left out in between
				}
				shingles.add(g, last[0].pos+1)
			}
		})
		// Most units of a text recur in it; most of its 4-grams do not.
		a.freqs[partText], a.lens[partText] = text.frequencies(len(text.terms) / 2)
		a.freqs[partShingles], _ = shingles.frequencies(len(shingles.terms))
		// The length, which bleve's norm is computed from, counts every
		// 4-gram, kept or not: a 4-gram scores as it would were all kept.
		a.lens[partShingles] = all4
		chars := index.TokenFrequencies{}
		var slab []index.TokenFreq
		for i, r := range s {
			if !gazette.IsCJK(r) {
				continue
			}
			k := s[i : i+utf8.RuneLen(r)]
			if _, ok := chars[k]; !ok {
				if len(slab) == cap(slab) {
					slab = make([]index.TokenFreq, 0, 64)
				}
				slab = append(slab, index.TokenFreq{Term: b[i : i+len(k) : i+len(k)]})
				tf := &slab[len(slab)-1]
				tf.SetFrequency(1)
				chars[k] = tf
			}
		}
		a.freqs[partChars], a.lens[partChars] = chars, len(chars)
		a.input = nil
	})
}

// span is a term of a tokenCounter: its bytes in the counter's text, or
// its own when start < 0.
type span struct {
	term       string
	start, end int
}

// tokenCounter counts a stream of terms with positions into token
// frequencies, as analysis.TokenFrequency does for a field with term
// vectors, without offsets: each term's locations are in stream order.
type tokenCounter struct {
	text  []byte // what the terms' bytes are sliced from
	terms []span
	pos   []int
}

// add counts u, whose term is text[u.start:u.end] unless their lengths
// differ (a bigram across a left-out mark).
func (c *tokenCounter) add(u unit, pos int) {
	sp := span{u.term, u.start, u.end}
	if u.end-u.start != len(u.term) {
		sp.start = -1
	}
	c.terms = append(c.terms, sp)
	c.pos = append(c.pos, pos)
}

// frequencies returns the token frequencies and the number of tokens;
// distinct is a guess at the number of distinct terms, to size the map.
func (c *tokenCounter) frequencies(distinct int) (index.TokenFrequencies, int) {
	n := len(c.terms)
	out := make(index.TokenFrequencies, distinct)
	// Every term's locations are a slice of one array, as big as it needs:
	// first count, then fill.
	byToken := make([]*index.TokenFreq, n)
	var tfs []*index.TokenFreq
	var slab []index.TokenFreq
	for k, t := range c.terms {
		tf, ok := out[t.term]
		if !ok {
			if len(slab) == cap(slab) {
				slab = make([]index.TokenFreq, 0, 256)
			}
			var term []byte
			if t.start >= 0 {
				term = c.text[t.start:t.end:t.end]
			} else {
				term = []byte(t.term)
			}
			slab = append(slab, index.TokenFreq{Term: term})
			tf = &slab[len(slab)-1]
			out[t.term] = tf
			tfs = append(tfs, tf)
		}
		tf.SetFrequency(tf.Frequency() + 1)
		byToken[k] = tf
	}
	ptrs := make([]*index.TokenLocation, n)
	off := 0
	for _, tf := range tfs {
		f := tf.Frequency()
		tf.Locations = ptrs[off : off : off+f]
		off += f
	}
	shared := sharedLocations()
	var own []index.TokenLocation // of positions past the shared ones
	for k, tf := range byToken {
		p := c.pos[k]
		if p < len(shared) {
			tf.Locations = append(tf.Locations, &shared[p])
			continue
		}
		if own == nil {
			own = make([]index.TokenLocation, 0, n-k) // never grows: the pointers stay valid
		}
		own = append(own, index.TokenLocation{Position: p})
		tf.Locations = append(tf.Locations, &own[len(own)-1])
	}
	return out, n
}

// sharedLocations holds the location at each position up to a limit,
// shared by every token of every document at that position: a location is
// only its position here (no offsets, field or array positions), and
// neither bleve nor zap change one, unless a document has two fields of
// one name (TokenFrequencies.MergeAll), which docOf never builds for a
// text field. Half the bytes the analysis allocated were locations, all
// of them for the garbage collector to clear and scan.
var sharedLocations = sync.OnceValue(func() []index.TokenLocation {
	locs := make([]index.TokenLocation, 1<<16) // 4 MiB: positions of texts of some 60,000 characters
	for p := range locs {
		locs[p].Position = p
	}
	return locs
})
