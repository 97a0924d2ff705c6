package extract

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/typeset"
	"github.com/gazette-archive/gazette/ingest/worker"
)

// standInJobs are text-layer decoders with known behaviour, so the chain
// can be tested whatever the real decoder does: they read the file with
// poppler (a correct layer), or return nothing, mojibake, or die.
func standInJobs() map[string]worker.Decoder {
	layer := func(ctx context.Context, path string, max int, emit func(page.Page) error, mangle func(page.Page) page.Page, dieAfter int) error {
		p, err := ocr.NewPoppler(ocr.Limits{})
		if err != nil {
			return err
		}
		n, err := p.PageCount(ctx, path)
		if err != nil {
			return err
		}
		for i := 1; i <= min(n, max); i++ {
			if i == dieAfter+1 {
				os.Exit(2)
			}
			pg, err := p.Page(ctx, path, i)
			if err != nil {
				return err
			}
			pg.Extractor = page.Text
			if err := emit(mangle(pg)); err != nil {
				return err
			}
		}
		return nil
	}
	same := func(p page.Page) page.Page { return p }
	return map[string]worker.Decoder{
		"layer": func(ctx context.Context, path string, max int, emit func(page.Page) error) error {
			return layer(ctx, path, max, emit, same, -1)
		},
		"empty": func(ctx context.Context, path string, max int, emit func(page.Page) error) error {
			return layer(ctx, path, max, emit, func(p page.Page) page.Page { p.Lines = nil; return p }, -1)
		},
		"garbled": func(ctx context.Context, path string, max int, emit func(page.Page) error) error {
			return layer(ctx, path, max, emit, func(p page.Page) page.Page {
				for i := range p.Lines {
					p.Lines[i].Text = latin1Mojibake(p.Lines[i].Text)
				}
				return p
			}, -1)
		},
		"dies": func(ctx context.Context, path string, max int, emit func(page.Page) error) error {
			return layer(ctx, path, max, emit, same, 1)
		},
	}
}

