package main

import (
	"context"
	"io"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
)

func main() { cli.Main("gazette", commands()) }

// commands are gazette's. The evaluations and benchmarks are another
// binary's, gazette-eval, so that their code is not linked into this one.
func commands() []cli.Command {
	return []cli.Command{
		{Name: "serve", Summary: "run the HTTP server: reader, API, /healthz and /readyz", Run: runServe},
		{Name: "extract", Summary: "read one gazette PDF and print its issue, documents and metadata as JSON", Run: runExtract},
		{Name: "ingest", Summary: "ingest PDFs (files and directories): extract, split and publish each issue", Run: runIngest},
		{Name: "user", Summary: "manage editor accounts: add NAME --role R, passwd NAME, disable|enable NAME, list", Run: runUser},
		{Name: "search", Summary: "search the archive: words, \"phrases\", -exclusions, 文号, filters", Run: runSearch},
		{Name: "reindex", Summary: "rebuild the search index from storage, or --check and repair drift", Run: runReindex},
		{Name: "docnum", Summary: "parse and normalise document numbers (发文字号), one JSON object per input", Run: runDocnum},
		{Name: "keygen", Summary: "generate the signing key of the transparency log", Run: runKeygen},
		{Name: "verify", Summary: "check offline that a file is what the gazette published (or, --consistency, that the log was never rewritten)", Run: runVerify},
		{Name: "fsck", Summary: "audit fixity: re-read every object against its SHA-256, the manifests and the log; check the log; repair index drift", Run: runFsck},
		{Name: "export", Summary: "write BagIt bags of every year (or issue) and today's dump of all documents to a directory", Run: runExport},
		{Name: "version", Summary: "print the version", Run: runVersion},
	}
}

// run executes one command line and returns the process exit status.
func run(ctx context.Context, args []string, e cli.Env, stdin io.Reader, stdout, stderr io.Writer) int {
	return cli.Run(ctx, "gazette", commands(), args, e, stdin, stdout, stderr)
}
