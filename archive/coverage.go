package archive

import (
	"context"
	"fmt"

	"github.com/gazette-archive/gazette/gazette"
)

// IssueRefs returns the key and running number of every published issue,
// in order: what coverage (gazette.CoverageOf) needs. Each manifest is read
// once per process; later calls list keys only.
func (a *Archive) IssueRefs(ctx context.Context) ([]gazette.IssueRef, error) {
	keys, err := a.issueKeys(ctx, "issues/")
	if err != nil {
		return nil, fmt.Errorf("archive: issues: %w", err)
	}
	refs := make([]gazette.IssueRef, 0, len(keys))
	for _, k := range keys {
		total, ok := a.totals.Load(k)
		if !ok {
			is, err := a.Issue(ctx, k)
			if err != nil {
				return nil, err
			}
			total = is.TotalNumber
			a.totals.Store(k, total)
		}
		refs = append(refs, gazette.IssueRef{Key: k, TotalNumber: total.(int)})
	}
	return refs, nil
}
