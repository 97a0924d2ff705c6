package report

import (
	"fmt"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// OCRSettings are how an archivist asks for one page to be read again:
// the resolution it is rendered at, tesseract's page segmentation mode and
// how far the image is turned before it is read. Unlike the first reading,
// nothing is chosen automatically: the page is read exactly so.
type OCRSettings struct {
	// DPI is the rendering resolution, one of OCRDPIs.
	DPI int `json:"dpi"`
	// PSM is tesseract's page segmentation mode, one of OCRModes: 3
	// finds the layout (columns) by itself, 4 reads one column of lines of
	// varying size, 6 one uniform block of text.
	PSM int `json:"psm"`
	// Rotation turns the page image clockwise before it is read: 0, 90,
	// 180 or 270 degrees.
	Rotation int `json:"rotation"`
}

// OCRDPIs are the resolutions a page may be read again at: 200 reads
// ordinary body text best for its cost, 300 and 400 small print and worn
// scans (see ocr.Options.DPI).
var OCRDPIs = []int{150, 200, 300, 400, 600}

// OCRMode is a page segmentation mode offered to archivists.
type OCRMode struct {
	PSM   int
	Label string // in Chinese, for the form
}

// OCRModes are the page segmentation modes a page may be read again with.
var OCRModes = []OCRMode{{3, "自动分析版面（分栏）"}, {4, "单栏"}, {6, "单个文字块"}}

// OCRRotations are the turns a page may be read again with.
var OCRRotations = []int{0, 90, 180, 270}

// DefaultOCRSettings are what the re-reading form offers first: a finer
// resolution than the first reading's 200 dpi, which is what a page read
// badly most often gains from.
var DefaultOCRSettings = OCRSettings{DPI: 300, PSM: 3, Rotation: 0}

// Validate checks every setting against the values offered and returns a
// gazette.ValidationError naming each one that is not, or nil.
func (s OCRSettings) Validate() error {
	var ve gazette.ValidationError
	if !slices.Contains(OCRDPIs, s.DPI) {
		ve = append(ve, gazette.FieldError{Field: "dpi", Problem: fmt.Sprintf("%d is not one of %v", s.DPI, OCRDPIs), Zh: fmt.Sprintf("分辨率应为 %v 之一", OCRDPIs)})
	}
	if !slices.ContainsFunc(OCRModes, func(m OCRMode) bool { return m.PSM == s.PSM }) {
		ve = append(ve, gazette.FieldError{Field: "psm", Problem: fmt.Sprintf("page segmentation mode %d is not one of 3, 4, 6", s.PSM), Zh: "版面分析方式应为 3（自动）、4（单栏）或 6（单个文字块）"})
	}
	if !slices.Contains(OCRRotations, s.Rotation) {
		ve = append(ve, gazette.FieldError{Field: "rotation", Problem: fmt.Sprintf("rotation %d is not one of 0, 90, 180, 270", s.Rotation), Zh: "旋转角度应为 0、90、180 或 270 度"})
	}
	if len(ve) > 0 {
		return ve
	}
	return nil
}

// String is the settings as the audit log records them.
func (s OCRSettings) String() string {
	return fmt.Sprintf("%d dpi, psm %d, rotation %d°", s.DPI, s.PSM, s.Rotation)
}

// PageRead is one page read again by OCR.
type PageRead struct {
	// Paragraphs are the page's text, its lines joined into paragraphs
	// as ingest joins them, page numbers left out.
	Paragraphs []string `json:"paragraphs"`
	// Confidence is tesseract's mean word confidence, 0 to 1.
	Confidence float64 `json:"confidence"`
	// Note says what was done to read it (red ink dropped out, ...).
	Note string `json:"note,omitempty"`
}
