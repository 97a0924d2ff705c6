//go:build linux

package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// TestSearchOutage serves the sample gazette on a real Meilisearch, pauses
// it (SIGSTOP) and then kills it: searches answer 503 with Retry-After and
// a plain message (Chinese on the page), within the server's deadline,
// while every other page is served; search comes back with the engine.
func TestSearchOutage(t *testing.T) {
	const bound = 60 * time.Second // far above the deadlines: only a hang fails
	ctx := context.Background()
	meili := archivetest.StartMeiliProcess(t)
	idx, err := meiliindex.New(ctx, meiliindex.Config{URL: meili.URL, Key: meili.Key, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	if err := frontendtest.Publish(ctx, a, frontendtest.Sample(frontendtest.Issue2019, 12)); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1, SearchTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(path string, html bool) *httptest.ResponseRecorder {
		t.Helper()
		done := make(chan *httptest.ResponseRecorder, 1)
		go func() {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if html {
				req.Header.Set("Accept", "text/html")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			done <- rec
		}()
		select {
		case rec := <-done:
			return rec
		case <-time.After(bound):
			t.Fatalf("GET %s: no answer after %v", path, bound)
			return nil
		}
	}
	// Each search asks for other words, so that no answer comes from the
	// cache of searches.
	words := []string{"政务公开", "营商环境", "行政许可", "应急预案", "专项维修资金", "最低工资"}
	searchPath := func(api bool) string {
		w := words[0]
		words = words[1:]
		if api {
			return "/api/v1/search?q=" + url.QueryEscape(w)
		}
		return "/search?q=" + url.QueryEscape(w)
	}
	searchesWork := func(when string) {
		t.Helper()
		if rec := fetch(searchPath(false), true); rec.Code != 200 {
			t.Errorf("%s: search page = %d", when, rec.Code)
		}
	}
	searchesDown := func(when string) {
		t.Helper()
		rec := fetch(searchPath(false), true)
		body := rec.Body.String()
		if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(body, "检索服务暂时不可用") ||
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s: search page = %d, Retry-After %q, %q; want 503 with Retry-After and a Chinese message",
				when, rec.Code, rec.Header().Get("Retry-After"), body)
		}
		rec = fetch(searchPath(true), false)
		var p struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 503 || p.Status != 503 ||
			rec.Header().Get("Retry-After") == "" || rec.Header().Get("Content-Type") != "application/problem+json" ||
			!strings.Contains(p.Detail, "search is temporarily unavailable") {
			t.Errorf("%s: API search = %d, Retry-After %q, %s; want a 503 problem saying search is unavailable",
				when, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
	}
	readingWorks := func(when string) {
		t.Helper()
		for _, path := range []string{"/", "/years", "/issues/2019/12", "/documents/2019-12-1", "/api/v1/issues/2019/12", "/api/v1/documents/2019-12-2", "/feeds/issues.atom", "/search"} {
			if rec := fetch(path, !strings.HasPrefix(path, "/api/")); rec.Code != 200 {
				t.Errorf("%s: GET %s = %d, want 200", when, path, rec.Code)
			}
		}
	}

	searchesWork("before the outage")
	meili.Pause()
	searchesDown("Meilisearch paused")
	readingWorks("Meilisearch paused")
	meili.Resume()
	searchesWork("after SIGCONT")
	meili.Kill()
	searchesDown("Meilisearch killed")
	readingWorks("Meilisearch killed")
}
