package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

func runBenchSharedIngest(ctx context.Context, args []string, e env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("bench-shared-ingest", stderr)
	files := fs.Int("files", 16, "generated text-based issues in the batch")
	procs := fs.String("processes", "1,2,4", "the numbers of ingest processes to time, comma-separated")
	workers := fs.Int("workers", 1, "files each process reads at once (1: a process stands for a one-core machine)")
	seed := fs.Uint64("seed", 1, "seed of the generated files")
	lease := fs.Duration("lease", 2*time.Minute, "the processes' --lease")
	addStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette bench-shared-ingest [--files N] [--processes 1,2,4] [--workers N]

Generates a batch of text-based gazette issues and ingests it with 1, 2 and 4
gazette ingest processes at once sharing the storage, each run into a bucket
of its own, and prints each run's wall time, how many times each file was
read in all (once, or the sharing failed), and the speed-up over one process.
It needs S3 storage (GAZETTE_S3_*): each process keeps its own embedded
index, as separate machines would. The speed-up is bounded by the cores of
this machine, however many processes run.`)
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	counts, err := numberList("--processes", *procs, 64)
	if err != nil {
		return err
	}
	if *files < 1 || *workers < 1 {
		return fmt.Errorf("--files %d --workers %d: want at least 1 of each", *files, *workers)
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	if storage.s3 == nil {
		return errors.New("bench-shared-ingest needs S3 storage (set GAZETTE_S3_ENDPOINT, GAZETTE_S3_BUCKET and the keys): the embedded default's index is held by one process at a time")
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return benchShared(ctx, sharedBench{
		s3: *storage.s3, files: *files, processes: counts, workers: *workers, seed: *seed, lease: *lease,
		start: func(args, env []string) *exec.Cmd {
			cmd := exec.CommandContext(ctx, exe, args...)
			cmd.Env = append(os.Environ(), env...) // the last value of a name wins
			return cmd
		},
		out: stdout, log: stderr,
	})
}

// numberList parses a flag's comma-separated numbers from 1 to most.
func numberList(flag, value string, most int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(value, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > most {
			return nil, fmt.Errorf("%s %q: want comma-separated numbers from 1 to %d", flag, value, most)
		}
		out = append(out, n)
	}
	return out, nil
}

// sharedBench configures benchShared.
type sharedBench struct {
	s3        s3blobs.Config // Bucket is the stem of each run's own bucket
	files     int
	processes []int
	workers   int
	seed      uint64
	lease     time.Duration
	// start makes the command of a `gazette ARGS...` process with env
	// added to the storage settings it inherits.
	start    func(args, env []string) *exec.Cmd
	out, log io.Writer
}

// sharedRun is one run of ingest processes started at once.
type sharedRun struct {
	wall    time.Duration
	reports [][]ingest.FileReport // by process: the files, in the order printed
	exits   []error
	logs    []string // each process's stderr
}

// reads counts, for each file, the processes that read it (ingested it,
// or found it failing or needing review); done elsewhere and skipped are
// no reading.
func (r sharedRun) reads() map[string]int {
	n := map[string]int{}
	for _, rs := range r.reports {
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

// benchShared times each number of processes over the same generated
// batch and prints the table.
func benchShared(ctx context.Context, b sharedBench) error {
	dir, err := os.MkdirTemp("", "gazette-bench-shared-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	batch := filepath.Join(dir, "batch")
	pages, err := distinctIssues(ctx, batch, b.files, b.seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "bench-shared-ingest: %d issues, %d pages; runs of %v processes\n", b.files, pages, b.processes)
	type row struct {
		n         int
		run       sharedRun
		read      int
		twice     int
		elsewhere int
	}
	var rows []row
	for _, n := range b.processes {
		s3 := b.s3
		s3.Bucket = fmt.Sprintf("%s-%dp-%s", b.s3.Bucket, n, randomSuffix())
		// Made here, before the processes race to make it.
		if _, err := s3blobs.New(ctx, s3); err != nil {
			return fmt.Errorf("bucket %s: %w", s3.Bucket, err)
		}
		args := []string{"ingest", "--no-ocr", "--workers", strconv.Itoa(b.workers), "--lease", b.lease.String(), batch}
		run, err := ingestProcesses(ctx, b.start, n, args, []string{"GAZETTE_S3_BUCKET=" + s3.Bucket}, filepath.Join(dir, fmt.Sprint("run", n)))
		if err != nil {
			return err
		}
		for i, e := range run.exits {
			if e != nil {
				return fmt.Errorf("%d processes: process %d: %v\n%s", n, i+1, e, run.logs[i])
			}
		}
		r := row{n: n, run: run}
		for _, c := range run.reads() {
			r.read += min(c, 1)
			r.twice += max(c-1, 0)
		}
		for _, rs := range run.reports {
			for _, f := range rs {
				if f.Outcome == ingest.DoneElsewhere {
					r.elsewhere++
				}
			}
		}
		rows = append(rows, r)
		fmt.Fprintf(b.log, "bench-shared-ingest: %d processes: %v\n", n, run.wall.Round(10*time.Millisecond))
	}
	w := tabwriter.NewWriter(b.out, 2, 8, 2, ' ', 0)
	fmt.Fprintf(w, "Shared ingest: %d issues, %d pages, one storage; each process reads %d file(s) at once; %d CPUs here\n", b.files, pages, b.workers, runtime.NumCPU())
	fmt.Fprintln(w, "processes\twall\tpages/s\tspeed-up\tfiles read\tread twice\tdone elsewhere")
	for _, r := range rows {
		fmt.Fprintf(w, "%d\t%.2fs\t%.1f\t%.2f×\t%d\t%d\t%d\n", r.n, r.run.wall.Seconds(), float64(pages)/r.run.wall.Seconds(),
			rows[0].run.wall.Seconds()/r.run.wall.Seconds(), r.read, r.twice, r.elsewhere)
	}
	fmt.Fprintf(w, "speed-up is against the first run; with %d CPUs it can reach %d× at most\n", runtime.NumCPU(), runtime.NumCPU())
	return w.Flush()
}

// ingestProcesses starts n processes of args at once, each with env and a
// --data directory of its own under dataRoot (its embedded index: the
// storage is what they share; with dataRoot "", env says), and waits for
// all of them.
func ingestProcesses(ctx context.Context, start func(args, env []string) *exec.Cmd, n int, args, env []string, dataRoot string) (sharedRun, error) {
	run := sharedRun{reports: make([][]ingest.FileReport, n), exits: make([]error, n), logs: make([]string, n)}
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
		wg.Go(func() { run.exits[i] = c.Wait() })
	}
	wg.Wait()
	run.wall = time.Since(began)
	for i := range n {
		run.logs[i] = errs[i].String()
		var err error
		if run.reports[i], err = fileReports(outs[i]); err != nil {
			return run, fmt.Errorf("process %d: %w", i+1, err)
		}
	}
	return run, ctx.Err()
}

// fileReports reads the per-file JSON lines of `gazette ingest`, leaving
// out the summary.
func fileReports(r io.Reader) ([]ingest.FileReport, error) {
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

// distinctIssues typesets n text-based issues with distinct issue numbers
// into dir and returns their pages in all.
func distinctIssues(ctx context.Context, dir string, n int, seed uint64) (int, error) {
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

func randomSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
