package editorial

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// The sampling proofread, per year and per batch. A proof is one
// paragraph of a published document read against the print (RecordProof);
// it counts towards the year of its issue and towards every batch that
// produced that issue. Drawn at random from a year or from a batch, the
// paragraphs a batch's issues hold are a random sample of that batch's
// text either way, so one proof serves both estimates.

// YearQuality is one year's estimated character error rate.
type YearQuality struct {
	Year int `json:"year"`
	gazette.ErrorEstimate
}

// BatchQuality is one ingest batch's estimated character error rate, over
// the issues it produced.
type BatchQuality struct {
	ID    string   `json:"id"`
	Paths []string `json:"paths"`
	// Issues are the batch's issues in the archive (or on their way to
	// it): those it ingested and those published from its review queue.
	Issues []gazette.IssueKey `json:"issues"`
	// InReview counts the batch's drafts not yet published: their text
	// cannot be sampled until they are.
	InReview int `json:"in_review"`
	gazette.ErrorEstimate
}

// Quality is the sampling proofread's estimates, the latest year and the
// latest batch first.
type Quality struct {
	Years   []YearQuality  `json:"years"`
	Batches []BatchQuality `json:"batches"`
}

// Quality estimates the character error rate of every year and every
// batch from the proofs recorded. Editors and above.
func (s *Service) Quality(ctx context.Context, a Actor) (*Quality, error) {
	proofs, err := s.Proofs(ctx, a, 0)
	if err != nil {
		return nil, err
	}
	batches, err := s.Batches(ctx, a)
	if err != nil {
		return nil, err
	}
	q := &Quality{Years: []YearQuality{}, Batches: []BatchQuality{}}
	byYear := map[int][]gazette.Proof{}
	byIssue := map[gazette.IssueKey][]gazette.Proof{}
	for _, p := range proofs {
		byYear[p.Year] = append(byYear[p.Year], p)
		if key, _, err := gazette.ParseDocumentID(p.Document); err == nil {
			byIssue[key] = append(byIssue[key], p)
		}
	}
	for y, ps := range byYear {
		q.Years = append(q.Years, YearQuality{Year: y, ErrorEstimate: gazette.EstimateErrorRate(ps)})
	}
	slices.SortFunc(q.Years, func(x, y YearQuality) int { return y.Year - x.Year })
	var ids []string
	for _, b := range batches {
		ids = append(ids, b.Drafts...)
	}
	drafts, err := s.draftIssues(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, b := range batches {
		bq := s.batchQuality(ctx, b, drafts)
		var ps []gazette.Proof
		for _, key := range bq.Issues {
			ps = append(ps, byIssue[key]...)
		}
		bq.ErrorEstimate = gazette.EstimateErrorRate(ps)
		q.Batches = append(q.Batches, bq)
	}
	return q, nil
}

// BatchIssues returns the issues batch id produced that the archive holds
// or is about to (see BatchQuality.Issues), for drawing a sample from it.
// Editors and above. Errors: gazette.ErrNotFound.
func (s *Service) BatchIssues(ctx context.Context, a Actor, id string) ([]gazette.IssueKey, error) {
	b, err := s.Batch(ctx, a, id)
	if err != nil {
		return nil, err
	}
	drafts, err := s.draftIssues(ctx, b.Drafts)
	if err != nil {
		return nil, err
	}
	return s.batchQuality(ctx, *b, drafts).Issues, nil
}

// draftOutcome is what became of a draft of the review queue: published
// (scheduled, for a historical issue, is published at once) as key, or
// still in review.
type draftOutcome struct {
	key       gazette.IssueKey
	published bool
}

// draftIssues reads the drafts named, a few at a time, for what became of
// each. A draft since deleted, or whose record cannot be read, is left out
// (and logged); storage that does not answer fails the whole.
func (s *Service) draftIssues(ctx context.Context, ids []string) (map[string]draftOutcome, error) {
	out := make(map[string]draftOutcome, len(ids))
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		first error
	)
	sem := make(chan struct{}, 8)
	for _, id := range ids {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			d, err := s.loadDraft(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				out[id] = draftOutcome{key: d.Issue.IssueKey, published: d.State == StateScheduled || d.State == StatePublished}
			case errors.Is(err, gazette.ErrNotFound):
			case errors.Is(err, gazette.ErrUnavailable) || ctx.Err() != nil:
				if first == nil {
					first = fmt.Errorf("editorial: draft %s: %w", id, err)
				}
			default:
				s.log.WarnContext(ctx, "batch quality: draft left out", "draft", id, "err", err)
			}
		})
	}
	wg.Wait()
	return out, first
}

// batchQuality ties a batch to its issues: those its records name, and
// those of its review queue's drafts (read by draftIssues) that were
// published. A record that names no issue key is logged and left out.
func (s *Service) batchQuality(ctx context.Context, b report.BatchSummary, drafts map[string]draftOutcome) BatchQuality {
	bq := BatchQuality{ID: b.ID, Paths: b.Paths, Issues: []gazette.IssueKey{}}
	seen := map[gazette.IssueKey]bool{}
	add := func(k gazette.IssueKey) {
		if !seen[k] {
			seen[k] = true
			bq.Issues = append(bq.Issues, k)
		}
	}
	for _, raw := range b.Issues {
		k, err := gazette.ParseIssueKey(raw)
		if err != nil {
			s.log.WarnContext(ctx, "batch names an issue that is no issue key", "batch", b.ID, "issue", raw)
			continue
		}
		add(k)
	}
	for _, id := range b.Drafts {
		o, ok := drafts[id]
		switch {
		case !ok:
		case o.published:
			add(o.key)
		default:
			bq.InReview++
		}
	}
	slices.SortFunc(bq.Issues, func(x, y gazette.IssueKey) int {
		switch {
		case x.Less(y):
			return -1
		case y.Less(x):
			return 1
		}
		return 0
	})
	return bq
}
