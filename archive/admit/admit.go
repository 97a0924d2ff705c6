package admit

import (
	"context"
	"runtime"
	"sync"
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

// heldKey is the context key of a request's share of a gate (holder).
type heldKey struct{}

// holder is the one slot of a gate that the searches of one request share:
// taken by the first of them to enter, freed when the request ends.
type holder struct {
	g    *Gate
	mu   sync.Mutex
	held bool
}

// Enter waits for a slot, or for ctx to end; on success the caller must
// call leave. Under a context of Hold on g, the first search waits for a
// slot for the whole request, the later ones run in it at once, and leave
// does nothing: the searches of one request queue once, not once each
// behind every other request's.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	if h, _ := ctx.Value(heldKey{}).(*holder); h != nil && h.g == g {
		h.mu.Lock()
		defer h.mu.Unlock()
		if !h.held {
			if err := g.take(ctx); err != nil {
				return nil, err
			}
			h.held = true
		}
		return func() {}, nil
	}
	if err := g.take(ctx); err != nil {
		return nil, err
	}
	return g.leave, nil
}

// Hold returns a context under which searches share one slot of g (see
// Enter); a request that makes no search never takes one. The caller
// must call leave when the last search under it has returned.
func (g *Gate) Hold(ctx context.Context) (held context.Context, leave func()) {
	h := &holder{g: g}
	return context.WithValue(ctx, heldKey{}, h), func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.held {
			h.held = false
			g.leave()
		}
	}
}

// TryEnter takes a slot only if one is free, which means no search waits
// for one (waiters fill every slot as soon as it frees), for background
// work that must not delay searches; ok is false otherwise. On success the
// caller must call leave.
func (g *Gate) TryEnter() (leave func(), ok bool) {
	select {
	case g.slots <- struct{}{}:
		return g.leave, true
	default:
		return nil, false
	}
}

// TryEnterSparing is TryEnter when more than spare slots are free, for
// background work that must leave spare of them (CPUs other background
// work uses); ok is false otherwise. A search may take a slot between the
// count and the taking: at worst, the work takes one of the spare slots
// for its step.
func (g *Gate) TryEnterSparing(spare int) (leave func(), ok bool) {
	if cap(g.slots)-len(g.slots) <= spare {
		return nil, false
	}
	return g.TryEnter()
}

func (g *Gate) take(ctx context.Context) error {
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

func (g *Gate) leave() { <-g.slots }
