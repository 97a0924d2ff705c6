package gazette

import (
	"cmp"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suggestions as people type (the search box's list of titles and 文号).
// Every index answers them the same way: a document is offered when its
// title or its document number holds the typed text as a search phrase
// would match it (SuggestKey), and the documents offered are ordered by
// SuggestRank.

// MaxSuggestions is the most documents offered for one typed text: a
// list under a search box on a phone shows no more.
const MaxSuggestions = 8

// minSuggestRunes is the fewest letters, digits or CJK characters worth
// suggesting for: one character matches a large part of any archive.
const minSuggestRunes = 2

// Separators inside a suggestion key (see SuggestKey); neither can occur
// in folded text, which holds no control characters that SuggestKey keeps.
const (
	keyWord  = '\x01' // before and after every word
	keyBreak = '\x02' // between two CJK characters a punctuation mark parts
)

// SuggestKey folds text (FoldSearchText) into the form suggestions are
// matched on: its CJK characters and words in order, so that a key holds
// another key exactly where the text holds the other as a search phrase.
// Spaces and the marks people leave out (IsJoiningMark) vanish; other
// punctuation parts two CJK characters (饮用（水 does not hold 饮用水); a
// word (letters or digits) is whole and keeps its edges (闽政〔2016〕31号
// does not hold 闽政〔2016〕3号, as the number 31 is not 3). So
// 闽政[2016]3号, 闽政〔2016〕3号 and 闽政 2016 3号 have one key.
func SuggestKey(text string) string {
	s := FoldSearchText(text)
	var b strings.Builder
	b.Grow(len(s) + 8)
	lastCJK, broken := false, false
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case IsCJK(r):
			if lastCJK && broken {
				b.WriteByte(keyBreak)
			}
			b.WriteString(s[i : i+w])
			lastCJK, broken = true, false
			i += w
		case isKeyWordRune(r):
			j := i + w
			for j < len(s) {
				r, w := utf8.DecodeRuneInString(s[j:])
				if !isKeyWordRune(r) {
					break
				}
				j += w
			}
			b.WriteByte(keyWord)
			b.WriteString(s[i:j])
			b.WriteByte(keyWord)
			lastCJK, broken = false, false
			i = j
		case r != '\n' && (unicode.IsSpace(r) || IsJoiningMark(r)):
			i += w
		default:
			broken = true
			i += w
		}
	}
	return b.String()
}

// SuggestKeyRunes is how many characters of text a key holds, separators
// aside.
func SuggestKeyRunes(key string) int {
	n := 0
	for _, r := range key {
		if r != keyWord && r != keyBreak {
			n++
		}
	}
	return n
}

// CheckSuggestText validates text typed for suggestions and returns its
// key, with ok false when there is too little to suggest for (fewer than
// two letters, digits or CJK characters: one character, punctuation only),
// which is no error. Errors wrap ErrInvalid: text longer than
// MaxQueryRunes, or not UTF-8.
func CheckSuggestText(text string) (key string, ok bool, err error) {
	if !utf8.ValidString(text) {
		return "", false, fmt.Errorf("suggest: text is not valid UTF-8: %w", ErrInvalid)
	}
	if n := utf8.RuneCountInString(text); n > MaxQueryRunes {
		return "", false, fmt.Errorf("suggest: text of %d characters, more than %d: %w", n, MaxQueryRunes, ErrInvalid)
	}
	if strings.IndexFunc(text, func(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' }) >= 0 {
		return "", false, fmt.Errorf("suggest: text with control characters: %w", ErrInvalid)
	}
	key = SuggestKey(text)
	return key, SuggestKeyRunes(key) >= minSuggestRunes, nil
}

// SuggestMatch reports whether a document whose title and number have the
// keys title and number is offered for key, and whether either starts with
// it (the better match).
func SuggestMatch(key, title, number string) (match, prefix bool) {
	if key == "" {
		return false, false
	}
	if strings.HasPrefix(title, key) || (number != "" && strings.HasPrefix(number, key)) {
		return true, true
	}
	return strings.Contains(title, key) || (number != "" && strings.Contains(number, key)), false
}

// SuggestRank orders the documents offered for one text: a title or
// number that starts with it before one that holds it further on; then a
// document in force (or amended, or not yet in force) before a repealed or
// expired one; then the newest published first, and last by print order,
// latest first. Compare gives that order.
type SuggestRank struct {
	Prefix     bool
	Superseded bool   // repealed or expired
	Published  Date   // zero sorts last
	Order      string // PrintOrder of the document's ID
}

// RankOf is the rank of a hit offered for key.
func RankOf(h *Hit, key string) SuggestRank {
	_, prefix := SuggestMatch(key, SuggestKey(h.Title), SuggestKey(h.DocNumber))
	return SuggestRank{Prefix: prefix, Superseded: Superseded(h.Validity), Published: h.Published, Order: PrintOrder(h.ID)}
}

// Hit is the hit that shows d, without a snippet: what an index holds of
// it to list it.
func (d *SearchDoc) Hit() Hit {
	auth := d.Authorities
	if auth == nil {
		auth = []string{}
	}
	return Hit{
		ID: d.ID, Title: d.Title, DocNumber: d.DocNumber, Kind: d.Kind, Authorities: auth,
		Issue: d.Issue, Pages: d.Pages, Signed: d.Signed, Published: d.Published, Validity: d.Validity.State,
	}
}

// CanonicalDocNumber is the canonical spelling of a document number (what
// Index.Lookup matches), or the text as given when it does not parse.
func CanonicalDocNumber(s string) string {
	if n, err := ParseDocNumber(s); err == nil {
		return n.String()
	}
	return s
}

// Superseded reports whether a document of validity v no longer applies:
// repealed or expired.
func Superseded(v Validity) bool { return v == Repealed || v == Expired }

// Compare returns -1 when r comes before o in a list of suggestions, +1
// when after, 0 when they tie.
func (r SuggestRank) Compare(o SuggestRank) int {
	if r.Prefix != o.Prefix {
		if r.Prefix {
			return -1
		}
		return 1
	}
	if r.Superseded != o.Superseded {
		if o.Superseded {
			return -1
		}
		return 1
	}
	if c := o.Published.Compare(r.Published); c != 0 {
		return c
	}
	return cmp.Compare(o.Order, r.Order)
}

// PrintOrder is a key that sorts document IDs in print order: by issue
// (year, regular issues before supplements, number), then position. IDs
// that are not document IDs sort after them, by ID.
func PrintOrder(id string) string {
	key, seq, err := ParseDocumentID(id)
	if err != nil {
		return "~" + id
	}
	s := 'n'
	if key.Supplement {
		s = 's'
	}
	return fmt.Sprintf("%04d%c%03d-%05d", key.Year, s, key.Number, seq)
}

func isKeyWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)) && !IsCJK(r)
}
