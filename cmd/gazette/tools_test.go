package main

import (
	"context"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
)

// The operator learns at start-up, not from an editor's failed scan, that
// a tool is missing, and why.
func TestToolReport(t *testing.T) {
	render := func(context.Context, string, int, int) ([]byte, error) { return nil, nil }
	full := extract.Options{Poppler: &ocr.Poppler{}, OCR: &ocr.Engine{}}
	lines, degraded := toolReport(full, render)
	if degraded || len(lines) != 3 || strings.Contains(strings.Join(lines, "\n"), "missing") {
		t.Errorf("every tool found: %q, degraded %v", lines, degraded)
	}
	bare := extract.Options{NoOCR: "tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"}
	lines, degraded = toolReport(bare, nil)
	all := strings.Join(lines, "\n")
	if !degraded || strings.Count(all, "missing") != 3 || !strings.Contains(all, "tesseract not installed") || !strings.Contains(all, "poppler-utils") {
		t.Errorf("no tools: %q, degraded %v", lines, degraded)
	}
}
