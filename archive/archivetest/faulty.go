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

// Faulty wraps a Blobs and injects a fault into writes: after Allow
// successful Puts, the next one fails with ErrInjected without reaching the
// store, or, when Crash is set, Crash is called right after the Allow-th
// successful Put (a test's child process uses it to kill itself there).
type Faulty struct {
	archive.Blobs
	Allow int
	Crash func()

	mu   sync.Mutex
	puts int
	// Keys records the key of every successful Put, in order.
	Keys []string
}

// Put implements archive.Blobs with the fault.
func (f *Faulty) Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	f.mu.Lock()
	if f.Crash == nil && f.puts >= f.Allow {
		f.mu.Unlock()
		return gazette.ObjectInfo{}, ErrInjected
	}
	f.mu.Unlock()
	info, err := f.Blobs.Put(ctx, key, r, size, opts)
	if err != nil {
		return info, err
	}
	f.mu.Lock()
	f.puts++
	f.Keys = append(f.Keys, key)
	crash := f.Crash != nil && f.puts == f.Allow
	f.mu.Unlock()
	if crash {
		f.Crash()
	}
	return info, nil
}
