package frontend_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
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

// A server that has just started knows its gazette's name before its first
// page that shows an issue: the first request it serves, a search for a short
// form of a 文号, reads 省政府令 and 本府令 as this gazette's own
// (福建省人民政府令), and the page carries the gazette's name.
func TestShortFormsOnAFreshServer(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	if err := frontendtest.Publish(context.Background(), a, frontendtest.Sample(frontendtest.Issue2019, 3)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"省政府令第1201号", "本府令 第1201号"} {
		t.Run(q, func(t *testing.T) {
			h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
			if err != nil {
				t.Fatal(err)
			}
			rec := do(h, "GET", "/api/v1/search?q="+url.QueryEscape(q))
			var res struct {
				Hits []struct{ ID string } `json:"hits"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != 200 {
				t.Fatalf("API: %d %v", rec.Code, err)
			}
			if len(res.Hits) != 1 || res.Hits[0].ID != "2019-12-1" {
				t.Errorf("the first search of a fresh server for %s = %+v, want 福建省人民政府令第1201号 (2019-12-1)", q, res.Hits)
			}
			if rec := do(h, "GET", "/search?q="+url.QueryEscape(q)); rec.Code != 303 || rec.Header().Get("Location") != "/documents/2019-12-1" {
				t.Errorf("the search page for %s = %d to %q, want 303 to /documents/2019-12-1", q, rec.Code, rec.Header().Get("Location"))
			}
		})
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	if body := page(t, h, "/search?q="+url.QueryEscape("行政执法")); !strings.Contains(body, "检索 · 福建省人民政府公报</title>") {
		t.Errorf("a fresh server's first search page does not carry the gazette's name: %.200s", body[strings.Index(body, "<title>"):])
	}
}
