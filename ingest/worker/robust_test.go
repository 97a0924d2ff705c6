package worker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/page"
)

// naiveDecode uses ledongthuc/pdf as its README shows, with nothing to
// protect it: the worst case the worker must contain.
func naiveDecode(_ context.Context, path string, max int, emit func(page.Page) error) error {
	f, r, err := pdf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for i := 1; i <= min(r.NumPage(), max); i++ {
		p := r.Page(i)
		text := ""
		if !p.V.IsNull() {
			if text, err = p.GetPlainText(nil); err != nil {
				return err
			}
		}
		if err := emit(page.Page{Number: i, Lines: []page.Line{{Text: text}}}); err != nil {
			return err
		}
	}
	return nil
}

// TestHostileFiles runs the real hostile files through ledongthuc/pdf in a
// child and checks each is contained, with the child's peak memory bounded.
func TestHostileFiles(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "pdf", "robustness")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus absent (%s): %v", dir, err)
	}
	bomb := filepath.Join(t.TempDir(), "bomb.pdf")
	if err := os.WriteFile(bomb, scantest.Bomb(4<<30), 0o600); err != nil {
		t.Fatal(err)
	}
	lim := Limits{Timeout: 5 * time.Second, Memory: 512 << 20}
	tests := []struct {
		name string
		path string
		want []error // any of these
	}{
		{name: "out of memory", path: filepath.Join(dir, "GHOSTSCRIPT-698804-1-fuzzed.pdf"), want: []error{ErrOutOfMemory}},
		{name: "cyclic page tree", path: filepath.Join(dir, "Pages-tree-refs.pdf"), want: []error{ErrTimeout}},
		// ledongthuc inflates the whole stream into memory: 4 GiB cannot fit.
		{name: "decompression bomb 4 GiB", path: bomb, want: []error{ErrOutOfMemory, ErrTimeout}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), "naive", tc.path, lim)
			t.Logf("%s: %v; peak RSS %d MiB, %s", filepath.Base(tc.path), err, res.PeakRSS>>20, res.Elapsed.Round(time.Millisecond))
			ok := false
			for _, w := range tc.want {
				ok = ok || errors.Is(err, w)
			}
			if !ok {
				t.Errorf("Run error = %v, want one of %v", err, tc.want)
			}
			if limit := lim.Memory + rssSlack; res.PeakRSS > limit {
				t.Errorf("peak RSS %d MiB, over the %d MiB the limits allow", res.PeakRSS>>20, limit>>20)
			}
		})
	}
}
