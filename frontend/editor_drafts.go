package frontend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// Draft pages and their API twins.

// localTimeLayout is the value format of <input type="datetime-local">;
// release times are entered and shown in China Standard Time
// (Asia/Shanghai, which has had no daylight saving since 1991).
const localTimeLayout = "2006-01-02T15:04"

// draftRow is one line of the drafts list.
type draftRow struct {
	ID, Label, State, Author, Updated, Release string
	Documents                                  int
}

type draftsView struct {
	Drafts  []draftRow
	Suggest string
}

func stateLabel(st editorial.State) string {
	return map[editorial.State]string{
		editorial.StateDrafting: "编辑中", editorial.StateSubmitted: "待审核", editorial.StateApproved: "已审核",
		editorial.StateScheduled: "已排期", editorial.StatePublished: "已发布",
	}[st]
}

func releaseLabel(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

func (s *Server) draftsPage(c *gin.Context) {
	ctx, a := c.Request.Context(), actorOf(c)
	drafts, err := s.cfg.Editorial.Drafts(ctx, a)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	var dv draftsView
	for _, d := range drafts {
		dv.Drafts = append(dv.Drafts, draftRow{
			ID: d.ID, Label: d.Issue.Key().Label(), State: stateLabel(d.State), Author: d.Author,
			Updated: releaseLabel(d.Updated), Release: releaseLabel(d.Issue.Published), Documents: len(d.Documents),
		})
	}
	if key, total, err := s.cfg.Editorial.SuggestNext(ctx, a); err == nil {
		dv.Suggest = key.Label()
		if total > 0 {
			dv.Suggest += fmt.Sprintf("（总第%d期）", total)
		}
	}
	s.editorPage(c, http.StatusOK, "editor_drafts", "草稿", dv)
}

func (s *Server) createDraftPage(c *gin.Context) {
	d, err := s.cfg.Editorial.CreateDraft(c.Request.Context(), actorOf(c))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/drafts/"+d.ID)
}

// docForm is one document of a draft as its form shows it.
type docForm struct {
	N                          int // position, 0-based
	Title, DocNumber, Section  string
	Kind                       gazette.Kind
	Authorities                string
	Signed, Effective, Expires string
	Validity                   gazette.Validity
	First, Last                int
	Body                       string
	PDFPage                    string
	Last1                      bool // the last document (no "down")
}

type draftView struct {
	ID, ETag, State, Label, Author, Note string
	StateCode                            editorial.State
	Gazette                              string
	Year, Number, Total                  int
	Supplement                           bool
	Release                              string // datetime-local value
	ReleaseLabel                         string
	HasPDF                               bool
	PDF                                  string
	Review                               []string
	Documents                            []docForm
	Kinds                                []gazette.Kind
	Validities                           []gazette.Validity
	Editable, CanApprove                 bool
	// CanReschedule: a chief editor may move or withdraw a scheduled issue.
	CanReschedule bool
	Saved         bool
}

func newDraftView(d *editorial.Draft, a editorial.Actor) draftView {
	v := draftView{
		ID: d.ID, ETag: d.ETag, State: stateLabel(d.State), StateCode: d.State, Label: d.Issue.Key().Label(), Author: d.Author, Note: d.Note,
		Gazette: d.Issue.Gazette, Year: d.Issue.Year, Number: d.Issue.Number, Total: d.Issue.TotalNumber, Supplement: d.Issue.Supplement,
		ReleaseLabel: releaseLabel(d.Issue.Published), HasPDF: d.Issue.PDF.SHA256 != "", PDF: "/editor/drafts/" + d.ID + "/print.pdf",
		Review: d.Review, Kinds: gazette.Kinds, Validities: gazette.Validities,
		Editable: d.State == editorial.StateDrafting || d.State == editorial.StateSubmitted || d.State == editorial.StateApproved,
	}
	v.CanApprove = a.Role.Includes(editorial.RoleChief) && d.State == editorial.StateSubmitted
	v.CanReschedule = a.Role.Includes(editorial.RoleChief) && d.State == editorial.StateScheduled
	for _, u := range d.Contributors {
		if u == a.User {
			v.CanApprove = false
		}
	}
	if !d.Issue.Published.IsZero() {
		v.Release = d.Issue.Published.In(chinaTime).Format(localTimeLayout)
	}
	for i, doc := range d.Documents {
		f := docForm{
			N: i, Title: doc.Title, DocNumber: doc.DocNumber, Section: doc.Section, Kind: doc.Kind,
			Authorities: strings.Join(doc.Authorities, "\n"),
			Signed:      dateValue(doc.Signed), Effective: dateValue(doc.Effective), Expires: dateValue(doc.Expires),
			Validity: doc.Validity.State, First: doc.Pages.First, Last: doc.Pages.Last,
			Body: strings.Join(doc.Body, "\n"), Last1: i == len(d.Documents)-1,
		}
		if v.HasPDF && doc.Pages.First > 0 {
			f.PDFPage = v.PDF + "#page=" + strconv.Itoa(doc.Pages.First)
		}
		v.Documents = append(v.Documents, f)
	}
	return v
}

// dateValue is a date as <input type="date"> wants it; "" for none.
func dateValue(d gazette.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func draftID(c *gin.Context) (string, error) {
	id := c.Param("id")
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return "", fmt.Errorf("draft %q: %w", id, gazette.ErrNotFound)
	}
	return id, nil
}

func (s *Server) draftPage(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	a := actorOf(c)
	d, err := s.cfg.Editorial.Draft(c.Request.Context(), a, id)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	v := newDraftView(d, a)
	v.Saved = c.Query("saved") != ""
	s.editorPage(c, http.StatusOK, "editor_draft", v.Label+" 草稿", v)
}

// saveDraftPage saves the draft form and applies the button pressed: save,
// add a document, remove one, or move one up or down. The save is
// conditional on the ETag the form was rendered with.
func (s *Server) saveDraftPage(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	ctx, a := c.Request.Context(), actorOf(c)
	d, err := s.cfg.Editorial.Draft(ctx, a, id)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	if d.ETag != c.PostForm("etag") {
		s.editorFail(c, fmt.Errorf("draft %s was saved by %s at %s since this form was loaded: %w", id, d.UpdatedBy, releaseLabel(d.Updated), gazette.ErrConflict))
		return
	}
	if err := applyDraftForm(d, c); err != nil {
		s.editorFail(c, err)
		return
	}
	saved, err := s.cfg.Editorial.Save(ctx, a, d)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/drafts/"+saved.ID+"?saved=1")
}

// applyDraftForm copies the posted fields onto d and applies the operation
// of the button pressed (op=save|add|remove:N|up:N|down:N).
func applyDraftForm(d *editorial.Draft, c *gin.Context) error {
	var errs gazette.ValidationError
	bad := func(field, format string, args ...any) {
		errs = append(errs, gazette.FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}
	d.Issue.Gazette = strings.TrimSpace(c.PostForm("gazette"))
	num := func(field string) int {
		v := strings.TrimSpace(c.PostForm(field))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad(field, "want a whole number")
		}
		return n
	}
	d.Issue.Year, d.Issue.Number, d.Issue.TotalNumber = num("year"), num("number"), num("total")
	d.Issue.Supplement = c.PostForm("supplement") != ""
	if rel := strings.TrimSpace(c.PostForm("release")); rel != "" {
		t, err := time.ParseInLocation(localTimeLayout, rel, chinaTime)
		if err != nil {
			bad("release", "want a date and time such as 2026-12-01T09:00")
		}
		d.Issue.Published = t
	} else {
		d.Issue.Published = time.Time{}
	}
	issueDay := gazette.DateOf(d.Issue.Published.In(chinaTime))
	date := func(field string) gazette.Date {
		v := strings.TrimSpace(c.PostForm(field))
		if v == "" {
			return gazette.Date{}
		}
		dd, err := gazette.ParseDate(v)
		if err != nil {
			bad(field, "want a date such as 2026-12-01 or 2026年12月1日")
		}
		return dd
	}
	for i := range d.Documents {
		p := fmt.Sprintf("d%d.", i)
		if _, ok := c.GetPostForm(p + "title"); !ok {
			continue // a document added since the form was drawn is not in it; the ETag check refuses that anyway
		}
		doc := &d.Documents[i]
		doc.Title = strings.TrimSpace(c.PostForm(p + "title"))
		doc.DocNumber = strings.TrimSpace(c.PostForm(p + "docnum"))
		if doc.DocNumber != "" {
			if n, err := gazette.NormalizeDocNumber(doc.DocNumber); err == nil {
				doc.DocNumber = n
			}
		}
		doc.Section = strings.TrimSpace(c.PostForm(p + "section"))
		if k, err := gazette.ParseKind(c.PostForm(p + "kind")); err == nil {
			doc.Kind = k
		} else {
			bad(p+"kind", "want one of %v", gazette.Kinds)
		}
		doc.Authorities = splitList(c.PostForm(p + "authorities"))
		doc.Signed, doc.Effective, doc.Expires = date(p+"signed"), date(p+"effective"), date(p+"expires")
		if v, err := gazette.ParseValidity(c.PostForm(p + "validity")); err == nil {
			if v != doc.Validity.State {
				doc.Validity = gazette.Status{State: v}
			}
		} else {
			bad(p+"validity", "want one of %v", gazette.Validities)
		}
		doc.Pages = gazette.PageRange{First: num(p + "first"), Last: num(p + "last")}
		doc.Body = splitParagraphs(c.PostForm(p + "body"))
		if !issueDay.IsZero() {
			doc.Published = issueDay
		}
	}
	if len(errs) > 0 {
		return errs
	}
	op, arg, _ := strings.Cut(c.PostForm("op"), ":")
	n, _ := strconv.Atoi(arg)
	switch op {
	case "", "save":
		return nil
	case "add":
		return d.AddDocument(len(d.Documents), gazette.Document{Kind: gazette.KindOther, Validity: gazette.Status{State: gazette.InForce}, Published: issueDay})
	case "remove":
		return d.RemoveDocument(n)
	case "up":
		return d.MoveDocument(n, n-1)
	case "down":
		return d.MoveDocument(n, n+1)
	}
	return fmt.Errorf("unknown operation %q: %w", op, gazette.ErrInvalid)
}

// splitList splits authorities given one per line or separated by 、 or ,.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '、' || r == ',' || r == '，' || r == ';' || r == '；' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// splitParagraphs splits a text box into paragraphs, one per line.
func splitParagraphs(s string) []string {
	var out []string
	for p := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// uploadPage takes the print PDF from a multipart form, streamed: the CSRF
// token and the ETag must come before the file (the form puts them first),
// so a forged or stale upload is refused before any of it is stored.
func (s *Server) uploadPage(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxUploadBytes+1<<20)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		s.editorFail(c, fmt.Errorf("upload: want a multipart form: %w", gazette.ErrInvalid))
		return
	}
	fields := map[string]string{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			s.editorFail(c, fmt.Errorf("upload: no PDF file in the form: %w", gazette.ErrInvalid))
			return
		}
		if err != nil {
			s.editorFail(c, fmt.Errorf("upload: %v: %w", err, gazette.ErrInvalid))
			return
		}
		name := part.FormName()
		if name != "pdf" {
			b, err := io.ReadAll(io.LimitReader(part, 4096))
			if err != nil {
				s.editorFail(c, fmt.Errorf("upload: %v: %w", err, gazette.ErrInvalid))
				return
			}
			fields[name] = string(b)
			continue
		}
		if !editorial.VerifyCSRF(sessionOf(c).Token, fields["csrf"]) {
			s.editorFail(c, errCSRF)
			return
		}
		s.upload(c, id, fields["etag"], part)
		return
	}
}

