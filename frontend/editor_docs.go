package frontend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// Corrections (勘误) and validity changes of published documents, and the
// audit log.

// Finding a published document: by its ID, by its 文号 in any spelling or
// by words of its title, through the same search the public uses (which
// ranks a 文号 match first in every spelling). Editors use it to open a
// document for a correction or a validity change, and to name the document
// that caused a validity change.

// pickHit is one published document found for an editor.
type pickHit struct {
	relatedDoc
	Issue    string // 2019年第12期
	Validity gazette.Validity
}

func newPickHit(h gazette.Hit) pickHit {
	return pickHit{relatedDoc: relatedDoc{ID: h.ID, Title: clean(h.Title), DocNumber: clean(h.DocNumber), Found: true}, Issue: h.Issue.Label(), Validity: h.Validity}
}

// pickView is the search page of the editors' desk.
type pickView struct {
	Q       string
	Asked   bool
	Total   int
	Hits    []pickHit
	Message string // why there is nothing, or what the hits are
}

// Result counts: a page of the search page, and the choices offered for
// the cause of a validity change.
const (
	pickResults   = 20
	resolveChoice = 10
)

// pickDocument is the search page, GET /editor/documents?q=…: a document
// ID goes straight to the document (as ?id= did before there was a
// search, and still does), anything else is searched and listed.
func (s *Server) pickDocument(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		q = strings.TrimSpace(c.Query("id"))
	}
	v := pickView{Q: q, Asked: q != ""}
	if q == "" {
		s.editorPage(c, http.StatusOK, "editor_pick", "查找已发布文件", v)
		return
	}
	ctx := c.Request.Context()
	if id, err := canonicalID(q); err == nil {
		_, err := s.cfg.Archive.Document(ctx, id)
		switch {
		case err == nil:
			c.Redirect(http.StatusSeeOther, "/editor/documents/"+id)
		case isNotFound(err):
			v.Message = "没有编号为 " + id + " 的已发布文件。可以改用文号或标题中的词查找。"
			s.editorPage(c, http.StatusNotFound, "editor_pick", "查找已发布文件", v)
		default:
			s.editorFail(c, err)
		}
		return
	}
	res, msg, err := s.searchDocuments(ctx, q, pickResults)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	v.Total, v.Message = res.Total, msg
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, newPickHit(h))
	}
	if len(v.Hits) == 0 && v.Message == "" {
		v.Message = "没有找到与“" + q + "”相符的已发布文件。请检查文号，或改用标题中的其他词。"
		if nums := gazette.FindDocNumbers(q); len(nums) > 0 {
			v.Message = "没有找到文号为 " + nums[0].Number.String() + " 的已发布文件。请检查文号，或改用标题中的词。"
		}
	} else if nums := gazette.FindDocNumbers(q); len(nums) > 0 && !slices.ContainsFunc(res.Hits, func(h gazette.Hit) bool { return h.DocNumber == nums[0].Number.String() }) {
		v.Message = "没有文号为 " + nums[0].Number.String() + " 的已发布文件；以下是相近的文件。"
	}
	s.editorPage(c, http.StatusOK, "editor_pick", "查找："+q, v)
}

// searchDocuments runs the public search for an editor's words. A query
// the search refuses (too long, too many words) is a Chinese message, not
// an error.
func (s *Server) searchDocuments(ctx context.Context, q string, n int) (gazette.Results, string, error) {
	res, err := s.runSearch(ctx, gazette.Query{Text: q, PerPage: n})
	if errors.Is(err, gazette.ErrInvalid) {
		return gazette.Results{}, "无法按“" + q + "”查找（查找词过长或过多）。请填写文号、标题中的几个词或文件编号（如 2019-12-3）。", nil
	}
	return res, "", err
}

// foldTitle is a title as compared with what an editor typed: folded as
// search folds text, without spaces and the 《》 of a citation.
func foldTitle(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '《' || r == '》' {
			return -1
		}
		return r
	}, gazette.FoldSearchText(s))
}