// latin1Mojibake is what a decoder that reads GB 18030 bytes as Latin-1 prints.
func latin1Mojibake(s string) string {
	var b strings.Builder
	for _, r := range s {
		// Two bytes per Han character, as GBK has, read back one per rune.
		if r > 0x7f {
			b.WriteRune(rune(0xa0 + (r>>8)%0x5f))
			b.WriteRune(rune(0xa0 + r%0x5f))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestMain(m *testing.M) {
	jobs := standInJobs()
	for name, dec := range Jobs() {
		jobs[name] = dec
	}
	worker.MaybeServeChild(jobs)
	os.Exit(m.Run())
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
}

var bodyLines = scantest.Wrap(`第一条　为了规范政府公报的编辑、出版和发行工作，根据国务院有关规定，结合本省实际，制定本办法。
第二条　本办法所称政府公报，是指由省人民政府办公厅主办，刊登规章和规范性文件的政府出版物。
第三条　政府公报刊登的规章和规范性文件文本为标准文本，与正式文本具有同等效力。`, 30)

// testPages returns two pages of distinct text.
func testPages() [][]string {
	return [][]string{append([]string{"福建省人民政府公报"}, bodyLines...), append([]string{"省人民政府令第二百一十号"}, bodyLines...)}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// scanFile writes an image-only PDF of pages, rotated and noisy if worn
// (which is slow under the race detector).
func scanFile(t *testing.T, pages [][]string, worn bool) string {
	t.Helper()
	text := scantest.TextPDF(pages, 14)
	var imgs []*image.Gray
	for i := range pages {
		img, err := scantest.Render(context.Background(), text, i+1, 300)
		if err != nil {
			t.Fatal(err)
		}
		if worn {
			img = scantest.Degrade(img, 0.7, 8, 0.001, uint64(i))
		}
		imgs = append(imgs, img)
	}
	return writeFile(t, "scan.pdf", scantest.ImagePDF(imgs))
}

func TestFile(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdftoppm", "tesseract")
	ctx := context.Background()
	full := WithTools(ctx, Options{Workers: 2, Limits: worker.Limits{Timeout: time.Minute}}, ocr.Limits{}, ocr.Options{})
	if full.OCR == nil || full.Poppler == nil {
		t.Skipf("tools missing: %s", full.NoOCR)
	}
	noOCR := full
	noOCR.OCR, noOCR.NoOCR = nil, "tesseract not installed"
	noFallback := noOCR
	noFallback.Poppler = nil

	textPDF := writeFile(t, "text.pdf", scantest.TextPDF(testPages(), 14))
	scanPDF := scanFile(t, testPages(), !testing.Short())
	tests := []struct {
		name      string
		job, path string
		opts      Options
		want      []page.Extractor
		minAcc    float64 // per page, against the source text
		note      string  // substring of every fallback page's note
		child     error   // the child's failure, if any
	}{
		{name: "good text layer", job: "layer", path: textPDF, opts: full, want: []page.Extractor{page.Text, page.Text}, minAcc: 1},
		{name: "garbled layer goes to poppler", job: "garbled", path: textPDF, opts: full, want: []page.Extractor{page.Poppler, page.Poppler}, minAcc: 1, note: "garbled"},
		{name: "garbled layer, no fallback", job: "garbled", path: textPDF, opts: noFallback, want: []page.Extractor{page.None, page.None}, note: "needs OCR: tesseract not installed"},
		{name: "scan goes to OCR", job: "empty", path: scanPDF, opts: full, want: []page.Extractor{page.OCR, page.OCR}, minAcc: 0.93, note: "no text layer"},
		{name: "scan without tesseract", job: "empty", path: scanPDF, opts: noOCR, want: []page.Extractor{page.None, page.None}, note: "needs OCR: tesseract not installed"},
		{name: "child dies after page 1", job: "dies", path: textPDF, opts: full, want: []page.Extractor{page.Text, page.Poppler}, minAcc: 1, note: "text layer lost", child: worker.ErrCrashed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.opts.OCR != nil && tc.path == scanPDF {
				t.Skip("OCR: slow")
			}
			tc.opts.Job = tc.job
			res, err := File(ctx, tc.path, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(res.Child, tc.child) || (tc.child == nil) != (res.Child == nil) {
				t.Errorf("Child = %v, want %v", res.Child, tc.child)
			}
			if len(res.Pages) != len(tc.want) {
				t.Fatalf("got %d pages, want %d", len(res.Pages), len(tc.want))
			}
			for i, p := range res.Pages {
				t.Logf("page %d: %s %.3f %q", p.Number, p.Extractor, p.Confidence, p.Note)
				if p.Number != i+1 || p.Extractor != tc.want[i] {
					t.Errorf("page %d: number %d, extractor %q, want %q", i+1, p.Number, p.Extractor, tc.want[i])
				}
				if p.Extractor == page.None {
					if p.Note == "" || len(p.Lines) != 0 || !p.NeedsReview() {
						t.Errorf("page %d needs review but has note %q, %d lines", p.Number, p.Note, len(p.Lines))
					}
				} else {
					acc := scantest.CharAccuracy(strings.Join(testPages()[i], ""), p.PlainText())
					if acc < tc.minAcc {
						t.Errorf("page %d: accuracy %.4f, want at least %.2f:\n%s", p.Number, acc, tc.minAcc, p.PlainText())
					}
					if p.Confidence <= 0 || p.Confidence > 1 {
						t.Errorf("page %d: confidence %v", p.Number, p.Confidence)
					}
				}
				if p.Extractor != page.Text && !strings.Contains(p.Note, tc.note) {
					t.Errorf("page %d: note %q, want it to mention %q", p.Number, p.Note, tc.note)
				}
			}
		})
	}
}

func TestFileCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := File(ctx, "nonexistent.pdf", Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("File with a canceled context: %v, want context.Canceled", err)
	}
}

func TestFileNotPDF(t *testing.T) {
	needTools(t, "pdfinfo")
	opts := WithTools(context.Background(), Options{Job: "layer"}, ocr.Limits{}, ocr.Options{})
	path := writeFile(t, "not.pdf", []byte("plain text, not a PDF"))
	res, err := File(context.Background(), path, opts)
	if err == nil {
		t.Fatalf("File on a text file: no error, %d pages", len(res.Pages))
	}
	if !errors.Is(err, worker.ErrDecode) {
		t.Errorf("error %v, want it to wrap the child's ErrDecode", err)
	}
	fmt.Println(err)
}

// TestFilePageBudget: a file longer than the budget yields its first pages,
// read by the real decoder, and says it was cut short.
func TestFilePageBudget(t *testing.T) {
	res, err := typeset.Generate(context.Background(), typeset.Options{Seed: 3, Encoding: typeset.GBKEUC})
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "issue.pdf", res.PDF)
	got, err := File(context.Background(), path, Options{Limits: worker.Limits{MaxPages: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Truncated || len(got.Pages) != 4 || len(res.Truth.Pages) <= 4 {
		t.Fatalf("truncated %v, %d pages of %d; want the first 4 and truncated", got.Truncated, len(got.Pages), len(res.Truth.Pages))
	}
	for _, p := range got.Pages {
		if p.Extractor != page.Text || len(p.Lines) == 0 {
			t.Errorf("page %d: %s, %d lines (%s)", p.Number, p.Extractor, len(p.Lines), p.Note)
		}
	}
}

// ocr.Engine is read a file at a time, not a page at a time.
var _ nameBatcher = (*ocr.Engine)(nil)

// countedOCR is an OCR reader other than ocr.Engine that counts the pages
// File asks it for one by one.
type countedOCR struct {
	*ocr.Engine // Names, when the reader batches names
	pages       atomic.Int32
}

func (c *countedOCR) Page(ctx context.Context, path string, n int) (page.Page, error) {
	c.pages.Add(1)
	return c.Engine.Page(ctx, path, n)
}

// pageByPage reads as the engine does, but cannot batch names.
type pageByPage struct{ c *countedOCR }

func (p pageByPage) Page(ctx context.Context, path string, n int) (page.Page, error) {
	return p.c.Page(ctx, path, n)
}

// Any OCR reader that batches a file's names is read a file at a time,
// not only ocr.Engine; one that cannot is read a page at a time.
func TestFileBatchesNames(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo", "pdftoppm", "tesseract")
	if testing.Short() {
		t.Skip("OCR: slow")
	}
	ctx := context.Background()
	opts := WithTools(ctx, Options{Job: "empty", Workers: 2, Limits: worker.Limits{Timeout: time.Minute}}, ocr.Limits{}, ocr.Options{})
	e, ok := opts.OCR.(*ocr.Engine)
	if !ok {
		t.Skipf("no OCR: %s", opts.NoOCR)
	}
	scan := scanFile(t, testPages(), false)
	for _, tc := range []struct {
		name   string
		reader func(*countedOCR) PageReader
		calls  int32 // pages asked of the reader one by one
	}{
		{"batches names", func(c *countedOCR) PageReader { return c }, 0},
		{"page by page", func(c *countedOCR) PageReader { return pageByPage{c} }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &countedOCR{Engine: e}
			opts := opts
			opts.OCR = tc.reader(c)
			res, err := File(ctx, scan, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.pages.Load(); got != tc.calls {
				t.Errorf("the reader's Page was called %d times, want %d", got, tc.calls)
			}
			if len(res.Pages) != 2 {
				t.Fatalf("%d pages, want 2", len(res.Pages))
			}
			for i, p := range res.Pages {
				if acc := scantest.CharAccuracy(strings.Join(testPages()[i], ""), p.PlainText()); p.Extractor != page.OCR || acc < 0.93 {
					t.Errorf("page %d: %s, accuracy %.3f (%s)", p.Number, p.Extractor, acc, p.Note)
				}
			}
		})
	}
}
