package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/editorial"
)

// startPublisher runs the server's publisher over arch until the test
// ends, as `gazette serve` does, and returns a function that reads from
// the audit log when it recorded the publication.
func startPublisher(t *testing.T, arch *archive.Archive, ed *editorial.Service, invalidate func()) func() time.Time {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			at, ok, err := arch.NextDue(ctx)
			wait := 50 * time.Millisecond
			if err == nil && ok {
				wait = max(time.Until(at), 0)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(min(wait, 50*time.Millisecond)):
			}
			now := time.Now()
			if keys, err := arch.PublishDue(ctx, now); err == nil && len(keys) > 0 {
				invalidate()
				if err := ed.IssuesPublished(ctx, keys, time.Now()); err != nil {
					t.Errorf("record the publication: %v", err)
				}
			}
		}
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
