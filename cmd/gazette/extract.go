package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/ingest"
)

func runExtract(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "extract", stderr)
	lim := cli.AddExtractFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette extract [flags] FILE.pdf\n\nReads one gazette issue and prints it as one JSON object: the issue from its\ncover, its documents with their metadata, page ranges and text, and how each\npage's text was had. Stores nothing.")
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return cli.ErrUsage
	}
	opts, err := lim.Options(ctx, fs, e)
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	if _, err := os.Stat(path); err != nil {
		return err
	}
	res, err := ingest.Extract(ctx, path, opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
