package frontend_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
)

type downBlobs struct{ *archivetest.MemBlobs }

func (downBlobs) Ping(context.Context) error { return errors.New("connection refused") }

func newServer(t *testing.T, blobs archive.Blobs) http.Handler {
	t.Helper()
	s, err := frontend.New(frontend.Config{Archive: archive.New(blobs, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestHealth(t *testing.T) {
	up := newServer(t, archivetest.NewMemBlobs())
	down := newServer(t, downBlobs{archivetest.NewMemBlobs()})
	cases := []struct {
		name   string
		h      http.Handler
		path   string
		status int
	}{
		{"live", up, "/healthz", 200},
		{"live while storage is down", down, "/healthz", 200},
		{"ready", up, "/readyz", 200},
		{"not ready while storage is down", down, "/readyz", 503},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(tc.h, tc.path)
			if rec.Code != tc.status {
				t.Errorf("GET %s = %d, want %d", tc.path, rec.Code, tc.status)
			}
			if rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("probe response is cacheable: %q", rec.Header().Get("Cache-Control"))
			}
		})
	}
}

// /readyz shows which ingest tools the replica has, and a missing one does
// not make it unready: readers are served all the same.
func TestReadyzNamesIngestTools(t *testing.T) {
	tools := []string{"ingest: pdftotext (poppler), the second text reader: ok", "ingest: OCR (tesseract chi_sim): missing (tesseract not installed)"}
	s, err := frontend.New(frontend.Config{Archive: archive.New(archivetest.NewMemBlobs(), nil, nil), Tools: tools})
	if err != nil {
		t.Fatal(err)
	}
	rec := get(s, "/readyz")
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "ready\n") || !strings.Contains(rec.Body.String(), tools[1]) {
		t.Errorf("GET /readyz = %d %q", rec.Code, rec.Body)
	}
}

func TestUnknownRouteIsProblemJSON(t *testing.T) {
	rec := get(newServer(t, archivetest.NewMemBlobs()), "/no/such/page")
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("GET unknown = %d %q, want 404 application/problem+json", rec.Code, rec.Header().Get("Content-Type"))
	}
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 404 || p.Title == "" {
		t.Errorf("problem body %q (%v)", rec.Body, err)
	}
}

func TestBadTrustedProxyIsRefused(t *testing.T) {
	_, err := frontend.New(frontend.Config{Archive: archive.New(archivetest.NewMemBlobs(), nil, nil), TrustedProxies: []string{"not-an-ip"}})
	if err == nil {
		t.Fatal("New accepted a malformed trusted proxy")
	}
}
