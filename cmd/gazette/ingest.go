package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/report"
)

func runIngest(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "ingest", stderr)
	workers := fs.Int("workers", runtime.NumCPU(), "files read at once")
	name := fs.String("gazette", "", "the gazette's name, for covers that do not print it (env GAZETTE_NAME)")
	into := fs.String("issue", "", "attach the files, single documents such as agency originals, to this issue (YEAR-NUMBER, e.g. 2015-12) as its documents in the order given, their PDFs joined as its print PDF")
	intoDate := fs.String("issue-date", "", "with --issue: the issue's date (YYYY-MM-DD); default the latest signed date of its documents")
	fs.Duration("lease", archive.DefaultLeaseTTL, "how long a file being read is kept from the other ingest processes sharing the storage without a renewal; a crashed process's files wait this long (env GAZETTE_INGEST_LEASE)")
	lim := cli.AddExtractFlags(fs)
	cli.AddStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette ingest [flags] PATH...\n       gazette ingest --issue YEAR-NUMBER [--issue-date DATE] [flags] FILE.pdf...\n\nReads every PDF in the files and directories given, splits each issue into\nits documents and publishes it. Files already ingested (same SHA-256) are\nskipped, so an interrupted run resumes where it stopped. Prints one JSON\nline per file as it completes (a table on a terminal), then a summary,\nand exits 1 if any file failed or needs review.\n\nA file that needs review goes to the editors' review queue with the reasons:\na draft (its ID in the report's \"draft\") at /editor/drafts/ID, where the\npages are shown beside the text read from them, to correct and publish.\nThe same file is the same draft on a rerun.\n\nWith --issue, the files are single documents (agency originals without a\ngazette cover): each becomes a document of the issue named, in the order\ngiven, and their PDFs joined (poppler's pdfunite) are its print PDF. The\nissue is published when every file reads cleanly; a published issue is\nnever rewritten, so naming one already published with other content fails.\n\nSeveral ingest processes, on one machine or several, may run at once over\nthe same files and storage (MinIO, or one --data directory with the index\nin Meilisearch): they share the batch, each file read by one of them, and\neach reports the files the others read as done_elsewhere, naming the\nprocess. A process that dies leaves its files to the others after --lease,\nat once to a process of the same machine.")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	if *workers < 1 {
		return fmt.Errorf("--workers must be at least 1, got %d", *workers)
	}
	opts, err := lim.Options(ctx, fs, e)
	if err != nil {
		return err
	}
	ttlText := cli.Setting(fs, e, "lease", "GAZETTE_INGEST_LEASE")
	ttl, err := time.ParseDuration(ttlText)
	if err != nil || ttl <= 0 {
		return fmt.Errorf("GAZETTE_INGEST_LEASE / --lease: want a positive duration such as 2m, got %q", ttlText)
	}
	gazetteName := cli.Setting(fs, e, "gazette", "GAZETTE_NAME")
	if gazetteName == "" {
		gazetteName = *name
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := storage.open(ctx, log, openOptions{index: true, handoff: true})
	if err != nil {
		return err
	}
	defer d.Close()
	arch, ledger := d.archive, d.blobs
	learnNames(ctx, arch, opts.Extract, log)
	if *into != "" {
		return attachFiles(ctx, paths, *into, *intoDate, gazetteName, opts, publisher{arch}, stdout)
	}
	// Files that need review go to the editors' review queue, in the same
	// storage as serve's.
	editors, err := editorial.New(editorial.Config{Blobs: ledger, Archive: arch, Log: log, Gazette: gazetteName})
	if err != nil {
		return err
	}
	// The batch's status, for the archivists' page (/editor/batches).
	var rec *ingest.BatchRecorder
	if n, err := ingest.CountFiles(paths); err == nil {
		if rec, err = ingest.NewBatchRecorder(ctx, ledger, paths, archive.LeaseOwner(), n, nil); err != nil {
			log.Warn("batch status not recorded", "err", err)
			rec = nil
		}
	}
	reports, berr := runBatch(ctx, paths, ingest.BatchOptions{
		Extract: func(ctx context.Context, path string) (*report.Result, error) { return ingest.Extract(ctx, path, opts) },
		Publish: publisher{arch},
		Ledger:  ledger,
		Gazette: gazetteName,
		Workers: *workers,
		Review:  reviewQueue{editors},
		Leases:  ingestLeases{archive.NewLeases(ledger, ingestLeasePrefix, archive.LeaseOwner(), ttl)},
		// A file held by another process is looked at again often enough
		// that a process waiting only for others' last files ends soon
		// after them (two small requests a file a look), and takes a dead
		// process's files soon after their leases expire.
		LeasePoll: min(max(ttl/20, 50*time.Millisecond), 500*time.Millisecond),
	}, stdout, newIngestProgress(stderr), cli.IsTerminal(stdout), rec)
	if rec != nil {
		if err := rec.Finish(ctx, berr); err != nil {
			log.Warn("batch status not recorded", "err", err)
		}
	}
	if berr != nil {
		return berr
	}
	if n := countNotDone(reports); n > 0 {
		return fmt.Errorf("%d of %d files failed or need review", n, len(reports))
	}
	return nil
}

