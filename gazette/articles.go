package gazette

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// HeadingKind is the level of a heading in the text of a rule or normative
// document: a chapter (章), a section (节) within a chapter, or an article
// (条).
type HeadingKind string

// The headings of a rule's text.
const (
	Chapter HeadingKind = "chap"
	Section HeadingKind = "sec"
	Article HeadingKind = "art"
)

// Heading is a paragraph of a document's body that opens a chapter,
// section or article, with its stable anchor.
type Heading struct {
	Kind HeadingKind `json:"kind"`
	// Para is the paragraph's index in Document.Body.
	Para int `json:"para"`
	// Number is the heading's number (13 for 第十三条); Sub the number of
	// an inserted article (1 for 第十三条之一), else 0.
	Number, Sub int `json:"-"`
	// Label is the heading as printed, e.g. 第十三条 or 第二章.
	Label string `json:"label"`
	// Anchor is the fragment that links to the paragraph (ArticleAnchor).
	Anchor string `json:"anchor"`
}

// ArticleAnchor is the anchor scheme of a document's headings, stable
// across versions and corrections because it is made of the printed
// numbers alone:
//
//	第十三条      art-13
//	第十三条之一  art-13-1
//	第二章        chap-2
//	第二章第一节  sec-2-1 (a 节 counts within its 章; sec-1 before any 章)
//
// Articles are numbered through the whole rule, as Chinese rules number
// them, so art-13 is the same article whichever chapter holds it.
func ArticleAnchor(kind HeadingKind, chapter, number, sub int) string {
	switch kind {
	case Chapter:
		return "chap-" + strconv.Itoa(number)
	case Section:
		if chapter == 0 {
			return "sec-" + strconv.Itoa(number)
		}
		return "sec-" + strconv.Itoa(chapter) + "-" + strconv.Itoa(number)
	}
	if sub > 0 {
		return "art-" + strconv.Itoa(number) + "-" + strconv.Itoa(sub)
	}
	return "art-" + strconv.Itoa(number)
}

// chineseNumbers maps the numerals ChineseNumber writes (十三, 一百零五) back
// to their values, 1–999.
var chineseNumbers = func() map[string]int {
	m := make(map[string]int, 999)
	for n := 1; n <= 999; n++ {
		m[ChineseNumber(n)] = n
	}
	return m
}()

// headingNumber reads the number of a heading: 1–9999 in Chinese numerals
// as ChineseNumber writes them (thousands as a code of 1,260 articles
// prints them: 一千零五, 一千零一十, 一千一百一十九), or in Arabic digits
// (full-width too).
func headingNumber(s string) (int, bool) {
	if n, ok := chineseNumbers[s]; ok {
		return n, true
	}
	if th, rest, ok := strings.Cut(s, "千"); ok {
		t, ok := chineseNumbers[th]
		if !ok || t > 9 {
			return 0, false
		}
		if rest == "" {
			return t * 1000, true
		}
		if r, ok := strings.CutPrefix(rest, "零"); ok {
			if r, ok := strings.CutPrefix(r, "一十"); ok { // 一千零一十二
				r = "十" + r
				if n, ok := chineseNumbers[r]; ok {
					return t*1000 + n, true
				}
				return 0, false
			}
			if n, ok := chineseNumbers[r]; ok && n < 100 {
				return t*1000 + n, true
			}
			return 0, false
		}
		if n, ok := chineseNumbers[rest]; ok && n >= 100 {
			return t*1000 + n, true
		}
		return 0, false
	}
	s = NormalizeProvision(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 9999 || s[0] == '0' {
		return 0, false
	}
	return n, true
}

// parseHeading reads the heading a paragraph opens with: 第N章, 第N节,
// 第N条 or 第N条之M followed by a space, the end of the paragraph, or (for
// 条) the article's text. A heading is at most a few characters, so a
// sentence that only starts with 第 (第二批名单如下) is none.
func parseHeading(p string) (kind HeadingKind, number, sub int, label string, ok bool) {
	p = strings.TrimLeft(p, " \u3000\t")
	rest, found := strings.CutPrefix(p, "第")
	if !found {
		return "", 0, 0, "", false
	}
	for i, r := range rest {
		var k HeadingKind
		switch r {
		case '章':
			k = Chapter
		case '节':
			k = Section
		case '条':
			k = Article
		default:
			if i > 8*utf8.UTFMax {
				return "", 0, 0, "", false
			}
			continue
		}
		n, ok := headingNumber(rest[:i])
		if !ok {
			return "", 0, 0, "", false
		}
		after := rest[i+utf8.RuneLen(r):]
		label = p[:len(p)-len(after)]
		if k == Article {
			if tail, ok := strings.CutPrefix(after, "之"); ok {
				for j, r2 := range tail {
					if strings.ContainsRune("一二三四五六七八九十", r2) {
						continue
					}
					if m, ok := chineseNumbers[tail[:j]]; ok && j > 0 {
						sub, after = m, tail[j:]
					}
					break
				}
				if sub == 0 {
					if m, ok := chineseNumbers[tail]; ok {
						sub, after = m, ""
					}
				}
				label = p[:len(p)-len(after)]
			}
		} else if next, _ := utf8.DecodeRuneInString(after); after != "" && next != ' ' && next != '\u3000' {
			return "", 0, 0, "", false // 第二章节 or a sentence, not a heading
		}
		return k, n, sub, label, true
	}
	return "", 0, 0, "", false
}

// Headings finds the chapters, sections and articles of a body, in order,
// each with its anchor (ArticleAnchor). An anchor met a second time (an
// attachment that numbers its own articles from 第一条 again) is left out,
// so that every anchor names one paragraph; so is a heading whose number
// goes back (第三条 quoted after 第九条), which is a quotation, not the
// rule's own structure.
func Headings(body []string) []Heading {
	var out []Heading
	seen := map[string]bool{}
	chapter, lastArticle := 0, 0
	for i, p := range body {
		k, n, sub, label, ok := parseHeading(p)
		if !ok {
			continue
		}
		switch k {
		case Chapter:
			if n <= chapter {
				continue
			}
			chapter = n
		case Article:
			if n < lastArticle || (n == lastArticle && sub == 0) {
				continue
			}
			lastArticle = n
		}
		a := ArticleAnchor(k, chapter, n, sub)
		if seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, Heading{Kind: k, Para: i, Number: n, Sub: sub, Label: label, Anchor: a})
	}
	return out
}

// ArticleOf returns the anchor of the article, or failing that the section
// or chapter, that paragraph para of a body with headings hs lies in; ""
// before the first heading.
func ArticleOf(hs []Heading, para int) string {
	a := ""
	for _, h := range hs {
		if h.Para > para {
			break
		}
		a = h.Anchor
	}
	return a
}

// MatchAnchor returns the anchor (ArticleAnchor) of the article, section or
// chapter where the first of needles occurs in text, a body with its
// paragraphs joined by "\n" (or the start of one, up to the match); "" when
// none occurs, or occurs before the first heading. A search hit inside a
// long rule links there.
func MatchAnchor(text string, needles []string) string {
	if len(needles) == 0 {
		return ""
	}
	if hasDroppedRune(text) {
		text = FoldSearchText(text) // as Snippet does, so that offsets agree
	}
	at := firstMatch(text, foldNeedles(needles))
	if at <= 0 {
		return ""
	}
	paras := strings.Split(text[:at], "\n")
	return ArticleOf(Headings(paras), len(paras)-1)
}
