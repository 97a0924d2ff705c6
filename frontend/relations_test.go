package frontend_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
)

// In the sample gazette 2019-12-2 cites, in its last paragraph, the rule
// 2019-12-1 by title and 令 number after 根据 (依据), 2018-24-2 by 文号, a
// document the archive lacks, and a report (no citation); 2019-12-3
// repealed it (a validity change).

func TestCitationsLinkInTheReader(t *testing.T) {
	h := sharedGazette(t)
	body := page(t, h, "/documents/2019-12-2")
	for _, want := range []string{
		`<a class="cite-link" href="/documents/2019-12-1" title="《福建省行政执法程序规定》（省政府令第1201号）">《福建省行政执法程序规定》（省政府令第1201号）</a>`,
		`<a class="cite-link" href="/documents/2018-24-2" title="`,
		`>闽政〔2018〕2402号</a>`,
		// unresolved: plain text
		`和《福建省行政许可实施办法》执行`,
		`并报送《年度工作报告》。`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the document page lacks %q", want)
		}
	}
	if n := strings.Count(body, `class="cite-link"`); n != 2 {
		t.Errorf("%d citation links, want 2", n)
	}
	// Both directions, with dates and where each comes from.
	rel := section(t, body, `<section class="relations"`)
	for _, want := range []string{
		"本文件依据、修改、解读或引用的文件",
		`<span class="rel-verb">依据</span> <a href="/documents/2019-12-1">《福建省行政执法程序规定》（省政府令第1201号）</a>`,
		`<span class="rel-verb">引用</span> <a href="/documents/2018-24-2">`,
		"2019年12月2日 · 正文引用",
		"依据、修改、解读或引用本文件的文件",
	} {
		if !strings.Contains(rel, want) {
			t.Errorf("the relations section lacks %q:\n%s", want, rel)
		}
	}
	// The repeal printed with it is among what changed it, dated.
	if want := `<a href="/documents/2019-12-3">《福建省人民政府关于公布取消和下放一批行政许可事项的决定》（闽政〔2019〕1203号）</a> <span class="rel-verb">被废止</span><span class="rel-meta"> · 自2019年12月3日起 · 时效变更`; !strings.Contains(rel, want) {
		t.Errorf("the relations section lacks the repeal %q:\n%s", want, rel)
	}
	// The other direction, on the cited document's page.
	rel = section(t, page(t, h, "/documents/2019-12-1"), `<section class="relations"`)
	if want := `<a href="/documents/2019-12-2">《福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知》（闽政〔2019〕1202号）</a> <span class="rel-verb">被作为依据</span>`; !strings.Contains(rel, want) {
		t.Errorf("2019-12-1 does not show what rests on it: want %q in\n%s", want, rel)
	}
	// A document without relations says so in both directions.
	rel = section(t, page(t, h, "/documents/2020-1-5"), `<section class="relations"`)
	if strings.Count(rel, `<p class="rel-none">无</p>`) != 2 {
		t.Errorf("a document without relations:\n%s", rel)
	}
	// A search word inside a citation is marked inside the link.
	body = page(t, h, "/documents/2019-12-2?hl="+url.QueryEscape("行政执法"))
	if !regexp.MustCompile(`<a class="cite-link" href="/documents/2019-12-1"[^>]*>《福建省<mark>行政执法</mark>程序规定》`).MatchString(body) {
		t.Errorf("the marked word is not inside the citation link")
	}
}

// section returns the HTML from the first occurrence of start to the end
// of its element (the next </section>).
func section(t *testing.T, body, start string) string {
	t.Helper()
	i := strings.Index(body, start)
	if i < 0 {
		t.Fatalf("no %s in the page", start)
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

func TestRelationsInTheAPI(t *testing.T) {
	h := sharedGazette(t)
	type link struct {
		Type, Label, Date, Origin, Provision, Text string
		Document                                   struct{ ID, Title, URL string }
	}
	type citation struct {
		Paragraph, Start, End int
		Text, Ref, Type       string
		Outcome               string
		Document              *struct{ ID string }
	}
	var rel struct {
		ID        string
		Out, In   []link
		Citations []citation
	}
	rec := do(h, "GET", "/api/v1/documents/2019-12-2/relations")
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &rel) != nil {
		t.Fatalf("relations = %d: %s", rec.Code, rec.Body)
	}
	var out []string
	for _, l := range rel.Out {
		out = append(out, l.Type+" "+l.Label+" "+l.Document.ID+" "+l.Date+" "+l.Origin)
	}
	if want := "cites 引用 2018-24-2 2019-12-02 text|based_on 依据 2019-12-1 2019-12-02 text"; strings.Join(out, "|") != want {
		t.Errorf("out = %q, want %q", strings.Join(out, "|"), want)
	}
	if len(rel.In) != 1 || rel.In[0].Type != "repeals" || rel.In[0].Label != "被废止" || rel.In[0].Document.ID != "2019-12-3" || rel.In[0].Origin != "validity" {
		t.Errorf("in = %+v, want the repeal by 2019-12-3", rel.In)
	}
	var cs []string
	for _, c := range rel.Citations {
		s := c.Text + " " + c.Ref + " " + c.Type + " " + c.Outcome
		if c.Document != nil {
			s += " " + c.Document.ID
		}
		cs = append(cs, s)
	}
	want := []string{
		"《福建省行政执法程序规定》（省政府令第1201号） number:省政府令第1201号 based_on resolved 2019-12-1",
		"闽政〔2018〕2402号 number:闽政〔2018〕2402号 cites resolved 2018-24-2",
		"《福建省行政许可实施办法》 title:福建省行政许可实施办法 cites missing",
	}
	if strings.Join(cs, "|") != strings.Join(want, "|") {
		t.Errorf("citations:\n got %q\nwant %q", cs, want)
	}
	// The document JSON carries the same.
	var doc struct {
		Body      []string
		Relations struct{ Out, In []link }
		Citations []citation
	}
	rec = do(h, "GET", "/api/v1/documents/2019-12-2")
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &doc) != nil {
		t.Fatalf("document = %d", rec.Code)
	}
	if len(doc.Relations.Out) != 2 || len(doc.Relations.In) != 1 || len(doc.Citations) != 3 {
		t.Errorf("document JSON relations %+v, citations %+v", doc.Relations, doc.Citations)
	}
	c := doc.Citations[1]
	if got := doc.Body[c.Paragraph][c.Start:c.End]; got != "闽政〔2018〕2402号" {
		t.Errorf("citation offsets give %q", got)
	}
	for path, status := range map[string]int{
		"/api/v1/documents/2019-12-99/relations": 404,
		"/api/v1/documents/2019-12/relations":    400,
	} {
		if rec := do(h, "GET", path); rec.Code != status {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, status)
		}
	}
}

func TestCitationsInTheDocumentsFeed(t *testing.T) {
	h := sharedGazette(t)
	rec := do(h, "GET", "/feeds/documents.atom?authority="+url.QueryEscape("福建省人民政府"))
	var feed struct {
		Entries []struct {
			ID    string `xml:"id"`
			Links []struct {
				Rel   string `xml:"rel,attr"`
				Href  string `xml:"href,attr"`
				Title string `xml:"title,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &feed); err != nil || rec.Code != 200 {
		t.Fatalf("feed = %d %v", rec.Code, err)
	}
	found := false
	for _, e := range feed.Entries {
		var related []string
		for _, l := range e.Links {
			if l.Rel == "related" {
				related = append(related, l.Href+" "+l.Title)
			}
		}
		if strings.HasSuffix(e.ID, "/documents/2019-12-2") {
			found = true
			want := "http://gazette.test/documents/2019-12-1 《福建省行政执法程序规定》（省政府令第1201号）|http://gazette.test/documents/2018-24-2 "
			if got := strings.Join(related, "|"); !strings.HasPrefix(got, want) || len(related) != 2 {
				t.Errorf("2019-12-2 related links %q, want the two cited documents", related)
			}
		} else if len(related) > 0 {
			t.Errorf("%s has related links %q, but its text cites nothing", e.ID, related)
		}
	}
	if !found {
		t.Errorf("2019-12-2 is not among the feed's entries: the fixture changed, and this test must follow it")
	}
}

// A citation of a document whose title carries markup links to it with
// everything escaped: in the link's text, its title attribute, and the
// relations section.
func TestHostileCitationIsEscaped(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	s := frontendtest.Sample(frontendtest.Issue2020, 3)
	evil := `福建省"><script>alert(1)</script>办法`
	s.Documents[0].Title = evil
	s.Documents[1].Body = append(s.Documents[1].Body, "根据《"+evil+"》制定。")
	if err := frontendtest.Publish(ctx, a, s); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	body := page(t, h, "/documents/2020-1-2")
	if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, `"><script`) {
		t.Errorf("the markup of a cited title reaches the page unescaped")
	}
	if !strings.Contains(body, `<a class="cite-link" href="/documents/2020-1-1" title="《福建省&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;办法》`) {
		t.Errorf("the citation does not link, escaped, to the cited document")
	}
}
