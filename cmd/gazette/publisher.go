package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// Intervals of the server's background work.
const (
	publishEvery  = 15 * time.Second
	maintainEvery = 24 * time.Hour
)

// chinaTime is the gazette's zone: expiry dates are its calendar days.
var chinaTime = time.FixedZone("CST", 8*3600)

// background is the server's periodic work on the archive: scheduled issues
// published at their moment, expiry dates applied and the index reconciled
// with storage. Every replica runs it; the archive makes each publication
// and each expiry happen exactly once. Failures are logged and retried on
// the next tick, never fatal.
type background struct {
	arch *archive.Archive
	log  *slog.Logger
	now  func() time.Time
	// changed is told when something became public or changed, so caches
	// of rendered pages are dropped.
	changed func()
}

// publish publishes every issue whose moment has come.
func (b background) publish(ctx context.Context) {
	keys, err := b.arch.PublishDue(ctx, b.now())
	if err != nil && ctx.Err() == nil {
		b.log.Error("publish scheduled issues", "err", err)
	}
	if len(keys) > 0 {
		for _, k := range keys {
			b.log.Info("scheduled issue published", "issue", k.String())
		}
		b.changed()
	}
}

// maintain applies expiry dates and repairs the index.
func (b background) maintain(ctx context.Context) {
	if d, err := b.arch.Reconcile(ctx, true, nil); err != nil {
		if ctx.Err() == nil {
			b.log.Error("reconcile index", "err", err)
		}
	} else if !d.Clean() {
		b.log.Warn("index drift repaired", "missing", len(d.Missing), "stale", len(d.Stale), "orphaned", len(d.Orphaned))
	}
	ids, err := b.arch.ExpireDue(ctx, gazette.DateOf(b.now().In(chinaTime)))
	if err != nil && ctx.Err() == nil {
		b.log.Error("apply expiry dates", "err", err)
	}
	if len(ids) > 0 {
		b.log.Info("documents expired by their expiry date", "count", len(ids))
		b.changed()
	}
}

// run does both at once and then on their intervals until ctx ends.
func (b background) run(ctx context.Context) {
	b.publish(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.maintain(ctx)
		t := time.NewTicker(maintainEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				b.maintain(ctx)
			}
		}
	}()
	t := time.NewTicker(publishEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			<-done
			return
		case <-t.C:
			b.publish(ctx)
		}
	}
}
