package editorial

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
)

// APITokenPrefix starts every API token, so that secret scanners and people
// recognise one.
const APITokenPrefix = "gzt_"

// APIToken describes an API token for automation. The token itself is shown
// once, by CreateToken; only its SHA-256 is stored.
type APIToken struct {
	// ID is the first 16 hex digits of the token's SHA-256: enough to name
	// it for revocation, useless for signing in.
	ID      string    `json:"id"`
	User    string    `json:"user"`
	Label   string    `json:"label"`
	Role    Role      `json:"role"` // the owner's role at creation; the token never acts above it
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires,omitzero"` // zero: until revoked
	// Epoch is the owner's User.Epoch when the token was made: the token
	// dies when it moves (a password change, disabling). Zero in tokens
	// made before epochs were recorded, which revokeTokens removes.
	Epoch int `json:"epoch,omitempty"`
}

const tokenIDLen = 16

func tokenKey(hash string) string { return tokensPrefix + hash + ".json" }

// CreateToken creates an API token for the actor, acting with at most the
// actor's role, valid for ttl (0: until revoked). It returns the token, to
// be shown once. Any signed-in user may create tokens for themselves.
func (s *Service) CreateToken(ctx context.Context, a Actor, label string, ttl time.Duration) (string, *APIToken, error) {
	const action = "token.create"
	if err := s.authorize(ctx, a, RoleEditor, action, "user/"+a.User); err != nil {
		return "", nil, err
	}
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > 100 || !utf8.ValidString(label) {
		return "", nil, invalidf("token label: want 1–100 characters")
	}
	if ttl < 0 {
		return "", nil, invalidf("token lifetime %v: negative", ttl)
	}
	u, _, err := s.loadUser(ctx, a.User)
	if err != nil {
		return "", nil, fmt.Errorf("editorial: create token: %w", err)
	}
	secret := newToken()
	hash := tokenHash(secret)
	now := s.now().UTC()
	t := APIToken{ID: hash[:tokenIDLen], User: a.User, Label: label, Role: a.Role, Created: now, Epoch: u.Epoch}
	if ttl > 0 {
		t.Expires = now.Add(ttl)
	}
	if _, err := s.putJSON(ctx, tokenKey(hash), t, gazette.PutOptions{IfAbsent: true}); err != nil {
		return "", nil, fmt.Errorf("editorial: create token: %w", err)
	}
	if err := s.record(ctx, a, action, "token/"+t.ID, OutcomeOK, label); err != nil {
		return "", nil, err
	}
	return APITokenPrefix + secret, &t, nil
}

// AuthenticateToken returns the actor of an API token, acting from addr
// with the lesser of the token's role and the owner's current role. It fails
// with ErrUnauthenticated for a malformed, unknown, expired or revoked
// token, an owner who is disabled or gone, or one whose password changed
// or who was disabled since the token was made.
func (s *Service) AuthenticateToken(ctx context.Context, token, addr string) (Actor, error) {
	secret, ok := strings.CutPrefix(token, APITokenPrefix)
	hash := tokenHash(secret)
	if !ok || hash == "" {
		return Actor{}, fmt.Errorf("editorial: API token malformed: %w", ErrUnauthenticated)
	}
	var t APIToken
	if _, err := s.getJSON(ctx, tokenKey(hash), &t); errors.Is(err, gazette.ErrNotFound) {
		return Actor{}, fmt.Errorf("editorial: no such API token: %w", ErrUnauthenticated)
	} else if err != nil {
		return Actor{}, fmt.Errorf("editorial: API token: %w", err)
	}
	if !t.Expires.IsZero() && !s.now().Before(t.Expires) {
		return Actor{}, fmt.Errorf("editorial: API token %s expired: %w", t.ID, ErrUnauthenticated)
	}
	u, _, err := s.loadUser(ctx, t.User)
	if err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return Actor{}, err
	}
	if err != nil || u.Disabled {
		return Actor{}, fmt.Errorf("editorial: API token %s: owner disabled or gone: %w", t.ID, ErrUnauthenticated)
	}
	if t.Epoch != 0 && t.Epoch != u.Epoch {
		return Actor{}, fmt.Errorf("editorial: API token %s: the owner's password changed or the account was disabled since: %w", t.ID, ErrUnauthenticated)
	}
	role := t.Role
	if !u.Role.Includes(role) {
		role = u.Role
	}
	return Actor{User: u.Name, Role: role, Addr: addr}, nil
}

// Tokens lists API tokens: the actor's own, or everyone's for an
// administrator. Newest first.
func (s *Service) Tokens(ctx context.Context, a Actor) ([]APIToken, error) {
	if err := s.authorize(ctx, a, RoleEditor, "token.list", ""); err != nil {
		return nil, err
	}
	infos, err := s.blobs.List(ctx, tokensPrefix)
	if err != nil {
		return nil, fmt.Errorf("editorial: tokens: %w", err)
	}
	var out []APIToken
	for _, info := range infos {
		var t APIToken
		if _, err := s.getJSON(ctx, info.Key, &t); errors.Is(err, gazette.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("editorial: tokens: %w", err)
		}
		if t.User == a.User || a.Role.Includes(RoleAdmin) {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// RevokeToken deletes an API token by ID: the owner's own, or anyone's by
// an administrator. Errors: gazette.ErrNotFound, ErrForbidden.
func (s *Service) RevokeToken(ctx context.Context, a Actor, id string) error {
	const action = "token.revoke"
	object := "token/" + id
	if err := s.authorize(ctx, a, RoleEditor, action, object); err != nil {
		return err
	}
	if len(id) != tokenIDLen || strings.Trim(id, "0123456789abcdef") != "" {
		return invalidf("token ID %q: want %d hex digits", id, tokenIDLen)
	}
	infos, err := s.blobs.List(ctx, tokensPrefix+id)
	if err != nil {
		return fmt.Errorf("editorial: revoke token: %w", err)
	}
	if len(infos) != 1 {
		return fmt.Errorf("editorial: token %s: %w", id, gazette.ErrNotFound)
	}
	var t APIToken
	if _, err := s.getJSON(ctx, infos[0].Key, &t); err != nil {
		return fmt.Errorf("editorial: revoke token: %w", err)
	}
	if t.User != a.User && !a.Role.Includes(RoleAdmin) {
		return s.deny(ctx, a, action, object, fmt.Errorf("editorial: token %s belongs to another user: %w", id, ErrForbidden))
	}
	if err := s.blobs.Delete(ctx, infos[0].Key, ""); err != nil {
		return fmt.Errorf("editorial: revoke token: %w", err)
	}
	return s.record(ctx, a, action, object, OutcomeOK, "")
}

// revokeTokens deletes every API token of the user name; a password change
// and disabling call it, so that the tokens are gone from the lists too
// (AuthenticateToken already refuses them by their epoch).
func (s *Service) revokeTokens(ctx context.Context, name string) error {
	infos, err := s.blobs.List(ctx, tokensPrefix)
	if err != nil {
		return fmt.Errorf("editorial: revoke tokens of %s: %w", name, err)
	}
	for _, info := range infos {
		var t APIToken
		if _, err := s.getJSON(ctx, info.Key, &t); errors.Is(err, gazette.ErrNotFound) {
			continue
		} else if err != nil {
			return fmt.Errorf("editorial: revoke tokens of %s: %w", name, err)
		}
		if t.User != name {
			continue
		}
		if err := s.blobs.Delete(ctx, info.Key, ""); err != nil && !errors.Is(err, gazette.ErrNotFound) {
			return fmt.Errorf("editorial: revoke tokens of %s: %w", name, err)
		}
	}
	return nil
}
