//go:build linux

package frontend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
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

// TestStartupRepairOnReadyzAndSearchCache starts a server, wired as serve
// wires it, over a real Meilisearch index that misses an issue in storage:
// while the start-up repair runs, /readyz says so; a search made meanwhile
// counts without the issue, and once the repair is done the same search,
// asked again at once, counts it: the repair dropped the cached answer.
func TestStartupRepairOnReadyzAndSearchCache(t *testing.T) {
	const bound = 60 * time.Second
	ctx := context.Background()
	meili := archivetest.SharedMeili(t)
	idx, err := meiliindex.New(ctx, meiliindex.Config{URL: meili.URL, Key: meili.Key, Index: fmt.Sprintf("repair-%d", time.Now().UnixNano())})
	if err != nil {
		t.Fatal(err)
	}
	blobs := archivetest.NewMemBlobs()
	if err := frontendtest.Publish(ctx, archive.New(blobs, idx, nil), frontendtest.Sample(frontendtest.Issue2018, 4)); err != nil {
		t.Fatal(err)
	}
	// Stored while the index was away.
	if err := frontendtest.Publish(ctx, archive.New(blobs, nil, nil), frontendtest.Sample(frontendtest.Issue2019, 5)); err != nil {
		t.Fatal(err)
	}
	held := archivetest.HoldPuts(idx)
	a := archive.New(blobs, held, nil)
	keeper := &archive.IndexKeeper{Archive: a, Log: slog.New(slog.DiscardHandler), Check: 100 * time.Millisecond}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1,
		SearchHealth: func() string { return keeper.Status().String() }})
	if err != nil {
		t.Fatal(err)
	}
	keeper.Changed = h.Invalidate // as serve does
	kctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); keeper.Run(kctx) }()
	t.Cleanup(func() { cancel(); <-done })

	until := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(bound); !cond(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("after %v: %s", bound, what)
			}
		}
	}
	until("/readyz never said the repair runs", func() bool {
		rec := get(h, "/readyz")
		return rec.Code == 200 && strings.Contains(rec.Body.String(), "search: repairing")
	})
	total := func() int {
		t.Helper()
		rec := get(h, "/api/v1/search?q="+url.QueryEscape("平潭综合实验区"))
		var res struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); rec.Code != 200 || err != nil {
			t.Fatalf("search = %d %s", rec.Code, rec.Body)
		}
		return res.Total
	}
	if got := total(); got != 4 {
		t.Errorf("search during the repair counts %d, want the 4 documents indexed so far", got)
	}
	held.Release()
	until("/readyz never said search is ok", func() bool {
		return strings.Contains(get(h, "/readyz").Body.String(), "search: ok")
	})
	if got := total(); got != 9 {
		t.Errorf("search right after the repair counts %d, want 9: a cached count outlived the repair", got)
	}
}
