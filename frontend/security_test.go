package frontend_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// hostilePaths are every page type over the hostile issue, and searches
// whose snippets and reflected query carry payloads.
func hostilePaths() []string {
	paths := []string{"/", "/years", "/years/2017", "/issues/2017/6", "/feeds/issues.atom", "/feeds/documents.atom",
		"/sitemap.xml", "/opensearch.xml", "/search?q=" + url.QueryEscape("营商环境"), "/search?q=alert", "/search?q=onerror",
		"/search?q=" + url.QueryEscape("正文"), "/documents/2017-6-1?hl=" + url.QueryEscape("营商环境 alert script")}
	for i := range frontendtest.Payloads {
		paths = append(paths, fmt.Sprintf("/documents/2017-6-%d", i+1))
		paths = append(paths, "/search?q="+url.QueryEscape(frontendtest.Payloads[i]))
		paths = append(paths, "/search?q=x&authority="+url.QueryEscape(frontendtest.Payloads[i]))
		paths = append(paths, "/feeds/documents.atom?authority="+url.QueryEscape("福建省"+frontendtest.Payloads[i]))
		paths = append(paths, fmt.Sprintf("/documents/2017-6-%d?hl=%s", i+1, url.QueryEscape(frontendtest.Payloads[i])))
	}
	return paths
}

// TestNoXSS publishes documents whose every field is a hostile payload and
// checks that no page, feed or highlight lets one through as markup.
func TestNoXSS(t *testing.T) { checkNoXSS(t, sharedGazette(t)) }

func checkNoXSS(t *testing.T, h http.Handler) {
	t.Helper()
	escapedSeen := false
	for _, path := range hostilePaths() {
		rec := do(h, "GET", path, "Accept", "text/html")
		if rec.Code >= 500 {
			t.Errorf("GET %s = %d", path, rec.Code)
			continue
		}
		body := rec.Body.String()
		if bad, found := frontendtest.Contains(body); found {
			i := strings.Index(body, bad)
			t.Errorf("GET %s: payload %q unescaped: …%s…", path, bad, body[max(0, i-80):min(len(body), i+80)])
		}
		if strings.Contains(body, "&lt;script&gt;alert") || strings.Contains(body, `\u003cscript\u003ealert`) {
			escapedSeen = true
		}
		if strings.Contains(body, "{{") && strings.Contains(rec.Header().Get("Content-Type"), "html") && !strings.Contains(body, "{{.Secret}}") {
			t.Errorf("GET %s: template syntax altered: %.200s", path, body)
		}
	}
	if !escapedSeen {
		t.Error("no page showed the <script> payload escaped: the hostile issue was not rendered at all")
	}
	// The search API returns snippets as HTML: only <mark> may be markup.
	var res struct{ Hits []struct{ Snippet string } }
	rec := do(h, "GET", "/api/v1/search?q="+url.QueryEscape("正文"))
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Hits) == 0 {
		t.Fatalf("search API: %v, %d hits", err, len(res.Hits))
	}
	for _, hit := range res.Hits {
		if bad, found := frontendtest.Contains(hit.Snippet); found {
			t.Errorf("search API snippet carries %q unescaped: %s", bad, hit.Snippet)
		}
	}
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	// dataBlock is a JSON-LD data block (jsonld.go): data, which browsers
	// never run, so the policy needs no exception for it; it holds no '<'
	// that could end it.
	dataBlock   = regexp.MustCompile(`<script type="application/ld\+json">[^<]*</script>`)
	quoted      = regexp.MustCompile(`"[^"]*"`)
	inlineStyle = regexp.MustCompile(`<style|<[^>]*\s(style|on[a-z]+)=`)
)

func TestSecurityHeadersAndNoInlineCode(t *testing.T) {
	h := sharedGazette(t)
	paths := []string{"/", "/years", "/years/2019", "/issues/2019/12", "/documents/2019-12-2", "/search?q=x", "/search",
		"/documents/2019-12-99", "/api/v1/documents/2019-12-2", "/feeds/issues.atom", "/nope"}
	for _, p := range paths {
		rec := do(h, "GET", p, "Accept", "text/html")
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-") {
			t.Errorf("GET %s: CSP allows unsafe code: %q", p, csp)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"} {
			if hd.Get(name) != want {
				t.Errorf("GET %s: %s = %q, want %q", p, name, hd.Get(name), want)
			}
		}
		if hd.Get("Permissions-Policy") == "" {
			t.Errorf("GET %s: no Permissions-Policy", p)
		}
		if strings.HasPrefix(hd.Get("Content-Type"), "text/html") {
			body := rec.Body.String()
			if m := inlineScript.FindString(dataBlock.ReplaceAllString(body, "")); m != "" {
				t.Errorf("GET %s: inline script %q", p, m)
			}
			// Attribute values are text (escaped), not attributes: drop them.
			if m := inlineStyle.FindString(quoted.ReplaceAllString(body, `""`)); m != "" {
				t.Errorf("GET %s: inline style or handler %q", p, m)
			}
			if regexp.MustCompile(`(src|href)="(https?:)?//`).MatchString(strings.ReplaceAll(body, `href="http://gazette.test`, "")) {
				t.Errorf("GET %s: refers to another host", p)
			}
		}
	}
}

