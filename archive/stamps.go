package archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// changedAfter are the prefixes of what is recorded of a document after
// its issue is committed: its history (history/<id>.json), relations
// recorded to it (related/<id>/<maker>.json) and validity changes it
// caused (caused/<id>/<changed>.json).
var changedAfter = []string{"history/", "related/", "caused/"}

// stampedID is the document an object under one of changedAfter dates.
func stampedID(prefix, key string) string {
	rest := strings.TrimPrefix(key, prefix)
	id, _, nested := strings.Cut(rest, "/")
	if !nested {
		id = strings.TrimSuffix(path.Base(rest), ".json")
	}
	return id
}

// committedAt is when the documents of m became public: when its manifest
// was written (for an issue of years ago ingested today, today), never
// before the moment the issue says it was released.
func committedAt(m *Manifest, written time.Time) time.Time {
	if written.After(m.Issue.Published) {
		return written
	}
	return m.Issue.Published
}

// Stamps returns every published document with when it last changed, in
// order of that moment (then of ID): what a harvester asks for since a
// date. A document changes when its issue is committed (committedAt), and
// each time something is recorded of it since (changedAfter): a
// correction or validity change, or a relation, in its history; a
// relation or validity change it made in another document. The moments
// are those storage gives the objects, so a change is never dated before
// it could be read. Scheduled issues have no manifest yet and are not
// listed. It lists every manifest and every prefix of changedAfter: its
// cost grows with the archive (Stamp dates one document). Errors:
// gazette.ErrCorrupt, storage errors. Safe for concurrent use.
func (a *Archive) Stamps(ctx context.Context) ([]gazette.Stamp, error) {
	keys, written, err := a.issueManifests(ctx, "issues/")
	if err != nil {
		return nil, fmt.Errorf("archive: stamps: %w", err)
	}
	later := map[string]time.Time{}
	for _, prefix := range changedAfter {
		objs, err := a.blobs.List(ctx, prefix)
		if err != nil {
			return nil, fmt.Errorf("archive: stamps: %w", err)
		}
		for _, o := range objs {
			if id := stampedID(prefix, o.Key); o.Modified.After(later[id]) {
				later[id] = o.Modified
			}
		}
	}
	var out []gazette.Stamp
	for _, k := range keys {
		m, err := a.manifest(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("archive: stamps: %w", err)
		}
		committed := committedAt(m, written[k])
		for _, ref := range m.Documents {
			st := gazette.Stamp{ID: ref.ID, Issue: k, Changed: committed}
			if t := later[ref.ID]; t.After(st.Changed) {
				st.Changed = t
			}
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(x, y gazette.Stamp) int {
		return cmp.Or(x.Changed.Compare(y.Changed), cmp.Compare(x.ID, y.ID))
	})
	return out, nil
}

// Stamp returns the stamp Stamps gives the published document id, read
// from that document's objects alone: its issue's manifest, its history
// and its own links. Changed agrees with Stamps to the second, a
// datestamp's granularity, not below: S3 gives one object's moment
// (HEAD) in whole seconds, a listing's in milliseconds. Errors: gazette.ErrNotFound (no such published
// document), gazette.ErrInvalid (a malformed ID), gazette.ErrCorrupt,
// storage errors. Safe for concurrent use.
func (a *Archive) Stamp(ctx context.Context, id string) (gazette.Stamp, error) {
	fail := func(err error) (gazette.Stamp, error) {
		return gazette.Stamp{}, fmt.Errorf("archive: stamp %s: %w", id, err)
	}
	m, seq, err := a.docManifest(ctx, id)
	if err != nil {
		return fail(err)
	}
	if m.Documents[seq-1].ID != id {
		return fail(fmt.Errorf("manifest of %s names %s at %d: %w", m.Issue.Key(), m.Documents[seq-1].ID, seq, gazette.ErrCorrupt))
	}
	info, err := a.blobs.Stat(ctx, manifestKey(m.Issue.Key()))
	if err != nil {
		return fail(err)
	}
	st := gazette.Stamp{ID: id, Issue: m.Issue.Key(), Changed: committedAt(m, info.Modified)}
	var objs []gazette.ObjectInfo
	switch h, err := a.blobs.Stat(ctx, historyKey(id)); {
	case err == nil:
		objs = append(objs, h)
	case !errors.Is(err, gazette.ErrNotFound):
		return fail(err)
	}
	for _, prefix := range []string{relatedPrefix(id), causedPrefix(id)} {
		links, err := a.blobs.List(ctx, prefix)
		if err != nil {
			return fail(err)
		}
		objs = append(objs, links...)
	}
	for _, o := range objs {
		if o.Modified.After(st.Changed) {
			st.Changed = o.Modified
		}
	}
	return st, nil
}
