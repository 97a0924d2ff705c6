package worker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
)

// testJobs are the children this test binary can become. The file name
// given to Run is passed through as the job's parameter.
func testJobs() map[string]Decoder {
	return map[string]Decoder{
		"pages": func(_ context.Context, path string, _ int, emit func(page.Page) error) error {
			n, err := strconv.Atoi(filepath.Base(path))
			if err != nil {
				return fmt.Errorf("pages: %w", err)
			}
			return emitPages(n, emit)
		},
		"endless": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			for i := 1; ; i++ {
				if err := emit(testPage(i)); err != nil {
					return err
				}
			}
		},
		"loop": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(2, emit); err != nil {
				return err
			}
			for {
			}
		},
		"alloc": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(1, emit); err != nil {
				return err
			}
			var keep [][]byte
			for {
				b := make([]byte, 8<<20)
				// One write per memory page makes it resident.
				for i := 0; i < len(b); i += 4096 {
					b[i] = byte(i)
				}
				keep = append(keep, b)
			}
		},
		"hold": func(_ context.Context, path string, _ int, emit func(page.Page) error) error {
			mib, err := strconv.Atoi(filepath.Base(path))
			if err != nil {
				return fmt.Errorf("hold: %w", err)
			}
			keep := make([][]byte, 0, mib)
			for range mib {
				b := make([]byte, 1<<20)
				for i := 0; i < len(b); i += 4096 {
					b[i] = 1
				}
				keep = append(keep, b)
			}
			if len(keep) != mib {
				return errors.New("hold: lost memory")
			}
			return emitPages(1, emit)
		},
		"recurse": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(3, emit); err != nil {
				return err
			}
			return recurse(1)
		},
		"panic": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(3, emit); err != nil {
				return err
			}
			panic("malformed PDF: boom")
		},
		"garbage": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(2, emit); err != nil {
				return err
			}
			os.NewFile(pipeFD, "pipe").WriteString("%PDF-1.7 this is not json\n")
			return emitPages(3, emit)
		},
		"flood": func(_ context.Context, _ string, _ int, _ func(page.Page) error) error {
			f := os.NewFile(pipeFD, "pipe")
			chunk := []byte(strings.Repeat("{", 1<<16))
			for {
				os.Stderr.Write(chunk)
				if _, err := f.Write(chunk); err != nil {
					return err
				}
			}
		},
		"exit": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(4, emit); err != nil {
				return err
			}
			os.Exit(7)
			return nil
		},
		"signal": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(1, emit); err != nil {
				return err
			}
			return syscall.Kill(os.Getpid(), syscall.SIGKILL)
		},
		"error": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			if err := emitPages(2, emit); err != nil {
				return err
			}
			return errors.New("malformed PDF: xref table not found")
		},
		"naive": naiveDecode,
		"disorder": func(_ context.Context, _ string, _ int, emit func(page.Page) error) error {
			return emit(testPage(2))
		},
	}
}

// recurse never returns; the result is used so the call cannot be optimised
// into a loop.
func recurse(n int) error {
	var pad [64]byte
	pad[n%64] = byte(n)
	if err := recurse(n + 1); err != nil {
		return err
	}
	if pad[0] == 1 {
		return errors.New("unreachable")
	}
	return nil
}

func testPage(n int) page.Page {
	return page.Page{Number: n, Width: 595, Height: 842, Extractor: page.Text, Confidence: 1,
		Lines: []page.Line{{Text: fmt.Sprintf("第%d页 政府公报", n), X: 72, Y: 100, W: 200, Size: 12}}}
}

func emitPages(n int, emit func(page.Page) error) error {
	for i := 1; i <= n; i++ {
		if err := emit(testPage(i)); err != nil {
			return err
		}
	}
	return nil
}

func TestMain(m *testing.M) {
	// This binary and its copies are one build: they carry one token, as
	// make build links into gazette and gazette-worker.
	buildToken = "test-binary"
	MaybeServeChild(testJobs())
	os.Exit(m.Run())
}

