// Package admit is admission control for searches. A search is CPU-bound
// from start to end (bleve's index is memory-mapped; a Meilisearch search
// is the server's CPU and then ours, decoding the answer), so running more
// searches at once than there are CPUs gains no throughput: the scheduler
// time-slices them, and a query of 0.2 ms that arrives behind a dozen
// others waits for all of them in turn (measured at 16 clients on 2 cores:
// p99 over 300 ms for every kind of query, p50 3 ms). A Gate lets at most a
// few searches run, the others wait in arrival order, and each runs to
// completion on its own core: the tail becomes the queue ahead, not the sum
// of every running query.
package admit

import (
	"context"
	"runtime"
)

// Gate admits at most cap(slots) searches at once. Go queues the senders
// blocked on a full channel in arrival order, so waiters are served first
// come, first served.
type Gate struct{ slots chan struct{} }

// New returns a gate for n searches at once; n ≤ 0 means one per CPU
// (GOMAXPROCS).
func New(n int) *Gate {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &Gate{slots: make(chan struct{}, n)}
}

// Enter waits for a slot, or for ctx to end; on success the caller must
// call Leave.
func (g *Gate) Enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Leave frees the slot Enter took.
func (g *Gate) Leave() { <-g.slots }
