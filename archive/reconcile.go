package archive

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/gazette-archive/gazette/gazette"
)

// Drift is what differs between storage, the truth, and the search index.
type Drift struct {
	Documents int      // documents in storage
	Missing   []string // in storage, not in the index
	Stale     []string // in the index with another record's fingerprint
	Orphaned  []string // in the index, not in storage
	// Unlinked are reverse links missing for recorded validity changes
	// (links.go), as "cause>document", and for recorded relations
	// (relations.go), as "maker>target".
	Unlinked []string
}

// Clean reports whether the index and the reverse links match storage.
func (d Drift) Clean() bool {
	return len(d.Missing)+len(d.Stale)+len(d.Orphaned)+len(d.Unlinked) == 0
}

// Progress receives how many of total documents have been handled; it may
// be nil.
type Progress func(done, total int)

// ReindexBatch is how many documents a reindex gives the index per Put:
// a thousand for each core the process may use. bleve builds a segment of
// a thousand documents on one core, the size it builds fastest, and a Put
// of more builds one on each core at once (bleveindex.Put). Measured with
// `gazette-eval bench-search --docs 20000 --batch N` on a quiet machine of
// 2 cores: Puts of 1,000, 149 documents/s at 8.61 ms of CPU a document; of
// 2,000, 246/s at 7.70 ms. Meilisearch takes any size (meiliindex splits
// by bytes).
func ReindexBatch() int { return 1000 * runtime.GOMAXPROCS(0) }

// reindexBytes bounds the text of one reindex batch, as two batches are in
// memory at once (see reindex): a batch of long laws is cut short.
const reindexBytes = 128 << 20

// Reconcile compares storage with the index and, when repair is set, fixes
// every difference: missing and stale documents are indexed from their
// stored records, orphans are deleted, missing reverse links are written. It is safe to run at any time,
// also concurrently with publishing, and from several replicas.
func (a *Archive) Reconcile(ctx context.Context, repair bool, progress Progress) (Drift, error) {
	if a.index == nil {
		return Drift{}, fmt.Errorf("archive: reconcile: no index configured: %w", gazette.ErrInvalid)
	}
	want, histories, err := a.storedFingerprints(ctx)
	if err != nil {
		return Drift{}, fmt.Errorf("archive: reconcile: %w", err)
	}
	unlinked, err := a.relink(ctx, histories, false)
	if err != nil {
		return Drift{}, fmt.Errorf("archive: reconcile: %w", err)
	}
	have, err := a.index.Fingerprints(ctx)
	if err != nil {
		return Drift{}, fmt.Errorf("archive: reconcile: read index: %w", err)
	}
	d := Drift{Documents: len(want), Unlinked: unlinked}
	for id, fp := range want {
		switch got, ok := have[id]; {
		case !ok:
			d.Missing = append(d.Missing, id)
		case got != fp:
			d.Stale = append(d.Stale, id)
		}
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			d.Orphaned = append(d.Orphaned, id)
		}
	}
	slices.Sort(d.Missing)
	slices.Sort(d.Stale)
	slices.Sort(d.Orphaned)
	if !repair || d.Clean() {
		return d, nil
	}
	if len(d.Unlinked) > 0 {
		if _, err := a.relink(ctx, histories, true); err != nil {
			return d, fmt.Errorf("archive: reconcile: %w", err)
		}
	}
	if err := a.reindex(ctx, append(slices.Clone(d.Missing), d.Stale...), progress); err != nil {
		return d, err
	}
	// An issue published since storage was read shows up as orphaned:
	// check storage again, so reconciling never unindexes a new issue.
	var gone []string
	for _, id := range d.Orphaned {
		if _, err := a.Document(ctx, id); errors.Is(err, gazette.ErrNotFound) || errors.Is(err, gazette.ErrInvalid) {
			gone = append(gone, id)
		} else if err != nil {
			return d, fmt.Errorf("archive: reconcile: %w", err)
		}
	}
	if len(gone) > 0 {
		if err := a.index.Delete(ctx, gone); err != nil {
			return d, fmt.Errorf("archive: reconcile: delete orphans: %w", err)
		}
	}
	a.log.InfoContext(ctx, "index reconciled", "missing", len(d.Missing), "stale", len(d.Stale), "orphaned", len(d.Orphaned), "unlinked", len(d.Unlinked))
	return d, nil
}