// TestURLValidation checks that everything from a URL is checked before it
// reaches the archive, with a clear 400 or 404.
func TestURLValidation(t *testing.T) {
	h := sharedGazette(t)
	long := strings.Repeat("字", 300)
	cases := []struct {
		name   string
		path   string
		status int
		detail string
	}{
		{"year not a number", "/years/abcd", 400, "year"},
		{"year too early", "/years/1800", 400, "1949"},
		{"year without issues", "/years/1999", 404, ""},
		{"issue number garbage", "/issues/2019/abc", 400, "issue number"},
		{"issue number zero", "/issues/2019/0", 400, "issue"},
		{"issue number too long", "/issues/2019/12345", 400, "issue number"},
		{"issue year garbage", "/issues/20x9/12", 400, "year"},
		{"issue absent", "/issues/2019/13", 404, ""},
		{"pdf of absent issue", "/issues/2019/13.pdf", 404, ""},
		{"document ID path traversal", "/documents/..%2f..%2fetc", 404, ""},
		{"document ID garbage", "/documents/2019-12-1;rm", 400, "document ID"},
		{"document ID dots", "/documents/..", 400, "document ID"},
		{"document ID short", "/documents/2019-12", 400, "document ID"},
		{"document absent", "/documents/2019-12-99", 404, ""},
		{"document in absent issue", "/documents/2019-13-1", 404, ""},
		{"search page zero", "/search?q=x&page=0", 400, "page"},
		{"search page huge", "/search?q=x&page=9999", 400, "page"},
		{"search page not a number", "/search?q=x&page=1e3", 400, "page"},
		{"search bad date", "/search?q=x&from=tomorrow", 400, "from"},
		{"search inverted range", "/search?q=x&from=2020-01-01&to=2019-01-01", 400, "date range"},
		{"search bad kind", "/search?q=x&kind=poem", 400, "kind"},
		{"search bad validity", "/search?q=x&validity=maybe", 400, "validity"},
		{"search bad sort", "/search?q=x&sort=random", 400, "sort"},
		{"search bad year", "/search?q=x&year=19", 400, "year"},
		{"search too long", "/search?q=" + url.QueryEscape(long), 400, "超过 256 个字"},
		{"search invalid UTF-8", "/search?q=%ff%fe", 400, "UTF-8"},
		{"highlight too long", "/documents/2019-12-1?hl=" + url.QueryEscape(long), 400, "hl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "GET", tc.path, "Accept", "text/html")
			if rec.Code != tc.status {
				t.Fatalf("GET %s = %d, want %d: %.300s", tc.path, rec.Code, tc.status, rec.Body)
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), fmt.Sprint("错误 ", tc.status)) {
				t.Errorf("GET %s: not an HTML problem page: %q", tc.path, rec.Header().Get("Content-Type"))
			}
			if !strings.Contains(rec.Body.String(), tc.detail) {
				t.Errorf("GET %s: page does not say what is wrong (%q)", tc.path, tc.detail)
			}
			api := do(h, "GET", "/api/v1"+strings.Replace(tc.path, "/search?", "/search?", 1))
			if strings.HasPrefix(tc.path, "/years") || strings.Contains(tc.path, "hl=") {
				return // no API twin
			}
			if api.Code != tc.status || api.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET /api/v1%s = %d %q, want %d problem+json", tc.path, api.Code, api.Header().Get("Content-Type"), tc.status)
			}
		})
	}
}

func TestCanonicalRedirects(t *testing.T) { checkRedirects(t, sharedGazette(t)) }

func checkRedirects(t *testing.T, h http.Handler) {
	t.Helper()
	cases := []struct {
		name, path, to string
		status         int
	}{
		{"zero-padded issue", "/issues/2019/012", "/issues/2019/12", 301},
		{"zero-padded document", "/documents/2019-012-02", "/documents/2019-12-2", 301},
		{"文号 search, brackets", "/search?q=" + url.QueryEscape("闽政[2019]1202号"), "/documents/2019-12-2", 303},
		{"文号 search, full-width parentheses", "/search?q=" + url.QueryEscape("闽政（2019）1202号"), "/documents/2019-12-2", 303},
		{"文号 search, spaces and full-width digits", "/search?q=" + url.QueryEscape("闽政 〔２０１９〕 １２０２ 号"), "/documents/2019-12-2", 303},
		{"令 number", "/search?q=" + url.QueryEscape("省政府令 第1201号"), "/documents/2019-12-1", 303},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "GET", tc.path)
			if rec.Code != tc.status || rec.Header().Get("Location") != tc.to {
				t.Errorf("GET %s = %d → %q, want %d → %q", tc.path, rec.Code, rec.Header().Get("Location"), tc.status, tc.to)
			}
		})
	}
	// A 文号 that names nothing stays on the search page and says so.
	body := page(t, h, "/search?q="+url.QueryEscape("闽政〔1999〕1号"))
	if !strings.Contains(body, "没有找到文号为") {
		t.Error("an unknown 文号 is not reported")
	}
}
