package frontend_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/frontend"
)

// BenchmarkPages measures the handler alone (no network) for the pages the
// load benchmark (go run ./cmd/gazette-loadbench) drives over HTTP.
func BenchmarkPages(b *testing.B) {
	h := sharedGazette(b)
	for _, p := range []string{"/documents/2019-12-2", "/issues/2019/12", "/api/v1/documents/2019-12-2", "/api/v1/search?q=%E8%90%A5%E5%95%86"} {
		b.Run(p, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, p, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("GET %s = %d", p, rec.Code)
				}
			}
		})
	}
}

// BenchmarkDocumentPageUncached measures a document's page that the page
// cache cannot answer: each request asks for another of 2,000 documents,
// read from a local directory as the embedded default serves them, and
// the caches a publication clears are cleared before any is asked again.
// It reports the process's CPU time per request too (cpu-ns/op).
func BenchmarkDocumentPageUncached(b *testing.B) {
	ctx := b.Context()
	blobs, err := fsblobs.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	a := archive.New(blobs, nil, nil)
	const issues, per = 40, 50
	for i := range issues {
		s := archivetest.NewSample(2000+i/24, i%24+1, per)
		if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: "http://gazette.test", APIRate: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	cpu := cpuTime()
	for b.Loop() {
		i := n % (issues * per)
		if i == 0 && n > 0 {
			srv.Invalidate()
		}
		n++
		path := fmt.Sprintf("/documents/%d-%d-%d", 2000+i/per/24, i/per%24+1, i%per+1)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != 200 {
			b.Fatalf("GET %s = %d", path, rec.Code)
		}
	}
	// CPU time beside wall time: on a machine others load, the wall time
	// of a request grows with their work, its CPU time much less.
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}
