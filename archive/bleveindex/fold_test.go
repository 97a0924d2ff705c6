package bleveindex

import (
	"testing"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

func TestFoldIsFoldSearchText(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		if got, want := fold(s), gazette.FoldSearchText(s); got != want {
			t.Fatalf("fold(%U) = %q, FoldSearchText = %q", r, got, want)
		}
	}
	for _, s := range []string{"", "ＳＣＲＩＰＴ　政务\u200b公开Ａ", "闽政〔２０１９〕１４号", "\xff"} {
		if got, want := fold(s), gazette.FoldSearchText(s); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}
