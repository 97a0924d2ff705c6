package frontend

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// Draft pages and their API twins.

// localTimeLayout is the value format of <input type="datetime-local">;
// release times are entered and shown in China Standard Time
// (Asia/Shanghai, which has had no daylight saving since 1991).
const localTimeLayout = "2006-01-02T15:04"

// parseRelease reads a release moment as a datetime-local input sends it,
// to the minute or, where the input allows it (step="1"), to the second.
func parseRelease(v string) (time.Time, error) {
	if t, err := time.ParseInLocation(localTimeLayout+":05", v, gazette.ChinaTime); err == nil {
		return t, nil
	}
	return time.ParseInLocation(localTimeLayout, v, gazette.ChinaTime)
}

// draftRow is one line of the drafts list.
type draftRow struct {
	ID, Label, State, Author, Updated, Release string
	Documents                                  int
	Damaged                                    bool
	// Review counts what ingest asks a person to check: a file from the
	// review queue, or an upload that did not read cleanly.
	Review int
}

type draftsView struct {
	Drafts  []draftRow
	Suggest string
}

func stateLabel(st editorial.State) string {
	return map[editorial.State]string{
		editorial.StateDrafting: "草稿", editorial.StateSubmitted: "待审核", editorial.StateApproved: "已审核",
		editorial.StateScheduled: "已排期", editorial.StatePublished: "已发布",
	}[st]
}

// draftLabel names a draft by its issue; a file from the review queue
// whose cover named none (an agency's original) is "期次未定" until the
// archivist names it, never "0年第0期".
func draftLabel(d *editorial.Draft) string {
	if k := d.Issue.IssueKey; k.Year == 0 || k.Number == 0 {
		return "期次未定（" + d.ID[:8] + "）"
	}
	return d.Issue.Key().Label()
}

