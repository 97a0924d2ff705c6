package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/gazette-archive/gazette/gazette"
)

// A scheduled issue is stored whole except its manifest: the PDF and the
// records are content-addressed and unreachable without one, so nothing of
// it can be read before PublishDue writes the manifest at the release
// moment. The schedule object holds the exact manifest to commit, so every
// replica commits the same bytes.

// scheduleState is where a scheduled issue stands.
type scheduleState string

const (
	// stateScheduled can still be rescheduled or unscheduled.
	stateScheduled scheduleState = "scheduled"
	// statePublishing was claimed by a publisher: it can no longer be
	// cancelled, and another publisher takes it over once the claim lapses.
	statePublishing scheduleState = "publishing"
	// stateWithdrawing is being unscheduled with the transparency log on:
	// its withdrawal is (being) logged, so it is never published, and
	// Unschedule completes it.
	stateWithdrawing scheduleState = "withdrawing"
)

// PublishLease is how long a claim by one publisher keeps the others away.
// A publisher that dies holding it delays the issue by at most this long;
// one that takes longer than this may see another complete the issue.
const PublishLease = time.Minute

// schedule is the object at scheduleKey: the manifest to commit and where
// its publication stands.
type schedule struct {
	Format    int           `json:"format"`
	State     scheduleState `json:"state"`
	ClaimedAt time.Time     `json:"claimed_at,omitzero"`
	Manifest  Manifest      `json:"manifest"`
}

func scheduleKey(k gazette.IssueKey) string { return "schedule/" + k.String() + ".json" }

// Schedule stores an issue to be published at issue.Published, the release
// of the print edition, by a later PublishDue. The PDF and the document
// records are stored now; the manifest is not, so until then no read
// method (Issue, Issues, Years, Latest, Document, PDF, Search) shows
// anything of it. Validation is that of Publish.
//
// Scheduling the same issue again is a no-op. Errors: gazette.ErrInvalid
// (naming the fields), gazette.ErrExist (the number is already published,
// or another issue is scheduled under it: Reschedule or Unschedule it
// first), storage errors. Safe for concurrent use.
func (a *Archive) Schedule(ctx context.Context, issue gazette.Issue, pdf io.ReadSeeker, docs []gazette.Document) error {
	m, records, err := a.prepare(issue, pdf, docs)
	if err != nil {
		return fmt.Errorf("archive: schedule %s: %w", issue.Key(), err)
	}
	key := m.Issue.Key()
	if _, err := a.blobs.Stat(ctx, manifestKey(key)); err == nil {
		return fmt.Errorf("archive: schedule %s: %s is already published: %w", key, key.Label(), gazette.ErrExist)
	} else if !errors.Is(err, gazette.ErrNotFound) {
		return fmt.Errorf("archive: schedule %s: %w", key, err)
	}
	if _, err := pdf.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("archive: schedule %s: rewind pdf: %w", key, err)
	}
	if err := a.putContent(ctx, m.PDF, pdf, "application/pdf"); err != nil {
		return fmt.Errorf("archive: schedule %s: %w", key, err)
	}
	for i, ref := range m.Documents {
		if err := a.putContent(ctx, ref, bytes.NewReader(records[i]), "application/json"); err != nil {
			return fmt.Errorf("archive: schedule %s: %w", key, err)
		}
	}
	s := schedule{Format: manifestFormat, State: stateScheduled, Manifest: *m}
	raw, err := encode(&s)
	if err != nil {
		return fmt.Errorf("archive: schedule %s: %w", key, err)
	}
	want, err := encode(m)
	if err != nil {
		return fmt.Errorf("archive: schedule %s: %w", key, err)
	}
	_, err = a.blobs.Put(ctx, scheduleKey(key), bytes.NewReader(raw), int64(len(raw)),
		gazette.PutOptions{IfAbsent: true, ContentType: "application/json"})
	if errors.Is(err, gazette.ErrExist) {
		old, _, rerr := a.schedule(ctx, key)
		if rerr != nil {
			return fmt.Errorf("archive: schedule %s: %w", key, rerr)
		}
		if _, err := sameIssue(&old.Manifest, want, key); err != nil {
			return fmt.Errorf("archive: schedule %s: another issue is scheduled as %s: %w", key, key.Label(), gazette.ErrExist)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive: schedule %s: %w", key, err)
	}
	a.log.InfoContext(ctx, "issue scheduled", "issue", key.String(), "at", m.Issue.Published)
	return nil
}

