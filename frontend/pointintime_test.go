package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// ruleSite serves frontendtest.RuleSample, its rule corrected once.
func ruleSite(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	if err := frontendtest.Publish(ctx, a, frontendtest.RuleSample(4)); err != nil {
		t.Fatal(err)
	}
	if err := frontendtest.CorrectRule(ctx, a); err != nil {
		t.Fatal(err)
	}
	s, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDocumentAtADay(t *testing.T) {
	h := ruleSite(t)
	const rule = "/documents/" + frontendtest.RuleID
	for _, tc := range []struct {
		name, path      string
		want, notWanted []string
	}{
		{"as printed, before the correction", rule + "?at=2019-12-20",
			[]string{"以下是本文件在2019年12月20日的文本和时效（第1版）", "适用于本省行政区域内的行政执法活动。", `href="/documents/2019-12-1?v=1">公报刊印原文`, `<meta name="robots" content="noindex`, "尚未生效"},
			[]string{"活动和行政检查。", "第四条　本规定", "已被勘误取代", "notice correction"}},
		{"in force from its effective date", rule + "?at=2019-12-28", []string{"现行有效", "（第1版）"}, []string{"尚未生效"}},
		{"corrected", rule + "?at=2020-01-10", []string{"（第2版）", "活动和行政检查。", "第四条　本规定"}, nil},
		{"a future day", rule + "?at=2099-01-01", []string{"所选日期晚于今天", "（第2版）"}, nil},
		{"the day it was signed", rule + "?at=2019-12-01", []string{"（第1版）"}, nil},
		{"repealed on that day", "/documents/2019-12-2?at=2019-12-05",
			[]string{`class="notice ended"`, "本文件已于2019年12月3日被", "废止", `href="/documents/2019-12-3"`}, nil},
		{"before its repeal", "/documents/2019-12-2?at=2019-12-02", []string{"现行有效"}, []string{`class="notice ended"`}},
		{"repealed today", "/documents/2019-12-2", []string{`class="notice ended"`, "本文件已于2019年12月3日被"}, []string{"notice pit"}},
		{"current page links the printed text and the comparison", rule,
			[]string{`href="/documents/2019-12-1?v=1">公报刊印原文`, `href="/documents/2019-12-1/compare?from=1&amp;to=2"`, `name="at"`}, []string{"notice pit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := page(t, h, tc.path)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tc.path, w)
				}
			}
			for _, w := range tc.notWanted {
				if strings.Contains(body, w) {
					t.Errorf("GET %s shows %q", tc.path, w)
				}
			}
		})
	}
	// Before the document existed: a page that says so, and links the
	// first day it did; never a later text instead.
	rec := do(h, "GET", rule+"?at=2019-11-30", "Accept", "text/html")
	if body := rec.Body.String(); rec.Code != 404 || !strings.Contains(body, "本文件在2019年11月30日尚未存在") ||
		!strings.Contains(body, `href="/documents/2019-12-1?at=2019-12-01"`) || strings.Contains(body, "行政执法活动") {
		t.Errorf("before it existed = %d: %.600s", rec.Code, body)
	}
	for _, bad := range []string{"2019-13-01", "2019-02-30", "20191201", "yesterday", "2019年12月1日", "1800-01-01", "2019-12-1"} {
		rec := do(h, "GET", rule+"?at="+url.QueryEscape(bad), "Accept", "text/html")
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "YYYY-MM-DD") {
			t.Errorf("at=%s = %d, want 400 naming the format: %.300s", bad, rec.Code, rec.Body)
		}
	}
	if rec := do(h, "GET", rule+"?at=2020-01-10&v=1"); rec.Code != 400 {
		t.Errorf("at and v together = %d, want 400", rec.Code)
	}
}