func (s *Server) upload(c *gin.Context, id, etag string, part *multipart.Part) {
	d, err := s.cfg.Editorial.UploadPDF(c.Request.Context(), actorOf(c), id, etag, part)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = fmt.Errorf("upload: larger than %d bytes: %w", s.cfg.MaxUploadBytes, gazette.ErrInvalid)
	}
	if err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/drafts/"+d.ID+"?saved=1")
}

// draftPDF sends a draft's print PDF, for review beside its fields.
func (s *Server) draftPDF(c *gin.Context) {
	fail := s.editorFail
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		fail = s.apiFail
	}
	id, err := draftID(c)
	if err != nil {
		fail(c, err)
		return
	}
	r, info, err := s.cfg.Editorial.OpenPDF(c.Request.Context(), actorOf(c), id)
	if err != nil {
		fail(c, err)
		return
	}
	defer r.Close()
	c.Header("Content-Type", "application/pdf")
	c.Header("Content-Disposition", `inline; filename="draft.pdf"`)
	http.ServeContent(c.Writer, c.Request, "", info.Modified, r)
}

// draftAction runs a workflow step on draft id; reason is a rejection's,
// release the new moment of a reschedule.
func (s *Server) draftAction(c *gin.Context, action, id, etag, reason string, release time.Time) (*editorial.Draft, error) {
	ctx, a, ed := c.Request.Context(), actorOf(c), s.cfg.Editorial
	switch action {
	case "submit":
		return ed.Submit(ctx, a, id, etag)
	case "approve":
		return ed.Approve(ctx, a, id, etag)
	case "reject":
		if strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("reject: give a reason: %w", gazette.ErrInvalid)
		}
		return ed.Reject(ctx, a, id, etag, strings.TrimSpace(reason))
	case "schedule":
		return ed.Schedule(ctx, a, id, etag)
	case "reschedule":
		return ed.Reschedule(ctx, a, id, etag, release)
	case "unschedule":
		return ed.Unschedule(ctx, a, id, etag)
	case "delete":
		return nil, ed.DeleteDraft(ctx, a, id, etag)
	}
	return nil, fmt.Errorf("draft action %q: %w", action, gazette.ErrNotFound)
}

