package ingesteval

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/typeset"
	"github.com/gazette-archive/gazette/ingest/typeset/ttf"
)

// WorkerRun is what the extraction worker reports for one file.
type WorkerRun struct {
	Pages   int
	PeakRSS int64 // the child's peak resident memory, bytes
}

// WorkerRunner runs the extraction worker (the child process that decodes
// the text layer) on one file.
type WorkerRunner func(ctx context.Context, path string) (WorkerRun, error)

// Targets of the benchmark.
const (
	TargetVsPdftotext = 0.8       // pages per second per core, ÷ pdftotext's
	TargetScaling     = 1.2       // cost per page, 1,000-page file ÷ 50-page file
	TargetWorkerRSS   = 512 << 20 // the worker's peak memory on the 1,000-page file
)

// BenchConfig configures RunBench. Pipeline or Pages is required; the
// others are measured when set.
type BenchConfig struct {
	Pipeline Pipeline
	// Pages is the extraction stage alone, timed beside the pipeline to
	// show where the time goes.
	Pages  PageReader
	Worker WorkerRunner
	// Child names the executable that decodes the text layer, for the
	// report: its start-up is paid once per file.
	Child string
	// OCR reads every page of a scan, Workers pages at once, as the
	// extraction stage reads a file whose pages need OCR: in the command,
	// extract.File, whose OCR leaves the lines with place names of the
	// file's pages to its second model's few runs for the whole file. A
	// page it reads by another path than OCR counts as an error.
	OCR PageReader
	// NoOCR says why OCR is not measured when OCR is nil.
	NoOCR string
	// OCRDPI is the resolution OCR renders at, for the report.
	OCRDPI int
	// ScanDPI is the resolution of the scan generated for OCR; 0 means
	// 200, a usual one for archive scanning.
	ScanDPI int
	// Pdftotext is poppler's pdftotext; "" looks it up on the PATH, and
	// without it the comparison is left out.
	Pdftotext string
	// Files text-based files of at least FilePages pages each (encodings
	// in turn) make the speed runs; FilePages and LargePages are the
	// small and large file of the scaling run. A generated scan of at
	// least OCRPages pages is read by OCR.
	Files, FilePages, LargePages, OCRPages int
	// Workers is the files read at once on all cores; 0 means the number
	// of CPUs.
	Workers int
	Seed    uint64
	// WorkDir keeps the generated files; "" means a temporary directory,
	// removed afterwards.
	WorkDir  string
	Out      io.Writer
	Progress func(what string, done, total int)
}

// Speed is one reader's run over the files.
type Speed struct {
	Reader  string // pipeline, extraction, pdftotext
	Mode    string // one core, all cores
	Files   int
	Pages   int
	Wall    time.Duration
	CPU     time.Duration // this process and its children, user and system; 0 if unknown
	Errors  int
	FirstEr error
}

// PagesPerSecond is pages over wall-clock seconds.
func (s Speed) PagesPerSecond() float64 { return float64(s.Pages) / max(s.Wall.Seconds(), 1e-9) }

// PagesPerCPUSecond is pages over CPU seconds; 0 if CPU time is unknown.
func (s Speed) PagesPerCPUSecond() float64 {
	if s.CPU <= 0 {
		return 0
	}
	return float64(s.Pages) / s.CPU.Seconds()
}

// Scaling is one reader's cost per page on a small and a large file.
type Scaling struct {
	Reader       string
	Small, Large Speed
}

// BenchReport is everything RunBench measured.
type BenchReport struct {
	Pinned  string // how "one core" was enforced
	Speeds  []Speed
	Scaling []Scaling
	// WorkerRSS is the worker's peak memory on the large file; -1 if not
	// measured, WorkerErr why.
	WorkerRSS   int64
	WorkerPages int
	WorkerErr   error
	OCR         Speed // Pages 0 when not measured
	OCRNote     string
	Notes       []string
}

// reader is something timed: it reads a file and says how many pages.
type reader struct {
	name string
	read func(ctx context.Context, path string) (int, error)
}

