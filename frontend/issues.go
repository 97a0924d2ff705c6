package frontend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

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
	// Proof is the print PDF's inclusion proof in the transparency log
	// (verifiable offline with gazette verify); "" without a log.
	Proof     string
	PDFSize   string
	PDFPages  int
	Documents int
	Sections  []sectionView
	published time.Time
}

func newIssueView(is *gazette.Issue) *issueView {
	v := issueHead(is)
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

// issueHead is the view of an issue without its table of contents, as a
// document's page shows its issue: that page has no use for the fifty
// other entries.
func issueHead(is *gazette.Issue) *issueView {
	return &issueView{
		Key: is.IssueKey, Label: is.Label(), Gazette: clean(is.Gazette), TotalNumber: is.TotalNumber,
		Published: timeLabel(is.Published), Path: issuePath(is.IssueKey), PDF: issuePath(is.IssueKey) + ".pdf",
		PDFSize: sizeLabel(is.PDF.Size), PDFPages: is.PDF.Pages, Documents: len(is.Contents),
		published: is.Published,
	}
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
	if s.cfg.Transparency != nil {
		iv.Proof = "/api/v1" + iv.Path + "/proof"
	}
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
