package frontend_test

import (
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
)

// TestMalformedQueryRefused: a query string that does not parse is refused
// with a 400 naming the parameter, never answered as a different, wider
// query (issue 16, item 5). Go's url.Values drops a pair that fails to
// unescape or holds a ';' without a word.
func TestMalformedQueryRefused(t *testing.T) {
	h := sharedGazette(t)
	// The well-formed queries the malformed ones would silently become
	// something else than.
	var rules struct{ Total int }
	if rec := do(h, "GET", "/api/v1/search?kind=rule"); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &rules) != nil || rules.Total == 0 {
		t.Fatalf("kind=rule = %d: %.200s", rec.Code, rec.Body)
	}
	cases := []struct {
		name, query, param string
		searchOnly         bool // a query that parses, but not as a search
	}{
		{"a stray percent", "kind=rule%", "kind", false},
		{"a bad escape", "kind=rule%zz", "kind", false},
		{"a semicolon", "kind=rule;", "kind", false},
		{"a semicolon joining pairs", "validity=repealed;x=1", "validity", false},
		{"a malformed date", "from=2019-01-0%", "from", false},
		{"a malformed name", "ki%nd=rule", "ki%nd", false},
		{"a date given twice", "from=2019-01-01&from=junk", "from", true},
		{"a page given twice", "q=x&page=1&page=2", "page", true},
		{"a text not UTF-8", "q=%E6%B3", "q", true},
	}
	paths := []struct {
		name, path   string
		html, search bool
	}{
		{"API search", "/api/v1/search", false, true},
		{"CSV export", "/api/v1/search.csv", false, true},
		{"documents feed", "/feeds/documents.atom", false, false},
		{"issues feed", "/feeds/issues.atom", false, false},
		{"search page", "/search", true, true},
	}
	for _, p := range paths {
		for _, tc := range cases {
			if tc.searchOnly && !p.search {
				continue
			}
			t.Run(p.name+"/"+tc.name, func(t *testing.T) {
				target := p.path + "?" + tc.query
				var header []string
				if p.html {
					header = []string{"Accept", "text/html"}
				}
				rec := do(h, "GET", target, header...)
				if rec.Code != 400 {
					t.Fatalf("GET %s = %d, want 400: %.300s", target, rec.Code, rec.Body)
				}
				body := rec.Body.String()
				if p.html {
					if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
						t.Fatalf("GET %s: Content-Type %q, want a page", target, rec.Header().Get("Content-Type"))
					}
					if !strings.Contains(body, "参数") || !strings.Contains(body, tc.param) {
						t.Errorf("GET %s: the page does not name parameter %q in Chinese: %.600s", target, tc.param, body)
					}
					return
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Fatalf("GET %s: Content-Type %q", target, ct)
				}
				var prob struct {
					Status int
					Detail string
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &prob); err != nil || prob.Status != 400 {
					t.Fatalf("GET %s: not a problem: %v %.300s", target, err, body)
				}
				if !strings.Contains(prob.Detail, `"`+tc.param+`"`) {
					t.Errorf("GET %s: detail %q does not name %q", target, prob.Detail, tc.param)
				}
			})
		}
	}
}

// TestDocumentsFeedFilters: the documents feed takes every kind and
// authority given and refuses the search parameters it does not take,
// instead of ignoring them and answering with all documents (issue 16,
// item 5).
func TestDocumentsFeedFilters(t *testing.T) {
	h := sharedGazette(t)
	kinds := func(path string) map[string]int {
		t.Helper()
		rec := do(h, "GET", path)
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d: %.300s", path, rec.Code, rec.Body)
		}
		var f feed
		if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
			t.Fatalf("GET %s: not Atom: %v", path, err)
		}
		out := map[string]int{}
		for _, e := range f.Entries {
			if len(e.Category) > 0 {
				out[e.Category[0].Term]++
			}
		}
		return out
	}
	both := kinds("/feeds/documents.atom?kind=rule&kind=normative")
	if both["rule"] == 0 || both["normative"] == 0 {
		t.Errorf("kind=rule&kind=normative gives kinds %v, want both", both)
	}
	for _, q := range []string{"validity=repealed", "q=" + url.QueryEscape("营商环境"), "year=2019", "from=2019-01-01"} {
		rec := do(h, "GET", "/feeds/documents.atom?"+q)
		if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET /feeds/documents.atom?%s = %d %q, want 400 problem+json", q, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
}

// TestNothingToSearch: a query of only punctuation or symbols is not
// answered as no query at all, which would list every document (issue 17,
// bad input). The API, the CSV export and the feed refuse it naming q; the
// search page says so beside the form. A query of exclusions alone still
// lists what is left.
func TestNothingToSearch(t *testing.T) {
	h := sharedGazette(t)
	for _, q := range []string{"！！！", "《》、“”", "？", "——", "😀"} {
		for _, path := range []string{"/api/v1/search", "/api/v1/search.csv", "/feeds/search.atom"} {
			target := path + "?q=" + url.QueryEscape(q)
			rec := do(h, "GET", target)
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), `\"q\"`) {
				t.Errorf("GET %s = %d, want a 400 naming q: %.300s", target, rec.Code, rec.Body)
			}
		}
		rec := do(h, "GET", "/search?q="+url.QueryEscape(q), "Accept", "text/html")
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, "中没有可检索的字词，只有标点或符号") {
			t.Errorf("search page for %q = %d without saying there is nothing to search: %.300s", q, rec.Code, body)
		}
		if strings.Contains(body, `class="hit-title"`) || strings.Contains(body, "共找到") {
			t.Errorf("search page for %q lists documents", q)
		}
	}
	var all, rest struct{ Total int }
	if rec := do(h, "GET", "/api/v1/search"); json.Unmarshal(rec.Body.Bytes(), &all) != nil || all.Total == 0 {
		t.Fatalf("no query: %d %.200s", rec.Code, rec.Body)
	}
	rec := do(h, "GET", "/api/v1/search?q="+url.QueryEscape("-营商环境"))
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &rest) != nil || rest.Total == 0 || rest.Total >= all.Total {
		t.Errorf("a query of one exclusion = %d, total %d of %d: %.200s", rec.Code, rest.Total, all.Total, rec.Body)
	}
}

// TestQueryTooLong: a q longer than the search box takes is refused naming
// q, on the reader's page in Chinese.
func TestQueryTooLong(t *testing.T) {
	h := sharedGazette(t)
	q := strings.Repeat("饮用水水源保护区怎么划定", 30)
	rec := do(h, "GET", "/search?q="+url.QueryEscape(q), "Accept", "text/html")
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "超过 256 个字，请缩短后再检索") {
		t.Errorf("search page for %d characters = %d: %.400s", len([]rune(q)), rec.Code, rec.Body)
	}
	rec = do(h, "GET", "/api/v1/search?q="+url.QueryEscape(q))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `parameter \"q\": is longer than 256 characters`) {
		t.Errorf("API search for %d characters = %d: %.400s", len([]rune(q)), rec.Code, rec.Body)
	}
}
