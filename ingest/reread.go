package ingest

import (
	"context"
	"errors"
	"fmt"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
)

// Reread returns a function that reads page n (1-based) of the PDF at path
// again by OCR with the settings an archivist chose, the shape of
// editorial.RereadFunc, using the OCR engine opts found (see
// extract.WithTools); nil when this machine has none (tesseract or
// pdftoppm not installed). The page is read exactly as the settings say
// (ocr.Engine.PageWith) and its lines joined into paragraphs as Extract
// joins them, page numbers dropped; running heads, which only show as
// such across pages, are left for the archivist.
func Reread(opts extract.Options) func(ctx context.Context, path string, n int, s report.OCRSettings) (*report.PageRead, error) {
	e, ok := opts.OCR.(*ocr.Engine)
	if !ok || e == nil {
		return nil
	}
	return func(ctx context.Context, path string, n int, s report.OCRSettings) (*report.PageRead, error) {
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("ingest: read page %d again: %w", n, err)
		}
		p, err := e.PageWith(ctx, path, n, ocr.Settings{DPI: s.DPI, PSM: s.PSM, Rotation: s.Rotation})
		if err != nil {
			return nil, fmt.Errorf("ingest: read page %d again: %w", n, err)
		}
		return pageRead(p)
	}
}

// pageRead joins the lines of a page read by OCR into paragraphs.
func pageRead(p page.Page) (*report.PageRead, error) {
	if p.Extractor != page.OCR {
		return nil, errors.New("ingest: read page again: the engine gave no OCR page")
	}
	out := &report.PageRead{Paragraphs: []string{}, Confidence: min(1, max(0, p.Confidence)), Note: p.Note}
	for _, c := range layout.Clean([]page.Page{p}) {
		for _, para := range c.Paragraphs {
			out.Paragraphs = append(out.Paragraphs, para.Text)
		}
	}
	return out, nil
}