// attachFiles publishes the single-document files as the documents of the
// issue named by key (see the usage of --issue).
func attachFiles(ctx context.Context, paths []string, key, date, name string, opts ingest.ExtractOptions, pub ingest.Publisher, stdout io.Writer) error {
	k, err := gazette.ParseIssueKey(key)
	if err != nil {
		return fmt.Errorf("--issue: %w", err)
	}
	var day gazette.Date
	if date != "" {
		if day, err = gazette.ParseDate(date); err != nil {
			return fmt.Errorf("--issue-date: %w", err)
		}
	}
	files, err := pdfFiles(paths)
	if err != nil {
		return err
	}
	var (
		results []*report.Result
		reports []ingest.FileReport
		blocked int
	)
	for _, f := range files {
		start := time.Now()
		r := ingest.FileReport{Path: f, Issue: k.String()}
		res, err := ingest.Extract(ctx, f, opts)
		r.Seconds = time.Since(start).Seconds()
		switch {
		case err != nil:
			r.Outcome, r.Reason = ingest.Failed, err.Error()
			blocked++
		case len(res.Review) > 0:
			r.Outcome, r.Reason = ingest.NeedsReview, strings.Join(res.Review, "; ")
			r.Pages, r.Documents = len(res.Pages), len(res.Documents)
			blocked++
		default:
			r.Pages, r.Documents = len(res.Pages), len(res.Documents)
		}
		reports = append(reports, r)
		results = append(results, res)
	}
	finish := func(o ingest.Outcome, reason string) error {
		for i := range reports {
			if reports[i].Outcome == "" {
				reports[i].Outcome, reports[i].Reason = o, reason
			}
		}
		printIngestReport(stdout, reports, cli.IsTerminal(stdout))
		if n := countNotDone(reports); n > 0 {
			return fmt.Errorf("%d of %d files failed or need review; nothing published to %s", n, len(reports), k.Label())
		}
		return nil
	}
	if blocked > 0 {
		return finish(ingest.NeedsReview, "not published: another file of "+k.String()+" needs review or failed")
	}
	res := report.Attach(k, day, name, results)
	if day.IsZero() {
		for _, d := range res.Documents {
			if d.Signed.Compare(res.Issue.Date) > 0 {
				res.Issue.Date = d.Signed
			}
		}
	}
	if done, ok := pub.(publishedIssues); ok {
		// Joined PDFs differ from run to run (pdfunite writes a new /ID):
		// a rerun is known by the issue's contents instead.
		if was, err := done.Issue(ctx, k); err == nil {
			if sameContents(was, res) {
				return finish(ingest.Skipped, "already published as "+k.String())
			}
			return finish(ingest.Failed, k.Label()+" is already published with other content, and a published issue is never rewritten")
		} else if !errors.Is(err, gazette.ErrNotFound) {
			return finish(ingest.Failed, err.Error())
		}
	}
	data, err := joinPDFs(ctx, files)
	if err != nil {
		return finish(ingest.Failed, err.Error())
	}
	sum := sha256.Sum256(data)
	pdf := gazette.PrintPDF{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Pages: len(res.Pages)}
	issue, docs, err := res.Publishable(pdf, name, time.Now())
	if err != nil {
		return finish(ingest.NeedsReview, strings.TrimPrefix(err.Error(), "ingest: "))
	}
	if err := pub.Publish(ctx, issue, bytes.NewReader(data), docs); err != nil {
		reason := err.Error()
		if errors.Is(err, gazette.ErrExist) {
			reason = k.Label() + " is already published with other content, and a published issue is never rewritten: " + reason
		}
		return finish(ingest.Failed, reason)
	}
	return finish(ingest.Ingested, "")
}

