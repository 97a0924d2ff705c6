package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

func TestServeReaderSettingsAreChecked(t *testing.T) {
	cases := []struct {
		name    string
		vars    map[string]string
		args    []string
		setting string
	}{
		{"rate not a number", nil, []string{"--api-rate", "fast"}, "GAZETTE_API_RATE"},
		{"negative rate from env", map[string]string{"GAZETTE_API_RATE": "-3"}, nil, "GAZETTE_API_RATE"},
		{"public URL without scheme", map[string]string{"GAZETTE_PUBLIC_URL": "gazette.example.org"}, nil, "--public-url"},
		{"public URL with a path", nil, []string{"--public-url", "https://example.org/gazette"}, "--public-url"},
		{"search timeout not a duration", nil, []string{"--search-timeout", "soon"}, "GAZETTE_SEARCH_TIMEOUT"},
		{"admin e-mail not an address", map[string]string{"GAZETTE_ADMIN_EMAIL": "Webmaster <w@example.org>"}, nil, "GAZETTE_ADMIN_EMAIL"},
		{"search timeout of zero from env", map[string]string{"GAZETTE_SEARCH_TIMEOUT": "0s"}, nil, "--search-timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--data", t.TempDir(), "--addr", freeAddr(t)}, tc.args...)
			code, _, errOut := runCmd(t, tc.vars, "", args...)
			if code != 1 || !strings.Contains(errOut, tc.setting) {
				t.Errorf("exit %d, stderr %q; want exit 1 naming %s", code, errOut, tc.setting)
			}
		})
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeReader publishes an issue into a data directory and reads it
// back through `gazette serve`: pages, the API, search and feeds.
func TestServeReader(t *testing.T) {
	dir := t.TempDir()
	blobs, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleveindex.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	err = frontendtest.Publish(context.Background(), archive.New(blobs, idx, nil), frontendtest.Sample(frontendtest.Issue2019, 12))
	idx.Close()
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, map[string]string{"GAZETTE_DATA": dir, "GAZETTE_PUBLIC_URL": "https://gazette.example.org"})
	cases := []struct {
		name, path string
		want       string
	}{
		{"home", "/", "2019年第12期"},
		{"document", "/documents/2019-12-2", "福建省人民政府公报 2019年第12期 第3页"},
		{"API search", "/api/v1/search?q=" + url.QueryEscape("营商环境"), `"total":`},
		{"feed with the public URL", "/feeds/issues.atom", "https://gazette.example.org/issues/2019/12"},
		{"robots", "/robots.txt", "Sitemap: https://gazette.example.org/sitemap.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, base+tc.path)
			if code != 200 || !strings.Contains(body, tc.want) {
				t.Errorf("GET %s = %d, no %q in %.200s", tc.path, code, tc.want, body)
			}
		})
	}
}

