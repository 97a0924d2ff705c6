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

// heldKey is the context key of the gate whose slot a context holds.
type heldKey struct{}

// Enter waits for a slot, or for ctx to end; on success the caller must
// call leave. A ctx that holds a slot of g already (Hold) enters at once
// and its leave does nothing: the searches of one request share the
// slot their request holds instead of queuing behind every other
// request's once each.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	if h, _ := ctx.Value(heldKey{}).(*Gate); h == g {
		return func() {}, nil
	}
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Hold enters as Enter does and returns a context that holds the slot:
// searches under it (Enter with it) run in that one slot. The caller must
// call leave when the last of them has returned.
func (g *Gate) Hold(ctx context.Context) (held context.Context, leave func(), err error) {
	leave, err = g.Enter(ctx)
	if err != nil {
		return nil, nil, err
	}
	return context.WithValue(ctx, heldKey{}, g), leave, nil
}

func (g *Gate) leave() { <-g.slots }
