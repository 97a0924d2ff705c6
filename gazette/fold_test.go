package gazette

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// foldReference is FoldSearchText's rule written plainly, rune by rune.
func foldReference(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '！' && r <= '～':
			r = r - '！' + '!'
		case isZeroWidth(r):
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

func TestFoldSearchText(t *testing.T) {
	for in, want := range map[string]string{
		"政务公开":                   "政务公开",
		"闽政〔２０１９〕１４号":            "闽政〔2019〕14号",
		"ＧＢ／Ｔ\u30007714":         "gb/t 7714",
		"PDF格式":                  "pdf格式",
		"政\u200b务\ufeff公开\u00ad": "政务公开",
		"ÀÉÎ Ωμέγα":              "àéî ωμέγα",
		"bad \xff\xfe utf8 中":    "bad \uFFFD\uFFFD utf8 中",
		"\xe4\xb8":               "\uFFFD\uFFFD", // a CJK lead byte cut short
		"":                       "",
	} {
		if got := FoldSearchText(in); got != want {
			t.Errorf("FoldSearchText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFoldEveryRune checks every character, and each with a Han neighbour
// (which takes FoldSearchText's fast path).
func TestFoldEveryRune(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, s := range []string{string(r), "政" + string(r) + "务"} {
			if got, want := FoldSearchText(s), foldReference(s); got != want {
				t.Fatalf("FoldSearchText(%q) = %q, the rule gives %q", s, got, want)
			}
		}
	}
}

func FuzzFoldSearchText(f *testing.F) {
	for _, s := range []string{"政务公开", "ＡＢｃ１２３\u3000测试", "x\u200by", "\xe9\xbf", "Ǆǅǆ", "\xef\xbf\xbd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := FoldSearchText(s), foldReference(s); got != want {
			t.Errorf("FoldSearchText(%q) = %q, the rule gives %q", s, got, want)
		}
	})
}

// BenchmarkFoldSearchText folds a page of Chinese with a little Latin, as
// every snippet does.
func BenchmarkFoldSearchText(b *testing.B) {
	page := strings.Repeat("第一条　为了规范政府信息公开工作，根据《中华人民共和国政府信息公开条例》（国务院令第711号）制定本办法。", 30)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		FoldSearchText(page)
	}
}
