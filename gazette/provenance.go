package gazette

import (
	"fmt"
	"slices"
	"time"
)

// TextMethod is how the text of a page was obtained.
type TextMethod string

// The methods, from the PDF itself to a person.
const (
	TextLayer TextMethod = "text-layer" // the PDF's own text, as typeset
	Poppler   TextMethod = "poppler"    // the text layer, decoded by poppler's pdftotext
	OCR       TextMethod = "ocr"        // recognised from the page's image: may differ from the print
	Proofread TextMethod = "proofread"  // read against the original by a person
)

// TextSource is how the text of one page of a document was obtained.
type TextSource struct {
	Page   int        `json:"page"` // page of the print PDF
	Method TextMethod `json:"method"`
	// Confidence is OCR's, 0 to 1; absent for other methods.
	Confidence float64 `json:"confidence,omitempty"`
	// By and At say who proofread the page and when.
	By string    `json:"by,omitempty"`
	At time.Time `json:"at,omitzero"`
}

// MachineRead returns the pages of the document whose text OCR read from
// a scan and no person has proofread: the text may differ from the print,
// which governs (以原件为准).
func (d *Document) MachineRead() []int {
	var pages []int
	for _, s := range d.Sources {
		if s.Method == OCR {
			pages = append(pages, s.Page)
		}
	}
	return pages
}

// MarkProofread records that by read every page of the document read by
// OCR against the original, at.
func (d *Document) MarkProofread(by string, at time.Time) {
	for i, s := range d.Sources {
		if s.Method == OCR {
			d.Sources[i] = TextSource{Page: s.Page, Method: Proofread, By: by, At: at.UTC()}
		}
	}
}

// TrimSources keeps the sources of the pages the document holds: an editor
// may move its pages, and how a page was read stays with that page.
func (d *Document) TrimSources() {
	var kept []TextSource // a new slice: a shallow copy of d may share the old one
	for _, s := range d.Sources {
		if s.Page >= d.Pages.First && s.Page <= d.Pages.Last {
			kept = append(kept, s)
		}
	}
	d.Sources = kept
}

// checkSources checks a document's sources: known methods, pages within
// the document's, each page once.
func checkSources(p problems, sources []TextSource, pages PageRange) {
	seen := map[int]bool{}
	for i, s := range sources {
		field := fmt.Sprintf("sources[%d]", i)
		switch {
		case !slices.Contains([]TextMethod{TextLayer, Poppler, OCR, Proofread}, s.Method):
			p.add(field, "文字来源不明", "method %q is not one of text-layer, poppler, ocr, proofread", s.Method)
		case pages.First > 0 && (s.Page < pages.First || s.Page > pages.Last):
			p.add(field, fmt.Sprintf("第%d页不在本文件的页码%s之内", s.Page, pages), "page %d outside the document's pages %s", s.Page, pages)
		case seen[s.Page]:
			p.add(field, fmt.Sprintf("第%d页重复", s.Page), "page %d given twice", s.Page)
		case s.Confidence < 0 || s.Confidence > 1:
			p.add(field, "置信度应在0—1之间", "confidence %v outside 0–1", s.Confidence)
		case s.Method == Proofread && s.By == "":
			p.add(field, "未注明校对人", "a proofread page names who read it")
		}
		seen[s.Page] = true
	}
}
