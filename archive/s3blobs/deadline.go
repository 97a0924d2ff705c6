package s3blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/gazette-archive/gazette/gazette"
)

// Without deadlines of its own, a call to a stopped server (SIGSTOP, a
// network that drops packets) waits for minio-go's minute-long header
// timeout, retried ten times, and a read of a large object stalls for good.
// So every call that moves little data has a deadline (Config.Timeout), and
// a transfer of a large object a deadline on its progress
// (Config.StallTimeout): it may take as long as it needs while bytes flow.
// Either fails with gazette.ErrStorageUnavailable, as does a server that
// refuses connections or answers 502, 503 or 504.

const (
	// DefaultTimeout is Config.Timeout when it is zero.
	DefaultTimeout = 5 * time.Second
	// DefaultStallTimeout is Config.StallTimeout when it is zero.
	DefaultStallTimeout = 20 * time.Second

	// largePut is the size above which a Put is a transfer bounded by its
	// progress rather than by Timeout.
	largePut = 1 << 20
	// cooldown is how long after finding the server unavailable a Store
	// fails calls at once instead of trying it: a reader gets the answer
	// at once rather than after a deadline, and a server that struggles
	// gets a moment's peace.
	cooldown = 2 * time.Second
)

// errDeadline is the cause of a context ended by the Store's own deadline,
// as opposed to one the caller cancelled. It is a DeadlineExceeded, which
// is what minio-go needs to see to take the server for down (net/http
// reports a context's cause).
var errDeadline = fmt.Errorf("s3blobs: no answer in time: %w", context.DeadlineExceeded)

// call bounds one method that moves little data by the Store's Timeout.
func (s *Store) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, s.timeout, errDeadline)
}

// watchdog ends a context when the work under it has made no progress for
// a while: a deadline that moves on with every sign of progress.
type watchdog struct {
	d     time.Duration
	timer *time.Timer
}

// watch returns a context that ends when the returned watchdog is not told
// of progress for d. The watchdog runs from the start; stop releases it.
func watch(ctx context.Context, d time.Duration) (context.Context, *watchdog, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &watchdog{d: d, timer: time.AfterFunc(d, func() { cancel(errDeadline) })}
	return ctx, w, func() { w.timer.Stop(); cancel(nil) }
}

// progress restarts the wait.
func (w *watchdog) progress() { w.timer.Reset(w.d) }

// pause stops the wait until the next progress: time spent waiting on
// someone other than the server is no stall of the server.
func (w *watchdog) pause() { w.timer.Stop() }

// pacedReader is the body of a large Put: the transport taking bytes from
// it is progress, and the time the source takes to yield them (an editor's
// upload arriving slowly) is not counted against the server.
type pacedReader struct {
	r io.Reader
	w *watchdog
}

func (p pacedReader) Read(b []byte) (int, error) {
	p.w.pause()
	defer p.w.progress()
	return p.r.Read(b)
}

// stream is an object opened for reading: each read or seek must get its
// bytes from the server within the stall timeout, while the time between
// reads (the reader's client being slow) is not counted.
type stream struct {
	obj  *minio.Object
	s    *Store
	key  string
	ctx  context.Context
	w    *watchdog
	stop func()

	mu sync.Mutex // one read or seek at a time, as io.ReadSeeker wants
}

func (st *stream) Read(p []byte) (int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.w.progress()
	n, err := st.obj.Read(p)
	st.w.pause()
	if err != nil && err != io.EOF {
		return n, fmt.Errorf("s3blobs: read %q: %w", st.key, st.s.translate(st.ctx, err))
	}
	return n, err
}

func (st *stream) Seek(offset int64, whence int) (int64, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.w.progress()
	n, err := st.obj.Seek(offset, whence)
	st.w.pause()
	if err != nil {
		return n, fmt.Errorf("s3blobs: seek %q: %w", st.key, st.s.translate(st.ctx, err))
	}
	return n, nil
}

func (st *stream) Close() error {
	err := st.obj.Close()
	st.stop()
	return err
}

// unavailable reports whether err, met under ctx, says that the server did
// not answer (in time or at all) rather than that it refused the request;
// it returns the error to wrap then.
func (s *Store) unavailable(ctx context.Context, err error) (error, bool) {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch {
		case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable,
			resp.StatusCode == http.StatusGatewayTimeout,
			resp.Code == "SlowDown", resp.Code == "ServiceUnavailable", resp.Code == "XMinioServerNotInitialized":
			s.trip()
			return fmt.Errorf("%w: %s answers %q (%w)", gazette.ErrStorageUnavailable, s.endpoint, resp.Code, err), true
		}
		return nil, false // an answer: the request itself was refused
	}
	switch {
	case errors.Is(context.Cause(ctx), errDeadline):
		s.trip()
		return fmt.Errorf("%w: cannot reach %s: no answer in time (%w)", gazette.ErrStorageUnavailable, s.endpoint, err), true
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The caller's deadline, maybe a short one: unavailable to this
		// call, but no reason to keep other calls from the server.
		return fmt.Errorf("%w: cannot reach %s: no answer within the caller's deadline (%w)", gazette.ErrStorageUnavailable, s.endpoint, err), true
	case ctx.Err() != nil:
		return nil, false // the caller gave up: no fault of the server
	}
	// No answer of the server's: refused or broken connections, a body cut
	// short. (Failures of the reader given to Put are reported before.)
	s.trip()
	return fmt.Errorf("%w: cannot reach %s (%w)", gazette.ErrStorageUnavailable, s.endpoint, err), true
}

// trip makes calls fail at once for the cooldown.
func (s *Store) trip() { s.retryAt.Store(time.Now().Add(cooldown).UnixNano()) }

// down fails while the cooldown after an unavailable server lasts; the
// first call after it tries the server again.
func (s *Store) down() error {
	if time.Now().UnixNano() < s.retryAt.Load() {
		return fmt.Errorf("%w: cannot reach %s: it did not answer a moment ago; trying again in %v", gazette.ErrStorageUnavailable, s.endpoint, cooldown)
	}
	return nil
}
