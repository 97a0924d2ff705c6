package ingesteval

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// spin burns CPU for about d of CPU time on this thread, whatever the load.
func spin(d time.Duration) {
	start, _ := cpuTime()
	x := uint64(1)
	for {
		for range 10000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
		if now, err := cpuTime(); err != nil || now-start >= d || x == 0 {
			return
		}
	}
}

// costly is a stand-in pipeline whose cost per page is perPage times the
// page count to the power grow (0: constant, 1: growing linearly).
func costly(perPage time.Duration, grow int) Pipeline {
	var truths sync.Map // path → typeset.Truth: read once, so the spin is all the cost
	return func(ctx context.Context, path string) (*report.Result, error) {
		v, ok := truths.Load(path)
		if !ok {
			tr, err := readTruth(path)
			if err != nil {
				return nil, err
			}
			v, _ = truths.LoadOrStore(path, tr)
		}
		tr := v.(typeset.Truth)
		n := len(tr.Pages)
		cost := time.Duration(n) * perPage
		for range grow {
			cost *= time.Duration(n)
		}
		spin(cost)
		return truthResult(tr), nil
	}
}

// ocrPages is a stand-in OCR that spends perPage of CPU time on each page
// of a generated file and reads page bad by another path (0: none).
func ocrPages(perPage time.Duration, bad int) PageReader {
	return func(ctx context.Context, path string) ([]page.Page, error) {
		tr, err := readTruth(path)
		if err != nil {
			return nil, err
		}
		var out []page.Page
		for _, p := range tr.Pages {
			spin(perPage)
			pg := page.Page{Number: p.Index, Extractor: page.OCR}
			if p.Index == bad {
				pg.Extractor, pg.Note = page.None, "OCR: no text (a blank page?)"
			}
			out = append(out, pg)
		}
		return out, nil
	}
}

func benchConfig(p Pipeline, out *bytes.Buffer) BenchConfig {
	return BenchConfig{
		Pipeline: p, Pages: truthPages,
		Worker: func(ctx context.Context, path string) (WorkerRun, error) {
			tr, err := readTruth(path)
			return WorkerRun{Pages: len(tr.Pages), PeakRSS: 40 << 20}, err
		},
		Files: 2, FilePages: 4, LargePages: 16, Workers: 2, Seed: 3, Out: out,
	}
}

func TestBench(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	var out bytes.Buffer
	cfg := benchConfig(costly(2*time.Millisecond, 0), &out)
	cfg.OCR = ocrPages(20*time.Millisecond, 0)
	cfg.OCRPages, cfg.OCRDPI, cfg.ScanDPI = 1, 300, 72
	rep, err := RunBench(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, reader := range []string{"pipeline", "extraction", "pdftotext"} {
		for _, mode := range []string{"one core", "all cores (2 at once)"} {
			i := -1
			for k, s := range rep.Speeds {
				if s.Reader == reader && s.Mode == mode {
					i = k
				}
			}
			if i < 0 {
				t.Errorf("no %s run on %s", reader, mode)
				continue
			}
			if s := rep.Speeds[i]; s.Files != 2 || s.Pages < 8 || s.Errors != 0 || s.Wall <= 0 || s.CPU <= 0 {
				t.Errorf("%s %s: %+v", reader, mode, s)
			}
		}
	}
	if len(rep.Scaling) != 2 || rep.Scaling[0].Large.Pages < 16 || rep.Scaling[0].Small.Pages < 4 {
		t.Errorf("scaling %+v", rep.Scaling)
	}
	for _, re := range []string{
		`pipeline per core: [0-9.]+ pages/s, [0-9.]+× pdftotext's`,
		`pipeline: a \d+-page file costs [0-9.]+× per page what a \d+-page one does, by CPU time \(target ≤ 1.2×\): met`,
		`worker peak memory on the 16-page file \(\d+ pages decoded\): 40.0 MiB, the child's max RSS \(target < 512.0 MiB\): met`,
		`OCR throughput at 300 dpi, all cores \(2 pages at once\): [0-9.]+ pages/minute \(\d+ pages in [0-9.]+s; 0 errors\) over a generated scan of \d+ pages \(1 cover, 1 contents, \d+ body;`,
		`OCR by CPU time: [0-9.]+s a page \(render, tesseract, its second model; [^)]*\), [0-9.]+ pages/minute per core`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("report lacks %s", re)
		}
	}
	if rep.OCR.Pages < 3 || rep.OCR.Errors != 0 || rep.OCR.CPU < time.Duration(rep.OCR.Pages)*20*time.Millisecond {
		t.Errorf("OCR %+v (%s)", rep.OCR, rep.OCRNote)
	}
}

