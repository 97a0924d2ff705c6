package ingest

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
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// Publisher commits an issue to the archive of record (archive.Archive's
// Publish). It must be idempotent: publishing the same issue again succeeds.
type Publisher interface {
	Publish(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error
}

// Ledger keeps one small record per file ever ingested, under its SHA-256,
// so a batch can skip what is done and resume after an interruption. The
// archive's blob store satisfies it; writes must be atomic.
type Ledger interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error)
}

// Leases share one batch among several processes, on several machines,
// sharing the storage (archive.Leases, adapted): a file is worked on by
// the process that holds its lease, and the outcome it records is what the
// others report. Methods are safe for concurrent use.
type Leases interface {
	// Take takes the lease on the file with SHA-256 sum. It returns the
	// lease when this process now holds it (the lease was free, expired,
	// or finished and redo asked for it again); otherwise nil and the
	// holder, who is still at work (Report nil) or has finished.
	Take(ctx context.Context, sum string, redo func(Holder) bool) (Lease, Holder, error)
}

// Holder is a process that holds a file's lease, or that finished it.
type Holder struct {
	Owner  string
	Done   time.Time   // when it finished; zero while it works
	Report *FileReport // its report once finished (nil if unreadable)
}

// Lease is a file's lease held by this process.
type Lease interface {
	// Keep renews the lease in the background until stop, which reports
	// whether the lease was lost meanwhile.
	Keep(ctx context.Context) (stop func() error)
	// Complete records the file's report for the other processes and ends
	// the lease.
	Complete(ctx context.Context, r FileReport) error
	// Release gives the file up unfinished, to be taken at once by another.
	Release(ctx context.Context) error
}

// ExtractFunc reads one PDF into a Result. It must contain whatever the
// file does (the pipeline runs the decoder in a child process).
type ExtractFunc func(ctx context.Context, path string) (*report.Result, error)

// Outcome is what became of one file.
type Outcome string

// The outcomes of a file in a batch.
const (
	Ingested    Outcome = "ingested"     // published now
	Skipped     Outcome = "skipped"      // published by an earlier run
	NeedsReview Outcome = "needs_review" // read, but a person must look before it is published
	Failed      Outcome = "failed"       // could not be read or published
	// DoneElsewhere is a file of a shared batch that another process read
	// (FileReport.By), now or since this one started; Reason says what
	// became of it.
	DoneElsewhere Outcome = "done_elsewhere"
)

// FileReport is the outcome of one file.
type FileReport struct {
	Path      string  `json:"path"`
	SHA256    string  `json:"sha256,omitempty"`
	Outcome   Outcome `json:"outcome"`
	Reason    string  `json:"reason,omitempty"`
	Issue     string  `json:"issue,omitempty"` // the issue key, e.g. 2019-12
	Documents int     `json:"documents,omitempty"`
	Pages     int     `json:"pages,omitempty"`
	Seconds   float64 `json:"seconds"`
	// By names the process that read the file when it was done elsewhere.
	By string `json:"by,omitempty"`
	// Draft is the review queue's draft of a file that needs review.
	Draft string `json:"draft,omitempty"`
}

// Progress is the state of a running batch.
type Progress struct {
	Files, FilesDone int
	Pages            int   // pages read so far
	Bytes, BytesDone int64 // file sizes: the measure of time left
	Elapsed          time.Duration
	Last             *FileReport // the file just finished, nil before the first
}

// BatchOptions configure Batch.
type BatchOptions struct {
	Extract ExtractFunc
	Publish Publisher
	Ledger  Ledger
	// Gazette names the gazette when a cover does not.
	Gazette string
	// Workers is how many files are read at once (default 1).
	Workers int
	// Progress, if set, is called after each file, from one goroutine at a
	// time, with that file's report in Last: a caller prints each outcome
	// there, as it completes, rather than wait for the batch to return.
	Progress func(Progress)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Leases, if set, share the batch with other processes: each file is
	// read by one process only, and the others report it as done
	// elsewhere. A file another process is reading is put aside and
	// looked at again every LeasePoll (default 1s) until it is done or its
	// lease has expired.
	Leases    Leases
	LeasePoll time.Duration
	// Review, if set, takes every file that needs review to the people
	// who finish it (the editors' review queue), with what was read.
	Review ReviewQueue
}

// ReviewQueue takes a file that needs review, with what the pipeline read
// of it, to a person, and says where it went (a draft's ID). Queueing the
// same file again finds it already there.
type ReviewQueue interface {
	Queue(ctx context.Context, path string, pdf []byte, res *report.Result) (string, error)
}

// ledgerKey is where the record of the file with this SHA-256 lives.
func ledgerKey(sum string) string { return "ingest/" + sum + ".json" }

