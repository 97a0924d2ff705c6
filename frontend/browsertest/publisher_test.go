package browsertest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/editorial"
)

// startPublisher runs the server's publisher over arch until the test
// ends, wired as `gazette serve` wires it, and returns a function that
// reads from the audit log when the publication was recorded.
func startPublisher(t *testing.T, arch *archive.Archive, ed *editorial.Service, invalidate func()) func() time.Time {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		archive.Publisher{Archive: arch, Log: slog.New(slog.DiscardHandler), Now: time.Now, Changed: invalidate,
			Published: ed.IssuesPublished, Recheck: time.Second}.Run(ctx) // learns of the schedule as another replica would
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() time.Time {
		entries, err := ed.Audit(context.Background(), editorial.CommandLine("test"), time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Action == "draft.published" {
				return e.Time
			}
		}
		return time.Time{}
	}
}
