package editorial

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// transition applies change to the stored draft id, on condition that it is
// still at ifMatch, and audits the action. change sees the stored draft and
// returns the detail for the audit log, or an error that refuses the action
// (audited as denied when it is ErrForbidden or ErrState).
func (s *Service) transition(ctx context.Context, a Actor, id, ifMatch, action string, change func(d *Draft) (string, error)) (*Draft, error) {
	object := "draft/" + id
	d, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	if ifMatch == "" {
		return nil, fmt.Errorf("editorial: %s draft %s: %w", action, id, ErrNoETag)
	}
	if d.ETag != ifMatch {
		return nil, fmt.Errorf("editorial: draft %s was changed by %s at %s: %w", id, d.UpdatedBy, d.Updated.Format(time.RFC3339), ErrStale)
	}
	detail, err := change(d)
	if errors.Is(err, ErrForbidden) || errors.Is(err, ErrState) {
		return nil, s.deny(ctx, a, action, object, err)
	}
	if err != nil {
		return nil, err
	}
	d.Rev++
	d.Updated, d.UpdatedBy = s.now().UTC(), a.User
	etag, err := s.putJSON(ctx, draftKey(id), d, gazette.PutOptions{IfMatch: ifMatch})
	if errors.Is(err, gazette.ErrConflict) {
		err = fmt.Errorf("%w: %w", ErrStale, err) // another replica wrote first
	}
	if err != nil {
		return nil, fmt.Errorf("editorial: %s %s: %w", action, id, err)
	}
	d.ETag = etag
	return d, s.record(ctx, a, action, object, OutcomeOK, detail)
}

// StateError is ErrState for one draft: the action refused and the state
// that refused it.
type StateError struct {
	Draft, Action string
	State         State
	Allowed       []State
}

func (e *StateError) Error() string {
	return fmt.Sprintf("editorial: cannot %s draft %s: it is %s (want %v)", e.Action, e.Draft, e.State, e.Allowed)
}

// Unwrap makes errors.Is(err, ErrState) true.
func (e *StateError) Unwrap() error { return ErrState }

func stateErr(d *Draft, action string, allowed ...State) error {
	if slices.Contains(allowed, d.State) {
		return nil
	}
	return &StateError{Draft: d.ID, Action: action, State: d.State, Allowed: allowed}
}

// edited records a content change: the actor joins the contributors, who
// may not approve the draft.
func edited(d *Draft, a Actor) {
	if !slices.Contains(d.Contributors, a.User) {
		d.Contributors = append(d.Contributors, a.User)
	}
}

// Submit asks for approval of a draft whose content is complete (see
// Draft.Publishable). Editors and above.
func (s *Service) Submit(ctx context.Context, a Actor, id, ifMatch string) (*Draft, error) {
	const action = "draft.submit"
	if err := s.authorize(ctx, a, RoleEditor, action, "draft/"+id); err != nil {
		return nil, err
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "submit", StateDrafting); err != nil {
			return "", err
		}
		if p := d.Problems(); len(p) > 0 {
			return "", fmt.Errorf("editorial: draft %s is not complete: %w", id, p)
		}
		d.State, d.Note = StateSubmitted, ""
		return d.Issue.Key().Label(), nil
	})
}

// Approve approves a submitted draft. Chief editors and above, and never
// one who has changed the draft (its author included): four eyes see every
// issue. Errors: ErrForbidden, ErrState, gazette.ErrConflict.
func (s *Service) Approve(ctx context.Context, a Actor, id, ifMatch string) (*Draft, error) {
	const action = "draft.approve"
	if err := s.authorize(ctx, a, RoleChief, action, "draft/"+id); err != nil {
		return nil, err
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if slices.Contains(d.Contributors, a.User) {
			return "", fmt.Errorf("editorial: %s wrote or edited draft %s and cannot approve it: %w", a.User, id, ErrOwnDraft)
		}
		if err := stateErr(d, "approve", StateSubmitted); err != nil {
			return "", err
		}
		if p := d.Problems(); len(p) > 0 {
			return "", fmt.Errorf("editorial: draft %s is not complete: %w", id, p)
		}
		d.State, d.ApprovedBy, d.Note = StateApproved, a.User, ""
		return d.Issue.Key().Label(), nil
	})
}

