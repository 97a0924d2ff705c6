package ocr

import (
	"regexp"
	"strings"

	"github.com/gazette-archive/gazette/ingest/page"
)

// RuleCopyNumber names the correction of an original's 份号 (see
// CheckCopyNumber) in page.Correction.Rule.
const RuleCopyNumber = "copynumber"

// reCopyRead is a 份号 as tesseract reads it on a line of its own: six
// characters of digits and the letters it takes digits for, perhaps
// labelled, with a stray mark or two of speckle either side. The letters
// are those of digitReadings.
var reCopyRead = regexp.MustCompile(`^[^0-9A-Za-z\p{Han}]{0,2}((?:份号|份號)[:：]?)?([0-9工lI|Oo]{6})[^0-9A-Za-z\p{Han}]{0,2}$`)

// mastheadLines is how many lines at the top of a first page may stand
// above an original's 发文机关标志: 份号, 密级, 紧急程度 and a registration
// number.
const mastheadLines = 4

// CheckCopyNumber writes an original's 份号 as printed where OCR read it
// with letters for digits or speckle around it (0O0258 or ·000258 for
// 000258): a line of six digits and such letters, four of them at least
// read as digits, above the 发文机关标志 (a line ending in 文件) at the top
// of the file's first page. Letters become the digits they stand for and
// stray marks go; the change is recorded in the page's Corrections with the
// page's confidence. Pages of other extractors, and first pages without a
// 发文机关标志 near the top, are left alone.
func CheckCopyNumber(pages []page.Page) {
	if len(pages) == 0 || pages[0].Extractor != page.OCR {
		return
	}
	p := &pages[0]
	mark := -1
	for li, l := range p.Lines[:min(len(p.Lines), mastheadLines+1)] {
		if strings.HasSuffix(page.Squeeze(l.Text), "文件") {
			mark = li
			break
		}
	}
	for li := range max(0, mark) {
		text := strings.TrimSpace(p.Lines[li].Text)
		m := reCopyRead.FindStringSubmatch(page.Squeeze(text))
		if m == nil {
			continue
		}
		digits, read := []rune(m[2]), 0
		for k, r := range digits {
			if d, ok := digitReadings[r]; ok {
				digits[k] = d
			} else {
				read++
			}
		}
		fixed := m[1] + string(digits)
		if read < 4 || fixed == text {
			continue
		}
		p.Corrections = append(p.Corrections, page.Correction{Line: li, From: text, To: fixed, Rule: RuleCopyNumber, Confidence: p.Confidence})
		p.Lines[li].Text = fixed
		return
	}
}
