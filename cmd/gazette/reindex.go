package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
)

func runReindex(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "reindex", stderr)
	check := fs.Bool("check", false, "only compare storage with the index and repair drift (missing, stale, orphaned entries), instead of rebuilding")
	dryRun := fs.Bool("dry-run", false, "with --check: report drift without repairing it")
	cli.AddStorageFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette reindex [--check [--dry-run]] [--data DIR]\n\nRebuilds the search index from storage, or with --check finds and repairs\nthe drift between them. Prints a JSON summary; exits 1 if drift remains.")
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	opened, err := storage.open(ctx, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})), openOptions{index: true, handoff: true})
	if err != nil {
		return err
	}
	defer opened.Close()
	arch := opened.archive
	bar := cli.NewBar(stderr, "indexing")
	var d driftReport
	if *check {
		drift, err := arch.Reconcile(ctx, !*dryRun, bar.Update)
		if err != nil {
			return err
		}
		d = driftReport{Mode: "check", Repaired: !*dryRun, Documents: drift.Documents, Missing: drift.Missing, Stale: drift.Stale, Orphaned: drift.Orphaned}
	} else {
		drift, err := arch.Reindex(ctx, bar.Update)
		if err != nil {
			return err
		}
		d = driftReport{Mode: "rebuild", Repaired: true, Documents: drift.Documents, Orphaned: drift.Orphaned}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return err
	}
	if !d.Repaired && len(d.Missing)+len(d.Stale)+len(d.Orphaned) > 0 {
		return fmt.Errorf("the index has drifted from storage")
	}
	return nil
}

type driftReport struct {
	Mode      string   `json:"mode"`
	Repaired  bool     `json:"repaired"`
	Documents int      `json:"documents"`
	Missing   []string `json:"missing"`
	Stale     []string `json:"stale"`
	Orphaned  []string `json:"orphaned"`
}
