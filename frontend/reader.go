package frontend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// render executes a page template into a buffer, so a template error never
// sends half a page, and writes it; with a cache, the page is kept under key.
func (s *Server) render(c *gin.Context, name string, v *view, pc *pageCache, key string, cc cacheClass) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		s.failPage(c, fmt.Errorf("frontend: render %s: %w", name, err))
		return
	}
	p := newPage("text/html; charset=utf-8", buf.Bytes())
	if pc != nil {
		s.keep(c, pc, key, p, 0, cc)
	}
	s.writePage(c, p, cc)
}

func (s *Server) writePage(c *gin.Context, p *page, cc cacheClass) {
	s.setCacheControl(c, cc)
	writeBytes(c, http.StatusOK, p.ctype, p.etag, p.body, p.gz)
}

// cached answers from pc when it holds key. Otherwise it notes the
// cache's generation, so that the page now rendered is kept only if no
// publication cleared the cache meanwhile.
func (s *Server) cached(c *gin.Context, pc *pageCache, key string, cc cacheClass) bool {
	p, ok := pc.get(key)
	if ok {
		s.writePage(c, p, cc)
		return true
	}
	c.Set(ctxCacheGen, pc.generation())
	c.Set(ctxCacheKey, cacheKey{pc, key})
	return false
}

const ctxCacheGen = "gazette.cachegen"

// cacheGen is the cache generation cached noted for this request; 0, which
// no cache is ever at, when it noted none.
func cacheGen(c *gin.Context) uint64 { return c.GetUint64(ctxCacheGen) }

// entryView is one line of a table of contents.
type entryView struct {
	ID, Title, DocNumber, Kind, Pages string
	First                             int
}

type sectionView struct {
	Name    string
	Entries []entryView
}

// issueView is an issue as its pages show it.
type issueView struct {
	Key         gazette.IssueKey
	Label       string
	Gazette     string
	TotalNumber int
	Published   string
	Path, PDF   string
	PDFSize     string
	PDFPages    int
	Documents   int
	Sections    []sectionView
	published   time.Time
}

func newIssueView(is *gazette.Issue) *issueView {
	v := &issueView{
		Key: is.IssueKey, Label: is.Label(), Gazette: clean(is.Gazette), TotalNumber: is.TotalNumber,
		Published: timeLabel(is.Published), Path: issuePath(is.IssueKey), PDF: issuePath(is.IssueKey) + ".pdf",
		PDFSize: sizeLabel(is.PDF.Size), PDFPages: is.PDF.Pages, Documents: len(is.Contents),
		published: is.Published,
	}
	for _, e := range is.Contents {
		ev := entryView{ID: e.ID, Title: clean(e.Title), DocNumber: clean(e.DocNumber), Kind: e.Kind.Label(), Pages: e.Pages.String(), First: e.Pages.First}
		sec := clean(e.Section)
		if n := len(v.Sections); n == 0 || v.Sections[n-1].Name != sec {
			v.Sections = append(v.Sections, sectionView{Name: sec})
		}
		last := &v.Sections[len(v.Sections)-1]
		last.Entries = append(last.Entries, ev)
	}
	return v
}

// homeView is the front page: the latest issue and the ones before it.
type homeView struct {
	Latest *issueView
	Recent []*issueView
}

// recentIssues returns up to n issues, newest first, from the latest years.
func (s *Server) recentIssues(ctx context.Context, n int) ([]*issueView, error) {
	years, err := s.cfg.Archive.Years(ctx)
	if err != nil {
		return nil, err
	}
	var out []*issueView
	for i := len(years) - 1; i >= 0 && len(out) < n; i-- {
		issues, err := s.cfg.Archive.Issues(ctx, years[i])
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(issues, func(a, b gazette.Issue) int { return b.Published.Compare(a.Published) })
		for j := 0; j < len(issues) && len(out) < n; j++ {
			out = append(out, newIssueView(&issues[j]))
		}
	}
	return out, nil
}

