package frontend_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
)

func TestReaderPages(t *testing.T) { checkReaderPages(t, sharedGazette(t)) }

// checkReaderPages checks every page type of the reader over the sample
// gazette served by h.
func checkReaderPages(t *testing.T, h http.Handler) {
	t.Helper()
	cases := []struct {
		name string
		path string
		want []string
	}{
		{"home", "/", []string{`lang="zh-CN"`, "最新一期", "2020年第1期", "近期各期", `role="search"`, "2019年第12期", "2017年第6期"}},
		{"years", "/years", []string{"2018年", "2019年", "2020年"}},
		{"year", "/years/2019", []string{"2019年第12期", "2019年增刊第1期", "总第"}},
		{"issue", "/issues/2019/12", []string{"目录", "省政府令", "人事任免", "闽政〔2019〕1202号", "/documents/2019-12-2", `href="/issues/2019/12.pdf"`}},
		{"supplement", "/issues/2019/s1", []string{"2019年增刊第1期", "/documents/2019-s1-1"}},
		{"document", "/documents/2019-12-2", []string{"福建省人民政府关于印发", "闽政〔2019〕1202号", "已废止", `href="/documents/2019-12-3"`,
			"福建省人民政府公报 2019年第12期 第3页", "http://gazette.test/documents/2019-12-2", `/issues/2019/12.pdf#page=3`, `rel="prev"`, `rel="next"`, `og:type" content="article"`}},
		{"search", "/search?q=营商环境", []string{"共找到", "<mark>营商环境</mark>", "种类", "发文机关"}},
		{"search filter only", "/search?kind=rule", []string{"共找到", "福建省行政执法程序规定"}},
		{"search tips", "/search", []string{"检索提示"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := page(t, h, tc.path)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: no %q in page", tc.path, w)
				}
			}
		})
	}
}

func TestHead(t *testing.T) {
	h := sharedGazette(t)
	for _, p := range []string{"/", "/documents/2019-12-2", "/issues/2019/12.pdf", "/api/v1/documents/2019-12-2", "/feeds/issues.atom"} {
		get, head := do(h, "GET", p), do(h, "HEAD", p)
		if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Type") != get.Header().Get("Content-Type") {
			t.Errorf("HEAD %s = %d, %d bytes, %q", p, head.Code, head.Body.Len(), head.Header().Get("Content-Type"))
		}
	}
}

// TestEmptyArchive checks that a gazette with nothing published yet still
// answers every page a newcomer may open.
func TestEmptyArchive(t *testing.T) {
	s, err := frontend.New(frontend.Config{Archive: archive.New(archivetest.NewMemBlobs(), nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{"/", 200, "尚无已出版的公报"},
		{"/years", 200, "尚无已出版的公报"},
		{"/years/2019", 404, ""},
		{"/feeds/issues.atom", 200, "<feed"},
		{"/sitemap.xml", 200, "<urlset"},
		{"/api/v1/issues", 200, `"issues":[]`},
		{"/api/v1/issues/latest", 404, ""},
	}
	for _, tc := range cases {
		rec := do(s, "GET", tc.path, "Accept", "text/html")
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("GET %s = %d, want %d with %q: %.200s", tc.path, rec.Code, tc.status, tc.want, rec.Body)
		}
	}
}
