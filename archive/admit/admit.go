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
