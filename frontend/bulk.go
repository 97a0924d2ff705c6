package frontend

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/preserve"
)

// Bulk is what the server uses of bulk data and fixity audits
// (preserve.Shelf). Every method is safe for concurrent use; errors are
// gazette.ErrNotFound for what is not published, gazette.ErrInvalid, and
// storage errors.
type Bulk interface {
	// YearBag and IssueBag describe the bag of a year or of an issue:
	// published issues only.
	YearBag(ctx context.Context, year int) (*preserve.Bag, error)
	IssueBag(ctx context.Context, key gazette.IssueKey) (*preserve.Bag, error)
	// Tarball lays out a bag as a seekable tar stream read within ctx.
	Tarball(ctx context.Context, bag *preserve.Bag) (*preserve.Tarball, error)
	// Years lists the published issues by year.
	Years(ctx context.Context) (map[int][]gazette.IssueKey, error)
	// Dumps lists the daily dumps, the newest first; OpenDump opens one.
	Dumps(ctx context.Context) ([]preserve.Dump, error)
	OpenDump(ctx context.Context, day string) (io.ReadSeekCloser, gazette.ObjectInfo, error)
	// Runs lists the recorded fixity audits, the newest first.
	Runs(ctx context.Context, limit int) ([]preserve.Run, error)
}

// errNoBulk answers the bulk routes of a server configured without them.
const errNoBulk = notFoundDetail("this server offers no bulk data")

// bulkListing is /api/v1/bulk and the /bulk page: what can be taken home.
type bulkListing struct {
	Years []bulkYear `json:"years"`
	Dumps []bulkDump `json:"dumps"`
}

type bulkYear struct {
	Year   int         `json:"year"`
	Bag    string      `json:"bag"`
	Issues []bulkIssue `json:"issues"`
}

type bulkIssue struct {
	Issue string `json:"issue"`
	Label string `json:"label"`
	Bag   string `json:"bag"`
}

type bulkDump struct {
	Day  string `json:"day"`
	Size int64  `json:"size"`
	URL  string `json:"url"`
}

func bulkIssuePath(k gazette.IssueKey) string {
	return "/bulk" + issuePath(k) + ".tar"
}

func (s *Server) bulkListing(ctx context.Context) (bulkListing, error) {
	l := bulkListing{Years: []bulkYear{}, Dumps: []bulkDump{}}
	years, err := s.cfg.Bulk.Years(ctx)
	if err != nil {
		return l, err
	}
	for y, keys := range years {
		by := bulkYear{Year: y, Bag: s.abs("/bulk/years/" + strconv.Itoa(y) + ".tar")}
		for _, k := range keys {
			by.Issues = append(by.Issues, bulkIssue{Issue: k.String(), Label: k.Label(), Bag: s.abs(bulkIssuePath(k))})
		}
		l.Years = append(l.Years, by)
	}
	slices.SortFunc(l.Years, func(a, b bulkYear) int { return b.Year - a.Year })
	dumps, err := s.cfg.Bulk.Dumps(ctx)
	if err != nil {
		return l, err
	}
	for _, d := range dumps {
		l.Dumps = append(l.Dumps, bulkDump{Day: d.Day, Size: d.Size, URL: s.abs("/bulk/dumps/" + d.Day + ".jsonl.gz")})
	}
	return l, nil
}

func (s *Server) apiBulk(c *gin.Context) {
	if s.cfg.Bulk == nil {
		s.fail(c, errNoBulk)
		return
	}
	l, err := s.bulkListing(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, l, ccRecent, nil, "")
}

type bulkView struct {
	bulkListing
	Log bool
}

func (s *Server) bulkPage(c *gin.Context) {
	if s.cfg.Bulk == nil {
		s.failPage(c, errNoBulk)
		return
	}
	l, err := s.bulkListing(c.Request.Context())
	if err != nil {
		s.failPage(c, err)
		return
	}
	v := s.view(c, "批量下载", "/bulk")
	v.Description = "按年、按期下载公报的 BagIt 归档包（含透明日志证明），以及全部现行文件的每日 JSON Lines 数据。"
	v.Data = bulkView{bulkListing: l, Log: s.cfg.Transparency != nil}
	s.render(c, "bulk", v, nil, "", ccRecent)
}

// bulkYearBag serves /bulk/years/{year}.tar.
func (s *Server) bulkYearBag(c *gin.Context) {
	if s.cfg.Bulk == nil {
		s.fail(c, errNoBulk)
		return
	}
	ys, ok := strings.CutSuffix(c.Param("file"), ".tar")
	if !ok {
		s.fail(c, notFoundDetail("bags are served as YEAR.tar"))
		return
	}
	year, err := parseYear(ys)
	if err != nil {
		s.fail(c, err)
		return
	}
	bag, err := s.cfg.Bulk.YearBag(c.Request.Context(), year)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.serveBag(c, bag)
}