// Reindex puts every stored document into the index again and deletes
// what storage does not hold: a full rebuild, for a new or changed index.
func (a *Archive) Reindex(ctx context.Context, progress Progress) (Drift, error) {
	if a.index == nil {
		return Drift{}, fmt.Errorf("archive: reindex: no index configured: %w", gazette.ErrInvalid)
	}
	want, _, err := a.storedFingerprints(ctx)
	if err != nil {
		return Drift{}, fmt.Errorf("archive: reindex: %w", err)
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if err := a.reindex(ctx, ids, progress); err != nil {
		return Drift{}, err
	}
	// Whatever is left over is orphaned.
	d, err := a.Reconcile(ctx, true, nil)
	d.Documents = len(want)
	if err != nil {
		return d, err
	}
	if c, ok := a.index.(compacter); ok {
		if err := c.Compact(ctx); err != nil {
			return d, fmt.Errorf("archive: reindex: %w", err)
		}
	}
	return d, nil
}

// compacter is an Index that searches faster once the segments a bulk load
// left are merged (bleveindex); Reindex compacts it at the end.
type compacter interface {
	Compact(ctx context.Context) error
}

// reindex indexes the current version of each stored document with the
// given IDs, in batches of ReindexBatch. The next batch is read from storage while the
// index takes the last one: bleve builds a batch's segment on one core, and
// reading a thousand records from object storage takes as long again, so
// in turn they would leave a core idle twice over. At most two batches are
// in memory.
func (a *Archive) reindex(ctx context.Context, ids []string, progress Progress) error {
	g, ctx := errgroup.WithContext(ctx)
	batches := make(chan []gazette.SearchDoc)
	g.Go(func() error {
		for b := range batches {
			if err := a.index.Put(ctx, b); err != nil {
				return fmt.Errorf("archive: index: %w", err)
			}
		}
		return nil
	})
	g.Go(func() error {
		defer close(batches)
		send := func(b []gazette.SearchDoc) error {
			select {
			case batches <- b:
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		size := ReindexBatch()
		batch, bytes := make([]gazette.SearchDoc, 0, size), 0
		manifests := map[gazette.IssueKey]*Manifest{}
		for i, id := range ids {
			key, seq, err := gazette.ParseDocumentID(id)
			if err != nil {
				return err
			}
			m, ok := manifests[key]
			if !ok {
				if m, err = a.Manifest(ctx, key); err != nil {
					return err
				}
				manifests[key] = m
			}
			if seq > len(m.Documents) {
				return fmt.Errorf("archive: reindex %s: issue %s has %d documents: %w", id, key, len(m.Documents), gazette.ErrNotFound)
			}
			sd, err := a.searchDoc(ctx, m, seq)
			if err != nil {
				return fmt.Errorf("archive: reindex %s: %w", id, err)
			}
			batch = append(batch, sd)
			for _, b := range sd.Body {
				bytes += len(b)
			}
			if len(batch) == size || bytes >= reindexBytes {
				if err := send(batch); err != nil {
					return err
				}
				batch, bytes = make([]gazette.SearchDoc, 0, size), 0
			}
			if progress != nil {
				progress(i+1, len(ids))
			}
		}
		if len(batch) > 0 {
			return send(batch)
		}
		return nil
	})
	return g.Wait()
}

// storedFingerprints maps every published document's ID to the
// fingerprint its current state has in storage: the SHA-256 of its record
// from the manifests, or, for a document corrected or changed since, the
// one its history gives (see fingerprint); and the histories it read.
func (a *Archive) storedFingerprints(ctx context.Context) (map[string]string, []gazette.History, error) {
	keys, err := a.issueKeys(ctx, "issues/")
	if err != nil {
		return nil, nil, err
	}
	out := map[string]string{}
	for _, k := range keys {
		m, err := a.Manifest(ctx, k)
		if err != nil {
			return nil, nil, err
		}
		for _, ref := range m.Documents {
			out[ref.ID] = ref.SHA256
		}
	}
	histories, err := a.Histories(ctx)
	if err != nil {
		return nil, nil, err
	}
	today := a.today()
	for _, h := range histories {
		if _, ok := out[h.ID]; ok {
			out[h.ID] = fingerprint(&h, today)
		}
	}
	return out, histories, nil
}

// Authorities returns the authorities of the archive's documents, the most
// frequent first, as far as the index's facets count them.
func (a *Archive) Authorities(ctx context.Context) ([]string, error) {
	res, err := a.Search(ctx, gazette.Query{PerPage: 1})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(res.Facets.Authority))
	for i, f := range res.Facets.Authority {
		names[i] = f.Value
	}
	return names, nil
}

// Search runs q on the configured index; see the package function Search.
// Errors: gazette.ErrInvalid for a malformed query or when no index is
// configured, backend errors.
func (a *Archive) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	if a.index == nil {
		return gazette.Results{}, fmt.Errorf("archive: search: no index configured: %w", gazette.ErrInvalid)
	}
	return Search(ctx, a.index, q)
}
