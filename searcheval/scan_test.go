package searcheval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gazette-archive/gazette/gazette"
)

// scanIndex is a reference archive.Index for this package's tests: a plain
// substring scan over folded text, with title matches ranked first. It
// knows nothing of Chinese segmentation, so it is the simplest reading of
// the Index contract, and lets the evaluation code be tested without an
// adapter.
type scanIndex struct {
	mu   sync.RWMutex
	docs map[string]scanDoc
}

type scanDoc struct {
	d            gazette.SearchDoc
	title, whole string // folded
}

func newScanIndex() *scanIndex { return &scanIndex{docs: map[string]scanDoc{}} }

func (x *scanIndex) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, d := range docs {
		whole := strings.Join(append([]string{d.Title, d.DocNumber, strings.Join(d.Authorities, " ")}, d.Body...), "\n")
		x.docs[d.ID] = scanDoc{d: d, title: gazette.FoldSearchText(d.Title), whole: gazette.FoldSearchText(whole)}
	}
	return nil
}

func (x *scanIndex) Delete(ctx context.Context, ids []string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		delete(x.docs, id)
	}
	return nil
}

func (x *scanIndex) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	if err := q.Normalize(); err != nil {
		return gazette.Results{}, err
	}
	qt, err := gazette.ParseQueryText(q.Text)
	if err != nil {
		return gazette.Results{}, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	type scored struct {
		h     gazette.Hit
		score int
	}
	var all []scored
	for _, sd := range x.docs {
		if !scanFilters(sd.d, q) {
			continue
		}
		ok, score := true, 0
		for _, n := range append(slices.Clone(qt.Terms), qt.Phrases...) {
			if !strings.Contains(sd.whole, n) {
				ok = false
				break
			}
			score += strings.Count(sd.whole, n)
			if strings.Contains(sd.title, n) {
				score += 1000
			}
		}
		for _, n := range qt.Excluded {
			if strings.Contains(sd.whole, n) {
				ok = false
			}
		}
		if ok {
			h := hitOf(sd.d)
			h.Snippet = gazette.Snippet(strings.Join(sd.d.Body, "\n"), qt.Needles(), 80)
			all = append(all, scored{h, score})
		}
	}
	slices.SortFunc(all, func(a, b scored) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return strings.Compare(a.h.ID, b.h.ID)
	})
	res := gazette.Results{Total: len(all), Page: q.Page, PerPage: q.PerPage}
	for i := (q.Page - 1) * q.PerPage; i < len(all) && i < q.Page*q.PerPage; i++ {
		res.Hits = append(res.Hits, all[i].h)
	}
	return res, nil
}

func scanFilters(d gazette.SearchDoc, q gazette.Query) bool {
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, d.Kind) ||
		len(q.Validity) > 0 && !slices.Contains(q.Validity, d.Validity.State) ||
		len(q.Years) > 0 && !slices.Contains(q.Years, d.Issue.Year) ||
		len(q.Topics) > 0 && !slices.Contains(q.Topics, d.Topic) ||
		q.Issue != nil && *q.Issue != d.Issue ||
		len(q.Authorities) > 0 && !slices.ContainsFunc(d.Authorities, func(a string) bool { return slices.Contains(q.Authorities, a) }) {
		return false
	}
	var date gazette.Date
	switch q.DateField {
	case gazette.DateSigned:
		date = d.Signed
	case gazette.DateEffective:
		date = d.Effective
	case gazette.DateExpires:
		date = d.Expires
	default:
		date = d.Published
	}
	if (!q.From.IsZero() || !q.To.IsZero()) && date.IsZero() {
		return false
	}
	return (q.From.IsZero() || date.Compare(q.From) >= 0) && (q.To.IsZero() || date.Compare(q.To) <= 0)
}

func hitOf(d gazette.SearchDoc) gazette.Hit {
	return gazette.Hit{ID: d.ID, Title: d.Title, DocNumber: d.DocNumber, Kind: d.Kind, Authorities: d.Authorities,
		Issue: d.Issue, Pages: d.Pages, Signed: d.Signed, Published: d.Published, Validity: d.Validity.State}
}

func (x *scanIndex) Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []string
	for id, sd := range x.docs {
		if sd.d.DocNumber == n.String() {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (x *scanIndex) Get(ctx context.Context, id string) (gazette.Hit, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	sd, ok := x.docs[id]
	if !ok {
		return gazette.Hit{}, fmt.Errorf("scan: %s: %w", id, gazette.ErrNotFound)
	}
	return hitOf(sd.d), nil
}

func (x *scanIndex) Fingerprints(ctx context.Context) (map[string]string, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := map[string]string{}
	for id, sd := range x.docs {
		out[id] = sd.d.Fingerprint
	}
	return out, nil
}

func (x *scanIndex) Ping(ctx context.Context) error { return nil }
