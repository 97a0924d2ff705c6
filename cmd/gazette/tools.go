package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/ingest/extract"
)

// namesTimeout bounds the listing of the archive's authorities at start.
const namesTimeout = 3 * time.Second

// learnNames gives OCR's post-correction the authorities already in the
// archive, so that a name misread on a scan is checked against them. An
// index that cannot answer (search down at start-up) leaves OCR with its
// built-in lexicon, and says so.
func learnNames(ctx context.Context, arch *archive.Archive, x extract.Options, log *slog.Logger) {
	l, ok := x.OCR.(nameLearner)
	if !ok {
		return
	}
	// Not worth delaying start-up for: a search engine that is down
	// answers within its own deadline, longer than this.
	ctx, cancel := context.WithTimeout(ctx, namesTimeout)
	defer cancel()
	names, err := arch.Authorities(ctx)
	if err != nil {
		log.Warn("OCR checks names against its built-in lexicon only: the archive's authorities could not be listed", "err", err)
		return
	}
	l.SetNames(names)
}

// nameLearner is an OCR reader, such as ocr.Engine, whose post-correction
// checks names against a list it is given.
type nameLearner interface {
	SetNames(names []string)
}

// toolReport says, a line each, which ingest tools serve found: what an
// operator reads at start-up and in /readyz, before an editor's scan comes
// back as "needs OCR". degraded is true when one is missing.
func toolReport(x extract.Options, render editorial.RenderFunc) (lines []string, degraded bool) {
	line := func(name string, ok bool, why string) {
		if ok {
			lines = append(lines, "ingest: "+name+": ok")
			return
		}
		degraded = true
		lines = append(lines, "ingest: "+name+": missing ("+why+")")
	}
	line("pdftotext (poppler), the second text reader", x.Poppler != nil, "install poppler-utils")
	line("OCR (tesseract chi_sim)", x.OCR != nil, x.NoOCR)
	line("page images for editors (pdftoppm)", render != nil, "install poppler-utils")
	return lines, degraded
}
