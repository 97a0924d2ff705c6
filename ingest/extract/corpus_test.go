package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/worker"
)

func corpusDir(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "pdf", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus absent (%s): %v", dir, err)
	}
	return dir
}

// TestCorpus runs every real PDF through the whole chain: each page must
// come out with text from some path, or marked for review with a reason.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OCR on real files: slow")
	}
	needTools(t, "pdftotext", "pdfinfo", "pdftoppm", "tesseract")
	dir := corpusDir(t, "")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	ctx := context.Background()
	opts := WithTools(ctx, Options{Workers: 2, Limits: worker.Limits{Timeout: time.Minute}}, ocr.Limits{Timeout: time.Minute}, ocr.Options{})
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res, err := File(ctx, f, opts)
			if err != nil {
				t.Fatalf("File: %v", err)
			}
			if res.Child != nil {
				t.Logf("child: %v", res.Child)
			}
			paths := map[page.Extractor]int{}
			for _, p := range res.Pages {
				paths[p.Extractor]++
				if p.Extractor == page.None && p.Note == "" {
					t.Errorf("page %d needs review without a reason", p.Number)
				}
				if p.Extractor != page.None && strings.TrimSpace(p.PlainText()) == "" && p.Note == "" {
					t.Errorf("page %d: empty text from %s without a note", p.Number, p.Extractor)
				}
				if p.Extractor != page.Text {
					t.Logf("page %d: %s %.2f %s", p.Number, p.Extractor, p.Confidence, p.Note)
				}
			}
			t.Logf("%d pages %v, child peak RSS %d MiB", len(res.Pages), paths, res.PeakRSS>>20)
			if len(res.Pages) == 0 {
				t.Error("no pages")
			}
		})
	}
}

// TestHostile runs the robustness files and a decompression bomb through
// the real text-layer job: each must end in a contained, classified child
// failure or a clean result, with the child's memory bounded.
func TestHostile(t *testing.T) {
	dir := corpusDir(t, "robustness")
	bomb := writeFile(t, "bomb.pdf", scantest.Bomb(4<<30))
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	files = append(files, bomb)
	lim := worker.Limits{Timeout: 5 * time.Second, Memory: 512 << 20}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			res, err := File(context.Background(), f, Options{Limits: lim})
			var ce *worker.ChildError
			if err != nil && !errors.As(err, &ce) {
				t.Fatalf("File: %v, want a child's failure", err)
			}
			t.Logf("err=%v child=%v pages=%d peak RSS %d MiB", err, res.Child, len(res.Pages), res.PeakRSS>>20)
			if limit := lim.Memory + 128<<20; res.PeakRSS > limit {
				t.Errorf("child peak RSS %d MiB, over %d MiB", res.PeakRSS>>20, limit>>20)
			}
		})
	}
}
