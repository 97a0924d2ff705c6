package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingesteval"
)

func runEvalIngest(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette-eval", "eval-ingest", stderr)
	fs.String("corpus", defaultCorpus, "the shared corpus folder: a second source of texts, and the real PDFs in its pdf/ (env GAZETTE_CORPUS)")
	first := fs.Uint64("seed", 1, "the first seed of the generated issues")
	seeds := fs.Int("seeds", 3, "text-based issues per source and encoding (seeds SEED, SEED+1, ...); --seeds 0 --scans 0 runs the real PDFs only")
	scans := fs.Int("scans", 1, "scan issues per source; slow: about 2 s a page to render and more to OCR")
	scanDocs := fs.Int("scan-docs", 3, "documents in each scan issue (0: a random 10–30)")
	docs := fs.Int("docs", 0, "documents in each text-based issue (0: a random 10–30)")
	real := fs.Bool("real", true, "also run every PDF of the corpus's pdf/ folder and score it against its reference text")
	realFiles := fs.String("real-files", "*.pdf", "which files of the corpus's pdf/ folder to run (a file-name pattern)")
	pages := fs.Bool("pages", true, "also score the extraction stage page by page (reads every file a second time)")
	workers := fs.Int("workers", runtime.NumCPU(), "files read at once")
	keep := fs.String("keep", "", "keep the generated PDFs and their truths (NAME.truth.json) in this folder")
	show := fs.Int("show", 20, "mismatches to list")
	lim := cli.AddExtractFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette-eval eval-ingest [--seeds N] [--scans N] [--real=false] [--keep DIR] [flags]

Measures the legacy PDF ingest (the pipeline of gazette extract) against
issues generated with exact truth (ingest/typeset): in each text encoding
(embedded Identity-H, GBK-EUC-H, GBK under WinAnsi, Identity-H without
ToUnicode) and as scans, from built-in texts and from the corpus's laws and
titles. Prints character accuracy of the documents' text (and of each page,
from the extraction stage alone), document-boundary precision, recall and
F1, per-field metadata accuracy (title, 文号, authority, signed date, ...)
and the cover's fields, each beside its target. Then runs every real PDF of
the corpus and prints its outcome, pages, extractors and accuracy against
its reference text. It prints figures and exits 0; it is not a pass/fail
gate. The Taiwan gazette issues are scored by the split and meta packages'
own evaluations (go test -run Eval ./ingest/split ./ingest/meta).`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	switch {
	case *seeds < 0 || *scans < 0 || *seeds+*scans == 0 && !*real:
		return fmt.Errorf("--seeds %d --scans %d --real=false: want something to evaluate", *seeds, *scans)
	case *scanDocs < 0 || *docs < 0 || *docs > 200 || *scanDocs > 200:
		return fmt.Errorf("--docs %d --scan-docs %d: want 0 to 200", *docs, *scanDocs)
	case *workers < 1:
		return fmt.Errorf("--workers %d: want at least 1", *workers)
	}
	opts, err := lim.Options(ctx, fs, e)
	if err != nil {
		return err
	}
	if opts.Extract.OCR == nil {
		fmt.Fprintf(stderr, "eval-ingest: no OCR (%s): scans will need review\n", opts.Extract.NoOCR)
	}
	corpus := cli.Setting(fs, e, "corpus", "GAZETTE_CORPUS")
	if _, err := os.Stat(corpus); err != nil {
		fmt.Fprintf(stderr, "eval-ingest: corpus %s absent: built-in texts only, no real PDFs\n", corpus)
		corpus = ""
	}
	cfg := ingesteval.EvalConfig{
		Pipeline:      pipelineOf(opts),
		CorpusDir:     corpus,
		FirstSeed:     *first,
		Seeds:         *seeds,
		Scans:         *scans,
		ScanDocuments: *scanDocs,
		Documents:     *docs,
		Real:          *real && corpus != "",
		RealPattern:   *realFiles,
		Workers:       *workers,
		WorkDir:       *keep,
		Show:          *show,
		Out:           stdout,
		Progress:      progressBars(stderr),
	}
	if *pages {
		cfg.Pages = pagesOf(opts)
	}
	if _, err = ingesteval.RunEval(ctx, cfg); err != nil || !cfg.Real || cfg.Pages == nil {
		return err
	}
	// Real scans against their hand-checked text.
	_, err = ingesteval.RunHandText(ctx, filepath.Join(corpus, "pdf", "real-docs"), cfg.Pages, stdout)
	if errors.Is(err, ingesteval.ErrNoCorpus) {
		fmt.Fprintf(stdout, "Real scans: skipped: %v\n", err)
		return nil
	}
	return err
}

func runBenchIngest(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette-eval", "bench-ingest", stderr)
	files := fs.Int("files", 8, "text-based files of the speed runs (encodings in turn)")
	filePages := fs.Int("file-pages", 50, "pages of each file, at least; and of the small file of the cost-per-page comparison")
	largePages := fs.Int("large-pages", 1000, "pages of the large file of the cost-per-page comparison and the worker's memory")
	ocrPages := fs.Int("ocr-pages", 6, "pages, at least, of a generated scan read by OCR for its throughput (0: skip)")
	workers := fs.Int("workers", runtime.NumCPU(), "files read at once in the all-cores runs, and pages of the scan")
	seed := fs.Uint64("seed", 1, "seed of the generated files")
	keep := fs.String("keep", "", "keep the generated files in this folder")
	lim := cli.AddExtractFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette-eval bench-ingest [--files N] [--file-pages N] [--large-pages N] [--ocr-pages N] [flags]

Generates text-based gazette issues and times, on the same files in the same
run, the whole pipeline (gazette extract), the extraction stage alone and
poppler's pdftotext: pages per second on one core (one file at a time, the
process and its children pinned to one CPU) and on all cores (files in
parallel), with the ratio to pdftotext (target ≥ 0.8× per core). Then the
cost per page of a 50-page file against a 1,000-page one (target: within
20%), the decoding worker's peak memory on the 1,000-page file (target
< 512 MiB) and OCR throughput in pages per minute on all cores at the OCR
resolution (--ocr-dpi), over a generated scan read whole as gazette extract
reads it. The extraction flags apply; give --timeout room for
the large file on one core.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	switch {
	case *files < 1 || *filePages < 1 || *largePages < *filePages:
		return fmt.Errorf("--files %d --file-pages %d --large-pages %d: want at least one file, and a large file no smaller than the others", *files, *filePages, *largePages)
	case *largePages > 20000 || *ocrPages < 0 || *ocrPages > 200:
		return fmt.Errorf("--large-pages %d --ocr-pages %d: want at most 20000 and 0 to 200", *largePages, *ocrPages)
	case *workers < 1:
		return fmt.Errorf("--workers %d: want at least 1", *workers)
	}
	opts, err := lim.Options(ctx, fs, e)
	if err != nil {
		return err
	}
	cfg := ingesteval.BenchConfig{
		Pipeline:   pipelineOf(opts),
		Pages:      pagesOf(opts),
		Worker:     workerOf(opts),
		Child:      opts.Extract.ChildNote,
		OCRDPI:     cmp.Or(lim.OCRDPI(), ocr.DefaultDPI),
		Files:      *files,
		FilePages:  *filePages,
		LargePages: *largePages,
		OCRPages:   *ocrPages,
		Workers:    *workers,
		Seed:       *seed,
		WorkDir:    *keep,
		Out:        stdout,
		Progress:   progressBars(stderr),
	}
	if *ocrPages > 0 {
		if opts.Extract.OCR == nil {
			cfg.NoOCR = opts.Extract.NoOCR
		} else {
			// A scan's pages are read --workers at once, as gazette
			// extract reads them on as many cores.
			x := opts
			x.Extract.Workers = *workers
			cfg.OCR = pagesOf(x)
		}
	}
	_, err = ingesteval.RunBench(ctx, cfg)
	return err
}

// pipelineOf is the whole pipeline, as gazette extract runs it.
func pipelineOf(opts ingest.ExtractOptions) ingesteval.Pipeline {
	return func(ctx context.Context, path string) (*report.Result, error) { return ingest.Extract(ctx, path, opts) }
}

// pagesOf is the extraction stage alone: every page by the best path, with
// its running heads and page numbers still on it.
func pagesOf(opts ingest.ExtractOptions) ingesteval.PageReader {
	return func(ctx context.Context, path string) ([]page.Page, error) {
		r, err := extract.File(ctx, path, opts.Extract)
		return r.Pages, err
	}
}

// workerOf runs the text-layer child alone, without fallbacks, for its
// peak memory.
func workerOf(opts ingest.ExtractOptions) ingesteval.WorkerRunner {
	return func(ctx context.Context, path string) (ingesteval.WorkerRun, error) {
		r, err := extract.File(ctx, path, extract.Options{Limits: opts.Extract.Limits, Job: opts.Extract.Job})
		if err == nil && r.Child != nil {
			err = r.Child
		}
		if err == nil && r.Truncated {
			err = fmt.Errorf("%s: page budget reached after %d pages", filepath.Base(path), len(r.Pages))
		}
		return ingesteval.WorkerRun{Pages: len(r.Pages), PeakRSS: r.PeakRSS}, err
	}
}
