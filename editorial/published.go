package editorial

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// auditMoment is how the audit log writes a publication moment: the
// gazette's zone, to the millisecond, so the delay after the release
// moment can be read from it.
const auditMoment = "2006-01-02T15:04:05.000Z07:00"

// IssuesPublished is what the publisher calls right after the archive made
// the issues named by keys public, at: every draft scheduled under one of
// those keys is marked published and "draft.published" is recorded in the
// audit log with the real moment, so the log says when an issue went
// public, not when someone next opened a draft. A draft whose PDF differs
// from the issue published under its number is left alone (its hand-over
// was refused: another issue holds the number).
//
// Marking is a conditional write on the draft's ETag: when another replica,
// or a reader opening the draft, marked it first, that one recorded it and
// this call records nothing, so each publication is recorded once. A draft
// that cannot be read is logged and skipped; opening it reports it. Errors
// of single drafts are joined; the others are still marked. It lists and
// reads every draft, as Drafts does. Safe for concurrent use.
func (s *Service) IssuesPublished(ctx context.Context, keys []gazette.IssueKey, at time.Time) error {
	if len(keys) == 0 {
		return nil
	}
	published := make(map[gazette.IssueKey]*gazette.Issue, len(keys))
	for _, k := range keys {
		published[k] = nil // read from the archive when a draft names it
	}
	infos, err := s.blobs.List(ctx, draftsPrefix)
	if err != nil {
		return fmt.Errorf("editorial: issues published: %w", err)
	}
	var errs []error
	for _, info := range infos {
		id, ok := strings.CutSuffix(strings.TrimPrefix(info.Key, draftsPrefix), "/draft.json")
		if !ok {
			continue
		}
		d, err := s.loadDraft(ctx, id)
		if errors.Is(err, gazette.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			s.log.WarnContext(ctx, "unreadable draft skipped while recording a publication", "draft", id, "err", err)
			continue
		}
		is, wanted := published[d.Issue.IssueKey]
		if !wanted || d.State != StateScheduled {
			continue
		}
		if is == nil && s.cfg.Archive != nil {
			if is, err = s.cfg.Archive.Issue(ctx, d.Issue.IssueKey); err != nil {
				errs = append(errs, fmt.Errorf("editorial: issues published: %s: %w", d.Issue.Key(), err))
				continue
			}
			published[d.Issue.IssueKey] = is
		}
		if is != nil && is.PDF.SHA256 != "" && d.Issue.PDF.SHA256 != is.PDF.SHA256 {
			s.log.WarnContext(ctx, "a draft scheduled under a published number is not the issue published", "draft", id, "issue", d.Issue.Key().String())
			continue
		}
		if err := s.markPublished(ctx, d, at); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// markPublished moves a scheduled draft to published and records it, unless
// someone else moved it first.
func (s *Service) markPublished(ctx context.Context, d *Draft, at time.Time) error {
	for range 3 {
		next := *d
		next.State = StatePublished
		next.Rev++
		next.Updated = at.UTC()
		_, err := s.putJSON(ctx, draftKey(d.ID), &next, gazette.PutOptions{IfMatch: d.ETag})
		if err == nil {
			release := d.Issue.Published
			detail := fmt.Sprintf("%s published at %s (release moment %s, %s after)", d.Issue.Key().Label(),
				at.In(gazette.ChinaTime).Format(auditMoment), release.In(gazette.ChinaTime).Format(auditMoment), at.Sub(release).Round(time.Millisecond))
			return s.record(ctx, Actor{User: "(scheduler)"}, "draft.published", "draft/"+d.ID, OutcomeOK, detail)
		}
		if !errors.Is(err, gazette.ErrConflict) {
			return fmt.Errorf("editorial: draft %s: mark published: %w", d.ID, err)
		}
		// Changed meanwhile: marked by someone else, or written for
		// another reason; look again.
		if d, err = s.loadDraft(ctx, d.ID); errors.Is(err, gazette.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if d.State != StateScheduled {
			return nil
		}
	}
	return fmt.Errorf("editorial: draft %s: mark published: changed three times meanwhile: %w", d.ID, gazette.ErrConflict)
}
