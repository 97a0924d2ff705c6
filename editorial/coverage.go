package editorial

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// gapMarks is the stored record of the marks on gaps in the archive.
type gapMarks struct {
	Marks []gazette.GapMark `json:"marks"`
}

// GapMarks returns what archivists have recorded of missing issues, by
// key. Anyone may read them: coverage is public.
func (s *Service) GapMarks(ctx context.Context) ([]gazette.GapMark, error) {
	var g gapMarks
	if _, err := s.getJSON(ctx, gapsKey, &g); err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return nil, fmt.Errorf("editorial: gap marks: %w", err)
	}
	return g.Marks, nil
}

// MarkGap records that the issue m.Key was not published or is lost, with
// a note, replacing an earlier mark on it; an empty m.State removes the
// mark. Editors and above; audited as coverage.mark. Errors:
// gazette.ErrInvalid (see gazette.GapMark.Validate), ErrForbidden.
func (s *Service) MarkGap(ctx context.Context, a Actor, m gazette.GapMark) error {
	object := "issue/" + m.Key.String()
	if err := s.authorize(ctx, a, RoleEditor, "coverage.mark", object); err != nil {
		return err
	}
	m.Note = strings.TrimSpace(m.Note)
	if m.State != "" {
		if err := m.Validate(); err != nil {
			return err
		}
		m.By, m.At = a.User, s.now().UTC()
	}
	// A conditional write, retried from a fresh read when another
	// archivist marked meanwhile, so both marks land.
	err := gazette.RetryOnConflict(ctx, func() error {
		var g gapMarks
		etag, err := s.getJSON(ctx, gapsKey, &g)
		if err != nil && !errors.Is(err, gazette.ErrNotFound) {
			return err
		}
		g.Marks = slices.DeleteFunc(g.Marks, func(x gazette.GapMark) bool { return x.Key == m.Key })
		if m.State != "" {
			g.Marks = append(g.Marks, m)
		}
		slices.SortFunc(g.Marks, func(x, y gazette.GapMark) int {
			if x.Key.Less(y.Key) {
				return -1
			}
			return 1
		})
		_, err = s.putIfUnchanged(ctx, gapsKey, &g, etag)
		return err
	})
	if err != nil {
		return fmt.Errorf("editorial: gap marks: %w", err)
	}
	detail := "unmarked"
	if m.State != "" {
		detail = string(m.State) + ": " + m.Note
	}
	return s.record(ctx, a, "coverage.mark", object, OutcomeOK, detail)
}

// PendingIssues returns the keys (and running numbers) of the issues that
// drafts are preparing and that are not yet published: the issues in
// review, for coverage. Damaged drafts are left out (Drafts lists them).
func (s *Service) PendingIssues(ctx context.Context) ([]gazette.IssueRef, error) {
	infos, err := s.blobs.List(ctx, draftsPrefix)
	if err != nil {
		return nil, fmt.Errorf("editorial: pending issues: %w", err)
	}
	var out []gazette.IssueRef
	for _, info := range infos {
		id, ok := strings.CutSuffix(strings.TrimPrefix(info.Key, draftsPrefix), "/draft.json")
		if !ok {
			continue
		}
		d, err := s.loadDraft(ctx, id)
		if err != nil || d.State == StatePublished || d.Issue.Number == 0 {
			continue
		}
		out = append(out, gazette.IssueRef{Key: d.Issue.IssueKey, TotalNumber: d.Issue.TotalNumber})
	}
	return out, nil
}
