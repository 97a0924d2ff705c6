package frontend_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// A 文号 the archive lacks, a digit or an agency character from one it
// holds, is answered with a link to that document on the page and in the
// API, not with a silent empty page.
func TestDocNumberDidYouMean(t *testing.T) {
	h := sharedGazette(t)
	for _, q := range []string{"闽政〔2018〕1202号", "闽政〔2019〕1220号", "闽府〔2019〕1202号"} {
		t.Run(q, func(t *testing.T) {
			body := page(t, h, "/search?q="+url.QueryEscape(q))
			if !strings.Contains(body, "您是不是要找") || !strings.Contains(body, `href="/documents/2019-12-2"`) {
				t.Errorf("search page for %s offers no link to 闽政〔2019〕1202号", q)
			}
			rec := do(h, "GET", "/api/v1/search?q="+url.QueryEscape(q))
			var res struct {
				DidYouMean []map[string]string `json:"did_you_mean"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != 200 {
				t.Fatalf("API: %d %v", rec.Code, err)
			}
			found := false
			for _, d := range res.DidYouMean {
				found = found || d["id"] == "2019-12-2" && d["doc_number"] == "闽政〔2019〕1202号" &&
					d["url"] == publicURL+"/documents/2019-12-2" && d["for"] != ""
			}
			if !found {
				t.Errorf("API did_you_mean for %s = %v, want 闽政〔2019〕1202号 among them", q, res.DidYouMean)
			}
		})
	}
	// A number far from any says so, and suggests nothing.
	body := page(t, h, "/search?q="+url.QueryEscape("闽政〔2019〕9999号"))
	if strings.Contains(body, "您是不是要找") {
		t.Error("a number far from any got a suggestion")
	}
}