func (s *Server) home(c *gin.Context) {
	if s.cached(c, s.recent, "home", ccRecent) {
		return
	}
	ctx := c.Request.Context()
	var hv homeView
	latest, err := s.cfg.Archive.Latest(ctx)
	switch {
	case errors.Is(err, gazette.ErrNotFound):
	case err != nil:
		s.failPage(c, err)
		return
	default:
		s.sawIssue(latest)
		hv.Latest = newIssueView(latest)
		recent, err := s.recentIssues(ctx, 9)
		if err != nil {
			s.failPage(c, err)
			return
		}
		for _, r := range recent {
			if r.Key != latest.IssueKey {
				hv.Recent = append(hv.Recent, r)
			}
		}
	}
	v := s.view(c, "", "/")
	v.Description = "电子版与历史档案：各期目录、文件全文、按文号与关键词检索。"
	if hv.Latest != nil {
		v.Description = hv.Latest.Gazette + " " + hv.Latest.Label + "，" + hv.Latest.Published + "出版。"
	}
	v.Data = hv
	s.render(c, "home", v, s.recent, "home", ccRecent)
}

// yearView is one year with its issues.
type yearView struct {
	Year   int
	Years  []int
	Issues []*issueView
}

func (s *Server) years(c *gin.Context) {
	if s.cached(c, s.recent, "years", ccRecent) {
		return
	}
	years, err := s.cfg.Archive.Years(c.Request.Context())
	if err != nil {
		s.failPage(c, err)
		return
	}
	slices.Reverse(years)
	v := s.view(c, "往期", "/years")
	v.Description = "按年份浏览全部各期公报。"
	v.Data = yearView{Years: years}
	s.render(c, "years", v, s.recent, "years", ccRecent)
}

