package archive

import (
	"context"
	"fmt"

	"github.com/gazette-archive/gazette/gazette"
)

// NotYetError is the answer for a document asked for as it stood on a day
// before it existed (gazette.Existed): there is no text to show then, and
// an earlier or later one is not silently shown instead. It wraps
// gazette.ErrNotFound.
type NotYetError struct {
	ID string
	// On is the day asked for, Existed the first day the document existed.
	On, Existed gazette.Date
}

func (e *NotYetError) Error() string {
	return fmt.Sprintf("archive: document %s did not exist on %s (first on %s)", e.ID, e.On, e.Existed)
}

// Unwrap makes a NotYetError a gazette.ErrNotFound.
func (e *NotYetError) Unwrap() error { return gazette.ErrNotFound }

// DocumentAt reads a document as it stood on day: the version of its text
// then (gazette.History.VersionOn) with its validity then
// (gazette.History.StatusAt), its history and its issue, as DocumentPage
// does for a version. A day after today is answered with what is known
// today: the latest version and the validity changes already recorded to
// take effect by then (自2027年1月1日起废止). Errors: a *NotYetError for a
// day before the document existed, and those of DocumentPage.
func (a *Archive) DocumentAt(ctx context.Context, id string, day gazette.Date) (*gazette.Document, *gazette.History, *gazette.Issue, error) {
	if day.IsZero() {
		return nil, nil, nil, fmt.Errorf("archive: document %s on no day: %w", id, gazette.ErrInvalid)
	}
	m, seq, err := a.docManifest(ctx, id)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
	}
	l, err := a.load(ctx, m, seq, 0)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
	}
	issued := gazette.DateOf(m.Issue.Published.In(a.loc))
	if first := gazette.Existed(&l.doc, issued); !first.IsZero() && day.Compare(first) < 0 {
		return nil, nil, nil, &NotYetError{ID: id, On: day, Existed: first}
	}
	if v := l.history.VersionOn(day); v != l.doc.Version {
		if l, err = a.load(ctx, m, seq, v); err != nil {
			return nil, nil, nil, fmt.Errorf("archive: document %s: %w", id, err)
		}
	}
	l.doc.Validity = l.history.StatusAt(day, l.doc.Effective)
	return &l.doc, &l.history, &m.Issue, nil
}
