package frontend_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/frontend"
)

type suggestAnswer struct {
	Query       string
	Suggestions []struct {
		ID, Title, Validity, URL string
		DocNumber                string `json:"doc_number"`
		ValidityLabel            string `json:"validity_label"`
		APIURL                   string `json:"api_url"`
	}
}

func getSuggest(t *testing.T, h http.Handler, rawQuery string) (int, suggestAnswer, string) {
	t.Helper()
	rec := do(h, "GET", "/api/v1/suggest?"+rawQuery)
	var a suggestAnswer
	if rec.Code == 200 {
		if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
			t.Fatalf("suggest?%s: %v: %s", rawQuery, err, rec.Body)
		}
		if a.Suggestions == nil {
			t.Fatalf("suggest?%s: suggestions is not a list: %s", rawQuery, rec.Body)
		}
	}
	return rec.Code, a, rec.Body.String()
}

func TestSuggestEndpoint(t *testing.T) {
	h := sharedGazette(t)
	q := func(s string) string { return "q=" + url.QueryEscape(s) }

	t.Run("a 文号 in another spelling offers its document first", func(t *testing.T) {
		code, a, body := getSuggest(t, h, q("闽政[2019]1202号"))
		if code != 200 || len(a.Suggestions) == 0 || a.Suggestions[0].ID != "2019-12-2" ||
			a.Suggestions[0].URL != "http://gazette.test/documents/2019-12-2" || a.Suggestions[0].DocNumber != "闽政〔2019〕1202号" {
			t.Fatalf("= %d %s", code, body)
		}
	})
	t.Run("a word inside titles offers those titles, at most eight", func(t *testing.T) {
		code, a, body := getSuggest(t, h, q("最低工资"))
		if code != 200 || len(a.Suggestions) == 0 || len(a.Suggestions) > 8 || a.Query != "最低工资" {
			t.Fatalf("= %d %s", code, body)
		}
		for _, s := range a.Suggestions {
			if !strings.Contains(s.Title, "最低工资") || !strings.HasPrefix(s.URL, "http://gazette.test/documents/") || s.ValidityLabel == "" {
				t.Errorf("offered %+v", s)
			}
		}
	})
	t.Run("in force before repealed", func(t *testing.T) {
		// Every issue's second document is repealed; the same titles recur
		// in every issue.
		_, a, body := getSuggest(t, h, q("福建省"))
		seenRepealed := false
		for _, s := range a.Suggestions {
			if s.Validity == "repealed" || s.Validity == "expired" {
				seenRepealed = true
			} else if seenRepealed {
				t.Fatalf("a document in force after a repealed one: %s", body)
			}
		}
		if len(a.Suggestions) != 8 {
			t.Errorf("福建省 offers %d, want 8: %s", len(a.Suggestions), body)
		}
	})
	t.Run("hostile text is data", func(t *testing.T) {
		code, a, body := getSuggest(t, h, q(`<script>alert("x1")</script>`))
		if code != 200 || strings.Contains(body, "<script>") {
			t.Fatalf("= %d %s", code, body)
		}
		if len(a.Suggestions) == 0 || !strings.Contains(a.Suggestions[0].Title, `<script>alert("x1")</script>`) {
			t.Errorf("the hostile title is not offered as text: %s", body)
		}
	})

	empty := []struct{ name, query string }{
		{"one character", q("水")},
		{"one letter", q("a")},
		{"only punctuation", q("〔〕、。！？——“”")},
		{"only spaces", q("   ")},
		{"empty", "q="},
		{"mixed scripts", q("GDP增长ЖКХ")},
		{"256 characters of question", q(string([]rune(strings.Repeat("饮用水水源保护区怎么划定？", 20))[:256]))},
	}
	for _, tc := range empty {
		t.Run(tc.name, func(t *testing.T) {
			code, a, body := getSuggest(t, h, tc.query)
			if code != 200 || len(a.Suggestions) != 0 {
				t.Errorf("= %d %s, want 200 and no suggestions", code, body)
			}
		})
	}
	bad := []struct{ name, query, detail string }{
		{"257 characters", q(strings.Repeat("怎", 257)), "longer than 256"},
		{"no q", "", "required"},
		{"q twice", "q=ab&q=cd", "more than once"},
		{"unknown parameter", "q=ab&limit=50", "unknown parameter"},
		{"not UTF-8", "q=%ff%fe", "UTF-8"},
		{"control character", "q=a%00b", "control"},
		{"bad escape", "q=%zz", "URL-encoded"},
		{"semicolon", "q=ab;x", "';'"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "GET", "/api/v1/suggest?"+tc.query)
			if rec.Code != 400 || rec.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(rec.Body.String(), tc.detail) {
				t.Errorf("= %d %s %s, want 400 saying %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body, tc.detail)
			}
		})
	}
}

// TestSuggestRateLimit checks that suggestions count against the API's
// per-client rate limit like every other API request.
func TestSuggestRateLimit(t *testing.T) {
	h := newGazette(t, frontend.Config{APIRate: 1, APIBurst: 3})
	limited := 0
	for range 6 {
		req, _ := http.NewRequest("GET", "/api/v1/suggest?q="+url.QueryEscape("营商"), nil)
		req.RemoteAddr = "192.0.2.7:1234"
		rec := newRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == 429 {
			limited++
		}
	}
	if limited == 0 {
		t.Error("six suggestions in a row from one client were never limited")
	}
}

// TestSuggestBoxWithoutScript checks that the search forms are the plain
// forms they were, with the box marked for the script and the script
// loaded deferred from this site.
func TestSuggestBoxWithoutScript(t *testing.T) {
	h := sharedGazette(t)
	for _, p := range []string{"/", "/search?q=" + url.QueryEscape("营商环境")} {
		html := page(t, h, p)
		if !strings.Contains(html, `<form class="search-form" action="/search" method="get" role="search">`) ||
			!strings.Contains(html, `name="q" type="search"`) || !strings.Contains(html, "data-suggest") {
			t.Errorf("GET %s: the search form changed or lacks data-suggest", p)
		}
		if !strings.Contains(html, `<script src="/static/suggest.`) || strings.Contains(html, "<script>") {
			t.Errorf("GET %s: suggest.js is not loaded as a file of this site", p)
		}
	}
}