func (s *Server) year(c *gin.Context) {
	year, err := parseYear(c.Param("year"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	key := "year:" + strconv.Itoa(year)
	if s.cached(c, s.recent, key, ccRecent) {
		return
	}
	ctx := c.Request.Context()
	issues, err := s.cfg.Archive.Issues(ctx, year)
	if err != nil {
		s.failPage(c, err)
		return
	}
	if len(issues) == 0 {
		s.failPage(c, fmt.Errorf("frontend: no issues in %d: %w", year, gazette.ErrNotFound))
		return
	}
	years, err := s.cfg.Archive.Years(ctx)
	if err != nil {
		s.failPage(c, err)
		return
	}
	slices.Reverse(years)
	yv := yearView{Year: year, Years: years}
	for i := range issues {
		yv.Issues = append(yv.Issues, newIssueView(&issues[i]))
	}
	v := s.view(c, fmt.Sprintf("%d年各期", year), "/years/"+strconv.Itoa(year))
	v.Description = fmt.Sprintf("%d年出版的%d期公报。", year, len(issues))
	v.Data = yv
	s.render(c, "year", v, s.recent, key, ccRecent)
}

// issue answers /issues/{year}/{number} and, with .pdf, the print PDF.
func (s *Server) issue(c *gin.Context) {
	number, isPDF := strings.CutSuffix(c.Param("number"), ".pdf")
	key, err := parseIssueKey(c.Param("year"), number)
	if err != nil {
		s.failPage(c, err)
		return
	}
	if isPDF {
		s.servePDF(c, key, s.failPage)
		return
	}
	if p := issuePath(key); p != c.Request.URL.Path {
		c.Redirect(http.StatusMovedPermanently, p)
		return
	}
	ck := "issue:" + key.String()
	if s.cached(c, s.cache, ck, ccPublished) {
		return
	}
	is, err := s.cfg.Archive.Issue(c.Request.Context(), key)
	if err != nil {
		s.failPage(c, err)
		return
	}
	s.sawIssue(is)
	iv := newIssueView(is)
	v := s.view(c, iv.Label, iv.Path)
	v.Description = fmt.Sprintf("%s %s，%s出版，共%d篇文件。", iv.Gazette, iv.Label, iv.Published, iv.Documents)
	v.Data = iv
	s.render(c, "issue", v, s.cache, ck, ccPublished)
}

// servePDF sends an issue's print PDF with Range (at most maxRanges) and
// conditional requests; its ETag is the SHA-256 the API publishes.
func (s *Server) servePDF(c *gin.Context, key gazette.IssueKey, fail func(*gin.Context, error)) {
	sum, err := s.pdfSHA256(c.Request.Context(), key)
	if err != nil {
		fail(c, err)
		return
	}
	r, info, err := s.cfg.Archive.PDF(c.Request.Context(), key)
	if err != nil {
		fail(c, err)
		return
	}
	defer r.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("ETag", `"`+sum+`"`)
	limitRanges(c.Request)
	h.Set("Cache-Control", ccImmutable)
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="gazette-%s.pdf"`, key))
	http.ServeContent(c.Writer, c.Request, "", info.Modified, r)
}

// documentView is a document as its page shows it.
// pdfPage is a page of the print PDF and its URL.
type pdfPage struct {
	Page int
	URL  string
}

type documentView struct {
	ID, Title, DocNumber, Kind string
	Authorities                []string
	Signed, Published          string
	Effective, Expires         string
	Validity                   gazette.Validity
	ValiditySince              string
	ChangedBy                  string
	ChangedByDoc               *relatedDoc // the document ChangedBy names, by title and 文号
	IndexNumber, Topic         string
	Section                    string
	// What the agency's original prints around the text (GB/T 9704):
	// registration number, 份号, 密级, 紧急程度, 签发人, 主送, the 令's
	// signatory, attachments, 附注, 抄送, 印发机关 and 印发日期.
	Registration, CopyNumber, Secrecy, Urgency string
	Signers, Recipients, CC, Attachments       []string
	Signatory, Note                            string
	PrintedBy, PrintDate                       string
	Body                                       []template.HTML
	Pages                                      string
	FirstPage                                  int
	Version                                    int
	Issue                                      *issueView
	Citation                                   string
	Permalink                                  string
	PDFAtPage                                  string
	// MachineRead lists the pages whose text OCR read from a scan and no
	// person proofread, each with the print PDF at that page.
	MachineRead []pdfPage
	Prev, Next  *entryView
	Highlighted bool
	// Superseded marks an earlier version; CurrentVersion is the latest.
	Superseded     bool
	CurrentVersion int
	Correction     *versionView // the latest correction, if any
	Versions       []versionView
	Timeline       []changeView
	// Caused are the changes of other documents' validity this one made:
	// what it amended, repealed or made invalid.
	Caused []effectView
}

func (s *Server) document(c *gin.Context) {
	id, err := parseDocumentID(c.Param("id"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	key, seq, _ := gazette.ParseDocumentID(id)
	if canon := gazette.DocumentID(key, seq); canon != id {
		c.Redirect(http.StatusMovedPermanently, "/documents/"+canon)
		return
	}
	version, err := versionParam(c.Query("v"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	var needles []string
	if hl := c.Query("hl"); hl != "" {
		qt, err := gazette.ParseQueryText(hl)
		if err != nil {
			s.failPage(c, badRequest("hl: "+strings.TrimPrefix(err.Error(), "search: ")))
			return
		}
		needles = qt.Needles()
		for _, n := range qt.DocNumbers {
			needles = append(needles, n.String())
		}
	}
	// The current version changes with a correction or a validity change,
	// so it is kept briefly (and dropped at once by Invalidate); an earlier
	// version never changes.
	pc, ck, cc := s.docs, "doc:"+id, ccDocument
	if version > 0 {
		pc, ck, cc = s.cache, "doc:"+id+"?v="+strconv.Itoa(version), ccPublished
	}
	if len(needles) == 0 && s.cached(c, pc, ck, cc) {
		return
	}
	ctx := c.Request.Context()
	d, h, err := s.cfg.Archive.DocumentWithHistory(ctx, id)
	if err != nil {
		s.failPage(c, err)
		return
	}
	current := d.Version
	if version == current {
		c.Redirect(http.StatusFound, d.Permalink())
		return
	}
	if version > 0 {
		if d, err = s.cfg.Archive.DocumentVersion(ctx, id, version); err != nil {
			s.failPage(c, err)
			return
		}
	}
	is, err := s.cfg.Archive.Issue(ctx, d.Issue)
	if err != nil {
		s.failPage(c, err)
		return
	}
	s.sawIssue(is)
	dv := newDocumentView(d, is, needles)
	dv.history(h, d.Version, current)
	s.relate(ctx, dv, d, h)
	dv.Permalink = s.abs(d.Permalink())
	v := s.view(c, dv.Title, d.Permalink())
	v.OGType = "article"
	v.Description = dv.Citation
	if dv.DocNumber != "" {
		v.Description = dv.DocNumber + "，" + dv.Citation
	}
	v.Data = dv
	if len(needles) > 0 || version > 0 {
		v.NoIndex = true // the canonical page is the current version
	}
	if len(needles) > 0 {
		v.Query = clean(c.Query("hl"))
		s.render(c, "document", v, nil, "", ccPrivate)
		return
	}
	s.render(c, "document", v, pc, ck, cc)
}

// versionParam parses ?v=, a document version; 0 when absent.
func versionParam(raw string) (int, error) {
	if raw == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < 1 || v > 100_000 {
		return 0, badRequest("v: want a version number, 1 or more")
	}
	return v, nil
}

// versionView is one version of a document in its list of versions.
type versionView struct {
	Number  int
	Href    string
	Date    string
	Reason  string
	Current bool // the version shown
	Latest  bool
}

// changeView is one validity change on a document's timeline.
type changeView struct {
	State     gazette.Validity
	Since     string
	ChangedBy string
	By        *relatedDoc // the document ChangedBy names, by title and 文号
	Note      string
}

// history fills the notice of the latest correction, the list of versions
// and the validity timeline; shown is the version on the page.
func (dv *documentView) history(h *gazette.History, shown, current int) {
	if h == nil {
		return
	}
	dv.Superseded = shown < current
	dv.CurrentVersion = current
	if c := h.LatestCorrection(); c != nil {
		dv.Correction = &versionView{Number: current, Date: dateLabel(c.Date), Reason: clean(c.Reason)}
	}
	if len(h.Versions) > 1 {
		for _, v := range h.Versions {
			vv := versionView{Number: v.Number, Href: "/documents/" + h.ID + "?v=" + strconv.Itoa(v.Number), Current: v.Number == shown, Latest: v.Number == current}
			if v.Number == current {
				vv.Href = "/documents/" + h.ID
			}
			if v.Correction != nil {
				vv.Date, vv.Reason = dateLabel(v.Correction.Date), clean(v.Correction.Reason)
			} else {
				vv.Date = timeLabel(v.At)
			}
			dv.Versions = append(dv.Versions, vv)
		}
	}
	for _, ch := range h.Timeline() {
		cv := changeView{State: ch.State, Since: dateLabel(ch.Since), ChangedBy: ch.ChangedBy, Note: clean(ch.Note)}
		if _, _, err := gazette.ParseDocumentID(cv.ChangedBy); err != nil {
			cv.ChangedBy = ""
		}
		dv.Timeline = append(dv.Timeline, cv)
	}
}

func newDocumentView(d *gazette.Document, is *gazette.Issue, needles []string) *documentView {
	dv := &documentView{
		ID: d.ID, Title: clean(d.Title), DocNumber: clean(d.DocNumber), Kind: d.Kind.Label(),
		Signed: dateLabel(d.Signed), Published: dateLabel(d.Published), Effective: dateLabel(d.Effective), Expires: dateLabel(d.Expires),
		Validity: d.Validity.State, ValiditySince: dateLabel(d.Validity.Since), ChangedBy: d.Validity.ChangedBy,
		IndexNumber: clean(d.IndexNumber), Topic: clean(d.Topic), Section: clean(d.Section),
		Pages: d.Pages.String(), FirstPage: d.Pages.First, Version: d.Version,
		Issue: newIssueView(is), Highlighted: len(needles) > 0,
	}
	if _, _, err := gazette.ParseDocumentID(dv.ChangedBy); err != nil {
		dv.ChangedBy = "" // only ever a link to a document of this site
	}
	for _, a := range d.Authorities {
		dv.Authorities = append(dv.Authorities, clean(a))
	}
	dv.Registration, dv.PrintedBy, dv.PrintDate = clean(d.Registration), clean(d.PrintedBy), dateLabel(d.PrintDate)
	dv.CopyNumber, dv.Secrecy, dv.Urgency = clean(d.CopyNumber), clean(d.Secrecy), clean(d.Urgency)
	dv.Signatory, dv.Note = clean(d.Signatory), clean(d.Note)
	dv.Signers, dv.Recipients, dv.CC = cleanAll(d.Signers), cleanAll(d.Recipients), cleanAll(d.CC)
	dv.Attachments = cleanAll(d.Attachments)
	for _, p := range d.Body {
		dv.Body = append(dv.Body, highlight(p, needles))
	}
	dv.Citation = fmt.Sprintf("%s %s 第%d页", clean(is.Gazette), is.Label(), d.Pages.First)
	dv.PDFAtPage = issuePath(is.IssueKey) + ".pdf#page=" + strconv.Itoa(d.Pages.First)
	for _, p := range d.MachineRead() {
		dv.MachineRead = append(dv.MachineRead, pdfPage{Page: p, URL: issuePath(is.IssueKey) + ".pdf#page=" + strconv.Itoa(p)})
	}
	for i, e := range is.Contents {
		if e.ID != d.ID {
			continue
		}
		if i > 0 {
			p := is.Contents[i-1]
			dv.Prev = &entryView{ID: p.ID, Title: clean(p.Title)}
		}
		if i+1 < len(is.Contents) {
			n := is.Contents[i+1]
			dv.Next = &entryView{ID: n.ID, Title: clean(n.Title)}
		}
	}
	return dv
}

// cleanAll cleans each of a list of names.
func cleanAll(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, clean(n))
	}
	return out
}

// searchView is a search page: the query, its results, facets as links
// and pagination.
type searchView struct {
	Asked     bool
	Q         string
	Form      searchForm
	Total     int
	Hits      []hitView
	Facets    []facetGroup
	Selected  []facetLink
	Pages     []pageLink
	Prev      string
	Next      string
	Page      int
	PageCount int
	DocNumber string // a 文号 searched for and not found
	// Partial says no document matched every word; Matched are the words the
	// best of the partial matches holds.
	Partial bool
	Matched []string
	// DidYouMean are documents numbered a digit or an agency character
	// from a 文号 searched for and not found.
	DidYouMean []suggestionView
}

type suggestionView struct{ DocNumber, Title, Link string }

type searchForm struct {
	From, To, Date, Sort string
	Hidden               []hiddenField
}

type hiddenField struct{ Name, Value string }

type hitView struct {
	ID, Title, DocNumber, Kind, Issue, Pages, Published, Link string
	Validity                                                  gazette.Validity
	Authorities                                               []string
	Snippet                                                   template.HTML
}

type facetGroup struct {
	Name  string
	Links []facetLink
}

type facetLink struct {
	Label    string
	Count    int
	Href     string
	Selected bool
}

type pageLink struct {
	N       int
	Href    string
	Current bool
}

// runSearch runs q within the server's search deadline. Its errors are
// searchFailed, so that an index that is down or past the deadline answers
// 503 saying that search, not the site, is unavailable.
func (s *Server) runSearch(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.SearchTimeout)
	defer cancel()
	if q.Gazette == "" {
		// Short forms of 文号 (省政府令第241号) mean this gazette's own.
		q.Gazette = s.siteName()
	}
	res, err := s.cfg.Archive.Search(ctx, q)
	if err != nil {
		return res, searchFailed{err}
	}
	return res, nil
}

func (s *Server) search(c *gin.Context) {
	key := "search?" + c.Request.URL.RawQuery
	if s.cached(c, s.searches, key, ccPrivate) {
		return
	}
	vals, err := requestQuery(c)
	if err != nil {
		s.failPage(c, err)
		return
	}
	sp, err := parseSearch(vals, false)
	if err != nil {
		s.failPage(c, err)
		return
	}
	v := s.view(c, "检索", "/search")
	v.Query = clean(sp.Text)
	v.NoIndex = true
	sv := searchView{Q: clean(sp.Text), Form: searchForm{From: vals.Get("from"), To: vals.Get("to"), Date: string(sp.DateField), Sort: string(sp.Sort)}}
	for _, name := range []string{"kind", "authority", "year", "validity", "topic"} {
		for _, val := range nonEmpty(vals[name]) {
			sv.Form.Hidden = append(sv.Form.Hidden, hiddenField{name, clean(val)})
		}
	}
	qt, _ := gazette.ParseQueryText(sp.Text)
	sv.Asked = !qt.Empty() || len(sv.Form.Hidden) > 0 || !sp.From.IsZero() || !sp.To.IsZero()
	if !sv.Asked {
		v.Data = sv
		s.render(c, "search", v, nil, "", ccRecent)
		return
	}
	res, err := s.runSearch(c.Request.Context(), sp.Query)
	if err != nil {
		s.failPage(c, err)
		return
	}
	if n := sp.DocNumberOnly; n != nil {
		local := gazette.LocalDocNumbers(*n, s.siteName())
		for _, h := range res.Hits {
			if slices.ContainsFunc(local, func(m gazette.DocNumber) bool { return h.DocNumber == m.String() }) {
				// A 文号 in any spelling goes straight to its document.
				c.Redirect(http.StatusSeeOther, "/documents/"+h.ID)
				return
			}
		}
		sv.DocNumber = n.String()
	}
	for _, d := range res.DidYouMean {
		sv.DidYouMean = append(sv.DidYouMean, suggestionView{DocNumber: clean(d.DocNumber), Title: clean(d.Title), Link: "/documents/" + d.ID})
	}
	v.Title = clean(sp.Text) + " - 检索"
	if sp.Text == "" {
		v.Title = "检索结果"
	}
	sv.Total = res.Total
	sv.Partial = res.Partial
	for _, m := range res.Matched {
		sv.Matched = append(sv.Matched, clean(m))
	}
	for _, h := range res.Hits {
		hv := hitView{
			ID: h.ID, Title: clean(h.Title), DocNumber: clean(h.DocNumber), Kind: h.Kind.Label(),
			Issue: h.Issue.Label(), Pages: h.Pages.String(), Published: dateLabel(h.Published),
			Validity: h.Validity, Snippet: safeSnippet(h.Snippet), Link: "/documents/" + h.ID,
		}
		if sp.Text != "" {
			hv.Link += "?hl=" + url.QueryEscape(sp.Text)
		}
		for _, a := range h.Authorities {
			hv.Authorities = append(hv.Authorities, clean(a))
		}
		sv.Hits = append(sv.Hits, hv)
	}
	sv.Facets, sv.Selected = facetLinks(vals, res.Facets)
	sv.Page = sp.Page
	sv.PageCount = (min(res.Total, gazette.MaxResultWindow) + sp.PerPage - 1) / sp.PerPage
	sv.Pages, sv.Prev, sv.Next = pageLinks(vals, sp.Page, sv.PageCount)
	v.Data = sv
	s.render(c, "search", v, s.searches, key, ccPrivate)
}

// facetLinks turns the facet counts into links that add a value to the
// filters, and the selected values into links that remove it.
func facetLinks(vals url.Values, f gazette.Facets) ([]facetGroup, []facetLink) {
	groups := []struct {
		name, param string
		counts      []gazette.FacetCount
		label       func(string) string
	}{
		{"种类", "kind", f.Kind, func(s string) string { return orValue(gazette.Kind(s).Label(), s) }},
		{"时效性", "validity", f.Validity, func(s string) string { return orValue(gazette.Validity(s).Label(), s) }},
		{"年份", "year", f.Year, func(s string) string { return s + "年" }},
		{"发文机关", "authority", f.Authority, clean},
	}
	var out []facetGroup
	var selected []facetLink
	for _, g := range groups {
		fg := facetGroup{Name: g.name}
		for _, fc := range g.counts {
			if len(fg.Links) == 12 {
				break
			}
			sel := slices.Contains(vals[g.param], fc.Value)
			fg.Links = append(fg.Links, facetLink{Label: g.label(fc.Value), Count: fc.Count, Href: toggled(vals, g.param, fc.Value), Selected: sel})
		}
		for _, val := range nonEmpty(vals[g.param]) {
			selected = append(selected, facetLink{Label: clean(g.label(val)), Href: toggled(vals, g.param, val), Selected: true})
		}
		if len(fg.Links) > 0 {
			out = append(out, fg)
		}
	}
	return out, selected
}

func orValue(label, value string) string {
	if label == "" {
		return value
	}
	return label
}

// toggled is the search URL with value added to or removed from param, back
// on page 1.
func toggled(vals url.Values, param, value string) string {
	nv := url.Values{}
	for k, vs := range vals {
		if k != "page" {
			nv[k] = slices.Clone(vs)
		}
	}
	if i := slices.Index(nv[param], value); i >= 0 {
		nv[param] = slices.Delete(nv[param], i, i+1)
	} else {
		nv[param] = append(nv[param], value)
	}
	return "/search?" + nv.Encode()
}

// pageLinks returns a window of page links around the current page.
func pageLinks(vals url.Values, cur, count int) (links []pageLink, prev, next string) {
	href := func(n int) string {
		nv := url.Values{}
		for k, vs := range vals {
			nv[k] = vs
		}
		if n == 1 {
			nv.Del("page")
		} else {
			nv.Set("page", strconv.Itoa(n))
		}
		return "/search?" + nv.Encode()
	}
	if count <= 1 {
		return nil, "", ""
	}
	lo, hi := max(1, cur-2), min(count, cur+2)
	for n := lo; n <= hi; n++ {
		links = append(links, pageLink{N: n, Href: href(n), Current: n == cur})
	}
	if cur > 1 {
		prev = href(cur - 1)
	}
	if cur < count {
		next = href(cur + 1)
	}
	return links, prev, next
}
