package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/preserve"
)

func runFsck(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "fsck", stderr)
	dryRun := fs.Bool("dry-run", false, "report search-index drift without repairing it")
	noRecord := fs.Bool("no-record", false, "do not record the run under fixity/ in storage")
	since := fs.String("since", "", "a checkpoint saved earlier (file) that the log must extend; default: the one the last recorded run saw")
	yardstick := fs.Bool("sha256sum", false, "with local storage: also time sha256sum on the same files, and print both throughputs")
	asJSON := fs.Bool("json", false, "print the run as JSON")
	cli.AddStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette fsck [--dry-run] [--no-record] [--since CHECKPOINT] [--sha256sum] [--data DIR]

Audits the archive's fixity: reads every stored object again and checks it
against its SHA-256, the manifests and the transparency log; checks the log
(its checkpoint's signature, every tile against the signed root, every
published manifest's entry, and that it extends the checkpoint seen
before); reports the search index's drift from storage and repairs it (by
reindexing; no published object is ever changed). Each run is recorded as
PREMIS-style events under fixity/ (editors see them at /editor/fixity).
Exits 1 when anything failed.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return cli.ErrUsage
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	if *yardstick && storage.Kind != cli.StorageLocal {
		return fmt.Errorf("--sha256sum: only with local storage, whose files sha256sum can read")
	}
	var sinceRaw []byte
	if *since != "" {
		if sinceRaw, err = e.ReadFile(*since); err != nil {
			return fmt.Errorf("--since: %w", err)
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := storage.open(ctx, log, openOptions{index: true, handoff: true})
	if err != nil {
		return err
	}
	defer d.Close()
	a := preserve.Auditor{Blobs: d.blobs, Archive: d.archive, Log: d.ledger, Agent: "gazette fsck " + version(), Logger: log}
	if d.ledger == nil {
		fmt.Fprintln(stderr, "fsck: no transparency log configured (GAZETTE_SIGNING_KEY_FILE): objects are checked against their names and the manifests only")
	}
	run, err := a.Audit(ctx, preserve.AuditOptions{RepairIndex: !*dryRun, Record: !*noRecord, Since: sinceRaw})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(run); err != nil {
			return err
		}
	} else {
		printRun(stdout, run)
	}
	if *yardstick {
		if err := sha256sumYardstick(ctx, stdout, storage.DataDir, run); err != nil {
			return fmt.Errorf("--sha256sum: %w", err)
		}
	}
	if !run.OK() {
		return fmt.Errorf("%d failures (run %s)", len(run.Failures), run.ID)
	}
	return nil
}

// printRun prints a run for an operator.
func printRun(w io.Writer, run *preserve.Run) {
	status := "OK"
	if !run.OK() {
		status = fmt.Sprintf("FAILED: %d problems", len(run.Failures))
	}
	fmt.Fprintf(w, "fsck %s: %s\n", run.ID, status)
	fmt.Fprintf(w, "  read:   %d objects, %.1f MB in %.2fs: %.1f MB/s, %.0f objects/s\n", run.Objects, float64(run.Bytes)/1e6, run.Seconds, run.MBps(), run.ObjectsPerSecond())
	if run.LogSize > 0 {
		fmt.Fprintf(w, "  log:    checkpoint of %d entries verified\n", run.LogSize)
	}
	if run.IndexChecked {
		verb := "found"
		if run.IndexRepaired {
			verb = "repaired"
		}
		fmt.Fprintf(w, "  index:  %d documents; %s %d missing, %d stale, %d extra\n", run.Documents, verb, len(run.Missing), len(run.Stale), len(run.Orphaned))
	}
	for _, f := range run.Failures {
		fmt.Fprintf(w, "  FAIL %s: %s\n", f.Object, f.Detail)
	}
	for _, p := range run.Pending {
		fmt.Fprintf(w, "  PENDING %s: %s\n", p.Object, p.Detail)
	}
}

// sha256sumYardstick times sha256sum on the objects fsck read from local
// storage (the same files) and prints its throughput beside fsck's.
func sha256sumYardstick(ctx context.Context, w io.Writer, dataDir string, run *preserve.Run) error {
	root := filepath.Join(dataDir, "objects")
	var files []string
	var total int64
	for _, p := range []string{"pdf", "records", "manifests", "issues", "dumps", "log/tile", "log/keys", "log/checkpoint"} {
		err := filepath.WalkDir(filepath.Join(root, p), func(path string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			files = append(files, path)
			total += info.Size()
			return nil
		})
		if err != nil {
			return err
		}
	}
	secs, err := sha256sum(ctx, files)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  sha256sum on the same %d files, %.1f MB: %.2fs: %.1f MB/s, %.0f files/s (fsck: %.1f MB/s, %.0f objects/s)\n",
		len(files), float64(total)/1e6, secs, float64(total)/1e6/secs, float64(len(files))/secs, run.MBps(), run.ObjectsPerSecond())
	return nil
}

// sha256sum runs sha256sum over files, in batches, and returns how long it
// took.
func sha256sum(ctx context.Context, files []string) (float64, error) {
	start := time.Now()
	for len(files) > 0 {
		n := min(len(files), 2000)
		cmd := exec.CommandContext(ctx, "sha256sum", files[:n]...)
		cmd.Stdout = io.Discard
		var errb strings.Builder
		cmd.Stderr = &errb
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("sha256sum: %v: %s", err, errb.String())
		}
		files = files[n:]
	}
	return time.Since(start).Seconds(), nil
}
