package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"time"

	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/worker"
)

// ExtractFlags are the limits and tools of extraction, shared by the
// commands that read PDFs (extract, ingest, and the ingest evaluations).
type ExtractFlags struct {
	timeout  *time.Duration
	memory   *int
	maxPages *int
	ocrDPI   *int
	noOCR    *bool
}

// AddExtractFlags registers the extraction flags on fs.
func AddExtractFlags(fs *flag.FlagSet) ExtractFlags {
	d := worker.DefaultLimits()
	return ExtractFlags{
		timeout:  fs.Duration("timeout", d.Timeout, "wall-clock limit for decoding one file's text layer (env GAZETTE_EXTRACT_TIMEOUT)"),
		memory:   fs.Int("memory-mb", int(d.Memory>>20), "memory limit of the decoding child process, MiB (env GAZETTE_EXTRACT_MEMORY_MB)"),
		maxPages: fs.Int("max-pages", d.MaxPages, "page budget per file (env GAZETTE_EXTRACT_MAX_PAGES)"),
		ocrDPI:   fs.Int("ocr-dpi", 0, "resolution pages are rendered at for OCR; 0: the OCR stage's default (200 dpi, a scan's own resolution for image pages)"),
		noOCR:    fs.Bool("no-ocr", false, "do not run OCR: pages without usable text are marked as needing review"),
	}
}

// OCRDPI is --ocr-dpi: 0 for the OCR stage's default.
func (f ExtractFlags) OCRDPI() int { return *f.ocrDPI }

// Options resolves the flags and environment into the pipeline's options,
// finding the fallback tools this machine has. Every error names the
// setting at fault.
func (f ExtractFlags) Options(ctx context.Context, fs *flag.FlagSet, e Env) (ingest.ExtractOptions, error) {
	timeout, err := time.ParseDuration(Setting(fs, e, "timeout", "GAZETTE_EXTRACT_TIMEOUT"))
	if err != nil || timeout <= 0 {
		return ingest.ExtractOptions{}, fmt.Errorf("GAZETTE_EXTRACT_TIMEOUT / --timeout: want a positive duration such as 2m, got %q", Setting(fs, e, "timeout", "GAZETTE_EXTRACT_TIMEOUT"))
	}
	mem, err := positive(Setting(fs, e, "memory-mb", "GAZETTE_EXTRACT_MEMORY_MB"), "GAZETTE_EXTRACT_MEMORY_MB / --memory-mb")
	if err != nil {
		return ingest.ExtractOptions{}, err
	}
	pages, err := positive(Setting(fs, e, "max-pages", "GAZETTE_EXTRACT_MAX_PAGES"), "GAZETTE_EXTRACT_MAX_PAGES / --max-pages")
	if err != nil {
		return ingest.ExtractOptions{}, err
	}
	if *f.ocrDPI != 0 && (*f.ocrDPI < 72 || *f.ocrDPI > 600) {
		return ingest.ExtractOptions{}, fmt.Errorf("--ocr-dpi: want 0 (default) or 72 to 600, got %d", *f.ocrDPI)
	}
	opts := extract.Options{
		Limits:  worker.Limits{Timeout: timeout, Memory: int64(mem) << 20, MaxPages: pages},
		Workers: runtime.NumCPU(),
	}
	opts = extract.WithTools(ctx, opts, ocr.Limits{}, ocr.Options{DPI: *f.ocrDPI})
	if *f.noOCR {
		opts.OCR, opts.NoOCR = nil, "OCR turned off (--no-ocr)"
	}
	return ingest.ExtractOptions{Extract: opts}, nil
}

func positive(s, name string) (int, error) {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != s {
		return 0, fmt.Errorf("%s: want a positive whole number, got %q", name, s)
	}
	return n, nil
}
