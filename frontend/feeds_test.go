package frontend_test

import (
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

type feed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Entries []struct {
		ID       string `xml:"id"`
		Title    string `xml:"title"`
		Updated  string `xml:"updated"`
		Category []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

func TestFeeds(t *testing.T) {
	h := sharedGazette(t)
	cases := []struct {
		name     string
		path     string
		min      int
		wantKind string
		wantID   string
	}{
		{"issues", "/feeds/issues.atom", 5, "", "http://gazette.test/issues/2020/1"},
		{"documents", "/feeds/documents.atom", 20, "", ""},
		{"documents of a kind", "/feeds/documents.atom?kind=rule", 3, "rule", ""},
		{"documents of an authority", "/feeds/documents.atom?authority=" + url.QueryEscape("福建省财政厅"), 2, "normative", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "GET", tc.path)
			if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
				t.Fatalf("GET %s = %d %q", tc.path, rec.Code, rec.Header().Get("Content-Type"))
			}
			var f feed
			if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
				t.Fatalf("not Atom: %v", err)
			}
			if len(f.Entries) < tc.min || f.Updated == "" || f.Title == "" {
				t.Fatalf("feed has %d entries (want ≥ %d), updated %q", len(f.Entries), tc.min, f.Updated)
			}
			if tc.wantID != "" && f.Entries[0].ID != tc.wantID {
				t.Errorf("first entry %q, want %q", f.Entries[0].ID, tc.wantID)
			}
			for i, e := range f.Entries {
				if tc.wantKind != "" && (len(e.Category) == 0 || e.Category[0].Term != tc.wantKind) {
					t.Errorf("entry %q of kind %v, want %s", e.Title, e.Category, tc.wantKind)
				}
				if i > 0 && e.Updated > f.Entries[i-1].Updated {
					t.Errorf("entries not newest first: %s after %s", e.Updated, f.Entries[i-1].Updated)
				}
			}
		})
	}
	if rec := do(h, "GET", "/feeds/documents.atom?kind=poem"); rec.Code != 400 {
		t.Errorf("feed of an unknown kind = %d, want 400", rec.Code)
	}
}

func TestDiscovery(t *testing.T) {
	h := sharedGazette(t)
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	rec := do(h, "GET", "/sitemap.xml")
	if err := xml.Unmarshal(rec.Body.Bytes(), &sm); err != nil {
		t.Fatalf("sitemap: %v", err)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		locs[u.Loc] = true
	}
	for _, want := range []string{"http://gazette.test/", "http://gazette.test/years/2018", "http://gazette.test/issues/2019/s1", "http://gazette.test/documents/2019-12-24", "http://gazette.test/documents/2018-24-1"} {
		if !locs[want] {
			t.Errorf("sitemap lacks %s", want)
		}
	}
	rec = do(h, "GET", "/opensearch.xml")
	if !strings.Contains(rec.Body.String(), `template="http://gazette.test/search?q={searchTerms}`) || !strings.Contains(rec.Header().Get("Content-Type"), "opensearchdescription") {
		t.Errorf("opensearch: %s", rec.Body)
	}
	if !strings.Contains(page(t, h, "/"), `rel="search" type="application/opensearchdescription+xml"`) {
		t.Error("pages do not link the OpenSearch description")
	}
	rec = do(h, "GET", "/robots.txt")
	if !strings.Contains(rec.Body.String(), "Sitemap: http://gazette.test/sitemap.xml") {
		t.Errorf("robots.txt: %s", rec.Body)
	}
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// TestPageWeight checks that every page's HTML, CSS and JavaScript stay
// within 30 KB compressed, and that assets are hashed and cached for good.
func TestPageWeight(t *testing.T) {
	h := sharedGazette(t)
	for _, p := range []string{"/", "/years/2019", "/issues/2019/12", "/documents/2019-12-2", "/search?q=" + url.QueryEscape("营商环境")} {
		rec := do(h, "GET", p, "Accept-Encoding", "gzip")
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET %s not compressed", p)
		}
		total := rec.Body.Len()
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		html, _ := io.ReadAll(zr)
		for _, m := range assetRE.FindAllStringSubmatch(string(html), -1) {
			a := do(h, "GET", m[1], "Accept-Encoding", "gzip")
			if a.Code != 200 || !strings.Contains(a.Header().Get("Cache-Control"), "immutable") {
				t.Errorf("asset %s = %d, Cache-Control %q", m[1], a.Code, a.Header().Get("Cache-Control"))
			}
			if !strings.Contains(m[1], "print.") { // print.css loads only for printing
				total += a.Body.Len()
			}
		}
		t.Logf("%s: %d bytes compressed with its CSS and JS", p, total)
		if total > 30<<10 {
			t.Errorf("GET %s weighs %d bytes compressed, over 30 KB", p, total)
		}
	}
	if rec := do(h, "GET", "/static/site.0000000000.css"); rec.Code != 404 {
		t.Errorf("unknown asset = %d", rec.Code)
	}
}

func TestOfflineSupport(t *testing.T) {
	h := sharedGazette(t)
	rec := do(h, "GET", "/sw.js")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/javascript") || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("sw.js = %d %v", rec.Code, rec.Header())
	}
	sw := rec.Body.String()
	for _, m := range assetRE.FindAllStringSubmatch(page(t, h, "/"), -1) {
		if !strings.Contains(sw, m[1]) {
			t.Errorf("the service worker does not precache %s", m[1])
		}
	}
	var man struct {
		Name     string
		StartURL string `json:"start_url"`
		Icons    []struct{ Src string }
	}
	rec = do(h, "GET", "/manifest.webmanifest")
	if err := json.Unmarshal(rec.Body.Bytes(), &man); err != nil || man.StartURL != "/" || man.Name == "" || len(man.Icons) == 0 {
		t.Errorf("manifest: %v %+v", err, man)
	}
	if a := do(h, "GET", man.Icons[0].Src); a.Code != 200 {
		t.Errorf("manifest icon %s = %d", man.Icons[0].Src, a.Code)
	}
}
