package editorial

import (
	"context"
	"fmt"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// Relations between published documents (依据, 修改, 废止, 解读, 转发, 更正,
// 失效, 引用) recorded by editors, and the queue of citations that resolve
// to no published document. Like corrections and validity changes, a
// relation needs the editor role: the archive keeps every record (a
// withdrawal is recorded, not a deletion), and the audit log names who
// made it. The author of a relation is always the actor.

// AddRelation records that the published document id makes rel (rel.By is
// set to the actor, rel.At to now). Editors and above. Errors:
// ErrUnauthenticated, ErrForbidden (audited as denied), and the archive's:
// gazette.ErrInvalid naming the field (a target not published or under
// embargo, a date before either document existed, an older document
// changing a newer one, a cycle), gazette.ErrNotFound. A relation stored
// before the archive failed is returned with the error, and audited.
func (s *Service) AddRelation(ctx context.Context, a Actor, id string, rel gazette.Relation) (*gazette.Relations, error) {
	return s.relation(ctx, a, id, rel, false)
}

// WithdrawRelation takes back a relation the published document id makes:
// one recorded, or one its text proposes that an editor found wrong; rel
// names it by Type, Target and Provision, and its Note may say why.
// Editors and above. Errors as for AddRelation; gazette.ErrInvalid also
// when the document makes no such relation.
func (s *Service) WithdrawRelation(ctx context.Context, a Actor, id string, rel gazette.Relation) (*gazette.Relations, error) {
	return s.relation(ctx, a, id, rel, true)
}

func (s *Service) relation(ctx context.Context, a Actor, id string, rel gazette.Relation, withdraw bool) (*gazette.Relations, error) {
	action, verb := "document.relate", "relate"
	if withdraw {
		action, verb = "document.unrelate", "withdraw relation of"
	}
	object := "document/" + id
	if err := s.authorize(ctx, a, RoleEditor, action, object); err != nil {
		return nil, err
	}
	if s.cfg.Archive == nil {
		return nil, fmt.Errorf("editorial: %s %s: no archive configured: %w", verb, id, gazette.ErrInvalid)
	}
	rel.By, rel.At = a.User, s.now().UTC()
	var rs *gazette.Relations
	var err error
	if withdraw {
		rs, err = s.cfg.Archive.WithdrawRelation(ctx, id, rel)
	} else {
		rs, err = s.cfg.Archive.AddRelation(ctx, id, rel)
	}
	if rs == nil {
		if err == nil {
			return nil, fmt.Errorf("editorial: %s %s: the archive returned no relations: %w", verb, id, gazette.ErrCorrupt)
		}
		return nil, fmt.Errorf("editorial: %s %s: %w", verb, id, err)
	}
	parts := []string{string(rel.Type) + " " + rel.Target}
	if rel.Provision != "" {
		parts[0] += " " + rel.Provision
	}
	if !rel.Since.IsZero() {
		parts = append(parts, "since "+rel.Since.String())
	}
	if rel.Note != "" {
		parts = append(parts, rel.Note)
	}
	return rs, s.stored(ctx, a, action, object, strings.Join(parts, "; "), err)
}

// UnresolvedCitations returns the documents cited in published documents
// that no published document answers, most cited first, at most limit
// (0: all): what to load, or tell apart, first. Editors and above.
func (s *Service) UnresolvedCitations(ctx context.Context, a Actor, limit int) ([]cite.Unresolved, error) {
	if err := s.authorize(ctx, a, RoleEditor, "citations.unresolved", ""); err != nil {
		return nil, err
	}
	if s.cfg.Archive == nil {
		return nil, fmt.Errorf("editorial: unresolved citations: no archive configured: %w", gazette.ErrInvalid)
	}
	us, err := s.cfg.Archive.UnresolvedCitations(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("editorial: unresolved citations: %w", err)
	}
	return us, nil
}
