package bleveindex

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// TestSnippetMatchesGazette checks that the windowed snippet is exactly
// gazette.Snippet on the whole body.
func TestSnippetMatchesGazette(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("政务公开处理行政许可ＡＢab<>&\"' ，。\n1２𠀀")
	randText := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	fixed := []struct {
		body    string
		needles []string
	}{
		{"", []string{"x"}},
		{"短文", nil},
		{strings.Repeat("前言。", 100) + "<script>alert(1)</script>", []string{"alert", "script"}},
		{strings.Repeat("甲", 200) + "政务公开", []string{"政务公开"}},
		{strings.Repeat("甲", 79) + "政务公开" + strings.Repeat("乙", 200), []string{"政务公开"}},
		{strings.Repeat("甲", 118) + "政务公开" + strings.Repeat("乙", 200), []string{"政务", "政务公开"}},
		{"ＳＣＲＩＰＴ and script", []string{"script"}},
		{"闽\u200b政〔2019〕14号", []string{"闽政"}},
	}
	for _, f := range fixed {
		if got, want := snippet(f.body, f.needles), gazette.Snippet(f.body, f.needles, snippetRunes); got != want {
			t.Errorf("snippet(%.40q, %q)\n got %q\nwant %q", f.body, f.needles, got, want)
		}
	}
	for i := range 5000 {
		body := randText(rng.IntN(400))
		if i%50 == 0 {
			body += "\u200b" + randText(20)
		}
		var needles []string
		for range rng.IntN(3) {
			needles = append(needles, randText(1+rng.IntN(4)))
		}
		if got, want := snippet(body, needles), gazette.Snippet(body, needles, snippetRunes); got != want {
			t.Fatalf("snippet(%q, %q)\n got %q\nwant %q", body, needles, got, want)
		}
	}
}
