package frontend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// Editors record relations between published documents on a document's
// editor page (and through the API), withdraw wrong ones (also those read
// from the text), and see the queue of cited documents no published
// document answers, most cited first.

// relationForm is the relation form as the editor typed it, with what is
// wrong with it and, when what was typed for the target fits several
// documents, the documents to pick from.
type relationForm struct {
	Type, Target, Provision, Since, Note string
	Choices                              []pickHit
	// Errors are Chinese messages by field (type, target, provision,
	// since, note); "" holds those of no one field.
	Errors map[string]string
}

// relationLabels name the relation form's fields in messages.
var relationLabels = map[string]string{"type": "关系", "target": "所涉文件", "provision": "条款", "since": "生效日期", "note": "说明"}

// editorRelation is one relation the document makes, as its editor page
// lists it, with what the withdraw button posts.
type editorRelation struct {
	linkView
	To string
}

// editorRelations lists the relations document id makes that an editor
// may withdraw (recorded or read from the text), and those made to it.
func (s *Server) editorRelations(c *gin.Context, id string) (out []editorRelation, in []linkView) {
	ra, ok := s.cfg.Archive.(relationsArchive)
	if !ok {
		return nil, nil
	}
	ctx := c.Request.Context()
	rs, err := ra.Relations(ctx, id)
	if err != nil {
		s.cfg.Log.WarnContext(ctx, "the relations of a document cannot be read", "document", id, "err", err)
		return nil, nil
	}
	docs := s.relatedDocs(ctx, linkIDs(rs)...)
	views := relationViews(rs.Out, true, docs)
	for i, l := range rs.Out {
		if l.Origin == gazette.OriginValidity {
			continue // withdrawn by a validity change, not here
		}
		out = append(out, editorRelation{linkView: views[i], To: l.To})
	}
	return out, relationViews(rs.In, false, docs)
}

// relationInput is a relation as the API takes it.
type relationInput struct {
	Type      gazette.RelationType `json:"type"`
	Target    string               `json:"target"`
	Provision string               `json:"provision"`
	Since     gazette.Date         `json:"since"`
	Note      string               `json:"note"`
}

func (in relationInput) relation() gazette.Relation {
	return gazette.Relation{Type: in.Type, Target: strings.TrimSpace(in.Target), Provision: gazette.NormalizeProvision(strings.TrimSpace(in.Provision)),
		Since: in.Since, Note: strings.TrimSpace(in.Note)}
}

// relateDocuments records or withdraws a relation made by the actor (editorial
// checks the role and audits it) and drops cached pages.
func (s *Server) relateDocuments(c *gin.Context, id string, rel gazette.Relation, withdraw bool) (*gazette.Relations, error) {
	var rs *gazette.Relations
	var err error
	if withdraw {
		rs, err = s.cfg.Editorial.WithdrawRelation(c.Request.Context(), actorOf(c), id, rel)
	} else {
		rs, err = s.cfg.Editorial.AddRelation(c.Request.Context(), actorOf(c), id, rel)
	}
	if rs != nil {
		s.Invalidate()
	}
	return rs, err
}

// relationPage records a relation from the form, or withdraws one (a
// withdraw button posts withdraw=1 with type, target and provision). The
// target may be given by ID, 文号 or title (resolveDocument), or picked
// from the choices an earlier post offered (target_pick). Whatever is
// wrong comes back on the form as typed, in Chinese, by field.
func (s *Server) relationPage(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.editorFail(c, err)
		return
	}
	rf := relationForm{
		Type: strings.TrimSpace(c.PostForm("type")), Target: strings.TrimSpace(c.PostForm("target")),
		Provision: strings.TrimSpace(c.PostForm("provision")), Since: strings.TrimSpace(c.PostForm("since")),
		Note: strings.TrimSpace(c.PostForm("note")), Errors: map[string]string{},
	}
	withdraw := c.PostForm("withdraw") == "1"
	in := relationInput{Provision: rf.Provision, Note: rf.Note}
	if in.Type, err = gazette.ParseRelationType(rf.Type); err != nil {
		rf.Errors["type"] = "请选择关系"
	}
	if rf.Since != "" {
		if in.Since, err = gazette.ParseDate(rf.Since); err != nil {
			rf.Errors["since"] = "生效日期应为年-月-日，如 2024-05-01"
		}
	}
	switch pick, perr := canonicalID(strings.TrimSpace(c.PostForm("target_pick"))); {
	case perr == nil:
		in.Target, rf.Target = pick, pick
	case rf.Target == "":
		rf.Errors["target"] = "请填写所涉文件的文号、标题或文件编号"
	default:
		var problem string
		in.Target, rf.Choices, problem, err = s.resolveDocument(c.Request.Context(), rf.Target, id)
		if err != nil {
			s.editorFail(c, err)
			return
		}
		if problem != "" {
			rf.Errors["target"] = problem
		}
	}
	back := func(status int) { s.renderRelationsPage(c, status, id, rf) }
	if len(rf.Errors) > 0 {
		back(http.StatusUnprocessableEntity)
		return
	}
	if len(rf.Choices) > 0 {
		back(http.StatusOK)
		return
	}
	if _, err := s.relateDocuments(c, id, in.relation(), withdraw); err != nil {
		var ve gazette.ValidationError
		if !errors.As(err, &ve) {
			s.editorFail(c, err)
			return
		}
		s.logFailure(c, http.StatusUnprocessableEntity, err)
		formErrors(ve, relationLabels, rf.Errors)
		back(http.StatusUnprocessableEntity)
		return
	}
	done := "relation"
	if withdraw {
		done = "unrelation"
	}
	c.Redirect(http.StatusSeeOther, "/editor/documents/"+id+"?done="+done+"#relations")
}

