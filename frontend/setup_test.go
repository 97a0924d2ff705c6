package frontend_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

const publicURL = "http://gazette.test"

// newGazette returns a server of its own over one small issue, on
// in-memory storage without a search index, for tests that change the
// configuration.
func newGazette(t *testing.T, cfg frontend.Config) http.Handler {
	t.Helper()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	if err := frontendtest.Publish(context.Background(), a, frontendtest.Sample(frontendtest.Issue2019, 3)); err != nil {
		t.Fatal(err)
	}
	cfg.Archive = a
	if cfg.PublicURL == "" {
		cfg.PublicURL = publicURL
	}
	if cfg.APIRate == 0 {
		cfg.APIRate = -1
	}
	s, err := frontend.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	sharedOnce sync.Once
	shared     http.Handler
)

// sharedGazette is one server for the read-only tests of a run.
func sharedGazette(t testing.TB) http.Handler {
	t.Helper()
	sharedOnce.Do(func() {
		// The index lives in a directory of its own, outside any one test.
		dir, err := osMkdirTemp()
		if err != nil {
			t.Fatal(err)
		}
		idx, err := bleveindex.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		a := archive.New(archivetest.NewMemBlobs(), idx, nil)
		if err := frontendtest.Publish(context.Background(), a, append(frontendtest.Gazette(), frontendtest.Hostile())...); err != nil {
			t.Fatal(err)
		}
		s, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
		if err != nil {
			t.Fatal(err)
		}
		shared = s
	})
	if shared == nil {
		t.Fatal("shared server failed to start")
	}
	return shared
}

// do sends one request through the full router.
func do(h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func page(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := do(h, "GET", path, "Accept", "text/html")
	if rec.Code != 200 {
		t.Fatalf("GET %s = %d: %.300s", path, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
