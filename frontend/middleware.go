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

// goneCauseKey is where logFailure leaves the cause of a failure that
// followed the client's going away, for the access log.
const goneCauseKey = "frontend.goneCause"

// accessLog logs one structured line per request: "http", or "client gone"
// (at info as well: a client that goes away is no error) when the client
// went away before or while the answer was written.
func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		w := &writeErrWriter{ResponseWriter: c.Writer}
		c.Writer = w
		c.Next()
		ctx := c.Request.Context()
		if !s.cfg.Log.Enabled(ctx, slog.LevelInfo) {
			return
		}
		attrs := []any{"method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "bytes", c.Writer.Size(),
			"duration_ms", time.Since(start).Milliseconds(), "client", c.ClientIP()}
		if w.err == nil && !clientGone(c) {
			s.cfg.Log.InfoContext(ctx, "http", attrs...)
			return
		}
		cause := w.err
		if v, ok := c.Get(goneCauseKey); ok {
			cause, _ = v.(error)
		}
		if cause == nil {
			cause = ctx.Err()
		}
		s.cfg.Log.InfoContext(ctx, "client gone", append(attrs, "err", cause)...)
	}
}

// writeErrWriter keeps the first error of a write to the client: the
// handlers write and go on, and a failed write means the client went away.
type writeErrWriter struct {
	gin.ResponseWriter
	err error
}

func (w *writeErrWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func (w *writeErrWriter) WriteString(s string) (int, error) {
	n, err := w.ResponseWriter.WriteString(s)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// strictQuery refuses a request whose query string does not parse, with a
// 400 naming the parameter (a page for browsers, problem+json for the
// rest). url.Values drops such pairs silently, and a dropped filter would
// answer a wider query than was asked, on any route that reads one.
func (s *Server) strictQuery() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.URL.RawQuery == "" || c.Request.URL.Path == "/oai" { // OAI-PMH answers badArgument itself
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
