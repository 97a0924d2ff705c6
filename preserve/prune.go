package preserve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// DumpsKept is the retention of daily dumps: the newest DumpsKept are
// kept, and the first of each month for good; Prune deletes the others.
// A dump holds every current document, so an old one serves only who
// needs the archive as it stood then, and a month's first answers that
// closely enough.
const DumpsKept = 7

// deletionKey is where the deletion of the pruned dump of day is
// recorded, as a PREMIS deletion event: the dump's log entry stays (the
// log is history), and the audit reads this to know its object was
// deleted on purpose.
func deletionKey(day string) string { return "deletions/dumps/" + day + ".json" }

// Prune deletes the dumps the retention (DumpsKept) no longer keeps that
// are older than newest, once newest is verified: stored with the
// SHA-256 Make gave it, and entered in the log. Each deletion is
// recorded before the dump is deleted (a crash between leaves a record
// and the dump, which the next Prune deletes). A dump stored under a
// legal hold (before dumps were pruned) cannot be deleted and is kept.
// Without a Ledger nothing is pruned: no dump can be shown to be logged.
// It returns the days pruned. Errors: gazette.ErrCorrupt (newest does
// not verify), storage and log errors. Safe to run from several replicas
// at once.
func (d Dumper) Prune(ctx context.Context, newest Dump) ([]string, error) {
	if d.Ledger == nil {
		return nil, nil
	}
	dumps, err := Dumps(ctx, d.Blobs)
	if err != nil {
		return nil, err
	}
	doomed := pruned(dumps, newest.Day)
	if len(doomed) == 0 {
		return nil, nil
	}
	if err := d.verify(ctx, newest); err != nil {
		return nil, err
	}
	var out []string
	for _, dm := range doomed {
		ok, err := d.prune(ctx, dm, newest)
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, dm.Day)
		}
	}
	return out, nil
}

// pruned is what the retention deletes of dumps (the newest first):
// neither among the newest DumpsKept, nor the first of its month, and
// older than the day verified.
func pruned(dumps []Dump, verified string) []Dump {
	first := map[string]string{} // month → its first day stored
	for _, dm := range dumps {
		first[dm.Day[:7]] = dm.Day // the oldest comes last
	}
	var out []Dump
	for i, dm := range dumps {
		if i >= DumpsKept && first[dm.Day[:7]] != dm.Day && dm.Day < verified {
			out = append(out, dm)
		}
	}
	return out
}

// verify checks that dm is stored as Make made it and logged.
func (d Dumper) verify(ctx context.Context, dm Dump) error {
	day, err := gazette.ParseDate(dm.Day)
	if err != nil {
		return fmt.Errorf("preserve: prune: dump %q: %w", dm.Day, gazette.ErrInvalid)
	}
	sum, err := d.sum(ctx, dumpKey(dm.Day))
	if err != nil {
		return fmt.Errorf("preserve: prune: verify %s: %w", dm.Day, err)
	}
	if sum != dm.SHA256 {
		return fmt.Errorf("preserve: prune: the dump of %s hashes to %s, not %s: %w", dm.Day, sum, dm.SHA256, gazette.ErrCorrupt)
	}
	text, err := DumpEntry(day, dm).MarshalText()
	if err != nil {
		return err
	}
	if _, err := d.Ledger.Lookup(ctx, text); err != nil {
		return fmt.Errorf("preserve: prune: the dump of %s is not in the log: %w", dm.Day, err)
	}
	return nil
}

// prune records the deletion of dm, then deletes it; false when it is
// kept after all (held) or gone already.
func (d Dumper) prune(ctx context.Context, dm, newest Dump) (bool, error) {
	key := dumpKey(dm.Day)
	sum, err := d.sum(ctx, key)
	if errors.Is(err, gazette.ErrNotFound) {
		return false, nil // pruned by another replica
	} else if err != nil {
		return false, err
	}
	e := Event{Identifier: "deletion/" + key, Type: "deletion", DateTime: d.now().UTC(), Outcome: OutcomePass,
		Detail: fmt.Sprintf("pruned: the newest %d daily dumps and the first of each month are kept, and the dump of %s, newer, was verified against its log entry; this dump's log entry stays", DumpsKept, newest.Day),
		Object: key, Agent: d.agent(), SHA256: sum}
	raw, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return false, err
	}
	rk := deletionKey(dm.Day)
	_, err = d.Blobs.Put(ctx, rk, bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if err != nil && !errors.Is(err, gazette.ErrExist) { // recorded by a Prune that stopped before deleting
		return false, fmt.Errorf("preserve: prune %s: %w", dm.Day, err)
	}
	switch err := d.Blobs.Delete(ctx, key, ""); {
	case errors.Is(err, gazette.ErrImmutable):
		// Stored under a legal hold: kept, and so not recorded deleted.
		if err := d.Blobs.Delete(ctx, rk, ""); err != nil && !errors.Is(err, gazette.ErrNotFound) {
			return false, fmt.Errorf("preserve: prune %s: a held dump's deletion record stays: %w", dm.Day, err)
		}
		return false, nil
	case errors.Is(err, gazette.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("preserve: prune %s: %w", dm.Day, err)
	}
	return true, nil
}

// deletionOf reads the recorded deletion of the dump of day; ok false
// when none is recorded. Errors: gazette.ErrCorrupt, storage errors.
func deletionOf(ctx context.Context, b archive.Blobs, day string) (e Event, ok bool, err error) {
	raw, err := readAll(ctx, b, deletionKey(day), 1<<20)
	if errors.Is(err, gazette.ErrNotFound) {
		return e, false, nil
	} else if err != nil {
		return e, false, err
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, false, fmt.Errorf("%s: %v: %w", deletionKey(day), err, gazette.ErrCorrupt)
	}
	return e, true, nil
}

func (d Dumper) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d Dumper) agent() string {
	if d.Agent != "" {
		return d.Agent
	}
	return "gazette"
}
