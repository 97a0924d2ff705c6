package gazette

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on queries: far above what a person types, low enough that no
// query can make the engine do unbounded work.
const (
	MaxQueryRunes  = 256
	MaxQueryTerms  = 32
	MaxPerPage     = 100
	DefaultPerPage = 20
	// MaxResultWindow bounds page × per_page, as deep paging is costly on
	// every engine and no reader goes 10,000 hits deep.
	MaxResultWindow = 10_000
	maxFilterValues = 20
	maxFilterRunes  = 100
)

// DateField names which of a document's dates a date range applies to.
type DateField string

// The dates a query can range over.
const (
	DateSigned    DateField = "signed"
	DatePublished DateField = "published"
	DateEffective DateField = "effective"
	DateExpires   DateField = "expiry"
)

// Sort is the order of search results.
type Sort string

// The orders of search results.
const (
	SortRelevance Sort = "relevance"
	SortNewest    Sort = "newest" // by published date, newest first
	SortOldest    Sort = "oldest"
)

// Query is one search: words and filters as a reader or a legal staffer
// gives them. The zero value with Text set is a valid first page by relevance.
type Query struct {
	// Text is the user's words: terms, "exact phrases" (ASCII or “curly”
	// quotes) and -exclusions; document numbers in any spelling are found in it.
	Text        string
	Kinds       []Kind
	Authorities []string
	Validity    []Validity
	Topics      []string
	Years       []int     // years of the issue the document appeared in
	Issue       *IssueKey // one issue
	DateField   DateField // which date From and To apply to; default published
	From, To    Date      // inclusive; zero means unbounded
	// InForceOn keeps the documents in force on that day (InForceSpan);
	// zero keeps all.
	InForceOn Date `json:",omitempty"`
	Sort      Sort
	Page      int // 1-based; 0 means 1
	PerPage   int // 0 means DefaultPerPage
	// Gazette is the name of the gazette searched (福建省人民政府公报): short
	// forms of its government's document numbers (省政府令第241号) resolve
	// against it (LocalDocNumbers). Empty resolves none.
	Gazette string `json:",omitempty"`
	// Lean asks for the total and the hits without their snippets and
	// anchors, and for no facets: what a caller that only ranks the hits
	// of many searches needs (archive's partial matches), at a small part
	// of a full search's cost.
	Lean bool `json:",omitempty"`
	// IDs, when set, keeps only the documents with these IDs (at most
	// MaxPerPage), like a filter: to fetch the snippets of a few hits
	// already found.
	IDs []string `json:",omitempty"`
}

// Normalize validates q and fills its defaults. Every error wraps ErrInvalid
// and says which part is wrong; nothing is ever silently widened.
func (q *Query) Normalize() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("search: "+format+": %w", append(args, ErrInvalid)...)
	}
	if n := utf8.RuneCountInString(q.Text); n > MaxQueryRunes {
		return fmt.Errorf("search: query of %d characters: %w", n, ErrQueryTooLong)
	}
	if !utf8.ValidString(q.Text) {
		return bad("query is not valid UTF-8")
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	switch {
	case q.Page < 1:
		return bad("page %d: pages start at 1", q.Page)
	case q.PerPage < 1 || q.PerPage > MaxPerPage:
		return bad("per_page %d outside 1–%d", q.PerPage, MaxPerPage)
	case q.Page > MaxResultWindow/q.PerPage:
		return bad("page %d of %d hits goes past the first %d results: narrow the search", q.Page, q.PerPage, MaxResultWindow)
	}
	switch q.Sort {
	case "":
		q.Sort = SortRelevance
	case SortRelevance, SortNewest, SortOldest:
	default:
		return bad("sort %q: want relevance, newest or oldest", q.Sort)
	}
	switch q.DateField {
	case "":
		q.DateField = DatePublished
	case DateSigned, DatePublished, DateEffective, DateExpires:
	default:
		return bad("date field %q: want signed, published, effective or expiry", q.DateField)
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Compare(q.From) < 0 {
		return bad("date range %s to %s ends before it starts", q.From, q.To)
	}
	for _, d := range []Date{q.From, q.To, q.InForceOn} {
		if !d.IsZero() && (d.Year < MinYear || d.Year > MaxYear) {
			return bad("date %s outside %d–%d", d, MinYear, MaxYear)
		}
	}
	if len(q.Kinds)+len(q.Authorities)+len(q.Validity)+len(q.Topics)+len(q.Years) > 5*maxFilterValues {
		return bad("too many filter values")
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return bad("kind %q: want one of %v", k, Kinds)
		}
	}
	for _, v := range q.Validity {
		if !v.Valid() {
			return bad("validity %q: want one of %v", v, Validities)
		}
	}
	for _, y := range q.Years {
		if y < MinYear || y > MaxYear {
			return bad("year %d outside %d–%d", y, MinYear, MaxYear)
		}
	}
	for _, list := range [][]string{q.Authorities, q.Topics} {
		if len(list) > maxFilterValues {
			return bad("more than %d values in one filter", maxFilterValues)
		}
		for _, v := range list {
			if v == "" || utf8.RuneCountInString(v) > maxFilterRunes || strings.IndexFunc(v, unicode.IsControl) >= 0 || !utf8.ValidString(v) {
				return bad("filter value %q: empty, too long or with control characters", v)
			}
		}
	}
	if len(q.IDs) > MaxPerPage {
		return bad("more than %d IDs", MaxPerPage)
	}
	for _, id := range q.IDs {
		if id == "" || utf8.RuneCountInString(id) > maxFilterRunes || strings.IndexFunc(id, unicode.IsControl) >= 0 || !utf8.ValidString(id) {
			return bad("ID %q: empty, too long or with control characters", id)
		}
	}
	if utf8.RuneCountInString(q.Gazette) > maxFilterRunes || strings.IndexFunc(q.Gazette, unicode.IsControl) >= 0 {
		return bad("gazette name %q: too long or with control characters", q.Gazette)
	}
	if q.Issue != nil {
		if err := q.Issue.check(); err != nil {
			return bad("issue: %v", err)
		}
	}
	qt, err := ParseQueryText(q.Text)
	if err != nil {
		return err
	}
	if qt.Empty() && len(qt.Excluded) == 0 && strings.TrimSpace(q.Text) != "" {
		return ErrNothingToSearch
	}
	return nil
}

