package archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Index upkeep timing.
const (
	// IndexCheck is how often an IndexKeeper asks whether the index
	// answers: how soon search is reported down, and how soon the index is
	// repaired once its engine is back.
	IndexCheck = 5 * time.Second
	// IndexRepairEvery is how often the index is reconciled with storage
	// when nothing calls for it sooner.
	IndexRepairEvery = 24 * time.Hour
	// indexPingTimeout bounds one check: a paused engine is reported
	// down, not waited for.
	indexPingTimeout = 10 * time.Second
)

// IndexState is how search stands on a replica.
type IndexState int

const (
	// IndexStarting: the index has not been checked yet.
	IndexStarting IndexState = iota
	// IndexRepairing: the index answers and is being reconciled with
	// storage; results may miss documents until it is done.
	IndexRepairing
	// IndexOK: the index answers and was last found in step with storage.
	IndexOK
	// IndexUnavailable: the index does not answer; search fails, reading
	// does not.
	IndexUnavailable
)

// IndexStatus is how search stands, and since when.
type IndexStatus struct {
	State IndexState
	Since time.Time
	// Err is why the index is unavailable, or why its last repair failed.
	Err error
}

// String is the status in one line for an operator (the server's /readyz);
// it names no internals.
func (s IndexStatus) String() string {
	since := s.Since.UTC().Format(time.RFC3339)
	switch s.State {
	case IndexOK:
		return "search: ok"
	case IndexRepairing:
		if s.Err != nil {
			return "search: degraded since " + since + ": repairing the index failed and is retried; results may miss documents"
		}
		return "search: repairing since " + since + ": the index is being brought up to date with storage; results may miss documents"
	case IndexUnavailable:
		return "search: degraded since " + since + ": the search index does not answer; reading is served, search answers 503, and documents published meanwhile are indexed when it returns"
	}
	return "search: starting: the index has not been checked yet"
}

// IndexKeeper keeps the search index in step with storage while a server
// runs, and says how search stands. It reconciles the index with storage
// when it starts, every IndexRepairEvery, as soon as the index answers
// again after an outage, and after a write to the index failed (a document
// published while the engine was down). Every replica runs one; Reconcile
// is safe from several at once. Status is safe for concurrent use.
type IndexKeeper struct {
	Archive *Archive
	Log     *slog.Logger // required
	// Changed is told when a repair changed the index, so that cached
	// search results are dropped.
	Changed func()
	// Check and Every replace IndexCheck and IndexRepairEvery when set.
	Check, Every time.Duration

	mu     sync.Mutex
	status IndexStatus
}

// Status returns how search stands now.
func (k *IndexKeeper) Status() IndexStatus {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.status.Since.IsZero() {
		return IndexStatus{State: IndexStarting}
	}
	return k.status
}

func (k *IndexKeeper) set(state IndexState, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.status.State != state || k.status.Since.IsZero() {
		k.status.Since = time.Now()
	}
	k.status.State, k.status.Err = state, err
}

// Run checks the index at once, then every Check, repairing it when due,
// until ctx ends. Failures are logged and retried, never fatal.
func (k *IndexKeeper) Run(ctx context.Context) {
	check, every := cmp.Or(k.Check, IndexCheck), cmp.Or(k.Every, IndexRepairEvery)
	var (
		repaired time.Time // the last successful repair; zero: none yet
		misses   uint64    // failed index writes the last repair covered
		retryAt  time.Time // after a failed repair, when to try again
		backoff  = check
	)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		timer.Reset(check)
		pctx, cancel := context.WithTimeout(ctx, indexPingTimeout)
		err := k.Archive.pingIndex(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			if k.Status().State != IndexUnavailable {
				k.Log.Warn("search index unavailable: serving reading without search", "err", err)
			}
			k.set(IndexUnavailable, err)
			repaired = time.Time{} // documents published meanwhile are missing
			continue
		}
		if k.Status().State == IndexUnavailable {
			k.Log.Info("search index answers again: repairing it")
		}
		seen := k.Archive.indexMisses.Load()
		due := repaired.IsZero() || seen != misses || time.Since(repaired) >= every
		if !due || time.Now().Before(retryAt) {
			if due {
				continue // a failed repair waits its turn; the state stays
			}
			k.set(IndexOK, nil)
			continue
		}
		k.set(IndexRepairing, nil)
		d, err := k.Archive.Reconcile(ctx, true, nil)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			k.Log.Error("repair search index", "err", err)
			state := IndexRepairing
			if errors.Is(err, gazette.ErrUnavailable) {
				state = IndexUnavailable
			}
			k.set(state, err)
			retryAt, backoff = time.Now().Add(backoff), min(2*backoff, every)
			continue
		}
		repaired, misses, retryAt, backoff = time.Now(), seen, time.Time{}, check
		if !d.Clean() {
			k.Log.Warn("search index repaired", "missing", len(d.Missing), "stale", len(d.Stale), "orphaned", len(d.Orphaned), "unlinked", len(d.Unlinked))
			if k.Changed != nil {
				k.Changed()
			}
		}
		k.set(IndexOK, nil)
	}
}

// pingIndex reports whether the index answers.
func (a *Archive) pingIndex(ctx context.Context) error {
	if a.index == nil {
		return fmt.Errorf("archive: no index configured: %w", gazette.ErrInvalid)
	}
	if err := a.index.Ping(ctx); err != nil {
		return fmt.Errorf("archive: index: %w", err)
	}
	return nil
}
