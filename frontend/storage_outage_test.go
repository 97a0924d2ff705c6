package frontend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// answerBound is how long an answer may take while storage is down before
// the test calls it a hang: generous, since only hanging is wrong here.
const answerBound = 30 * time.Second

// TestStorageOutage serves a gazette from a real MinIO server, then pauses
// it (SIGSTOP) and kills it: pages never read before answer 503 with
// Retry-After and a plain message in bounded time, editors' pages too,
// pages read before are still served (stale ones marked so), /readyz says
// storage is unreachable, and all is well again once the server is back.
func TestStorageOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts MinIO: not in -short")
	}
	ctx := context.Background()
	srv := archivetest.StartMinIO(t)
	blobs, err := s3blobs.New(ctx, s3blobs.Config{
		Endpoint: srv.Endpoint, Bucket: fmt.Sprintf("outage-%d", time.Now().UnixNano()),
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
		Timeout: time.Second, StallTimeout: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, nil, nil)
	if err := frontendtest.Publish(ctx, a, frontendtest.Sample(frontendtest.Issue2019, 4)); err != nil {
		t.Fatal(err)
	}
	ed, err := editorial.New(editorial.Config{Blobs: blobs, Archive: a, Split: edSplit, TempDir: t.TempDir(),
		Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ed.AddUser(ctx, editorial.CommandLine("test"), "ed.one", editorial.RoleEditor, edPassword); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, Editorial: ed, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	editor := (&edFixture{srv: h}).signIn(t, "ed.one")

	doc := func(seq int) string { return gazette.DocumentID(frontendtest.Issue2019, seq) }
	issue := "/issues/2019/12"
	// Read before the outage: kept by the server.
	cached := []string{"/", issue, "/documents/" + doc(1), "/api/v1/issues/2019/12"}
	for _, path := range cached {
		if rec := answer(t, h, path); rec.Code != 200 {
			t.Fatalf("GET %s before the outage = %d: %.300s", path, rec.Code, rec.Body)
		}
	}
	// Never read before, an HTML page and an API answer for each state.
	uncachedPage := map[string]string{"paused": "/documents/" + doc(2), "killed": "/documents/" + doc(3)}
	uncachedAPI := map[string]string{"paused": "/api/v1/documents/" + doc(2), "killed": "/api/v1/documents/" + doc(3)}

	checkDown := func(t *testing.T, state string) {
		t.Run("uncached page", func(t *testing.T) {
			rec := answer(t, h, uncachedPage[state])
			if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
				t.Fatalf("GET %s = %d, Retry-After %q; want 503 with Retry-After: %.300s", uncachedPage[state], rec.Code, rec.Header().Get("Retry-After"), rec.Body)
			}
			body := rec.Body.String()
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(body, "暂时无法访问") || !strings.Contains(body, "存储暂时无法连接") {
				t.Errorf("503 page does not say, in Chinese, that storage cannot be reached: %.500s", body)
			}
		})
		t.Run("uncached API", func(t *testing.T) {
			rec := answer(t, h, uncachedAPI[state])
			if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("GET %s = %d, Retry-After %q, %q; want a 503 problem+json with Retry-After: %.300s",
					uncachedAPI[state], rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Content-Type"), rec.Body)
			}
			var p struct {
				Status int    `json:"status"`
				Title  string `json:"title"`
				Detail string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 503 || p.Title != "storage unavailable" || p.Detail == "" {
				t.Errorf("problem = %+v (%v), want status 503, title \"storage unavailable\" and a detail", p, err)
			}
		})
		t.Run("print PDF", func(t *testing.T) {
			rec := answer(t, h, issue+".pdf")
			if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
				t.Errorf("GET %s.pdf = %d, Retry-After %q; want 503 with Retry-After", issue, rec.Code, rec.Header().Get("Retry-After"))
			}
		})
		t.Run("cached pages", func(t *testing.T) {
			for _, path := range cached {
				if rec := answer(t, h, path); rec.Code != 200 {
					t.Errorf("GET %s, read before the outage, = %d: %.300s", path, rec.Code, rec.Body)
				}
			}
		})
		t.Run("editor", func(t *testing.T) {
			rec := editor.get("/editor")
			if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "存储暂时无法连接") {
				t.Errorf("GET /editor = %d, Retry-After %q: %.300s; want 503 with Retry-After, saying storage cannot be reached",
					rec.Code, rec.Header().Get("Retry-After"), rec.Body)
			}
		})
		t.Run("readyz", func(t *testing.T) {
			rec := answer(t, h, "/readyz")
			if rec.Code != 503 || !strings.Contains(rec.Body.String(), "storage: unreachable") {
				t.Errorf("GET /readyz = %d %q; want 503 saying storage is unreachable", rec.Code, rec.Body)
			}
		})
	}
	checkUp := func(t *testing.T) {
		for deadline := time.Now().Add(answerBound); ; time.Sleep(200 * time.Millisecond) {
			rec := answer(t, h, "/readyz")
			if rec.Code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("storage back, but /readyz = %d %q", rec.Code, rec.Body)
			}
		}
		for _, path := range []string{uncachedPage["paused"], uncachedAPI["paused"]} {
			if rec := answer(t, h, path); rec.Code != 200 {
				t.Errorf("GET %s once storage is back = %d: %.300s", path, rec.Code, rec.Body)
			}
		}
	}

	t.Run("paused", func(t *testing.T) {
		srv.Pause(t)
		defer srv.Resume(t)
		checkDown(t, "paused")
		// The home page is kept for seconds only: once its time is up
		// it is still served, said to be stale.
		for deadline := time.Now().Add(answerBound); ; time.Sleep(500 * time.Millisecond) {
			rec := answer(t, h, "/")
			if rec.Code != 200 {
				t.Fatalf("GET / during the outage = %d: %.300s", rec.Code, rec.Body)
			}
			if w := rec.Header().Get("Warning"); w != "" {
				if !strings.HasPrefix(w, "110") || !strings.Contains(rec.Header().Get("Cache-Control"), "no-cache") {
					t.Errorf("stale home page: Warning %q, Cache-Control %q; want 110 and no-cache", w, rec.Header().Get("Cache-Control"))
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the home page never expired: the test saw no stale answer")
			}
		}
	})
	t.Run("resumed", checkUp)
	t.Run("killed", func(t *testing.T) {
		srv.Kill(t)
		checkDown(t, "killed")
	})
	t.Run("restarted", func(t *testing.T) {
		srv.Restart(t)
		checkUp(t)
	})
}

// answer sends a browser's GET (an API client's under /api/) through the
// full router and fails the test if no answer comes within answerBound.
func answer(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	accept := "text/html"
	if strings.HasPrefix(path, "/api/") {
		accept = "application/json"
	}
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- do(h, "GET", path, "Accept", accept) }()
	select {
	case rec := <-done:
		return rec
	case <-time.After(answerBound):
		t.Fatalf("GET %s: no answer within %v", path, answerBound)
		return nil
	}
}
