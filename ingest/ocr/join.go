package ocr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// joinWords joins the words of one line the way the line was printed:
// Chinese has no spaces between words, so a space goes only between two
// words that meet on non-CJK characters ("GB/T 9704"), never where either
// side is Han, kana, hangul or CJK punctuation ("2019 年" becomes "2019年").
// Tools put spaces between every Han character; this takes them out.
func joinWords(words []string) string {
	s, _ := joinConf(words, nil)
	return s
}

// joinConf is joinWords that also gives each rune of the line the
// confidence of the word it came from (confs, one per word; nil for none).
// A space put between words takes the higher of its neighbours'.
func joinConf(words []string, confs []float64) (string, []float64) {
	var b strings.Builder
	var out []float64
	var prev rune
	for i, w := range words {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		c := 100.0
		if confs != nil {
			c = confs[i]
		}
		first, _ := utf8.DecodeRuneInString(w)
		if b.Len() > 0 && !isCJK(prev) && !isCJK(first) {
			b.WriteByte(' ')
			out = append(out, max(c, out[len(out)-1]))
		}
		b.WriteString(w)
		for range utf8.RuneCountInString(w) {
			out = append(out, c)
		}
		prev, _ = utf8.DecodeLastRuneInString(w)
	}
	return b.String(), out
}

// isCJK reports whether r is written without spaces around it in Chinese
// text: ideographs, kana, hangul, CJK and full-width punctuation.
func isCJK(r rune) bool {
	switch {
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo):
		return true
	case r >= 0x3000 && r <= 0x303F: // CJK symbols and punctuation: 、。〔〕【】
		return true
	case r >= 0xFF00 && r <= 0xFFEF: // full-width forms: ，：（）
		return true
	case r >= 0x2E80 && r <= 0x2FDF, r >= 0x31C0 && r <= 0x31EF: // radicals, strokes
		return true
	case r == '—' || r == '…' || r == '·' || r == '“' || r == '”' || r == '‘' || r == '’':
		// Punctuation Chinese shares with Western text, set without spaces in Chinese.
		return true
	}
	return false
}

// fullWidth maps the ASCII punctuation tesseract emits for Chinese marks to
// the full-width forms Chinese text is printed with.
var fullWidth = map[rune]rune{',': '，', ':': '：', ';': '；', '(': '（', ')': '）', '!': '！', '?': '？', '.': '。'}

// chinesePunct replaces ASCII punctuation that touches a Han character with
// its full-width form ("执行." → "执行。", "(区)" → "（区）"), leaving Latin
// and numeric text alone ("1.5", "Art. 3"). A full stop becomes 。 only after
// a Han character and before a Han character or the end of the line.
func chinesePunct(s string) string {
	rs := []rune(s)
	han := func(i int) bool { return i >= 0 && i < len(rs) && unicode.Is(unicode.Han, rs[i]) }
	for i, r := range rs {
		fw, ok := fullWidth[r]
		if !ok {
			continue
		}
		if r == '.' {
			if han(i-1) && (i == len(rs)-1 || han(i+1)) {
				rs[i] = fw
			}
			continue
		}
		// Brackets look outwards for their content: "(区)" has 区 inside.
		if han(i-1) || han(i+1) {
			rs[i] = fw
		}
	}
	return string(rs)
}
