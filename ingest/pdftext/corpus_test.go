package pdftext

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
)

// corpusPDF is the shared real material, relative to this package.
const corpusPDF = "../../../shared/corpus/pdf"

func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusPDF, "*.pdf"))
	if len(files) == 0 {
		t.Skipf("corpus absent at %s: skipping", corpusPDF)
	}
	return files
}

// reference returns the expected text of a corpus file, page by page: the
// GBK re-decoding where there is one, else pdftotext's output.
func reference(t testing.TB, pdfPath string) (pages []string, kind string) {
	t.Helper()
	base := strings.TrimSuffix(filepath.Base(pdfPath), ".pdf")
	for _, k := range []string{"gbk-decoded", "pdftotext"} {
		b, err := os.ReadFile(filepath.Join(corpusPDF, "reference_text", base+"."+k+".txt"))
		if err == nil {
			return strings.Split(string(b), "\f"), k
		}
	}
	return nil, ""
}

// nonSpace keeps the characters that are compared.
func nonSpace(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return out
}

// accuracy is 1 − edit distance / reference length over non-space characters.
func accuracy(got, want string) (float64, int) {
	g, w := nonSpace(got), nonSpace(want)
	if len(w) == 0 {
		if len(g) == 0 {
			return 1, 0
		}
		return 0, 0
	}
	d := scantest.EditDistance(g, w)
	return max(0, 1-float64(d)/float64(len(w))), len(w)
}

// TestCorpusEval extracts every real PDF in the corpus and prints its
// character accuracy against the reference text (pdftotext output is a
// reference, not gold). Run: go test ./ingest/pdftext -run TestCorpusEval -v
func TestCorpusEval(t *testing.T) {
	if raceEnabled {
		t.Skip("evaluation skipped under -race (too slow); run: go test ./ingest/pdftext -run TestCorpusEval -v")
	}
	files := corpusFiles(t)
	t.Logf("%-48s %5s %8s %9s %7s %s", "file", "pages", "chars", "accuracy", "ref-FFFD", "reference")
	for _, f := range files {
		ref, kind := reference(t, f)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		start := time.Now()
		pages, err := ExtractFile(ctx, f, Options{})
		elapsed := time.Since(start)
		cancel()
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		var errs, total float64
		// Replacement characters in the reference mark text the reference
		// itself failed to decode; they count against any extractor.
		refBad := 0
		for _, r := range ref {
			refBad += strings.Count(r, "\uFFFD")
		}
		for i, p := range pages {
			want := ""
			if i < len(ref) {
				want = ref[i]
			}
			acc, n := accuracy(p.PlainText(), want)
			errs += (1 - acc) * float64(n)
			total += float64(n)
		}
		acc := 1.0
		if total > 0 {
			acc = 1 - errs/total
		}
		t.Logf("%-48s %5d %8.0f %8.2f%% %7d %s (%v)", filepath.Base(f), len(pages), total, 100*acc, refBad, kind, elapsed.Round(time.Millisecond))
		if testing.Verbose() && os.Getenv("PDFTEXT_DUMP") != "" {
			for _, p := range pages {
				t.Logf("--- page %d %s conf %.2f %s\n%s", p.Number, p.Extractor, p.Confidence, p.Note, p.PlainText())
			}
		}
	}
}
