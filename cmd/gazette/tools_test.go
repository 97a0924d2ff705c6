package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/page"
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

// ocr.Engine learns the archive's names.
var _ nameLearner = (*ocr.Engine)(nil)

// learner is an OCR reader other than ocr.Engine that learns names.
type learner struct{ names []string }

func (*learner) Page(context.Context, string, int) (page.Page, error) {
	return page.Page{}, errors.New("not read")
}

func (l *learner) SetNames(names []string) { l.names = names }

// Any OCR reader that can learn names is given the archive's authorities,
// not ocr.Engine only; one that cannot is left alone.
func TestLearnNames(t *testing.T) {
	ctx := context.Background()
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	arch := archive.New(archivetest.NewMemBlobs(), idx, nil)
	s := archivetest.NewSample(2019, 1, 3)
	if _, err := arch.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, d := range s.Documents {
		want = append(want, d.Authorities...)
	}
	slices.Sort(want)
	want = slices.Compact(want)
	log := slog.New(slog.DiscardHandler)

	l := &learner{}
	learnNames(ctx, arch, extract.Options{OCR: l}, log)
	got := slices.Sorted(slices.Values(l.names))
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("learned %q, want the archive's authorities %q", got, want)
	}
	// A reader that cannot learn names, and none at all.
	learnNames(ctx, arch, extract.Options{OCR: &ocr.Poppler{}}, log)
	learnNames(ctx, arch, extract.Options{}, log)
}