// RunBench generates the files, times every reader on them and prints the
// report to cfg.Out.
func RunBench(ctx context.Context, cfg BenchConfig) (BenchReport, error) {
	rep := BenchReport{WorkerRSS: -1}
	if cfg.Pipeline == nil && cfg.Pages == nil {
		return rep, errors.New("ingesteval: bench: nothing to measure (no pipeline, no page reader)")
	}
	if cfg.Files < 1 || cfg.FilePages < 1 || cfg.LargePages < cfg.FilePages || cfg.OCRPages < 0 {
		return rep, fmt.Errorf("ingesteval: bench: %d files of %d pages, large %d, OCR %d: want at least one file, a large file no smaller than the small one",
			cfg.Files, cfg.FilePages, cfg.LargePages, cfg.OCRPages)
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	dir, cleanup, err := workDir(cfg.WorkDir, "gazette-bench-ingest-")
	if err != nil {
		return rep, err
	}
	defer cleanup()
	progress := func(what string, done, total int) {
		if cfg.Progress != nil {
			cfg.Progress(what, done, total)
		}
	}
	font, err := typeset.LoadFont()
	if err != nil {
		return rep, fmt.Errorf("ingesteval: bench: %w", err)
	}

	// The files, in the text encodings in turn.
	var files []string
	pagesOf := map[string]int{}
	for i := range cfg.Files {
		enc := TextEncodings[i%len(TextEncodings)]
		path := filepath.Join(dir, fmt.Sprintf("bench-%02d-%s.pdf", i+1, enc))
		tr, err := writeIssue(ctx, path, typeset.Options{Seed: cfg.Seed + uint64(i), Encoding: enc, MinPages: cfg.FilePages, FakeBold: i%2 == 1, Font: font})
		if err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s not generated: %v", enc, err))
			continue
		}
		files = append(files, path)
		pagesOf[path] = len(tr.Pages)
		progress("generating", i+1, cfg.Files)
	}
	if len(files) == 0 {
		return rep, fmt.Errorf("ingesteval: bench: no file generated: %v", rep.Notes)
	}
	small := filepath.Join(dir, "scaling-small.pdf")
	large := filepath.Join(dir, "scaling-large.pdf")
	for _, f := range []struct {
		path  string
		pages int
	}{{small, cfg.FilePages}, {large, cfg.LargePages}} {
		// From one document up, so the page count lands near MinPages.
		tr, err := writeIssue(ctx, f.path, typeset.Options{Seed: cfg.Seed, Encoding: typeset.IdentityH, Documents: 1, MinPages: f.pages, Font: font})
		if err != nil {
			return rep, fmt.Errorf("ingesteval: bench: %w", err)
		}
		pagesOf[f.path] = len(tr.Pages)
	}
	var scan ocrScan
	if cfg.OCR != nil && cfg.OCRPages > 0 {
		scan = writeScan(ctx, cfg, dir, font)
	}
	// Everything is generated: the generator's font (tens of MB) is let go
	// and collected, so that the readers are timed in a process that holds
	// what gazette extract holds, not a typesetter's heap for the collector
	// to mark again and again.
	font = nil
	runtime.GC()

	var readers []reader
	if cfg.Pipeline != nil {
		readers = append(readers, reader{"pipeline", func(ctx context.Context, path string) (int, error) {
			res, err := cfg.Pipeline(ctx, path)
			if err != nil {
				return 0, err
			}
			if len(res.Review) > 0 {
				return len(res.Pages), fmt.Errorf("needs review: %v", res.Review)
			}
			return len(res.Pages), nil
		}})
	}
	if cfg.Pages != nil {
		readers = append(readers, reader{"extraction", func(ctx context.Context, path string) (int, error) {
			ps, err := cfg.Pages(ctx, path)
			return len(ps), err
		}})
	}
	pdftotext, err := exec.LookPath(cmp.Or(cfg.Pdftotext, "pdftotext"))
	if err == nil {
		readers = append(readers, reader{"pdftotext", func(ctx context.Context, path string) (int, error) {
			var stderr bytes.Buffer
			cmd := exec.CommandContext(ctx, pdftotext, "-enc", "UTF-8", path, "-")
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Run(); err != nil {
				return 0, fmt.Errorf("pdftotext: %w: %.200s", err, stderr.String())
			}
			return pagesOf[path], nil
		}})
	} else {
		rep.Notes = append(rep.Notes, fmt.Sprintf("no comparison with pdftotext (install poppler-utils): %v", err))
	}

	// One unmeasured pass over the first file warms the page cache and
	// the binary every reader starts.
	for _, r := range readers {
		if _, err := r.read(ctx, files[0]); err != nil && ctx.Err() != nil {
			return rep, ctx.Err()
		}
	}
	unpin, how, err := pinOneCPU()
	if err != nil {
		rep.Notes = append(rep.Notes, "one core not enforced: "+err.Error())
		how = "not enforced"
	}
	rep.Pinned = how
	rep.Speeds = append(rep.Speeds, interleaved(ctx, readers, files, pagesOf, 1, "one core", progress)...)
	for _, r := range readers {
		if r.name == "pdftotext" {
			continue
		}
		// The cheapest of several runs of each: the first run of a file
		// pays for what is cold, and other work on the machine only ever
		// adds. The runs alternate (small, large, small, ...), so that a
		// busy spell of the machine does not fall on one file only; the
		// small file gets one run more, so leftover noise favours it: the
		// comparison is fair to the small file.
		sc := Scaling{Reader: r.name}
		var smallRuns, largeRuns runs
		for i := range 3 {
			smallRuns.add(timeFiles(ctx, r, []string{small}, pagesOf, 1, "one core"))
			if i < 2 {
				largeRuns.add(timeFiles(ctx, r, []string{large}, pagesOf, 1, "one core"))
			}
		}
		sc.Small, sc.Large = smallRuns.best(), largeRuns.best()
		rep.Scaling = append(rep.Scaling, sc)
		progress("scaling", len(rep.Scaling), len(readers))
	}
	if unpin != nil {
		unpin()
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	rep.Speeds = append(rep.Speeds, interleaved(ctx, readers, files, pagesOf, workers, fmt.Sprintf("all cores (%d at once)", workers), progress)...)

	if cfg.Worker != nil {
		wr, err := cfg.Worker(ctx, large)
		rep.WorkerRSS, rep.WorkerPages, rep.WorkerErr = wr.PeakRSS, wr.Pages, err
	}
	if cfg.OCR != nil && cfg.OCRPages > 0 {
		rep.OCR, rep.OCRNote = benchOCR(ctx, cfg, scan, workers)
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	printBench(cfg, rep, pagesOf[small], pagesOf[large])
	return rep, nil
}

// timeFiles runs r over files, workers at a time, and times it.
func timeFiles(ctx context.Context, r reader, files []string, pagesOf map[string]int, workers int, mode string) Speed {
	s := Speed{Reader: r.name, Mode: mode, Files: len(files)}
	var mu sync.Mutex
	cpu0, cpuErr := cpuTime()
	start := time.Now()
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for _, f := range files {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			n, err := r.read(ctx, f)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				s.Errors++
				if s.FirstEr == nil {
					s.FirstEr = fmt.Errorf("%s: %w", filepath.Base(f), err)
				}
			}
			if n != pagesOf[f] && err == nil {
				s.Errors++
				if s.FirstEr == nil {
					s.FirstEr = fmt.Errorf("%s: %d pages read of %d", filepath.Base(f), n, pagesOf[f])
				}
			}
			s.Pages += pagesOf[f]
		})
	}
	wg.Wait()
	s.Wall = time.Since(start)
	if cpu1, err := cpuTime(); err == nil && cpuErr == nil {
		s.CPU = cpu1 - cpu0
	}
	return s
}