// schedule reads the schedule of key with its ETag.
func (a *Archive) schedule(ctx context.Context, key gazette.IssueKey) (*schedule, string, error) {
	var s schedule
	etag, err := a.readJSONTagged(ctx, scheduleKey(key), &s)
	if err != nil {
		return nil, "", err
	}
	if s.Manifest.Issue.Key() != key {
		return nil, "", fmt.Errorf("%s names issue %s: %w", scheduleKey(key), s.Manifest.Issue.Key(), gazette.ErrCorrupt)
	}
	return &s, etag, nil
}

// putSchedule replaces the schedule of key if it is still at etag.
func (a *Archive) putSchedule(ctx context.Context, s *schedule, etag string) (string, error) {
	raw, err := encode(s)
	if err != nil {
		return "", err
	}
	info, err := a.blobs.Put(ctx, scheduleKey(s.Manifest.Issue.Key()), bytes.NewReader(raw), int64(len(raw)),
		gazette.PutOptions{IfMatch: etag, ContentType: "application/json"})
	return info.ETag, err
}

// Scheduled returns the issues waiting for their release moment, soonest
// first, those being published included.
func (a *Archive) Scheduled(ctx context.Context) ([]gazette.Issue, error) {
	ps, err := a.readSchedules(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: scheduled: %w", err)
	}
	out := make([]gazette.Issue, 0, len(ps))
	for _, p := range ps {
		if p.err != nil {
			return nil, fmt.Errorf("archive: scheduled: %w", p.err)
		}
		out = append(out, p.s.Manifest.Issue)
	}
	return out, nil
}

// pending is one schedule as read, with its ETag, or why it could not be.
type pending struct {
	key  gazette.IssueKey
	s    *schedule
	etag string
	err  error
}

// scheduleReaders bounds the schedules read at once: publication waits for
// the slowest reading, so they are read side by side, not one by one.
const scheduleReaders = 8

// readSchedules reads every schedule, soonest release first (those that
// cannot be read last); the ones gone since the listing (published or
// unscheduled) are left out.
func (a *Archive) readSchedules(ctx context.Context) ([]pending, error) {
	keys, err := a.scheduledKeys(ctx)
	if err != nil {
		return nil, err
	}
	ps := make([]pending, len(keys))
	var g errgroup.Group
	g.SetLimit(scheduleReaders)
	for i, k := range keys {
		g.Go(func() error {
			ps[i].key = k
			ps[i].s, ps[i].etag, ps[i].err = a.schedule(ctx, k)
			return nil
		})
	}
	_ = g.Wait() // each reading keeps its own error, sorted below
	var read, unreadable []pending
	for _, p := range ps {
		switch {
		case errors.Is(p.err, gazette.ErrNotFound):
		case p.err != nil:
			unreadable = append(unreadable, p)
		default:
			read = append(read, p)
		}
	}
	slices.SortStableFunc(read, func(x, y pending) int {
		return x.s.Manifest.Issue.Published.Compare(y.s.Manifest.Issue.Published)
	})
	return append(read, unreadable...), nil
}

