package frontend

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// coverage works out the archive's coverage: the published issues, the
// drafts preparing others, and what archivists marked of the gaps.
func (s *Server) coverage(c *gin.Context) (gazette.Coverage, error) {
	ctx := c.Request.Context()
	refs, err := s.cfg.Archive.IssueRefs(ctx)
	if err != nil {
		return gazette.Coverage{}, err
	}
	var review []gazette.IssueRef
	var marks []gazette.GapMark
	if ed := s.cfg.Editorial; ed != nil {
		if review, err = ed.PendingIssues(ctx); err != nil {
			return gazette.Coverage{}, err
		}
		if marks, err = ed.GapMarks(ctx); err != nil {
			return gazette.Coverage{}, err
		}
	}
	return gazette.CoverageOf(refs, review, marks), nil
}

// coverageView is the coverage page: years newest first.
type coverageView struct {
	Years []gazette.YearCoverage
	Gaps  int
	// Editor pages only: the mark form, prefilled from ?year=&number=.
	Mark      markForm
	Done      string
	CanMark   bool
	StateName map[gazette.SlotState]string
}

type markForm struct {
	Year, Number string
}

// slotNames are the states as the page names them.
var slotNames = map[gazette.SlotState]string{
	gazette.SlotPresent:      "已入库",
	gazette.SlotReview:       "整理中",
	gazette.SlotGap:          "缺失",
	gazette.SlotNotPublished: "未出版",
	gazette.SlotLost:         "已佚",
}

func newCoverageView(cv gazette.Coverage) coverageView {
	years := slices.Clone(cv.Years)
	slices.Reverse(years)
	return coverageView{Years: years, Gaps: cv.Gaps, StateName: slotNames}
}

func (s *Server) coveragePage(c *gin.Context) {
	if s.cached(c, s.recent, "coverage", ccRecent) {
		return
	}
	cv, err := s.coverage(c)
	if err != nil {
		s.failPage(c, err)
		return
	}
	v := s.view(c, "馆藏概况", "/coverage")
	v.Description = "各年公报已入库、整理中和缺失的期次。"
	v.Data = newCoverageView(cv)
	s.render(c, "coverage", v, s.recent, "coverage", ccRecent)
}

func (s *Server) apiCoverage(c *gin.Context) {
	if s.cached(c, s.recent, "api:coverage", ccAPIRecent) {
		return
	}
	cv, err := s.coverage(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, cv, ccAPIRecent, s.recent, "api:coverage")
}

// editorCoveragePage is the coverage with the form that marks a gap.
func (s *Server) editorCoveragePage(c *gin.Context) {
	cv, err := s.coverage(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	v := newCoverageView(cv)
	v.CanMark = true
	// Only numbers go back into the form: anything else is dropped.
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= gazette.MinYear && y <= gazette.MaxYear {
		v.Mark.Year = strconv.Itoa(y)
	}
	if n, err := strconv.Atoi(c.Query("number")); err == nil && n >= 1 && n <= gazette.MaxNumber {
		v.Mark.Number = strconv.Itoa(n)
	}
	if c.Query("done") == "1" {
		v.Done = "已记录。"
	}
	s.editorPage(c, http.StatusOK, "editor_coverage", "馆藏缺期", v)
}

// markGapPage records (or clears, with state "") what is known of a gap.
func (s *Server) markGapPage(c *gin.Context) {
	var bad gazette.ValidationError
	year, err := strconv.Atoi(c.PostForm("year"))
	if err != nil {
		bad = append(bad, gazette.FieldError{Field: "year", Problem: "want a year"})
	}
	number, err := strconv.Atoi(c.PostForm("number"))
	if err != nil {
		bad = append(bad, gazette.FieldError{Field: "number", Problem: "want an issue number"})
	}
	state := gazette.SlotState(c.PostForm("state"))
	if state == "clear" {
		state = ""
	}
	if len(bad) > 0 {
		s.editorFail(c, bad)
		return
	}
	m := gazette.GapMark{Key: gazette.IssueKey{Year: year, Number: number}, State: state, Note: c.PostForm("note")}
	if err := s.cfg.Editorial.MarkGap(c.Request.Context(), actorOf(c), m); err != nil {
		s.editorFail(c, err)
		return
	}
	s.recent.clear() // the coverage page and API answer; other replicas within their TTL
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/editor/coverage?done=1#y%d", year))
}