// bulkIssueBag serves /bulk/issues/{year}/{number}.tar.
func (s *Server) bulkIssueBag(c *gin.Context) {
	if s.cfg.Bulk == nil {
		s.fail(c, errNoBulk)
		return
	}
	n, ok := strings.CutSuffix(c.Param("number"), ".tar")
	if !ok {
		s.fail(c, notFoundDetail("bags are served as NUMBER.tar"))
		return
	}
	key, err := parseIssueKey(c.Param("year"), n)
	if err != nil {
		s.fail(c, err)
		return
	}
	bag, err := s.cfg.Bulk.IssueBag(c.Request.Context(), key)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.serveBag(c, bag)
}

// serveBag streams a bag as tar, with Range and If-Range: its layout and
// size are known before a byte is read, and its ETag changes whenever its
// bytes would (a proof to a newer checkpoint).
func (s *Server) serveBag(c *gin.Context, bag *preserve.Bag) {
	tb, err := s.cfg.Bulk.Tarball(c.Request.Context(), bag)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer tb.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", "application/x-tar")
	h.Set("ETag", bag.ETag())
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.tar"`, bag.Name))
	limitRanges(c.Request)
	http.ServeContent(c.Writer, c.Request, "", bag.Modified, tb)
}

// bulkDumpFile serves /bulk/dumps/{day}.jsonl.gz, with Range.
func (s *Server) bulkDumpFile(c *gin.Context) {
	if s.cfg.Bulk == nil {
		s.fail(c, errNoBulk)
		return
	}
	day, ok := strings.CutSuffix(c.Param("file"), ".jsonl.gz")
	if !ok {
		s.fail(c, notFoundDetail("dumps are served as YYYY-MM-DD.jsonl.gz"))
		return
	}
	if _, err := gazette.ParseDate(day); err != nil {
		s.fail(c, badRequest(fmt.Sprintf("day %.20q: want YYYY-MM-DD", day)))
		return
	}
	r, info, err := s.cfg.Bulk.OpenDump(c.Request.Context(), day)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer r.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", "application/gzip")
	if info.ETag != "" {
		h.Set("ETag", `"`+strings.Trim(info.ETag, `"`)+`"`)
	}
	h.Set("Cache-Control", ccImmutable)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gazette-documents-%s.jsonl.gz"`, day))
	limitRanges(c.Request)
	http.ServeContent(c.Writer, c.Request, "", info.Modified, r)
}

// fixityView is the editors' page of fixity audits.
type fixityView struct {
	Runs []fixityRow
}

type fixityRow struct {
	preserve.Run
	MBps, Rate string
}

// maxRunsShown bounds the runs the editors' page lists.
const maxRunsShown = 50

func (s *Server) fixityRuns(c *gin.Context, fail func(*gin.Context, error)) ([]preserve.Run, bool) {
	if s.cfg.Bulk == nil {
		fail(c, errNoBulk)
		return nil, false
	}
	runs, err := s.cfg.Bulk.Runs(c.Request.Context(), maxRunsShown)
	if err != nil {
		fail(c, err)
		return nil, false
	}
	return runs, true
}

func (s *Server) fixityPage(c *gin.Context) {
	runs, ok := s.fixityRuns(c, s.editorFail)
	if !ok {
		return
	}
	v := fixityView{}
	for _, r := range runs {
		v.Runs = append(v.Runs, fixityRow{Run: r, MBps: fmt.Sprintf("%.1f", r.MBps()), Rate: fmt.Sprintf("%.0f", r.ObjectsPerSecond())})
	}
	s.editorPage(c, http.StatusOK, "editor_fixity", "固定性检查", v)
}

func (s *Server) apiFixity(c *gin.Context) {
	runs, ok := s.fixityRuns(c, s.apiFail)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"runs": runs})
}

// bulkRoutes declares the bulk downloads, their listing, and the editors'
// view of the fixity audits (see routes.go).
func (s *Server) bulkRoutes(get func(gin.IRoutes, string, gin.HandlerFunc), api *gin.RouterGroup) {
	e := s.engine
	get(e, "/bulk", s.bulkPage)
	get(e, "/bulk/years/:file", s.bulkYearBag)           // YEAR.tar
	get(e, "/bulk/issues/:year/:number", s.bulkIssueBag) // NUMBER.tar
	get(e, "/bulk/dumps/:file", s.bulkDumpFile)          // YYYY-MM-DD.jsonl.gz
	get(api, "/bulk", s.apiBulk)
	if s.cfg.Editorial == nil {
		return
	}
	ed := e.Group("/editor", s.editorHeaders(), s.sameOrigin(), s.requireSession())
	get(ed, "/fixity", s.fixityPage)
	ea := api.Group("/editor", s.editorHeaders(), s.requireToken())
	ea.GET("/fixity", s.apiFixity)
}