// speedRounds is how many times each reader reads the files in the speed
// runs. Other work on a shared machine only ever adds to a run's cost, and
// by an amount that changes from second to second: the readers take turns,
// file by file on one core (each file read by every reader, in an order
// that rotates), and each keeps its cheapest round.
const speedRounds = 3

// interleaved times every reader over files in speedRounds rounds and
// returns each reader's cheapest round, by CPU time (wall time where CPU
// time is unknown). Errors is the most any round had; FirstEr the first
// seen.
func interleaved(ctx context.Context, readers []reader, files []string, pagesOf map[string]int, workers int, mode string,
	progress func(string, int, int)) []Speed {
	best := make([]Speed, len(readers))
	for round := range speedRounds {
		runs := make([]Speed, len(readers))
		if workers == 1 {
			for i := range runs {
				runs[i] = Speed{Reader: readers[i].name, Mode: mode}
			}
			for k, f := range files {
				for j := range readers {
					i := (j + k + round) % len(readers)
					s := timeFiles(ctx, readers[i], []string{f}, pagesOf, 1, mode)
					r := &runs[i]
					r.Files++
					r.Pages += s.Pages
					r.Wall += s.Wall
					r.CPU += s.CPU
					r.Errors += s.Errors
					r.FirstEr = cmp.Or(r.FirstEr, s.FirstEr)
				}
			}
		} else {
			for i, r := range readers {
				runs[i] = timeFiles(ctx, r, files, pagesOf, workers, mode)
			}
		}
		for i, s := range runs {
			errs, firstErr := max(best[i].Errors, s.Errors), cmp.Or(best[i].FirstEr, s.FirstEr)
			if round == 0 || cheaper(s, best[i]) {
				best[i] = s
			}
			best[i].Errors, best[i].FirstEr = errs, firstErr
		}
		progress(mode, round+1, speedRounds)
	}
	return best
}

