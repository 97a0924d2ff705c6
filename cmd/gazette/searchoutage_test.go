//go:build linux

package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// TestServeDuringSearchOutage starts `gazette serve` while its real
// Meilisearch is down, over storage holding an issue the index has never
// seen: the site starts and serves reading, /readyz says search is
// degraded, searches answer 503; once Meilisearch is back, with no
// restart, the server connects, repairs the index and finds the issue.
func TestServeDuringSearchOutage(t *testing.T) {
	const bound = 120 * time.Second // far above archive.IndexCheck and a repair
	meili := archivetest.StartMeiliProcess(t)
	dir := t.TempDir()
	blobs, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Published with no index: as if Meilisearch was down at the time.
	sample := frontendtest.Sample(frontendtest.Issue2019, 6)
	if err := frontendtest.Publish(context.Background(), archive.New(blobs, nil, nil), sample); err != nil {
		t.Fatal(err)
	}
	meili.Kill()

	base := serve(t, map[string]string{"GAZETTE_DATA": dir, "GAZETTE_MEILI_URL": meili.URL, "GAZETTE_MEILI_KEY": meili.Key},
		"--search-timeout", "3s")
	readyz := func() (int, string) { return get(t, base+"/readyz") }
	waitReadyz := func(want string) string {
		t.Helper()
		var body string
		for deadline := time.Now().Add(bound); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			var code int
			if code, body = readyz(); code == 200 && strings.Contains(body, want) {
				return body
			}
		}
		t.Fatalf("/readyz never said %q in %v; last: %q", want, bound, body)
		return ""
	}
	body := waitReadyz("search: degraded")
	if !strings.HasPrefix(body, "ready\n") {
		t.Errorf("/readyz while search is down = %q, want ready: reading is served", body)
	}
	for _, path := range []string{"/", "/issues/2019/12", "/documents/2019-12-1", "/api/v1/issues/2019/12"} {
		if code, _ := get(t, base+path); code != 200 {
			t.Errorf("GET %s while search is down = %d, want 200", path, code)
		}
	}
	title := sample.Documents[0].Title
	searchURL := base + "/api/v1/search?q=" + url.QueryEscape(`"`+title+`"`)
	resp, err := http.Get(searchURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("search while Meilisearch is down = %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	meili.Start()
	waitReadyz("search: ok")
	code, res := get(t, searchURL)
	if code != 200 || !strings.Contains(res, `"id":"2019-12-1"`) {
		t.Errorf("search once Meilisearch is back = %d %.300s; want the issue stored during the outage found", code, res)
	}
}
