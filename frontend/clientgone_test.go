package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/gazette-archive/gazette/frontend"
)

// logRecords is a slog handler's output, one JSON record a line.
type logRecords struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logRecords) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logRecords) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// brokenConn is a response writer whose connection closes after limit
// bytes of body: the next write fails as a socket write to a client that
// went away does, and the request's context is cancelled, as net/http does
// when it sees the connection close.
type brokenConn struct {
	header http.Header
	status int
	limit  int
	n      int
	cancel context.CancelFunc
}

func (w *brokenConn) Header() http.Header { return w.header }
func (w *brokenConn) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
func (w *brokenConn) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	if w.n+len(p) > w.limit {
		k := max(w.limit-w.n, 0)
		w.n += k
		w.cancel()
		return k, syscall.EPIPE
	}
	w.n += len(p)
	return len(p), nil
}

// TestClientGoneIsNotAnError: a client that goes away before or during the
// response is logged once at info as "client gone", never at ERROR (issue
// 16, item 14).
func TestClientGoneIsNotAnError(t *testing.T) {
	cases := []struct {
		name, path, accept string
		midBody            bool // the connection breaks in the body; else before the handler reads storage
	}{
		{"API before the answer", "/api/v1/issues/2019/12", "", false},
		{"page before the answer", "/issues/2019/12", "text/html", false},
		{"document before the answer", "/api/v1/documents/2019-12-2", "", false},
		{"PDF mid-body", "/issues/2019/12.pdf", "", true},
		{"page mid-body", "/issues/2019/12", "text/html", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs logRecords
			log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			h := newGazette(t, frontend.Config{Log: log})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req := httptest.NewRequest("GET", tc.path, nil).WithContext(ctx)
			if tc.accept != "" {
				req.Header.Set("Accept", tc.accept)
			}
			w := &brokenConn{header: http.Header{}, limit: 10, cancel: cancel}
			if !tc.midBody {
				cancel()
			}
			h.ServeHTTP(w, req)
			gone := 0
			for _, r := range logs.records(t) {
				if r["level"] == "ERROR" || r["level"] == "WARN" {
					t.Errorf("logged at %v: %v", r["level"], r)
				}
				if r["msg"] == "client gone" {
					gone++
					if r["level"] != "INFO" || r["path"] != tc.path {
						t.Errorf("client gone logged as %v", r)
					}
				}
			}
			if gone != 1 {
				t.Errorf("%d records say client gone, want 1: %s", gone, logs.buf.String())
			}
		})
	}
}
