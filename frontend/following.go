package frontend

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// Following (issue 20): any search, with its filters, as an Atom feed of
// the newest documents it finds (/feeds/search.atom?q=…&kind=…), and one
// document's changes as a feed of their own (/feeds/documents/{id}.atom):
// its publication, corrections, validity changes, and every relation made
// to it or recorded for it since, new documents citing it among them. Both
// are embargo-safe as every feed is: search finds only published
// documents, Relations shows only those published, and the answers are
// kept no longer than the next scheduled publication (freshness.go). A
// parameter that is not understood is refused, never ignored: ignoring one
// would widen the feed.

// searchFeedParams are the parameters of /search a feed follows; sort,
// page and per_page are the feed's own (newest first, one page).
var searchFeedParams = []string{"q", "kind", "authority", "year", "validity", "topic", "from", "to", "date"}

// searchFeedQuery checks the parameters of a followed search and returns
// them without sort.
func searchFeedQuery(in url.Values) (url.Values, error) {
	out := url.Values{}
	for name, vals := range in {
		switch {
		case slices.Contains(searchFeedParams, name):
			out[name] = vals
		case name == "sort":
			if len(vals) != 1 || (vals[0] != string(gazette.SortNewest) && vals[0] != "") {
				return nil, badQuery{name, "a feed lists the newest documents first: leave sort out or give newest", "不适用于订阅：订阅总是按最新排序，请去掉 sort 或设为 newest"}
			}
		case name == "page" || name == "per_page":
			return nil, badQuery{name, fmt.Sprintf("a feed has no pages: it lists the newest %d documents", feedEntries), fmt.Sprintf("不适用于订阅：订阅不分页，只列出最新的%d篇", feedEntries)}
		default:
			return nil, badQuery{name, "not a search parameter: a feed follows q, kind, authority, year, validity, topic, from, to and date", "不是检索参数：订阅可按 q、kind、authority、year、validity、topic、from、to、date 筛选"}
		}
	}
	return out, nil
}

// searchFeedPath is the feed that follows the search of the reader's
// parameters vals, without its page and sort; "" when vals hold a
// parameter a feed does not take.
func searchFeedPath(vals url.Values) string {
	in := url.Values{}
	for k, v := range vals {
		if k != "page" && k != "sort" {
			in[k] = v
		}
	}
	out, err := searchFeedQuery(in)
	if err != nil {
		return ""
	}
	if len(out) == 0 {
		return "/feeds/search.atom"
	}
	return "/feeds/search.atom?" + out.Encode()
}

// searchFeedTitle names a followed search: its words and its filters.
func (s *Server) searchFeedTitle(q gazette.Query) string {
	title := s.siteName() + "：检索"
	if q.Text != "" {
		title += "“" + clean(q.Text) + "”"
	}
	var parts []string
	for _, k := range q.Kinds {
		parts = append(parts, k.Label())
	}
	for _, v := range q.Validity {
		parts = append(parts, v.Label())
	}
	for _, y := range q.Years {
		parts = append(parts, fmt.Sprintf("%d年", y))
	}
	for _, a := range q.Authorities {
		parts = append(parts, clean(a))
	}
	for _, t := range q.Topics {
		parts = append(parts, clean(t))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		parts = append(parts, strings.TrimSpace(dateLabel(q.From)+"至"+dateLabel(q.To)))
	}
	if len(parts) > 0 {
		title += "（" + strings.Join(parts, "，") + "）"
	}
	return title + "：最新文件"
}

// searchFeed is the Atom feed of a search: the newest documents it finds.
func (s *Server) searchFeed(c *gin.Context) {
	s.writeSearchFeed(c, searchFeedQuery, func(vals url.Values, q gazette.Query) (string, string, string) {
		self := "/feeds/search.atom"
		if len(vals) > 0 {
			self += "?" + vals.Encode()
		}
		return self, s.searchFeedTitle(q), "/search?" + vals.Encode()
	})
}

// documentFeedPath is the feed of the changes to document id.
func documentFeedPath(id string) string { return "/feeds/documents/" + id + ".atom" }

// maxDocumentFeedEntries bounds the entries of a document's feed.
const maxDocumentFeedEntries = 50

// dated is a feed entry with the moment that orders it.
type dated struct {
	at time.Time
	e  atomEntry
}

