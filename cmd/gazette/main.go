package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/worker"
)

func main() {
	// A re-executed child decoding an untrusted PDF never gets further.
	worker.MaybeServeChild(extract.Jobs())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{os.Getenv, os.ReadFile}, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, e env, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP server: reader, API, /healthz and /readyz", runServe},
		{"extract", "read one gazette PDF and print its issue, documents and metadata as JSON", runExtract},
		{"ingest", "ingest PDFs (files and directories): extract, split and publish each issue", runIngest},
		{"user", "manage editor accounts: add NAME --role R, passwd NAME, disable|enable NAME, list", runUser},
		{"search", "search the archive: words, \"phrases\", -exclusions, 文号, filters", runSearch},
		{"reindex", "rebuild the search index from storage, or --check and repair drift", runReindex},
		{"eval-search", "measure search relevance: STARD questions over the laws, hand-written gazette queries", runEvalSearch},
		{"bench-search", "measure search speed: indexing rate, index size, latency at 1 and 16 clients", runBenchSearch},
		{"eval-ingest", "measure ingest accuracy: text, document boundaries, metadata over generated issues and the real PDFs", runEvalIngest},
		{"bench-ingest", "measure ingest speed: pages/s on one core and all cores beside pdftotext, cost per page by file size, worker memory, OCR", runBenchIngest},
		{"bench-shared-ingest", "measure ingest by several processes sharing one batch and storage: wall time and speed-up with 1, 2 and 4", runBenchSharedIngest},
		{"docnum", "parse and normalise document numbers (发文字号), one JSON object per input", runDocnum},
		{"version", "print the version", runVersion},
	}
}

// run executes one command line and returns the process exit status.
func run(ctx context.Context, args []string, e env, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], e, stdin, stdout, stderr)
		switch {
		case err == nil:
			return 0
		case err == errUsage:
			return 2
		default:
			fmt.Fprintf(stderr, "gazette %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "gazette: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: gazette COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'gazette COMMAND -h' for a command's flags.")
}
