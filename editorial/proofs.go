package editorial

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
)

func proofKey(p gazette.Proof) string {
	return fmt.Sprintf("%s%d/%s-%d.json", proofsPrefix, p.Year, p.Document, p.Paragraph)
}

// RecordProof stores an archivist's reading of one paragraph against the
// print (p.By and p.At are set here); reading the same paragraph again
// replaces it. Editors and above; audited as proof.record with the
// errors found. Errors: gazette.ErrInvalid.
func (s *Service) RecordProof(ctx context.Context, a Actor, p gazette.Proof) error {
	const action = "proof.record"
	object := fmt.Sprintf("document/%s#%d", p.Document, p.Paragraph)
	if err := s.authorize(ctx, a, RoleEditor, action, object); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.By, p.At = a.User, s.now().UTC()
	if _, err := s.putJSON(ctx, proofKey(p), &p, gazette.PutOptions{}); err != nil {
		return fmt.Errorf("editorial: record proof: %w", err)
	}
	e, n := p.Errors()
	return s.record(ctx, a, action, object, OutcomeOK, fmt.Sprintf("%d errors in %d characters", e, n))
}

// Proofs returns the proofs recorded for the documents of year, or of
// every year when year is 0. A record that cannot be read is skipped and
// logged. Editors and above.
func (s *Service) Proofs(ctx context.Context, a Actor, year int) ([]gazette.Proof, error) {
	if err := s.authorize(ctx, a, RoleEditor, "proof.list", ""); err != nil {
		return nil, err
	}
	prefix := proofsPrefix
	if year != 0 {
		prefix += strconv.Itoa(year) + "/"
	}
	infos, err := s.blobs.List(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("editorial: proofs: %w", err)
	}
	var out []gazette.Proof
	for _, info := range infos {
		if !strings.HasSuffix(info.Key, ".json") {
			continue
		}
		var p gazette.Proof
		if _, err := s.getJSON(ctx, info.Key, &p); err != nil {
			if !errors.Is(err, gazette.ErrNotFound) {
				s.log.WarnContext(ctx, "unreadable proof skipped", "key", info.Key, "err", err)
			}
			continue
		}
		out = append(out, p)
	}
	return out, nil
}