func releaseLabel(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(gazette.ChinaTime).Format("2006-01-02 15:04")
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
		if d.Damage != "" {
			dv.Drafts = append(dv.Drafts, draftRow{ID: d.ID, Label: "草稿 " + d.ID[:8], State: "记录已损坏", Damaged: true, Updated: releaseLabel(d.Updated)})
			continue
		}
		dv.Drafts = append(dv.Drafts, draftRow{
			ID: d.ID, Label: draftLabel(d), State: stateLabel(d.State), Author: d.Author,
			Updated: releaseLabel(d.Updated), Release: releaseLabel(d.Issue.Published), Documents: len(d.Documents),
			Review: len(d.Review),
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

// docForm is one document of a published document's or a draft's form.
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

// draftDoc is the document of a draft under review: its fields as they
// were stored or typed, the problems of each field, and its printed pages
// as images.
type draftDoc struct {
	N                          int // position counted from 1
	Title, DocNumber, Section  string
	Kind                       gazette.Kind
	Authorities                string
	Signed, Effective, Expires string
	Validity                   gazette.Validity
	First, Last                string
	Body                       string
	Pages                      []draftPage // printed pages shown as images
	MorePages                  int         // pages beyond those shown
	Msgs                       map[string][]string
	IsLast                     bool
}

// docTab is a document in the draft's list of documents.
type docTab struct {
	N                int // counted from 1
	Title, DocNumber string
	Problems         int
	Current          bool
}

type draftView struct {
	ID, ETag, State, Label, Author, Note string
	StateCode                            editorial.State
	Heading                              string
	Gazette, Year, Number, Total         string
	Supplement                           bool
	Release                              string // datetime-local value
	ReleaseLabel                         string
	HasPDF, Renders                      bool
	PDF                                  string
	Review                               []string
	Tabs                                 []docTab
	// Doc is the document shown (nil on the issue's own tab).
	Doc        *draftDoc
	IssueMsgs  map[string][]string
	Problems   []fieldMsg // what stops submission
	Warnings   []fieldMsg // what to look at
	Kinds      []gazette.Kind
	Validities []gazette.Validity
	// Editable: drafting. CanWithdraw: a locked draft its contributor or a
	// chief editor may take back. CanDelete: drafting or submitted.
	Editable, CanWithdraw, CanDelete bool
	// CanApprove, or ApproveWhy says why not, on a submitted draft.
	CanApprove bool
	ApproveWhy string
	// CanSchedule: approved; ChooseMoment: a chief editor picks the moment.
	CanSchedule, ChooseMoment bool
	// Historical: its release time has passed (an issue of the historical
	// archive); it is published at once, keeping that day.
	Historical bool
	// CanReschedule: a chief editor may move or withdraw a scheduled issue.
	CanReschedule bool
	Saved         bool
	Failed        string // why the form was not saved
	// Confirm asks before a document is removed.
	Confirm *docTab
	// CanReread: the pages can be read again by OCR (drafting, a PDF, OCR
	// installed), with the settings OCR offers; Reread is the page just
	// read again.
	CanReread bool
	OCR       ocrOptions
	Reread    int
	// Proofread is the page just recorded as proofread.
	Proofread int
}

// maxPageImages bounds the page images shown beside one document.
const maxPageImages = 12

// newDraftView is draft d as actor a reviews it, showing document docN
// (counted from 1; 0 for the issue's own fields); renders says whether the
// server draws page images.
func newDraftView(d *editorial.Draft, a editorial.Actor, docN int, renders bool) draftView {
	v := draftView{
		ID: d.ID, ETag: d.ETag, State: stateLabel(d.State), StateCode: d.State, Label: draftLabel(d), Author: d.Author, Note: d.Note,
		Gazette: d.Issue.Gazette, Year: numValue(d.Issue.Year), Number: numValue(d.Issue.Number), Total: numValue(d.Issue.TotalNumber), Supplement: d.Issue.Supplement,
		ReleaseLabel: releaseLabel(d.Issue.Published), HasPDF: d.Issue.PDF.SHA256 != "", PDF: "/editor/drafts/" + d.ID + "/print.pdf",
		Review: d.Review, Kinds: gazette.Kinds, Validities: gazette.Validities,
		Editable:  d.State == editorial.StateDrafting,
		CanDelete: d.State == editorial.StateDrafting || d.State == editorial.StateSubmitted,
		IssueMsgs: map[string][]string{}, Renders: renders,
	}
	v.Heading = v.Label + " · " + map[editorial.State]string{
		editorial.StateDrafting: "草稿", editorial.StateSubmitted: "待审核", editorial.StateApproved: "已审核，待排期",
		editorial.StateScheduled: "已排期", editorial.StatePublished: "已发布",
	}[d.State]
	contributor := slices.Contains(d.Contributors, a.User)
	chief := a.Role.Includes(editorial.RoleChief)
	locked := d.State == editorial.StateSubmitted || d.State == editorial.StateApproved
	v.CanWithdraw = locked && (contributor || chief)
	if d.State == editorial.StateSubmitted {
		switch {
		case !chief:
			v.ApproveWhy = "审核需由主编进行"
		case contributor:
			v.ApproveWhy = "您编辑过此草稿，需由另一位主编审核"
		default:
			v.CanApprove = true
		}
	}
	v.CanSchedule = d.State == editorial.StateApproved
	v.Historical = !d.Issue.Published.IsZero() && d.Issue.Published.Before(time.Now())
	v.ChooseMoment = chief
	v.CanReschedule = chief && d.State == editorial.StateScheduled
	if p := d.Issue.Published; !p.IsZero() {
		layout := localTimeLayout
		if p.Second() != 0 {
			layout += ":05" // a moment chosen to the second stays so when saved again
		}
		v.Release = p.In(gazette.ChinaTime).Format(layout)
	}
	for i, doc := range d.Documents {
		v.Tabs = append(v.Tabs, docTab{N: i + 1, Title: doc.Title, DocNumber: doc.DocNumber, Current: i+1 == docN})
		if i+1 != docN {
			continue
		}
		f := &draftDoc{
			N: i + 1, Title: doc.Title, DocNumber: doc.DocNumber, Section: doc.Section, Kind: doc.Kind,
			Authorities: strings.Join(doc.Authorities, "\n"),
			Signed:      dateValue(doc.Signed), Effective: dateValue(doc.Effective), Expires: dateValue(doc.Expires),
			Validity: doc.Validity.State, First: numValue(doc.Pages.First), Last: numValue(doc.Pages.Last),
			Body: strings.Join(doc.Body, "\n"), IsLast: i == len(d.Documents)-1, Msgs: map[string][]string{},
		}
		if v.HasPDF && renders && doc.Pages.First > 0 {
			last := max(doc.Pages.First, min(doc.Pages.Last, d.Issue.PDF.Pages))
			for p := doc.Pages.First; p <= last && len(f.Pages) < maxPageImages; p++ {
				label, set := rereadLabel(d.Pages, p)
				recorded := slices.ContainsFunc(d.Pages, func(r editorial.PageText) bool { return r.Page == p })
				proofread := slices.ContainsFunc(doc.Sources, func(s gazette.TextSource) bool { return s.Page == p && s.Method == gazette.Proofread })
				f.Pages = append(f.Pages, draftPage{N: p, Source: sourceLabel(doc.Sources, p), Reread: label, Settings: set, Recorded: recorded, Proofread: proofread})
			}
			f.MorePages = last - doc.Pages.First + 1 - len(f.Pages)
		}
		v.Doc = f
	}
	return v
}

// withProblems places the draft's problems and warnings on the fields they
// concern and counts them on the documents' tabs.
func (v *draftView) withProblems(problems, warnings []gazette.FieldError) {
	v.Problems, v.Warnings = describeAll(problems), describeAll(warnings)
	place := func(m fieldMsg, text string) {
		switch {
		case m.Doc == 0:
			v.IssueMsgs[m.Field] = append(v.IssueMsgs[m.Field], text)
		case v.Doc != nil && v.Doc.N == m.Doc:
			v.Doc.Msgs[m.Field] = append(v.Doc.Msgs[m.Field], text)
		}
		if m.Doc > 0 && m.Doc <= len(v.Tabs) {
			v.Tabs[m.Doc-1].Problems++
		}
	}
	for _, m := range v.Problems {
		place(m, m.Text)
	}
	for _, m := range v.Warnings {
		place(m, "请注意："+m.Text)
	}
}

func numValue(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
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

// docParam is the document shown, counted from 1 (?doc=2); 0, the issue's
// own fields, when absent. A number that is not a document is refused, not
// silently replaced.
func docParam(c *gin.Context, n int) (int, error) {
	v := c.Query("doc")
	if v == "" {
		return 0, nil
	}
	i, err := strconv.Atoi(v)
	if err != nil || i < 0 || i > n {
		return 0, editorError{msg: fmt.Sprintf("本期没有第%s篇（共%d篇）", v, n), kind: gazette.ErrNotFound}
	}
	return i, nil
}

func (s *Server) draftPage(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	ctx, a := c.Request.Context(), actorOf(c)
	d, err := s.cfg.Editorial.Draft(ctx, a, id)
	if errors.Is(err, gazette.ErrCorrupt) {
		s.damagedPage(c, id)
		return
	}
	if err != nil {
		s.editorFail(c, err)
		return
	}
	n, err := docParam(c, len(d.Documents))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	v := newDraftView(d, a, n, s.cfg.Editorial.RendersPages())
	v.Saved = c.Query("saved") != ""
	v.CanReread, v.OCR = v.Editable && v.HasPDF && s.cfg.Editorial.RereadsPages(), ocrChoices
	v.Reread, _ = strconv.Atoi(c.Query("reread"))
	v.Proofread, _ = strconv.Atoi(c.Query("proofread"))
	v.withProblems(d.Problems(), s.cfg.Editorial.Warnings(ctx, d))
	if v.Editable && v.Doc != nil && c.Query("confirm") == "remove" {
		v.Confirm = &v.Tabs[n-1]
	}
	s.editorPage(c, http.StatusOK, "editor_draft", v.Heading, v)
}

// draftURL is draft id's page showing document n (0: the issue).
func draftURL(id string, n int, saved bool) string {
	q := url.Values{}
	if n > 0 {
		q.Set("doc", strconv.Itoa(n))
	}
	if saved {
		q.Set("saved", "1")
	}
	if len(q) == 0 {
		return "/editor/drafts/" + id
	}
	return "/editor/drafts/" + id + "?" + q.Encode()
}

// saveDraftPage saves the draft form and applies the button pressed: save,
// add a document, remove one (asked first), or move one up or down. The
// save is conditional on the ETag the form was rendered with. A value that
// cannot be read keeps the whole form as typed, with the reason beside the
// field, and nothing is saved; a draft that is only incomplete is saved,
// with what remains to be done.
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
	if d.State != editorial.StateDrafting {
		s.editorFail(c, &editorial.StateError{Draft: id, Action: "edit", State: d.State, Allowed: []editorial.State{editorial.StateDrafting}})
		return
	}
	shown, _ := strconv.Atoi(c.PostForm("doc"))
	if shown < 0 || shown > len(d.Documents) {
		shown = 0
	}
	typed, bad := applyDraftForm(d, c)
	if len(bad) > 0 {
		v := newDraftView(d, a, shown, s.cfg.Editorial.RendersPages())
		typed.onto(&v)
		v.withProblems(bad, nil)
		v.Problems, v.Warnings = describeAll(bad), nil
		v.Failed = "未保存：请按提示修改标红的项目后再保存。"
		s.editorPage(c, http.StatusUnprocessableEntity, "editor_draft", v.Heading, v)
		return
	}
	op, arg, _ := strings.Cut(c.PostForm("op"), ":")
	n, _ := strconv.Atoi(arg)
	next := shown
	switch op {
	case "", "save":
	case "add":
		issueDay := gazette.DateOf(d.Issue.Published.In(gazette.ChinaTime))
		err = d.AddDocument(len(d.Documents), gazette.Document{Kind: gazette.KindOther, Validity: gazette.Status{State: gazette.InForce}, Published: issueDay})
		next = len(d.Documents)
	case "remove":
		// Asked first: the typed fields are saved, then the page asks.
		next = n
	case "remove-confirmed":
		err = d.RemoveDocument(n - 1)
		next = min(n, len(d.Documents)-1)
	case "up":
		err, next = d.MoveDocument(n-1, n-2), n-1
	case "down":
		err, next = d.MoveDocument(n-1, n), n+1
	default:
		err = fmt.Errorf("unknown operation %q: %w", op, gazette.ErrInvalid)
	}
	if err != nil {
		s.editorFail(c, err)
		return
	}
	saved, err := s.cfg.Editorial.Save(ctx, a, d)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	to := draftURL(saved.ID, next, op != "remove")
	if op == "remove" {
		to += "&confirm=remove"
	}
	c.Redirect(http.StatusSeeOther, to)
}

// typedForm keeps what was typed into fields that could not be read, so
// the form comes back as the editor left it.
type typedForm struct {
	issue map[string]string
	doc   map[string]string
}

func (t typedForm) onto(v *draftView) {
	set := func(p *string, m map[string]string, k string) {
		if s, ok := m[k]; ok {
			*p = s
		}
	}
	set(&v.Year, t.issue, "year")
	set(&v.Number, t.issue, "number")
	set(&v.Total, t.issue, "total")
	set(&v.Release, t.issue, "release")
	if d := v.Doc; d != nil {
		set(&d.Signed, t.doc, "signed")
		set(&d.Effective, t.doc, "effective")
		set(&d.Expires, t.doc, "expires")
		set(&d.First, t.doc, "first")
		set(&d.Last, t.doc, "last")
	}
}

// applyDraftForm copies the posted fields onto d: the issue's fields when
// the form holds them, and the fields of each document it holds (the form
// shows one at a time). It returns what was typed and the fields that
// could not be read, named as Problems names them.
func applyDraftForm(d *editorial.Draft, c *gin.Context) (typedForm, gazette.ValidationError) {
	var errs gazette.ValidationError
	typed := typedForm{issue: map[string]string{}, doc: map[string]string{}}
	bad := func(field, zh string) {
		errs = append(errs, gazette.FieldError{Field: field, Problem: "cannot be read", Zh: zh})
	}
	num := func(m map[string]string, form, field string) int {
		v := strings.TrimSpace(c.PostForm(form))
		m[form[strings.LastIndex(form, ".")+1:]] = v
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(foldDigits(v))
		if err != nil || n < 0 {
			bad(field, "“"+v+"”不是整数")
			return 0
		}
		return n
	}
	if _, ok := c.GetPostForm("gazette"); ok {
		d.Issue.Gazette = strings.TrimSpace(c.PostForm("gazette"))
		d.Issue.Year, d.Issue.Number, d.Issue.TotalNumber = num(typed.issue, "year", "year"), num(typed.issue, "number", "number"), num(typed.issue, "total", "total_number")
		d.Issue.Supplement = c.PostForm("supplement") != ""
		rel := strings.TrimSpace(c.PostForm("release"))
		typed.issue["release"] = rel
		d.Issue.Published = time.Time{}
		if rel != "" {
			t, err := parseRelease(rel)
			if err != nil {
				bad("published", "请填写日期和时间，如 2026-12-01T09:00")
			} else {
				d.Issue.Published = t
			}
		}
	}
	issueDay := gazette.DateOf(d.Issue.Published.In(gazette.ChinaTime))
	for i := range d.Documents {
		p := fmt.Sprintf("d%d.", i)
		if _, ok := c.GetPostForm(p + "title"); !ok {
			if !issueDay.IsZero() {
				d.Documents[i].Published = issueDay
			}
			continue // not on this form
		}
		field := func(name string) string { return fmt.Sprintf("documents[%d].%s", i, name) }
		date := func(form, name string) gazette.Date {
			v := strings.TrimSpace(c.PostForm(p + form))
			typed.doc[form] = v
			if v == "" {
				return gazette.Date{}
			}
			dd, err := gazette.ParseDate(v)
			if err != nil {
				bad(field(name), "“"+v+"”不是日期，请填写如 2026-12-01 或 2026年12月1日")
			}
			return dd
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
			bad(field("kind"), "请从列表中选择种类")
		}
		doc.Authorities = splitList(c.PostForm(p + "authorities"))
		doc.Signed, doc.Effective, doc.Expires = date("signed", "signed_date"), date("effective", "effective_date"), date("expires", "expiry_date")
		if v, err := gazette.ParseValidity(c.PostForm(p + "validity")); err == nil {
			if v != doc.Validity.State {
				doc.Validity = gazette.Status{State: v}
			}
		} else {
			bad(field("validity"), "请从列表中选择时效")
		}
		doc.Pages = gazette.PageRange{First: num(typed.doc, p+"first", field("pages")), Last: num(typed.doc, p+"last", field("pages"))}
		doc.Body = splitParagraphs(c.PostForm(p + "body"))
		doc.Published = issueDay
	}
	return typed, errs
}

// foldDigits reads full-width digits as ASCII: ２３ is 23.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + r - '０'
		}
		return r
	}, s)
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

