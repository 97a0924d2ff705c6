package bleveindex

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// foldTable maps every rune of the Basic Multilingual Plane to what
// gazette.FoldSearchText makes of it, -1 for a rune it drops. The fold is
// rune by rune, so a table gives the same result as the function, without
// its case-table lookups for every Han character.
var foldTable = sync.OnceValue(func() *[0x10000]rune {
	var t [0x10000]rune
	for r := range rune(len(t)) {
		t[r] = r
		if utf8.ValidRune(r) {
			f, _ := utf8.DecodeRuneInString(gazette.FoldSearchText(string(r)))
			if gazette.FoldSearchText(string(r)) == "" {
				f = -1
			}
			t[r] = f
		}
	}
	return &t
})

// fold is gazette.FoldSearchText, faster.
func fold(s string) string {
	t := foldTable()
	return strings.Map(func(r rune) rune {
		if r < 0x10000 {
			return t[r]
		}
		f := gazette.FoldSearchText(string(r))
		if f == "" {
			return -1
		}
		r, _ = utf8.DecodeRuneInString(f)
		return r
	}, s)
}
