package frontend

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

// render executes a page template into a buffer, so a template error never
// sends half a page, and writes it; with a cache, the page is kept under key.
func (s *Server) render(c *gin.Context, name string, v *view, pc *pageCache, key string, cc cacheClass) {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			renderBuffers.Put(buf)
		}
	}()
	if err := s.execPage(buf, name, v); err != nil {
		s.failPage(c, fmt.Errorf("frontend: render %s: %w", name, err))
		return
	}
	p := newPage("text/html; charset=utf-8", bytes.Clone(buf.Bytes()))
	if pc != nil {
		s.keep(c, pc, key, p, 0, cc)
	}
	s.writePage(c, p, cc)
}

// renderBuffers are buffers pages were rendered into before: grown to a
// page's size once, not through a series of copies on every render. The
// page keeps a copy of just its own length. One grown past
// maxPooledBuffer by a rare huge page is left to the garbage collector
// rather than held for ordinary ones.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBuffer = 1 << 20

func (s *Server) writePage(c *gin.Context, p *page, cc cacheClass) {
	s.setCacheControl(c, cc)
	writeBytes(c, http.StatusOK, p.ctype, p.etag, p.body, p.gzipped())
}

// cached answers from pc when it holds key. Otherwise it notes the
// cache's generation, so that the page now rendered is kept only if no
// publication cleared the cache meanwhile.
func (s *Server) cached(c *gin.Context, pc *pageCache, key string, cc cacheClass) bool {
	p, ok := pc.get(key)
	if ok {
		s.writePage(c, p, cc)
		return true
	}
	c.Set(ctxCacheGen, pc.generation())
	c.Set(ctxCacheKey, cacheKey{pc, key})
	return false
}

const ctxCacheGen = "gazette.cachegen"

// cacheGen is the cache generation cached noted for this request; 0, which
// no cache is ever at, when it noted none.
func cacheGen(c *gin.Context) uint64 { return c.GetUint64(ctxCacheGen) }
