package archive_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// leaseStores are the stores the lease contract runs on: the in-memory
// fake and the real adapters, each with a second client of the same store
// standing for another machine.
func leaseStores() []backend {
	return append([]backend{{"memblobs", func(t *testing.T) (archive.Blobs, []string) {
		return archivetest.NewMemBlobs(), nil
	}}}, backends()...)
}

// peer opens another client of the store (the same one for memblobs).
func peer(t *testing.T, b archive.Blobs, env []string) archive.Blobs {
	t.Helper()
	if env == nil {
		return b
	}
	p, err := reopen(t, env)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const leaseTTL = 600 * time.Millisecond

// TestLeases is the lease contract on every store: one holder at a time,
// kept by renewal, taken over after expiry, completed once for all.
func TestLeases(t *testing.T) {
	ctx := context.Background()
	for _, be := range leaseStores() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			t.Run("OneHolderAmongMany", func(t *testing.T) {
				b, env := be.open(t)
				const n = 8
				var (
					wg     sync.WaitGroup
					mu     sync.Mutex
					owners []string
				)
				for i := range n {
					store := b
					if i%2 == 1 {
						store = peer(t, b, env)
					}
					ls := archive.NewLeases(store, "lease/", "p"+string(rune('a'+i)), time.Minute)
					wg.Go(func() {
						l, rec, err := ls.Take(ctx, "f1", nil)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						defer mu.Unlock()
						if l != nil {
							owners = append(owners, ls.Owner())
						} else if rec.Owner == "" || !rec.Done.IsZero() {
							t.Errorf("not taken, but the record is %+v", rec)
						}
					})
				}
				wg.Wait()
				if len(owners) != 1 {
					t.Fatalf("%d holders %v, want exactly one", len(owners), owners)
				}
			})

			t.Run("HeldAndRenewedIsKept", func(t *testing.T) {
				b, env := be.open(t)
				a := archive.NewLeases(b, "lease/", "a", leaseTTL)
				other := archive.NewLeases(peer(t, b, env), "lease/", "b", leaseTTL)
				l := take(t, a, "f")
				stop := l.Keep(ctx)
				for deadline := time.Now().Add(3 * leaseTTL); time.Now().Before(deadline); time.Sleep(leaseTTL / 10) {
					got, rec, err := other.Take(ctx, "f", nil)
					if err != nil {
						t.Fatal(err)
					}
					if got != nil {
						t.Fatal("a renewed lease was taken over")
					}
					if rec.Owner != "a" || !rec.Done.IsZero() {
						t.Fatalf("record %+v, want held by a", rec)
					}
				}
				if err := stop(); err != nil {
					t.Errorf("stop: %v", err)
				}
				if err := l.Complete(ctx, "ok"); err != nil {
					t.Errorf("Complete after Keep: %v", err)
				}
			})

			t.Run("ExpiredIsTakenOver", func(t *testing.T) {
				b, env := be.open(t)
				a := archive.NewLeases(b, "lease/", "a", leaseTTL)
				other := archive.NewLeases(peer(t, b, env), "lease/", "b", leaseTTL)
				l := take(t, a, "f") // a stops renewing: as if killed
				start := time.Now()
				var got *archive.Lease
				for got == nil {
					if time.Since(start) > 10*leaseTTL {
						t.Fatal("an expired lease was never taken over")
					}
					var err error
					if got, _, err = other.Take(ctx, "f", nil); err != nil {
						t.Fatal(err)
					}
					time.Sleep(leaseTTL / 10)
				}
				if waited := time.Since(start); waited < leaseTTL {
					t.Errorf("taken over after %v, before the TTL %v", waited, leaseTTL)
				}
				if err := l.Renew(ctx); !errors.Is(err, archive.ErrLeaseLost) {
					t.Errorf("old holder's Renew: %v, want ErrLeaseLost", err)
				}
				if err := l.Complete(ctx, "late"); !errors.Is(err, archive.ErrLeaseLost) {
					t.Errorf("old holder's Complete: %v, want ErrLeaseLost", err)
				}
				if err := got.Complete(ctx, "b did it"); err != nil {
					t.Fatal(err)
				}
				rec := held(t, a, "f")
				if rec.Owner != "b" || string(rec.Result) != `"b did it"` {
					t.Errorf("record %+v, want b's outcome", rec)
				}
			})

			t.Run("LongExpiredIsTakenAtOnce", func(t *testing.T) {
				b, env := be.open(t)
				// A lease left by a process that died long ago (its
				// expiry a TTL and more in the past) needs no waiting.
				stale := archive.LeaseRecord{Format: 1, Owner: "dead", TTL: leaseTTL, Expires: time.Now().Add(-3 * leaseTTL)}
				raw, _ := json.Marshal(stale)
				if _, err := b.Put(ctx, "lease/f.json", strings.NewReader(string(raw)), int64(len(raw)), gazette.PutOptions{}); err != nil {
					t.Fatal(err)
				}
				take(t, archive.NewLeases(peer(t, b, env), "lease/", "b", leaseTTL), "f")
			})

			t.Run("CompletedIsDoneForAll", func(t *testing.T) {
				b, env := be.open(t)
				a := archive.NewLeases(b, "lease/", "a", leaseTTL)
				other := archive.NewLeases(peer(t, b, env), "lease/", "b", leaseTTL)
				l := take(t, a, "f")
				if err := l.Complete(ctx, map[string]string{"outcome": "ingested"}); err != nil {
					t.Fatal(err)
				}
				if err := l.Renew(ctx); err == nil {
					t.Error("Renew after Complete succeeded")
				}
				time.Sleep(leaseTTL * 2) // completion never expires
				rec := held(t, other, "f")
				if rec.Owner != "a" || rec.Done.IsZero() || string(rec.Result) != `{"outcome":"ingested"}` {
					t.Errorf("record %+v, want a's completion", rec)
				}
				// A caller may ask for completed work again.
				var asked archive.LeaseRecord
				again, _, err := other.Take(ctx, "f", func(r archive.LeaseRecord) bool { asked = r; return true })
				if err != nil || again == nil {
					t.Fatalf("Take with redo: %v, %v", again, err)
				}
				if asked.Owner != "a" {
					t.Errorf("redo was asked about %+v", asked)
				}
			})

			t.Run("ReleasedIsFreeAtOnce", func(t *testing.T) {
				b, env := be.open(t)
				a := archive.NewLeases(b, "lease/", "a", time.Hour)
				l := take(t, a, "f")
				if err := l.Release(ctx); err != nil {
					t.Fatal(err)
				}
				take(t, archive.NewLeases(peer(t, b, env), "lease/", "b", time.Hour), "f")
				if err := l.Release(ctx); err == nil {
					t.Error("a second Release succeeded")
				}
			})
		})
	}
}