// cheaper reports whether run a cost less than run b: CPU time where both
// have it, else wall time.
func cheaper(a, b Speed) bool {
	if a.CPU > 0 && b.CPU > 0 {
		return a.CPU < b.CPU
	}
	return a.Wall < b.Wall
}

// runs keeps the cheapest of several runs of a reader over one file: least
// CPU time, wall time where CPU time is unknown. A run that failed anywhere
// is reported, whichever run was cheapest: Errors counts every run's.
type runs struct {
	n        int
	cheapest Speed
	errs     int
	firstErr error
}

func (rs *runs) add(s Speed) {
	rs.errs += s.Errors
	rs.firstErr = cmp.Or(rs.firstErr, s.FirstEr)
	if rs.n == 0 || cheaper(s, rs.cheapest) {
		rs.cheapest = s
	}
	rs.n++
}

func (rs *runs) best() Speed {
	b := rs.cheapest
	b.Errors, b.FirstEr = rs.errs, rs.firstErr
	return b
}

// ocrScan is the generated scan OCR reads.
type ocrScan struct {
	path  string
	pages int
	note  string // what it is, for the report; why not, when pages is 0
}

// writeScan generates the scan for OCR's throughput.
func writeScan(ctx context.Context, cfg BenchConfig, dir string, font *ttf.Font) ocrScan {
	path := filepath.Join(dir, "ocr-scan.pdf")
	scanDPI := cmp.Or(cfg.ScanDPI, 200)
	tr, err := writeIssue(ctx, path, typeset.Options{Seed: cfg.Seed, Encoding: typeset.Scan, Documents: 3, MinPages: cfg.OCRPages, ScanDPI: scanDPI, Font: font})
	if err != nil {
		return ocrScan{note: fmt.Sprintf("no scan generated: %v", err)}
	}
	kinds := map[string]int{}
	for _, p := range tr.Pages {
		kinds[p.Kind]++
	}
	return ocrScan{path: path, pages: len(tr.Pages), note: fmt.Sprintf("a generated scan of %d pages (%d cover, %d contents, %d body; A4 rendered at %d dpi, degraded), read whole as gazette extract reads it",
		len(tr.Pages), kinds["cover"], kinds["contents"], kinds["body"], scanDPI)}
}

