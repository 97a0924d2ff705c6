package extract

import (
	"context"

	"github.com/gazette-archive/gazette/ingest/ocr"
)

// WithTools returns opts with the fallbacks this machine has: poppler's
// pdftotext as the second extractor and page counter, tesseract for OCR.
// What is missing is left nil, and NoOCR says why, so pages that need OCR
// are marked "needs OCR: …" rather than left empty.
func WithTools(ctx context.Context, opts Options, lim ocr.Limits, ocrOpts ocr.Options) Options {
	if p, err := ocr.NewPoppler(lim); err == nil {
		opts.Poppler, opts.Counter = p, p
	}
	ocrOpts.Limits = lim
	e, err := ocr.NewEngine(ctx, ocrOpts)
	if err != nil {
		opts.NoOCR = err.Error()
		return opts
	}
	opts.OCR = e
	return opts
}
