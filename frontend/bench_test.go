package frontend_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
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