// Reject sends a submitted or approved draft back to drafting with a
// reason. Chief editors and above.
func (s *Service) Reject(ctx context.Context, a Actor, id, ifMatch, reason string) (*Draft, error) {
	const action = "draft.reject"
	if err := s.authorize(ctx, a, RoleChief, action, "draft/"+id); err != nil {
		return nil, err
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "reject", StateSubmitted, StateApproved); err != nil {
			return "", err
		}
		d.State, d.ApprovedBy, d.Note = StateDrafting, "", "rejected by "+a.User+": "+reason
		return reason, nil
	})
}

// Schedule hands an approved draft to the archive at the release moment
// the draft already carries; ScheduleAt with a zero moment.
func (s *Service) Schedule(ctx context.Context, a Actor, id, ifMatch string) (*Draft, error) {
	return s.ScheduleAt(ctx, a, id, ifMatch, time.Time{}, false)
}

// ScheduleAt hands an approved draft to the archive, to be published whole
// at a moment: at when it is set, else the draft's own release time
// (Issue.Published). A moment that is not in the future is refused
// (gazette.ErrInvalid, ErrPast) unless now is true: the editor confirmed
// 立即发布, and the issue is published at once with the real time as its
// release time, so feeds and the record sort it where it belongs.
//
// Carrying out the moment the draft was approved with is an editor's task
// (the approval is the control); choosing another one, or publishing at
// once, is a chief editor's. The draft is marked scheduled first, so no
// edit can slip in between; if the archive then fails, the draft stays
// scheduled and calling ScheduleAt again (with the new ETag) retries the
// hand-over.
func (s *Service) ScheduleAt(ctx context.Context, a Actor, id, ifMatch string, at time.Time, now bool) (*Draft, error) {
	return s.schedule(ctx, a, id, ifMatch, at, now, false)
}

// PublishHistorical hands an approved draft of an issue that appeared in
// the past (one loaded from the historical archive, its release time the
// day it appeared) to the archive to be published at once, keeping that
// day as its release time: there is nothing to schedule. An issue whose
// release time is still to come is refused (gazette.ErrInvalid): schedule
// it. Editors and above, as for carrying out an approved moment.
func (s *Service) PublishHistorical(ctx context.Context, a Actor, id, ifMatch string) (*Draft, error) {
	return s.schedule(ctx, a, id, ifMatch, time.Time{}, false, true)
}

func (s *Service) schedule(ctx context.Context, a Actor, id, ifMatch string, at time.Time, now, historical bool) (*Draft, error) {
	const action = "draft.schedule"
	if err := s.authorize(ctx, a, RoleEditor, action, "draft/"+id); err != nil {
		return nil, err
	}
	if s.cfg.Archive == nil {
		return nil, fmt.Errorf("editorial: no archive configured: %w", gazette.ErrInvalid)
	}
	var issue gazette.Issue
	var docs []gazette.Document
	d, err := s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "schedule", StateApproved, StateScheduled); err != nil {
			return "", err
		}
		moment := d.Issue.Published
		switch {
		case d.State == StateScheduled:
			// A retry of the hand-over keeps the moment already set.
		case now:
			moment = s.now().UTC().Truncate(time.Second)
		case !at.IsZero():
			moment = at.UTC()
		}
		if d.State != StateScheduled && !moment.Equal(d.Issue.Published) && !a.Role.Includes(RoleChief) {
			return "", fmt.Errorf("editorial: choosing the release moment of draft %s is a chief editor's: %w", id, ErrForbidden)
		}
		switch {
		case moment.IsZero():
			return "", fmt.Errorf("editorial: schedule draft %s: %w", id, ErrNoMoment)
		case historical && d.State != StateScheduled && moment.After(s.now()):
			return "", fmt.Errorf("editorial: draft %s appears on %s, still to come: schedule it rather than publish it as a historical issue: %w", id, moment.Format(time.DateOnly), gazette.ErrInvalid)
		case d.State != StateScheduled && !now && !historical && !moment.After(s.now()):
			return "", fmt.Errorf("editorial: schedule draft %s: the release moment %s has passed: %w", id, moment.Format(time.RFC3339), ErrPast)
		}
		d.Issue.Published = moment
		var err error
		if issue, docs, err = d.Publishable(); err != nil {
			return "", fmt.Errorf("editorial: draft %s: %w", id, err)
		}
		d.State, d.ScheduledBy = StateScheduled, a.User
		detail := d.Issue.Key().Label() + " at " + d.Issue.Published.Format(time.RFC3339)
		switch {
		case now:
			detail += " (published at once)"
		case historical:
			detail += " (a historical issue, published at once with the day it appeared)"
		}
		return detail, nil
	})
	if err != nil {
		return nil, err
	}
	pdf, _, err := s.blobs.Open(ctx, pdfKey(id, issue.PDF.SHA256))
	if err != nil {
		return d, fmt.Errorf("editorial: schedule %s: PDF: %w", id, err)
	}
	defer pdf.Close()
	if err := s.cfg.Archive.Schedule(ctx, issue, pdf, docs); err != nil {
		return d, fmt.Errorf("editorial: schedule %s: the draft is marked scheduled but the archive refused it; retry Schedule: %w", id, err)
	}
	return d, nil
}

