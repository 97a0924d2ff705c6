package archive

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Stamps returns every published document with when it last changed, in
// order of that moment (then of ID): what a harvester asks for since a
// date. A document changes when its issue is committed (its manifest
// written: for an issue of years ago ingested today, today), and each time
// something is recorded of it since: a correction or validity change, or
// a relation, in its history; a relation or validity change it made in
// another document (related/ and caused/ hints name it). The moments are
// those storage gives the objects, so a change is never dated before it
// could be read. Scheduled issues have no manifest yet and are not
// listed. Errors: gazette.ErrCorrupt, storage errors. Safe for concurrent
// use.
func (a *Archive) Stamps(ctx context.Context) ([]gazette.Stamp, error) {
	keys, written, err := a.issueManifests(ctx, "issues/")
	if err != nil {
		return nil, fmt.Errorf("archive: stamps: %w", err)
	}
	later := map[string]time.Time{}
	for _, prefix := range []string{"history/", "related/", "caused/"} {
		objs, err := a.blobs.List(ctx, prefix)
		if err != nil {
			return nil, fmt.Errorf("archive: stamps: %w", err)
		}
		for _, o := range objs {
			// history/<id>.json; related/<id>/<maker>.json; caused/<id>/<changed>.json
			rest := strings.TrimPrefix(o.Key, prefix)
			id, _, nested := strings.Cut(rest, "/")
			if !nested {
				id = strings.TrimSuffix(path.Base(rest), ".json")
			}
			if o.Modified.After(later[id]) {
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
		committed := m.Issue.Published
		if written[k].After(committed) {
			committed = written[k]
		}
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
