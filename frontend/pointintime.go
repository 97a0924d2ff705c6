package frontend

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// pointInTimeArchive is what a document read as it stood on a day needs
// (*archive.Archive has it): the version and validity of then
// (archive.DocumentAt), or an *archive.NotYetError for a day before the
// document existed. Safe for concurrent use.
type pointInTimeArchive interface {
	DocumentAt(ctx context.Context, id string, day gazette.Date) (*gazette.Document, *gazette.History, *gazette.Issue, error)
}

var isoDateRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// atParam parses ?at=, the day a document is read as it stood on, written
// YYYY-MM-DD; zero when absent. Anything else is refused, never read as
// "today".
func atParam(raw string) (gazette.Date, error) {
	if raw == "" {
		return gazette.Date{}, nil
	}
	bad := badRequest("at: want a date written YYYY-MM-DD, such as 2019-04-28, between " +
		strconv.Itoa(gazette.MinYear) + " and " + strconv.Itoa(gazette.MaxYear))
	if !isoDateRE.MatchString(raw) {
		return gazette.Date{}, bad
	}
	d, err := gazette.ParseDate(raw)
	if err != nil || d.Year < gazette.MinYear || d.Year > gazette.MaxYear {
		return gazette.Date{}, bad
	}
	return d, nil
}

// documentAt reads document id as it stood on day, or its version v (0:
// the current one) when day is zero.
func (s *Server) documentAt(ctx context.Context, id string, v int, day gazette.Date) (*gazette.Document, *gazette.History, *gazette.Issue, error) {
	if day.IsZero() {
		return s.cfg.Archive.DocumentPage(ctx, id, v)
	}
	pa, ok := s.cfg.Archive.(pointInTimeArchive)
	if !ok {
		return nil, nil, nil, notFoundDetail("this archive keeps no history to read a document as it stood on a day")
	}
	return pa.DocumentAt(ctx, id, day)
}

// atView says on a document's page which day it is read as of.
type atView struct {
	ISO, Label string
	// Future: the day is after today, and the page shows what is known
	// today (changes recorded to take effect by then).
	Future bool
}

func newAtView(day gazette.Date) *atView {
	if day.IsZero() {
		return nil
	}
	today := today()
	return &atView{ISO: day.String(), Label: dateLabel(day), Future: day.Compare(today) > 0}
}

// endView says, on the first screen of a repealed or expired document,
// since when and by what.
type endView struct {
	State gazette.Validity
	Since string
	By    *relatedDoc
	Verb  string // 废止, 宣布失效
}

// endNotice fills dv.Ended when the validity shown is repealed or expired:
// the date and the document from the validity record, else from the
// relations that repeal it or end it (废止, 失效) and their dates.
func (dv *documentView) endNotice() {
	if dv.Validity != gazette.Repealed && dv.Validity != gazette.Expired {
		return
	}
	e := &endView{State: dv.Validity, Since: dv.ValiditySince, By: dv.ChangedByDoc, Verb: gazette.Repeals.Label()}
	by := gazette.Repeals // the relation that does what the validity says
	if dv.Validity == gazette.Expired {
		e.Verb, by = gazette.Ends.Label(), gazette.Ends
	}
	for _, l := range dv.RelatedBy {
		if l.Type != by {
			continue
		}
		if e.By == nil {
			d := l.Doc
			e.By = &d
		}
		if e.Since == "" && e.By.ID == l.Doc.ID {
			e.Since = strings.TrimSuffix(strings.TrimPrefix(l.Date, "自"), "起")
		}
	}
	dv.Ended = e
}

// notYetView is the page of a document asked for on a day before it
// existed.
type notYetView struct {
	ID, Title, On, Existed, ExistedISO string
}

// notYet answers a document asked for as it stood on a day before it
// existed: 404, with a page that says so and links the first day it did,
// instead of a silently later text. It reports whether err was that.
func (s *Server) notYet(c *gin.Context, err error) bool {
	var ny *archive.NotYetError
	if !errors.As(err, &ny) {
		return false
	}
	title := ny.ID
	if d, derr := s.cfg.Archive.Document(c.Request.Context(), ny.ID); derr == nil {
		title = clean(d.Title)
	}
	v := s.view(c, "尚未存在："+title, "/documents/"+ny.ID)
	v.NoIndex = true
	v.Data = notYetView{ID: ny.ID, Title: title, On: dateLabel(ny.On), Existed: dateLabel(ny.Existed), ExistedISO: ny.Existed.String()}
	s.renderStatus(c, http.StatusNotFound, "notyet", v)
	return true
}

// renderStatus renders a page that is answered with status and never
// kept.
func (s *Server) renderStatus(c *gin.Context, status int, name string, v *view) {
	var buf bytes.Buffer
	if err := s.execPage(&buf, name, v); err != nil {
		s.failPage(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	writeBytes(c, status, "text/html; charset=utf-8", "", buf.Bytes(), nil)
}

// paraView is one paragraph of a document's body: its HTML, and for the
// heading of a chapter, section or article its anchor (gazette.Headings).
type paraView struct {
	HTML          template.HTML
	Anchor, Label string
	Kind          gazette.HeadingKind
}

// paragraphs pairs the rendered paragraphs of body with their anchors.
func paragraphs(body []string, html []template.HTML) ([]paraView, []gazette.Heading) {
	hs := gazette.Headings(body)
	out := make([]paraView, len(html))
	for i := range html {
		out[i].HTML = html[i]
	}
	for _, h := range hs {
		if h.Para < len(out) {
			out[h.Para].Anchor, out[h.Para].Label, out[h.Para].Kind = h.Anchor, h.Label, h.Kind
		}
	}
	return out, hs
}
