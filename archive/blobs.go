package archive

import (
	"context"
	"io"

	"github.com/gazette-archive/gazette/gazette"
)

// Blobs is object storage: the archive of record. Keys are those that
// gazette.CheckKey accepts; any other key fails with gazette.ErrInvalid
// before the backend is touched.
//
// Every method is safe for concurrent use, from several goroutines and from
// several processes or replicas sharing the same backend. A write is visible
// to every reader as soon as the call returns, and never partially before.
//
// Besides the errors each method lists, any of them, and reads from what
// Open returns, may fail with gazette.ErrStorageUnavailable when the backend
// does not answer, or not in time: the same call may succeed later. Remote
// backends bound every call, so that none hangs on a server that stopped.
type Blobs interface {
	// Put stores size bytes read from r under key, following opts. size must
	// be the exact length of r. Errors: gazette.ErrExist (opts.IfAbsent and
	// the key exists), gazette.ErrConflict (opts.IfMatch differs from the
	// current ETag), gazette.ErrNotFound (opts.IfMatch and the key is absent),
	// gazette.ErrImmutable (the key holds an immutable object),
	// gazette.ErrInvalid (bad key, or r did not yield exactly size bytes).
	// On any error the previous content, if any, is unchanged.
	Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error)

	// Open returns the object's content as a seekable stream (seeking issues
	// range reads on remote backends) and its info. The caller closes it.
	// Errors: gazette.ErrNotFound, gazette.ErrInvalid.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error)

	// Stat returns the object's info. Errors: gazette.ErrNotFound,
	// gazette.ErrInvalid.
	Stat(ctx context.Context, key string) (gazette.ObjectInfo, error)

	// List returns the info of every object whose key starts with prefix,
	// sorted by key. An empty result is not an error.
	List(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error)

	// Delete removes key. With ifMatch set it removes only that version
	// (gazette.ErrConflict otherwise). Errors: gazette.ErrNotFound,
	// gazette.ErrImmutable, gazette.ErrInvalid.
	Delete(ctx context.Context, key string, ifMatch string) error

	// Ping reports whether the backend answers and is usable.
	Ping(ctx context.Context) error
}
