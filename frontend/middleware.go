package frontend

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// recoverer turns a panic in a handler into a 500 and a log line, keeping
// the process serving.
func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				s.fail(c, fmt.Errorf("panic: %v", v))
			}
		}()
		c.Next()
	}
}

// accessLog logs one structured line per request.
func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		if !s.cfg.Log.Enabled(c.Request.Context(), slog.LevelInfo) {
			return
		}
		s.cfg.Log.InfoContext(c.Request.Context(), "http",
			"method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "bytes", c.Writer.Size(),
			"duration_ms", time.Since(start).Milliseconds(), "client", c.ClientIP())
	}
}

// strictQuery refuses a request whose query string does not parse, with a
// 400 naming the parameter (a page for browsers, problem+json for the
// rest). url.Values drops such pairs silently, and a dropped filter would
// answer a wider query than was asked, on any route that reads one.
func (s *Server) strictQuery() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.URL.RawQuery == "" {
			return
		}
		if _, err := requestQuery(c); err != nil {
			if wantsHTML(c) && !strings.HasPrefix(c.Request.URL.Path, "/api/") {
				s.failPage(c, err)
				return
			}
			s.fail(c, err)
		}
	}
}