// damagedView is a draft whose record cannot be read.
type damagedView struct {
	*editorial.DamagedDraft
	CanRepair bool
}

// damagedPage shows a damaged draft with what a repair would clear, and
// the repair and delete buttons to those who may use them.
func (s *Server) damagedPage(c *gin.Context, id string) {
	a := actorOf(c)
	dd, err := s.cfg.Editorial.Damaged(c.Request.Context(), a, id)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	s.editorPage(c, http.StatusOK, "editor_damaged", "草稿记录已损坏", damagedView{DamagedDraft: dd, CanRepair: a.Role.Includes(editorial.RoleChief)})
}

// maxUploadFields bounds the form fields an upload may carry before its
// file.
const maxUploadFields = 8

// uploadPage takes the print PDF from a multipart form, streamed: the CSRF
// token must be the first part and the ETag must come before the file (the
// form puts them so), so a forged upload is refused before anything else of
// it is read, and a stale one before any of it is stored.
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
	first, err := mr.NextPart()
	if err != nil || first.FormName() != "csrf" {
		s.editorFail(c, errCSRF)
		return
	}
	token, err := io.ReadAll(io.LimitReader(first, 256))
	if err != nil || !editorial.VerifyCSRF(sessionOf(c).Token, string(token)) {
		s.editorFail(c, errCSRF)
		return
	}
	fields := map[string]string{}
	for n := 0; ; n++ {
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
			if n == maxUploadFields {
				s.editorFail(c, fmt.Errorf("upload: more than %d fields: %w", maxUploadFields, gazette.ErrInvalid))
				return
			}
			b, err := io.ReadAll(io.LimitReader(part, 4096))
			if err != nil {
				s.editorFail(c, fmt.Errorf("upload: %v: %w", err, gazette.ErrInvalid))
				return
			}
			fields[name] = string(b)
			continue
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
	c.Redirect(http.StatusSeeOther, draftURL(d.ID, 0, true))
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
	limitRanges(c.Request)
	http.ServeContent(c.Writer, c.Request, "", info.Modified, r)
}

