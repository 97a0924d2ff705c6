package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// atomDoc is an Atom feed read without the writer's types: the elements
// RFC 4287 requires, in the Atom namespace.
type atomDoc struct {
	XMLName xml.Name
	ID      string `xml:"http://www.w3.org/2005/Atom id"`
	Title   string `xml:"http://www.w3.org/2005/Atom title"`
	Updated string `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []struct {
		Name string `xml:"http://www.w3.org/2005/Atom name"`
	} `xml:"http://www.w3.org/2005/Atom author"`
	Links   []atomDocLink `xml:"http://www.w3.org/2005/Atom link"`
	Entries []struct {
		ID      string        `xml:"http://www.w3.org/2005/Atom id"`
		Title   string        `xml:"http://www.w3.org/2005/Atom title"`
		Updated string        `xml:"http://www.w3.org/2005/Atom updated"`
		Summary string        `xml:"http://www.w3.org/2005/Atom summary"`
		Links   []atomDocLink `xml:"http://www.w3.org/2005/Atom link"`
		Terms   []struct {
			Term string `xml:"term,attr"`
		} `xml:"http://www.w3.org/2005/Atom category"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

type atomDocLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

func (l atomDocLink) is(rel string) bool { return l.Rel == rel || (rel == "alternate" && l.Rel == "") }

// readAtom fetches path and checks the essentials of RFC 4287: the feed
// element in the Atom namespace with an id (an absolute IRI), a title, an
// updated date-time, an author, a self link to where it was fetched; each
// entry with a unique id, a title, an updated date-time no later than the
// feed's, and an alternate link.
func readAtom(t *testing.T, h http.Handler, path string) atomDoc {
	t.Helper()
	rec := do(h, "GET", path)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("GET %s = %d %q: %.300s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var f atomDoc
	dec := xml.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.Strict = true
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s is not XML: %v", path, err)
	}
	if f.XMLName != (xml.Name{Space: "http://www.w3.org/2005/Atom", Local: "feed"}) {
		t.Fatalf("%s: root %v, want the Atom feed", path, f.XMLName)
	}
	checkIRI := func(what, s string) {
		if u, err := url.Parse(s); err != nil || !u.IsAbs() {
			t.Errorf("%s: %s %q is not an absolute IRI", path, what, s)
		}
	}
	checkTime := func(what, s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Errorf("%s: %s %q is not an RFC 3339 date-time", path, what, s)
		}
		return tm
	}
	checkIRI("feed id", f.ID)
	updated := checkTime("feed updated", f.Updated)
	if strings.TrimSpace(f.Title) == "" || len(f.Authors) == 0 || f.Authors[0].Name == "" {
		t.Errorf("%s: feed title %q, authors %v", path, f.Title, f.Authors)
	}
	// The self link is the feed's canonical address: it answers the same
	// feed.
	if i := slices.IndexFunc(f.Links, func(l atomDocLink) bool { return l.Rel == "self" }); i < 0 || !strings.HasPrefix(f.Links[i].Href, publicURL+"/feeds/") {
		t.Errorf("%s: self link %v", path, f.Links)
	} else if self := do(h, "GET", strings.TrimPrefix(f.Links[i].Href, publicURL)); self.Code != 200 || !bytes.Equal(self.Body.Bytes(), rec.Body.Bytes()) {
		t.Errorf("%s: self link %s answers %d, another feed", path, f.Links[i].Href, self.Code)
	}
	ids := map[string]bool{}
	for _, e := range f.Entries {
		checkIRI("entry id", e.ID)
		if ids[e.ID] {
			t.Errorf("%s: entry id %s twice", path, e.ID)
		}
		ids[e.ID] = true
		if eu := checkTime("entry updated", e.Updated); eu.After(updated) {
			t.Errorf("%s: entry %q updated %s after the feed (%s)", path, e.Title, e.Updated, f.Updated)
		}
		if strings.TrimSpace(e.Title) == "" || !slices.ContainsFunc(e.Links, func(l atomDocLink) bool { return l.is("alternate") }) {
			t.Errorf("%s: entry %s has title %q, links %v", path, e.ID, e.Title, e.Links)
		}
	}
	return f
}

