package main

import (
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/ingest/extract"
)

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