// renderRelationsPage shows the document's editor page with the relation
// form as rf has it.
func (s *Server) renderRelationsPage(c *gin.Context, status int, id string, rf relationForm) {
	s.renderEditorDocument(c, status, id, validityForm{Since: today().String()}, nil, &rf)
}

func (s *Server) apiAddRelation(c *gin.Context)      { s.apiRelation(c, false) }
func (s *Server) apiWithdrawRelation(c *gin.Context) { s.apiRelation(c, true) }

func (s *Server) apiRelation(c *gin.Context, withdraw bool) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.apiFail(c, err)
		return
	}
	var in relationInput
	if err := json.NewDecoder(io.LimitReader(c.Request.Body, 64<<10)).Decode(&in); err != nil {
		s.apiFail(c, fmt.Errorf("relation JSON: %v: %w", err, gazette.ErrInvalid))
		return
	}
	if _, err := canonicalID(in.Target); err != nil {
		s.apiFail(c, fmt.Errorf("target: want a document ID such as 2019-12-3: %w", gazette.ErrInvalid))
		return
	}
	rs, err := s.relateDocuments(c, id, in.relation(), withdraw)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	status := http.StatusCreated
	if withdraw {
		status = http.StatusOK
	}
	d, err := s.cfg.Archive.Document(c.Request.Context(), id)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	docs := s.relatedDocs(c.Request.Context(), linkIDs(rs)...)
	out := apiRelations{Out: []apiLink{}, In: []apiLink{}}
	for _, l := range rs.Out {
		out.Out = append(out.Out, apiLink{Type: l.Type, Label: l.Type.Label(), Document: s.apiRelatedDoc(docs[l.To]), Provision: l.Provision, Date: l.Date, Origin: l.Origin, Text: l.Text, Note: l.Note})
	}
	for _, l := range rs.In {
		out.In = append(out.In, apiLink{Type: l.Type, Label: l.Type.InverseLabel(), Document: s.apiRelatedDoc(docs[l.From]), Provision: l.Provision, Date: l.Date, Origin: l.Origin, Text: l.Text, Note: l.Note})
	}
	c.JSON(status, gin.H{"id": id, "url": s.abs(d.Permalink()), "out": out.Out, "in": out.In})
}

// maxQueue bounds the entries of the queue of unresolved citations on one
// page or answer; limit= asks for fewer.
const maxQueue = 200

// queueLimit reads ?limit= (1 to maxQueue; maxQueue by default).
func queueLimit(c *gin.Context) (int, error) {
	raw := c.Query("limit")
	if raw == "" {
		return maxQueue, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > maxQueue {
		return 0, badRequest(fmt.Sprintf("limit: want a number from 1 to %d", maxQueue))
	}
	return n, nil
}

// queueRow is one cited document of the queue, with its citing documents.
type queueRow struct {
	cite.Unresolved
	Citing     []relatedDoc
	Candidates []relatedDoc
}

// citationsQueuePage lists the documents cited in published documents
// that no published document answers, most cited first.
func (s *Server) citationsQueuePage(c *gin.Context) {
	limit, err := queueLimit(c)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	ctx := c.Request.Context()
	us, err := s.cfg.Editorial.UnresolvedCitations(ctx, actorOf(c), limit)
	if err != nil {
		s.editorFail(c, err)
		return
	}
	var rows []queueRow
	for _, u := range us {
		ids := append([]string{}, u.Documents...)
		for _, cd := range u.Candidates {
			ids = append(ids, cd.ID)
		}
		docs := s.relatedDocs(ctx, ids...)
		r := queueRow{Unresolved: u}
		for _, id := range u.Documents {
			r.Citing = append(r.Citing, docs[id])
		}
		for _, cd := range u.Candidates {
			r.Candidates = append(r.Candidates, docs[cd.ID])
		}
		rows = append(rows, r)
	}
	s.editorPage(c, http.StatusOK, "editor_citations", "未能解析的引用", rows)
}

// apiUnresolvedCitations answers the same queue as JSON.
func (s *Server) apiUnresolvedCitations(c *gin.Context) {
	limit, err := queueLimit(c)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	us, err := s.cfg.Editorial.UnresolvedCitations(c.Request.Context(), actorOf(c), limit)
	if err != nil {
		s.apiFail(c, err)
		return
	}
	if us == nil {
		us = []cite.Unresolved{}
	}
	c.JSON(http.StatusOK, gin.H{"citations": us})
}
