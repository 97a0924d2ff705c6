package frontend_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

var cst = time.FixedZone("CST", 8*3600)

// scheduledSite is a server over storage holding one published issue and
// one scheduled for at, read by an archive of its own, as another replica
// than the one publishing would: it is never told of the publication. pub
// is the publishing replica's archive.
type scheduledSite struct {
	srv     *frontend.Server
	pub     *archive.Archive
	key     gazette.IssueKey
	doc     string // ID of the scheduled issue's first document
	docNum  string // its 文号
	baseDoc string // ID of a published document
}

func newScheduledSite(t *testing.T, at time.Time) *scheduledSite {
	t.Helper()
	ctx := context.Background()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	blobs := archivetest.NewMemBlobs()
	pub := archive.New(blobs, idx, nil)
	base := frontendtest.Sample(frontendtest.Issue2019, 3)
	if err := frontendtest.Publish(ctx, pub, base); err != nil {
		t.Fatal(err)
	}
	key := gazette.IssueKey{Year: time.Now().In(cst).Year(), Number: 40}
	s := frontendtest.Sample(key, 2)
	s.Issue.Published = at
	if err := pub.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	srv, err := frontend.New(frontend.Config{Archive: archive.New(blobs, idx, nil), PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Documents[0].DocNumber == "" {
		t.Fatal("the sample's first document has no 文号 to search by")
	}
	return &scheduledSite{srv: srv, pub: pub, key: key, doc: s.Documents[0].ID, docNum: s.Documents[0].DocNumber, baseDoc: base.Documents[0].ID}
}

// surfaces are the public places a newly published issue must show in,
// with what shows it there.
func (s *scheduledSite) surfaces() map[string]string {
	y := strconv.Itoa(s.key.Year)
	return map[string]string{
		"/":                              s.key.Label(),
		"/years/" + y:                    s.key.Label(),
		"/feeds/issues.atom":             s.key.Label(),
		"/feeds/documents.atom":          "/documents/" + s.doc,
		"/sitemap.xml":                   "/issues/" + y + "/40",
		"/documents/" + s.doc:            s.key.Label(),
		"/api/v1/issues?year=" + y:       `"key":"` + s.key.String() + `"`,
		"/api/v1/issues/latest":          `"key":"` + s.key.String() + `"`,
		"/api/v1/documents?ids=" + s.doc: `"documents":[{"id":"` + s.doc + `"`,
		"/api/v1/search?q=" + url.QueryEscape(s.docNum): `"id":"` + s.doc + `"`,
	}
}

var sMaxAge = regexp.MustCompile(`^public, max-age=0, s-maxage=(\d+)$`)

// TestCacheControlFollowsTheSchedule checks the headers themselves: answers
// a publication can change are kept by shared caches no longer than until
// the next scheduled moment (browsers revalidate), not at all once it has
// come; a "missing" answer never; what no publication changes keeps its
// long lifetime.
func TestCacheControlFollowsTheSchedule(t *testing.T) {
	at := time.Now().Add(30 * time.Second)
	site := newScheduledSite(t, at)
	h := site.srv
	changing := []string{"/", "/years", "/feeds/issues.atom", "/sitemap.xml", "/documents/" + site.baseDoc,
		"/api/v1/issues", "/api/v1/issues/latest", "/api/v1/documents/" + site.baseDoc, "/api/v1/documents?ids=" + site.baseDoc,
		"/api/v1/search?q=" + url.QueryEscape("通知")}
	for _, p := range changing {
		rec := do(h, "GET", p)
		cc := rec.Header().Get("Cache-Control")
		m := sMaxAge.FindStringSubmatch(cc)
		if rec.Code != 200 || m == nil {
			t.Errorf("GET %s = %d, Cache-Control %q; want public, max-age=0, s-maxage=N", p, rec.Code, cc)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); time.Duration(n)*time.Second > time.Until(at)+time.Second || n < 25 {
			t.Errorf("GET %s: s-maxage=%d with %v left before the scheduled moment", p, n, time.Until(at).Round(time.Second))
		}
		if rec.Header().Get("ETag") == "" && !strings.HasPrefix(p, "/api/v1/search") {
			t.Errorf("GET %s: no ETag to revalidate with", p)
		}
	}
	fixed := map[string]string{
		"/issues/2019/12":                   "public, max-age=3600",
		"/api/v1/issues/2019/12":            "public, max-age=3600",
		"/issues/2019/12.pdf":               "public, max-age=31536000, immutable",
		"/api/v1/documents?ids=" + site.doc: "public, no-cache", // missing until the moment
		"/documents/" + site.doc:            "no-store",         // not found
	}
	for p, want := range fixed {
		if cc := do(h, "GET", p).Header().Get("Cache-Control"); cc != want {
			t.Errorf("GET %s: Cache-Control %q, want %q", p, cc, want)
		}
	}
	if cc := do(h, "GET", "/search?q="+url.QueryEscape("通知")).Header().Get("Cache-Control"); !regexp.MustCompile(`^private, max-age=(2[5-9]|30)$`).MatchString(cc) {
		t.Errorf("a search page: Cache-Control %q, want private, max-age up to the moment", cc)
	}

	// Nothing scheduled: the normal lifetimes.
	quiet := newGazette(t, frontend.Config{})
	for p, want := range map[string]string{
		"/":                               "public, max-age=0, s-maxage=60",
		"/feeds/issues.atom":              "public, max-age=0, s-maxage=300",
		"/documents/2019-12-1":            "public, max-age=0, s-maxage=300",
		"/api/v1/documents?ids=2019-12-1": "public, max-age=0, s-maxage=300",
		"/api/v1/documents?ids=2019-12-1,2030-1-1": "public, no-cache",
	} {
		if cc := do(quiet, "GET", p).Header().Get("Cache-Control"); cc != want {
			t.Errorf("nothing scheduled: GET %s: Cache-Control %q, want %q", p, cc, want)
		}
	}

	// Due and not yet published: nothing may be kept, here or anywhere.
	due := newScheduledSite(t, time.Now().Add(-time.Second))
	for _, p := range []string{"/", "/feeds/issues.atom", "/api/v1/issues/latest", "/documents/" + due.baseDoc} {
		rec := do(due.srv, "GET", p)
		if cc := rec.Header().Get("Cache-Control"); cc != "public, no-cache" {
			t.Errorf("an issue due: GET %s: Cache-Control %q, want public, no-cache", p, cc)
		}
		// Not "not modified" either: nginx would keep its expired copy
		// for that copy's lifetime again.
		if again := do(due.srv, "GET", p, "If-None-Match", rec.Header().Get("ETag")); again.Code != 200 {
			t.Errorf("an issue due: GET %s with its ETag = %d, want 200", p, again.Code)
		}
	}

	// A schedule made on another replica is seen within a second.
	other := archive.New(archivetest.NewMemBlobs(), nil, nil)
	if err := frontendtest.Publish(context.Background(), other, frontendtest.Sample(frontendtest.Issue2019, 3)); err != nil {
		t.Fatal(err)
	}
	srv, err := frontend.New(frontend.Config{Archive: other, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	if cc := do(srv, "GET", "/").Header().Get("Cache-Control"); cc != "public, max-age=0, s-maxage=60" {
		t.Fatalf("before the schedule: %q", cc)
	}
	later := frontendtest.Sample(gazette.IssueKey{Year: time.Now().In(cst).Year(), Number: 41}, 1)
	later.Issue.Published = time.Now().Add(20 * time.Second)
	if err := other.Schedule(context.Background(), later.Issue, bytes.NewReader(later.PDF), later.Documents); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	cc := do(srv, "GET", "/").Header().Get("Cache-Control")
	if m := sMaxAge.FindStringSubmatch(cc); m == nil {
		t.Errorf("a second after a schedule 20 s ahead: Cache-Control %q", cc)
	} else if n, _ := strconv.Atoi(m[1]); n > 20 {
		t.Errorf("a second after a schedule 20 s ahead: s-maxage=%d", n)
	}
}

// TestCachingProxyShowsAScheduledIssueAtItsMoment puts nginx with a
// proxy cache in front of a replica that is never told of the publication
// and keeps asking through it, up to the scheduled second, for every place
// the issue will show in; right after the publishing replica has published
// it, every one of them shows it through the proxy.
func TestCachingProxyShowsAScheduledIssueAtItsMoment(t *testing.T) {
	moment := time.Now().Add(6 * time.Second).Truncate(time.Second)
	site := newScheduledSite(t, moment)
	origin := httptest.NewServer(site.srv)
	t.Cleanup(origin.Close)
	proxy := startNginx(t, origin.Listener.Addr().String())
	surfaces := site.surfaces()
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(p string) (int, string, http.Header) {
		resp, err := client.Get(proxy + p)
		if err != nil {
			t.Fatalf("GET %s through the proxy: %v", p, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), resp.Header
	}

	// Until the moment: nothing of it, while the proxy keeps what it may.
	hits := map[string]bool{}
	for time.Until(moment) > 300*time.Millisecond {
		for p, marker := range surfaces {
			code, body, h := get(p)
			if code == 200 && strings.Contains(body, marker) {
				t.Fatalf("%v before the moment, %s shows the issue", time.Until(moment), p)
			}
			if h.Get("X-Cache-Status") == "HIT" {
				hits[p] = true
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !hits["/"] || !hits["/feeds/issues.atom"] || !hits["/api/v1/issues/latest"] {
		t.Fatalf("the proxy kept nothing before the moment (hits %v): the test proves nothing", hits)
	}

	// The publishing replica publishes at the moment, as serve's publisher.
	var published time.Time
	var wg sync.WaitGroup
	wg.Go(func() {
		time.Sleep(time.Until(moment))
		if _, err := site.pub.PublishDue(context.Background(), time.Now()); err != nil {
			t.Error(err)
		}
		published = time.Now()
	})
	shown := map[string]time.Duration{}
	deadline := moment.Add(10 * time.Second)
	for len(shown) < len(surfaces) && time.Now().Before(deadline) {
		for p, marker := range surfaces {
			if _, ok := shown[p]; ok {
				continue
			}
			if code, body, _ := get(p); code == 200 && strings.Contains(body, marker) {
				shown[p] = time.Since(moment)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
	after := published.Sub(moment)
	var worst time.Duration
	for p := range surfaces {
		d, ok := shown[p]
		switch {
		case !ok:
			t.Errorf("%s never showed the issue through the proxy", p)
		case d > after+time.Second:
			t.Errorf("%s showed the issue through the proxy %v after the moment, %v after its publication", p, d, d-after)
		}
		worst = max(worst, d)
	}
	t.Logf("published %v after the moment; through nginx every place showed it within %v of the moment: %v", after.Round(time.Millisecond), worst.Round(time.Millisecond), shown)
}

// startNginx runs nginx with a proxy cache in front of origin (host:port)
// on a free loopback port and returns its base URL. It skips the test
// when nginx is not installed (scripts/tools.sh installs Debian's).
func startNginx(t *testing.T, origin string) string {
	t.Helper()
	bin := os.Getenv("GAZETTE_NGINX")
	if bin == "" {
		bin = "/usr/sbin/nginx"
		if p, err := exec.LookPath("nginx"); err == nil {
			bin = p
		}
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no nginx at %s (install Debian's nginx-light, `make tools`, or set GAZETTE_NGINX): caching proxy test skipped", bin)
	}
	dir := t.TempDir()
	for _, d := range []string{"cache", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for attempt := 0; ; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
	access_log %[1]s/access.log;
	client_body_temp_path %[1]s/tmp/body;
	proxy_temp_path %[1]s/tmp/proxy;
	fastcgi_temp_path %[1]s/tmp/fastcgi;
	uwsgi_temp_path %[1]s/tmp/uwsgi;
	scgi_temp_path %[1]s/tmp/scgi;
	proxy_cache_path %[1]s/cache levels=1:2 keys_zone=gazette:1m;
	server {
		listen %[2]s;
		location / {
			proxy_pass http://%[3]s;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_cache gazette;
			proxy_cache_revalidate on;
			add_header X-Cache-Status $upstream_cache_status always;
		}
	}
}
`, dir, addr, origin)
		confPath := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			select {
			case <-exited:
			default:
				if c, err := net.Dial("tcp", addr); err == nil {
					c.Close()
					t.Cleanup(func() { cmd.Process.Kill(); <-exited })
					return "http://" + addr
				}
				continue
			}
			break
		}
		cmd.Process.Kill()
		<-exited
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s\n%s", out.String(), log)
		}
	}
}
