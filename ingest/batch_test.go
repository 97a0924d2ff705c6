package ingest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
)

// publisher adapts archive.Archive to ingest.Publisher.
type publisher struct{ a *archive.Archive }

func (p publisher) Publish(ctx context.Context, is gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error {
	_, err := p.a.Publish(ctx, is, pdf, docs)
	return err
}

// fakeExtract reads the test "PDFs": text files whose first line says what
// extraction makes of them. It counts its calls.
type fakeExtract struct {
	mu    sync.Mutex
	calls map[string]int
}

func (f *fakeExtract) extract(ctx context.Context, path string) (*report.Result, error) {
	f.mu.Lock()
	f.calls[filepath.Base(path)]++
	f.mu.Unlock()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var year, number int
	line, _, _ := strings.Cut(string(b), "\n")
	switch {
	case strings.HasPrefix(line, "CRASH"):
		return nil, errors.New("extract: worker died: out of memory at page 3")
	case strings.HasPrefix(line, "PANIC"):
		panic("split: index out of range")
	case strings.HasPrefix(line, "REVIEW"):
		return &report.Result{Pages: []report.PageReport{{Number: 1, Extractor: page.None}}, Review: []string{"page 1: needs OCR: tesseract not installed"}}, nil
	}
	if _, err := fmt.Sscanf(line, "ISSUE %d-%d", &year, &number); err != nil {
		return nil, fmt.Errorf("unreadable test file %s: %v", path, err)
	}
	return &report.Result{
		Issue: report.IssueMeta{Gazette: "测试省人民政府公报", Year: year, Number: number, TotalNumber: 100 + number, Date: gazette.Date{Year: year, Month: 3, Day: number}},
		Documents: []report.Document{{
			Title: "测试省人民政府关于印发某办法的通知", DocNumber: fmt.Sprintf("测政〔%d〕%d号", year, number), Kind: gazette.KindNotice,
			Authorities: []string{"测试省人民政府"}, PageStart: 1, PageEnd: 2, Text: "第一段。\n" + line,
		}},
		Pages: []report.PageReport{{Number: 1, Extractor: page.Text, Confidence: 1}, {Number: 2, Extractor: page.Text, Confidence: 1}},
	}, nil
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func outcomes(reports []ingest.FileReport) map[string]ingest.Outcome {
	m := map[string]ingest.Outcome{}
	for _, r := range reports {
		m[filepath.Base(r.Path)] = r.Outcome
	}
	return m
}

func TestBatch(t *testing.T) {
	ctx := context.Background()
	in := t.TempDir()
	write(t, in, "a.pdf", "ISSUE 2019-1\n")
	write(t, in, "sub/b.PDF", "ISSUE 2019-2\n")
	write(t, in, "sub/copy-of-a.pdf", "ISSUE 2019-1\n") // same bytes as a.pdf
	write(t, in, "crash.pdf", "CRASH\n")
	write(t, in, "panic.pdf", "PANIC\n")
	write(t, in, "scan.pdf", "REVIEW\n")
	write(t, in, "clash.pdf", "ISSUE 2019-2\nanother issue claiming number 2\n")
	write(t, in, "notes.txt", "not a pdf")

	blobs, err := fsblobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	arch := archive.New(blobs, nil, slog.New(slog.DiscardHandler))
	fx := &fakeExtract{calls: map[string]int{}}
	var progress []ingest.Progress
	queue := &recordingQueue{}
	opts := ingest.BatchOptions{
		Extract: fx.extract, Publish: publisher{arch}, Ledger: blobs, Workers: 3,
		Progress: func(p ingest.Progress) { progress = append(progress, p) },
		Review:   queue,
	}
	reports, err := ingest.Batch(ctx, []string{in}, opts)
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(reports)
	// The file that needs review went to the review queue, with its bytes
	// and what was read; the report names where.
	for _, r := range reports {
		queued := queue.files[r.Path]
		switch {
		case r.Outcome == ingest.NeedsReview && (queued == "" || r.Draft != "draft-of-"+queued):
			t.Errorf("%s needs review: queued %q, report's draft %q", r.Path, queued, r.Draft)
		case r.Outcome != ingest.NeedsReview && (queued != "" || r.Draft != ""):
			t.Errorf("%s (%s) was queued for review", r.Path, r.Outcome)
		}
	}
	want := map[string]ingest.Outcome{
		"a.pdf": ingest.Ingested, "copy-of-a.pdf": ingest.Skipped,
		"crash.pdf": ingest.Failed, "panic.pdf": ingest.Failed, "scan.pdf": ingest.NeedsReview,
	}
	for name, o := range want {
		if got[name] != o {
			t.Errorf("%s: outcome %q, want %q (reports %+v)", name, got[name], o, reports)
		}
	}
	// b.PDF and clash.pdf claim the same issue: exactly one is published.
	if n := btoi(got["b.PDF"] == ingest.Ingested) + btoi(got["clash.pdf"] == ingest.Ingested); n != 1 {
		t.Errorf("b.PDF %s, clash.pdf %s: want exactly one ingested", got["b.PDF"], got["clash.pdf"])
	}
	if _, ok := got["notes.txt"]; ok {
		t.Error("notes.txt was taken for a PDF")
	}
	for _, r := range reports {
		if (r.Outcome == ingest.Failed || r.Outcome == ingest.NeedsReview) && r.Reason == "" {
			t.Errorf("%s: %s without a reason", r.Path, r.Outcome)
		}
	}
	if !strings.Contains(reason(reports, "crash.pdf"), "out of memory") || !strings.Contains(reason(reports, "panic.pdf"), "internal error") ||
		!strings.Contains(reason(reports, "scan.pdf"), "tesseract") {
		t.Errorf("reasons do not say what happened: %+v", reports)
	}
	if len(progress) != 7 || progress[6].FilesDone != 7 || progress[6].BytesDone != progress[6].Bytes {
		t.Errorf("progress: %d calls, last %+v", len(progress), progress[len(progress)-1])
	}
	years, err := arch.Issues(ctx, 2019)
	if err != nil || len(years) != 2 {
		t.Fatalf("archive holds %d issues of 2019 (%v), want 2", len(years), err)
	}

	// A rerun skips what was published and retries the rest.
	before := fx.calls["a.pdf"]
	reports, err = ingest.Batch(ctx, []string{in}, opts)
	if err != nil {
		t.Fatal(err)
	}
	got = outcomes(reports)
	if got["a.pdf"] != ingest.Skipped || fx.calls["a.pdf"] != before {
		t.Errorf("rerun: a.pdf %s after %d extractions, want skipped without extracting again", got["a.pdf"], fx.calls["a.pdf"]-before)
	}
	if got["scan.pdf"] != ingest.NeedsReview || fx.calls["scan.pdf"] != 2 {
		t.Errorf("rerun: scan.pdf %s, extracted %d times; want it retried", got["scan.pdf"], fx.calls["scan.pdf"])
	}
}

func TestBatchInterruptedResumes(t *testing.T) {
	in := t.TempDir()
	for i := 1; i <= 6; i++ {
		write(t, in, fmt.Sprintf("%02d.pdf", i), fmt.Sprintf("ISSUE 2020-%d\n", i))
	}
	blobs, err := fsblobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	arch := archive.New(blobs, nil, slog.New(slog.DiscardHandler))
	fx := &fakeExtract{calls: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	opts := ingest.BatchOptions{
		Extract: fx.extract, Publish: publisher{arch}, Ledger: blobs,
		Progress: func(p ingest.Progress) {
			if p.FilesDone == 2 {
				cancel() // as Ctrl-C would
			}
		},
	}
	done, err := ingest.Batch(ctx, []string{in}, opts)
	if !errors.Is(err, context.Canceled) || len(done) < 2 || len(done) >= 6 {
		t.Fatalf("interrupted batch: %d reports, err %v; want an error and a partial report", len(done), err)
	}
	opts.Progress = nil
	reports, err := ingest.Batch(context.Background(), []string{in}, opts)
	if err != nil {
		t.Fatal(err)
	}
	skipped, ingested := 0, 0
	for _, r := range reports {
		switch r.Outcome {
		case ingest.Skipped:
			skipped++
		case ingest.Ingested:
			ingested++
		default:
			t.Errorf("%s: %s %s", r.Path, r.Outcome, r.Reason)
		}
	}
	if skipped != len(done) || ingested != 6-len(done) {
		t.Errorf("resume: %d skipped, %d ingested; want %d and %d", skipped, ingested, len(done), 6-len(done))
	}
	for i := 1; i <= 6; i++ {
		if fx.calls[fmt.Sprintf("%02d.pdf", i)] != 1 {
			t.Errorf("%02d.pdf extracted %d times, want once", i, fx.calls[fmt.Sprintf("%02d.pdf", i)])
		}
	}
	latest, err := arch.Latest(context.Background())
	if err != nil || latest.Number != 6 || latest.Published.Before(time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("latest after resume: %+v, %v", latest, err)
	}
}

func TestBatchMissingPath(t *testing.T) {
	_, err := ingest.Batch(context.Background(), []string{filepath.Join(t.TempDir(), "nope")}, ingest.BatchOptions{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want not-exist", err)
	}
}

func reason(reports []ingest.FileReport, name string) string {
	for _, r := range reports {
		if filepath.Base(r.Path) == name {
			return r.Reason
		}
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// leases adapts archive.Leases to ingest.Leases (cmd/gazette does the same).
type leases struct{ ls *archive.Leases }

func (l leases) Take(ctx context.Context, sum string, redo func(ingest.Holder) bool) (ingest.Lease, ingest.Holder, error) {
	got, rec, err := l.ls.Take(ctx, sum, func(rec archive.LeaseRecord) bool { return redo(holder(rec)) })
	if err != nil || got == nil {
		return nil, holder(rec), err
	}
	return lease{got}, ingest.Holder{}, nil
}

func holder(rec archive.LeaseRecord) ingest.Holder {
	h := ingest.Holder{Owner: rec.Owner, Done: rec.Done}
	var r ingest.FileReport
	if !rec.Done.IsZero() && json.Unmarshal(rec.Result, &r) == nil {
		h.Report = &r
	}
	return h
}

type lease struct{ *archive.Lease }

func (l lease) Complete(ctx context.Context, r ingest.FileReport) error {
	return l.Lease.Complete(ctx, r)
}

// TestBatchShared: batches run at once over the same files and storage,
// each with leases of its own as separate processes would, read every file
// once in all; the others report it as done elsewhere, by whom (issue 16,
// item 13).
func TestBatchShared(t *testing.T) {
	in := t.TempDir()
	const files = 12
	for i := 1; i <= files; i++ {
		write(t, in, fmt.Sprintf("%02d.pdf", i), fmt.Sprintf("ISSUE 2021-%d\n", i))
	}
	write(t, in, "scan.pdf", "REVIEW\n")
	blobs, err := fsblobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	arch := archive.New(blobs, nil, slog.New(slog.DiscardHandler))
	fx := &fakeExtract{calls: map[string]int{}}
	const runs = 3
	reports := make([][]ingest.FileReport, runs)
	var wg sync.WaitGroup
	for p := range runs {
		wg.Go(func() {
			var err error
			reports[p], err = ingest.Batch(context.Background(), []string{in}, ingest.BatchOptions{
				Extract: fx.extract, Publish: publisher{arch}, Ledger: blobs, Workers: 2, LeasePoll: 10 * time.Millisecond,
				Leases: leases{archive.NewLeases(blobs, "lease/ingest/", fmt.Sprint("p", p), time.Minute)},
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	count := map[ingest.Outcome]int{}
	for p, rs := range reports {
		if len(rs) != files+1 {
			t.Errorf("run %d reported %d files, want %d", p, len(rs), files+1)
		}
		for _, r := range rs {
			count[r.Outcome]++
			if r.Outcome == ingest.DoneElsewhere && (r.By == "" || r.By == fmt.Sprint("p", p) || !strings.Contains(r.Reason, "by "+r.By)) {
				t.Errorf("run %d: %s done elsewhere by %q: %s", p, r.Path, r.By, r.Reason)
			}
		}
	}
	// A batch that starts after another finished a file says it was
	// already ingested (skipped), as a rerun does; which of the two a slow
	// start gives depends on scheduling, so they are counted together.
	if count[ingest.Ingested] != files || count[ingest.NeedsReview] != 1 || count[ingest.DoneElsewhere]+count[ingest.Skipped] != (runs-1)*(files+1) {
		t.Errorf("outcomes %v, want %d ingested, 1 needs review, the rest done elsewhere (or skipped, when finished before a batch began)", count, files)
	}
	for name, n := range fx.calls {
		if n != 1 {
			t.Errorf("%s read %d times, want once", name, n)
		}
	}

	// A later run skips what was ingested and reads the failed file again.
	rs, err := ingest.Batch(context.Background(), []string{in}, ingest.BatchOptions{
		Extract: fx.extract, Publish: publisher{arch}, Ledger: blobs,
		Leases: leases{archive.NewLeases(blobs, "lease/ingest/", "later", time.Minute)},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := outcomes(rs)
	if got["01.pdf"] != ingest.Skipped || fx.calls["01.pdf"] != 1 || got["scan.pdf"] != ingest.NeedsReview || fx.calls["scan.pdf"] != 2 {
		t.Errorf("later run: %v, reads %v; want ingested files skipped, the one needing review read again", got, fx.calls)
	}
}

// TestBatchTakesOverADeadHoldersFile: a file whose lease a dead process
// holds is put aside, the rest read, and it is read once its lease expires.
func TestBatchTakesOverADeadHoldersFile(t *testing.T) {
	in := t.TempDir()
	write(t, in, "a.pdf", "ISSUE 2022-1\n")
	write(t, in, "b.pdf", "ISSUE 2022-2\n")
	blobs, err := fsblobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const ttl = 500 * time.Millisecond
	sum := sha256.Sum256([]byte("ISSUE 2022-1\n"))
	dead := archive.NewLeases(blobs, "lease/ingest/", "dead", ttl)
	if l, _, err := dead.Take(context.Background(), hex.EncodeToString(sum[:]), nil); err != nil || l == nil {
		t.Fatalf("dead process's lease: %v", err)
	}
	fx := &fakeExtract{calls: map[string]int{}}
	start := time.Now()
	var order []string
	rs, err := ingest.Batch(context.Background(), []string{in}, ingest.BatchOptions{
		Extract: fx.extract, Publish: publisher{archive.New(blobs, nil, slog.New(slog.DiscardHandler))}, Ledger: blobs,
		LeasePoll: 50 * time.Millisecond, Leases: leases{archive.NewLeases(blobs, "lease/ingest/", "live", ttl)},
		Progress: func(p ingest.Progress) { order = append(order, filepath.Base(p.Last.Path)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(rs); got["a.pdf"] != ingest.Ingested || got["b.pdf"] != ingest.Ingested {
		t.Errorf("outcomes %v", got)
	}
	if took := time.Since(start); took < ttl {
		t.Errorf("a.pdf was read after %v, before its lease expired (%v)", took, ttl)
	}
	if strings.Join(order, " ") != "b.pdf a.pdf" {
		t.Errorf("files finished in the order %v, want b.pdf while a.pdf's lease runs", order)
	}
}

// recordingQueue is a review queue that records what it was given: each
// file's path and the first bytes of its content.
type recordingQueue struct {
	mu    sync.Mutex
	files map[string]string
}

func (q *recordingQueue) Queue(ctx context.Context, path string, pdf []byte, res *report.Result) (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.files == nil {
		q.files = map[string]string{}
	}
	if len(res.Review) == 0 {
		return "", errors.New("queued without a reason")
	}
	q.files[path] = strings.TrimSpace(string(pdf[:min(len(pdf), 6)]))
	return "draft-of-" + q.files[path], nil
}
