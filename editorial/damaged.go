package editorial

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// A draft record that cannot be read (written by an older version with a
// bug, damaged in storage) must not take the editors' desk down with it:
// Drafts lists it as damaged, and a chief editor repairs it, keeping
// everything that still reads, or deletes it.

// DamagedDraft is a stored draft record that does not decode.
type DamagedDraft struct {
	ID   string
	ETag string
	// Problem is why it does not decode.
	Problem string
	// Raw is the start of the stored record (at most MaxRawShown bytes),
	// for an editor to see what is there.
	Raw       string
	Truncated bool
	// Cleared lists the fields a repair would clear, by their path
	// ("documents[0].published_date"); empty when the record is beyond
	// repair (Repairable false).
	Cleared    []string
	Repairable bool
}

// MaxRawShown bounds the part of a damaged record shown to an editor.
const MaxRawShown = 64 << 10

// Damaged reads the damaged draft id. Editors and above. Errors:
// gazette.ErrNotFound, and gazette.ErrInvalid when the draft reads well
// (nothing to repair).
func (s *Service) Damaged(ctx context.Context, a Actor, id string) (*DamagedDraft, error) {
	if err := s.authorize(ctx, a, RoleEditor, "draft.read", "draft/"+id); err != nil {
		return nil, err
	}
	raw, etag, problem, err := s.rawDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	if problem == "" {
		return nil, invalidf("draft %s is not damaged", id)
	}
	dd := &DamagedDraft{ID: id, ETag: etag, Problem: problem, Raw: string(raw), Repairable: true}
	if len(raw) > MaxRawShown {
		dd.Raw, dd.Truncated = strings.ToValidUTF8(string(raw[:MaxRawShown]), "�"), true
	}
	if _, cleared, err := salvage(id, raw); err != nil {
		dd.Repairable = false
	} else {
		dd.Cleared = cleared
	}
	return dd, nil
}

// RepairDraft rewrites the damaged draft id, on condition that it is still
// at ifMatch, keeping every field that still reads and clearing the others
// (see DamagedDraft.Cleared); the repaired draft goes back to drafting
// unless it was scheduled or published, whose state the archive decides.
// Chief editors and above; audited with the fields cleared. Errors:
// gazette.ErrNotFound, gazette.ErrConflict, gazette.ErrInvalid (not
// damaged, or beyond repair: delete it).
func (s *Service) RepairDraft(ctx context.Context, a Actor, id, ifMatch string) (*Draft, error) {
	const action = "draft.repair"
	object := "draft/" + id
	if err := s.authorize(ctx, a, RoleChief, action, object); err != nil {
		return nil, err
	}
	raw, etag, problem, err := s.rawDraft(ctx, id)
	if err != nil {
		return nil, err
	}
	if problem == "" {
		return nil, invalidf("draft %s is not damaged", id)
	}
	if ifMatch == "" {
		return nil, fmt.Errorf("editorial: repair draft %s: %w", id, ErrNoETag)
	}
	if etag != ifMatch {
		return nil, fmt.Errorf("editorial: draft %s: %w", id, ErrStale)
	}
	d, cleared, err := salvage(id, raw)
	if err != nil {
		return nil, err
	}
	if d.State != StateScheduled && d.State != StatePublished {
		d.State, d.ApprovedBy = StateDrafting, ""
	}
	if d.Created.IsZero() {
		d.Created = s.now().UTC()
	}
	d.Note = "repaired by " + a.User
	d.Rev++
	d.Updated, d.UpdatedBy = s.now().UTC(), a.User
	d.ETag, d.Damage = "", ""
	newTag, err := s.putJSON(ctx, draftKey(id), d, gazette.PutOptions{IfMatch: ifMatch})
	if err != nil {
		return nil, fmt.Errorf("editorial: %s %s: %w", action, id, err)
	}
	d.ETag = newTag
	detail := "nothing cleared"
	if len(cleared) > 0 {
		detail = "cleared " + strings.Join(cleared, ", ")
	}
	return d, s.record(ctx, a, action, object, OutcomeOK, detail+" (was: "+problem+")")
}