// draftAction runs a workflow step on draft id; reason is a rejection's,
// release the moment of a schedule or reschedule, now the confirmation to
// publish at once.
func (s *Server) draftAction(c *gin.Context, action, id, etag, reason string, release time.Time, now bool) (*editorial.Draft, error) {
	ctx, a, ed := c.Request.Context(), actorOf(c), s.cfg.Editorial
	switch action {
	case "submit":
		return ed.Submit(ctx, a, id, etag)
	case "approve":
		return ed.Approve(ctx, a, id, etag)
	case "reject":
		if strings.TrimSpace(reason) == "" {
			return nil, invalidInput("请填写退回原因")
		}
		return ed.Reject(ctx, a, id, etag, strings.TrimSpace(reason))
	case "withdraw":
		return ed.Withdraw(ctx, a, id, etag)
	case "schedule":
		return ed.ScheduleAt(ctx, a, id, etag, release, now)
	case "historical":
		return ed.PublishHistorical(ctx, a, id, etag)
	case "reschedule":
		return ed.Reschedule(ctx, a, id, etag, release)
	case "unschedule":
		return ed.Unschedule(ctx, a, id, etag)
	case "repair":
		return ed.RepairDraft(ctx, a, id, etag)
	case "delete":
		return nil, ed.DeleteDraft(ctx, a, id, etag)
	}
	return nil, fmt.Errorf("draft action %q: %w", action, gazette.ErrNotFound)
}

