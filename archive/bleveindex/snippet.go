package bleveindex

import (
	"html"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// snippet returns exactly gazette.Snippet(body, needles, snippetRunes),
// computed on the stretch of the body the snippet shows. gazette.Snippet
// folds the whole body and makes a string of every needle-sized piece of
// it from the start until the first match; on a page of hits that was a
// quarter of the cost of a search. Here the first match is found by one
// pass over the body with the fold table, and only the window around it
// is marked, by the same algorithm, with the ellipses gazette.Snippet would
// have added. TestSnippetMatchesGazette holds the two equal.
func snippet(body string, needles []string) string {
	if hasDroppedRune(body) {
		// Folding drops a character: gazette.Snippet then works on the
		// folded text, whose positions are not the body's.
		return gazette.Snippet(body, needles, snippetRunes)
	}
	var ns [][]rune
	longest := 1
	for _, n := range needles {
		if f := []rune(fold(n)); len(f) > 0 {
			ns = append(ns, f)
			longest = max(longest, len(f))
		}
	}
	first, firstRune := firstMatch(body, ns)
	if first < 0 {
		first, firstRune = 0, 0
	}
	// The window gazette.Snippet would choose: from a third of the width
	// before the first match, for the width; plus room for a match that
	// starts inside it and runs past its end.
	lo, start := 0, 0
	if firstRune > snippetRunes/3 {
		lo, start = first, firstRune-snippetRunes/3
		for range snippetRunes / 3 {
			_, w := utf8.DecodeLastRuneInString(body[:lo])
			lo -= w
		}
	}
	end := runeOffset(body, lo, snippetRunes) // byte offset of the window's end
	wend := runeOffset(body, end, longest-1)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	// Within the window the first match is at most snippetRunes/3 in, so
	// the snippet of the window starts at its start and stops at end,
	// adding "…" itself when the window runs on past end.
	b.WriteString(markSnippet(body[lo:wend], ns, snippetRunes))
	if end < len(body) && wend == end {
		b.WriteString("…")
	}
	return b.String()
}

// markSnippet is gazette.Snippet(text, needles, maxRunes) for text without
// characters that folding drops, with needles already folded and non-empty:
// the same algorithm, comparing runes in place where gazette.Snippet makes a
// string of every candidate (TestSnippetMatchesGazette holds them equal).
func markSnippet(text string, needles [][]rune, maxRunes int) string {
	rs := []rune(text)
	folded := []rune(fold(text))
	matchAt := func(i int) int {
		best := 0
		for _, n := range needles {
			if len(n) > best && i+len(n) <= len(folded) && slices.Equal(folded[i:i+len(n)], n) {
				best = len(n)
			}
		}
		return best
	}
	first := -1
	for i := range folded {
		if matchAt(i) > 0 {
			first = i
			break
		}
	}
	start := 0
	if first > maxRunes/3 {
		start = first - maxRunes/3
	}
	end := min(len(rs), start+maxRunes)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	for i := start; i < end; {
		if n := matchAt(i); n > 0 {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(string(rs[i:min(i+n, len(rs))])))
			b.WriteString("</mark>")
			i += n
			continue
		}
		j := i + 1
		for j < end && matchAt(j) == 0 {
			j++
		}
		b.WriteString(html.EscapeString(string(rs[i:j])))
		i = j
	}
	if end < len(rs) {
		b.WriteString("…")
	}
	return b.String()
}

// firstMatch returns the byte offset and the rune index in s of the first
// place where any of the folded needles matches the folded text, or -1.
func firstMatch(s string, needles [][]rune) (int, int) {
	if len(needles) == 0 {
		return -1, 0
	}
	t := foldTable()
	foldRune := func(r rune) rune {
		if r < 0x10000 {
			return t[r]
		}
		return []rune(fold(string(r)))[0]
	}
	k := 0
	for i := 0; i < len(s); k++ {
		r, w := utf8.DecodeRuneInString(s[i:])
		f := foldRune(r)
		for _, n := range needles {
			if n[0] != f {
				continue
			}
			j, m := i+w, 1
			for ; m < len(n) && j < len(s); m++ {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if foldRune(r2) != n[m] {
					break
				}
				j += w2
			}
			if m == len(n) {
				return i, k
			}
		}
		i += w
	}
	return -1, 0
}

// droppedRunes are the UTF-8 encodings of the characters folding drops.
var droppedRunes = sync.OnceValue(func() []string {
	var out []string
	for r, f := range foldTable() {
		if f < 0 {
			out = append(out, string(rune(r)))
		}
	}
	return out
})

func hasDroppedRune(s string) bool {
	for _, d := range droppedRunes() {
		if strings.Contains(s, d) {
			return true
		}
	}
	return false
}

// runeOffset returns the byte offset count runes after byte offset from in
// s, or len(s).
func runeOffset(s string, from, count int) int {
	i := from
	for ; count > 0 && i < len(s); count-- {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}
