package archive

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Publisher timing.
const (
	// PublishRecheck bounds how long a Publisher sleeps without reading
	// the schedule: an issue scheduled on another replica, which cannot
	// wake this one, is seen within it. Otherwise it sleeps until the next
	// release moment, and a change of the schedule made on this replica
	// wakes it at once.
	PublishRecheck = 15 * time.Second
	// publishRetry is the first pause before looking again at an issue
	// left due after a round (another replica holds its claim, or it
	// failed); it doubles on each round that leaves one, up to the
	// recheck interval.
	publishRetry = 250 * time.Millisecond
)

// Publisher publishes scheduled issues at their release moment, to the
// second: every replica runs one, and PublishDue makes each publication
// happen exactly once.
type Publisher struct {
	Archive *Archive
	Log     *slog.Logger     // required
	Now     func() time.Time // required
	// Changed is told when an issue became public, so caches of rendered
	// pages are dropped.
	Changed func()
	// Published, if set, is told which issues this replica has just
	// published and when, for the audit log; exactly one replica is told
	// of each issue.
	Published func(ctx context.Context, keys []gazette.IssueKey, at time.Time) error
	// Wake makes the publisher read the schedule again at once: it was
	// changed on this replica. Nil never wakes it.
	Wake <-chan struct{}
	// Recheck replaces PublishRecheck when set.
	Recheck time.Duration
}

// publish publishes every issue whose moment has come by now.
func (p Publisher) publish(ctx context.Context, now time.Time) {
	keys, err := p.Archive.PublishDue(ctx, now)
	at := p.Now()
	if err != nil && ctx.Err() == nil {
		p.Log.Error("publish scheduled issues", "err", err)
	}
	if len(keys) == 0 {
		return
	}
	for _, k := range keys {
		p.Log.Info("scheduled issue published", "issue", k.String())
	}
	if p.Changed != nil {
		p.Changed()
	}
	if p.Published != nil {
		if err := p.Published(ctx, keys, at); err != nil && ctx.Err() == nil {
			p.Log.Error("record scheduled publication", "err", err)
		}
	}
}

// Run publishes at once, then at every release moment, until ctx ends.
// Between moments it sleeps until the next one, at most Recheck, and wakes
// early on Wake. Failures are logged and retried with backoff, never
// fatal.
func (p Publisher) Run(ctx context.Context) {
	recheck := cmp.Or(p.Recheck, PublishRecheck)
	retry := min(publishRetry, recheck)
	timer := time.NewTimer(0)
	defer timer.Stop()
	// due: the timer was set for a release moment (or a retry), so when it
	// fires there is something to publish without reading the schedule
	// first. A wake or a check reads it first: most find nothing due.
	due := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-p.Wake:
			due = false
		}
		round := p.Now()
		var at time.Time
		var ok bool
		var err error
		if !due {
			at, ok, err = p.Archive.NextDue(ctx)
			// An unreadable schedule does not hold up the others:
			// PublishDue publishes what it can read.
			due = err != nil || (ok && !at.After(round))
		}
		if due {
			p.publish(ctx, round)
			at, ok, err = p.Archive.NextDue(ctx)
		}
		if err != nil && ctx.Err() == nil {
			p.Log.Error("read the schedule", "err", err)
		}
		sleep := recheck
		switch {
		case err != nil || (ok && !at.After(round)):
			// Due in this round and still there (another replica holds
			// its claim, or it failed), or unknown: look again soon,
			// backing off so that a lasting failure is not retried in a
			// loop.
			sleep, retry, due = retry, min(2*retry, recheck), true
		case ok:
			// Due after the round began (possibly already): go then.
			sleep, retry = min(max(at.Sub(p.Now()), 0), recheck), min(publishRetry, recheck)
			due = sleep < recheck
		default:
			retry, due = min(publishRetry, recheck), false
		}
		timer.Reset(sleep)
	}
}
