package gazette

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

// snippetReference is Snippet as first written, plainly: it returns up to about maxRunes of text around the first occurrence
// of any needle, HTML-escaped, with every occurrence of a needle wrapped in
// <mark>. Text is untrusted: it is escaped first, then marked. Matching
// folds width and case as FoldSearchText does. Without a match it returns
// the escaped start of the text. Only the window is worked on rune by rune,
// so a match at the end of a 300,000-character body costs little.
func snippetReference(text string, needles []string, maxRunes int) string {
	folded := FoldSearchText(text)
	src := text
	if utf8.RuneCountInString(folded) != utf8.RuneCountInString(text) {
		src = folded // zero-width characters were dropped: show the folded text
	}
	var ns [][]rune
	for _, n := range needles {
		var rs []rune
		for _, r := range FoldSearchText(n) {
			if !IsJoiningMark(r) {
				rs = append(rs, r)
			}
		}
		if len(rs) > 0 {
			ns = append(ns, rs)
		}
	}
	// match is how many runes of f from i a needle matches, the marks
	// people leave out skipped inside it, or 0.
	match := func(f []rune, i int, n []rune) int {
		j := i
		for k, c := range n {
			for k > 0 && j < len(f) && IsJoiningMark(f[j]) {
				j++
			}
			if j >= len(f) || f[j] != c {
				return 0
			}
			j++
		}
		return j - i
	}
	all := []rune(folded)
	first := -1
	for i := 0; i < len(all) && first < 0; i++ {
		for _, n := range ns {
			if match(all, i, n) > 0 {
				first = i
				break
			}
		}
	}
	start := 0
	if first > maxRunes/3 {
		start = first - maxRunes/3
		shown := []rune(src)
		for i := start; i < first; i++ {
			if strings.ContainsRune("。！？；：，、\n", shown[i]) {
				start = i + 1
				break
			}
		}
	}
	rs, more := runeWindow(src, start, maxRunes)
	fr, _ := runeWindow(folded, start, maxRunes)
	matchAt := func(i int) int {
		best := 0
		for _, n := range ns {
			best = max(best, match(fr, i, n))
		}
		return best
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	for i := 0; i < len(rs); {
		if n := matchAt(i); n > 0 {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(string(rs[i:min(i+n, len(rs))])))
			b.WriteString("</mark>")
			i += n
			continue
		}
		j := i + 1
		for j < len(rs) && matchAt(j) == 0 {
			j++
		}
		b.WriteString(html.EscapeString(string(rs[i:j])))
		i = j
	}
	if more {
		b.WriteString("…")
	}
	return b.String()
}

// runeWindow returns n runes of s from rune start, and whether s goes on.
func runeWindow(s string, start, n int) ([]rune, bool) {
	out := make([]rune, 0, n)
	i := 0
	for _, r := range s {
		switch {
		case i < start:
		case len(out) < n:
			out = append(out, r)
		default:
			return out, true
		}
		i++
	}
	return out, false
}

func TestSnippetAgreesWithReference(t *testing.T) {
	long := strings.Repeat("各地区、各部门要按照本通知要求，认真做好工作。", 400)
	for _, c := range []struct {
		text    string
		needles []string
	}{
		{"关于加强政务公开工作的意见", []string{"政务公开"}},
		{long + "应急管理厅负责解释。" + long, []string{"应急管理厅", "解释"}},
		{"<b>政务</b>公开&amp;", []string{"政务"}},
		{"ＰＤＦ文件与pdf", []string{"PDF"}},
		{"政\u200b务公开，" + long, []string{"政务"}},
		{long + "政务", []string{"政务", ""}},
		{"无匹配" + long, []string{"不存在"}},
		{"bad\xffutf8 政务", []string{"政务"}},
		{"实行“双随机、一公开”监管。" + long, []string{"双随机一公开"}},
		{long + "加强决策、执行、管理", []string{"决策执行管理", "执行"}},
		{"《福建省行政许可》", []string{"福建省，行政许可"}},
		{long + "机构：\n根据国家有关规定，决定调整最低工资标准。", []string{"最低"}},
	} {
		for _, width := range []int{10, 120} {
			if got, want := Snippet(c.text, c.needles, width), snippetReference(c.text, c.needles, width); got != want {
				t.Errorf("Snippet(%.40q, %q, %d)\n = %q\nwant %q", c.text, c.needles, width, got, want)
			}
		}
	}
}

func FuzzSnippet(f *testing.F) {
	f.Add("关于加强政务公开工作的意见", "政务", "公开", 12)
	f.Add("ＡＢＣ abc \u200b<x>", "abc", "<", 5)
	f.Fuzz(func(t *testing.T, text, n1, n2 string, width int) {
		width = 1 + width&63
		if got, want := Snippet(text, []string{n1, n2}, width), snippetReference(text, []string{n1, n2}, width); got != want {
			t.Errorf("Snippet(%q, %q, %q, %d) = %q, the reference gives %q", text, n1, n2, width, got, want)
		}
	})
}

// BenchmarkSnippetLateMatch is a snippet of a match at the end of a
// 300,000-character body.
func BenchmarkSnippetLateMatch(b *testing.B) {
	body := strings.Repeat("各地区、各部门要按照本通知要求，认真做好工作。", 13000) + "本办法由省应急管理厅负责解释。"
	for b.Loop() {
		Snippet(body, []string{"应急管理厅", "负责解释"}, 120)
	}
}

// TestHasDroppedRune holds hasDroppedRune's shortcut to the list it scans
// for: every zero-width character starts with one of the bytes it checks.
func TestHasDroppedRune(t *testing.T) {
	for _, r := range zeroWidth {
		if b := string(r)[0]; b != 0xC2 && b != 0xE2 && b != 0xEF {
			t.Errorf("%U starts with %#x, which hasDroppedRune does not look at", r, b)
		}
		for _, s := range []string{string(r), "政务" + string(r) + "公开", "“引号”—" + string(r)} {
			if !hasDroppedRune(s) {
				t.Errorf("hasDroppedRune(%q) = false", s)
			}
		}
	}
	for _, s := range []string{"", "政务公开", "“引号”—…·", "\u00A0\u2061\uFEFE"} {
		if hasDroppedRune(s) {
			t.Errorf("hasDroppedRune(%q) = true", s)
		}
	}
}

// BenchmarkSnippetBody is a snippet of a match near the start of a body of
// 1,000 characters, with the full-width punctuation of real text.
func BenchmarkSnippetBody(b *testing.B) {
	body := strings.Repeat("各地区、各部门要按照本通知要求，认真做好工作：“双随机、一公开”。", 5) + "本办法由省应急管理厅负责解释。" + strings.Repeat("有关单位（部门）应当遵照执行；", 50)
	for b.Loop() {
		Snippet(body, []string{"应急管理厅", "负责解释"}, 120)
	}
}
