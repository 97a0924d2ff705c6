package editorial

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// ProofreadPage records that the actor read page (1-based) of a draft's
// print PDF against the text of every document printed on it, correcting
// it where needed: the page's source in those documents becomes
// proofread, by the actor, now, and the reader no longer calls that page's
// text machine-read once the issue is published. A page proofread is never
// read again by OCR (RereadPage refuses). A draft being drafted, at
// ifMatch, editors and above; audited as draft.proofread. Errors: a
// gazette.ValidationError (a page outside the PDF, or one no document is
// printed on), gazette.ErrNotFound (no draft, no PDF), ErrState, ErrStale.
func (s *Service) ProofreadPage(ctx context.Context, a Actor, id, ifMatch string, page int) (*Draft, error) {
	const action = "draft.proofread"
	if err := s.authorize(ctx, a, RoleEditor, action, "draft/"+id); err != nil {
		return nil, err
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "proofread a page of", StateDrafting); err != nil {
			return "", err
		}
		pdf := d.Issue.PDF
		if pdf.SHA256 == "" {
			return "", fmt.Errorf("editorial: draft %s has no PDF yet: %w", id, gazette.ErrNotFound)
		}
		if page < 1 || page > pdf.Pages {
			return "", gazette.ValidationError{{Field: "page", Problem: fmt.Sprintf("the PDF has no page %d (it has %d)", page, pdf.Pages), Zh: fmt.Sprintf("印刷版没有第%d页（共%d页）", page, pdf.Pages)}}
		}
		cover := d.covering(page)
		if len(cover) == 0 {
			return "", gazette.ValidationError{{Field: "page", Problem: fmt.Sprintf("no document is printed on page %d", page), Zh: fmt.Sprintf("第%d页不属于任何一篇文件，无需校对", page)}}
		}
		src := gazette.TextSource{Page: page, Method: gazette.Proofread, By: a.User, At: s.now().UTC()}
		var docs []string
		for _, i := range cover {
			doc := &d.Documents[i]
			if at := slices.IndexFunc(doc.Sources, func(s gazette.TextSource) bool { return s.Page == page }); at >= 0 {
				doc.Sources[at] = src
			} else {
				doc.Sources = append(doc.Sources, src)
				slices.SortFunc(doc.Sources, func(x, y gazette.TextSource) int { return x.Page - y.Page })
			}
			docs = append(docs, fmt.Sprint(i+1))
		}
		edited(d, a)
		return fmt.Sprintf("page %d proofread in document %s", page, strings.Join(docs, ", ")), nil
	})
}
