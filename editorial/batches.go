package editorial

import (
	"context"
	"fmt"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// Batches returns the ingest batches run against this storage (gazette
// ingest records them as it goes), the latest first. Editors and above.
func (s *Service) Batches(ctx context.Context, a Actor) ([]report.BatchSummary, error) {
	if err := s.authorize(ctx, a, RoleEditor, "batch.list", ""); err != nil {
		return nil, err
	}
	return report.Batches(ctx, s.blobs, s.now())
}

// Batch returns one batch by ID. Errors: gazette.ErrNotFound.
func (s *Service) Batch(ctx context.Context, a Actor, id string) (*report.BatchSummary, error) {
	all, err := s.Batches(ctx, a)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, fmt.Errorf("editorial: batch %.20q: %w", id, gazette.ErrNotFound)
}