// confirmView asks before a draft is deleted.
type confirmView struct {
	ID, ETag, Label string
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
		if release, err = parseRelease(v); err != nil {
			s.editorFail(c, gazette.ValidationError{{Field: "published", Problem: "want 2026-12-01T09:00", Zh: "请填写日期和时间，如 2026-12-01T09:00"}})
			return
		}
	}
	if action == "delete" && c.PostForm("confirm") == "" {
		label := "此草稿"
		if d, err := s.cfg.Editorial.Draft(c.Request.Context(), actorOf(c), id); err == nil {
			label = draftLabel(d) + "草稿（" + strconv.Itoa(len(d.Documents)) + "篇文件）"
		}
		s.editorPage(c, http.StatusOK, "editor_confirm", "确认删除", confirmView{ID: id, ETag: c.PostForm("etag"), Label: label})
		return
	}
	if _, err := s.draftAction(c, action, id, c.PostForm("etag"), c.PostForm("reason"), release, c.PostForm("now") != ""); err != nil {
		s.editorFail(c, err)
		return
	}
	if action == "delete" {
		c.Redirect(http.StatusSeeOther, "/editor")
		return
	}
	c.Redirect(http.StatusSeeOther, draftURL(id, 0, true))
}

// The API.

// apiDraftBody is a draft as the API answers it, with what stops its
// submission (problems) and what to look at (warnings), each field by its
// JSON path with the message in Chinese.
type apiDraftBody struct {
	*editorial.Draft
	ETag     string     `json:"etag"`
	Problems []apiField `json:"problems,omitempty"`
	Warnings []apiField `json:"warnings,omitempty"`
}

