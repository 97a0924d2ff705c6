package meiliindex

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// snippet gives what gazette.Snippet gives on the whole text.
func TestSnippetWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	alphabet := []rune("政务公开处理待在建工程年第号ＡＢab<>&\"\n ")
	for n := range 300 {
		rs := make([]rune, 50+r.IntN(5000))
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		text := string(rs)
		if n%10 == 0 {
			text = strings.Replace(text, "政", "政\u200b", 1) // folding drops a character
		}
		var needles []string
		for range 1 + r.IntN(3) {
			i := r.IntN(len(rs) - 8)
			needles = append(needles, string(rs[i:i+1+r.IntN(7)]))
		}
		if n%7 == 0 {
			needles = []string{"不在其中"}
		}
		var folded []string
		for _, s := range needles {
			folded = append(folded, gazette.FoldSearchText(s))
		}
		want := gazette.Snippet(text, needles, snippetRunes)
		if got := snippet(text, folded, needles); got != want {
			t.Fatalf("needles %q:\n got %q\nwant %q", needles, got, want)
		}
	}
}