func TestDocumentAtADayAPI(t *testing.T) {
	h := ruleSite(t)
	var d struct {
		Version        int
		At             string
		AsPublishedURL string `json:"as_published_url"`
		Body           []string
		Validity       struct{ State string }
	}
	rec := do(h, "GET", "/api/v1/documents/2019-12-1?at=2019-12-20")
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil || rec.Code != 200 {
		t.Fatalf("API at a day = %d %v: %s", rec.Code, err, rec.Body)
	}
	if d.Version != 1 || d.At != "2019-12-20" || d.Validity.State != "not_yet_in_force" || d.AsPublishedURL != publicURL+"/documents/2019-12-1?v=1" || len(d.Body) != 5 {
		t.Errorf("API at 2019-12-20 = %+v", d)
	}
	rec = do(h, "GET", "/api/v1/documents/2019-12-1?at=2019-11-30")
	if rec.Code != 404 || !strings.Contains(rec.Body.String(), "did not yet exist on 2019-11-30") || !strings.Contains(rec.Body.String(), "2019-12-01") {
		t.Errorf("API before it existed = %d: %s", rec.Code, rec.Body)
	}
	conforms(t, h, []apiCase{
		{"document at a day", "/api/v1/documents/2019-12-1?at=2020-01-10", 200},
		{"document at a future day", "/api/v1/documents/2019-12-2?at=2099-01-01", 200},
		{"document before it existed", "/api/v1/documents/2019-12-1?at=2019-11-30", 404},
		{"document at a malformed day", "/api/v1/documents/2019-12-1?at=2019-02-30", 400},
		{"compare", "/api/v1/documents/2019-12-1/compare?from=1&to=2", 200},
		{"compare, the latest change", "/api/v1/documents/2019-12-1/compare", 200},
		{"compare a version with itself", "/api/v1/documents/2019-12-1/compare?from=2&to=2", 400},
		{"compare a missing version", "/api/v1/documents/2019-12-1/compare?from=1&to=3", 404},
		{"compare a document of one version", "/api/v1/documents/2019-12-3/compare", 404},
		{"search in force on a day", "/api/v1/search?q=" + url.QueryEscape("行政执法") + "&in_force_on=2019-12-28", 200},
		{"search in force on a malformed day", "/api/v1/search?in_force_on=someday", 400},
	})
}

