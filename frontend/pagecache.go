package frontend

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// pageGzipLevel is the compression of rendered pages and answers, made on
// every request the cache cannot answer: gzip's default level compresses
// HTML about as well as its best at a fraction of the time
// (BenchmarkDocumentPageUncached).
const pageGzipLevel = gzip.DefaultCompression

// page is a rendered response body ready to send again. Its gzip form is
// made when a client first asks for it: API clients and harvesters often
// do not, and a page asked for once by one of them is never compressed.
type page struct {
	ctype, etag string
	body        []byte
	expires     time.Time // zero: never
	gzOnce      sync.Once
	gz          []byte
}

// gzipped is the page's gzip form, for writeBytes; nil for a body too small
// to gain from it.
func (p *page) gzipped() func() []byte {
	if len(p.body) <= 512 {
		return nil
	}
	return func() []byte {
		p.gzOnce.Do(func() { p.gz = gzipBytes(p.body, pageGzipLevel) })
		return p.gz
	}
}

func newPage(ctype string, body []byte) *page {
	sum := sha256.Sum256(body)
	p := &page{ctype: ctype, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, body: body}
	return p
}

// pageCache holds rendered responses by key. Published issues and documents
// never change, so their pages are rendered once; pages that change when
// something is published (home, years, feeds) are kept for a short TTL. It is
// bounded in entries and in bytes: when full, arbitrary entries are dropped
// (Go's map order is random enough to serve as random eviction). Safe for
// concurrent use.
type pageCache struct {
	mu       sync.RWMutex
	max      int
	maxBytes int
	bytes    int
	ttl      time.Duration
	pages    map[string]*page
	now      func() time.Time
	// gen counts clears (shared by a server's caches): a page rendered
	// before a clear is not kept after it, or a request that read the
	// archive just before an issue went public would cache the page
	// without it for the whole TTL.
	gen *atomic.Uint64
}

func newPageCache(max, maxBytes int, ttl time.Duration, gen *atomic.Uint64) *pageCache {
	if gen == nil {
		gen = new(atomic.Uint64)
	}
	return &pageCache{max: max, maxBytes: maxBytes, ttl: ttl, pages: map[string]*page{}, now: time.Now, gen: gen}
}

// size is what the page may take in memory: its body, and room for its
// gzip form (HTML and JSON compress to well under half).
func (p *page) size() int { return len(p.body) + len(p.body)/2 }

// stale returns the page kept under key even when it has expired: what to
// serve when it cannot be made again.
func (pc *pageCache) stale(key string) (*page, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	p, ok := pc.pages[key]
	return p, ok
}

func (pc *pageCache) get(key string) (*page, bool) {
	pc.mu.RLock()
	p, ok := pc.pages[key]
	pc.mu.RUnlock()
	if !ok || (!p.expires.IsZero() && pc.now().After(p.expires)) {
		return nil, false
	}
	return p, true
}

// generation is the number of clears so far: read it before rendering a
// page and give it to put.
func (pc *pageCache) generation() uint64 { return pc.gen.Load() }

func (pc *pageCache) put(key string, p *page, since uint64) { pc.putFor(key, p, pc.ttl, since) }

// putFor keeps p for ttl instead of the cache's own lifetime (0: for good),
// unless the cache was cleared after generation since, when p was being
// rendered.
func (pc *pageCache) putFor(key string, p *page, ttl time.Duration, since uint64) {
	if ttl > 0 {
		p.expires = pc.now().Add(ttl)
	}
	if p.size() > pc.maxBytes/8 {
		return // one huge page may not push out many small ones
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.gen.Load() != since {
		return // rendered from what a clear has made stale
	}
	if old, ok := pc.pages[key]; ok {
		pc.bytes -= old.size()
		delete(pc.pages, key)
	}
	for k, v := range pc.pages {
		if len(pc.pages) < pc.max && pc.bytes+p.size() <= pc.maxBytes {
			break
		}
		pc.bytes -= v.size()
		delete(pc.pages, k)
	}
	pc.pages[key] = p
	pc.bytes += p.size()
}

// clear drops every entry, and every page being rendered from before.
func (pc *pageCache) clear() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.gen.Add(1)
	pc.pages = map[string]*page{}
	pc.bytes = 0
}

// ctxCacheKey is where cached leaves the cache and key of a page it did not
// have, for serveStale.
const ctxCacheKey = "gazette.cachekey"

type cacheKey struct {
	pc  *pageCache
	key string
}

// serveStale answers with the page last kept for this request, however old,
// when it cannot be made again because a backend (storage, search) is
// unavailable: readers keep what they could read before the outage. Expired
// pages stay in a cache until evicted or cleared, so most are still there.
// The answer says it is stale (Warning 110) and that no cache may reuse it
// without asking again.
func (s *Server) serveStale(c *gin.Context, err error) bool {
	v, _ := c.Get(ctxCacheKey)
	ck, ok := v.(cacheKey)
	if !ok || !errors.Is(err, gazette.ErrUnavailable) || clientGone(c) {
		return false
	}
	p, ok := ck.pc.stale(ck.key)
	if !ok {
		return false
	}
	s.cfg.Log.WarnContext(c.Request.Context(), "serving a stale page", "path", c.Request.URL.Path, "err", err)
	c.Header("Cache-Control", "no-cache")
	c.Header("Warning", `110 - "Response is Stale"`)
	c.Abort()
	writeBytes(c, 200, p.ctype, p.etag, p.body, p.gzipped())
	return true
}