// resolveDocument finds the published document an editor means by typed,
// other than self: an ID as it is; a 文号 (any spelling) when exactly one
// document has it; a title when exactly one document has that very title.
// Otherwise it returns the choices to pick from, or, when there are none,
// the problem in Chinese. Only storage and index failures are errors.
func (s *Server) resolveDocument(ctx context.Context, typed, self string) (id string, choices []pickHit, problem string, err error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", nil, "", nil
	}
	if id, err := canonicalID(typed); err == nil {
		return id, nil, "", nil
	}
	res, msg, err := s.searchDocuments(ctx, typed, resolveChoice)
	if err != nil || msg != "" {
		return "", nil, msg, err
	}
	var exact []gazette.Hit
	nums := gazette.FindDocNumbers(typed)
	if len(nums) > 0 {
		for _, h := range res.Hits {
			if slices.ContainsFunc(nums, func(m gazette.DocNumberMatch) bool { return h.DocNumber == m.Number.String() }) {
				exact = append(exact, h)
			}
		}
	} else {
		want := foldTitle(typed)
		for _, h := range res.Hits {
			if foldTitle(h.Title) == want {
				exact = append(exact, h)
			}
		}
	}
	others := func(hs []gazette.Hit) []gazette.Hit {
		return slices.DeleteFunc(slices.Clone(hs), func(h gazette.Hit) bool { return h.ID == self })
	}
	hadSelf := len(exact) > 0 && len(others(exact)) == 0
	exact = others(exact)
	switch {
	case len(exact) == 1:
		return exact[0].ID, nil, "", nil
	case hadSelf:
		return "", nil, "“" + typed + "”是本文件自己：请填写引起变更的另一份文件。", nil
	case len(nums) > 0 && len(exact) == 0:
		return "", nil, "没有找到文号为 " + nums[0].Number.String() + " 的已发布文件。请检查文号，或改用标题、文件编号。", nil
	}
	hits := exact
	if len(hits) == 0 {
		hits = others(res.Hits)
	}
	if len(hits) == 0 {
		return "", nil, "没有找到标题与“" + typed + "”相符的已发布文件。请检查文字，或改用文号、文件编号。", nil
	}
	for _, h := range hits {
		choices = append(choices, newPickHit(h))
	}
	return "", choices, "", nil
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
	Validity   validityForm
	// Correction is the correction form as typed when it could not be
	// taken; nil shows the document as stored.
	Correction *correctionForm
	// MachineRead: pages of the text were read by OCR and not proofread.
	MachineRead bool
	// The relation form as typed, the types to choose from, the relations
	// the document makes (each may be withdrawn), those made to it, and the
	// citations in its text that resolve to no document
	// (editor_relations.go).
	Relation      relationForm
	RelationTypes []gazette.RelationType
	Relations     []editorRelation
	RelatedBy     []linkView
	Unresolved    []unresolvedView
}

// unresolvedView is a citation of the document's text that did not
// resolve: its paragraph (1-based), as printed, and why.
type unresolvedView struct {
	Paragraph int
	Text      string
	Ambiguous bool
}

// validityForm is the validity form as the editor typed it, with what is
// wrong with it and, when what was typed for the causing document fits
// several, the documents to pick from.
type correctionForm struct {
	Doc          docForm
	Reason, Date string
	Failed       string // why, in Chinese
}

type validityForm struct {
	State, Since, ChangedBy, Note string
	Choices                       []pickHit
	// Errors are Chinese messages by field (state, since, changed_by,
	// note); "" holds those of no one field.
	Errors map[string]string
}

// validityLabels name the validity form's fields in messages.
var validityLabels = map[string]string{"state": "新时效", "since": "生效日期", "changed_by": "依据文件", "note": "说明"}

func (s *Server) editDocumentPage(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	s.renderDocumentPage(c, http.StatusOK, id, validityForm{Since: today().String()}, nil)
}

// renderDocumentPage shows the correction and validity forms of document
// id, the validity form as vf has it.
func (s *Server) renderDocumentPage(c *gin.Context, status int, id string, vf validityForm, cf *correctionForm) {
	s.renderEditorDocument(c, status, id, vf, cf, nil)
}

// today is the date in China: the day a change is dated by default, and
// a citation's access date.
func today() gazette.Date { return gazette.DateOf(time.Now().In(gazette.ChinaTime)) }

