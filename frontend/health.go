package frontend

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// healthz answers while the process runs: a liveness probe.
func (s *Server) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.String(http.StatusOK, "ok\n")
}

// readyz answers 200 only while storage answers: a readiness probe, so a load
// balancer sends no reader to a replica that cannot serve. The lines after
// the first say how search stands and which ingest tools this replica has;
// neither makes it unready, as reading does not need them.
func (s *Server) readyz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	if err := s.cfg.Archive.Ready(ctx); err != nil {
		s.cfg.Log.WarnContext(ctx, "not ready", "err", err)
		msg := "not ready\nstorage: unavailable\n"
		if errors.Is(err, gazette.ErrUnavailable) {
			msg = "not ready\nstorage: unreachable; pages read before are still served\n"
		}
		setRetryAfter(c, http.StatusServiceUnavailable)
		c.String(http.StatusServiceUnavailable, msg)
		return
	}
	var b strings.Builder
	b.WriteString("ready\n")
	if s.cfg.SearchHealth != nil {
		b.WriteString(s.cfg.SearchHealth() + "\n")
	}
	for _, line := range s.cfg.Tools {
		b.WriteString(line + "\n")
	}
	c.String(http.StatusOK, b.String())
}
