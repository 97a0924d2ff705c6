package gazette

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Snippet returns up to maxRunes of text around the first occurrence of any
// needle, HTML-escaped, with every occurrence of a needle inside it wrapped
// in <mark>. Text is untrusted: it is escaped first, then marked. Matching
// folds width and case as FoldSearchText does. The window starts a third of
// its width before the first match, or at the first clause that begins
// in between, with "…" where text is cut; without a match it is the start
// of the text. Where folding drops characters
// (zero-width ones), the snippet shows the folded text.
//
// Only the text up to the first match is scanned, once, and only the window
// is worked on rune by rune, so a match at the end of a 300,000-character
// body costs a single pass.
func Snippet(text string, needles []string, maxRunes int) string {
	if hasDroppedRune(text) {
		text = FoldSearchText(text) // from here folding maps rune to rune
	}
	ns := foldNeedles(needles)
	// The window starts maxRunes/3 runes before the first match, or at the
	// start of text if that is nearer.
	first := max(firstMatch(text, ns), 0)
	lo := first
	for range maxRunes / 3 {
		_, w := utf8.DecodeLastRuneInString(text[:lo])
		lo -= w
	}
	// A window cut mid-word (…构：根据) starts at the clause after the cut
	// instead, where one begins before the match.
	if lo > 0 {
		if i := strings.IndexAny(text[lo:first], clauseEnds); i >= 0 {
			_, w := utf8.DecodeRuneInString(text[lo+i:])
			lo += i + w
		}
	}
	end := runeOffset(text, lo, maxRunes)
	// The window's runes folded, and where each starts in win, the
	// window, which is written out escaped as it is, but for bytes that
	// are not UTF-8, each shown as U+FFFD.
	win := text[lo:end]
	if !utf8.ValidString(win) {
		win = string([]rune(win))
	}
	var frBuf [128]rune
	var atBuf [129]int
	fr, at := frBuf[:0], atBuf[:0]
	for i, r := range win {
		fr = append(fr, foldRune(r))
		at = append(at, i)
	}
	at = append(at, len(win))
	// matchAt is the length in the window's runes of the longest needle
	// matching at i, inside the window, across the marks people leave
	// out (双随机、一公开 for 双随机一公开).
	matchAt := func(i int) int {
		best := 0
		for _, n := range ns {
			if fr[i] != n[0] {
				continue
			}
			if m := matchLen(fr[i:], n); m > best {
				best = m
			}
		}
		return best
	}
	var b strings.Builder
	b.Grow(len(win) + 32)
	if lo > 0 {
		b.WriteString("…")
	}
	for i := 0; i < len(fr); {
		if n := matchAt(i); n > 0 {
			b.WriteString("<mark>")
			htmlEscaper.WriteString(&b, win[at[i]:at[i+n]])
			b.WriteString("</mark>")
			i += n
			continue
		}
		j := i + 1
		for j < len(fr) && matchAt(j) == 0 {
			j++
		}
		htmlEscaper.WriteString(&b, win[at[i]:at[j]])
		i = j
	}
	if end < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// htmlEscaper escapes as html.EscapeString does, writing straight into
// the snippet.
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// clauseEnds are the marks after which a snippet's window may start: a
// clause begins after them.
const clauseEnds = "。！？；：，、\n"

// FirstMatch returns the byte offset in text of the first place where any
// needle matches, folded as Snippet folds, or -1. For text without
// zero-width characters.
func FirstMatch(text string, needles []string) int {
	return firstMatch(text, foldNeedles(needles))
}

// foldNeedles returns the needles folded, as runes, without the marks
// people leave out (IsJoiningMark) and without empty ones.
func foldNeedles(needles []string) [][]rune {
	var ns [][]rune
	for _, n := range needles {
		f := slices.DeleteFunc([]rune(FoldSearchText(n)), IsJoiningMark)
		if len(f) > 0 {
			ns = append(ns, f)
		}
	}
	return ns
}

// matchLen returns how many runes of fr (folded) the needle n matches from
// its start, joining marks inside the match skipped, or 0.
func matchLen(fr, n []rune) int {
	i := 0
	for k, c := range n {
		for k > 0 && i < len(fr) && IsJoiningMark(fr[i]) {
			i++
		}
		if i >= len(fr) || fr[i] != c {
			return 0
		}
		i++
	}
	return i
}

// firstMatch returns the byte offset in s of the first place where any of
// the folded needles matches s folded, or -1.
func firstMatch(s string, needles [][]rune) int {
	first := -1
	var slow [][]rune
	for _, n := range needles {
		if !allIdeographs(n) {
			slow = append(slow, n)
			continue
		}
		// Nothing else folds to an ideograph: the needle occurs as it is,
		// or with marks inside it that the slow scan skips.
		i := strings.Index(s, string(n))
		if i < 0 {
			slow = append(slow, n)
			continue
		}
		if first < 0 || i < first {
			first = i
		}
	}
	if len(slow) > 0 {
		limit := s
		if first >= 0 {
			limit = s[:first]
		}
		if i := scanMatch(limit, s, slow); i >= 0 {
			first = i
		}
	}
	return first
}

// scanMatch returns the byte offset of the first place in prefix, a prefix
// of s, where one of needles matches s, comparing rune by rune folded, or -1.
func scanMatch(prefix, s string, needles [][]rune) int {
	for i := 0; i < len(prefix); {
		r, w := utf8.DecodeRuneInString(s[i:])
		f := foldRune(r)
		for _, n := range needles {
			if n[0] != f {
				continue
			}
			j, m := i+w, 1
			for ; m < len(n) && j < len(s); m++ {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				for IsJoiningMark(foldRune(r2)) && j+w2 < len(s) {
					j += w2
					r2, w2 = utf8.DecodeRuneInString(s[j:])
				}
				if foldRune(r2) != n[m] {
					break
				}
				j += w2
			}
			if m == len(n) {
				return i
			}
		}
		i += w
	}
	return -1
}

// allIdeographs reports whether every rune of n is in U+4000–U+9FFF, the
// range FoldSearchText leaves alone and maps nothing into.
func allIdeographs(n []rune) bool {
	for _, r := range n {
		if r < 0x4000 || r > 0x9FFF {
			return false
		}
	}
	return true
}

// hasDroppedRune reports whether s holds a zero-width character. Each
// starts with 0xC2, 0xE2 or 0xEF: those bytes are found with IndexByte, far
// faster than decoding every rune of a long body.
func hasDroppedRune(s string) bool {
	for _, lead := range [...]byte{0xC2, 0xE2, 0xEF} {
		for i := 0; ; i++ {
			j := strings.IndexByte(s[i:], lead)
			if j < 0 {
				break
			}
			i += j
			if r, _ := utf8.DecodeRuneInString(s[i:]); isZeroWidth(r) {
				return true
			}
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