// Batch ingests every PDF named by paths (files, or directories walked for
// *.pdf) and reports on each, in path order. One bad file never stops the
// batch: it is reported and the rest go on. A file whose SHA-256 the ledger
// records as ingested is skipped, so rerunning an interrupted batch resumes
// it. With opts.Leases, processes running the same batch on the same
// storage share it: each file is read by one of them (see DoneElsewhere).
// It returns an error only when it cannot start (no such path) or ctx
// ends; the reports of finished files are returned either way.
func Batch(ctx context.Context, paths []string, opts BatchOptions) ([]FileReport, error) {
	files, sizes, err := collect(paths)
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LeasePoll <= 0 {
		opts.LeasePoll = time.Second
	}
	workers := max(opts.Workers, 1)
	start := time.Now()
	var total int64
	for _, s := range sizes {
		total += s
	}

	reports := make([]FileReport, len(files))
	done := make([]bool, len(files))
	jobs := make(chan int)
	// Both hold at most one entry per file, so workers never block on them.
	later := make(chan int, len(files)) // held by another process
	finished := make(chan struct{}, len(files))
	var mu sync.Mutex
	prog := Progress{Files: len(files), Bytes: total}
	run := &batchRun{first: map[string]string{}, started: start}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				r, held := ingestFile(ctx, files[i], opts, run)
				if held {
					later <- i
					continue
				}
				mu.Lock()
				reports[i], done[i] = r, true
				prog.FilesDone++
				prog.Pages += r.Pages
				prog.BytesDone += sizes[i]
				prog.Elapsed = time.Since(start)
				prog.Last = &reports[i]
				if opts.Progress != nil {
					opts.Progress(prog)
				}
				mu.Unlock()
				finished <- struct{}{}
			}
		})
	}
	queue := make([]int, len(files))
	for i := range queue {
		queue[i] = i
	}
	var (
		held  []int
		retry <-chan time.Time
	)
feed:
	for left := len(files); left > 0; {
		var send chan<- int // nil, so never chosen, while the queue is empty
		next := -1
		if len(queue) > 0 {
			send, next = jobs, queue[0]
		}
		select {
		case send <- next:
			queue = queue[1:]
		case i := <-later:
			held = append(held, i)
			if retry == nil {
				retry = time.After(opts.LeasePoll)
			}
		case <-retry:
			queue, held, retry = append(queue, held...), nil, nil
		case <-finished:
			left--
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		var finished []FileReport
		for i, r := range reports {
			if done[i] {
				finished = append(finished, r)
			}
		}
		return finished, fmt.Errorf("ingest: interrupted after %d of %d files (rerun to resume): %w", len(finished), len(files), err)
	}
	return reports, nil
}

// collect expands paths into the PDF files they name, sorted, without duplicates.
func collect(paths []string) ([]string, []int64, error) {
	seen := map[string]int64{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("ingest: %w", err)
		}
		if !st.IsDir() {
			seen[filepath.Clean(p)] = st.Size()
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && strings.EqualFold(filepath.Ext(path), ".pdf") {
				info, err := d.Info()
				if err != nil {
					return err
				}
				seen[path] = info.Size()
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("ingest: %w", err)
		}
	}
	files := make([]string, 0, len(seen))
	for f := range seen {
		files = append(files, f)
	}
	sort.Strings(files)
	sizes := make([]int64, len(files))
	for i, f := range files {
		sizes[i] = seen[f]
	}
	return files, sizes, nil
}

// batchRun is what the files of one batch share: which file took each
// content hash, so a copy of a file under another name is read once, and
// when the batch started.
type batchRun struct {
	mu      sync.Mutex
	first   map[string]string
	started time.Time
}

func (c *batchRun) claim(sum, path string) (first string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, taken := c.first[sum]; taken && p != path {
		return p, false
	}
	c.first[sum] = path
	return path, true
}

