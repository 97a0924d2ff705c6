package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/gazette-archive/gazette/ingest/page"
)

// ErrPageBudget is what emit returns for a page past the budget; the
// decoder must then stop and return it (or an error wrapping it).
var ErrPageBudget = errors.New("worker: page budget reached")

// maxStack caps a goroutine's stack in the child, far below Go's default of
// 1 GB, so runaway recursion dies quickly and inside the memory budget.
const maxStack = 64 << 20

// MaybeServeChild returns at once in an ordinary run of the binary. In a
// child started by Run it decodes the file with the job named by the parent,
// streams the pages back, and exits the process: it never returns. Call it
// first thing in main (and in TestMain of tests that use Run). A binary
// probed by Beside prints what it runs and exits.
func MaybeServeChild(jobs map[string]Decoder) {
	if _, ok := os.LookupEnv(envProbe); ok {
		// Beside asks what this binary runs before it uses it as a worker.
		os.Stdout.WriteString(identity(jobs))
		os.Exit(0)
	}
	raw, ok := os.LookupEnv(envSpec)
	if !ok {
		return
	}
	// Not inherited by anything the decoder might start.
	os.Unsetenv(envSpec)
	os.Exit(serveChild(jobs, raw))
}

func serveChild(jobs map[string]Decoder, raw string) int {
	pipe := os.NewFile(pipeFD, "worker-pipe")
	if pipe == nil {
		fmt.Fprintln(os.Stderr, "worker: child has no page pipe")
		return 3
	}
	var buf []byte // reused from message to message
	send := func(m message) error {
		b, err := appendMessage(buf[:0], m)
		if err != nil {
			return err
		}
		buf = b
		// Written whole per message: whatever the child sent before it
		// dies is the parent's to keep.
		if _, err := pipe.Write(b); err != nil {
			return fmt.Errorf("worker: write to parent: %w", err)
		}
		return nil
	}
	var s spec
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		fmt.Fprintf(os.Stderr, "worker: bad spec: %v\n", err)
		return 3
	}
	dec, ok := jobs[s.Job]
	if !ok {
		return finish(send, fmt.Errorf("unknown job %q", s.Job))
	}
	debug.SetMaxStack(min(maxStack, int(s.Memory/4)))
	// A soft limit first: the collector works harder before the hard limit kills.
	debug.SetMemoryLimit(s.Memory)
	if err := limitAddressSpace(s.Memory); err != nil {
		return finish(send, err)
	}
	n := 0
	emit := func(p page.Page) error {
		if n >= s.MaxPages {
			return ErrPageBudget
		}
		n++
		return send(message{Page: &p})
	}
	// One page more than the budget, so that running into the budget is
	// seen (and reported as truncation) rather than mistaken for the end.
	err := dec(context.Background(), s.Path, s.MaxPages+1, emit)
	if errors.Is(err, ErrPageBudget) {
		if send(message{Done: &done{Truncated: true}}) != nil {
			return 3
		}
		return 0
	}
	return finish(send, err)
}

// finish sends the final message for err (nil: done) and returns the exit code.
func finish(send func(message) error, err error) int {
	m := message{Done: &done{}}
	if err != nil {
		m = message{Error: err.Error()}
	}
	if send(m) != nil {
		return 3
	}
	return 0
}
