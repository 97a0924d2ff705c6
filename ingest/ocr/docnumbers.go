package ocr

import (
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

// CheckDocNumbers checks the agency code of each regular 文号 that OCR read
// against the provinces the file's lines name. A provincial agency code
// begins with its province's abbreviation, and no code begins with two
// characters of which only the second is one: a code that begins with a
// stray mark before a named province's abbreviation (了豫交规 on a page of
// 河南省交通运输厅) loses the mark; one whose first character is no
// province's abbreviation, in a file whose 发文机关标志 names one province's
// body (广东省教育考试院文件), had that abbreviation misread (押教考 is
// 粤教考), or lost where its first character is one of that body's name
// after the province (人社规 for 广东省人力资源和社会保障厅's 粤人社规: a
// code abbreviates its body's name). A city's code (深府, 穗府) is left
// alone: its 发文机关标志 names the city. Where no one 发文机关标志 names the
// issuer (a gazette issue reprints many bodies' documents without theirs), a
// 文号 standing alone under a title that begins with a province's body
// (广东省人民政府关于…的通知 over 铀政人〔2016〕9号) is checked against that body
// the same way. Each change is recorded in the page's Corrections with the
// page's confidence; pages of other extractors are left alone.
func CheckDocNumbers(pages []page.Page) {
	named := map[rune]bool{}    // abbreviations of the provinces the lines begin with
	issuer := map[rune]string{} // … of those whose 发文机关标志 (…文件) it is, to its text
	for _, p := range pages {
		for _, l := range p.Lines {
			t := strings.TrimSpace(l.Text)
			if a, ok := gazette.ProvinceAbbrev(t); ok {
				r, _ := utf8.DecodeRuneInString(a)
				named[r] = true
				if s := page.Squeeze(t); strings.HasSuffix(s, "文件") {
					issuer[r] += s
				}
			}
		}
	}
	if len(named) == 0 {
		return
	}
	for pi := range pages {
		p := &pages[pi]
		if p.Extractor != page.OCR {
			continue
		}
		for li, l := range p.Lines {
			text := l.Text
			for _, m := range gazette.FindDocNumbers(l.Text) {
				code := []rune(m.Number.Agency)
				if m.Number.Kind != gazette.DocNumberRegular || len(code) < 2 || gazette.IsProvinceAbbrev(code[0]) {
					continue
				}
				raw := l.Text[m.Start:m.End]
				first := string(code[0])
				if !strings.HasPrefix(raw, first) {
					continue
				}
				switch {
				case len(code) >= 3 && named[code[1]]:
					text = strings.Replace(text, raw, strings.TrimPrefix(raw, first), 1) // a stray mark
				case len(issuer) == 1:
					for a, mark := range issuer {
						text = strings.Replace(text, raw, withAbbrev(raw, first, a, strings.TrimSuffix(mark, "文件")), 1)
					}
				case page.Squeeze(l.Text) == page.Squeeze(raw):
					if a, body, ok := titleAbove(p.Lines[:li]); ok {
						text = strings.Replace(text, raw, withAbbrev(raw, first, a, body), 1)
					}
				}
			}
			if text != l.Text {
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: text, Rule: RuleDocNumber, Confidence: p.Confidence})
				p.Lines[li].Text = text
			}
		}
	}
}

// withAbbrev returns raw, a 文号 whose code begins with first, no
// province's abbreviation, as a body of province a (its name: body) numbers
// it: under the province's abbreviation (粤教考 by 广东省教育考试院, read
// 押教考), put in front where first is a character of the body's name after
// its province's (人社规 of 广东省人力资源和社会保障厅: 粤 lost, 人 is the
// body's) and in first's place otherwise.
func withAbbrev(raw, first string, a rune, body string) string {
	name := body
	if i := strings.IndexAny(name, "省区市"); i >= 0 {
		name = name[i:] // the body's name after its province's (…省, …自治区, …市)
	}
	if strings.Contains(name, first) {
		return string(a) + raw
	}
	return string(a) + strings.TrimPrefix(raw, first)
}

// maxTitleLines is how many lines above a 文号 its document's title may
// begin: a long title runs over two or three.
const maxTitleLines = 3

// titleAbove returns the abbreviation of the province whose body begins
// the title that ends the lines above a 文号 (the last of above is the
// title's last line), and that body's name (the title up to 关于); ok is
// false where no such title stands there: a line that ends a sentence or
// a 主送 (：) comes first, or the nearest line with 关于 does not begin with
// a province's body.
func titleAbove(above []page.Line) (rune, string, bool) {
	for k := len(above) - 1; k >= 0 && k >= len(above)-maxTitleLines; k-- {
		t := page.Squeeze(above[k].Text)
		if t == "" || strings.HasSuffix(t, "：") || strings.HasSuffix(t, ":") || strings.HasSuffix(t, "。") {
			return 0, "", false
		}
		body, _, about := strings.Cut(t, "关于")
		if !about {
			continue
		}
		a, ok := gazette.ProvinceAbbrev(t)
		if !ok {
			return 0, "", false // the title of a city's body, or of none
		}
		r, _ := utf8.DecodeRuneInString(a)
		return r, body, true
	}
	return 0, "", false
}
