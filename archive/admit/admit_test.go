package admit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// However many searches arrive, no more than the gate's size run at once,
// and every one runs.
func TestGateBoundsConcurrency(t *testing.T) {
	g := New(3)
	var running, most, done atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			if err := g.Enter(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			done.Add(1)
			g.Leave()
		})
	}
	wg.Wait()
	if most.Load() > 3 || done.Load() != 64 {
		t.Fatalf("at most %d ran at once (gate of 3), %d of 64 ran", most.Load(), done.Load())
	}
}

func TestGateLimitsAndGivesUpWithItsContext(t *testing.T) {
	g := New(2)
	for range 2 {
		if err := g.Enter(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := g.Enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third search on a gate of 2 = %v, want it to wait until its deadline", err)
	}
	g.Leave()
	if err := g.Enter(context.Background()); err != nil {
		t.Fatalf("after a slot was freed: %v", err)
	}
}

func TestNewDefaultsToOnePerCPU(t *testing.T) {
	if g := New(0); cap(g.slots) < 1 {
		t.Fatalf("New(0) admits %d", cap(g.slots))
	}
}
