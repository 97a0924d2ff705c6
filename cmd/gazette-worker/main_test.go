package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/typeset"
)

// build builds the packages (gazette, gazette-eval and gazette-worker side
// by side, with one build token, as make build does) in a new folder and
// returns it.
func build(t *testing.T, pkgs ...string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the binaries: %v", err)
	}
	dir := t.TempDir()
	token := "-X github.com/gazette-archive/gazette/ingest/worker.buildToken=test-" + filepath.Base(dir)
	cmd := exec.Command(goBin, append([]string{"build", "-ldflags", token, "-o", dir + string(filepath.Separator)}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

func run(t *testing.T, exe string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// TestBesideGazette runs gazette with its worker beside it and without:
// the same issue comes out either way, and the benchmark (gazette-eval,
// beside them) names the child it started.
func TestBesideGazette(t *testing.T) {
	dir := build(t, "../gazette", "../gazette-eval", ".")
	gazette, eval := filepath.Join(dir, "gazette"), filepath.Join(dir, "gazette-eval")
	res, err := typeset.Generate(context.Background(), typeset.Options{Seed: 3, Encoding: typeset.GBKEUC, Documents: 3})
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "issue.pdf")
	if err := os.WriteFile(pdf, res.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	bench := []string{"bench-ingest", "--files", "1", "--file-pages", "2", "--large-pages", "2", "--ocr-pages", "0", "--workers", "1"}

	withWorker, stderr, err := run(t, gazette, "extract", "--no-ocr", pdf)
	if err != nil {
		t.Fatalf("gazette extract: %v\n%s", err, stderr)
	}
	out, stderr, err := run(t, eval, bench...)
	if err != nil {
		t.Fatalf("gazette-eval bench-ingest: %v\n%s", err, stderr)
	}
	if want := "text-layer child, one per file: " + filepath.Join(dir, "gazette-worker") + "\n"; !strings.Contains(out, want) {
		t.Errorf("with the worker beside gazette-eval, bench-ingest says\n%s\nwant %q", out, want)
	}

	if err := os.Remove(filepath.Join(dir, "gazette-worker")); err != nil {
		t.Fatal(err)
	}
	alone, stderr, err := run(t, gazette, "extract", "--no-ocr", pdf)
	if err != nil {
		t.Fatalf("gazette extract without its worker: %v\n%s", err, stderr)
	}
	if alone != withWorker {
		t.Errorf("gazette extract differs with and without gazette-worker:\nwith:\n%.2000s\nwithout:\n%.2000s", withWorker, alone)
	}
	if !strings.Contains(withWorker, `"extractor": "text"`) || strings.Contains(withWorker, `"extractor": "none"`) {
		t.Errorf("gazette extract did not read every page's text layer:\n%.2000s", withWorker)
	}
	out, stderr, err = run(t, eval, bench...)
	if err != nil {
		t.Fatalf("gazette-eval bench-ingest without its worker: %v\n%s", err, stderr)
	}
	if want := "text-layer child, one per file: this executable re-executed (worker: gazette-worker: "; !strings.Contains(out, want) {
		t.Errorf("without the worker, bench-ingest says\n%s\nwant %q", out, want)
	}
}

// TestByHand: run by itself it explains and fails.
func TestByHand(t *testing.T) {
	dir := build(t, ".")
	_, stderr, err := run(t, filepath.Join(dir, "gazette-worker"))
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr, "not run by hand") {
		t.Fatalf("gazette-worker by hand: %v, %q; want exit 2 and why", err, stderr)
	}
}