// ErrQueryTooLong is a query text of more than MaxQueryRunes characters.
var ErrQueryTooLong = fmt.Errorf("search: query longer than %d characters: %w", MaxQueryRunes, ErrInvalid)

// ErrNothingToSearch is a query text with nothing in it to match or to
// exclude: only punctuation or symbols. Answered as no text, it would
// silently widen to every document.
var ErrNothingToSearch = fmt.Errorf("search: the query has nothing to search for, only punctuation or symbols: %w", ErrInvalid)

// QueryText is the parsed form of Query.Text.
type QueryText struct {
	Terms      []string    // words and runs of Han characters, width-folded and lower-cased
	Phrases    []string    // exact phrases, folded likewise
	Excluded   []string    // terms and phrases that must not occur
	DocNumbers []DocNumber // document numbers found in the text, removed from Terms
}

// Empty reports whether there is nothing to match: a filter-only query.
func (t QueryText) Empty() bool {
	return len(t.Terms) == 0 && len(t.Phrases) == 0 && len(t.DocNumbers) == 0
}

// Needles are the strings a snippet highlights: terms and phrases.
func (t QueryText) Needles() []string {
	return append(append([]string(nil), t.Phrases...), t.Terms...)
}

// ParseQueryText splits a query into terms, "phrases" and -exclusions, and
// finds document numbers in any spelling. Operators other than quotes and a
// leading minus have no meaning: everything else is text to match, so no
// query syntax of any engine can be smuggled through. Errors wrap ErrInvalid.
func ParseQueryText(s string) (QueryText, error) {
	var t QueryText
	if utf8.RuneCountInString(s) > MaxQueryRunes {
		return t, ErrQueryTooLong
	}
	// Document numbers first: their brackets and spaces are not operators.
	var rest strings.Builder
	last := 0
	for _, m := range FindDocNumbers(s) {
		rest.WriteString(s[last:m.Start])
		rest.WriteByte(' ')
		last = m.End
		t.DocNumbers = append(t.DocNumbers, m.Number)
	}
	rest.WriteString(s[last:])
	rs := []rune(FoldSearchText(rest.String()))
	for i := 0; i < len(rs); {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		neg := false
		if r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			neg = true
			i++
			r = rs[i]
		}
		var tok string
		phrase := false
		if close, ok := closingQuote(r); ok {
			j := i + 1
			for j < len(rs) && rs[j] != close {
				j++
			}
			tok = strings.TrimSpace(string(rs[i+1 : j]))
			phrase = true
			i = j + 1
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) {
				j++
			}
			tok = string(rs[i:j])
			i = j
		}
		tok = strings.TrimFunc(tok, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
		if tok == "" {
			continue
		}
		switch {
		case neg:
			t.Excluded = append(t.Excluded, tok)
		case phrase:
			t.Phrases = append(t.Phrases, tok)
		default:
			t.Terms = append(t.Terms, tok)
		}
	}
	if n := len(t.Terms) + len(t.Phrases) + len(t.Excluded) + len(t.DocNumbers); n > MaxQueryTerms {
		return QueryText{}, fmt.Errorf("search: %d terms, more than %d: %w", n, MaxQueryTerms, ErrInvalid)
	}
	return t, nil
}

func closingQuote(r rune) (rune, bool) {
	switch r {
	case '"':
		return '"', true
	case '“':
		return '”', true
	case '「':
		return '」', true
	case '『':
		return '』', true
	}
	return 0, false
}

