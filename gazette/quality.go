package gazette

import (
	"fmt"
	"math"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// Proof is one paragraph of a machine-read document that an archivist
// read against the print: the text as OCR read it and as it is printed.
// A sample of proofs estimates how accurate a year's machine-read text is.
type Proof struct {
	Year      int       `json:"year"`
	Document  string    `json:"document"`  // its ID
	Paragraph int       `json:"paragraph"` // 0-based index into Body
	Read      string    `json:"read"`      // as OCR read it
	Printed   string    `json:"printed"`   // as the print has it
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Validate checks a proof; errors wrap ErrInvalid.
func (p Proof) Validate() error {
	switch {
	case p.Year < MinYear || p.Year > MaxYear:
		return fmt.Errorf("proof: year %d: %w", p.Year, ErrInvalid)
	case p.Paragraph < 0 || p.Paragraph >= MaxParagraphs:
		return fmt.Errorf("proof: paragraph %d: %w", p.Paragraph, ErrInvalid)
	case !utf8.ValidString(p.Printed) || utf8.RuneCountInString(p.Printed) > 20000:
		return fmt.Errorf("proof: the printed text is not valid UTF-8 of at most 20,000 characters: %w", ErrInvalid)
	}
	if _, _, err := ParseDocumentID(p.Document); err != nil {
		return fmt.Errorf("proof: %w", err)
	}
	return nil
}

// Errors counts the characters OCR got wrong: the edit distance between
// what it read and the print, spaces left out (OCR's spacing is not the
// text's).
func (p Proof) Errors() (errors, chars int) {
	a, b := dropSpace(p.Read), dropSpace(p.Printed)
	return levenshtein.ComputeDistance(a, b), utf8.RuneCountInString(b)
}

func dropSpace(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return string(out)
}

// ErrorEstimate is a sample's character error rate with its 95%
// confidence interval.
type ErrorEstimate struct {
	Paragraphs int     `json:"paragraphs"`
	Chars      int     `json:"chars"`
	Errors     int     `json:"errors"`
	Rate       float64 `json:"rate"`
	Low        float64 `json:"low"`
	High       float64 `json:"high"`
}

// EstimateErrorRate estimates the character error rate of the text the
// proofs were drawn from: errors over characters (a ratio estimator over
// paragraphs, the units drawn), with the interval from the paragraphs'
// spread, since errors cluster in bad pages rather than fall on
// characters one by one. With fewer than two paragraphs the interval is
// the whole range, 0 to 1.
func EstimateErrorRate(proofs []Proof) ErrorEstimate {
	var e ErrorEstimate
	errs := make([]float64, len(proofs))
	chars := make([]float64, len(proofs))
	for i, p := range proofs {
		x, n := p.Errors()
		errs[i], chars[i] = float64(x), float64(n)
		e.Errors += x
		e.Chars += n
	}
	e.Paragraphs = len(proofs)
	if e.Chars == 0 {
		e.High = 1
		return e
	}
	e.Rate = float64(e.Errors) / float64(e.Chars)
	k := float64(len(proofs))
	if k < 2 {
		e.High = 1
		return e
	}
	mean := float64(e.Chars) / k
	var ss float64
	for i := range proofs {
		d := errs[i] - e.Rate*chars[i]
		ss += d * d
	}
	se := math.Sqrt(ss/(k*(k-1))) / mean
	e.Low, e.High = max(0, e.Rate-1.96*se), min(1, e.Rate+1.96*se)
	return e
}
