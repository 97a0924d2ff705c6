package bleveindex

import (
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// snippet returns gazette.Snippet(body, needles, snippetRunes), computed on
// the stretch of the body the snippet shows. gazette.Snippet compares every
// needle at every position from the start of the text, which costs a lot on
// a long body whose first match is far in; the first match is found here
// with strings.Index on the folded text instead, and only the window around
// it is handed to gazette.Snippet, with the ellipses it would have added.
func snippet(body string, needles []string) string {
	folded := fold(body)
	n := utf8.RuneCountInString(body)
	if utf8.RuneCountInString(folded) != n {
		// Zero-width characters were dropped: positions in the folded text
		// are not those of the body; let gazette.Snippet handle it.
		return gazette.Snippet(body, needles, snippetRunes)
	}
	first, longest := -1, 1
	for _, nd := range needles {
		nd = fold(nd)
		if nd == "" {
			continue
		}
		longest = max(longest, utf8.RuneCountInString(nd))
		if i := strings.Index(folded, nd); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	firstRune := 0
	if first > 0 {
		firstRune = utf8.RuneCountInString(folded[:first])
	}
	// The same window as gazette.Snippet chooses, plus room for a match
	// that starts inside it and runs past its end.
	start := 0
	if firstRune > snippetRunes/3 {
		start = firstRune - snippetRunes/3
	}
	end := min(n, start+snippetRunes)
	wend := min(n, end+longest-1)
	lo := runeOffset(body, 0, start)
	hi := runeOffset(body, lo, wend-start)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	// Within the window the first match is at most snippetRunes/3 in, so
	// gazette.Snippet starts at the window's start and stops at end,
	// adding "…" itself when the window runs on past end.
	b.WriteString(gazette.Snippet(body[lo:hi], needles, snippetRunes))
	if end < n && wend == end {
		b.WriteString("…")
	}
	return b.String()
}

// runeOffset returns the byte offset of the rune count runes after byte
// offset from in s.
func runeOffset(s string, from, count int) int {
	i := from
	for ; count > 0 && i < len(s); count-- {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}
