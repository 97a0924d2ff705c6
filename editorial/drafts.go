package editorial

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
)

// State is where a draft is in its workflow:
// drafting → submitted → approved → scheduled → published.
// Only a draft being drafted can be edited: a submitted or approved draft
// is locked, and goes back to drafting when a chief editor rejects it or
// when it is withdrawn (Withdraw), both audited, so what was approved is
// what gets published.
type State string

// The draft states.
const (
	StateDrafting  State = "drafting"
	StateSubmitted State = "submitted"
	StateApproved  State = "approved"
	StateScheduled State = "scheduled"
	StatePublished State = "published"
)

// Draft is an issue being prepared. Its record is stored at
// editorial/drafts/<id>/draft.json and its print PDF beside it under its
// SHA-256; every save is conditional on ETag.
type Draft struct {
	ID string `json:"id"`
	// Issue is the issue as it will be published: Gazette, IssueKey,
	// TotalNumber, Published (the release time, with the print edition) and
	// PDF. Contents is derived from Documents when it is scheduled.
	Issue gazette.Issue `json:"issue"`
	// Documents in print order. Their IDs, Issue and Version are derived on
	// save from the issue key and the position.
	Documents []gazette.Document `json:"documents"`
	State     State              `json:"state"`
	Author    string             `json:"author"`
	// Contributors is everyone who has changed the draft, the author first;
	// none of them may approve it.
	Contributors []string  `json:"contributors"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	UpdatedBy    string    `json:"updated_by"`
	ApprovedBy   string    `json:"approved_by,omitempty"`
	ScheduledBy  string    `json:"scheduled_by,omitempty"`
	// Note is the last rejection's reason, or the approval withdrawn.
	Note string `json:"note,omitempty"`
	// Review lists what the ingest pipeline asks a person to check.
	Review []string `json:"review,omitempty"`
	// Rev counts saves; it also makes every save's content, hence its ETag,
	// differ from all earlier ones.
	Rev int `json:"rev"`
	// ETag is the stored version this value was read as; pass the draft
	// back unchanged to Save so a concurrent save is detected.
	ETag string `json:"-"`
	// Damage, set only in what Drafts lists, says why the stored record
	// could not be read; such a draft has only its ID and ETag and is
	// repaired with RepairDraft or deleted with DeleteDraft.
	Damage string `json:"-"`
}

// MaxDocuments bounds the documents of one draft.
const MaxDocuments = 2000

// AddDocument inserts d at position at (0-based; len(Documents) appends).
func (d *Draft) AddDocument(at int, doc gazette.Document) error {
	if at < 0 || at > len(d.Documents) {
		return invalidf("add document at %d: want 0–%d", at, len(d.Documents))
	}
	if len(d.Documents) >= MaxDocuments {
		return invalidf("a draft holds at most %d documents", MaxDocuments)
	}
	d.Documents = slices.Insert(d.Documents, at, doc)
	return nil
}

// RemoveDocument removes the document at position i (0-based).
func (d *Draft) RemoveDocument(i int) error {
	if i < 0 || i >= len(d.Documents) {
		return invalidf("remove document %d: want 0–%d", i, len(d.Documents)-1)
	}
	d.Documents = slices.Delete(d.Documents, i, i+1)
	return nil
}

// MoveDocument moves the document at position from to position to (0-based).
func (d *Draft) MoveDocument(from, to int) error {
	n := len(d.Documents)
	if from < 0 || from >= n || to < 0 || to >= n {
		return invalidf("move document %d to %d: want positions 0–%d", from, to, n-1)
	}
	doc := d.Documents[from]
	d.Documents = slices.Insert(slices.Delete(d.Documents, from, from+1), to, doc)
	return nil
}

// renumber derives each document's ID, issue and version from the issue
// key and its position.
func (d *Draft) renumber() {
	for i := range d.Documents {
		d.Documents[i].ID = gazette.DocumentID(d.Issue.IssueKey, i+1)
		d.Documents[i].Issue = d.Issue.IssueKey
		d.Documents[i].Version = 1
		d.Documents[i].TrimSources()
	}
}

// Publishable returns the issue and documents as they would be published,
// or a gazette.ValidationError naming every problem (it wraps
// gazette.ErrInvalid). Submitting, approving and scheduling require it to
// pass.
func (d *Draft) Publishable() (gazette.Issue, []gazette.Document, error) {
	c := *d
	c.Documents = slices.Clone(d.Documents)
	c.renumber()
	issue := c.Issue
	issue.Contents = make([]gazette.Entry, len(c.Documents))
	var problems gazette.ValidationError
	for i := range c.Documents {
		issue.Contents[i] = c.Documents[i].Entry()
		var ve gazette.ValidationError
		if err := c.Documents[i].Validate(); errors.As(err, &ve) {
			for _, fe := range ve {
				fe.Field = fmt.Sprintf("documents[%d].%s", i, fe.Field)
				problems = append(problems, fe)
			}
		}
	}
	var ve gazette.ValidationError
	if err := issue.Validate(); errors.As(err, &ve) {
		// The contents are derived from the documents: name a problem once,
		// by the document an editor fixes.
		seen := map[string]bool{}
		for _, fe := range problems {
			seen[fe.Field+"\x00"+fe.Problem] = true
		}
		var own gazette.ValidationError
		for _, fe := range ve {
			if rest, ok := strings.CutPrefix(fe.Field, "contents["); ok {
				fe.Field = "documents[" + rest
			}
			if !seen[fe.Field+"\x00"+fe.Problem] {
				seen[fe.Field+"\x00"+fe.Problem] = true
				own = append(own, fe)
			}
		}
		problems = append(own, problems...)
	}
	if len(problems) > 0 {
		return gazette.Issue{}, nil, problems
	}
	return issue, c.Documents, nil
}

// Problems lists what keeps the draft from being submitted: every broken
// rule of its issue and documents, with field paths as in Publishable. A
// release moment not yet chosen is not one of them: the chief editor
// chooses it when scheduling (ScheduleAt).
func (d *Draft) Problems() gazette.ValidationError {
	_, _, err := d.Publishable()
	var ve gazette.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out gazette.ValidationError
	for _, fe := range ve {
		if fe.Field == "published" && d.Issue.Published.IsZero() {
			continue
		}
		out = append(out, fe)
	}
	return out
}

func draftKey(id string) string { return draftsPrefix + id + "/draft.json" }
func pdfKey(id, sum string) string {
	return draftsPrefix + id + "/pdf/" + sum + ".pdf"
}

func checkDraftID(id string) error {
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return fmt.Errorf("editorial: draft ID %q: %w", id, gazette.ErrNotFound)
	}
	return nil
}

// SuggestNext suggests the key and total number (0: unknown) of the next
// issue: the number after the highest of the year among published and
// scheduled issues (1 in a new year), and the total number after the
// highest known. Editors and above.
func (s *Service) SuggestNext(ctx context.Context, a Actor) (gazette.IssueKey, int, error) {
	if err := s.authorize(ctx, a, RoleEditor, "draft.suggest", ""); err != nil {
		return gazette.IssueKey{}, 0, err
	}
	return s.suggestNext(ctx)
}

func (s *Service) suggestNext(ctx context.Context) (gazette.IssueKey, int, error) {
	if s.cfg.Archive == nil {
		return gazette.IssueKey{}, 0, fmt.Errorf("editorial: no archive configured: %w", gazette.ErrInvalid)
	}
	var known []gazette.Issue
	latest, err := s.cfg.Archive.Latest(ctx)
	switch {
	case err == nil:
		known = append(known, *latest)
	case !errors.Is(err, gazette.ErrNotFound):
		return gazette.IssueKey{}, 0, fmt.Errorf("editorial: latest issue: %w", err)
	}
	scheduled, err := s.cfg.Archive.Scheduled(ctx)
	if err != nil {
		return gazette.IssueKey{}, 0, fmt.Errorf("editorial: scheduled issues: %w", err)
	}
	known = append(known, scheduled...)
	year := s.now().In(gazette.ChinaTime).Year()
	for _, is := range known {
		year = max(year, is.Year) // an issue of next year already scheduled
	}
	number, total := 0, 0
	for _, is := range known {
		if is.Year == year && !is.Supplement {
			number = max(number, is.Number)
		}
		total = max(total, is.TotalNumber)
	}
	if total > 0 {
		total++
	}
	return gazette.IssueKey{Year: year, Number: number + 1}, total, nil
}

// Warnings lists what an editor should look at in d although it does not
// stop submission: an issue number already published or scheduled, a total
// number (总期号) that does not follow the last one known, a release moment
// that has passed. Each names its field as Problems does, in Chinese (Zh).
// Only drafts not yet scheduled get warnings. A failure to ask the archive
// is a warning too, never an error that hides the draft.
func (s *Service) Warnings(ctx context.Context, d *Draft) []gazette.FieldError {
	if d.State == StateScheduled || d.State == StatePublished || d.Damage != "" || s.cfg.Archive == nil {
		return nil
	}
	var out []gazette.FieldError
	warn := func(field, zh, en string) {
		out = append(out, gazette.FieldError{Field: field, Zh: zh, Problem: en})
	}
	key := d.Issue.IssueKey
	if key.Year > 0 && key.Number > 0 {
		if _, err := s.cfg.Archive.Issue(ctx, key); err == nil {
			warn("number", key.Label()+"已经发布，请核对期号", key.Label()+" is already published")
		} else if !errors.Is(err, gazette.ErrNotFound) {
			warn("number", "暂时无法核对期号是否已被占用", "cannot check the number: "+err.Error())
		}
	}
	scheduled, err := s.cfg.Archive.Scheduled(ctx)
	if err != nil {
		warn("number", "暂时无法核对已排期的期号", "cannot list scheduled issues: "+err.Error())
	}
	for _, is := range scheduled {
		if is.IssueKey == key {
			warn("number", key.Label()+"已有排期，请核对期号", key.Label()+" is already scheduled")
		}
	}
	if d.Issue.TotalNumber > 0 && !key.Supplement {
		if _, want, err := s.suggestNext(ctx); err == nil && want > 0 && d.Issue.TotalNumber != want {
			warn("total_number", fmt.Sprintf("总期号%d与上一期（总第%d期）不衔接，应为%d", d.Issue.TotalNumber, want-1, want),
				fmt.Sprintf("total number %d does not follow the last one (%d)", d.Issue.TotalNumber, want-1))
		}
	}
	if p := d.Issue.Published; !p.IsZero() && !p.After(s.now()) {
		warn("published", "发布时间已过，排期时请重新选择或确认立即发布", "the release moment has passed")
	}
	return out
}

// CreateDraft starts a draft for the next issue (see SuggestNext) with the
// actor as its author. Editors and above.
func (s *Service) CreateDraft(ctx context.Context, a Actor) (*Draft, error) {
	const action = "draft.create"
	if err := s.authorize(ctx, a, RoleEditor, action, ""); err != nil {
		return nil, err
	}
	key, total, err := s.suggestNext(ctx)
	if err != nil {
		return nil, err
	}
	name := s.cfg.Gazette
	if name == "" {
		if latest, err := s.cfg.Archive.Latest(ctx); err == nil {
			name = latest.Gazette
		}
	}
	var rnd [16]byte
	_, _ = rand.Read(rnd[:]) // never fails (crypto/rand)
	now := s.now().UTC()
	d := &Draft{
		ID:           hex.EncodeToString(rnd[:]),
		Issue:        gazette.Issue{Gazette: name, IssueKey: key, TotalNumber: total},
		State:        StateDrafting,
		Author:       a.User,
		Contributors: []string{a.User},
		Created:      now, Updated: now, UpdatedBy: a.User,
		Rev: 1,
	}
	etag, err := s.putJSON(ctx, draftKey(d.ID), d, gazette.PutOptions{IfAbsent: true})
	if err != nil {
		return nil, fmt.Errorf("editorial: create draft: %w", err)
	}
	d.ETag = etag
	return d, s.record(ctx, a, action, "draft/"+d.ID, OutcomeOK, key.Label())
}

// loadDraft reads a draft; gazette.ErrNotFound when absent.
func (s *Service) loadDraft(ctx context.Context, id string) (*Draft, error) {
	if err := checkDraftID(id); err != nil {
		return nil, err
	}
	var d Draft
	etag, err := s.getJSON(ctx, draftKey(id), &d)
	if err != nil {
		return nil, fmt.Errorf("editorial: draft %s: %w", id, err)
	}
	d.ETag = etag
	return &d, nil
}

// Draft returns a draft with its ETag. A scheduled draft whose issue the
// archive now shows publicly is marked published. Editors and above.
func (s *Service) Draft(ctx context.Context, a Actor, id string) (*Draft, error) {
	if err := s.authorize(ctx, a, RoleEditor, "draft.read", "draft/"+id); err != nil {
		return nil, err
	}
	d, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.notePublished(ctx, d)
}

// notePublished moves a scheduled draft to published once its issue is
// public. Losing the write to another replica doing the same is harmless.
func (s *Service) notePublished(ctx context.Context, d *Draft) (*Draft, error) {
	if d.State != StateScheduled || s.cfg.Archive == nil || s.now().Before(d.Issue.Published) {
		return d, nil
	}
	if _, err := s.cfg.Archive.Issue(ctx, d.Issue.IssueKey); errors.Is(err, gazette.ErrNotFound) {
		return d, nil
	} else if err != nil {
		return nil, fmt.Errorf("editorial: draft %s: published issue: %w", d.ID, err)
	}
	next := *d
	next.State = StatePublished
	next.Rev++
	next.Updated = s.now().UTC()
	etag, err := s.putJSON(ctx, draftKey(d.ID), &next, gazette.PutOptions{IfMatch: d.ETag})
	if errors.Is(err, gazette.ErrConflict) {
		return s.loadDraft(ctx, d.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("editorial: draft %s: mark published: %w", d.ID, err)
	}
	next.ETag = etag
	return &next, s.record(ctx, Actor{User: "(scheduler)"}, "draft.published", "draft/"+d.ID, OutcomeOK, d.Issue.Key().Label())
}

// Drafts lists every draft, newest first. A record that cannot be read
// never fails the list: it is listed with Damage saying why (see
// Damaged, RepairDraft). Editors and above.
func (s *Service) Drafts(ctx context.Context, a Actor) ([]*Draft, error) {
	if err := s.authorize(ctx, a, RoleEditor, "draft.list", ""); err != nil {
		return nil, err
	}
	infos, err := s.blobs.List(ctx, draftsPrefix)
	if err != nil {
		return nil, fmt.Errorf("editorial: drafts: %w", err)
	}
	var out []*Draft
	for _, info := range infos {
		rest, ok := strings.CutSuffix(strings.TrimPrefix(info.Key, draftsPrefix), "/draft.json")
		if !ok {
			continue
		}
		d, err := s.loadDraft(ctx, rest)
		if errors.Is(err, gazette.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			s.log.WarnContext(ctx, "draft listed as damaged", "draft", rest, "err", err)
			out = append(out, &Draft{ID: rest, ETag: info.ETag, Created: info.Modified, Updated: info.Modified, Damage: err.Error()})
			continue
		}
		if pd, err := s.notePublished(ctx, d); err != nil {
			s.log.WarnContext(ctx, "draft: cannot tell whether it is published", "draft", rest, "err", err)
		} else {
			d = pd
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(x, y *Draft) int { return y.Created.Compare(x.Created) })
	return out, nil
}

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

// Save stores the editable content of d (the issue's gazette, key, total
// number and release time, and the documents) over the stored draft, on
// condition that the stored draft is still the version d.ETag names: if
// another editor saved first it fails with ErrStale (a gazette.ErrConflict)
// and the caller reloads. Only a draft being drafted can be edited (ErrState
// otherwise: Withdraw a submitted one first). An incomplete draft is
// saved; Problems says what must be fixed before it is submitted. Editors
// and above. It returns the saved draft with its new ETag.
func (s *Service) Save(ctx context.Context, a Actor, d *Draft) (*Draft, error) {
	const action = "draft.save"
	if err := s.authorize(ctx, a, RoleEditor, action, "draft/"+d.ID); err != nil {
		return nil, err
	}
	if len(d.Documents) > MaxDocuments {
		return nil, invalidf("a draft holds at most %d documents", MaxDocuments)
	}
	return s.transition(ctx, a, d.ID, d.ETag, action, func(cur *Draft) (string, error) {
		if err := stateErr(cur, "edit", StateDrafting); err != nil {
			return "", err
		}
		pdf := cur.Issue.PDF // set by UploadPDF only
		cur.Issue = gazette.Issue{Gazette: d.Issue.Gazette, IssueKey: d.Issue.IssueKey, TotalNumber: d.Issue.TotalNumber, Published: d.Issue.Published, PDF: pdf}
		cur.Documents = slices.Clone(d.Documents)
		cur.renumber()
		edited(cur, a)
		return "", nil
	})
}

// UploadPDF stores the print PDF of a draft (content-addressed), runs the
// ingest pipeline on it and replaces the draft's documents with what it
// found; the cover's year, number and total number, where it shows them,
// replace the suggested ones. ifMatch is the draft's ETag, as for Save.
// Editors and above. Errors: gazette.ErrInvalid (not a PDF, too large,
// ErrUnreadablePDF), gazette.ErrConflict, ErrState, and the context's.
func (s *Service) UploadPDF(ctx context.Context, a Actor, id, ifMatch string, pdf io.Reader) (*Draft, error) {
	const action = "draft.upload"
	if err := s.authorize(ctx, a, RoleEditor, action, "draft/"+id); err != nil {
		return nil, err
	}
	if s.cfg.Split == nil {
		return nil, fmt.Errorf("editorial: no ingest pipeline configured: %w", gazette.ErrInvalid)
	}
	cur, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	if ifMatch == "" {
		return nil, fmt.Errorf("editorial: upload to draft %s: %w", id, ErrNoETag)
	}
	if cur.ETag != ifMatch {
		return nil, fmt.Errorf("editorial: draft %s was changed by %s: %w", id, cur.UpdatedBy, ErrStale)
	}
	if err := stateErr(cur, "upload to", StateDrafting); err != nil {
		return nil, s.deny(ctx, a, action, "draft/"+id, err)
	}
	f, sum, size, err := s.spool(pdf)
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := s.blobs.Put(ctx, pdfKey(id, sum), f, size, gazette.PutOptions{IfAbsent: true, ContentType: "application/pdf"}); err != nil && !errors.Is(err, gazette.ErrExist) {
		return nil, fmt.Errorf("editorial: store PDF of draft %s: %w", id, err)
	}
	res, err := s.cfg.Split(ctx, f.Name())
	if err != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("editorial: split PDF of draft %s: %w: %w", id, ErrUnreadablePDF, err)
	}
	if err != nil {
		return nil, fmt.Errorf("editorial: split PDF of draft %s: %w", id, err)
	}
	return s.transition(ctx, a, id, ifMatch, action, func(d *Draft) (string, error) {
		if err := stateErr(d, "upload to", StateDrafting); err != nil {
			return "", err
		}
		fromResult(d, res, gazette.PrintPDF{SHA256: sum, Size: size}, s.now())
		edited(d, a)
		return fmt.Sprintf("PDF %s, %d bytes, %d documents", sum, size, len(d.Documents)), nil
	})
}

// spool copies an upload to a temporary file, hashing it, within the size
// limit, and checks it starts like a PDF. The caller removes the file.
func (s *Service) spool(r io.Reader) (*os.File, string, int64, error) {
	f, err := os.CreateTemp(s.cfg.TempDir, "gazette-upload-*.pdf")
	if err != nil {
		return nil, "", 0, fmt.Errorf("editorial: spool upload: %w", err)
	}
	fail := func(err error) (*os.File, string, int64, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, "", 0, err
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, s.cfg.MaxPDFBytes+1))
	switch {
	case err != nil:
		return fail(fmt.Errorf("editorial: spool upload: %w", err))
	case size > s.cfg.MaxPDFBytes:
		return fail(fmt.Errorf("editorial: PDF larger than %d bytes: %w", s.cfg.MaxPDFBytes, ErrTooLarge))
	}
	head := make([]byte, 5)
	if _, err := f.ReadAt(head, 0); err != nil || string(head) != "%PDF-" {
		return fail(fmt.Errorf("editorial: upload has no %%PDF- header: %w", ErrNotPDF))
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("editorial: spool upload: %w", err))
	}
	return f, hex.EncodeToString(h.Sum(nil)), size, nil
}

// fromResult fills a draft from the pipeline's result.
func fromResult(d *Draft, r *ingest.Result, pdf gazette.PrintPDF, now time.Time) {
	m := r.Issue
	d.Review = slices.Clone(r.Review)
	// The cover's numbers replace what the form held, and the editor is
	// told so: a number chosen by hand never changes in silence.
	if m.Year > 0 && m.Number > 0 {
		key := gazette.IssueKey{Year: m.Year, Number: m.Number, Supplement: m.Supplement}
		if key != d.Issue.IssueKey {
			d.Review = append(d.Review, fmt.Sprintf("期号按 PDF 封面改为%s（原为%s）", key.Label(), d.Issue.Key().Label()))
		}
		d.Issue.IssueKey = key
	}
	if m.TotalNumber > 0 {
		if d.Issue.TotalNumber > 0 && m.TotalNumber != d.Issue.TotalNumber {
			d.Review = append(d.Review, fmt.Sprintf("总期号按 PDF 封面改为%d（原为%d）", m.TotalNumber, d.Issue.TotalNumber))
		}
		d.Issue.TotalNumber = m.TotalNumber
	}
	if m.Gazette != "" && d.Issue.Gazette == "" {
		d.Issue.Gazette = m.Gazette
	}
	pages := len(r.Pages)
	d.Documents = make([]gazette.Document, len(r.Documents))
	for i, x := range r.Documents {
		pages = max(pages, x.PageEnd)
		d.Documents[i] = x.Domain(ingest.ValidityDay(m.Date, now), r.Pages)
		d.Documents[i].Published = m.Date
	}
	pdf.Pages = pages
	d.Issue.PDF = pdf
	d.renumber()
}

// OpenPDF opens a draft's print PDF for review. Editors and above. Errors:
// gazette.ErrNotFound (no draft, or no PDF uploaded yet).
func (s *Service) OpenPDF(ctx context.Context, a Actor, id string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	if err := s.authorize(ctx, a, RoleEditor, "draft.pdf", "draft/"+id); err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	d, err := s.loadDraft(ctx, id)
	if err != nil {
		return nil, gazette.ObjectInfo{}, err
	}
	if d.Issue.PDF.SHA256 == "" {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("editorial: draft %s has no PDF yet: %w", id, gazette.ErrNotFound)
	}
	return s.blobs.Open(ctx, pdfKey(id, d.Issue.PDF.SHA256))
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
