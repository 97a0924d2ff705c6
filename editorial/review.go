package editorial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// QueueForReview puts a file that the ingest pipeline read but could not
// publish (res.Review says why) into the review queue: a draft holding the
// file as its print PDF, the documents and fields as read, and the reasons,
// for a person to finish and publish. Its ID comes from the file's SHA-256,
// so the same file queued again (a rerun, another ingest machine) finds
// the draft already there and leaves it as people have left it. path is
// recorded in the audit log only. Editors and above; audited as
// draft.review. Errors: gazette.ErrInvalid (not a PDF, too large).
func (s *Service) QueueForReview(ctx context.Context, a Actor, path string, pdf []byte, res *report.Result) (*Draft, error) {
	const action = "draft.review"
	if err := s.authorize(ctx, a, RoleEditor, action, ""); err != nil {
		return nil, err
	}
	f, sum, size, err := s.spool(bytes.NewReader(pdf))
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	id := sum[:32]
	if d, err := s.loadDraft(ctx, id); err == nil {
		return d, nil
	} else if !errors.Is(err, gazette.ErrNotFound) {
		return nil, fmt.Errorf("editorial: review queue: %w", err)
	}
	if _, err := s.blobs.Put(ctx, pdfKey(id, sum), f, size, gazette.PutOptions{IfAbsent: true, ContentType: "application/pdf"}); err != nil && !errors.Is(err, gazette.ErrExist) {
		return nil, fmt.Errorf("editorial: review queue: store %s: %w", path, err)
	}
	now := s.now().UTC()
	d := &Draft{
		ID: id, State: StateDrafting, Author: a.User, Contributors: []string{a.User},
		Issue:   gazette.Issue{Gazette: s.cfg.Gazette},
		Created: now, Updated: now, UpdatedBy: a.User, Rev: 1,
	}
	// The cover's numbers are the draft's own from the start: nothing was
	// chosen by hand that they could replace.
	d.Issue.IssueKey = gazette.IssueKey{Year: res.Issue.Year, Number: res.Issue.Number, Supplement: res.Issue.Supplement}
	d.Issue.TotalNumber = res.Issue.TotalNumber
	fromResult(d, res, gazette.PrintPDF{SHA256: sum, Size: size}, now)
	if !res.Issue.Date.IsZero() {
		// A historical issue keeps the day it appeared.
		d.Issue.Published = res.Issue.Date.Time(gazette.ChinaTime)
	}
	etag, err := s.putJSON(ctx, draftKey(id), d, gazette.PutOptions{IfAbsent: true})
	if errors.Is(err, gazette.ErrExist) {
		return s.loadDraft(ctx, id) // queued meanwhile by another machine
	}
	if err != nil {
		return nil, fmt.Errorf("editorial: review queue: %w", err)
	}
	d.ETag = etag
	detail := fmt.Sprintf("%s: %s", path, strings.Join(d.Review, "; "))
	return d, s.record(ctx, a, action, "draft/"+id, OutcomeOK, detail)
}
