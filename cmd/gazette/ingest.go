package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
)

func runIngest(ctx context.Context, args []string, e env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", stderr)
	workers := fs.Int("workers", runtime.NumCPU(), "files read at once")
	name := fs.String("gazette", "", "the gazette's name, for covers that do not print it (env GAZETTE_NAME)")
	lim := addExtractFlags(fs)
	addStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette ingest [flags] PATH...\n\nReads every PDF in the files and directories given, splits each issue into\nits documents and publishes it. Files already ingested (same SHA-256) are\nskipped, so an interrupted run resumes where it stopped. Prints one JSON\nline per file (a table on a terminal) and exits 1 if any file failed or\nneeds review.")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return errUsage
	}
	if *workers < 1 {
		return fmt.Errorf("--workers must be at least 1, got %d", *workers)
	}
	opts, err := lim.options(fs, e)
	if err != nil {
		return err
	}
	gazetteName := setting(fs, e, "gazette", "GAZETTE_NAME")
	if gazetteName == "" {
		gazetteName = *name
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	arch, _, closeIndex, err := storage.openArchive(ctx, log)
	if err != nil {
		return err
	}
	defer closeIndex()
	ledger, _, err := storage.openBlobs(ctx)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	bar := newIngestProgress(stderr)
	reports, berr := ingest.Batch(ctx, paths, ingest.BatchOptions{
		Extract:  func(ctx context.Context, path string) (*ingest.Result, error) { return ingest.Extract(ctx, path, opts) },
		Publish:  publisher{arch},
		Ledger:   ledger,
		Gazette:  gazetteName,
		Workers:  *workers,
		Progress: bar.update,
	})
	printIngestReport(stdout, reports, isTerminal(stdout))
	if berr != nil {
		return berr
	}
	if n := countNotDone(reports); n > 0 {
		return fmt.Errorf("%d of %d files failed or need review", n, len(reports))
	}
	return nil
}

// publisher adapts the archive to what ingest calls.
type publisher struct{ a *archive.Archive }

func (p publisher) Publish(ctx context.Context, is gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error {
	_, err := p.a.Publish(ctx, is, pdf, docs)
	return err
}

func countNotDone(reports []ingest.FileReport) int {
	n := 0
	for _, r := range reports {
		if r.Outcome == ingest.Failed || r.Outcome == ingest.NeedsReview {
			n++
		}
	}
	return n
}

// printIngestReport prints every file's outcome: a table for a person, JSON
// lines for a program, then a summary.
func printIngestReport(w io.Writer, reports []ingest.FileReport, terminal bool) {
	counts := map[ingest.Outcome]int{}
	for _, r := range reports {
		counts[r.Outcome]++
	}
	if !terminal {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, r := range reports {
			enc.Encode(r)
		}
		enc.Encode(map[string]any{"summary": map[string]int{
			"files": len(reports), "ingested": counts[ingest.Ingested], "skipped": counts[ingest.Skipped],
			"needs_review": counts[ingest.NeedsReview], "failed": counts[ingest.Failed],
		}})
		return
	}
	for _, r := range reports {
		detail := r.Reason
		if r.Outcome == ingest.Ingested {
			detail = fmt.Sprintf("%s, %d documents, %d pages", r.Issue, r.Documents, r.Pages)
		}
		fmt.Fprintf(w, "%-12s %s  %s\n", r.Outcome, r.Path, detail)
	}
	fmt.Fprintf(w, "\n%d files: %d ingested, %d skipped, %d need review, %d failed\n", len(reports),
		counts[ingest.Ingested], counts[ingest.Skipped], counts[ingest.NeedsReview], counts[ingest.Failed])
}

// ingestProgress shows files, pages, rate and time left: a redrawn line on a
// terminal, JSON lines (at most one a second) otherwise.
type ingestProgress struct {
	w        io.Writer
	terminal bool
	last     time.Time
}

func newIngestProgress(w io.Writer) *ingestProgress {
	return &ingestProgress{w: w, terminal: isTerminal(w)}
}

// update is called by Batch from one goroutine at a time.
func (p *ingestProgress) update(s ingest.Progress) {
	finished := s.FilesDone == s.Files
	every := time.Second
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if !finished && time.Since(p.last) < every {
		return
	}
	p.last = time.Now()
	secs := max(s.Elapsed.Seconds(), 1e-3)
	left := time.Duration(0)
	if s.BytesDone > 0 {
		left = time.Duration(float64(s.Bytes-s.BytesDone) / float64(s.BytesDone) * secs * float64(time.Second))
	}
	if !p.terminal {
		json.NewEncoder(p.w).Encode(map[string]any{"progress": "ingest", "files": s.Files, "files_done": s.FilesDone,
			"pages": s.Pages, "pages_per_second": round1(float64(s.Pages) / secs), "eta_seconds": int(left.Seconds())})
		return
	}
	const width = 24
	filled := 0
	if s.Bytes > 0 {
		filled = int(s.BytesDone * width / s.Bytes)
	}
	fmt.Fprintf(p.w, "\ringest [%s%s] %d/%d files  %d pages  %.1f pages/s  %s left ", strings.Repeat("█", filled),
		strings.Repeat("·", width-filled), s.FilesDone, s.Files, s.Pages, float64(s.Pages)/secs, left.Round(time.Second))
	if finished {
		fmt.Fprintln(p.w)
	}
}

func round1(f float64) float64 { return float64(int(f*10+0.5)) / 10 }
