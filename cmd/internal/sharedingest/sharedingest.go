package sharedingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// Starter makes the command of a `gazette ARGS...` process with env added
// to the storage settings it inherits.
type Starter func(args, env []string) *exec.Cmd

// Run is one run of ingest processes started at once.
type Run struct {
	Wall    time.Duration
	Reports [][]ingest.FileReport // by process: the files, in the order printed
	Exits   []error
	Logs    []string // each process's stderr
}

// Reads counts, for each file, the processes that read it (ingested it,
// or found it failing or needing review); done elsewhere and skipped are
// no reading.
func (r Run) Reads() map[string]int {
	n := map[string]int{}
	for _, rs := range r.Reports {
		for _, f := range rs {
			read := 0 // every file is listed, read or not
			switch f.Outcome {
			case ingest.Ingested, ingest.NeedsReview, ingest.Failed:
				read = 1
			}
			n[f.Path] += read
		}
	}
	return n
}

// Processes starts n processes of args at once, each with env and a
// --data directory of its own under dataRoot (its embedded index: the
// storage is what they share; with dataRoot "", env says), and waits for
// all of them.
func Processes(ctx context.Context, start Starter, n int, args, env []string, dataRoot string) (Run, error) {
	run := Run{Reports: make([][]ingest.FileReport, n), Exits: make([]error, n), Logs: make([]string, n)}
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	errs := make([]*bytes.Buffer, n)
	for i := range n {
		own := slices.Clone(env)
		if dataRoot != "" {
			own = append(own, "GAZETTE_DATA="+filepath.Join(dataRoot, fmt.Sprint("p", i+1)))
		}
		cmds[i] = start(args, own)
		outs[i], errs[i] = &bytes.Buffer{}, &bytes.Buffer{}
		cmds[i].Stdout, cmds[i].Stderr = outs[i], errs[i]
	}
	began := time.Now()
	for i, c := range cmds {
		if err := c.Start(); err != nil {
			for _, started := range cmds[:i] {
				started.Process.Kill()
				started.Wait()
			}
			return run, err
		}
	}
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Go(func() { run.Exits[i] = c.Wait() })
	}
	wg.Wait()
	run.Wall = time.Since(began)
	for i := range n {
		run.Logs[i] = errs[i].String()
		var err error
		if run.Reports[i], err = FileReports(outs[i]); err != nil {
			return run, fmt.Errorf("process %d: %w", i+1, err)
		}
	}
	return run, ctx.Err()
}

// FileReports reads the per-file JSON lines of `gazette ingest`, leaving
// out the summary.
func FileReports(r io.Reader) ([]ingest.FileReport, error) {
	var out []ingest.FileReport
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var f ingest.FileReport
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			return nil, fmt.Errorf("not a JSON line: %q", sc.Text())
		}
		if f.Path != "" {
			out = append(out, f)
		}
	}
	return out, sc.Err()
}

// DistinctIssues typesets n text-based issues with distinct issue numbers
// into dir and returns their pages in all.
func DistinctIssues(ctx context.Context, dir string, n int, seed uint64) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	pages := 0
	for s := seed; len(seen) < n; s++ {
		if s > seed+uint64(10*n) {
			return 0, fmt.Errorf("typeset: %d distinct issues out of %d seeds", len(seen), 10*n)
		}
		res, err := typeset.Generate(ctx, typeset.Options{Seed: s, Encoding: typeset.GBKEUC})
		if err != nil {
			return 0, fmt.Errorf("typeset seed %d: %w", s, err)
		}
		key := fmt.Sprintf("%d-%02d", res.Truth.Year, res.Truth.Number)
		if seen[key] {
			continue
		}
		seen[key] = true
		pages += len(res.Truth.Pages)
		if err := os.WriteFile(filepath.Join(dir, key+".pdf"), res.PDF, 0o644); err != nil {
			return 0, err
		}
	}
	return pages, nil
}
