package archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

// Reverse links: which documents name a document as the cause of their
// validity (the repealing document lists what it repealed).
//
// The truth stays where it is: a document's history (or, for one never
// changed, its record as printed) names the document that changed it, in
// Status.ChangedBy and ValidityChange.ChangedBy. Finding the other
// direction from that truth alone would mean reading every history and
// record, so the archive keeps one small object per pair,
// caused/<cause>/<document>.json, derived from it:
//
//   - a link is written before the thing that makes it true becomes
//     visible: SetValidity writes it before appending to the history, and
//     every index write (Publish, PublishDue, Reconcile, Reindex) writes the
//     links of the documents it indexes before the index entry, so a
//     document that search finds has its links;
//   - a link is only a hint: Affected reads the history it points to and
//     drops a link the history does not confirm (a crash between the link
//     and the history append, an issue whose manifest was never committed);
//   - Reconcile restores the links of every recorded validity change (it
//     reads every history anyway), so histories written before links
//     existed get theirs; Reindex restores those of the printed statuses too.
//
// Links are written only if absent and never removed: nothing in a history
// is ever removed either.

// causedPrefix is where the documents a document caused changes in are
// linked.
func causedPrefix(cause string) string { return "caused/" + cause + "/" }

func causedKey(cause, id string) string { return causedPrefix(cause) + id + ".json" }

// causedLink is the content of a link object: what its key says, for a
// person looking at storage.
type causedLink struct {
	Cause    string `json:"cause"`
	Document string `json:"document"`
}

// causes returns the documents h names as having changed its document's
// validity: the printed status's and every recorded change's, each once.
func causes(h *gazette.History) []string {
	var out []string
	add := func(id string) {
		if id != "" && id != h.ID && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	add(h.Printed.ChangedBy)
	for _, ch := range h.Validity {
		add(ch.ChangedBy)
	}
	return out
}

// link records that cause changed the validity of document id, unless it
// is recorded already.
func (a *Archive) link(ctx context.Context, cause, id string) error {
	if _, _, err := gazette.ParseDocumentID(cause); err != nil {
		return nil // never a link the model would refuse; validation says why elsewhere
	}
	if err := a.putHint(ctx, causedKey(cause, id), causedLink{Cause: cause, Document: id}); err != nil {
		return fmt.Errorf("link %s to %s, which changed it: %w", id, cause, err)
	}
	return nil
}

// linkAll records the causes of h.
func (a *Archive) linkAll(ctx context.Context, h *gazette.History) error {
	for _, c := range causes(h) {
		if err := a.link(ctx, c, h.ID); err != nil {
			return err
		}
	}
	return nil
}

// Affected returns the histories of the published documents whose
// validity document id changed: those whose printed status or a recorded
// validity change names id as ChangedBy (what id amended, repealed or
// otherwise changed), in print order (by issue, then position). A document
// whose record cannot be read is logged and left out, so that one damaged
// document never hides the others. Errors: gazette.ErrInvalid (a malformed
// ID), storage errors. Safe for concurrent use.
func (a *Archive) Affected(ctx context.Context, id string) ([]gazette.History, error) {
	if _, _, err := gazette.ParseDocumentID(id); err != nil {
		return nil, fmt.Errorf("archive: affected by %s: %w", id, err)
	}
	objs, err := a.blobs.List(ctx, causedPrefix(id))
	if err != nil {
		return nil, fmt.Errorf("archive: affected by %s: %w", id, err)
	}
	var out []gazette.History
	for _, o := range objs {
		d, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, causedPrefix(id)), ".json")
		if !ok {
			continue
		}
		m, seq, err := a.docManifest(ctx, d)
		if errors.Is(err, gazette.ErrNotFound) || errors.Is(err, gazette.ErrInvalid) {
			continue // linked before a publication that never committed
		}
		if err != nil {
			return nil, fmt.Errorf("archive: affected by %s: %w", id, err)
		}
		l, err := a.load(ctx, m, seq, 0)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			a.log.WarnContext(ctx, "a document linked as changed by another cannot be read", "document", d, "changed_by", id, "err", err)
			continue
		}
		if slices.Contains(causes(&l.history), id) {
			out = append(out, l.history)
		}
	}
	slices.SortFunc(out, func(x, y gazette.History) int { return compareIDs(x.ID, y.ID) })
	return out, nil
}

// compareIDs orders document IDs by issue, then position.
func compareIDs(x, y string) int {
	kx, sx, _ := gazette.ParseDocumentID(x)
	ky, sy, _ := gazette.ParseDocumentID(y)
	switch {
	case kx.Less(ky):
		return -1
	case ky.Less(kx):
		return 1
	}
	return cmp.Compare(sx, sy)
}

// relink writes the links missing for the recorded validity changes and
// relations of histories (when repair is set) and returns them as
// "cause>document" (validity) and "maker>target" (relations.go).
func (a *Archive) relink(ctx context.Context, histories []gazette.History, repair bool) ([]string, error) {
	have := map[string]bool{}
	for _, prefix := range []string{"caused/", "related/"} {
		objs, err := a.blobs.List(ctx, prefix)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			have[o.Key] = true
		}
	}
	var missing []string
	for i := range histories {
		h := &histories[i]
		for _, c := range causes(h) {
			if have[causedKey(c, h.ID)] {
				continue
			}
			missing = append(missing, c+">"+h.ID)
			if repair {
				if err := a.link(ctx, c, h.ID); err != nil {
					return missing, err
				}
			}
		}
		for _, r := range gazette.Effective(h.Relations) {
			if have[relatedKey(r.Target, h.ID)] || slices.Contains(missing, h.ID+">"+r.Target) {
				continue
			}
			missing = append(missing, h.ID+">"+r.Target)
			if repair {
				if err := a.relate(ctx, h.ID, r.Target); err != nil {
					return missing, err
				}
			}
		}
	}
	slices.Sort(missing)
	return missing, nil
}
