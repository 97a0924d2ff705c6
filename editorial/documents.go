package editorial

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// Corrections and validity changes of published documents. Both need the
// editor role, not a chief editor's approval: the workflow gives a
// single editor the right to publish a correction notice or mark a document
// repealed, the archive keeps every earlier version and change, and the
// audit log names who did it. Both set the author of the change to the
// actor, so no caller can attribute it to someone else.

// Correct publishes a correction (勘误) of the published document id: doc is
// the corrected document, its Version the version it was edited from, and
// c the reason and date of the correction notice (c.By is set to the
// actor). Editors and above. Errors: ErrUnauthenticated, ErrForbidden
// (audited as denied), and the archive's: gazette.ErrConflict when another
// version became current meanwhile (reload), gazette.ErrInvalid naming the
// fields, gazette.ErrNotFound. When the archive stored the correction but
// failed afterwards (its index), the document is returned with the error
// and the correction is audited.
func (s *Service) Correct(ctx context.Context, a Actor, id string, doc gazette.Document, c gazette.Correction) (*gazette.Document, error) {
	const action = "document.correct"
	object := "document/" + id
	if err := s.authorize(ctx, a, RoleEditor, action, object); err != nil {
		return nil, err
	}
	if s.cfg.Archive == nil {
		return nil, fmt.Errorf("editorial: correct %s: no archive configured: %w", id, gazette.ErrInvalid)
	}
	doc.ID = id
	c.By = a.User
	doc.TrimSources()
	if c.Proofread {
		doc.MarkProofread(a.User, s.now())
	}
	from := doc.Version
	d, err := s.cfg.Archive.Correct(ctx, id, doc, c)
	if d == nil {
		if err == nil {
			return nil, fmt.Errorf("editorial: correct %s: the archive returned no document: %w", id, gazette.ErrCorrupt)
		}
		return nil, fmt.Errorf("editorial: correct %s: %w", id, err)
	}
	detail := fmt.Sprintf("version %d from %d: %s", d.Version, from, c.Reason)
	return d, s.stored(ctx, a, action, object, detail, err)
}

// SetValidity records a change of the published document id's validity
// (amended, repealed, expired...): ch.By is set to the actor and ch.At to
// now. Editors and above. Errors: ErrUnauthenticated, ErrForbidden
// (audited as denied), and the archive's: gazette.ErrInvalid naming the
// fields (also when ch.ChangedBy names no published document),
// gazette.ErrNotFound. As with Correct, a change stored before the archive
// failed is returned with the error, and audited.
func (s *Service) SetValidity(ctx context.Context, a Actor, id string, ch gazette.ValidityChange) (*gazette.Document, error) {
	const action = "document.validity"
	object := "document/" + id
	if err := s.authorize(ctx, a, RoleEditor, action, object); err != nil {
		return nil, err
	}
	if s.cfg.Archive == nil {
		return nil, fmt.Errorf("editorial: set validity of %s: no archive configured: %w", id, gazette.ErrInvalid)
	}
	ch.By, ch.At = a.User, s.now().UTC()
	d, err := s.cfg.Archive.SetValidity(ctx, id, ch)
	if d == nil {
		if err == nil {
			return nil, fmt.Errorf("editorial: set validity of %s: the archive returned no document: %w", id, gazette.ErrCorrupt)
		}
		return nil, fmt.Errorf("editorial: set validity of %s: %w", id, err)
	}
	parts := []string{string(ch.State), "since " + ch.Since.String()}
	if ch.ChangedBy != "" {
		parts = append(parts, "by document "+ch.ChangedBy)
	}
	if ch.Note != "" {
		parts = append(parts, ch.Note)
	}
	return d, s.stored(ctx, a, action, object, strings.Join(parts, "; "), err)
}

// stored audits a change the archive has stored. archErr is what the
// archive reported after storing it (an index failure, or nil); it is
// noted in the entry and returned, joined with an audit failure if any.
func (s *Service) stored(ctx context.Context, a Actor, action, object, detail string, archErr error) error {
	if archErr != nil {
		detail += " (stored, but: " + archErr.Error() + ")"
		archErr = fmt.Errorf("editorial: %s %s: %w", action, object, archErr)
	}
	if err := s.record(ctx, a, action, object, OutcomeOK, detail); err != nil {
		return errors.Join(archErr, err)
	}
	return archErr
}