// renderEditorDocument shows the correction, validity and relation forms
// of document id, as vf, cf and rf have them (nil: as stored, empty).
func (s *Server) renderEditorDocument(c *gin.Context, status int, id string, vf validityForm, cf *correctionForm, rf *relationForm) {
	ctx := c.Request.Context()
	d, h, _, err := s.cfg.Archive.DocumentPage(ctx, id, 0)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	hv := &documentView{ID: id, ChangedBy: d.Validity.ChangedBy}
	hv.history(h, d.Version, d.Version)
	s.relate(ctx, hv, d, h)
	v := editDocumentView{
		ID: id, Title: d.Title, Version: d.Version, Today: today().String(),
		Kinds: gazette.Kinds, Validities: gazette.Validities, Current: d.Validity, History: hv, Done: c.Query("done"),
		Validity: vf, MachineRead: len(d.MachineRead()) > 0,
		Doc: docForm{
			Title: d.Title, DocNumber: d.DocNumber, Section: d.Section, Kind: d.Kind,
			Authorities: strings.Join(d.Authorities, "\n"),
			Signed:      dateValue(d.Signed), Effective: dateValue(d.Effective), Expires: dateValue(d.Expires),
			First: d.Pages.First, Last: d.Pages.Last, Body: strings.Join(d.Body, "\n"),
			PDFPage: issuePath(d.Issue) + ".pdf#page=" + strconv.Itoa(d.Pages.First),
		},
	}
	if cf != nil {
		cf.Doc.PDFPage = v.Doc.PDFPage
		v.Doc, v.Today, v.Correction = cf.Doc, cf.Date, cf
	}
	v.RelationTypes = gazette.RelationTypes
	if rf != nil {
		v.Relation = *rf
	}
	v.Relations, v.RelatedBy = s.editorRelations(c, id)
	if ra, ok := s.cfg.Archive.(relationsArchive); ok {
		if found, err := ra.Citations(ctx, d); err == nil {
			for _, f := range found {
				if f.Outcome == cite.Missing || f.Outcome == cite.Ambiguous {
					v.Unresolved = append(v.Unresolved, unresolvedView{Paragraph: f.Paragraph + 1, Text: clean(f.Text), Ambiguous: f.Outcome == cite.Ambiguous})
				}
			}
		} else {
			s.cfg.Log.WarnContext(ctx, "the citations of a document cannot be resolved", "document", id, "err", err)
		}
	}
	s.editorPage(c, status, "editor_document", "勘误、时效与关联："+d.Title, v)
}

// correctionInput is a correction as the API takes it: the corrected
// document (its version the one it was edited from) and why.
type correctionInput struct {
	Document gazette.Document `json:"document"`
	Reason   string           `json:"reason"`
	Date     gazette.Date     `json:"date"`
	// Proofread: the whole text was read against the original.
	Proofread bool `json:"proofread"`
}

