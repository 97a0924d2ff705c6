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