func (s *Server) draftActionPage(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	action := c.Param("action")
	var release time.Time
	if v := strings.TrimSpace(c.PostForm("release")); v != "" {
		if release, err = time.ParseInLocation(localTimeLayout, v, chinaTime); err != nil {
			s.editorFail(c, gazette.ValidationError{{Field: "release", Problem: "want a date and time such as 2026-12-01T09:00"}})
			return
		}
	}
	if _, err := s.draftAction(c, action, id, c.PostForm("etag"), c.PostForm("reason"), release); err != nil {
		s.editorFail(c, err)
		return
	}
	if action == "delete" {
		c.Redirect(http.StatusSeeOther, "/editor")
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/drafts/"+id+"?saved=1")
}

// The API.

// apiDraftBody is a draft as the API answers it.
type apiDraftBody struct {
	*editorial.Draft
	ETag string `json:"etag"`
}

func (s *Server) writeDraft(c *gin.Context, status int, d *editorial.Draft) {
	c.Header("ETag", etagHeader(d.ETag))
	c.JSON(status, apiDraftBody{Draft: d, ETag: etagHeader(d.ETag)})
}

func (s *Server) apiDrafts(c *gin.Context) {
	drafts, err := s.cfg.Editorial.Drafts(c.Request.Context(), actorOf(c))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	out := make([]apiDraftBody, len(drafts))
	for i, d := range drafts {
		out[i] = apiDraftBody{Draft: d, ETag: etagHeader(d.ETag)}
	}
	c.JSON(http.StatusOK, gin.H{"drafts": out})
}

func (s *Server) apiCreateDraft(c *gin.Context) {
	d, err := s.cfg.Editorial.CreateDraft(c.Request.Context(), actorOf(c))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	c.Header("Location", "/api/v1/editor/drafts/"+d.ID)
	s.writeDraft(c, http.StatusCreated, d)
}

func (s *Server) apiDraft(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	d, err := s.cfg.Editorial.Draft(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	s.writeDraft(c, http.StatusOK, d)
}

// maxDraftJSON bounds a draft sent to the API: full texts of many documents.
const maxDraftJSON = 64 << 20

// apiSaveDraft saves the issue fields and documents sent, on condition
// that the draft is still at If-Match (required).
func (s *Server) apiSaveDraft(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	etag := ifMatch(c)
	if etag == "" {
		s.apiFail(c, fmt.Errorf("saving a draft needs If-Match with its ETag: %w", gazette.ErrConflict))
		return
	}
	var d editorial.Draft
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, maxDraftJSON))
	if err := dec.Decode(&d); err != nil {
		s.apiFail(c, fmt.Errorf("draft JSON: %v: %w", err, gazette.ErrInvalid))
		return
	}
	d.ID, d.ETag = id, etag
	saved, err := s.cfg.Editorial.Save(c.Request.Context(), actorOf(c), &d)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	s.writeDraft(c, http.StatusOK, saved)
}