// Withdraw takes a submitted or approved draft back to drafting so that it
// can be edited again; an approval it had is void. Its author or another
// contributor, or a chief editor and above. Errors: ErrForbidden, ErrState,
// gazette.ErrConflict.
func (s *Service) Withdraw(ctx context.Context, a Actor, id, ifMatch string) (*Draft, error) {
	const action = "draft.withdraw"
	if err := s.authorize(ctx, a, RoleEditor, action, "draft/"+id); err != nil {
		return nil, err
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if !slices.Contains(d.Contributors, a.User) && !a.Role.Includes(RoleChief) {
			return "", fmt.Errorf("editorial: draft %s is not %s's to withdraw: %w", id, a.User, ErrForbidden)
		}
		if err := stateErr(d, "withdraw", StateSubmitted, StateApproved); err != nil {
			return "", err
		}
		detail := "withdrawn from " + string(d.State)
		if d.ApprovedBy != "" {
			detail += "; approval by " + d.ApprovedBy + " void"
		}
		d.State, d.ApprovedBy, d.Note = StateDrafting, "", "withdrawn for editing by "+a.User
		return detail, nil
	})
}

// Reschedule moves the release moment of a scheduled draft's issue to at,
// which must be in the future. Chief editors and above: the moment was part
// of what was approved. ifMatch is the draft's ETag. Errors: ErrState (not
// scheduled, or already published or being published), gazette.ErrInvalid
// (a past moment), gazette.ErrConflict.
func (s *Service) Reschedule(ctx context.Context, a Actor, id, ifMatch string, at time.Time) (*Draft, error) {
	const action = "draft.reschedule"
	if err := s.authorize(ctx, a, RoleChief, action, "draft/"+id); err != nil {
		return nil, err
	}
	if s.cfg.Archive == nil {
		return nil, fmt.Errorf("editorial: no archive configured: %w", gazette.ErrInvalid)
	}
	if at.IsZero() {
		return nil, invalidf("reschedule draft %s: no new release moment given", id)
	}
	if !at.After(s.now()) {
		return nil, invalidf("reschedule draft %s: the new release moment %s is not in the future", id, at.Format(time.RFC3339))
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "reschedule", StateScheduled); err != nil {
			return "", err
		}
		// The archive's schedule decides publication, so it moves first;
		// if it refuses, the draft is left as it was.
		if err := s.cfg.Archive.Reschedule(ctx, d.Issue.IssueKey, at); err != nil {
			return "", s.publicationBegun(ctx, d, "reschedule", err)
		}
		from := d.Issue.Published
		d.Issue.Published = at.UTC()
		return fmt.Sprintf("%s from %s to %s", d.Issue.Key().Label(), from.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339)), nil
	})
}

// Unschedule withdraws a scheduled draft's issue from publication: the
// archive will never publish it at the old moment, and the draft goes back
// to approved, to be scheduled again or edited (which withdraws the
// approval). Chief editors and above. A draft marked scheduled whose
// hand-over to the archive never completed is withdrawn too. Errors:
// ErrState (not scheduled, already published or being published),
// gazette.ErrConflict.
func (s *Service) Unschedule(ctx context.Context, a Actor, id, ifMatch string) (*Draft, error) {
	const action = "draft.unschedule"
	if err := s.authorize(ctx, a, RoleChief, action, "draft/"+id); err != nil {
		return nil, err
	}
	if s.cfg.Archive == nil {
		return nil, fmt.Errorf("editorial: no archive configured: %w", gazette.ErrInvalid)
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "unschedule", StateScheduled); err != nil {
			return "", err
		}
		err := s.cfg.Archive.Unschedule(ctx, d.Issue.IssueKey)
		if err != nil {
			if err = s.publicationBegun(ctx, d, "unschedule", err); !errors.Is(err, gazette.ErrNotFound) {
				return "", err
			}
			// Not published and not scheduled: the hand-over failed.
		}
		d.State, d.ScheduledBy = StateApproved, ""
		d.Note = "withdrawn from publication at " + d.Issue.Published.Format(time.RFC3339) + " by " + a.User
		return d.Issue.Key().Label() + " withdrawn from " + d.Issue.Published.Format(time.RFC3339), nil
	})
}

