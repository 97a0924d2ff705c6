package archivetest

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// ErrInjected is the error a Faulty store returns for an injected fault.
var ErrInjected = errors.New("injected fault")

// Faulty wraps a Blobs and injects a fault into writes (Puts and Deletes):
// after Allow successful writes, the next one fails with ErrInjected without
// reaching the store, or, when Crash is set, Crash is called right after the
// Allow-th successful write (a test's child process uses it to kill itself
// there).
type Faulty struct {
	archive.Blobs
	Allow int
	Crash func()

	mu     sync.Mutex
	writes int
	// Keys records the key of every successful write, in order.
	Keys []string
}

// Put implements archive.Blobs with the fault.
func (f *Faulty) Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	if err := f.before(); err != nil {
		return gazette.ObjectInfo{}, err
	}
	info, err := f.Blobs.Put(ctx, key, r, size, opts)
	if err != nil {
		return info, err
	}
	f.after(key)
	return info, nil
}

// Delete implements archive.Blobs with the fault.
func (f *Faulty) Delete(ctx context.Context, key, ifMatch string) error {
	if err := f.before(); err != nil {
		return err
	}
	if err := f.Blobs.Delete(ctx, key, ifMatch); err != nil {
		return err
	}
	f.after(key)
	return nil
}

func (f *Faulty) before() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Crash == nil && f.writes >= f.Allow {
		return ErrInjected
	}
	return nil
}

func (f *Faulty) after(key string) {
	f.mu.Lock()
	f.writes++
	f.Keys = append(f.Keys, key)
	crash := f.Crash != nil && f.writes == f.Allow
	f.mu.Unlock()
	if crash {
		f.Crash()
	}
}

// HeldIndex wraps an Index and holds every Put until Release: an index
// write in progress (a repair, say) for as long as a test likes. A Put
// whose context ends first returns its error.
type HeldIndex struct {
	archive.Index
	release chan struct{}
	once    sync.Once
}

// HoldPuts returns idx with its Puts held until Release.
func HoldPuts(idx archive.Index) *HeldIndex {
	return &HeldIndex{Index: idx, release: make(chan struct{})}
}

// Put implements archive.Index, once released.
func (h *HeldIndex) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	select {
	case <-h.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	return h.Index.Put(ctx, docs)
}

// Release lets every Put through, held or to come.
func (h *HeldIndex) Release() { h.once.Do(func() { close(h.release) }) }