// NextDue returns the earliest release moment among the scheduled issues,
// and false when none is scheduled. Issues due but not yet completed count
// too, so a moment in the past means an issue is being published or waits
// for the next PublishDue. It reads the listing of schedules and each
// schedule, nothing else, so a publisher can call it after every
// publication and every change of the schedule, and a server can use it to
// keep caches from outliving the next publication. Errors: storage errors,
// gazette.ErrCorrupt for a schedule that cannot be read (never skipped, so
// that an unreadable schedule is never taken for "nothing due"). Safe for
// concurrent use.
func (a *Archive) NextDue(ctx context.Context) (time.Time, bool, error) {
	ps, err := a.readSchedules(ctx)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("archive: next due: %w", err)
	}
	if len(ps) == 0 {
		return time.Time{}, false, nil
	}
	if err := ps[len(ps)-1].err; err != nil { // unreadable ones sort last
		return time.Time{}, false, fmt.Errorf("archive: next due: %w", err)
	}
	return ps[0].s.Manifest.Issue.Published, true, nil
}

func (a *Archive) scheduledKeys(ctx context.Context) ([]gazette.IssueKey, error) {
	objs, err := a.blobs.List(ctx, "schedule/")
	if err != nil {
		return nil, err
	}
	var keys []gazette.IssueKey
	for _, o := range objs {
		name, _ := strings.CutSuffix(path.Base(o.Key), ".json")
		k, err := gazette.ParseIssueKey(name)
		if err != nil || scheduleKey(k) != o.Key {
			a.log.WarnContext(ctx, "stray object among schedules", "key", o.Key)
			continue
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// Reschedule moves the release moment of a scheduled issue. Errors:
// gazette.ErrNotFound (not scheduled), gazette.ErrConflict (publication has
// begun, or someone else changed the schedule at the same moment: reload),
// gazette.ErrInvalid (a moment the issue cannot have).
func (a *Archive) Reschedule(ctx context.Context, key gazette.IssueKey, at time.Time) error {
	s, etag, err := a.schedule(ctx, key)
	if err != nil {
		return fmt.Errorf("archive: reschedule %s: %w", key, err)
	}
	if s.State != stateScheduled {
		return fmt.Errorf("archive: reschedule %s: publication has begun: %w", key, gazette.ErrConflict)
	}
	s.Manifest.Issue.Published = at
	if err := s.Manifest.Issue.Validate(); err != nil {
		return fmt.Errorf("archive: reschedule %s: %w", key, err)
	}
	if _, err := a.putSchedule(ctx, s, etag); err != nil {
		return fmt.Errorf("archive: reschedule %s: %w", key, err)
	}
	return nil
}

// Unschedule cancels a scheduled issue; its content objects stay, unreachable.
// With a transparency log, the withdrawal is logged first (see Ledger), and
// an Unschedule interrupted after that is completed by calling it again.
// Errors: gazette.ErrNotFound (not scheduled), gazette.ErrConflict
// (publication has begun, or the schedule changed meanwhile).
func (a *Archive) Unschedule(ctx context.Context, key gazette.IssueKey) error {
	s, etag, err := a.schedule(ctx, key)
	if err != nil {
		return fmt.Errorf("archive: unschedule %s: %w", key, err)
	}
	if s.State != stateScheduled && s.State != stateWithdrawing {
		return fmt.Errorf("archive: unschedule %s: publication has begun: %w", key, gazette.ErrConflict)
	}
	// With the log on, the schedule is first marked, so that nothing
	// publishes or reschedules an issue whose withdrawal is logged; a
	// crash after the mark is completed by calling Unschedule again.
	if a.ledger != nil && s.State == stateScheduled {
		s.State = stateWithdrawing
		if etag, err = a.putSchedule(ctx, s, etag); err != nil {
			return fmt.Errorf("archive: unschedule %s: %w", key, err)
		}
	}
	if err := a.logWithdrawal(ctx, &s.Manifest); err != nil {
		return fmt.Errorf("archive: unschedule %s: %w", key, err)
	}
	if err := a.blobs.Delete(ctx, scheduleKey(key), etag); err != nil {
		return fmt.Errorf("archive: unschedule %s: %w", key, err)
	}
	return nil
}

// PublishDue publishes every scheduled issue whose release moment is at or
// before now, each whole: it claims the schedule (a conditional write),
// commits the manifest (create-only), indexes the documents, and removes
// the schedule. It returns the keys of the issues this call completed; an
// issue completes in exactly one call, however many processes or replicas
// call PublishDue at once, so the caller may announce what it returns.
//
// A publisher that dies part-way leaves its claim; after PublishLease the
// next PublishDue takes the issue over and completes it (the manifest is
// all-or-nothing, so readers see the whole issue or none of it meanwhile).
// Errors of single issues are joined and returned with the keys that did
// complete; calling again retries them.
func (a *Archive) PublishDue(ctx context.Context, now time.Time) ([]gazette.IssueKey, error) {
	ps, err := a.readSchedules(ctx)
	if err != nil {
		return nil, fmt.Errorf("archive: publish due: %w", err)
	}
	var done []gazette.IssueKey
	var errs []error
	for _, p := range ps { // soonest first
		ok, err := a.publishDue(ctx, p, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("archive: publish due %s: %w", p.key, err))
		}
		if ok {
			done = append(done, p.key)
		}
	}
	return done, errors.Join(errs...)
}

// publishDue publishes one scheduled issue, as read, if due; it reports
// whether this call completed it.
func (a *Archive) publishDue(ctx context.Context, p pending, now time.Time) (bool, error) {
	if p.err != nil {
		return false, p.err
	}
	s, etag, key := p.s, p.etag, p.key
	if s.Manifest.Issue.Published.After(now) || s.State == stateWithdrawing {
		return false, nil
	}
	if s.State == statePublishing && now.Sub(s.ClaimedAt) < PublishLease {
		return false, nil // another publisher is at it
	}
	s.State, s.ClaimedAt = statePublishing, now
	etag, err := a.putSchedule(ctx, s, etag)
	if errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrNotFound) {
		return false, nil // another publisher claimed it first, or it changed
	} else if err != nil {
		return false, fmt.Errorf("claim: %w", err)
	}

	m := &s.Manifest
	raw, err := encode(m)
	if err != nil {
		return false, err
	}
	// The log entry before the commit: no issue is visible without it.
	if err := a.stageAndLog(ctx, m, raw); err != nil {
		return false, err
	}
	_, err = a.blobs.Put(ctx, manifestKey(key), bytes.NewReader(raw), int64(len(raw)),
		gazette.PutOptions{IfAbsent: true, Immutable: true, ContentType: "application/json"})
	switch {
	case errors.Is(err, gazette.ErrExist):
		// A publisher that lost its claim got this far: the same manifest
		// is a success; another is an issue published under this number
		// by other means, which is left for an editor to sort out.
		existing, rerr := a.manifest(ctx, key)
		if rerr != nil {
			return false, rerr
		}
		if _, err := sameIssue(existing, raw, key); err != nil {
			return false, err
		}
	case err != nil:
		return false, fmt.Errorf("commit manifest: %w", err)
	default:
		a.log.InfoContext(ctx, "scheduled issue published", "issue", key.String(), "documents", len(m.Documents))
	}

	docs := make([]gazette.Document, len(m.Documents))
	for i, ref := range m.Documents {
		if err := a.readJSON(ctx, ref.Key, ref.SHA256, &docs[i]); err != nil {
			return false, fmt.Errorf("read %s: %w", ref.ID, err)
		}
	}
	if err := a.indexIssue(ctx, m, docs); err != nil {
		return false, err
	}
	// Only the holder of the latest claim removes the schedule, so exactly
	// one publisher reports the issue as completed.
	if err := a.blobs.Delete(ctx, scheduleKey(key), etag); errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("remove schedule: %w", err)
	}
	return true, nil
}
