package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/cmd/internal/sharedingest"
	"github.com/gazette-archive/gazette/ingest"
)

func runBenchSharedIngest(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette-eval", "bench-shared-ingest", stderr)
	files := fs.Int("files", 16, "generated text-based issues in the batch")
	procs := fs.String("processes", "1,2,4", "the numbers of ingest processes to time, comma-separated")
	workers := fs.Int("workers", 1, "files each process reads at once (1: a process stands for a one-core machine)")
	seed := fs.Uint64("seed", 1, "seed of the generated files")
	lease := fs.Duration("lease", 2*time.Minute, "the processes' --lease")
	gazetteBin := fs.String("gazette", "", "the gazette binary whose ingest processes to time (default: gazette beside this executable, as make build puts it)")
	cli.AddStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette-eval bench-shared-ingest [--files N] [--processes 1,2,4] [--workers N]

Generates a batch of text-based gazette issues and ingests it with 1, 2 and 4
gazette ingest processes at once sharing the storage, each run into a bucket
of its own, and prints each run's wall time, how many times each file was
read in all (once, or the sharing failed), and the speed-up over one process.
It needs S3 storage (GAZETTE_STORAGE=s3 and GAZETTE_S3_*): each process keeps
its own embedded index, as separate machines would. The speed-up is bounded by the cores of
this machine, however many processes run.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	counts, err := numberList("--processes", *procs, 64)
	if err != nil {
		return err
	}
	if *files < 1 || *workers < 1 {
		return fmt.Errorf("--files %d --workers %d: want at least 1 of each", *files, *workers)
	}
	storage, err := cli.LoadStorage(fs, e)
	if err != nil {
		return err
	}
	if storage.S3 == nil {
		return errors.New("bench-shared-ingest needs S3 storage (set GAZETTE_STORAGE=s3, GAZETTE_S3_ENDPOINT, GAZETTE_S3_BUCKET and the keys): the embedded default's index is held by one process at a time")
	}
	exe, err := gazetteBinary(*gazetteBin, "bench-shared-ingest times gazette ingest processes")
	if err != nil {
		return err
	}
	return benchShared(ctx, sharedBench{
		s3: *storage.S3, files: *files, processes: counts, workers: *workers, seed: *seed, lease: *lease,
		start: func(args, env []string) *exec.Cmd {
			cmd := exec.CommandContext(ctx, exe, args...)
			cmd.Env = append(os.Environ(), env...) // the last value of a name wins
			return cmd
		},
		out: stdout, log: stderr,
	})
}

// gazetteBinary is the gazette binary a benchmark times: flag, or gazette
// beside this executable (as make build puts it); why says what it is for.
func gazetteBinary(flag, why string) (string, error) {
	exe := flag
	if exe == "" {
		self, err := os.Executable()
		if err != nil {
			return "", err
		}
		exe = filepath.Join(filepath.Dir(self), "gazette")
	}
	if _, err := os.Stat(exe); err != nil {
		return "", fmt.Errorf("--gazette: %w: %s; build gazette beside gazette-eval (make build) or name it with --gazette", err, why)
	}
	return exe, nil
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
	// start makes the command of a `gazette ARGS...` process.
	start    sharedingest.Starter
	out, log io.Writer
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
	pages, err := sharedingest.DistinctIssues(ctx, batch, b.files, b.seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "bench-shared-ingest: %d issues, %d pages; runs of %v processes\n", b.files, pages, b.processes)
	type row struct {
		n         int
		run       sharedingest.Run
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
		run, err := sharedingest.Processes(ctx, b.start, n, args, []string{"GAZETTE_S3_BUCKET=" + s3.Bucket}, filepath.Join(dir, fmt.Sprint("run", n)))
		if err != nil {
			return err
		}
		for i, e := range run.Exits {
			if e != nil {
				return fmt.Errorf("%d processes: process %d: %v\n%s", n, i+1, e, run.Logs[i])
			}
		}
		r := row{n: n, run: run}
		for _, c := range run.Reads() {
			r.read += min(c, 1)
			r.twice += max(c-1, 0)
		}
		for _, rs := range run.Reports {
			for _, f := range rs {
				if f.Outcome == ingest.DoneElsewhere {
					r.elsewhere++
				}
			}
		}
		rows = append(rows, r)
		fmt.Fprintf(b.log, "bench-shared-ingest: %d processes: %v\n", n, run.Wall.Round(10*time.Millisecond))
	}
	w := tabwriter.NewWriter(b.out, 2, 8, 2, ' ', 0)
	fmt.Fprintf(w, "Shared ingest: %d issues, %d pages, one storage; each process reads %d file(s) at once; %d CPUs here\n", b.files, pages, b.workers, runtime.NumCPU())
	fmt.Fprintln(w, "processes\twall\tpages/s\tspeed-up\tfiles read\tread twice\tdone elsewhere")
	for _, r := range rows {
		fmt.Fprintf(w, "%d\t%.2fs\t%.1f\t%.2f×\t%d\t%d\t%d\n", r.n, r.run.Wall.Seconds(), float64(pages)/r.run.Wall.Seconds(),
			rows[0].run.Wall.Seconds()/r.run.Wall.Seconds(), r.read, r.twice, r.elsewhere)
	}
	fmt.Fprintf(w, "speed-up is against the first run; with %d CPUs it can reach %d× at most\n", runtime.NumCPU(), runtime.NumCPU())
	return w.Flush()
}

func randomSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
