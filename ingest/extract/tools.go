package extract

import (
	"context"

	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/worker"
)

// WorkerBinary is the small executable (cmd/gazette-worker) that decodes the
// text layer in the child process when it lies beside the running binary.
const WorkerBinary = "gazette-worker"

// WithTools returns opts with the fallbacks this machine has: poppler's
// pdftotext as the second extractor and page counter, tesseract for OCR.
// What is missing is left nil, and NoOCR says why, so pages that need OCR
// are marked "needs OCR: …" rather than left empty. Unless opts names the
// child's executable, it is WorkerBinary beside this one when that was built
// from the same code (it starts ten times faster than a server binary), and
// this process re-executed otherwise; ChildNote says which and why.
func WithTools(ctx context.Context, opts Options, lim ocr.Limits, ocrOpts ocr.Options) Options {
	if opts.Limits.Exe == "" {
		exe, err := worker.Beside(WorkerBinary, Jobs())
		if err != nil {
			opts.ChildNote = "this executable re-executed (" + err.Error() + ")"
		} else {
			opts.Limits.Exe, opts.ChildNote = exe, exe
		}
	}
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
