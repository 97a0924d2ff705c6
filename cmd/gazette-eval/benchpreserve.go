package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/transparency"
)

func runBenchPreserve(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette-eval", "bench-preserve", stderr)
	docs := fs.Int("docs", 10000, "documents to publish (in issues of --per-issue documents each)")
	perIssue := fs.Int("per-issue", 20, "documents per issue")
	gazetteBin := fs.String("gazette", "", "the gazette binary to time (default: gazette beside this executable, as make build puts it)")
	keep := fs.String("dir", "", "work under this directory and keep it (default: a temporary one, removed)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette-eval bench-preserve [--docs 10000] [--per-issue 20] [--gazette BIN]

Publishes --docs generated documents (with their issues' print PDFs) into a
local archive under a transparency log, then times, each as a process of its
own (bin/gazette, beside gazette-eval):
  gazette fsck --sha256sum   its MB/s and objects/s beside sha256sum's on the same files
  gazette export DIR         the year bags and the day's dump: wall time and peak memory (max RSS)
and prints the figures.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *docs < 1 || *perIssue < 1 || *perIssue > 999 {
		return fmt.Errorf("--docs %d --per-issue %d: want at least 1, and at most 999 per issue", *docs, *perIssue)
	}
	exe, err := gazetteBinary(*gazetteBin, "bench-preserve times gazette fsck and gazette export")
	if err != nil {
		return err
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "gazette-bench-preserve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	data, keyFile := filepath.Join(dir, "data"), filepath.Join(dir, "log.key")
	start := time.Now()
	issues, err := publishBench(ctx, data, keyFile, *docs, *perIssue)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "archive: %d documents in %d issues, published in %.1fs\n\n", *docs, issues, time.Since(start).Seconds())
	env := append(os.Environ(), "GAZETTE_DATA="+data, "GAZETTE_SIGNING_KEY_FILE="+keyFile, "GAZETTE_STORAGE=local")
	for _, step := range []struct {
		name string
		args []string
	}{
		// Twice: the first also builds the embedded index (a repair); the
		// second reads a warm page cache, as sha256sum does after it.
		{"fsck (first: index repaired)", []string{"fsck", "--no-record"}},
		{"fsck", []string{"fsck", "--no-record", "--sha256sum"}},
		{"export", []string{"export", filepath.Join(dir, "export")}},
	} {
		cmd := exec.CommandContext(ctx, exe, step.args...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		t0 := time.Now()
		err := cmd.Run()
		wall := time.Since(t0)
		if err != nil {
			return fmt.Errorf("gazette %s: %v\n%s%s", strings.Join(step.args, " "), err, out.String(), errb.String())
		}
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss // KiB on Linux
		}
		fmt.Fprintf(stdout, "gazette %s: %.2fs wall, peak memory (max RSS) %.1f MiB\n", strings.Join(step.args, " "), wall.Seconds(), float64(rss)/1024)
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			fmt.Fprintln(stdout, "  "+line)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// publishBench publishes docs generated documents under a new log key and
// returns the number of issues.
func publishBench(ctx context.Context, data, keyFile string, docs, perIssue int) (int, error) {
	private, public, err := transparency.GenerateKey("bench.gazette.test/log")
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(keyFile, []byte(private+"\n"), 0o600); err != nil {
		return 0, err
	}
	signer, err := transparency.NewSigner(private)
	if err != nil {
		return 0, err
	}
	ring, err := transparency.KeyringOf(public)
	if err != nil {
		return 0, err
	}
	b, err := fsblobs.Open(data)
	if err != nil {
		return 0, err
	}
	defer b.Close()
	l, err := transparency.New(b, signer, ring, nil)
	if err != nil {
		return 0, err
	}
	a := archive.New(b, nil, nil, archive.WithLedger(l))
	issues := 0
	for n := 0; n < docs; issues++ {
		// 24 issues a year, from 2001.
		year, number := 2001+issues/24, 1+issues%24
		s := archivetest.NewSample(year, number, min(perIssue, docs-n))
		if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			if errors.Is(err, context.Canceled) {
				return issues, err
			}
			return issues, fmt.Errorf("publish %s: %w", s.Issue.Key(), err)
		}
		n += len(s.Documents)
	}
	return issues, nil
}
