package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/worker"
)

// Command is one subcommand of a program.
type Command struct {
	Name    string
	Summary string
	Run     func(ctx context.Context, args []string, e Env, stdin io.Reader, stdout, stderr io.Writer) error
}

// Run executes the command line args of the program prog, made of cmds,
// and returns the process exit status: 0, 1 when the command failed (its
// error printed to stderr), 2 for a wrong command line.
func Run(ctx context.Context, prog string, cmds []Command, args []string, e Env, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, prog, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range cmds {
		if c.Name != args[0] {
			continue
		}
		err := c.Run(ctx, args[1:], e, stdin, stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, ErrUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "%s %s: %v\n", prog, c.Name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n\n", prog, args[0])
	usage(stderr, prog, cmds)
	return 2
}

func usage(w io.Writer, prog string, cmds []Command) {
	fmt.Fprintf(w, "Usage: %s COMMAND [flags]\n\nCommands:\n", prog)
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.Name))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.Name, c.Summary)
	}
	fmt.Fprintf(w, "\nRun '%s COMMAND -h' for a command's flags.\n", prog)
}

// Main is the main function of the program prog made of cmds: a child
// re-executed to decode an untrusted PDF serves its job and gets no
// further; otherwise the command line runs until it ends or SIGINT or
// SIGTERM cancels it, and its status is the process's.
func Main(prog string, cmds []Command) {
	worker.MaybeServeChild(extract.Jobs())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, prog, cmds, os.Args[1:], Env{Getenv: os.Getenv, ReadFile: os.ReadFile}, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
