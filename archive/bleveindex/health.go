package bleveindex

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// scorch writes in the background: a persister turns batches into segment
// files, a merger merges them. When one fails it reports the error to a
// callback registered by name and tries again at once: on a full disk,
// thousands of times a second, for ever, leaving a new empty segment file
// each time. The callback runs on the failing goroutine, so sleeping in it
// is how the retries are spaced out (health).
const callbackName = "gazette.bleveindex"

// Backoff between retries of a failing background write: short at first,
// since a transient error should not leave batches unpersisted for long;
// at most maxBackoff, which bounds how long recovery takes once the disk
// has room again.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

var (
	// byStore finds an open index's health by scorch's directory (the
	// index's store/), for the async error callback.
	byStore sync.Map // string → *health
	// byScorch finds it by the scorch instance, for the event callback.
	byScorch sync.Map // *scorch.Scorch → *health
)

func init() {
	// bleve reads its registries when an index opens, so they are filled
	// once, here, rather than per index.
	scorch.RegistryAsyncErrorCallbacks[callbackName] = func(err error, path string) {
		if v, ok := byStore.Load(filepath.Clean(path)); ok {
			v.(*health).failed(err)
		}
	}
	scorch.RegistryEventCallbacks[callbackName] = func(e scorch.Event) bool {
		if v, ok := byScorch.Load(e.Scorch); ok {
			switch e.Kind {
			case scorch.EventKindPersisterProgress:
				v.(*health).succeeded("persister")
			case scorch.EventKindMergerProgress:
				v.(*health).succeeded("merger")
			}
		}
		return true
	}
}

// health follows the index's background writes: which are failing, since
// when and with what error. It spaces out their retries and logs once
// when writes start failing and once when they work again.
type health struct {
	dir string
	log *slog.Logger
	// closing ends every backoff wait, so Close is not held up by one.
	closing chan struct{}
	once    sync.Once

	mu      sync.Mutex
	failing map[string]error // by source (persister, merger): its last error
	delay   map[string]time.Duration
	since   time.Time
}

func newHealth(dir string, log *slog.Logger) *health {
	if log == nil {
		log = slog.Default()
	}
	return &health{dir: dir, log: log, closing: make(chan struct{}),
		failing: map[string]error{}, delay: map[string]time.Duration{}}
}

// failed records a background failure. A failed write (ErrPersist) is
// retried by scorch as soon as this returns, so it waits first; a panic
// ended the goroutine, so the index stays failed; anything else (a file
// not cleaned up) is logged and changes nothing.
func (h *health) failed(err error) {
	source := "index"
	var se *scorch.ScorchError
	if errors.As(err, &se) {
		source = se.Source
	}
	retried := errors.Is(err, scorch.ErrPersist)
	if !retried && !errors.Is(err, scorch.ErrAsyncPanic) {
		h.log.Warn("search index: background cleanup failed", "dir", h.dir, "err", err)
		return
	}
	h.mu.Lock()
	first := len(h.failing) == 0
	h.failing[source] = err
	if first {
		h.since = time.Now()
	}
	d := max(h.delay[source], minBackoff)
	h.delay[source] = min(2*d, maxBackoff)
	h.mu.Unlock()
	if !retried {
		h.log.Error("search index: a background writer stopped after a panic; writes fail until the server restarts",
			"dir", h.dir, "err", err)
		return
	}
	if first {
		h.log.Error("search index: cannot write to disk; retrying with backoff, searches answer from what is already indexed",
			"dir", h.dir, "cause", cause(err), "err", err)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-h.closing:
	}
}

// succeeded records a background write that worked.
func (h *health) succeeded(source string) {
	h.mu.Lock()
	_, was := h.failing[source]
	delete(h.failing, source)
	delete(h.delay, source)
	recovered := was && len(h.failing) == 0
	since := h.since
	h.mu.Unlock()
	if recovered {
		h.log.Info("search index: writing to disk again", "dir", h.dir, "failed_for", time.Since(since).Round(time.Second).String())
	}
}

// err is the error of a failing background write, nil when none fails.
// persisterOnly asks only about the persister: the writes that batches
// wait for.
func (h *health) err(persisterOnly bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var e error
	if persisterOnly {
		e = h.failing["persister"]
	} else {
		for _, source := range []string{"persister", "merger", "index"} {
			if e = h.failing[source]; e != nil {
				break
			}
		}
	}
	if e == nil {
		return nil
	}
	return fmt.Errorf("%s since %s: %w", cause(e), h.since.UTC().Format(time.RFC3339), ErrWrite)
}

func (h *health) close() { h.once.Do(func() { close(h.closing) }) }

// ErrWrite is returned by Put, Delete and Ping while the index cannot write
// to disk in the background (a full disk, most often); the error's text
// says why. The index recovers by itself once the cause is gone.
var ErrWrite = errors.New("the search index cannot write to disk")

// cause says in a few words why a background write failed: scorch passes
// the error as text only.
func cause(err error) string {
	if strings.Contains(err.Error(), "no space left on device") {
		return "the disk is full (no space left on device)"
	}
	return err.Error()
}
