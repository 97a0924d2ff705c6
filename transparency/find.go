package transparency

import (
	"context"
	"fmt"
	"sync"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// Finder finds the log entries that name an object by its SHA-256: how a
// reader holding only a file finds its proof. It reads the log's entries
// once and then only those appended since. Safe for concurrent use.
type Finder struct {
	log *Log

	mu    sync.Mutex
	size  int64               // entries read so far
	bySum map[string][][]byte // SHA-256 → the entries naming it, in log order
}

// NewFinder returns a Finder over l.
func NewFinder(l *Log) *Finder { return &Finder{log: l, bySum: map[string][][]byte{}} }

// Find returns the proof of the first entry that names an object whose
// SHA-256 is sum (the first publication of that content), to the current
// checkpoint, with the entries naming it later (corrections that reuse
// it). Errors: gazette.ErrNotFound (no entry names it), gazette.ErrCorrupt,
// storage errors.
func (f *Finder) Find(ctx context.Context, sum string) (*Proof, error) {
	cp, err := f.log.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	if cp.Size > f.size {
		err = f.log.entriesFrom(ctx, cp.Tree(), f.size, func(i int64, text []byte) error {
			e, err := archive.ParseLogEntry(text)
			if err != nil {
				// Logged, so never changed: but it names nothing to find.
				f.log.log.WarnContext(ctx, "log entry not in the archive's format", "index", i, "err", err)
				return nil
			}
			for _, o := range e.Objects {
				f.bySum[o.SHA256] = append(f.bySum[o.SHA256], text)
			}
			return nil
		})
		if err == nil {
			f.size = cp.Size
		}
	}
	entries := f.bySum[sum]
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("transparency: no log entry names SHA-256 %s: %w", sum, gazette.ErrNotFound)
	}
	return f.log.Prove(ctx, entries[0])
}
