package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// maintainEvery is how often the server applies expiry dates and prunes
// dead sessions.
const maintainEvery = 24 * time.Hour

// background is the server's periodic work on the archive: scheduled issues
// published at their moment, expiry dates applied and the index kept in
// step with storage. Every replica runs it; the archive makes each
// publication and each expiry happen exactly once. Failures are logged and
// retried, never fatal.
type background struct {
	arch *archive.Archive
	// index, if set, repairs the index and watches over it (run runs it).
	index *archive.IndexKeeper
	log   *slog.Logger
	now   func() time.Time
	// changed is told when something became public or changed, so caches
	// of rendered pages are dropped.
	changed func()
	// published, if set, is told which issues this replica has just
	// published and when, for the audit log; the archive tells exactly one
	// replica about each issue.
	published func(ctx context.Context, keys []gazette.IssueKey, at time.Time) error
	// wake makes the publisher read the schedule again at once: it was
	// changed on this replica (see scheduleNotifier). Nil never wakes it.
	wake <-chan struct{}
	// recheck replaces archive.PublishRecheck when set (tests).
	recheck time.Duration
	// prune, if set, removes editors' expired and revoked sessions, which
	// would otherwise pile up in storage.
	prune func(ctx context.Context) (int, error)
}

// publishLoop publishes at once, then at every release moment, until ctx
// ends (see archive.Publisher).
func (b background) publishLoop(ctx context.Context) {
	archive.Publisher{Archive: b.arch, Log: b.log, Now: b.now, Changed: b.changed, Published: b.published, Wake: b.wake, Recheck: b.recheck}.Run(ctx)
}

// scheduleNotifier is the archive as editors' scheduling uses it: after
// every change of the schedule it calls changed, which wakes this
// replica's publisher to read the schedule again.
type scheduleNotifier struct {
	*archive.Archive
	changed func()
}

// Schedule schedules an issue and tells the publisher.
func (n scheduleNotifier) Schedule(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error {
	defer n.changed() // even after an error: part of it may have been stored
	return n.Archive.Schedule(ctx, issue, pdf, docs)
}

// Reschedule moves a release moment and tells the publisher.
func (n scheduleNotifier) Reschedule(ctx context.Context, key gazette.IssueKey, at time.Time) error {
	defer n.changed()
	return n.Archive.Reschedule(ctx, key, at)
}

// Unschedule cancels a scheduled issue and tells the publisher.
func (n scheduleNotifier) Unschedule(ctx context.Context, key gazette.IssueKey) error {
	defer n.changed()
	return n.Archive.Unschedule(ctx, key)
}

// wakeup returns a function that wakes a publisher and the channel it
// wakes on; wakes that come while one is pending are merged.
func wakeup() (func(), <-chan struct{}) {
	ch := make(chan struct{}, 1)
	return func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}, ch
}

// maintain applies expiry dates and prunes dead sessions.
func (b background) maintain(ctx context.Context) {
	ids, err := b.arch.ExpireDue(ctx, gazette.DateOf(b.now().In(gazette.ChinaTime)))
	if err != nil && ctx.Err() == nil {
		b.log.Error("apply expiry dates", "err", err)
	}
	if len(ids) > 0 {
		b.log.Info("documents expired by their expiry date", "count", len(ids))
		b.changed()
	}
	if b.prune == nil {
		return
	}
	switch n, err := b.prune(ctx); {
	case err != nil && ctx.Err() == nil:
		b.log.Warn("prune editors' sessions", "err", err)
	case n > 0:
		b.log.Info("editors' expired and revoked sessions removed", "count", n)
	}
}

// run does all three at once and then when due until ctx ends.
func (b background) run(ctx context.Context) {
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		if b.index != nil {
			b.index.Run(ctx)
		}
	}()
	defer func() { <-kept }()
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
	b.publishLoop(ctx)
	<-done
}
