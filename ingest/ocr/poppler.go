package ocr

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Poppler reads a page's text layer with poppler's pdftotext: a second
// decoder for fonts the primary one cannot map (poppler knows the
// predefined Adobe CMaps through poppler-data). It is safe for concurrent use.
type Poppler struct {
	pdftotext, pdfinfo string
	lim                Limits
}

// NewPoppler finds pdftotext and pdfinfo; missing tools give an error
// wrapping ErrNotInstalled.
func NewPoppler(lim Limits) (*Poppler, error) {
	p := &Poppler{lim: lim.withDefaults()}
	var err error
	if p.pdftotext, err = lookTool("pdftotext", "poppler-utils"); err != nil {
		return nil, err
	}
	if p.pdfinfo, err = lookTool("pdfinfo", "poppler-utils"); err != nil {
		return nil, err
	}
	return p, nil
}

// Page returns the text of page n (1-based) as positioned lines. Its
// Confidence is 0: poppler does not say how sure it is, so the caller
// scores the text.
func (p *Poppler) Page(ctx context.Context, path string, n int) (page.Page, error) {
	ns := strconv.Itoa(n)
	out, err := run(ctx, p.lim, nil, p.pdftotext, "-f", ns, "-l", ns, "-enc", "UTF-8", "-bbox-layout", path, "-")
	if err != nil {
		return page.Page{}, fmt.Errorf("ocr: pdftotext page %d of %s: %w", n, path, err)
	}
	pg, err := parseBBox(out)
	if err != nil {
		return page.Page{}, fmt.Errorf("ocr: pdftotext page %d of %s: %w", n, path, err)
	}
	pg.Number = n
	return pg, nil
}

// bboxDoc is the XHTML pdftotext -bbox-layout writes.
type bboxDoc struct {
	Pages []struct {
		Width  float64 `xml:"width,attr"`
		Height float64 `xml:"height,attr"`
		Flows  []struct {
			Blocks []struct {
				Lines []struct {
					XMin  float64 `xml:"xMin,attr"`
					YMin  float64 `xml:"yMin,attr"`
					XMax  float64 `xml:"xMax,attr"`
					YMax  float64 `xml:"yMax,attr"`
					Words []struct {
						Text string `xml:",chardata"`
					} `xml:"word"`
				} `xml:"line"`
			} `xml:"block"`
		} `xml:"flow"`
	} `xml:"body>doc>page"`
}

func parseBBox(out []byte) (page.Page, error) {
	var d bboxDoc
	// pdftotext passes control characters from broken fonts through, and
	// XML forbids them.
	out = bytes.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, out)
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&d); err != nil {
		return page.Page{}, fmt.Errorf("read bbox layout: %w", err)
	}
	if len(d.Pages) != 1 {
		return page.Page{}, fmt.Errorf("bbox layout has %d pages, want 1", len(d.Pages))
	}
	dp := d.Pages[0]
	pg := page.Page{Width: dp.Width, Height: dp.Height, Extractor: page.Poppler}
	for _, f := range dp.Flows {
		for _, b := range f.Blocks {
			for _, l := range b.Lines {
				words := make([]string, len(l.Words))
				for i, w := range l.Words {
					words[i] = w.Text
				}
				text := joinWords(words)
				if text == "" {
					continue
				}
				pg.Lines = append(pg.Lines, page.Line{Text: text, X: l.XMin, Y: l.YMax, W: l.XMax - l.XMin, Size: l.YMax - l.YMin})
			}
		}
	}
	return pg, nil
}

var pagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// PageCount returns the number of pages poppler finds in the PDF.
func (p *Poppler) PageCount(ctx context.Context, path string) (int, error) {
	out, err := run(ctx, p.lim, nil, p.pdfinfo, path)
	if err != nil {
		return 0, fmt.Errorf("ocr: pdfinfo %s: %w", path, err)
	}
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("ocr: pdfinfo %s: no page count", path)
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return 0, fmt.Errorf("ocr: pdfinfo %s: %w", path, err)
	}
	return n, nil
}