// ingestFile takes one file as far as it goes and says how far that was;
// held reports a file that another process of a shared batch is reading,
// to be looked at again later.
func ingestFile(ctx context.Context, path string, opts BatchOptions, c *batchRun) (r FileReport, held bool) {
	start := time.Now()
	r = FileReport{Path: path}
	finish := func(o Outcome, reason string) FileReport {
		r.Outcome, r.Reason, r.Seconds = o, reason, time.Since(start).Seconds()
		return r
	}
	var lease Lease
	var stop func() error
	// Deferred first so that it runs last, with the report as the
	// recovery below leaves it.
	defer func() {
		if lease != nil {
			endLease(ctx, lease, stop, &r)
		}
	}()
	// A bug in the stages after extraction fails this file, not the batch.
	defer func() {
		if v := recover(); v != nil {
			r = finish(Failed, fmt.Sprintf("internal error: %v", v))
		}
	}()
	data, err := os.ReadFile(path)
	if err != nil {
		return finish(Failed, err.Error()), false
	}
	sum := sha256.Sum256(data)
	r.SHA256 = hex.EncodeToString(sum[:])
	if first, ok := c.claim(r.SHA256, path); !ok {
		return finish(Skipped, "same content as "+first), false
	}
	if opts.Leases != nil {
		l, h, err := opts.Leases.Take(ctx, r.SHA256, c.redo)
		switch {
		case err != nil:
			return finish(Failed, "sharing the batch: "+err.Error()), false
		case l == nil && h.Report == nil:
			return r, true
		case l == nil:
			return finish(c.doneBy(&r, h)), false
		}
		lease, stop = l, l.Keep(ctx)
	}
	if prev, err := readLedger(ctx, opts.Ledger, r.SHA256); err == nil && prev.Outcome == Ingested {
		r.Issue, r.Documents = prev.Issue, prev.Documents
		return finish(Skipped, "already ingested as "+prev.Issue+" from "+prev.Path), false
	}
	res, err := opts.Extract(ctx, path)
	if err != nil {
		return finish(Failed, err.Error()), false
	}
	r.Pages, r.Documents = len(res.Pages), len(res.Documents)
	review := func(reason string) FileReport {
		if opts.Review != nil {
			if len(res.Review) == 0 {
				res.Review = []string{reason}
			}
			id, err := opts.Review.Queue(ctx, path, data, res)
			if err != nil {
				reason += "; not in the review queue: " + err.Error()
			}
			r.Draft = id
		}
		return finish(NeedsReview, reason)
	}
	if len(res.Review) > 0 {
		return review(strings.Join(res.Review, "; ")), false
	}
	pdf := gazette.PrintPDF{SHA256: r.SHA256, Size: int64(len(data)), Pages: len(res.Pages)}
	issue, docs, err := res.Publishable(pdf, opts.Gazette, opts.Now())
	if err != nil {
		return review(strings.TrimPrefix(err.Error(), "ingest: ")), false
	}
	r.Issue = issue.Key().String()
	if err := opts.Publish.Publish(ctx, issue, bytes.NewReader(data), docs); err != nil {
		reason := err.Error()
		if errors.Is(err, gazette.ErrExist) {
			reason = "another file was already published as " + r.Issue + ": " + reason
		}
		return finish(Failed, reason), false
	}
	r = finish(Ingested, "")
	if err := writeLedger(ctx, opts.Ledger, r); err != nil {
		// Published all the same; a rerun republishes idempotently.
		r.Reason = "published, but the ledger was not written: " + err.Error()
	}
	return r, false
}

// redo says whether a file another process finished is read again: one
// that failed or needed review in an earlier run is, as a rerun of a
// single process would; one that failed since this batch started is the
// shared batch's outcome, not read twice. (Done is the other machine's
// clock: a skew only moves that line by as much.)
func (c *batchRun) redo(h Holder) bool {
	if h.Report == nil {
		return true // its outcome cannot be read
	}
	switch h.Report.Outcome {
	case Ingested, Skipped:
		return false
	}
	return h.Done.Before(c.started)
}

// doneBy reports a file that process h finished: as skipped when it was
// ingested before this batch started (what a rerun says), as done
// elsewhere when it was read since, by a process sharing the batch.
func (c *batchRun) doneBy(r *FileReport, h Holder) (Outcome, string) {
	p := h.Report
	r.Issue, r.Documents = p.Issue, p.Documents
	if h.Done.Before(c.started) {
		if p.Outcome == Skipped {
			return Skipped, p.Reason
		}
		return Skipped, "already ingested as " + p.Issue + " from " + p.Path
	}
	r.By = h.Owner
	what := string(p.Outcome)
	switch p.Outcome {
	case Ingested:
		what = "ingested as " + p.Issue
	case NeedsReview:
		what = "needs review"
	}
	if p.Reason != "" {
		what += ": " + p.Reason
	}
	return DoneElsewhere, what + " (by " + h.Owner + ", from " + p.Path + ")"
}

// endLease ends the lease of a file once its report is final: it records
// the report for the other processes, or gives the file up if the batch was
// interrupted, so that another process takes it at once.
func endLease(ctx context.Context, l Lease, stop func() error, r *FileReport) {
	lost := stop()
	// The batch's context may be over; the lease is ended all the same.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	note := func(s string) {
		if r.Reason != "" {
			r.Reason += "; "
		}
		r.Reason += s
	}
	switch {
	case ctx.Err() != nil:
		_ = l.Release(bg) // on failure, it expires: another takes it later
	case lost != nil:
		note("another process took the file over meanwhile (this one had not renewed its lease in time), so it may be read twice")
	default:
		if err := l.Complete(bg, *r); err != nil {
			note("the other processes sharing the batch were not told: " + err.Error())
		}
	}
}

func readLedger(ctx context.Context, l Ledger, sum string) (FileReport, error) {
	var r FileReport
	rc, _, err := l.Open(ctx, ledgerKey(sum))
	if err != nil {
		return r, err
	}
	defer rc.Close()
	err = json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&r)
	return r, err
}

func writeLedger(ctx context.Context, l Ledger, r FileReport) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = l.Put(ctx, ledgerKey(r.SHA256), bytes.NewReader(b), int64(len(b)), gazette.PutOptions{ContentType: "application/json"})
	return err
}
