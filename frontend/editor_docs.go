package frontend

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// Corrections (勘误) and validity changes of published documents, and the
// audit log.

// pickDocument goes from the "which document" form to its editor page.
func (s *Server) pickDocument(c *gin.Context) {
	id, err := canonicalID(strings.TrimSpace(c.Query("id")))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/documents/"+id)
}

type editDocumentView struct {
	Doc        docForm
	ID, Title  string
	Version    int
	Today      string
	Kinds      []gazette.Kind
	Validities []gazette.Validity
	Current    gazette.Status
	History    *documentView
	Done       string
}

func (s *Server) editDocumentPage(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	ctx := c.Request.Context()
	d, h, err := s.cfg.Archive.DocumentWithHistory(ctx, id)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	hv := &documentView{ID: id}
	hv.history(h, d.Version, d.Version)
	v := editDocumentView{
		ID: id, Title: d.Title, Version: d.Version, Today: gazette.DateOf(time.Now().In(chinaTime)).String(),
		Kinds: gazette.Kinds, Validities: gazette.Validities, Current: d.Validity, History: hv, Done: c.Query("done"),
		Doc: docForm{
			Title: d.Title, DocNumber: d.DocNumber, Section: d.Section, Kind: d.Kind,
			Authorities: strings.Join(d.Authorities, "\n"),
			Signed:      dateValue(d.Signed), Effective: dateValue(d.Effective), Expires: dateValue(d.Expires),
			First: d.Pages.First, Last: d.Pages.Last, Body: strings.Join(d.Body, "\n"),
			PDFPage: issuePath(d.Issue) + ".pdf#page=" + strconv.Itoa(d.Pages.First),
		},
	}
	s.editorPage(c, http.StatusOK, "editor_document", "勘误与时效："+d.Title, v)
}

// correctionInput is a correction as the API takes it: the corrected
// document (its version the one it was edited from) and why.
type correctionInput struct {
	Document gazette.Document `json:"document"`
	Reason   string           `json:"reason"`
	Date     gazette.Date     `json:"date"`
}

// correct publishes a correction made by the actor (editorial checks the
// role and audits it) and drops cached pages.
func (s *Server) correct(c *gin.Context, id string, in correctionInput) (*gazette.Document, error) {
	c2 := gazette.Correction{Reason: strings.TrimSpace(in.Reason), Date: in.Date}
	d, err := s.cfg.Editorial.Correct(c.Request.Context(), actorOf(c), id, in.Document, c2)
	if d != nil {
		s.Invalidate()
	}
	return d, err
}

// setValidity records a validity change made by the actor (editorial
// checks the role and audits it) and drops cached pages.
func (s *Server) setValidity(c *gin.Context, id string, ch gazette.ValidityChange) (*gazette.Document, error) {
	d, err := s.cfg.Editorial.SetValidity(c.Request.Context(), actorOf(c), id, ch)
	if d != nil {
		s.Invalidate()
	}
	return d, err
}

func (s *Server) correctPage(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	cur, err := s.cfg.Archive.Document(c.Request.Context(), id)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	in := correctionInput{Document: *cur, Reason: c.PostForm("reason")}
	var errs gazette.ValidationError
	in.Document.Version, err = strconv.Atoi(c.PostForm("version"))
	if err != nil {
		errs = append(errs, gazette.FieldError{Field: "version", Problem: "missing"})
	}
	if in.Date, err = gazette.ParseDate(c.PostForm("date")); err != nil {
		errs = append(errs, gazette.FieldError{Field: "date", Problem: "want the date of the correction notice"})
	}
	doc := &in.Document
	doc.Title = strings.TrimSpace(c.PostForm("title"))
	doc.DocNumber = strings.TrimSpace(c.PostForm("docnum"))
	if n, err := gazette.NormalizeDocNumber(doc.DocNumber); err == nil && doc.DocNumber != "" {
		doc.DocNumber = n
	}
	doc.Section = strings.TrimSpace(c.PostForm("section"))
	if k, err := gazette.ParseKind(c.PostForm("kind")); err == nil {
		doc.Kind = k
	} else {
		errs = append(errs, gazette.FieldError{Field: "kind", Problem: "unknown"})
	}
	doc.Authorities = splitList(c.PostForm("authorities"))
	for _, f := range []struct {
		name string
		to   *gazette.Date
	}{{"signed", &doc.Signed}, {"effective", &doc.Effective}, {"expires", &doc.Expires}} {
		*f.to = gazette.Date{}
		if v := strings.TrimSpace(c.PostForm(f.name)); v != "" {
			if *f.to, err = gazette.ParseDate(v); err != nil {
				errs = append(errs, gazette.FieldError{Field: f.name, Problem: "want a date"})
			}
		}
	}
	doc.Body = splitParagraphs(c.PostForm("body"))
	if len(errs) > 0 {
		s.editorFail(c, errs)
		return
	}
	if _, err := s.correct(c, id, in); err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/documents/"+id+"?done=correction")
}

