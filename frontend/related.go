package frontend

import (
	"context"
	"slices"

	"github.com/gazette-archive/gazette/gazette"
)

// Related documents: the document that changed one's validity, and the
// documents one changed, always named by title and 文号, in both
// directions, on the reader's page, the editors' page and in the API.

// affectedArchive is the archive's reverse lookup of validity changes
// (*archive.Archive has it): the histories of the published documents
// whose printed status or recorded validity changes name document id as
// their cause, in print order. Errors: gazette.ErrInvalid for a malformed
// ID, storage errors. Safe for concurrent use. An archive without it shows
// no reverse direction.
type affectedArchive interface {
	Affected(ctx context.Context, id string) ([]gazette.History, error)
}

// relatedDoc is another document named beside one.
type relatedDoc struct {
	ID, Title, DocNumber string
	Found                bool // false: not (or no longer readable as) a published document
}

// Label names the document as a citation does: 《标题》（文号）.
func (r relatedDoc) Label() string {
	switch {
	case !r.Found:
		return "编号为" + r.ID + "的文件（未能读取）"
	case r.DocNumber != "":
		return "《" + r.Title + "》（" + r.DocNumber + "）"
	}
	return "《" + r.Title + "》"
}

// causedChange is a change of another document's validity that one
// document caused.
type causedChange struct {
	State gazette.Validity
	Since gazette.Date // zero: as printed, date unknown
	Doc   relatedDoc
}

// relatedDocs looks up the documents with the given IDs; one that cannot
// be read is logged and named by its ID alone, so that it never takes the
// page of another document down with it.
func (s *Server) relatedDocs(ctx context.Context, ids ...string) map[string]relatedDoc {
	out := make(map[string]relatedDoc, len(ids))
	for _, id := range ids {
		if _, ok := out[id]; ok || id == "" {
			continue
		}
		r := relatedDoc{ID: id}
		d, err := s.cfg.Archive.Document(ctx, id)
		switch {
		case err == nil:
			r.Title, r.DocNumber, r.Found = clean(d.Title), clean(d.DocNumber), true
		case ctx.Err() == nil:
			s.cfg.Log.WarnContext(ctx, "a related document cannot be read", "document", id, "err", err)
		}
		out[id] = r
	}
	return out
}

// causedBy returns the changes of other documents' validity that document
// id caused, in the order they took effect (as printed first).
func (s *Server) causedBy(ctx context.Context, id string) ([]causedChange, error) {
	aa, ok := s.cfg.Archive.(affectedArchive)
	if !ok {
		return nil, nil
	}
	hs, err := aa.Affected(ctx, id)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
	}
	docs := s.relatedDocs(ctx, ids...)
	var out []causedChange
	for _, h := range hs {
		if h.Printed.ChangedBy == id {
			out = append(out, causedChange{State: h.Printed.State, Since: h.Printed.Since, Doc: docs[h.ID]})
		}
		for _, ch := range h.Timeline() {
			if ch.ChangedBy == id {
				out = append(out, causedChange{State: ch.State, Since: ch.Since, Doc: docs[h.ID]})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y causedChange) int { return x.Since.Compare(y.Since) })
	return out, nil
}

// causeIDs are the IDs of the documents that changed the validity of the
// document d with history h (nil when unknown).
func causeIDs(d *gazette.Document, h *gazette.History) []string {
	ids := []string{d.Validity.ChangedBy}
	if h != nil {
		ids = append(ids, h.Printed.ChangedBy)
		for _, ch := range h.Validity {
			ids = append(ids, ch.ChangedBy)
		}
	}
	return slices.DeleteFunc(ids, func(id string) bool {
		_, _, err := gazette.ParseDocumentID(id)
		return err != nil // only ever a link to a document of this site
	})
}

// effectView is one change of another document's validity that the
// document on the page caused.
type effectView struct {
	State gazette.Validity
	Since string
	Doc   relatedDoc
}

// relate names the documents related to the one on the page dv: the one
// that changed its current validity, those its timeline names, and those
// whose validity it changed, unless dv shows its relations already (they
// list those changes as 修改, 废止 and 失效). A failing reverse lookup
// leaves that list out and is logged: the document itself is still worth
// reading.
func (s *Server) relate(ctx context.Context, dv *documentView, d *gazette.Document, h *gazette.History) {
	docs := s.relatedDocs(ctx, causeIDs(d, h)...)
	if r, ok := docs[dv.ChangedBy]; ok {
		dv.ChangedByDoc = &r
	}
	for i := range dv.Timeline {
		if r, ok := docs[dv.Timeline[i].ChangedBy]; ok {
			dv.Timeline[i].By = &r
		}
	}
	if dv.HasRelations {
		return
	}
	caused, err := s.causedBy(ctx, d.ID)
	if err != nil {
		s.cfg.Log.WarnContext(ctx, "documents changed by a document cannot be listed", "document", d.ID, "err", err)
	}
	for _, c := range caused {
		dv.Caused = append(dv.Caused, effectView{State: c.State, Since: dateLabel(c.Since), Doc: c.Doc})
	}
}
