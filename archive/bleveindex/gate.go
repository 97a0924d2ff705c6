package bleveindex

import (
	"context"
	"runtime"
)

// Admission control. A search is CPU-bound from start to end (the index is
// memory-mapped), so running more searches at once than there are CPUs
// gains no throughput: the Go scheduler time-slices them, and a query of
// 0.2 ms that arrives behind a dozen others waits for all of them in turn
// (measured at 16 clients on 2 cores: p99 over 300 ms for every kind of
// query, p50 3 ms). A gate lets at most a few searches run, the others wait
// in arrival order, and each runs to completion on its own core: the tail
// becomes the queue ahead, not the sum of every running query.
//
// Lookup and Get are not gated: each reads a handful of postings and one
// stored document, a fraction of a millisecond, so they never wait behind a
// long search.

// gate admits at most cap(slots) searches at once. Go queues the senders
// blocked on a full channel in arrival order, so waiters are served first
// come, first served.
type gate struct{ slots chan struct{} }

func newGate(n int) *gate {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &gate{slots: make(chan struct{}, n)}
}

// enter waits for a slot, or for ctx to end; on success the caller must
// call leave.
func (g *gate) enter(ctx context.Context) error {
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

func (g *gate) leave() { <-g.slots }

// SetMaxSearches sets how many searches run at once; others wait their turn
// (or until their context ends). n ≤ 0 means one per CPU (GOMAXPROCS), the
// default. Searches already admitted finish under the old limit.
func (x *Index) SetMaxSearches(n int) { x.gate.Store(newGate(n)) }