// TestBenchCatches: a pipeline whose cost per page grows with the file,
// which loses pages, and a worker over its memory, are all reported.
func TestBenchCatches(t *testing.T) {
	var out bytes.Buffer
	growing := costly(200*time.Microsecond, 1)
	cfg := benchConfig(func(ctx context.Context, path string) (*report.Result, error) {
		res, err := growing(ctx, path)
		if err == nil {
			res.Pages = res.Pages[1:]
		}
		return res, err
	}, &out)
	cfg.Pages = nil
	cfg.Pdftotext = "/nonexistent/pdftotext"
	cfg.Worker = func(ctx context.Context, path string) (WorkerRun, error) {
		return WorkerRun{Pages: 16, PeakRSS: 600 << 20}, nil
	}
	cfg.OCR, cfg.OCRPages, cfg.ScanDPI = ocrPages(0, 2), 1, 72
	rep, err := RunBench(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if len(rep.Speeds) != 2 {
		t.Errorf("%d runs, want the pipeline's two (no pdftotext)", len(rep.Speeds))
	}
	for _, s := range rep.Speeds {
		if s.Errors != s.Files {
			t.Errorf("%s %s: %d errors in %d files, want one a file (a page lost)", s.Reader, s.Mode, s.Errors, s.Files)
		}
	}
	for _, want := range []string{"pages read of", "no comparison with pdftotext", "(target ≤ 1.2×): NOT met", "600.0 MiB", "(target < 512.0 MiB): NOT met", "OCR first error: page 2 read by none, not OCR: OCR: no text"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	out.Reset()
	printBench(BenchConfig{OCRPages: 6, NoOCR: "tesseract not installed", Out: &out}, BenchReport{WorkerRSS: -1}, 1, 1)
	if want := "OCR throughput: not measured: tesseract not installed"; !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
	if _, err := RunBench(context.Background(), BenchConfig{Files: 1, FilePages: 1, LargePages: 1, Out: &out}); err == nil {
		t.Error("nothing to measure: no error")
	}
}

// TestInterleaved: each reader keeps its cheapest round, and a failure in
// any round is reported.
func TestInterleaved(t *testing.T) {
	calls := map[string]int{}
	costs := map[string][]time.Duration{"a": {30 * time.Millisecond, 5 * time.Millisecond, 30 * time.Millisecond}, "b": {10 * time.Millisecond, 40 * time.Millisecond, 40 * time.Millisecond}}
	var readers []reader
	for _, name := range []string{"a", "b"} {
		readers = append(readers, reader{name, func(ctx context.Context, path string) (int, error) {
			round := calls[name]
			calls[name]++
			spin(costs[name][round])
			if name == "b" && round == 1 {
				return 0, errors.New("bad round")
			}
			return 1, nil
		}})
	}
	got := interleaved(context.Background(), readers, []string{"f"}, map[string]int{"f": 1}, 1, "one core", func(string, int, int) {})
	if calls["a"] != speedRounds || calls["b"] != speedRounds {
		t.Fatalf("calls %v, want %d each", calls, speedRounds)
	}
	if a := got[0]; a.CPU < 5*time.Millisecond || a.CPU >= 25*time.Millisecond || a.Errors != 0 {
		t.Errorf("a: CPU %v, %d errors; want its 5 ms round and none", a.CPU, a.Errors)
	}
	if b := got[1]; b.CPU < 10*time.Millisecond || b.CPU >= 35*time.Millisecond || b.Errors != 1 || b.FirstEr == nil {
		t.Errorf("b: CPU %v, %d errors (%v); want its 10 ms round and the failed round's error", b.CPU, b.Errors, b.FirstEr)
	}
}