// TestServeDemo is the README's first command: `serve --demo` on an empty
// data directory shows a whole gazette, searchable.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	base := serve(t, map[string]string{"GAZETTE_DATA": dir}, "--demo")
	code, home := get(t, base+"/")
	if code != 200 || !strings.Contains(home, "人民政府公报") || !strings.Contains(home, "期") {
		t.Fatalf("home %d:\n%s", code, home)
	}
	code, body := get(t, base+"/api/v1/issues/latest")
	if code != 200 {
		t.Fatalf("latest issue %d: %s", code, body)
	}
	var latest struct {
		Year     int `json:"year"`
		Number   int `json:"number"`
		Contents []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"contents"`
	}
	if err := json.Unmarshal([]byte(body), &latest); err != nil || len(latest.Contents) < 10 {
		t.Fatalf("latest issue: %v, %s", err, body)
	}
	code, doc := get(t, base+"/documents/"+latest.Contents[0].ID)
	if code != 200 || !strings.Contains(doc, html.EscapeString(latest.Contents[0].Title)) {
		t.Errorf("first document %d", code)
	}
	// The demo is searchable: a word from the first title finds documents.
	q := []rune(latest.Contents[0].Title)
	code, res := get(t, base+"/api/v1/search?q="+url.QueryEscape(string(q[len(q)-6:len(q)-2])))
	if code != 200 || strings.Contains(res, `"total":0`) {
		t.Errorf("search of the demo: %d %s", code, res)
	}
	// A rule of the demo has its articles anchored (issue 20), and reads
	// as it stood on a day.
	code, res = get(t, base+"/api/v1/search?kind=rule&per_page=1")
	var rules struct {
		Hits []struct{ ID string } `json:"hits"`
	}
	if err := json.Unmarshal([]byte(res), &rules); code != 200 || err != nil || len(rules.Hits) == 0 {
		t.Fatalf("the demo's rules: %d %v %.300s", code, err, res)
	}
	id := rules.Hits[0].ID
	if code, doc := get(t, base+"/documents/"+id); code != 200 || !strings.Contains(doc, `id="art-1"`) || !strings.Contains(doc, `href="/documents/`+id+`#art-1"`) {
		t.Errorf("the demo's rule %s = %d, without the anchor of 第一条", id, code)
	}
	if code, _ := get(t, base+"/api/v1/documents/"+id+"?at=2099-01-01"); code != 200 {
		t.Errorf("the demo's rule %s on a day = %d", id, code)
	}
}

// TestServePublishesScheduledAndServesEditors starts `gazette serve` over
// storage holding an issue scheduled for a moment already past, as after a
// restart that missed it: the server publishes it at start-up, without
// anyone acting, and serves the editor pages with a secure session cookie.
func TestServePublishesScheduledAndServesEditors(t *testing.T) {
	dir := t.TempDir()
	blobs, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := frontendtest.Sample(frontendtest.Issue2019, 3)
	if err := archive.New(blobs, nil, nil).Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	ed, err := editorial.New(editorial.Config{Blobs: blobs, Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	const password = "Qx7-lantern-harbor-91"
	if err := ed.AddUser(ctx, editorial.CommandLine("test"), "li.ming", editorial.RoleEditor, password); err != nil {
		t.Fatal(err)
	}
	base := serve(t, map[string]string{"GAZETTE_DATA": dir, "GAZETTE_PUBLIC_URL": "https://gazette.example.org"})
	published := false
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !published; time.Sleep(100 * time.Millisecond) {
		_, home := get(t, base+"/")
		published = strings.Contains(home, "2019年第12期")
	}
	if !published {
		t.Fatal("the issue scheduled for a past moment was not published at start-up")
	}
	if code, _ := get(t, base+"/api/v1/search?q="+url.QueryEscape(s.Documents[0].Title)); code != 200 {
		t.Errorf("search after publication: %d", code)
	}
	if code, page := get(t, base+"/editor/signin"); code != 200 || !strings.Contains(page, `name="password"`) {
		t.Errorf("sign-in page %d", code)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/editor/signin", url.Values{"name": {"li.ming"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The session, and the device cookie that lets this browser past the
	// sign-in throttle later: both host-only, Secure, HttpOnly, Strict.
	cookies := map[string]*http.Cookie{}
	for _, ck := range resp.Cookies() {
		cookies[ck.Name] = ck
	}
	if resp.StatusCode != http.StatusSeeOther || len(cookies) != 2 {
		t.Errorf("sign in = %d, cookies %+v", resp.StatusCode, resp.Cookies())
	}
	for _, name := range []string{"__Host-gazette-session", "__Host-gazette-device"} {
		if ck := cookies[name]; ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
			t.Errorf("sign in: cookie %s = %+v", name, ck)
		}
	}
	if code, _ := get(t, base+"/api/v1/editor/drafts"); code != http.StatusUnauthorized {
		t.Errorf("editor API without a token = %d", code)
	}
}