// benchOCR reads the scan by OCR, its pages on all cores, as one file:
// the product's cost, the second model's runs for the file's place names
// included, over the file's pages.
func benchOCR(ctx context.Context, cfg BenchConfig, scan ocrScan, workers int) (Speed, string) {
	if scan.pages == 0 {
		return Speed{}, scan.note
	}
	s := Speed{Reader: "ocr", Mode: fmt.Sprintf("all cores (%d pages at once)", workers), Files: 1, Pages: scan.pages}
	cpu0, cpuErr := cpuTime()
	start := time.Now()
	pages, err := cfg.OCR(ctx, scan.path)
	s.Wall = time.Since(start)
	if cpu1, err := cpuTime(); err == nil && cpuErr == nil {
		s.CPU = cpu1 - cpu0
	}
	fail := func(err error) {
		s.Errors++
		s.FirstEr = cmp.Or(s.FirstEr, err)
	}
	if err != nil {
		fail(err)
	} else if len(pages) != scan.pages {
		fail(fmt.Errorf("%d pages read of %d", len(pages), scan.pages))
	}
	for _, p := range pages {
		if p.Extractor != page.OCR {
			fail(fmt.Errorf("page %d read by %s, not OCR: %s", p.Number, p.Extractor, p.Note))
		}
	}
	return s, scan.note
}