// correct publishes a correction made by the actor (editorial checks the
// role and audits it) and drops cached pages.
func (s *Server) correct(c *gin.Context, id string, in correctionInput) (*gazette.Document, error) {
	c2 := gazette.Correction{Reason: strings.TrimSpace(in.Reason), Date: in.Date, Proofread: in.Proofread}
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
	in := correctionInput{Document: *cur, Reason: c.PostForm("reason"), Proofread: c.PostForm("proofread") == "1"}
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
	// Refused: the form comes back as typed, with why in Chinese.
	typed := func(why string) {
		cf := &correctionForm{Reason: c.PostForm("reason"), Date: c.PostForm("date"), Failed: why, Doc: docForm{
			Title: c.PostForm("title"), DocNumber: c.PostForm("docnum"), Section: c.PostForm("section"), Kind: doc.Kind,
			Authorities: c.PostForm("authorities"), Signed: c.PostForm("signed"), Effective: c.PostForm("effective"),
			Expires: c.PostForm("expires"), Body: c.PostForm("body"),
		}}
		s.renderDocumentPage(c, http.StatusUnprocessableEntity, id, validityForm{Since: today().String()}, cf)
	}
	if len(errs) > 0 {
		typed("勘误未发布：" + correctionLabels(errs))
		return
	}
	if _, err := s.correct(c, id, in); err != nil {
		if status, _ := editorStatus(err); status == http.StatusUnprocessableEntity {
			typed("勘误未发布：" + editorDetail(status, err))
			return
		}
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

// validityPage records a validity change from the form. The causing
// document may be given by ID, 文号 or title (resolveDocument), or picked
// from the choices an earlier post offered (changed_by_pick). Whatever is
// wrong comes back on the form as typed, in Chinese, by field.
func (s *Server) validityPage(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	vf := validityForm{
		State: strings.TrimSpace(c.PostForm("state")), Since: strings.TrimSpace(c.PostForm("since")),
		ChangedBy: strings.TrimSpace(c.PostForm("changed_by")), Note: strings.TrimSpace(c.PostForm("note")),
		Errors: map[string]string{},
	}
	in := validityInput{Note: vf.Note}
	if in.State, err = gazette.ParseValidity(vf.State); err != nil {
		vf.Errors["state"] = "请选择新时效"
	}
	if vf.Since == "" {
		vf.Errors["since"] = "请填写生效日期"
	} else if in.Since, err = gazette.ParseDate(vf.Since); err != nil {
		vf.Errors["since"] = "生效日期应为年-月-日，如 2024-05-01"
	}
	if pick, err := canonicalID(strings.TrimSpace(c.PostForm("changed_by_pick"))); err == nil {
		in.ChangedBy, vf.ChangedBy = pick, pick
	} else {
		var problem string
		in.ChangedBy, vf.Choices, problem, err = s.resolveDocument(c.Request.Context(), vf.ChangedBy, id)
		if err != nil {
			s.editorFail(c, err)
			return
		}
		if problem != "" {
			vf.Errors["changed_by"] = problem
		}
	}
	if len(vf.Errors) > 0 {
		s.renderDocumentPage(c, http.StatusUnprocessableEntity, id, vf, nil)
		return
	}
	if len(vf.Choices) > 0 {
		s.renderDocumentPage(c, http.StatusOK, id, vf, nil)
		return
	}
	if _, err := s.setValidity(c, id, in.change()); err != nil {
		var ve gazette.ValidationError
		if !errors.As(err, &ve) {
			s.editorFail(c, err)
			return
		}
		s.logFailure(c, http.StatusUnprocessableEntity, err)
		formErrors(ve, validityLabels, vf.Errors)
		if vf.Errors["changed_by"] != "" && vf.ChangedBy == "" {
			vf.Errors["changed_by"] += "：请填写文号、标题或文件编号"
		}
		s.renderDocumentPage(c, http.StatusUnprocessableEntity, id, vf, nil)
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
	today := today()
	from, to := today.Time(gazette.ChinaTime).AddDate(0, 0, -6), today.Time(gazette.ChinaTime).AddDate(0, 0, 1)
	if v := c.Query("from"); v != "" {
		d, err := gazette.ParseDate(v)
		if err != nil {
			return from, to, badRequest("from: want a date")
		}
		from = d.Time(gazette.ChinaTime)
	}
	if v := c.Query("to"); v != "" {
		d, err := gazette.ParseDate(v)
		if err != nil {
			return from, to, badRequest("to: want a date")
		}
		to = d.Time(gazette.ChinaTime).AddDate(0, 0, 1)
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
	f, t := gazette.DateOf(from.In(gazette.ChinaTime)).String(), gazette.DateOf(to.AddDate(0, 0, -1).In(gazette.ChinaTime)).String()
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

// correctionLabels names the correction form's unreadable fields by
// their labels.
func correctionLabels(errs gazette.ValidationError) string {
	labels := map[string]string{"version": "版本", "date": "勘误日期（请填写日期）", "kind": "种类（请从列表中选择）",
		"signed": "成文日期（请填写日期）", "effective": "施行日期（请填写日期）", "expires": "有效期至（请填写日期）"}
	var out []string
	for _, fe := range errs {
		out = append(out, labels[fe.Field])
	}
	return strings.Join(out, "；")
}
