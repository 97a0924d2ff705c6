package frontend

import (
	"context"
	"html"
	"html/template"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// Relations between documents and the citations in their texts, on the
// reader's page (a section with both directions; citations in the body as
// links), in the API (the document JSON and /documents/{id}/relations) and
// in the documents feed (related links). The relations section lists
// validity changes too (what a document amended or repealed, and what
// amended or repealed it); the document's own validity history keeps its
// section (时效变更).

// relationsArchive is the archive's view of relations and citations
// (*archive.Archive has it): Relations in both directions of a published
// document (gazette.ErrNotFound, gazette.ErrInvalid); the citations in a
// document's text resolved against the archive; Links, both at once for
// version v of a published document, as its page shows them; and
// PageLinks, the same for a document read with its history already (d the
// version shown, h the history DocumentPage gave), without reading them
// again. All are safe for concurrent use. An archive without it shows no
// relations and links no citations.
type relationsArchive interface {
	Relations(ctx context.Context, id string) (*gazette.Relations, error)
	Citations(ctx context.Context, d *gazette.Document) ([]cite.Found, error)
	Links(ctx context.Context, id string, v int) (*gazette.Relations, []cite.Found, error)
	PageLinks(ctx context.Context, d *gazette.Document, h *gazette.History) (*gazette.Relations, []cite.Found, error)
}

// linkView is one relation on a document's page, seen from that document.
type linkView struct {
	Type gazette.RelationType
	// Verb is the relation as the page's document reads it: 依据, 修改 for
	// what it makes; 被引用, 被修改 for what others make to it.
	Verb      string
	Doc       relatedDoc
	Provision string
	Date      string
	// Origin says where the relation comes from, in Chinese.
	Origin string
	Text   string // the citation as printed, for one read from the text
	Note   string
	// Compare compares the texts of a document and the one that amends
	// or replaces it (修改, 废止); "" for other relations.
	Compare string
}

// originLabels name where a relation comes from.
var originLabels = map[gazette.RelationOrigin]string{
	gazette.OriginEditor:   "编辑录入",
	gazette.OriginText:     "正文引用",
	gazette.OriginValidity: "时效变更",
}

// relationViews turns links into views from the page's document: out says
// it makes them.
func relationViews(links []gazette.Link, out bool, docs map[string]relatedDoc) []linkView {
	var views []linkView
	for _, l := range links {
		lv := linkView{Type: l.Type, Verb: l.Type.Label(), Doc: docs[l.To], Provision: l.Provision, Date: dateLabel(l.Date),
			Origin: originLabels[l.Origin], Text: clean(l.Text), Note: clean(l.Note)}
		if l.Origin == gazette.OriginValidity && lv.Date != "" {
			lv.Date = "自" + lv.Date + "起" // the day the change takes effect
		}
		if !out {
			lv.Verb, lv.Doc = l.Type.InverseLabel(), docs[l.From]
		}
		if (l.Type == gazette.Amends || l.Type == gazette.Repeals) && l.From != l.To {
			lv.Compare = compareWithHref(l.To, l.From)
		}
		views = append(views, lv)
	}
	return views
}

// linkIDs are the other documents links name.
func linkIDs(rs *gazette.Relations) []string {
	var ids []string
	for _, l := range rs.Out {
		ids = append(ids, l.To)
	}
	for _, l := range rs.In {
		ids = append(ids, l.From)
	}
	return ids
}

// relations fills the relations of the page's document d (the version
// shown, with its history h) into dv, and links the citations of its
// body. A failing lookup is logged and leaves them out, and marks the page
// Degraded (not to be kept in a cache): the document is still worth
// reading.
func (s *Server) relations(ctx context.Context, dv *documentView, d *gazette.Document, h *gazette.History) {
	ra, ok := s.cfg.Archive.(relationsArchive)
	if !ok {
		return
	}
	rs, found, err := ra.PageLinks(ctx, d, h)
	if err != nil {
		dv.Degraded = true
		if ctx.Err() == nil {
			s.cfg.Log.WarnContext(ctx, "the relations and citations of a document cannot be read", "document", d.ID, "err", err)
		}
		return
	}
	docs := s.relatedDocs(ctx, append(linkIDs(rs), resolvedIDs(found)...)...)
	dv.HasRelations = true
	dv.RelatesTo = relationViews(rs.Out, true, docs)
	dv.RelatedBy = relationViews(rs.In, false, docs)
	dv.MoreRelatedBy = rs.MoreIn
	dv.Body = linkBody(d.Body, dv.needles, found, docs)
}

// resolvedIDs are the documents the resolved citations in found name.
func resolvedIDs(found []cite.Found) []string {
	var ids []string
	for _, f := range found {
		if f.Outcome == cite.Resolved {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

// linkBody renders the paragraphs of a body with each resolved citation a
// link to the document it names (titled with its title and 文号), and
// the search words marked; an unresolved citation stays plain text.
func linkBody(body []string, needles []string, found []cite.Found, docs map[string]relatedDoc) []template.HTML {
	out := make([]template.HTML, len(body))
	for i, p := range body {
		var b strings.Builder
		at := 0
		for _, f := range found {
			if f.Paragraph != i || f.Outcome != cite.Resolved || f.Start < at || f.End > len(p) {
				continue
			}
			r, ok := docs[f.ID]
			if !ok || !r.Found {
				continue
			}
			b.WriteString(string(highlight(p[at:f.Start], needles)))
			b.WriteString(`<a class="cite-link" href="/documents/` + html.EscapeString(f.ID) + `" title="` + html.EscapeString(r.Label()) + `">`)
			b.WriteString(string(highlight(p[f.Start:f.End], needles)))
			b.WriteString(`</a>`)
			at = f.End
		}
		b.WriteString(string(highlight(p[at:], needles)))
		out[i] = template.HTML(b.String())
	}
	return out
}

// apiLink is a relation in the API, seen from the document asked for:
// document is the other one.
type apiLink struct {
	Type      gazette.RelationType   `json:"type"`
	Label     string                 `json:"label"`
	Document  *apiRelated            `json:"document"`
	Provision string                 `json:"provision,omitempty"`
	Date      gazette.Date           `json:"date"`
	Origin    gazette.RelationOrigin `json:"origin"`
	Text      string                 `json:"text,omitempty"`
	Note      string                 `json:"note,omitempty"`
}

// apiRelations are a document's relations in both directions; MoreIn
// counts citing documents beyond those listed (gazette.Relations).
type apiRelations struct {
	Out    []apiLink `json:"out"`
	In     []apiLink `json:"in"`
	MoreIn int       `json:"more_in,omitempty"`
}

// apiCitation is a citation in a document's body: where it is (byte
// offsets into the paragraph), what it names, and the document it links
// to when it resolved.
type apiCitation struct {
	Paragraph int                  `json:"paragraph"`
	Start     int                  `json:"start"`
	End       int                  `json:"end"`
	Text      string               `json:"text"`
	Ref       string               `json:"ref"`
	Type      gazette.RelationType `json:"type"`
	Provision string               `json:"provision,omitempty"`
	Outcome   cite.Outcome         `json:"outcome"`
	Document  *apiRelated          `json:"document,omitempty"`
}

// apiRelationsOf answers the relations of d and the citations of its
// body; an archive without them answers empty lists.
func (s *Server) apiRelationsOf(ctx context.Context, d *gazette.Document) (apiRelations, []apiCitation, error) {
	rels, cites := apiRelations{Out: []apiLink{}, In: []apiLink{}}, []apiCitation{}
	ra, ok := s.cfg.Archive.(relationsArchive)
	if !ok {
		return rels, cites, nil
	}
	rs, found, err := ra.Links(ctx, d.ID, d.Version)
	if err != nil {
		return rels, cites, err
	}
	docs := s.relatedDocs(ctx, append(linkIDs(rs), resolvedIDs(found)...)...)
	for _, l := range rs.Out {
		rels.Out = append(rels.Out, apiLink{Type: l.Type, Label: l.Type.Label(), Document: s.apiRelatedDoc(docs[l.To]), Provision: l.Provision, Date: l.Date, Origin: l.Origin, Text: l.Text, Note: l.Note})
	}
	for _, l := range rs.In {
		rels.In = append(rels.In, apiLink{Type: l.Type, Label: l.Type.InverseLabel(), Document: s.apiRelatedDoc(docs[l.From]), Provision: l.Provision, Date: l.Date, Origin: l.Origin, Text: l.Text, Note: l.Note})
	}
	rels.MoreIn = rs.MoreIn
	for _, f := range found {
		if f.Outcome == cite.Self {
			continue
		}
		ac := apiCitation{Paragraph: f.Paragraph, Start: f.Start, End: f.End, Text: f.Text, Ref: f.Ref(), Type: f.Type, Provision: f.Provision, Outcome: f.Outcome}
		if f.Outcome == cite.Resolved {
			ac.Document = s.apiRelatedDoc(docs[f.ID])
		}
		cites = append(cites, ac)
	}
	return rels, cites, nil
}

// apiDocumentRelations answers GET /api/v1/documents/{id}/relations.
func (s *Server) apiDocumentRelations(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	ck := "api:relations:" + id
	if s.cached(c, s.docs, ck, ccAPIDocument) {
		return
	}
	ctx := c.Request.Context()
	d, err := s.cfg.Archive.Document(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	rels, cites, err := s.apiRelationsOf(ctx, d)
	if err != nil {
		s.fail(c, err)
		return
	}
	answer := gin.H{"id": id, "url": s.abs(d.Permalink()), "out": rels.Out, "in": rels.In, "citations": cites}
	if rels.MoreIn > 0 {
		answer["more_in"] = rels.MoreIn
	}
	s.writeJSON(c, answer, ccAPIDocument, s.docs, ck)
}

// feedCitationLinks are the related links of a feed entry: the documents
// the citations in its text link to. A failure is logged and gives none.
func (s *Server) feedCitationLinks(ctx context.Context, id string) []atomLink {
	ra, ok := s.cfg.Archive.(relationsArchive)
	if !ok {
		return nil
	}
	d, err := s.cfg.Archive.Document(ctx, id)
	if err == nil {
		var found []cite.Found
		if found, err = ra.Citations(ctx, d); err == nil {
			var ids []string
			for _, f := range found {
				if f.Outcome == cite.Resolved && !slices.Contains(ids, f.ID) {
					ids = append(ids, f.ID)
				}
			}
			docs := s.relatedDocs(ctx, ids...)
			var out []atomLink
			for _, i := range ids {
				if r := docs[i]; r.Found {
					out = append(out, atomLink{Rel: "related", Type: "text/html", Href: s.abs("/documents/" + i), Title: r.Label()})
				}
			}
			return out
		}
	}
	if ctx.Err() == nil {
		s.cfg.Log.WarnContext(ctx, "the citations of a feed entry cannot be resolved", "document", id, "err", err)
	}
	return nil
}