// apiField is a problem of one field.
type apiField struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
	Message string `json:"message_zh,omitempty"`
}

// apiDamaged is a draft whose stored record cannot be read.
type apiDamaged struct {
	ID     string `json:"id"`
	ETag   string `json:"etag"`
	Damage string `json:"damage"`
}

func apiFields(fes []gazette.FieldError) []apiField {
	out := make([]apiField, len(fes))
	for i, fe := range fes {
		out[i] = apiField{Field: fe.Field, Problem: fe.Problem, Message: fe.Zh}
	}
	return out
}

func (s *Server) draftBody(c *gin.Context, d *editorial.Draft) apiDraftBody {
	return apiDraftBody{Draft: d, ETag: etagHeader(d.ETag), Problems: apiFields(d.Problems()), Warnings: apiFields(s.cfg.Editorial.Warnings(c.Request.Context(), d))}
}

func (s *Server) writeDraft(c *gin.Context, status int, d *editorial.Draft) {
	c.Header("ETag", etagHeader(d.ETag))
	c.JSON(status, s.draftBody(c, d))
}

func (s *Server) apiDrafts(c *gin.Context) {
	drafts, err := s.cfg.Editorial.Drafts(c.Request.Context(), actorOf(c))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	out := []apiDraftBody{}
	damaged := []apiDamaged{}
	for _, d := range drafts {
		if d.Damage != "" {
			damaged = append(damaged, apiDamaged{ID: d.ID, ETag: etagHeader(d.ETag), Damage: "the stored record cannot be read: repair or delete it"})
			continue
		}
		out = append(out, s.draftBody(c, d))
	}
	c.JSON(http.StatusOK, gin.H{"drafts": out, "damaged": damaged})
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
// that the draft is still at If-Match (required). A draft is saved whole:
// a body that is not an object with the issue (null, {}, a list) is
// refused, never taken for an empty draft.
func (s *Server) apiSaveDraft(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	etag := ifMatch(c)
	raw, err := io.ReadAll(io.LimitReader(c.Request.Body, maxDraftJSON))
	if err != nil {
		s.apiFail(c, fmt.Errorf("draft JSON: %v: %w", err, gazette.ErrInvalid))
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || !bytes.HasPrefix(bytes.TrimSpace(fields["issue"]), []byte("{")) {
		s.apiFail(c, gazette.ValidationError{{Field: "issue", Problem: "missing: a draft is saved whole, an object with its issue and documents", Zh: "缺少期次信息（issue）"}})
		return
	}
	var d editorial.Draft
	if err := json.Unmarshal(raw, &d); err != nil {
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
	etag := ifMatch(c)
	if _, err := s.draftAction(c, "delete", id, etag, "", time.Time{}, false); err != nil {
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
	etag := ifMatch(c)
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxUploadBytes)
	d, err := s.cfg.Editorial.UploadPDF(c.Request.Context(), actorOf(c), id, etag, body)
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

// apiDraftActions are the workflow steps the API posts to a draft.
var apiDraftActions = map[string]bool{"submit": true, "approve": true, "reject": true, "withdraw": true,
	"schedule": true, "reschedule": true, "unschedule": true, "repair": true}

func (s *Server) apiDraftAction(c *gin.Context) {
	id, err := draftID(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	var body struct {
		Reason  string    `json:"reason"`
		Release time.Time `json:"release"` // schedule, reschedule: RFC 3339
		Now     bool      `json:"now"`     // schedule: publish at once
	}
	if c.Request.ContentLength != 0 {
		if err := json.NewDecoder(io.LimitReader(c.Request.Body, 64<<10)).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
			s.apiFail(c, fmt.Errorf("body: %v: %w", err, gazette.ErrInvalid))
			return
		}
	}
	action := c.Param("action")
	if !apiDraftActions[action] {
		s.apiFail(c, fmt.Errorf("draft action %q (delete a draft with DELETE): %w", action, gazette.ErrNotFound))
		return
	}
	etag := ifMatch(c)
	d, err := s.draftAction(c, action, id, etag, body.Reason, body.Release, body.Now)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	s.writeDraft(c, http.StatusOK, d)
}

// draftPage is a page shown beside a draft document's fields, with how its
// text was read.
type draftPage struct {
	N      int
	Source string
	// Reread says when and how the page was last read again ("" if
	// never); Settings are the form's choices, those of that reading or
	// the defaults.
	Reread   string
	Settings report.OCRSettings
	// Recorded: the draft knows which paragraphs the page gave (see
	// editorial.PageText), so it can be read again.
	Recorded bool
	// Proofread: a person read the page against the print.
	Proofread bool
}

// sourceLabel says how the text of page p was read, for the archivist
// checking it against the image: "" when not known.
func sourceLabel(sources []gazette.TextSource, p int) string {
	for _, s := range sources {
		if s.Page != p {
			continue
		}
		switch s.Method {
		case gazette.TextLayer:
			return "文字取自 PDF 文字层"
		case gazette.Poppler:
			return "文字取自 PDF 文字层（pdftotext）"
		case gazette.OCR:
			return fmt.Sprintf("文字由 OCR 识别，置信度 %.0f%%", s.Confidence*100)
		case gazette.Proofread:
			return "已由 " + s.By + " 人工校对"
		}
	}
	return ""
}
