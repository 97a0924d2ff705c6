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

// ExtractFunc reads one PDF into a Result. It must contain whatever the
// file does (the pipeline runs the decoder in a child process).
type ExtractFunc func(ctx context.Context, path string) (*Result, error)

// Outcome is what became of one file.
type Outcome string

// The outcomes of a file in a batch.
const (
	Ingested    Outcome = "ingested"     // published now
	Skipped     Outcome = "skipped"      // published by an earlier run
	NeedsReview Outcome = "needs_review" // read, but a person must look before it is published
	Failed      Outcome = "failed"       // could not be read or published
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
}

// ledgerKey is where the record of the file with this SHA-256 lives.
func ledgerKey(sum string) string { return "ingest/" + sum + ".json" }

// Batch ingests every PDF named by paths (files, or directories walked for
// *.pdf) and reports on each, in path order. One bad file never stops the
// batch: it is reported and the rest go on. A file whose SHA-256 the ledger
// records as ingested is skipped, so rerunning an interrupted batch resumes
// it. It returns an error only when it cannot start (no such path) or ctx
// ends; the reports of finished files are returned either way.
func Batch(ctx context.Context, paths []string, opts BatchOptions) ([]FileReport, error) {
	files, sizes, err := collect(paths)
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
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
	var mu sync.Mutex
	prog := Progress{Files: len(files), Bytes: total}
	claims := &claims{first: map[string]string{}}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				r := ingestFile(ctx, files[i], opts, claims)
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
			}
		})
	}
feed:
	for i := range files {
		select {
		case jobs <- i:
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

// claims remembers which file of the batch took each content hash, so a
// copy of a file under another name is read once.
type claims struct {
	mu    sync.Mutex
	first map[string]string
}

func (c *claims) claim(sum, path string) (first string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, taken := c.first[sum]; taken {
		return p, false
	}
	c.first[sum] = path
	return path, true
}

// ingestFile takes one file as far as it goes and says how far that was.
func ingestFile(ctx context.Context, path string, opts BatchOptions, c *claims) (r FileReport) {
	start := time.Now()
	r = FileReport{Path: path}
	finish := func(o Outcome, reason string) FileReport {
		r.Outcome, r.Reason, r.Seconds = o, reason, time.Since(start).Seconds()
		return r
	}
	// A bug in the stages after extraction fails this file, not the batch.
	defer func() {
		if v := recover(); v != nil {
			r = finish(Failed, fmt.Sprintf("internal error: %v", v))
		}
	}()
	data, err := os.ReadFile(path)
	if err != nil {
		return finish(Failed, err.Error())
	}
	sum := sha256.Sum256(data)
	r.SHA256 = hex.EncodeToString(sum[:])
	if first, ok := c.claim(r.SHA256, path); !ok {
		return finish(Skipped, "same content as "+first)
	}
	if prev, err := readLedger(ctx, opts.Ledger, r.SHA256); err == nil && prev.Outcome == Ingested {
		r.Issue, r.Documents = prev.Issue, prev.Documents
		return finish(Skipped, "already ingested as "+prev.Issue+" from "+prev.Path)
	}
	res, err := opts.Extract(ctx, path)
	if err != nil {
		return finish(Failed, err.Error())
	}
	r.Pages, r.Documents = len(res.Pages), len(res.Documents)
	if len(res.Review) > 0 {
		return finish(NeedsReview, strings.Join(res.Review, "; "))
	}
	pdf := gazette.PrintPDF{SHA256: r.SHA256, Size: int64(len(data)), Pages: len(res.Pages)}
	issue, docs, err := res.Publishable(pdf, opts.Gazette, opts.Now())
	if err != nil {
		return finish(NeedsReview, strings.TrimPrefix(err.Error(), "ingest: "))
	}
	r.Issue = issue.Key().String()
	if err := opts.Publish.Publish(ctx, issue, bytes.NewReader(data), docs); err != nil {
		reason := err.Error()
		if errors.Is(err, gazette.ErrExist) {
			reason = "another file was already published as " + r.Issue + ": " + reason
		}
		return finish(Failed, reason)
	}
	r = finish(Ingested, "")
	if err := writeLedger(ctx, opts.Ledger, r); err != nil {
		// Published all the same; a rerun republishes idempotently.
		r.Reason = "published, but the ledger was not written: " + err.Error()
	}
	return r
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
