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
			leave, err := g.Enter(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			done.Add(1)
			leave()
		})
	}
	wg.Wait()
	if most.Load() > 3 || done.Load() != 64 {
		t.Fatalf("at most %d ran at once (gate of 3), %d of 64 ran", most.Load(), done.Load())
	}
}

func TestGateLimitsAndGivesUpWithItsContext(t *testing.T) {
	g := New(2)
	var leave func()
	for range 2 {
		var err error
		if leave, err = g.Enter(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Enter(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third search on a gate of 2 = %v, want it to wait until its deadline", err)
	}
	leave()
	if _, err := g.Enter(context.Background()); err != nil {
		t.Fatalf("after a slot was freed: %v", err)
	}
}

func TestNewDefaultsToOnePerCPU(t *testing.T) {
	if g := New(0); cap(g.slots) < 1 {
		t.Fatalf("New(0) admits %d", cap(g.slots))
	}
}

// The searches of a request share one slot: the first waits for it, the
// others neither wait for another (a full gate would make them wait for
// ever behind their own request) nor free it when they end; a request
// that makes no search takes none.
func TestHeldSlotIsShared(t *testing.T) {
	g := New(1)
	_, idle := g.Hold(context.Background())
	held, leave := g.Hold(context.Background())
	ctx, cancel := context.WithTimeout(held, time.Second)
	defer cancel()
	for range 3 {
		inner, err := g.Enter(ctx)
		if err != nil {
			t.Fatalf("a search of the request holding the only slot = %v, want it admitted", err)
		}
		inner()
	}
	idle() // took no slot, frees none
	other, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := g.Enter(other); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("another request while the slot is held = %v, want it to wait", err)
	}
	// A share of another gate is no slot of this one.
	held2, leave2 := New(1).Hold(context.Background())
	defer leave2()
	late, cancel3 := context.WithTimeout(held2, 20*time.Millisecond)
	defer cancel3()
	if _, err := g.Enter(late); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a context holding another gate's slot = %v, want it to wait", err)
	}
	leave()
	leave() // twice is harmless
	if _, err := g.Enter(context.Background()); err != nil {
		t.Fatalf("after the request left: %v", err)
	}
	if len(g.slots) != 1 {
		t.Fatalf("%d slots taken, want the 1 just entered", len(g.slots))
	}
}

// TryEnter takes a free slot, and none while searches hold them all or
// wait for one: background work never goes before a waiting search.
func TestTryEnterOnlyWhenFree(t *testing.T) {
	g := New(2)
	leave, ok := g.TryEnter()
	if !ok {
		t.Fatal("TryEnter found no slot in an idle gate")
	}
	search, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.TryEnter(); ok {
		t.Fatal("TryEnter took a slot of a full gate")
	}
	entered := make(chan func())
	go func() {
		l, err := g.Enter(context.Background())
		if err != nil {
			t.Error(err)
		}
		entered <- l
	}()
	time.Sleep(10 * time.Millisecond) // the search waits
	leave()
	waiting := <-entered // the waiting search, not TryEnter, gets the slot
	if _, ok := g.TryEnter(); ok {
		t.Fatal("TryEnter took a slot a search was waiting for")
	}
	waiting()
	search()
	if l, ok := g.TryEnter(); !ok {
		t.Fatal("TryEnter found no slot once the searches left")
	} else {
		l()
	}
}

// TryEnterSparing takes a slot only while more than the spare ones are
// free.
func TestTryEnterSparing(t *testing.T) {
	g := New(2)
	search, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.TryEnterSparing(1); ok {
		t.Fatal("TryEnterSparing(1) took the one free slot")
	}
	leave, ok := g.TryEnterSparing(0)
	if !ok {
		t.Fatal("TryEnterSparing(0) found no slot, one free")
	}
	leave()
	search()
	leave, ok = g.TryEnterSparing(1)
	if !ok {
		t.Fatal("TryEnterSparing(1) found no slot in an idle gate of 2")
	}
	if _, ok := g.TryEnterSparing(0); !ok {
		t.Fatal("TryEnterSparing(0) found no slot, one free")
	} else {
		defer leave()
	}
}