func printBench(cfg BenchConfig, rep BenchReport, smallPages, largePages int) {
	w := cfg.Out
	fmt.Fprintln(w, "Ingest benchmark: generated text-based issues (encodings in turn), every reader on the same files in the same run")
	fmt.Fprintf(w, "  one core: one file at a time, %s; all cores: files in parallel\n", rep.Pinned)
	fmt.Fprintf(w, "  each reader reads the files %d times, taking turns with the others (file by file on one core), and keeps its cheapest round by CPU time: others' work only adds\n", speedRounds)
	if cfg.Child != "" {
		fmt.Fprintf(w, "  text-layer child, one per file: %s\n", cfg.Child)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "reader\tmode\tfiles\tpages\twall\tpages/s\tCPU\tpages/CPU-s\tvs pdftotext\terrors\t")
	base := map[string]Speed{}
	for _, s := range rep.Speeds {
		if s.Reader == "pdftotext" {
			base[s.Mode] = s
		}
	}
	for _, s := range rep.Speeds {
		vs := "-"
		if b, ok := base[s.Mode]; ok && s.Reader != "pdftotext" {
			vs = fmt.Sprintf("%.2f×", s.PagesPerSecond()/b.PagesPerSecond())
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2fs\t%.1f\t%s\t%s\t%s\t%d\t\n", s.Reader, s.Mode, s.Files, s.Pages, s.Wall.Seconds(), s.PagesPerSecond(),
			fmtCPU(s.CPU), fmtRate(s.PagesPerCPUSecond()), vs, s.Errors)
	}
	tw.Flush()
	for _, s := range rep.Speeds {
		if s.FirstEr != nil {
			fmt.Fprintf(w, "  %s, %s: first error: %s\n", s.Reader, s.Mode, shorten(s.FirstEr.Error(), 300))
		}
	}
	if b, ok := base["one core"]; ok {
		for _, s := range rep.Speeds {
			if s.Mode != "one core" || s.Reader == "pdftotext" {
				continue
			}
			r := s.PagesPerSecond() / b.PagesPerSecond()
			cpu := ""
			if s.CPU > 0 && b.CPU > 0 {
				cpu = fmt.Sprintf("; by CPU time %.2f×", s.PagesPerCPUSecond()/b.PagesPerCPUSecond())
			}
			fmt.Fprintf(w, "  %s per core: %.1f pages/s, %.2f× pdftotext's %.1f (target ≥ %.1f×): %s%s\n", s.Reader, s.PagesPerSecond(), r,
				b.PagesPerSecond(), TargetVsPdftotext, verdict(r >= TargetVsPdftotext && s.Errors == 0), cpu)
		}
	}

	fmt.Fprintf(w, "  cost per page, one core: a %d-page file (best of 3 runs) against a %d-page file (best of 2)\n", smallPages, largePages)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "reader\tsmall wall/page\tlarge wall/page\tratio\tsmall CPU/page\tlarge CPU/page\tratio\terrors\t")
	for _, sc := range rep.Scaling {
		perPage := func(d time.Duration, s Speed) time.Duration { return d / time.Duration(max(s.Pages, 1)) }
		cpuRatio := "-"
		if sc.Small.CPU > 0 && sc.Large.CPU > 0 {
			cpuRatio = fmt.Sprintf("%.2f", float64(perPage(sc.Large.CPU, sc.Large))/float64(perPage(sc.Small.CPU, sc.Small)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%s\t%s\t%s\t%d\t\n", sc.Reader, fmtMs(perPage(sc.Small.Wall, sc.Small)), fmtMs(perPage(sc.Large.Wall, sc.Large)),
			float64(perPage(sc.Large.Wall, sc.Large))/float64(perPage(sc.Small.Wall, sc.Small)),
			fmtMs(perPage(sc.Small.CPU, sc.Small)), fmtMs(perPage(sc.Large.CPU, sc.Large)), cpuRatio, sc.Small.Errors+sc.Large.Errors)
	}
	tw.Flush()
	for _, sc := range rep.Scaling {
		for _, s := range []Speed{sc.Small, sc.Large} {
			if s.FirstEr != nil {
				fmt.Fprintf(w, "  %s: first error: %s\n", sc.Reader, shorten(s.FirstEr.Error(), 300))
			}
		}
		small, large := sc.Small.CPU, sc.Large.CPU
		how := "CPU time"
		if small <= 0 || large <= 0 {
			small, large, how = sc.Small.Wall, sc.Large.Wall, "wall clock"
		}
		r := (float64(large) / float64(max(sc.Large.Pages, 1))) / (float64(small) / float64(max(sc.Small.Pages, 1)))
		fmt.Fprintf(w, "  %s: a %d-page file costs %.2f× per page what a %d-page one does, by %s (target ≤ %.1f×): %s\n",
			sc.Reader, sc.Large.Pages, r, sc.Small.Pages, how, TargetScaling, verdict(r <= TargetScaling && sc.Small.Errors+sc.Large.Errors == 0))
	}

	switch {
	case cfg.Worker == nil:
		fmt.Fprintln(w, "  worker peak memory: not measured (no worker runner)")
	case rep.WorkerErr != nil:
		fmt.Fprintf(w, "  worker peak memory on the %d-page file: %s after %d pages, and it failed: %v: NOT met\n", largePages, fmtMiB(rep.WorkerRSS), rep.WorkerPages, rep.WorkerErr)
	default:
		fmt.Fprintf(w, "  worker peak memory on the %d-page file (%d pages decoded): %s, the child's max RSS (target < %s): %s\n", largePages, rep.WorkerPages,
			fmtMiB(rep.WorkerRSS), fmtMiB(TargetWorkerRSS), verdict(rep.WorkerRSS > 0 && rep.WorkerRSS < TargetWorkerRSS && rep.WorkerPages == largePages))
	}
	switch {
	case cfg.OCR == nil && cfg.NoOCR != "":
		fmt.Fprintf(w, "  OCR throughput: not measured: %s\n", cfg.NoOCR)
	case cfg.OCR == nil || cfg.OCRPages == 0:
		fmt.Fprintln(w, "  OCR throughput: not measured")
	case rep.OCR.Pages == 0:
		fmt.Fprintf(w, "  OCR throughput: not measured: %s\n", rep.OCRNote)
	default:
		o := rep.OCR
		fmt.Fprintf(w, "  OCR throughput at %d dpi, %s: %.1f pages/minute (%d pages in %.1fs; %d errors) over %s\n",
			cfg.OCRDPI, o.Mode, 60*o.PagesPerSecond(), o.Pages, o.Wall.Seconds(), o.Errors, rep.OCRNote)
		if o.CPU > 0 {
			// What the cores would do unshared: the wall clock above
			// counts other work on a shared machine.
			fmt.Fprintf(w, "  OCR by CPU time: %s a page (render, tesseract, its second model; the text layer and poppler tried first), %.1f pages/minute per core\n",
				fmtCPU(o.CPU/time.Duration(max(o.Pages, 1))), 60*o.PagesPerCPUSecond())
		}
		if o.FirstEr != nil {
			fmt.Fprintf(w, "  OCR first error: %s\n", shorten(o.FirstEr.Error(), 300))
		}
	}
	fmt.Fprintf(w, "  (CPU is user+system time of this process and its children; on a shared machine it is steadier than wall time)\n\n")
}

func fmtCPU(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func fmtRate(f float64) string {
	if f <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", f)
}

func fmtMs(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

func fmtMiB(n int64) string {
	if n < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
