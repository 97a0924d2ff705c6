package frontend_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestPartialMatches checks, on bleve, what a reader sees for a question
// that no document matches word for word.
func TestPartialMatches(t *testing.T) { checkPartialMatches(t, sharedGazette(t)) }

// checkPartialMatches checks the search page and the API for a question
// (partial matches, said plainly, with the words matched) and for the exact
// words (unchanged).
func checkPartialMatches(t *testing.T, h http.Handler) {
	t.Helper()
	const question, words = "最低工资标准是多少", "最低工资标准"
	w := do(h, "GET", "/search?q="+url.QueryEscape(question))
	if w.Code != http.StatusOK {
		t.Fatalf("search page for a question: %d", w.Code)
	}
	body := w.Body.String()
	if !strings.Contains(body, "没有完全匹配“"+question+"”的文件，以下是部分匹配的结果") {
		t.Errorf("search page for %q does not say the matches are partial", question)
	}
	if !strings.Contains(body, `<strong class="term">`+words+`</strong>`) {
		t.Errorf("search page for %q does not show %q as the words matched", question, words)
	}
	if _, first, ok := strings.Cut(body, `class="hit-title"`); !ok || !strings.Contains(first[:min(len(first), 400)], words) {
		t.Errorf("search page for %q: the first hit is not about %s", question, words)
	}

	var res struct {
		Total   int      `json:"total"`
		Partial bool     `json:"partial"`
		Matched []string `json:"matched_terms"`
		Hits    []struct {
			Title string `json:"title"`
		} `json:"hits"`
	}
	api := func(q string) {
		t.Helper()
		w := do(h, "GET", "/api/v1/search?q="+url.QueryEscape(q))
		if w.Code != http.StatusOK {
			t.Fatalf("API search %q: %d %s", q, w.Code, w.Body)
		}
		res.Matched, res.Hits = nil, nil
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
	}
	api(question)
	if !res.Partial || !slices.Equal(res.Matched, []string{words}) || len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Title, words) {
		t.Errorf("API for %q: partial %v, matched_terms %q, %d hits; want partial matches of %s first", question, res.Partial, res.Matched, len(res.Hits), words)
	}

	api(words)
	if res.Partial || len(res.Matched) != 0 || res.Total == 0 {
		t.Errorf("API for %q: partial %v, matched_terms %q, total %d; want the exact matches alone", words, res.Partial, res.Matched, res.Total)
	}
	w = do(h, "GET", "/search?q="+url.QueryEscape(words))
	if strings.Contains(w.Body.String(), "部分匹配") {
		t.Errorf("search page for %q, which documents match exactly, speaks of partial matches", words)
	}
}
