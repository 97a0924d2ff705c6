package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
	"github.com/gazette-archive/gazette/transparency"
)

// preservation is serve's scheduled preservation work: a fixity audit
// every fsckEvery (repairing index drift, recorded for editors), and a
// check every dumpEvery that today's dump exists, made and logged if not,
// and that older dumps are pruned to the retention (preserve.DumpsKept).
// Each first runs one interval after start, so a short-lived server (a
// test) never runs them unless told to; 0 turns one off. Failures are
// logged, never fatal.
type preservation struct {
	auditor   preserve.Auditor
	dumper    preserve.Dumper
	fsckEvery time.Duration
	dumpEvery time.Duration
	log       *slog.Logger
	now       func() time.Time
}

// addPreservationFlags registers serve's preservation settings.
func addPreservationFlags(fs *flag.FlagSet) {
	fs.String("fsck-every", "24h", "how often to audit fixity (gazette fsck, repairing index drift, recorded for editors); 0 turns it off (env GAZETTE_FSCK_EVERY)")
	fs.String("dump-every", "1h", "how often to check that today's bulk dump of all documents exists, and make it if not; 0 turns dumps off (env GAZETTE_DUMP_EVERY)")
}

// loadPreservation reads the settings of addPreservationFlags.
func loadPreservation(fs *flag.FlagSet, e cli.Env, d *deps, log *slog.Logger) (preservation, error) {
	p := preservation{log: log, now: time.Now}
	for _, s := range []struct {
		flag, env string
		to        *time.Duration
	}{{"fsck-every", "GAZETTE_FSCK_EVERY", &p.fsckEvery}, {"dump-every", "GAZETTE_DUMP_EVERY", &p.dumpEvery}} {
		text := cli.Setting(fs, e, s.flag, s.env)
		v, err := time.ParseDuration(text)
		if err != nil || v < 0 {
			return p, fmt.Errorf("--%s / %s: want a duration such as 24h, or 0 for off, got %q", s.flag, s.env, text)
		}
		*s.to = v
	}
	var ledger archive.Ledger
	var tlog *transparency.Log
	if d.ledger != nil {
		ledger, tlog = d.ledger, d.ledger
	}
	p.auditor = preserve.Auditor{Blobs: d.blobs, Archive: d.archive, Log: tlog, Agent: "gazette serve " + version(), Logger: log}
	p.dumper = preserve.Dumper{Blobs: d.blobs, Archive: d.archive, Ledger: ledger, Agent: "gazette serve " + version()}
	return p, nil
}

// run runs both schedules until ctx ends. The two never run at once: a
// dump is stored before its log entry is appended, and an audit that read
// it in between would report it as unlogged.
func (p preservation) run(ctx context.Context) {
	var wg sync.WaitGroup
	var one sync.Mutex
	every := func(d time.Duration, do func(context.Context)) {
		if d <= 0 {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(d)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					one.Lock()
					do(ctx)
					one.Unlock()
				}
			}
		}()
	}
	every(p.fsckEvery, p.audit)
	every(p.dumpEvery, p.dump)
	wg.Wait()
}

func (p preservation) audit(ctx context.Context) {
	run, err := p.auditor.Audit(ctx, preserve.AuditOptions{RepairIndex: true, Record: true})
	switch {
	case err != nil && ctx.Err() == nil:
		p.log.Error("fixity audit", "err", err)
	case err != nil:
	case !run.OK():
		p.log.Error("fixity audit failed", "run", run.ID, "failures", len(run.Failures), "objects", run.Objects)
	default:
		p.log.Info("fixity audit", "run", run.ID, "objects", run.Objects, "mb_per_s", run.MBps(), "index_repaired", run.IndexRepaired)
	}
}

func (p preservation) dump(ctx context.Context) {
	dm, err := p.dumper.Make(ctx, gazette.DateOf(p.now().In(gazette.ChinaTime)))
	if err != nil {
		if ctx.Err() == nil {
			p.log.Error("bulk dump", "err", err)
		}
		return
	}
	p.log.Debug("bulk dump", "day", dm.Day, "bytes", dm.Size)
	pruned, err := p.dumper.Prune(ctx, dm)
	if err != nil && ctx.Err() == nil {
		p.log.Error("bulk dumps: pruning", "err", err)
	}
	if len(pruned) > 0 {
		p.log.Info("bulk dumps pruned", "days", pruned, "kept", fmt.Sprintf("the newest %d and the first of each month", preserve.DumpsKept))
	}
}