// documentFeed is the Atom feed of the changes to one document: its
// publication, its corrections and validity changes, and the relations
// made to it or recorded for it (new documents citing it among them),
// newest first.
func (s *Server) documentFeed(c *gin.Context) {
	raw, ok := strings.CutSuffix(c.Param("file"), ".atom")
	if !ok {
		s.fail(c, notFoundDetail("no such feed: a document's feed is /feeds/documents/{id}.atom"))
		return
	}
	id, err := canonicalID(raw)
	if err != nil {
		s.fail(c, err)
		return
	}
	if id != raw {
		c.Redirect(http.StatusMovedPermanently, documentFeedPath(id))
		return
	}
	in, err := requestQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	for name := range in {
		s.fail(c, badQuery{name, "the feed of a document takes no parameters", "不适用于文件变更订阅：该订阅不接受参数"})
		return
	}
	key := "feed:doc:" + id
	if s.cached(c, s.recent, key, ccFeed) {
		return
	}
	ctx := c.Request.Context()
	d, h, is, err := s.cfg.Archive.DocumentPage(ctx, id, 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sawIssue(is)
	entries, err := s.documentChanges(ctx, d, h, is)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := s.newFeed(documentFeedPath(id), s.siteName()+"：《"+clean(d.Title)+"》的变更")
	f.Links[1].Href = s.abs(d.Permalink())
	slices.SortStableFunc(entries, func(a, b dated) int { return b.at.Compare(a.at) })
	if len(entries) > maxDocumentFeedEntries {
		entries = entries[:maxDocumentFeedEntries]
	}
	for i, e := range entries {
		if i == 0 {
			f.Updated = atomTime(e.at)
		}
		f.Entries = append(f.Entries, e.e)
	}
	s.writeXML(c, "application/atom+xml; charset=utf-8", f, key, recentTTL)
}

// documentChanges are the entries of the feed of document d, with history
// h, printed in is.
func (s *Server) documentChanges(ctx context.Context, d *gazette.Document, h *gazette.History, is *gazette.Issue) ([]dated, error) {
	page := s.abs(d.Permalink())
	entry := func(at time.Time, id, title, summary string, links ...atomLink) dated {
		links = append([]atomLink{{Rel: "alternate", Type: "text/html", Href: page}}, links...)
		return dated{at, atomEntry{ID: id, Title: title, Updated: atomTime(at), Links: links, Summary: &atomText{Type: "text", Text: summary}}}
	}
	related := func(r relatedDoc) atomLink {
		return atomLink{Rel: "related", Type: "text/html", Href: s.abs("/documents/" + r.ID), Title: r.Label()}
	}
	where := is.Label() + " 第" + d.Pages.String() + "页"
	out := []dated{entry(is.Published, page, "刊载："+clean(d.Title), fmt.Sprintf("刊载于%s%s", clean(is.Gazette), where))}
	if h == nil {
		return out, nil
	}
	for _, v := range h.Versions {
		if v.Correction == nil {
			continue
		}
		out = append(out, entry(v.At, s.abs(fmt.Sprintf("%s?v=%d", d.Permalink(), v.Number)), fmt.Sprintf("勘误（第%d版）", v.Number),
			fmt.Sprintf("%s更正（第%d版）：%s", dateLabel(v.Correction.Date), v.Number, clean(v.Correction.Reason))))
	}
	var ids []string
	for _, ch := range h.Validity {
		ids = append(ids, ch.ChangedBy)
	}
	var rs *gazette.Relations
	if ra, ok := s.cfg.Archive.(relationsArchive); ok {
		var err error
		if rs, err = ra.Relations(ctx, d.ID); err != nil {
			return nil, err
		}
		ids = append(ids, linkIDs(rs)...)
	}
	docs := s.relatedDocs(ctx, ids...)
	for i, ch := range h.Validity {
		sum := fmt.Sprintf("自%s起%s", dateLabel(ch.Since), ch.State.Label())
		var links []atomLink
		if r, ok := docs[ch.ChangedBy]; ok {
			sum += "，依据" + r.Label()
			links = append(links, related(r))
		}
		if n := clean(ch.Note); n != "" {
			sum += "：" + n
		}
		out = append(out, entry(ch.At, s.abs(fmt.Sprintf("%s#validity-%d", d.Permalink(), i+1)), "时效变更："+ch.State.Label(), sum, links...))
	}
	if rs == nil {
		return out, nil
	}
	published := map[gazette.IssueKey]time.Time{is.IssueKey: is.Published}
	// when is the moment a relation became known: when it was recorded,
	// else when the document that makes it was published.
	when := func(l gazette.Link, maker string) (time.Time, error) {
		if l.At != nil {
			return *l.At, nil
		}
		key, _, err := gazette.ParseDocumentID(maker)
		if err != nil {
			return time.Time{}, err
		}
		if t, ok := published[key]; ok {
			return t, nil
		}
		mi, err := s.cfg.Archive.Issue(ctx, key)
		if err != nil {
			return time.Time{}, err
		}
		published[key] = mi.Published
		return mi.Published, nil
	}
	feedID := s.abs(documentFeedPath(d.ID))
	linkID := func(dir string, l gazette.Link, other string) string {
		id := fmt.Sprintf("%s#%s-%s-%s", feedID, dir, l.Type, other)
		if l.Provision != "" {
			id += "-" + url.PathEscape(l.Provision)
		}
		if l.Origin == gazette.OriginValidity && !l.Date.IsZero() {
			id += "-" + l.Date.String()
		}
		return id
	}
	provision := func(l gazette.Link) string {
		if l.Provision == "" {
			return ""
		}
		return "（" + l.Provision + "）"
	}
	for _, l := range rs.In {
		if l.Origin == gazette.OriginValidity {
			continue // its own validity changes, listed above
		}
		at, err := when(l, l.From)
		if err != nil {
			return nil, err
		}
		r := docs[l.From]
		out = append(out, entry(at, linkID("in", l, l.From), l.Type.InverseLabel()+"："+r.Label(),
			fmt.Sprintf("%s%s本文件%s%s", r.Label(), l.Type.Label(), provision(l), relationDate(l)), related(r)))
	}
	for _, l := range rs.Out {
		if l.At == nil {
			continue // read from its own text: part of its publication
		}
		r := docs[l.To]
		out = append(out, entry(*l.At, linkID("out", l, l.To), "本文件"+l.Type.Label()+"："+r.Label(),
			fmt.Sprintf("本文件%s%s%s%s", l.Type.Label(), r.Label(), provision(l), relationDate(l)), related(r)))
	}
	return out, nil
}

// relationDate is the date of a relation (when it takes effect, or the
// date of the document that makes it), as a feed says it.
func relationDate(l gazette.Link) string {
	if l.Date.IsZero() {
		return ""
	}
	return "，" + dateLabel(l.Date)
}