// publishedIssues reads a published issue (the archive's Issue);
// gazette.ErrNotFound when there is none.
type publishedIssues interface {
	Issue(ctx context.Context, key gazette.IssueKey) (*gazette.Issue, error)
}

// sameContents reports whether a published issue lists the documents res
// would publish: the same titles, 文号 and pages, in order.
func sameContents(is *gazette.Issue, res *report.Result) bool {
	if len(is.Contents) != len(res.Documents) {
		return false
	}
	for i, e := range is.Contents {
		d := res.Documents[i]
		if e.Title != d.Title || e.DocNumber != d.DocNumber || e.Pages.First != d.PageStart || e.Pages.Last != d.PageEnd {
			return false
		}
	}
	return true
}

// pdfFiles lists the PDFs named, and those in the directories named, in
// the order given (a directory's in name order).
func pdfFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".pdf") {
				out = append(out, path)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no PDF among %s", strings.Join(paths, ", "))
	}
	return out, nil
}

// joinPDFs returns the one file's bytes, or the files joined in order by
// poppler's pdfunite.
func joinPDFs(ctx context.Context, files []string) ([]byte, error) {
	if len(files) == 1 {
		return os.ReadFile(files[0])
	}
	tool, err := exec.LookPath("pdfunite")
	if err != nil {
		return nil, fmt.Errorf("joining %d files into one print PDF needs pdfunite (poppler-utils): %w", len(files), err)
	}
	dir, err := os.MkdirTemp("", "gazette-attach-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "issue.pdf")
	cmd := exec.CommandContext(ctx, tool, append(slices.Clone(files), out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pdfunite: %w: %s", err, bytes.TrimSpace(msg))
	}
	return os.ReadFile(out)
}

// ingestLeasePrefix is where the leases of ingested files live, one per
// file's SHA-256: the same bytes on two machines are the same work.
const ingestLeasePrefix = "lease/ingest/"

// ingestLeases adapts archive.Leases to what ingest.Batch calls.
type ingestLeases struct{ ls *archive.Leases }

func (l ingestLeases) Take(ctx context.Context, sum string, redo func(ingest.Holder) bool) (ingest.Lease, ingest.Holder, error) {
	got, rec, err := l.ls.Take(ctx, sum, func(rec archive.LeaseRecord) bool { return redo(leaseHolder(rec)) })
	if err != nil || got == nil {
		return nil, leaseHolder(rec), err
	}
	return ingestLease{got}, ingest.Holder{}, nil
}

// leaseHolder reads a lease record as ingest sees it; a finished lease
// whose report cannot be read has none, and is read again.
func leaseHolder(rec archive.LeaseRecord) ingest.Holder {
	h := ingest.Holder{Owner: rec.Owner, Done: rec.Done}
	var r ingest.FileReport
	if !rec.Done.IsZero() && json.Unmarshal(rec.Result, &r) == nil && r.Outcome != "" {
		h.Report = &r
	}
	return h
}

type ingestLease struct{ *archive.Lease }

func (l ingestLease) Complete(ctx context.Context, r ingest.FileReport) error {
	return l.Lease.Complete(ctx, r)
}

// publisher adapts the archive to what ingest calls.
type publisher struct{ a *archive.Archive }

// Issue reads a published issue.
func (p publisher) Issue(ctx context.Context, key gazette.IssueKey) (*gazette.Issue, error) {
	return p.a.Issue(ctx, key)
}

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

// runBatch runs ingest.Batch, printing each file's outcome to stdout the
// moment the file is done (a table row, or a JSON line), so that a batch
// killed later has said what it did, then the summary; bar shows the
// progress meanwhile. opts.Progress is set here.
func runBatch(ctx context.Context, paths []string, opts ingest.BatchOptions, stdout io.Writer, bar *ingestProgress, table bool, rec *ingest.BatchRecorder) ([]ingest.FileReport, error) {
	rep := newIngestReporter(stdout, table)
	opts.Progress = func(p ingest.Progress) {
		if rec != nil {
			_ = rec.Record(ctx, p) // a status not written now is written with the next file, or at the end
		}
		if p.Last != nil {
			if table {
				bar.clear() // a row of the table, not after the bar's line
			}
			rep.file(*p.Last)
		}
		bar.update(p)
	}
	reports, err := ingest.Batch(ctx, paths, opts)
	rep.summary()
	return reports, err
}

// printIngestReport prints every file's outcome: a table for a person, JSON
// lines for a program, then a summary.
func printIngestReport(w io.Writer, reports []ingest.FileReport, terminal bool) {
	rep := newIngestReporter(w, terminal)
	for _, r := range reports {
		rep.file(r)
	}
	rep.summary()
}

// ingestReporter prints files' outcomes one at a time, as they complete,
// and counts them for the summary. Its methods are not safe for concurrent
// use (Batch calls Progress from one goroutine at a time).
type ingestReporter struct {
	w      io.Writer
	table  bool
	enc    *json.Encoder
	files  int
	counts map[ingest.Outcome]int
}

func newIngestReporter(w io.Writer, table bool) *ingestReporter {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &ingestReporter{w: w, table: table, enc: enc, counts: map[ingest.Outcome]int{}}
}

// file prints one file's outcome: a table row or a JSON line, written at
// once (stdout is not buffered).
func (p *ingestReporter) file(r ingest.FileReport) {
	p.files++
	p.counts[r.Outcome]++
	if !p.table {
		p.enc.Encode(r)
		return
	}
	detail := r.Reason
	if r.Outcome == ingest.Ingested {
		detail = fmt.Sprintf("%s, %d documents, %d pages", r.Issue, r.Documents, r.Pages)
	}
	fmt.Fprintf(p.w, "%-12s %s  %s\n", r.Outcome, r.Path, detail)
}

// summary prints the counts of the files printed so far.
func (p *ingestReporter) summary() {
	c := p.counts
	if !p.table {
		p.enc.Encode(map[string]any{"summary": map[string]int{
			"files": p.files, "ingested": c[ingest.Ingested], "skipped": c[ingest.Skipped],
			"needs_review": c[ingest.NeedsReview], "failed": c[ingest.Failed],
			"done_elsewhere": c[ingest.DoneElsewhere],
		}})
		return
	}
	elsewhere := ""
	if n := c[ingest.DoneElsewhere]; n > 0 {
		elsewhere = fmt.Sprintf(", %d done elsewhere", n)
	}
	fmt.Fprintf(p.w, "\n%d files: %d ingested, %d skipped, %d need review, %d failed%s\n", p.files,
		c[ingest.Ingested], c[ingest.Skipped], c[ingest.NeedsReview], c[ingest.Failed], elsewhere)
}

// ingestProgress shows files, pages, rate and time left: a redrawn line on a
// terminal, JSON lines (at most one a second) otherwise.
type ingestProgress struct {
	w        io.Writer
	terminal bool
	last     time.Time
}

func newIngestProgress(w io.Writer) *ingestProgress {
	return &ingestProgress{w: w, terminal: cli.IsTerminal(w)}
}

// clear rubs out the bar's line on a terminal, so that a row printed to
// the same terminal starts at its left edge; the next update draws the bar
// again.
func (p *ingestProgress) clear() {
	if !p.terminal || p.last.IsZero() {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K")
	p.last = time.Time{}
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

// reviewQueue sends the files that need review to the editors' review
// queue (editorial.Service.QueueForReview), as the command line.
type reviewQueue struct{ ed *editorial.Service }

func (q reviewQueue) Queue(ctx context.Context, path string, pdf []byte, res *report.Result) (string, error) {
	d, err := q.ed.QueueForReview(ctx, editorial.CommandLine("gazette ingest"), path, pdf, res)
	if d == nil {
		return "", err
	}
	return d.ID, err
}
