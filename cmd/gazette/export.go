package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
)

func runExport(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "export", stderr)
	perIssue := fs.Bool("per-issue", false, "one bag per issue instead of one per year")
	years := fs.String("years", "", "comma-separated years to export (default: all)")
	noDump := fs.Bool("no-dump", false, "write no dump of the current documents")
	cli.AddStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette export [--per-issue] [--years Y,...] [--no-dump] [--data DIR] OUTDIR

Writes the archive in bulk under OUTDIR, as the server offers it at /bulk:
BagIt bags (RFC 8493) of each year (or issue) under OUTDIR/bags/, with the
transparency log's proofs as tag files (proofs/*.tlog-proof, checked with
gazette verify), and today's JSON Lines dump of all current documents under
OUTDIR/dumps/ (made, stored and entered in the log if it is not yet).
Every file is checked against its SHA-256 as it is copied. Only published
issues are exported: nothing under embargo.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return cli.ErrUsage
	}
	var ys []int
	for _, y := range strings.Split(*years, ",") {
		if y = strings.TrimSpace(y); y == "" {
			continue
		}
		n, err := strconv.Atoi(y)
		if err != nil {
			return fmt.Errorf("--years: %q is not a year", y)
		}
		ys = append(ys, n)
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := storage.open(ctx, log, openOptions{})
	if err != nil {
		return err
	}
	defer d.Close()
	ledger, err := storage.log.openLedger(ctx, d.blobs, log)
	if err != nil {
		return err
	}
	var opts []archive.Option
	var ledgerI archive.Ledger
	if ledger != nil {
		opts = append(opts, archive.WithLedger(ledger))
		ledgerI = ledger
	}
	arch := archive.New(d.blobs, nil, log, opts...)
	ex := preserve.Export{
		Bagger:   preserve.Bagger{Blobs: d.blobs, Archive: arch, Log: ledger},
		Dumper:   preserve.Dumper{Blobs: d.blobs, Archive: arch, Ledger: ledgerI},
		PerIssue: *perIssue, Years: ys,
		Progress: func(bag string, files int, bytes int64) {
			fmt.Fprintf(stderr, "bag %s: %d files, %.1f MB\n", bag, files, float64(bytes)/1e6)
		},
	}
	if !*noDump {
		ex.Day = gazette.DateOf(time.Now().In(gazette.ChinaTime))
	}
	start := time.Now()
	rep, err := ex.Write(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d bags, %d files, %.1f MB to %s in %.1fs\n", rep.Bags, rep.Files, float64(rep.Bytes)/1e6, fs.Arg(0), time.Since(start).Seconds())
	if rep.Dump != nil {
		fmt.Fprintf(stdout, "dump %s: %d bytes, SHA-256 %s\n", rep.Dump.Day, rep.Dump.Size, rep.Dump.SHA256)
	}
	return nil
}