// TestSearchFeed follows searches: the feed lists what the search finds,
// newest first, and says which search it follows; the search page links
// it; a parameter the feed does not take is refused.
func TestSearchFeed(t *testing.T) {
	h := sharedGazette(t)
	cases := []struct {
		name, query, title string
	}{
		{"words and a kind", "q=" + url.QueryEscape("营商环境") + "&kind=normative", "检索“营商环境”（规范性文件）"},
		{"filters only", "authority=" + url.QueryEscape("福建省财政厅") + "&year=2019&validity=in_force", "检索（现行有效，2019年，福建省财政厅）"},
		{"a date range", "date=signed&from=2019-12-01&to=2019-12-05", "检索（2019年12月1日至2019年12月5日）"},
		{"nothing found", "q=" + url.QueryEscape("不存在的词语组合"), "检索“不存在的词语组合”"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := readAtom(t, h, "/feeds/search.atom?"+tc.query)
			if !strings.Contains(f.Title, tc.title) {
				t.Errorf("title %q lacks %q", f.Title, tc.title)
			}
			// The same search through the API, newest first.
			var res struct{ Hits []struct{ ID string } }
			rec := do(h, "GET", "/api/v1/search?"+tc.query+"&sort=newest&per_page=30")
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != 200 {
				t.Fatalf("API search: %d %v", rec.Code, err)
			}
			var want, got []string
			for _, hit := range res.Hits {
				want = append(want, publicURL+"/documents/"+hit.ID)
			}
			for _, e := range f.Entries {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("feed entries %v, want the search's %v", got, want)
			}
			if tc.name != "nothing found" && len(got) == 0 {
				t.Error("the feed is empty")
			}
		})
	}
	// The search page offers the feed of what it shows, in the head and
	// as a link to tap; sort and page are the page's own.
	q := "q=" + url.QueryEscape("营商环境") + "&kind=normative"
	body := page(t, h, "/search?"+q+"&sort=relevance&page=1")
	feed := "/feeds/search.atom?kind=normative&amp;q=" + url.QueryEscape("营商环境")
	for _, want := range []string{
		`<link rel="alternate" type="application/atom+xml" title="营商环境 - 检索：最新文件" href="` + feed + `">`,
		`<a href="` + feed + `" type="application/atom+xml" rel="alternate">订阅此检索（Atom）</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the search page lacks %q", want)
		}
	}
	readAtom(t, h, "/feeds/search.atom?kind=normative&q="+url.QueryEscape("营商环境"))
	refused := []struct{ name, query, param string }{
		{"a misspelt filter", "kinds=rule", "kinds"},
		{"a page", "q=x&page=2", "page"},
		{"a page size", "per_page=5", "per_page"},
		{"another order", "q=x&sort=relevance", "sort"},
		{"an unknown kind", "kind=poem", "poem"},
		{"a short year", "year=19", "year"},
		{"not a date", "from=yesterday", "from"},
		{"a semicolon", "kind=rule;year=2019", "kind"},
		{"words twice", "q=a&q=b", "q"},
		{"malformed", "q=%zz", "q"},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) {
			rec := do(h, "GET", "/feeds/search.atom?"+r.query)
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), r.param) {
				t.Errorf("GET /feeds/search.atom?%s = %d, want 400 naming %q: %.300s", r.query, rec.Code, r.param, rec.Body)
			}
		})
	}
	if f := readAtom(t, h, "/feeds/search.atom?kind=rule&sort=newest"); len(f.Entries) == 0 || f.Entries[0].Terms[0].Term != "rule" {
		t.Errorf("sort=newest, the feed's own order, is taken: %+v", f.Entries)
	}
}

// docFeedArchive is 2019年第12期 (4 documents) on storage with a search
// index and a settable clock, for a document's feed.
func docFeedArchive(t *testing.T) (*archive.Archive, http.Handler, *testClock) {
	t.Helper()
	clk := &testClock{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	a := archive.New(archivetest.NewMemBlobs(), idx, nil, archive.WithClock(clk.Now))
	if err := frontendtest.Publish(context.Background(), a, frontendtest.Sample(frontendtest.Issue2019, 4)); err != nil {
		t.Fatal(err)
	}
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	return a, srv, clk
}

// TestDocumentFeed follows the rule 2019-12-1 through a correction, a
// change of validity and a relation an editor records, beside the
// document whose text rests on it: each is an entry, newest first.
func TestDocumentFeed(t *testing.T) {
	ctx := context.Background()
	a, h, clk := docFeedArchive(t)
	const id = "2019-12-1"
	path := "/feeds/documents/" + id + ".atom"
	f := readAtom(t, h, path)
	titles := func(f atomDoc) []string {
		var out []string
		for _, e := range f.Entries {
			out = append(out, e.Title)
		}
		return out
	}
	based := "被作为依据：《福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知》（闽政〔2019〕1202号）"
	if got := titles(f); !slices.Contains(got, "刊载：福建省行政执法程序规定") || !slices.Contains(got, based) {
		t.Fatalf("the feed before any change: %q", got)
	}
	clk.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d, err := a.Document(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	d.Body = append(d.Body, "本规定自公布之日起施行。")
	if _, err := a.Correct(ctx, id, *d, gazette.Correction{Reason: "补印漏排的施行日期", Date: gazette.Date{Year: 2026, Month: 3, Day: 2}, By: "ed.one"}); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
	if _, err := a.SetValidity(ctx, id, gazette.ValidityChange{State: gazette.Amended, Since: gazette.Date{Year: 2020, Month: 1, Day: 1}, ChangedBy: "2019-12-4", By: "ed.one"}); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC))
	if _, err := a.AddRelation(ctx, "2019-12-3", gazette.Relation{Type: gazette.Interprets, Target: id, Provision: "第二条", By: "ed.one"}); err != nil {
		t.Fatal(err)
	}
	h.(*frontend.Server).Invalidate()
	f = readAtom(t, h, path)
	want := []string{
		"被解读：《福建省人民政府关于公布取消和下放一批行政许可事项的决定》（闽政〔2019〕1203号）",
		"时效变更：已修改",
		"勘误（第2版）",
	}
	if got := titles(f); len(got) < 5 || !slices.Equal(got[:3], want) || !slices.Contains(got, based) || !slices.Contains(got, "刊载：福建省行政执法程序规定") {
		t.Errorf("the feed after the changes, newest first: %q, want %q first", got, want)
	}
	if f.Updated != "2026-03-04T09:00:00Z" {
		t.Errorf("feed updated %s, want the relation's moment", f.Updated)
	}
	for _, e := range f.Entries[:3] {
		if e.Summary == "" {
			t.Errorf("entry %q has no summary", e.Title)
		}
	}
	if s := f.Entries[0].Summary; !strings.Contains(s, "解读本文件（第二条）") {
		t.Errorf("the relation's summary %q does not name the provision", s)
	}
	if s := f.Entries[1].Summary; !strings.Contains(s, "自2020年1月1日起已修改") || !strings.Contains(s, "闽政文〔2019〕1204号") {
		t.Errorf("the validity change's summary %q", s)
	}
	// The document's page links its feed.
	if body := page(t, h, "/documents/"+id); !strings.Contains(body, `href="`+path+`"`) {
		t.Error("the document page does not link its feed")
	}
	refused := []struct {
		path   string
		status int
	}{
		{path + "?since=2026-01-01", 400},
		{"/feeds/documents/2019-12-99.atom", 404},
		{"/feeds/documents/2019-12-1", 404},
		{"/feeds/documents/2019-12-1.rss", 404},
		{"/feeds/documents/hello.atom", 400},
		{"/feeds/documents/2019-012-01.atom", 301},
	}
	for _, r := range refused {
		if rec := do(h, "GET", r.path); rec.Code != r.status {
			t.Errorf("GET %s = %d, want %d", r.path, rec.Code, r.status)
		} else if r.status == 301 && rec.Header().Get("Location") != path {
			t.Errorf("GET %s redirects to %q", r.path, rec.Header().Get("Location"))
		}
	}
}

// TestFollowingEmbargo schedules an issue whose document cites the rule
// 2019-12-1: until its moment neither the rule's feed nor any followed
// search nor a citation shows anything of it, however the caches were
// warmed; at the moment all do.
func TestFollowingEmbargo(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	s := frontendtest.Sample(gazette.IssueKey{Year: 2026, Number: 5}, 3)
	const title = "福建省人民政府关于禁运期间实施执法程序的通知"
	s.Documents[0].Title = title
	s.Documents[0].Body = append(s.Documents[0].Body, "根据《福建省行政执法程序规定》（省政府令第1201号），制定本通知。")
	embargoRun(t, f, s, map[string]string{
		"/feeds/documents/2019-12-1.atom":                       title,
		"/feeds/search.atom?q=" + url.QueryEscape("禁运期间实施执法程序"): title,
		"/feeds/search.atom":                                    title,
		"/feeds/search.atom?year=2026":                          title,
		"/feeds/documents/2026-5-1.atom":                        title,
		"/documents/2026-5-1/citation.ris":                      title,
		"/documents/2026-5-1/citation.json":                     title,
		"/api/v1/documents/2026-5-1/citation":                   title,
	})
}

// TestEveryFeedIsAtom reads every feed the site offers, old and new,
// against RFC 4287's essentials.
func TestEveryFeedIsAtom(t *testing.T) {
	h := sharedGazette(t)
	for _, p := range []string{
		"/feeds/issues.atom", "/feeds/documents.atom", "/feeds/documents.atom?kind=rule", "/feeds/corrections.atom",
		"/feeds/search.atom", "/feeds/search.atom?validity=repealed", "/feeds/documents/2019-12-2.atom", "/feeds/documents/2017-6-1.atom",
	} {
		t.Run(p, func(t *testing.T) { readAtom(t, h, p) })
	}
}
