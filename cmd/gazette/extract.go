package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/worker"
)

func runExtract(ctx context.Context, args []string, e env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("extract", stderr)
	lim := addExtractFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette extract [flags] FILE.pdf\n\nReads one gazette issue and prints it as one JSON object: the issue from its\ncover, its documents with their metadata, page ranges and text, and how each\npage's text was had. Stores nothing.")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	opts, err := lim.options(fs, e)
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	if _, err := os.Stat(path); err != nil {
		return err
	}
	res, err := ingest.Extract(ctx, path, opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

// extractFlags are the limits and tools of extraction, shared by extract and ingest.
type extractFlags struct {
	timeout  *time.Duration
	memory   *int
	maxPages *int
	ocrDPI   *int
	noOCR    *bool
}

func addExtractFlags(fs *flag.FlagSet) extractFlags {
	d := worker.DefaultLimits()
	return extractFlags{
		timeout:  fs.Duration("timeout", d.Timeout, "wall-clock limit for decoding one file's text layer (env GAZETTE_EXTRACT_TIMEOUT)"),
		memory:   fs.Int("memory-mb", int(d.Memory>>20), "memory limit of the decoding child process, MiB (env GAZETTE_EXTRACT_MEMORY_MB)"),
		maxPages: fs.Int("max-pages", d.MaxPages, "page budget per file (env GAZETTE_EXTRACT_MAX_PAGES)"),
		ocrDPI:   fs.Int("ocr-dpi", 0, "resolution pages are rendered at for OCR; 0: the OCR stage's default (200 dpi, a scan's own resolution for image pages)"),
		noOCR:    fs.Bool("no-ocr", false, "do not run OCR: pages without usable text are marked as needing review"),
	}
}

// options resolves the flags and environment into the pipeline's options,
// finding the fallback tools this machine has.
func (f extractFlags) options(fs *flag.FlagSet, e env) (ingest.ExtractOptions, error) {
	timeout, err := time.ParseDuration(setting(fs, e, "timeout", "GAZETTE_EXTRACT_TIMEOUT"))
	if err != nil || timeout <= 0 {
		return ingest.ExtractOptions{}, fmt.Errorf("GAZETTE_EXTRACT_TIMEOUT / --timeout: want a positive duration such as 2m, got %q", setting(fs, e, "timeout", "GAZETTE_EXTRACT_TIMEOUT"))
	}
	mem, err := positive(setting(fs, e, "memory-mb", "GAZETTE_EXTRACT_MEMORY_MB"), "GAZETTE_EXTRACT_MEMORY_MB / --memory-mb")
	if err != nil {
		return ingest.ExtractOptions{}, err
	}
	pages, err := positive(setting(fs, e, "max-pages", "GAZETTE_EXTRACT_MAX_PAGES"), "GAZETTE_EXTRACT_MAX_PAGES / --max-pages")
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
	opts = extract.WithTools(context.Background(), opts, ocr.Limits{}, ocr.Options{DPI: *f.ocrDPI})
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
