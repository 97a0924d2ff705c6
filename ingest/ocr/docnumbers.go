package ocr

import (
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

// CheckDocNumbers checks the agency code of each regular 文号 that OCR read
// against the provinces the file's lines name: a code that begins with a
// stray mark before a named province's abbreviation (了豫交规 on a page of
// 河南省交通运输厅) loses the mark. A provincial agency code begins with its
// province's abbreviation, and no code begins with two characters of which
// only the second is one. Each change is recorded in the page's
// Corrections with the page's confidence; pages of other extractors are
// left alone.
func CheckDocNumbers(pages []page.Page) {
	named := map[rune]bool{} // abbreviations of the provinces the lines begin with
	for _, p := range pages {
		for _, l := range p.Lines {
			if a, ok := gazette.ProvinceAbbrev(strings.TrimSpace(l.Text)); ok {
				r, _ := utf8.DecodeRuneInString(a)
				named[r] = true
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
				if m.Number.Kind != gazette.DocNumberRegular || len(code) < 3 || !named[code[1]] || gazette.IsProvinceAbbrev(code[0]) {
					continue
				}
				raw := l.Text[m.Start:m.End]
				stray := string(code[0])
				if !strings.HasPrefix(raw, stray) {
					continue
				}
				text = strings.Replace(text, raw, strings.TrimPrefix(raw, stray), 1)
			}
			if text != l.Text {
				p.Corrections = append(p.Corrections, page.Correction{Line: li, From: l.Text, To: text, Rule: RuleDocNumber, Confidence: p.Confidence})
				p.Lines[li].Text = text
			}
		}
	}
}
