package ocr

import (
	"slices"
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
	var b strings.Builder
	var prev rune
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(w)
		if b.Len() > 0 && !isCJK(prev) && !isCJK(first) {
			b.WriteByte(' ')
		}
		b.WriteString(w)
		prev, _ = utf8.DecodeLastRuneInString(w)
	}
	return b.String()
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

// fixReading corrects what tesseract reliably confuses in Chinese text
// where the printed form is not in doubt: the 〇 of a Chinese-numeral date
// read as a Latin O or a zero ("二O二四年"). (The brackets of a 文号 are
// left as read: gazettes print 〔〕, [] and () alike.)
func fixReading(s string) string {
	rs := []rune(s)
	numeral := func(i int) bool {
		return i >= 0 && i < len(rs) && strings.ContainsRune("一二三四五六七八九十〇", rs[i])
	}
	zero := func(r rune) bool { return r == 'O' || r == 'o' || r == '0' || r == 'Ｏ' || r == '０' }
	for i := 0; i < len(rs); i++ {
		if !zero(rs[i]) || !numeral(i-1) {
			continue
		}
		j := i // a run of them: 二OO二年 is 2002
		for j < len(rs) && zero(rs[j]) {
			j++
		}
		if numeral(j) || j < len(rs) && rs[j] == '年' {
			for k := i; k < j; k++ {
				rs[k] = '〇'
			}
		}
		i = j
	}
	return string(fixYears(rs))
}

// zeroReadings are what tesseract makes of the 〇 of a printed year, the
// two-character ones first: 二DO二四年, 二()二四年, 二口二四年.
var zeroReadings = [][]rune{
	[]rune("DO"), []rune("D0"), []rune("DQ"), []rune("()"), []rune("（）"), []rune("[]"),
	[]rune("O"), []rune("o"), []rune("0"), []rune("Ｏ"), []rune("０"), []rune("D"), []rune("Q"), []rune("口"), []rune("○"),
}

// fixYears rewrites the 〇 of a Chinese-numeral year before 年 however it
// was read: what stands before 年 must read as the four digits of one
// year, starting with a printed 一 or 二 (1xxx, 2xxx), and not be the end
// of a longer number. Only then is each misreading a 〇.
func fixYears(rs []rune) []rune {
	isNumeral := func(r rune) bool { return strings.ContainsRune("一二三四五六七八九〇", r) }
	type span struct{ from, to int }
	var fix []span
	for i, r := range rs {
		if r != '年' {
			continue
		}
		j, slots := i, 0
		var zeros []span
	slot:
		for slots < 4 && j > 0 {
			if isNumeral(rs[j-1]) {
				j--
				slots++
				continue
			}
			for _, z := range zeroReadings {
				if j >= len(z) && slices.Equal(rs[j-len(z):j], z) {
					zeros = append(zeros, span{j - len(z), j})
					j -= len(z)
					slots++
					continue slot
				}
			}
			break
		}
		if slots == 4 && len(zeros) > 0 && (rs[j] == '一' || rs[j] == '二') && (j == 0 || !isNumeral(rs[j-1])) {
			fix = append(fix, zeros...)
		}
	}
	if len(fix) == 0 {
		return rs
	}
	slices.SortFunc(fix, func(a, b span) int { return a.from - b.from })
	out := make([]rune, 0, len(rs))
	at := 0
	for _, f := range fix {
		out = append(out, rs[at:f.from]...)
		out = append(out, '〇')
		at = f.to
	}
	return append(out, rs[at:]...)
}
