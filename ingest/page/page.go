package page

import "strings"

// Extractor names the path that produced a page's text.
type Extractor string

// The extraction paths, in the order the fallback chain tries them.
const (
	// Text is the PDF's own text layer, decoded by ingest/pdftext.
	Text Extractor = "text"
	// Poppler is poppler's pdftotext, the second extractor where installed.
	Poppler Extractor = "poppler"
	// OCR is tesseract on a rendered image of the page.
	OCR Extractor = "ocr"
	// None means no path produced usable text: the page needs review.
	None Extractor = "none"
)

// Line is one printed line. Coordinates are PDF points measured from the
// page's top-left corner, so Y grows down the page.
type Line struct {
	Text string  `json:"text"`
	X    float64 `json:"x"`    // left edge of the first glyph
	Y    float64 `json:"y"`    // baseline
	W    float64 `json:"w"`    // width of the line
	Size float64 `json:"size"` // font size (glyph height), 0 if unknown
	Bold bool    `json:"bold,omitempty"`
	// Readings are other readings of a line OCR read badly, each of the
	// line alone (a date under a seal, read again several ways), for the
	// checks across the file to choose from where the text read makes
	// no sense; none for most lines.
	Readings []string `json:"readings,omitempty"`
}

// Page is the text of one page of a file.
type Page struct {
	Number     int       `json:"number"` // 1-based position in the file
	Width      float64   `json:"width"`  // media box, in points
	Height     float64   `json:"height"`
	Lines      []Line    `json:"lines"` // reading order
	Extractor  Extractor `json:"extractor"`
	Confidence float64   `json:"confidence"` // 0..1: how sure the extractor is the text is right
	// Note says why the page took the path it did, or why it needs review
	// ("garbled: 38% private-use characters", "scan: no text layer, tesseract not installed").
	Note string `json:"note,omitempty"`
	// Corrections are the changes post-correction made to what the
	// extractor read (a misread bracket of a 文号, a 〇 read as O, a date
	// that cannot exist, a name against a lexicon), in the order made; the
	// Lines carry the corrected text. Nothing is corrected silently.
	Corrections []Correction `json:"corrections,omitempty"`
}

// Correction is one change made to the text an extractor read, and why.
type Correction struct {
	Line int    `json:"line"` // index into Lines
	From string `json:"from"` // as read
	To   string `json:"to"`   // as corrected
	// Rule names the rule that made it: docnumber, zero, date, lexicon.
	Rule string `json:"rule"`
	// Confidence is how sure the extractor was of the text it replaced,
	// 0..1 (the lowest word confidence in it); the page's own is Page.Confidence.
	Confidence float64 `json:"confidence"`
}

// NeedsReview reports whether a person must look at the page: no path
// produced text for it.
func (p Page) NeedsReview() bool { return p.Extractor == None }

// PlainText returns the page's lines joined by newlines, as printed.
func (p Page) PlainText() string {
	var b strings.Builder
	for i, l := range p.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text)
	}
	return b.String()
}

// Squeeze returns s without its spaces of any kind. Extractors and OCR put
// spaces between Chinese characters where the type was spaced out (标 题),
// or none; the stages compare and match a line's text without them.
func Squeeze(s string) string { return strings.Join(strings.Fields(s), "") }
