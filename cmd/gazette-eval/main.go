package main

import (
	"context"
	"io"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
)

func main() { cli.Main("gazette-eval", commands()) }

func commands() []cli.Command {
	return []cli.Command{
		{Name: "eval-search", Summary: "measure search relevance: STARD questions over the laws, hand-written gazette queries", Run: runEvalSearch},
		{Name: "bench-search", Summary: "measure search speed: indexing rate, index size, latency at 1 and 16 clients", Run: runBenchSearch},
		{Name: "eval-ingest", Summary: "measure ingest accuracy: text, document boundaries, metadata over generated issues and the real PDFs", Run: runEvalIngest},
		{Name: "bench-ingest", Summary: "measure ingest speed: pages/s on one core and all cores beside pdftotext, cost per page by file size, worker memory, OCR", Run: runBenchIngest},
		{Name: "bench-preserve", Summary: "measure preservation on 10,000 documents: gazette fsck MB/s and objects/s beside sha256sum, gazette export time and peak memory", Run: runBenchPreserve},
		{Name: "bench-shared-ingest", Summary: "measure ingest by several gazette processes sharing one batch and storage: wall time and speed-up with 1, 2 and 4", Run: runBenchSharedIngest},
	}
}

// run executes one command line and returns the process exit status.
func run(ctx context.Context, args []string, e cli.Env, stdin io.Reader, stdout, stderr io.Writer) int {
	return cli.Run(ctx, "gazette-eval", commands(), args, e, stdin, stdout, stderr)
}
