package frontend

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Archive is what the frontend needs of the archive of record.
type Archive interface {
	// Ready reports whether storage answers; safe for concurrent use.
	Ready(ctx context.Context) error
}

// Config is everything the frontend needs, resolved by cmd.
type Config struct {
	Archive Archive
	Log     *slog.Logger
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For is believed; empty trusts none.
	TrustedProxies []string
	Version        string
}

// Server is the HTTP handler of Gazette.
type Server struct {
	cfg    Config
	engine *gin.Engine
}

// New builds the server. It fails when the configuration is unusable, for
// example a malformed trusted proxy.
func New(cfg Config) (*Server, error) {
	if cfg.Archive == nil {
		return nil, fmt.Errorf("frontend: no archive")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("frontend: trusted proxies: %w", err)
	}
	s := &Server{cfg: cfg, engine: e}
	e.Use(s.recoverer(), s.accessLog())
	s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }
