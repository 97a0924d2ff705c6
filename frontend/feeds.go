package frontend

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// Feeds and discovery: Atom feeds of issues and documents, the sitemap,
// the OpenSearch description and robots.txt.

const (
	feedEntries    = 30
	maxSitemapURLs = 50_000 // the sitemap protocol's limit for one file
)

type atomLink struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomEntry struct {
	ID       string     `xml:"id"`
	Title    string     `xml:"title"`
	Updated  string     `xml:"updated"`
	Links    []atomLink `xml:"link"`
	Summary  *atomText  `xml:"summary,omitempty"`
	Category []struct {
		Term string `xml:"term,attr"`
	} `xml:"category,omitempty"`
}

type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"xml:lang,attr"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeXML encodes v and keeps it in the short-lived cache for ttl.
func (s *Server) writeXML(c *gin.Context, ctype string, v any, key string, ttl time.Duration) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		s.fail(c, fmt.Errorf("frontend: encode %s: %w", key, err))
		return
	}
	p := newPage(ctype, buf.Bytes())
	s.keep(c, s.recent, key, p, ttl, ccFeed)
	s.writePage(c, p, ccFeed)
}

func (s *Server) newFeed(self, title string) *atomFeed {
	f := &atomFeed{Lang: "zh-CN", ID: s.abs(self), Title: title, Updated: atomTime(time.Unix(0, 0))}
	f.Author.Name = s.siteName()
	f.Links = []atomLink{{Rel: "self", Type: "application/atom+xml", Href: s.abs(self)}, {Rel: "alternate", Type: "text/html", Href: s.abs("/")}}
	return f
}

// issuesFeed is the Atom feed of the latest issues.
func (s *Server) issuesFeed(c *gin.Context) {
	const key = "feed:issues"
	if s.cached(c, s.recent, key, ccFeed) {
		return
	}
	recent, err := s.recentIssues(c.Request.Context(), feedEntries)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := s.newFeed("/feeds/issues.atom", s.siteName()+"：最新各期")
	for i, iv := range recent {
		if i == 0 {
			f.Updated = atomTime(iv.published)
		}
		var titles []string
		for _, sec := range iv.Sections {
			for _, e := range sec.Entries {
				titles = append(titles, e.Title)
			}
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: s.abs(iv.Path), Title: iv.Gazette + " " + iv.Label, Updated: atomTime(iv.published),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: s.abs(iv.Path)}, {Rel: "enclosure", Type: "application/pdf", Href: s.abs(iv.PDF)}},
			Summary: &atomText{Type: "text", Text: fmt.Sprintf("%s出版，共%d篇：%s", iv.Published, iv.Documents, strings.Join(titles, "；"))},
		})
	}
	s.writeXML(c, "application/atom+xml; charset=utf-8", f, key, recentTTL)
}

// documentsFeed is the Atom feed of the latest documents, optionally of
// one kind or authority (?kind=rule&authority=福建省人民政府).
func (s *Server) documentsFeed(c *gin.Context) {
	s.writeSearchFeed(c, feedFilters, func(vals url.Values, q gazette.Query) (self, title, alternate string) {
		title = s.siteName() + "：最新文件"
		if k := q.Kinds; len(k) > 0 {
			title += "（" + k[0].Label() + "）"
		}
		if a := q.Authorities; len(a) > 0 {
			title += "（" + clean(a[0]) + "）"
		}
		self = "/feeds/documents.atom"
		if len(q.Kinds)+len(q.Authorities) > 0 {
			sv := url.Values{}
			for _, k := range q.Kinds {
				sv.Add("kind", string(k))
			}
			for _, a := range q.Authorities {
				sv.Add("authority", a)
			}
			self += "?" + sv.Encode()
		}
		return self, title, ""
	})
}

// writeSearchFeed answers the feed of the newest documents a search
// finds (its sort and size are the feed's): filter checks the request's
// parameters and returns the search's; describe gives, from them and the
// query as parsed, the feed's own address, its title and the page it is
// the feed of ("" for the home page).
func (s *Server) writeSearchFeed(c *gin.Context, filter func(url.Values) (url.Values, error), describe func(url.Values, gazette.Query) (self, title, alternate string)) {
	in, err := requestQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	vals, err := filter(in)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := "feed:" + c.Request.URL.Path + "?" + vals.Encode()
	if s.cached(c, s.recent, key, ccFeed) {
		return
	}
	q := url.Values{}
	for k, v := range vals {
		q[k] = v
	}
	q.Set("sort", string(gazette.SortNewest))
	q.Set("per_page", fmt.Sprint(feedEntries))
	sp, err := parseSearch(q, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.runSearch(c.Request.Context(), sp.Query)
	if err != nil {
		s.fail(c, err)
		return
	}
	self, title, alternate := describe(vals, sp.Query)
	f := s.newFeed(self, title)
	if alternate != "" {
		f.Links[1].Href = s.abs(alternate)
	}
	s.addHits(c.Request.Context(), f, res.Hits)
	s.writeXML(c, "application/atom+xml; charset=utf-8", f, key, recentTTL)
}

// addHits adds search hits to f as entries, in the order given, and
// moves f's updated to the newest of them.
func (s *Server) addHits(ctx context.Context, f *atomFeed, hits []gazette.Hit) {
	for i, h := range hits {
		updated := h.Published.Time(gazette.ChinaTime)
		if h.Published.IsZero() {
			updated = h.Signed.Time(gazette.ChinaTime)
		}
		if i == 0 || atomTime(updated) > f.Updated {
			f.Updated = atomTime(updated)
		}
		summary := h.Issue.Label() + " 第" + h.Pages.String() + "页"
		if h.DocNumber != "" {
			summary = h.DocNumber + "，" + summary
		}
		e := atomEntry{
			ID: s.abs("/documents/" + h.ID), Title: clean(h.Title), Updated: atomTime(updated),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: s.abs("/documents/" + h.ID)}},
			Summary: &atomText{Type: "text", Text: summary},
		}
		// The documents its text cites, as related links (relations.go).
		e.Links = append(e.Links, s.feedCitationLinks(ctx, h.ID)...)
		e.Category = append(e.Category, struct {
			Term string `xml:"term,attr"`
		}{string(h.Kind)})
		f.Entries = append(f.Entries, e)
	}
}

// correctionsFeed is the Atom feed of corrections (勘误) and validity
// changes, newest first: what changed in documents already published.
func (s *Server) correctionsFeed(c *gin.Context) {
	const key = "feed:corrections"
	if s.cached(c, s.recent, key, ccFeed) {
		return
	}
	ctx := c.Request.Context()
	hs, err := s.cfg.Archive.Histories(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	type change struct {
		id, title, summary, link string
		at                       time.Time
	}
	var changes []change
	for _, h := range hs {
		for _, v := range h.Versions {
			if v.Correction == nil {
				continue
			}
			changes = append(changes, change{
				id: fmt.Sprintf("/documents/%s?v=%d", h.ID, v.Number), link: "/documents/" + h.ID, at: v.At,
				title:   "勘误",
				summary: fmt.Sprintf("%s更正（第%d版）：%s", dateLabel(v.Correction.Date), v.Number, clean(v.Correction.Reason)),
			})
		}
		for i, ch := range h.Validity {
			sum := fmt.Sprintf("自%s起%s", dateLabel(ch.Since), ch.State.Label())
			if ch.ChangedBy != "" {
				sum += "，依据 " + s.abs("/documents/"+ch.ChangedBy)
			}
			changes = append(changes, change{
				id: fmt.Sprintf("/documents/%s#validity-%d", h.ID, i+1), link: "/documents/" + h.ID, at: ch.At,
				title: "时效变更", summary: sum,
			})
		}
	}
	slices.SortStableFunc(changes, func(a, b change) int { return b.at.Compare(a.at) })
	if len(changes) > feedEntries {
		changes = changes[:feedEntries]
	}
	f := s.newFeed("/feeds/corrections.atom", s.siteName()+"：勘误与时效变更")
	titles := map[string]string{}
	for i, ch := range changes {
		if i == 0 {
			f.Updated = atomTime(ch.at)
		}
		id := strings.TrimPrefix(ch.link, "/documents/")
		t, ok := titles[id]
		if !ok {
			if d, err := s.cfg.Archive.Document(ctx, id); err == nil {
				t = clean(d.Title)
			}
			titles[id] = t
		}
		f.Entries = append(f.Entries, atomEntry{
			ID: s.abs(ch.id), Title: ch.title + "：" + t, Updated: atomTime(ch.at),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: s.abs(ch.link)}},
			Summary: &atomText{Type: "text", Text: ch.summary},
		})
	}
	s.writeXML(c, "application/atom+xml; charset=utf-8", f, key, recentTTL)
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemap struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemapXML lists the home page, the years, every issue and every document.
func (s *Server) sitemapXML(c *gin.Context) {
	const key = "sitemap"
	if s.cached(c, s.recent, key, ccFeed) {
		return
	}
	ctx := c.Request.Context()
	years, err := s.cfg.Archive.Years(ctx)
	if err != nil {
		s.fail(c, err)
		return
	}
	sm := sitemap{URLs: []sitemapURL{{Loc: s.abs("/")}, {Loc: s.abs("/years")}}}
	// Newest first, so a cut at the protocol's limit drops the oldest.
	for i := len(years) - 1; i >= 0 && len(sm.URLs) < maxSitemapURLs; i-- {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: s.abs(fmt.Sprintf("/years/%d", years[i]))})
		issues, err := s.cfg.Archive.Issues(ctx, years[i])
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, is := range issues {
			mod := is.Published.Format(time.DateOnly)
			sm.URLs = append(sm.URLs, sitemapURL{Loc: s.abs(issuePath(is.IssueKey)), LastMod: mod})
			for _, e := range is.Contents {
				sm.URLs = append(sm.URLs, sitemapURL{Loc: s.abs("/documents/" + e.ID), LastMod: mod})
			}
		}
	}
	if len(sm.URLs) > maxSitemapURLs {
		sm.URLs = sm.URLs[:maxSitemapURLs]
	}
	// Reading every manifest is costly and crawlers are patient: minutes.
	s.writeXML(c, "application/xml; charset=utf-8", sm, key, 5*time.Minute)
}

type openSearchURL struct {
	Type     string `xml:"type,attr"`
	Method   string `xml:"method,attr,omitempty"`
	Template string `xml:"template,attr"`
}

type openSearch struct {
	XMLName       xml.Name        `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
	ShortName     string          `xml:"ShortName"`
	Description   string          `xml:"Description"`
	InputEncoding string          `xml:"InputEncoding"`
	Language      string          `xml:"Language"`
	Image         *atomText       `xml:"Image"`
	URLs          []openSearchURL `xml:"Url"`
}

func (s *Server) openSearchXML(c *gin.Context) {
	const key = "opensearch"
	if s.cached(c, s.recent, key, ccFeed) {
		return
	}
	icon, _ := s.assets.url("icon.svg")
	name := []rune(s.siteName())
	if len(name) > 16 {
		name = name[:16] // the ShortName limit
	}
	o := openSearch{
		ShortName: string(name), Description: s.siteName() + "：检索文件全文、标题与文号",
		InputEncoding: "UTF-8", Language: "zh-CN", Image: &atomText{Type: "image/svg+xml", Text: s.abs(icon)},
		URLs: []openSearchURL{
			{Type: "text/html", Method: "get", Template: s.abs("/search?q={searchTerms}&page={startPage?}")},
			{Type: "application/json", Template: s.abs("/api/v1/search?q={searchTerms}&page={startPage?}")},
			{Type: "application/opensearchdescription+xml", Template: s.abs("/opensearch.xml")},
		},
	}
	s.writeXML(c, "application/opensearchdescription+xml; charset=utf-8", o, key, recentTTL)
}

func (s *Server) robotsTxt(c *gin.Context) {
	body := []byte("User-agent: *\nDisallow: /search\nDisallow: /api/\nAllow: /api/v1/openapi.json\n\nSitemap: " + s.abs("/sitemap.xml") + "\n")
	c.Header("Cache-Control", "public, max-age=86400")
	writeBytes(c, 200, "text/plain; charset=utf-8", "", body, nil)
}