// rawDraft reads draft id's stored bytes and says why they do not decode
// ("" when they do).
func (s *Service) rawDraft(ctx context.Context, id string) (raw []byte, etag, problem string, err error) {
	if err := checkDraftID(id); err != nil {
		return nil, "", "", err
	}
	rc, info, err := s.blobs.Open(ctx, draftKey(id))
	if err != nil {
		return nil, "", "", fmt.Errorf("editorial: draft %s: %w", id, err)
	}
	defer rc.Close()
	raw, err = io.ReadAll(io.LimitReader(rc, maxRecordBytes+1))
	if err != nil {
		return nil, "", "", fmt.Errorf("editorial: draft %s: read: %w", id, err)
	}
	if len(raw) > maxRecordBytes {
		return raw[:maxRecordBytes], info.ETag, fmt.Sprintf("larger than %d bytes", maxRecordBytes), nil
	}
	var d Draft
	if err := json.Unmarshal(raw, &d); err != nil {
		return raw, info.ETag, err.Error(), nil
	}
	return raw, info.ETag, "", nil
}

// salvage decodes a damaged draft record member by member, dropping each
// member of the draft, its issue or one of its documents that does not
// decode, and returns the paths dropped. It fails with gazette.ErrInvalid
// when the record is not a JSON object or names another draft.
func salvage(id string, raw []byte) (*Draft, []string, error) {
	var cleared []string
	docs := func(v json.RawMessage, path string) (json.RawMessage, bool) {
		var elems []json.RawMessage
		if json.Unmarshal(v, &elems) != nil {
			return nil, false
		}
		kept := make([]json.RawMessage, 0, len(elems))
		for i, e := range elems {
			p := fmt.Sprintf("%s[%d]", path, i)
			c, ok := keepReadable(e, p+".", func() any { return new(gazette.Document) }, nil, &cleared)
			if !ok {
				cleared = append(cleared, p)
				continue
			}
			kept = append(kept, c)
		}
		out, err := json.Marshal(kept)
		return out, err == nil
	}
	issue := func(v json.RawMessage, path string) (json.RawMessage, bool) {
		return keepReadable(v, path+".", func() any { return new(gazette.Issue) }, nil, &cleared)
	}
	clean, ok := keepReadable(raw, "", func() any { return new(Draft) }, map[string]nested{"documents": docs, "issue": issue}, &cleared)
	if !ok {
		return nil, nil, invalidf("draft %s is beyond repair: the record is not a JSON object; delete it", id)
	}
	var d Draft
	if err := json.Unmarshal(clean, &d); err != nil {
		return nil, nil, invalidf("draft %s is beyond repair: %v; delete it", id, err)
	}
	if d.ID != id {
		if d.ID != "" {
			return nil, nil, invalidf("draft %s is beyond repair: the record names draft %q; delete it", id, d.ID)
		}
		d.ID = id
	}
	switch d.State {
	case StateDrafting, StateSubmitted, StateApproved, StateScheduled, StatePublished:
	default:
		cleared = append(cleared, "state")
		d.State = StateDrafting
	}
	d.renumber()
	return &d, cleared, nil
}

// nested cleans one member of an object before it is tried whole; ok false
// drops the member.
type nested func(v json.RawMessage, path string) (json.RawMessage, bool)

// keepReadable returns the JSON object raw without the members that do not
// decode on their own into a fresh value from newV, adding their paths to
// cleared; members named in inner are cleaned by their function first. ok
// is false when raw is not a JSON object.
func keepReadable(raw json.RawMessage, path string, newV func() any, inner map[string]nested, cleared *[]string) (json.RawMessage, bool) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil || members == nil {
		return nil, false
	}
	kept := map[string]json.RawMessage{}
	for _, k := range slices.Sorted(maps.Keys(members)) {
		v := members[k]
		if f, ok := inner[k]; ok {
			var fine bool
			if v, fine = f(v, path+k); !fine {
				*cleared = append(*cleared, path+k)
				continue
			}
		}
		one, err := json.Marshal(map[string]json.RawMessage{k: v})
		if err != nil || json.Unmarshal(one, newV()) != nil {
			*cleared = append(*cleared, path+k)
			continue
		}
		kept[k] = v
	}
	out, err := json.Marshal(kept)
	return out, err == nil
}
