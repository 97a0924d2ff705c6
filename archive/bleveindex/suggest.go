package bleveindex

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
	gojson "github.com/goccy/go-json"

	"github.com/gazette-archive/gazette/gazette"
)

// Suggestions (what the search box offers as people type) must answer in
// a few milliseconds at any archive size, and never wait for work that
// the index's writes or merges cause. So they have a table of their own,
// in memory (package typeahead), kept up to date by Put and Delete
// (beginWrite, endWrite) and built from the stored hits of a snapshot of
// the index on the first suggestion. Lean searches read their hits from it
// too (leanHits), once a first one has had it built.

// suggestSource is the index as its suggestion table reads it.
type suggestSource struct{ x *Index }

// All reads the stored hit of every document of a snapshot of the index;
// the version is unused (the table follows every write of the index, which
// is this process's own).
func (s suggestSource) All(ctx context.Context) ([]gazette.Hit, int64, error) {
	r, err := s.x.reader()
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	var hits []gazette.Hit
	for _, ss := range r.Segments() {
		del := ss.Deleted()
		for local := range ss.Segment().Count() {
			if local%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, 0, err
				}
			}
			if del != nil && del.Contains(uint32(local)) {
				continue
			}
			var h gazette.Hit
			found, err := visitStoredHit(ss, local, &h)
			if err != nil {
				return nil, 0, err
			}
			if found {
				hits = append(hits, h)
			}
		}
	}
	return hits, 0, nil
}

// Read reads the stored hits of the documents ids from a snapshot of the
// index.
func (s suggestSource) Read(_ context.Context, ids []string) ([]gazette.Hit, error) {
	r, err := s.x.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]gazette.Hit, 0, len(ids))
	for _, id := range ids {
		var h gazette.Hit
		found, err := loadStoredByID(r, id, &h)
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, h)
		}
	}
	return out, nil
}

// beginWrite counts the writes of ids in progress; every write of the
// index calls it before bleve's batch, and endWrite after.
func (x *Index) beginWrite(ids []string) { x.suggest.Begin(ids) }

// endWrite records a write of ids that Put (docs, when it put them) or
// Delete (docs nil) made, failed when it failed, perhaps in part.
func (x *Index) endWrite(ids []string, docs []gazette.SearchDoc, failed bool) {
	var hits []gazette.Hit
	if docs != nil {
		hits = make([]gazette.Hit, len(docs))
		for i := range docs {
			hits[i] = docs[i].Hit()
			// The table's own: the caller may change its documents after.
			hits[i].Authorities = slices.Clone(hits[i].Authorities)
		}
	}
	x.suggest.End(context.Background(), ids, hits, failed)
}

// visitStoredHit decodes the stored hit of document local of segment ss
// into v; found is false for a document without one.
func visitStoredHit(ss *scorch.SegmentSnapshot, local uint64, v any) (found bool, err error) {
	// Decoded during the visit: the value's buffer goes back to a pool
	// shared with other readers once it ends.
	var derr error
	err = ss.VisitDocument(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		if field == fHit {
			found, derr = true, gojson.Unmarshal(value, v)
			return false
		}
		return true
	})
	if err == nil {
		err = derr
	}
	if err != nil {
		return false, fmt.Errorf("document %d: stored hit: %w", local, err)
	}
	return found, nil
}

// loadStoredByID decodes the stored hit of the document id in snapshot r
// into v.
func loadStoredByID(r *scorch.IndexSnapshot, id string, v any) (found bool, err error) {
	iid, err := r.InternalID(id)
	if err != nil || iid == nil {
		return false, err
	}
	num := iid.Value()
	for _, ss := range r.Segments() {
		n := ss.Segment().Count()
		if num >= n {
			num -= n
			continue
		}
		return visitStoredHit(ss, num, v)
	}
	return false, nil
}

// Suggest returns at most n documents whose title or document number
// holds text, best first (see archive.Index). A write is visible to it
// once Put or Delete returns.
func (x *Index) Suggest(ctx context.Context, text string, n int) ([]gazette.Hit, error) {
	key, ok, err := gazette.CheckSuggestText(text)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: %w", err)
	}
	if n < 1 || n > gazette.MaxSuggestions {
		return nil, fmt.Errorf("bleveindex: suggest: %d suggestions, want 1–%d: %w", n, gazette.MaxSuggestions, gazette.ErrInvalid)
	}
	if !ok {
		return []gazette.Hit{}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: %w", err)
	}
	hits, err := x.suggest.Suggest(ctx, key, n)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: %w", err)
	}
	return hits, nil
}

// SuggestLookup returns the hits of the documents whose canonical document
// number is n, newest first, from the suggestion table, as up to date as
// the Suggest call before it: archive.Suggest looks up the 文号 typed so
// with no search of the index. Errors: those of building the table.
func (x *Index) SuggestLookup(ctx context.Context, n gazette.DocNumber) ([]gazette.Hit, error) {
	hits, err := x.suggest.Lookup(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("bleveindex: suggest: lookup %s: %w", n, err)
	}
	return hits, nil
}