func TestCompareVersions(t *testing.T) {
	h := ruleSite(t)
	var cmp struct {
		From, To struct{ Number int }
		Changed  int `json:"changed_blocks"`
		Blocks   []struct {
			Anchor, Label, Status string
			Diff                  []struct{ Op, Text string }
		}
	}
	rec := do(h, "GET", "/api/v1/documents/2019-12-1/compare?from=1&to=2")
	if err := json.Unmarshal(rec.Body.Bytes(), &cmp); err != nil || rec.Code != 200 {
		t.Fatalf("compare = %d %v: %s", rec.Code, err, rec.Body)
	}
	var got []string
	for _, b := range cmp.Blocks {
		got = append(got, b.Anchor+":"+b.Status)
	}
	if want := "chap-1:same art-1:same art-2:changed chap-2:same art-3:same art-4:added"; strings.Join(got, " ") != want || cmp.Changed != 2 {
		t.Errorf("blocks = %v (%d changed), want %s", got, cmp.Changed, want)
	}
	// Character by character: the two words added, nothing else.
	if b := cmp.Blocks[2]; len(b.Diff) != 3 || b.Diff[1].Op != "insert" || b.Diff[1].Text != "和行政检查" || b.Label != "第二条" {
		t.Errorf("第二条 diff = %+v, want 和行政检查 inserted", b)
	}
	// Reversed, the added article is removed where it stood.
	do(h, "GET", "/api/v1/documents/2019-12-1/compare?from=2&to=1")
	rec = do(h, "GET", "/api/v1/documents/2019-12-1/compare?from=2&to=1")
	if !strings.Contains(rec.Body.String(), `"anchor":"art-4","label":"第四条","status":"removed"`) {
		t.Errorf("reversed compare: %s", rec.Body)
	}

	inline := page(t, h, "/documents/2019-12-1/compare?from=1&to=2")
	for _, w := range []string{"<ins>和行政检查</ins>", "第四条（新增）", "第一条（未改动）", `id="art-2"`, "共2处条文有改动", `href="/documents/2019-12-1/compare?from=1&amp;to=2&amp;view=side"`} {
		if !strings.Contains(inline, w) {
			t.Errorf("inline compare lacks %q", w)
		}
	}
	if strings.Contains(inline, "cmp-side") {
		t.Errorf("inline compare holds the side-by-side columns")
	}
	side := page(t, h, "/documents/2019-12-1/compare?from=1&to=2&view=side")
	if !strings.Contains(side, `class="cmp-text cmp-new"`) || !strings.Contains(side, "<ins>和行政检查</ins>") {
		t.Errorf("side-by-side compare lacks its columns")
	}
	if page(t, h, "/documents/2019-12-1/compare") != inline {
		t.Errorf("the default comparison is not the latest change")
	}
	// Two documents: the repealed text beside the one that replaced it,
	// linked from the relation on the repealed one's page.
	rec = do(h, "GET", "/api/v1/documents/2019-12-2/compare?with=2019-12-3")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"with":"2019-12-3"`) || !strings.Contains(rec.Body.String(), `"url":"`+publicURL+`/documents/2019-12-3"`) {
		t.Errorf("compare with another document = %d %s", rec.Code, rec.Body)
	}
	conforms(t, h, []apiCase{{"compare with another document", "/api/v1/documents/2019-12-2/compare?with=2019-12-3", 200}, {"compare with itself", "/api/v1/documents/2019-12-2/compare?with=2019-12-2", 400}})
	if body := page(t, h, "/documents/2019-12-2"); !strings.Contains(body, `href="/documents/2019-12-2/compare?with=2019-12-3">比较正文</a>`) {
		t.Errorf("the repealed document does not link the comparison with the one that repealed it")
	}
	if body := page(t, h, "/documents/2019-12-3"); !strings.Contains(body, `href="/documents/2019-12-2/compare?with=2019-12-3">比较正文</a>`) {
		t.Errorf("the repealing document does not link the comparison with the one it repealed")
	}
	if body := page(t, h, "/documents/2019-12-2/compare?with=2019-12-3"); !strings.Contains(body, "两份文件的现行文本逐条比较") || !strings.Contains(body, `<a href="/documents/2019-12-3">《`) {
		t.Errorf("the comparison of two documents does not name them: %.3000s", body)
	}
	for path, status := range map[string]int{
		"/documents/2019-12-2/compare?with=2019-12":        400,
		"/documents/2019-12-2/compare?with=2019-12-2":      400,
		"/documents/2019-12-2/compare?with=2019-12-3&to=1": 400,
		"/documents/2019-12-2/compare?with=2019-12-99":     404,
		"/documents/2019-12-1/compare?from=1&to=1":         400,
		"/documents/2019-12-1/compare?from=0&to=2":         400,
		"/documents/2019-12-1/compare?from=1":              400,
		"/documents/2019-12-1/compare?from=1&to=2&view=3d": 400,
		"/documents/2019-12-1/compare?from=1&to=9":         404,
		"/documents/2019-12-3/compare":                     404,
		"/documents/2019-12-99/compare":                    404,
	} {
		if rec := do(h, "GET", path, "Accept", "text/html"); rec.Code != status {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, status)
		}
	}
}

func TestArticleAnchors(t *testing.T) {
	h := ruleSite(t)
	body := page(t, h, "/documents/2019-12-1")
	for _, w := range []string{
		`<p id="chap-1" class="head-chap">第一章　总则 <a class="art-link" href="/documents/2019-12-1#chap-1"`,
		`<p id="art-2" class="head-art">第二条`, `href="/documents/2019-12-1#art-2" title="第二条的链接，可复制分享"`,
		`<p id="art-4" class="head-art">`, `<a href="#art-3">第三条</a>`,
	} {
		if !strings.Contains(body, w) {
			t.Errorf("the rule's page lacks %q", w)
		}
	}
	// A search hit inside an article links to it; the filter on the day
	// in force keeps the rule from its effective date on.
	res := page(t, h, "/search?q="+url.QueryEscape("行政检查"))
	if !strings.Contains(res, `href="/documents/2019-12-1?hl=%E8%A1%8C%E6%94%BF%E6%A3%80%E6%9F%A5#art-2"`) {
		t.Errorf("the hit does not link its article: %.2000s", res)
	}
	for day, want := range map[string]bool{"2019-12-27": false, "2019-12-28": true} {
		res := page(t, h, "/search?q="+url.QueryEscape("行政检查")+"&in_force_on="+day)
		if got := strings.Contains(res, `href="/documents/2019-12-1?`); got != want || !strings.Contains(res, `name="in_force_on" value="`+day+`"`) ||
			!strings.Contains(res, `<details class="advanced" open>`) {
			t.Errorf("in force on %s: the rule found %v, want %v", day, got, want)
		}
	}
	if rec := do(h, "GET", "/search?q=x&in_force_on=2019-02-30", "Accept", "text/html"); rec.Code != 400 {
		t.Errorf("a malformed in_force_on = %d, want 400", rec.Code)
	}
	// The documents feed takes no such filter: refused, not ignored.
	if rec := do(h, "GET", "/feeds/documents.atom?in_force_on=2019-12-28"); rec.Code != 400 {
		t.Errorf("the documents feed with in_force_on = %d, want 400", rec.Code)
	}
}