// validityForm reads a validity change from a form or JSON.
type validityInput struct {
	State     gazette.Validity `json:"state"`
	Since     gazette.Date     `json:"since"`
	ChangedBy string           `json:"changed_by"`
	Note      string           `json:"note"`
}

func (in validityInput) change() gazette.ValidityChange {
	return gazette.ValidityChange{State: in.State, Since: in.Since, ChangedBy: strings.TrimSpace(in.ChangedBy), Note: strings.TrimSpace(in.Note)}
}

func (s *Server) validityPage(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	in := validityInput{ChangedBy: c.PostForm("changed_by"), Note: c.PostForm("note")}
	var errs gazette.ValidationError
	if in.State, err = gazette.ParseValidity(c.PostForm("state")); err != nil {
		errs = append(errs, gazette.FieldError{Field: "state", Problem: "unknown"})
	}
	if v := strings.TrimSpace(c.PostForm("since")); v != "" {
		if in.Since, err = gazette.ParseDate(v); err != nil {
			errs = append(errs, gazette.FieldError{Field: "since", Problem: "want a date"})
		}
	}
	if len(errs) > 0 {
		s.editorFail(c, errs)
		return
	}
	if _, err := s.setValidity(c, id, in.change()); err != nil {
		s.editorFail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/editor/documents/"+id+"?done=validity")
}

func (s *Server) apiCorrect(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	var in correctionInput
	if err := json.NewDecoder(io.LimitReader(c.Request.Body, maxDraftJSON)).Decode(&in); err != nil {
		s.apiFail(c, fmt.Errorf("correction JSON: %v: %w", err, gazette.ErrInvalid))
		return
	}
	d, err := s.correct(c, id, in)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.apiDocument(d))
}

func (s *Server) apiValidity(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	var in validityInput
	if err := json.NewDecoder(io.LimitReader(c.Request.Body, 64<<10)).Decode(&in); err != nil {
		s.apiFail(c, fmt.Errorf("validity JSON: %v: %w", err, gazette.ErrInvalid))
		return
	}
	d, err := s.setValidity(c, id, in.change())
	if err != nil {
		s.apiFail(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.apiDocument(d))
}

// auditRange reads ?from= and ?to= (dates, China time; to inclusive);
// the last seven days by default.
func auditRange(c *gin.Context) (time.Time, time.Time, error) {
	today := gazette.DateOf(time.Now().In(chinaTime))
	from, to := today.Time(chinaTime).AddDate(0, 0, -6), today.Time(chinaTime).AddDate(0, 0, 1)
	if v := c.Query("from"); v != "" {
		d, err := gazette.ParseDate(v)
		if err != nil {
			return from, to, badRequest("from: want a date")
		}
		from = d.Time(chinaTime)
	}
	if v := c.Query("to"); v != "" {
		d, err := gazette.ParseDate(v)
		if err != nil {
			return from, to, badRequest("to: want a date")
		}
		to = d.Time(chinaTime).AddDate(0, 0, 1)
	}
	return from, to, nil
}

type auditView struct {
	From, To string
	Entries  []editorial.Entry
	CSV      string
}

func (s *Server) auditPage(c *gin.Context) {
	from, to, err := auditRange(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	entries, err := s.cfg.Editorial.Audit(c.Request.Context(), actorOf(c), from, to)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i] // newest first
	}
	f, t := gazette.DateOf(from.In(chinaTime)).String(), gazette.DateOf(to.AddDate(0, 0, -1).In(chinaTime)).String()
	s.editorPage(c, http.StatusOK, "editor_audit", "审计日志", auditView{From: f, To: t, Entries: entries, CSV: "/editor/audit.csv?from=" + f + "&to=" + t})
}

// auditExport streams the audit log of a range as CSV (or JSON lines from
// the API); the export is itself audited.
func (s *Server) auditExport(c *gin.Context) {
	s.exportAudit(c, editorial.FormatCSV, s.editorFail)
}

func (s *Server) apiAudit(c *gin.Context) {
	format := editorial.FormatJSONLines
	if c.Query("format") == "csv" {
		format = editorial.FormatCSV
	}
	s.exportAudit(c, format, s.apiFail)
}

func (s *Server) exportAudit(c *gin.Context, format string, fail func(*gin.Context, error)) {
	from, to, err := auditRange(c)
	if err != nil {
		fail(c, err)
		return
	}
	// Buffered, so a refusal still gets a proper status.
	var buf strings.Builder
	if err := s.cfg.Editorial.ExportAudit(c.Request.Context(), actorOf(c), from, to, format, &buf); err != nil {
		fail(c, err)
		return
	}
	ctype := "application/x-ndjson"
	if format == editorial.FormatCSV {
		ctype = "text/csv; charset=utf-8"
		c.Header("Content-Disposition", `attachment; filename="gazette-audit.csv"`)
	}
	c.Data(http.StatusOK, ctype, []byte(buf.String()))
}