func (s *Server) apiDeleteDraft(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	if _, err := s.draftAction(c, "delete", id, ifMatch(c), "", time.Time{}); err != nil {
		s.apiFail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// apiUploadPDF takes the print PDF as the request body (application/pdf).
func (s *Server) apiUploadPDF(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxUploadBytes)
	d, err := s.cfg.Editorial.UploadPDF(c.Request.Context(), actorOf(c), id, ifMatch(c), body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = fmt.Errorf("upload: larger than %d bytes: %w", s.cfg.MaxUploadBytes, gazette.ErrInvalid)
	}
	if err != nil {
		s.apiFail(c, err)
		return
	}
	s.writeDraft(c, http.StatusOK, d)
}

func (s *Server) apiDraftAction(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	var body struct {
		Reason  string    `json:"reason"`
		Release time.Time `json:"release"` // reschedule: RFC 3339
	}
	if c.Request.ContentLength != 0 {
		if err := json.NewDecoder(io.LimitReader(c.Request.Body, 64<<10)).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
			s.apiFail(c, fmt.Errorf("body: %v: %w", err, gazette.ErrInvalid))
			return
		}
	}
	action := c.Param("action")
	if action == "delete" {
		s.apiFail(c, fmt.Errorf("delete a draft with DELETE: %w", gazette.ErrNotFound))
		return
	}
	d, err := s.draftAction(c, action, id, ifMatch(c), body.Reason, body.Release)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	s.writeDraft(c, http.StatusOK, d)
}
