package pdftext

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRobustness runs the hostile files: each must return a clear error
// within the timeout. GHOSTSCRIPT-698804-1-fuzzed.pdf makes ledongthuc/pdf
// die of an out-of-memory error recover() cannot catch; preflight now
// refuses it first, but it still runs in a child process (this test binary
// re-executed under a memory ulimit) so that a regression kills the child,
// not the test run.
func TestRobustness(t *testing.T) {
	dir := filepath.Join(corpusPDF, "robustness")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("robustness corpus absent at %s: skipping", dir)
	}
	t.Run("cyclic page tree", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := ExtractFile(ctx, filepath.Join(dir, "Pages-tree-refs.pdf"), Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrBadPageTree) {
				t.Fatalf("err = %v, want ErrBadPageTree", err)
			}
			t.Logf("error: %v", err)
		case <-time.After(15 * time.Second):
			t.Fatal("did not return within 15 s")
		}
	})
	t.Run("out-of-memory file in a child", func(t *testing.T) {
		if _, err := exec.LookPath("sh"); err != nil {
			t.Skip("no sh to set a memory ulimit")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		// The race detector reserves more address space than any useful
		// ulimit -v allows, so under -race the child runs unlimited.
		limit := "ulimit -v 1500000; "
		if raceEnabled {
			limit = ""
		}
		cmd := exec.CommandContext(ctx, "sh", "-c", limit+`exec "$0" -test.run='^TestChildExtract$' -test.v`, os.Args[0])
		cmd.Env = append(os.Environ(), "PDFTEXT_CHILD_FILE="+filepath.Join(dir, "GHOSTSCRIPT-698804-1-fuzzed.pdf"))
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("child did not finish within 60 s")
		}
		summary := string(out)
		if i := strings.Index(summary, "fatal error"); i >= 0 {
			summary = summary[i:min(len(summary), i+80)]
		} else if len(summary) > 300 {
			summary = summary[len(summary)-300:]
		}
		t.Logf("child exit: %v; output: %s", err, summary)
		// preflight refuses the file before the library allocates.
		if err != nil || !strings.Contains(string(out), ErrXref.Error()) {
			t.Errorf("child: want a clean ErrXref refusal, got exit %v", err)
		}
	})
}

// TestChildExtract is the child side of TestRobustness; it does nothing
// unless PDFTEXT_CHILD_FILE is set.
func TestChildExtract(t *testing.T) {
	name := os.Getenv("PDFTEXT_CHILD_FILE")
	if name == "" {
		t.Skip("child helper: run by TestRobustness")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pages, err := ExtractFile(ctx, name, Options{})
	t.Logf("pages %d, err %v", len(pages), err)
	for _, p := range pages {
		t.Logf("page %d: %s %q", p.Number, p.Extractor, p.Note)
	}
}
