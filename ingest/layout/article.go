package layout

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ArticleGap is what separates an article or chapter heading from its text
// in a paragraph: one ideographic space, as gazettes and GB/T 9704 set it
// (第一条　为了…, 第一章　总则). Search folds it to a space, and both search
// indexes read a space inside a run of Han characters as no break, so
// 第一条为了 still finds 第一条　为了.
const ArticleGap = "\u3000"

// ArticleSpace gives the article or chapter heading that opens a paragraph
// (第一条, 第十二条之一, 第三章, 第二节, 第一编; 條, 節, 編 alike; numerals
// Chinese or Arabic) exactly one ArticleGap before its text. Extraction
// loses the printed space (a gap between two Han characters, never a space
// glyph) or gives ASCII or doubled spaces instead; either way the paragraph
// comes back as printed. Only the opening of a paragraph is touched, so a
// reference inside running text (依照本办法第一条规定) never is; and a
// paragraph that opens with a reference rather than a heading (第一条规定的
// 情形, 第三条第二款, 第五条、第六条, 第一条至第五条) is left as it is, as is
// a heading with nothing after it.
func ArticleSpace(s string) string {
	head, rest, ok := articleHead(s)
	if !ok {
		return s
	}
	text := strings.TrimLeftFunc(rest, unicode.IsSpace)
	if text == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(text)
	if unicode.IsPunct(r) && !strings.ContainsRune("（(【[〔《“「‘", r) {
		return s // 第一条，第二条… or 第三条）: a reference, or no heading at all
	}
	if len(text) == len(rest) && continuesReference(text) {
		// Nothing between: a heading only if what follows cannot go on
		// from a reference to the article.
		return s
	}
	if rest[:len(rest)-len(text)] == ArticleGap {
		return s
	}
	return head + ArticleGap + text
}

// articleHead splits off the 第…条 (章, 节, 编) heading that s opens with,
// spaces inside it (第 一 条, as OCR reads it) kept as they are.
func articleHead(s string) (head, rest string, ok bool) {
	rest, ok = strings.CutPrefix(s, "第")
	if !ok {
		return "", s, false
	}
	rest = strings.TrimLeft(rest, " ")
	digits := 0
	for rest != "" {
		r, n := utf8.DecodeRuneInString(rest)
		if !strings.ContainsRune("〇零一二三四五六七八九十百千两0123456789０１２３４５６７８９", r) {
			break
		}
		rest, digits = rest[n:], digits+1
	}
	if digits == 0 || digits > 8 {
		return "", s, false
	}
	rest = strings.TrimLeft(rest, " ")
	r, n := utf8.DecodeRuneInString(rest)
	if !strings.ContainsRune("条章节编條章節編", r) {
		return "", s, false
	}
	rest = rest[n:]
	// An article inserted by an amendment: 第十条之一.
	if after, ok := strings.CutPrefix(rest, "之"); ok {
		r, n := utf8.DecodeRuneInString(after)
		if strings.ContainsRune("一二三四五六七八九十", r) {
			rest = after[n:]
		}
	}
	return s[:len(s)-len(rest)], rest, true
}

// referenceWords go on from a reference to an article (第一条规定的, 第三条
// 第二款, 第五条和第六条, and the items of an amending decision: 第十条修改为,
// 第五条后增加一条): an article's own text never opens with them.
var referenceWords = []string{
	"的", "之", "和", "与", "與", "及", "或", "至", "到", "第", "款", "项", "項", "等", "后", "後",
	"中的", "中“", "所称", "所稱", "所列", "所指", "所述", "规定", "規定", "以外",
	"修改", "修正", "修订", "修訂", "增加", "增設", "增设", "删去", "删除", "刪去", "刪除", "改为", "改為", "作为", "作為", "废止", "廢止",
}

func continuesReference(text string) bool {
	for _, w := range referenceWords {
		if strings.HasPrefix(text, w) {
			return true
		}
	}
	return false
}
