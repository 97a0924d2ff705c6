package editorial

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

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
		// A historical issue keeps its date; a new one needs another.
		warn("published", "发布时间已过：往期请“作为历史期次发布”，保留原发布日期；新一期排期时请重新选择或确认立即发布",
			"the release moment has passed: publish a past issue as historical, keeping its date, or choose another moment")
	}
	out = append(out, s.citationWarnings(ctx, d)...)
	return out
}

// maxCitationWarnings bounds the citation warnings of one draft.
const maxCitationWarnings = 50

// citationWarnings names the citations in the draft's texts that resolve
// to no published document, or to several: once published they stay plain
// text (and join the queue of unresolved citations) unless the editor
// corrects them or the cited document is loaded first.
func (s *Service) citationWarnings(ctx context.Context, d *Draft) []gazette.FieldError {
	found, err := s.cfg.Archive.ResolveCitations(ctx, d.Documents, d.Issue.Gazette)
	if err != nil {
		return []gazette.FieldError{{Field: "documents", Zh: "暂时无法核对正文中的引用", Problem: "cannot resolve the citations: " + err.Error()}}
	}
	var out []gazette.FieldError
	for i, fs := range found {
		for _, f := range fs {
			var zh, en string
			switch f.Outcome {
			case cite.Missing:
				zh, en = "正文引用的"+f.Label()+"在库中找不到，发布后不会成为链接", "cites "+f.Ref()+", which no published document answers"
			case cite.Ambiguous:
				zh, en = fmt.Sprintf("正文引用的%s对应%d份已发布文件，无法确定是哪一份", f.Label(), len(f.Candidates)), "cites "+f.Ref()+", which several published documents answer"
			default:
				continue
			}
			if len(out) == maxCitationWarnings {
				return append(out, gazette.FieldError{Field: "documents", Zh: "还有更多未能解析的引用", Problem: "more unresolved citations"})
			}
			out = append(out, gazette.FieldError{Field: fmt.Sprintf("documents[%d].body", i), Zh: zh, Problem: en})
		}
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