// take takes the lease on name, failing the test if it cannot.
func take(t *testing.T, ls *archive.Leases, name string) *archive.Lease {
	t.Helper()
	l, rec, err := ls.Take(context.Background(), name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l == nil {
		t.Fatalf("%s: not taken, held: %+v", ls.Owner(), rec)
	}
	return l
}

// held returns the record of a lease that cannot be taken.
func held(t *testing.T, ls *archive.Leases, name string) archive.LeaseRecord {
	t.Helper()
	l, rec, err := ls.Take(context.Background(), name, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l != nil {
		t.Fatalf("%s: taken, want it held", ls.Owner())
	}
	return rec
}

// TestLeaseRenewalCutShort: a renewal whose answer never came (stopping
// Keep cancels one in flight; a store's deadline ends another) may still
// have been written. The holder finds its own write at its next call and
// goes on holding the lease; only another's write means it is lost.
func TestLeaseRenewalCutShort(t *testing.T) {
	ctx := context.Background()
	for _, be := range leaseStores() {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			t.Run("StoppedKeepThenComplete", func(t *testing.T) {
				b, env := be.open(t)
				cut := &cutShort{Blobs: b}
				l := take(t, archive.NewLeases(cut, "lease/", "a", 30*time.Millisecond), "f")
				landed := cut.arm()
				stop := l.Keep(ctx)
				<-landed // a renewal is written, its answer still to come
				if err := stop(); err != nil {
					t.Fatalf("stop: %v", err)
				}
				if err := l.Complete(ctx, "ok"); err != nil {
					t.Fatalf("Complete after a renewal cut short: %v", err)
				}
				rec := held(t, archive.NewLeases(peer(t, b, env), "lease/", "b", time.Hour), "f")
				if rec.Owner != "a" || rec.Done.IsZero() || string(rec.Result) != `"ok"` {
					t.Errorf("record %+v, want a's completion", rec)
				}
			})

			t.Run("TimedOutRenewThenRelease", func(t *testing.T) {
				b, env := be.open(t)
				cut := &cutShort{Blobs: b}
				l := take(t, archive.NewLeases(cut, "lease/", "a", time.Hour), "f")
				cut.arm()
				short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
				if err := l.Renew(short); err == nil || errors.Is(err, archive.ErrLeaseLost) {
					t.Fatalf("Renew past its deadline: %v, want a storage error", err)
				}
				if err := l.Renew(ctx); err != nil {
					t.Fatalf("Renew after one cut short: %v", err)
				}
				cut.arm()
				short, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
				_ = l.Renew(short)
				if err := l.Release(ctx); err != nil {
					t.Fatalf("Release after a renewal cut short: %v", err)
				}
				take(t, archive.NewLeases(peer(t, b, env), "lease/", "b", time.Hour), "f")
			})

			t.Run("TakenOverAfterIsLost", func(t *testing.T) {
				b, env := be.open(t)
				cut := &cutShort{Blobs: b}
				l := take(t, archive.NewLeases(cut, "lease/", "a", time.Hour), "f")
				cut.arm()
				short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
				defer cancel()
				_ = l.Renew(short)
				// Another process takes the lease over (as after expiry)
				// on top of the renewal that landed.
				other := archive.LeaseRecord{Format: 1, Owner: "b", TTL: time.Hour, Expires: time.Now().Add(time.Hour)}
				raw, _ := json.Marshal(other)
				if _, err := peer(t, b, env).Put(ctx, "lease/f.json", strings.NewReader(string(raw)), int64(len(raw)), gazette.PutOptions{}); err != nil {
					t.Fatal(err)
				}
				if err := l.Renew(ctx); !errors.Is(err, archive.ErrLeaseLost) {
					t.Errorf("Renew after a takeover: %v, want ErrLeaseLost", err)
				}
				if err := l.Complete(ctx, "late"); !errors.Is(err, archive.ErrLeaseLost) {
					t.Errorf("Complete after a takeover: %v, want ErrLeaseLost", err)
				}
			})

			t.Run("NeverWrittenIsStillHeld", func(t *testing.T) {
				b, _ := be.open(t)
				l := take(t, archive.NewLeases(b, "lease/", "a", time.Hour), "f")
				gone, cancel := context.WithCancel(ctx)
				cancel()
				if err := l.Renew(gone); err == nil || errors.Is(err, archive.ErrLeaseLost) {
					t.Fatalf("Renew with a cancelled context: %v, want its error", err)
				}
				if err := l.Complete(ctx, "ok"); err != nil {
					t.Errorf("Complete after a renewal never sent: %v", err)
				}
			})
		})
	}
}

// cutShort passes calls to a store; once armed, its next conditional
// write reaches the store, but the answer is held back until the caller's
// context ends, and the caller gets that context's error: a write that
// succeeded while its caller gave up waiting.
type cutShort struct {
	archive.Blobs

	mu     sync.Mutex
	landed chan struct{} // armed when not nil
}

// arm makes the next conditional write be cut short; the channel closes
// once it is written.
func (c *cutShort) arm() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.landed = make(chan struct{})
	return c.landed
}

func (c *cutShort) Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	c.mu.Lock()
	landed := c.landed
	if opts.IfMatch == "" {
		landed = nil
	}
	if landed != nil {
		c.landed = nil
	}
	c.mu.Unlock()
	if landed == nil {
		return c.Blobs.Put(ctx, key, r, size, opts)
	}
	if _, err := c.Blobs.Put(context.WithoutCancel(ctx), key, r, size, opts); err != nil {
		return gazette.ObjectInfo{}, err
	}
	close(landed)
	<-ctx.Done()
	return gazette.ObjectInfo{}, ctx.Err()
}