// publicationBegun turns the archive's refusal to change a schedule into
// ErrState when the issue is published or being published; other errors,
// gazette.ErrNotFound for an issue neither scheduled nor public among
// them, are returned as they are.
func (s *Service) publicationBegun(ctx context.Context, d *Draft, action string, err error) error {
	switch {
	case errors.Is(err, gazette.ErrConflict):
		// The draft's own ETag was checked; this conflict is the archive's
		// publisher at work.
		return fmt.Errorf("editorial: cannot %s draft %s: its publication has begun: %w", action, d.ID, ErrState)
	case errors.Is(err, gazette.ErrNotFound):
		if _, perr := s.cfg.Archive.Issue(ctx, d.Issue.IssueKey); perr == nil {
			return fmt.Errorf("editorial: cannot %s draft %s: %s is already published: %w", action, d.ID, d.Issue.Key().Label(), ErrState)
		} else if !errors.Is(perr, gazette.ErrNotFound) {
			return fmt.Errorf("editorial: %s draft %s: %w", action, d.ID, perr)
		}
	}
	return fmt.Errorf("editorial: %s draft %s: %w", action, d.ID, err)
}

// DeleteDraft deletes a draft that is not yet approved, with its PDFs: its
// author, or a chief editor and above.
func (s *Service) DeleteDraft(ctx context.Context, a Actor, id, ifMatch string) error {
	const action = "draft.delete"
	object := "draft/" + id
	if err := s.authorize(ctx, a, RoleEditor, action, object); err != nil {
		return err
	}
	d, err := s.loadDraft(ctx, id)
	if errors.Is(err, gazette.ErrCorrupt) {
		return s.deleteDamaged(ctx, a, id, ifMatch, err)
	}
	if err != nil {
		return err
	}
	if d.Author != a.User && !a.Role.Includes(RoleChief) {
		return s.deny(ctx, a, action, object, fmt.Errorf("editorial: draft %s is %s's: %w", id, d.Author, ErrForbidden))
	}
	if err := stateErr(d, "delete", StateDrafting, StateSubmitted); err != nil {
		return s.deny(ctx, a, action, object, err)
	}
	if ifMatch == "" {
		return fmt.Errorf("editorial: delete draft %s: %w", id, ErrNoETag)
	}
	if err := s.deleteAll(ctx, id, ifMatch); err != nil {
		return err
	}
	return s.record(ctx, a, action, object, OutcomeOK, d.Issue.Key().Label())
}

// deleteDamaged deletes a draft whose record cannot be read: only a chief
// editor and above, since nobody can tell whose it is or what state it is
// in.
func (s *Service) deleteDamaged(ctx context.Context, a Actor, id, ifMatch string, damage error) error {
	const action = "draft.delete"
	object := "draft/" + id
	if !a.Role.Includes(RoleChief) {
		return s.deny(ctx, a, action, object, fmt.Errorf("editorial: draft %s is damaged; a chief editor deletes it: %w", id, ErrForbidden))
	}
	if ifMatch == "" {
		return fmt.Errorf("editorial: delete draft %s: %w", id, ErrNoETag)
	}
	if err := s.deleteAll(ctx, id, ifMatch); err != nil {
		return err
	}
	return s.record(ctx, a, action, object, OutcomeOK, "damaged: "+damage.Error())
}

// deleteAll deletes draft id's record, on condition that it is at ifMatch,
// then its PDFs and page images.
func (s *Service) deleteAll(ctx context.Context, id, ifMatch string) error {
	// The record goes first, conditionally: once it is gone nothing refers
	// to the PDFs, and a concurrent save makes the delete fail instead.
	if err := s.blobs.Delete(ctx, draftKey(id), ifMatch); err != nil {
		if errors.Is(err, gazette.ErrConflict) {
			err = fmt.Errorf("%w: %w", ErrStale, err)
		}
		return fmt.Errorf("editorial: delete draft %s: %w", id, err)
	}
	infos, err := s.blobs.List(ctx, draftsPrefix+id+"/")
	if err != nil {
		return fmt.Errorf("editorial: delete draft %s: %w", id, err)
	}
	for _, info := range infos {
		if err := s.blobs.Delete(ctx, info.Key, ""); err != nil && !errors.Is(err, gazette.ErrNotFound) {
			return fmt.Errorf("editorial: delete draft %s: %w", id, err)
		}
	}
	return nil
}
