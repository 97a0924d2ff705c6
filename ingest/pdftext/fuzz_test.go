package pdftext

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzExtract feeds mutated PDFs to Extract: it must return pages or an
// error, never panic or hang. Seeds are the hand-built test files and the
// small real ones. Run: go test ./ingest/pdftext -run '^$' -fuzz FuzzExtract -fuzztime 60s
func FuzzExtract(f *testing.F) {
	f.Add(onePage(simpleFont, "BT /F1 12 Tf 72 700 Td [(Hello) -600 (World)] TJ ET"))
	f.Add(onePage(func(b *pdfBuilder) string {
		desc := b.add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>")
		return fmt.Sprintf("/F1 %d 0 R", b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [%d 0 R] >>", desc)))
	}, "BT /F1 12 Tf 72 700 Td <B9D8D3DA> Tj ET"))
	for _, name := range []string{"pdfjs__issue3521.pdf", "pdfjs__SimFang-variant.pdf", "robustness/Pages-tree-refs.pdf", "robustness/GHOSTSCRIPT-698804-1-fuzzed.pdf"} {
		if b, err := os.ReadFile(filepath.Join(corpusPDF, name)); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		opts := Options{MaxPages: 50, MaxOps: 100000}
		pages, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), opts)
		if err == nil && len(pages) == 0 {
			t.Error("no error and no pages")
		}
	})
}