// FoldSearchText folds text for matching: full-width ASCII to half-width,
// the ideographic space to a space, zero-width characters removed, Latin
// lower-cased. Indexes fold document text the same way.
func FoldSearchText(s string) string {
	// Most characters need no change (Han, digits, punctuation): copy those
	// bytes without decoding, and allocate only if something changes.
	var b []byte
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		n := 1
		switch {
		case c < utf8.RuneSelf:
			if c < 'A' || c > 'Z' {
				if b != nil {
					b = append(b, c)
				}
				i++
				continue
			}
			r = rune(c) + 'a' - 'A'
		case 0xE4 <= c && c <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80:
			// U+4000–U+9FFF (CJK ideographs): nothing to fold.
			if b != nil {
				b = append(b, s[i:i+3]...)
			}
			i += 3
			continue
		default:
			var in rune
			in, n = utf8.DecodeRuneInString(s[i:])
			if r = foldRune(in); r == in && (in != utf8.RuneError || n == 3) {
				if b != nil {
					b = append(b, s[i:i+n]...)
				}
				i += n
				continue
			}
		}
		if b == nil {
			b = make([]byte, i, len(s))
			copy(b, s[:i])
		}
		if r >= 0 {
			b = utf8.AppendRune(b, r)
		}
		i += n
	}
	if b == nil {
		return s
	}
	return string(b)
}

func foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r == '\u3000':
		return ' '
	case r >= '！' && r <= '～':
		r = r - '！' + '!'
	case isZeroWidth(r):
		return -1
	}
	return unicode.ToLower(r)
}

// Hit is one document found by a search.
type Hit struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	DocNumber   string    `json:"doc_number,omitempty"`
	Kind        Kind      `json:"kind"`
	Authorities []string  `json:"authorities"`
	Issue       IssueKey  `json:"issue"`
	Pages       PageRange `json:"pages"`
	Signed      Date      `json:"signed_date"`
	Published   Date      `json:"published_date"`
	Validity    Validity  `json:"validity"`
	// Snippet is HTML: the text around the first match, escaped, with each
	// match in <mark>…</mark>. It is safe to insert into a page as it is.
	Snippet string `json:"snippet"`
	// Anchor is the article (chapter, section) of the body where the
	// first match is (MatchAnchor): art-13 for a match in 第十三条; empty
	// when the match is not inside one.
	Anchor string `json:"anchor,omitempty"`
}

// FacetCount is how many hits have one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets are the counts, over all hits of a search, by kind, authority,
// issue year and validity; each list is sorted by count, then value.
type Facets struct {
	Kind      []FacetCount `json:"kind"`
	Authority []FacetCount `json:"authority"`
	Year      []FacetCount `json:"year"`
	Validity  []FacetCount `json:"validity"`
}

// Results is one page of a search.
type Results struct {
	Total   int    `json:"total"` // all hits, not just this page
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Hits    []Hit  `json:"hits"`
	Facets  Facets `json:"facets"`
	// Partial is set when too few documents matched every word of the
	// query, so the hits are ranked by how many of its meaningful terms
	// they hold (see archive.Search); Matched lists the terms the hits
	// hold, for the reader to see how they matched.
	Partial bool     `json:"partial"`
	Matched []string `json:"matched_terms,omitempty"`
	// DidYouMean are documents whose number is one digit or one agency
	// character from a number the query names that the archive lacks.
	DidYouMean []Suggestion `json:"did_you_mean,omitempty"`
}

// Suggestion is a document offered for a number the archive lacks.
type Suggestion struct {
	For       string `json:"for"`        // the number asked for, canonical
	DocNumber string `json:"doc_number"` // the document's number
	ID        string `json:"id"`
	Title     string `json:"title"`
}

// SearchDoc is a document as given to a search index, with the fingerprint
// of the stored record it came from (its SHA-256 in the issue manifest), by
// which a reconciler tells a stale index entry from a current one.
type SearchDoc struct {
	Document
	Fingerprint string
}

// IsJoiningMark reports whether r, folded or not (FoldSearchText), is a mark
// that sits inside a phrase and that people leave out when they type it: the
// enumeration comma, the comma, the middle dot, quotation marks and title
// brackets (双随机、一公开; “放管服”改革; 《条例》规定). Indexes treat it like a
// space: it neither ends a run of Chinese characters nor takes a position,
// so 双随机一公开 matches the text 双随机、一公开, and the query 双随机、一公开
// matches 双随机一公开. Sentence marks (。；：？！) still end a run, so no phrase
// spans two sentences.
func IsJoiningMark(r rune) bool {
	switch r {
	case '、', ',', '，', '·', '・', '‧', '"', '\'', '＂', '＇', '“', '”', '‘', '’', '《', '》', '〈', '〉', '「', '」', '『', '』':
		return true
	}
	return false
}

// IsCJK reports whether r is a character that Chinese, Japanese or Korean
// text runs together without spaces (ideographs, kana, hangul): the
// characters both search indexes segment as bigrams, and suggestions key.
func IsCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}