func TestRun(t *testing.T) {
	// Generous: only a child that fails to die as expected runs this long.
	quick := Limits{Timeout: 30 * time.Second, Memory: 256 << 20}
	tests := []struct {
		name      string
		job, arg  string
		lim       Limits
		want      error // nil: success
		pages     int
		truncated bool
		detail    string // substring of the error's detail
	}{
		{name: "clean", job: "pages", arg: "5", lim: quick, pages: 5},
		{name: "no pages", job: "pages", arg: "0", lim: quick, pages: 0},
		{name: "page budget", job: "endless", lim: Limits{Timeout: 3 * time.Second, MaxPages: 7}, pages: 7, truncated: true},
		{name: "exact budget is not truncation", job: "pages", arg: "7", lim: Limits{Timeout: 3 * time.Second, MaxPages: 7}, pages: 7},
		{name: "infinite loop", job: "loop", lim: Limits{Timeout: 2 * time.Second}, want: ErrTimeout, pages: 2},
		{name: "unbounded allocation", job: "alloc", lim: quick, want: ErrOutOfMemory, pages: 1},
		{name: "stack overflow", job: "recurse", lim: quick, want: ErrStackOverflow, pages: 3},
		{name: "panic", job: "panic", lim: quick, want: ErrCrashed, pages: 3, detail: "panic: malformed PDF: boom"},
		{name: "garbage on the pipe", job: "garbage", lim: quick, want: ErrProtocol, pages: 2, detail: "unreadable message"},
		{name: "flood", job: "flood", lim: Limits{Timeout: 5 * time.Second, MaxOutput: 1 << 20, MaxLine: 1 << 22}, want: ErrProtocol, detail: "output exceeds"},
		{name: "line too long", job: "flood", lim: Limits{Timeout: 5 * time.Second, MaxLine: 1 << 20}, want: ErrProtocol, detail: "message exceeds"},
		{name: "exit midway", job: "exit", lim: quick, want: ErrCrashed, pages: 4, detail: "exit status 7"},
		{name: "killed by a signal", job: "signal", lim: quick, want: ErrCrashed, pages: 1, detail: "signal: killed"},
		{name: "decoder error", job: "error", lim: quick, want: ErrDecode, pages: 2, detail: "xref table not found"},
		{name: "page out of order", job: "disorder", lim: quick, want: ErrProtocol, detail: "out of order"},
		{name: "unknown job", job: "nope", lim: quick, want: ErrDecode, detail: `unknown job "nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := Run(context.Background(), tc.job, tc.arg, tc.lim)
			t.Logf("%s: err=%v pages=%d peak RSS=%d MiB in %s", tc.job, err, len(res.Pages), res.PeakRSS>>20, time.Since(start).Round(time.Millisecond))
			if tc.want == nil && err != nil {
				t.Fatalf("Run: %v", err)
			}
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("Run error = %v, want %v", err, tc.want)
				}
				var ce *ChildError
				if !errors.As(err, &ce) {
					t.Fatalf("error %T is not a *ChildError", err)
				}
				if ce.PagesDone != tc.pages {
					t.Errorf("PagesDone = %d, want %d", ce.PagesDone, tc.pages)
				}
				if !strings.Contains(ce.Detail, tc.detail) {
					t.Errorf("Detail = %q, want it to contain %q", ce.Detail, tc.detail)
				}
			}
			if len(res.Pages) != tc.pages {
				t.Fatalf("got %d pages, want %d", len(res.Pages), tc.pages)
			}
			for i, p := range res.Pages {
				if p.Number != i+1 || p.PlainText() != testPage(i+1).PlainText() {
					t.Errorf("page %d = %+v", i+1, p)
				}
			}
			if res.Truncated != tc.truncated {
				t.Errorf("Truncated = %v, want %v", res.Truncated, tc.truncated)
			}
		})
	}
}

func TestRunCanceled(t *testing.T) {
	// Long enough for the child, a re-executed race-built test binary, to
	// start and send its pages on a loaded machine (300 ms was not).
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	res, err := Run(ctx, "loop", "", Limits{Timeout: time.Minute})
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run error = %v, want ErrCanceled wrapping the context's error", err)
	}
	if len(res.Pages) != 2 {
		t.Errorf("got %d pages, want the 2 sent before the cancellation", len(res.Pages))
	}
}

// TestMemoryLimitHeadroom checks both sides of the memory limit: a child
// whose live heap is well inside the budget is not refused, and one that
// allocates without bound dies with its peak resident size near the budget.
func TestMemoryLimitHeadroom(t *testing.T) {
	const budget = 256 << 20
	hold := 200
	if raceEnabled {
		// The race detector's shadow memory more than doubles the resident size.
		hold = 64
	}
	res, err := Run(context.Background(), "hold", strconv.Itoa(hold), Limits{Timeout: 30 * time.Second, Memory: budget})
	if err != nil {
		t.Fatalf("holding %d MiB in a %d MiB budget: %v", hold, budget>>20, err)
	}
	t.Logf("holding %d MiB: peak RSS %d MiB", hold, res.PeakRSS>>20)
	res, err = Run(context.Background(), "alloc", "", Limits{Timeout: 30 * time.Second, Memory: budget})
	if !errors.Is(err, ErrOutOfMemory) {
		t.Fatalf("Run error = %v, want ErrOutOfMemory", err)
	}
	t.Logf("unbounded allocation in a %d MiB budget: peak RSS %d MiB (race detector: %v)", budget>>20, res.PeakRSS>>20, raceEnabled)
	if res.PeakRSS > budget+rssSlack+64<<20 {
		t.Errorf("peak RSS %d MiB, want at most about the budget of %d MiB plus %d MiB slack", res.PeakRSS>>20, budget>>20, rssSlack>>20)
	}
}

func TestRunExe(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skipf("no executable: %v", err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(t.TempDir(), "worker-copy")
	if err := os.WriteFile(copied, data, 0o755); err != nil {
		t.Fatal(err)
	}
	lim := Limits{Timeout: 30 * time.Second, Memory: 256 << 20}
	t.Run("another binary", func(t *testing.T) {
		lim := lim
		lim.Exe = copied
		res, err := Run(context.Background(), "pages", "3", lim)
		if err != nil || len(res.Pages) != 3 {
			t.Fatalf("Run = %d pages, %v; want 3 pages", len(res.Pages), err)
		}
	})
	t.Run("missing binary", func(t *testing.T) {
		lim := lim
		lim.Exe = filepath.Join(t.TempDir(), "absent")
		_, err := Run(context.Background(), "pages", "3", lim)
		var ce *ChildError
		if err == nil || errors.As(err, &ce) || !strings.Contains(err.Error(), "start child") {
			t.Fatalf("Run error = %v, want a start error", err)
		}
	})
}
