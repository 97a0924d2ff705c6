package frontend

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// problem is an RFC 9457 problem detail, the body of every JSON error.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// statusOf maps a domain error to the status and safe message a client sees;
// the cause itself goes only to the log. This is the one place the mapping
// lives.
func statusOf(err error) (int, string) {
	switch {
	case errors.Is(err, gazette.ErrNotFound):
		return http.StatusNotFound, "not found"
	case errors.Is(err, gazette.ErrInvalid):
		return http.StatusBadRequest, "invalid request"
	case errors.Is(err, gazette.ErrExist):
		return http.StatusConflict, "already exists"
	case errors.Is(err, gazette.ErrConflict):
		return http.StatusPreconditionFailed, "changed by someone else"
	case errors.Is(err, gazette.ErrImmutable):
		return http.StatusConflict, "published content cannot be changed"
	}
	return http.StatusInternalServerError, "internal error"
}

// fail answers with a problem+json for err, logging the cause once.
func (s *Server) fail(c *gin.Context, err error) {
	status, title := statusOf(err)
	p := problem{Type: "about:blank", Title: title, Status: status}
	var ve gazette.ValidationError
	if errors.As(err, &ve) {
		p.Detail = ve.Error() // names fields only, never internals
	}
	if status >= 500 {
		s.cfg.Log.ErrorContext(c.Request.Context(), "request failed", "path", c.Request.URL.Path, "err", err)
	} else {
		s.cfg.Log.DebugContext(c.Request.Context(), "request refused", "path", c.Request.URL.Path, "err", err)
	}
	c.Header("Content-Type", "application/problem+json")
	c.AbortWithStatusJSON(status, p)
}

func (s *Server) notFound(c *gin.Context) {
	s.fail(c, gazette.ErrNotFound)
}
