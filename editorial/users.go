package editorial

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// User is an account. Its record is stored at editorial/users/<name>.json
// and every update is conditional on the ETag read.
type User struct {
	Name     string    `json:"name"`
	Role     Role      `json:"role"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	// PasswordHash is the argon2id PHC string; empty in what Users returns.
	PasswordHash string `json:"password_hash,omitempty"`
	// Epoch moves whenever the password changes or the account is disabled.
	// Sessions record the epoch they were made in and die when it moves, on
	// every replica at once.
	Epoch int `json:"epoch"`
	// LastSignIn is the last successful sign-in; zero before the first.
	LastSignIn time.Time `json:"last_sign_in,omitzero"`
}

var userNameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,62}[a-z0-9]$`)

// CheckUserName reports whether name is a valid account name: 3 to 64
// lower-case ASCII letters, digits, dots, hyphens and underscores, starting
// with a letter and ending with a letter or digit. Names are object keys
// and appear in logs, so they are kept plain; the error wraps
// gazette.ErrInvalid.
func CheckUserName(name string) error {
	if !userNameRE.MatchString(name) {
		return invalidf("user name %q: want 3–64 of a-z 0-9 . _ -, starting with a letter", name)
	}
	return nil
}

func userKey(name string) string { return usersPrefix + name + ".json" }

// loadUser reads one account; gazette.ErrNotFound when absent.
func (s *Service) loadUser(ctx context.Context, name string) (*User, string, error) {
	if err := CheckUserName(name); err != nil {
		return nil, "", fmt.Errorf("%w (%w)", err, gazette.ErrNotFound)
	}
	var u User
	etag, err := s.getJSON(ctx, userKey(name), &u)
	if err != nil {
		return nil, "", fmt.Errorf("editorial: user %s: %w", name, err)
	}
	return &u, etag, nil
}

// AddUser creates an account. Administrators only. Errors: gazette.ErrExist
// (the name is taken), gazette.ErrInvalid (name, role or password).
func (s *Service) AddUser(ctx context.Context, a Actor, name string, role Role, password string) error {
	const action = "user.add"
	object := "user/" + name
	if err := s.authorize(ctx, a, RoleAdmin, action, object); err != nil {
		return err
	}
	if err := CheckUserName(name); err != nil {
		return err
	}
	if !role.Valid() {
		return invalidf("role %q: want one of %v", role, Roles)
	}
	if err := CheckPassword(name, password); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, password, s.cfg.Argon)
	if err != nil {
		return fmt.Errorf("editorial: add user %s: %w", name, err)
	}
	now := s.now().UTC()
	u := User{Name: name, Role: role, Created: now, Updated: now, PasswordHash: hash, Epoch: 1}
	if _, err := s.putJSON(ctx, userKey(name), u, gazette.PutOptions{IfAbsent: true}); err != nil {
		return fmt.Errorf("editorial: add user %s: %w", name, err)
	}
	return s.record(ctx, a, action, object, OutcomeOK, "role "+string(role))
}

// updateUser applies change to the current record with a conditional write,
// retrying from a fresh read when another replica wrote first: change
// decides again on the new state, so no update is lost.
func (s *Service) updateUser(ctx context.Context, name string, change func(u *User) error) (*User, error) {
	var u *User
	var refused error // by change: final, whatever it wraps
	err := gazette.RetryOnConflict(ctx, func() error {
		var etag string
		var err error
		if u, etag, err = s.loadUser(ctx, name); err != nil {
			return err
		}
		if refused = change(u); refused != nil {
			return nil
		}
		u.Updated = s.now().UTC()
		_, err = s.putIfUnchanged(ctx, userKey(name), u, etag)
		return err
	})
	if refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, fmt.Errorf("editorial: update user %s: %w", name, err)
	}
	return u, nil
}

// SetPassword sets a user's password. Administrators only (users change
// their own with ChangePassword). Every session and API token of the user
// is revoked and the failed sign-ins of the name are forgotten.
func (s *Service) SetPassword(ctx context.Context, a Actor, name, password string) error {
	const action = "user.passwd"
	object := "user/" + name
	if err := s.authorize(ctx, a, RoleAdmin, action, object); err != nil {
		return err
	}
	if name == a.User {
		// Without the current password a stolen session could take the
		// account over for good.
		return s.deny(ctx, a, action, object, invalidf("administrators change their own password with the current one (ChangePassword)"))
	}
	return s.setPassword(ctx, a, action, name, password)
}

func (s *Service) setPassword(ctx context.Context, a Actor, action, name, password string) error {
	if err := CheckPassword(name, password); err != nil {
		return err
	}
	hash, err := s.hashPassword(ctx, password, s.cfg.Argon)
	if err != nil {
		return fmt.Errorf("editorial: %s %s: %w", action, name, err)
	}
	if _, err := s.updateUser(ctx, name, func(u *User) error {
		u.PasswordHash = hash
		u.Epoch++
		return nil
	}); err != nil {
		return err
	}
	if err := s.clearThrottle(ctx, name); err != nil {
		return err
	}
	if err := s.revokeTokens(ctx, name); err != nil {
		return err
	}
	return s.record(ctx, a, action, "user/"+name, OutcomeOK, "sessions and API tokens revoked")
}

// ChangePassword changes the actor's own password, given the current one.
// Every session of the user, the current one included, and every API token
// of the user is revoked: the user signs in again. A wrong current password fails with ErrUnauthenticated.
func (s *Service) ChangePassword(ctx context.Context, a Actor, current, password string) error {
	const action = "user.passwd"
	if err := s.authorize(ctx, a, RoleEditor, action, "user/"+a.User); err != nil {
		return err
	}
	object := "user/" + a.User
	// Guessing the current password from a signed-in session is held to
	// the throttles of sign-in, and counts towards them: a stolen session
	// must not become an unlimited password oracle. (Strangers' failures
	// can delay a password change so, never a sign-in from a known device.)
	now := s.now()
	if err := s.held(ctx, a.User, a.Addr, now); err != nil {
		var le *LockedError
		if errors.As(err, &le) {
			return s.deny(ctx, a, action, object, err)
		}
		return err
	}
	u, _, err := s.loadUser(ctx, a.User)
	if err != nil {
		return err
	}
	ok, _, err := s.verifyPassword(ctx, u.PasswordHash, current)
	if err != nil {
		return fmt.Errorf("editorial: change password of %s: %w", a.User, err)
	}
	if !ok {
		s.addrs.fail(a.Addr, now)
		if err := s.countFailure(ctx, a.User); err != nil {
			return err
		}
		return s.deny(ctx, a, action, object, fmt.Errorf("current password: %w", ErrUnauthenticated))
	}
	return s.setPassword(ctx, a, action, a.User, password)
}

// SetDisabled disables or re-enables an account. Administrators only; an
// administrator cannot disable their own account (someone must remain able
// to undo it). Disabling revokes every session and API token of the user;
// enabling again brings none back.
func (s *Service) SetDisabled(ctx context.Context, a Actor, name string, disabled bool) error {
	action := "user.disable"
	if !disabled {
		action = "user.enable"
	}
	object := "user/" + name
	if err := s.authorize(ctx, a, RoleAdmin, action, object); err != nil {
		return err
	}
	if disabled && name == a.User {
		return s.deny(ctx, a, action, object, invalidf("an administrator cannot disable their own account"))
	}
	if disabled {
		if err := s.keepAnAdmin(ctx, name); err != nil {
			return s.deny(ctx, a, action, object, err)
		}
	}
	if _, err := s.updateUser(ctx, name, func(u *User) error {
		if u.Disabled != disabled {
			u.Disabled = disabled
			u.Epoch++
		}
		return nil
	}); err != nil {
		return err
	}
	if disabled {
		if err := s.revokeTokens(ctx, name); err != nil {
			return err
		}
	}
	return s.record(ctx, a, action, object, OutcomeOK, "")
}

// keepAnAdmin refuses, with ErrForbidden, a change that takes the
// administrator's role or the use of their account from name when no other
// enabled administrator would remain: nobody could then manage accounts
// from the editor pages. (Two administrators disabling each other at the
// same moment on two replicas can still both succeed; `gazette user
// enable` at the console is the way back.)
func (s *Service) keepAnAdmin(ctx context.Context, name string) error {
	users, err := s.allUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Name != name && u.Role == RoleAdmin && !u.Disabled {
			return nil
		}
	}
	for _, u := range users {
		if u.Name == name && u.Role == RoleAdmin && !u.Disabled {
			return fmt.Errorf("editorial: %s is the last enabled administrator: %w", name, ErrForbidden)
		}
	}
	return nil
}

// SetRole changes a user's role; it applies to their sessions and API
// tokens from their next request. Administrators only, and not their own
// role (no administrator can be left without a peer to restore it).
func (s *Service) SetRole(ctx context.Context, a Actor, name string, role Role) error {
	const action = "user.role"
	object := "user/" + name
	if err := s.authorize(ctx, a, RoleAdmin, action, object); err != nil {
		return err
	}
	if !role.Valid() {
		return invalidf("role %q: want one of %v", role, Roles)
	}
	if name == a.User {
		return s.deny(ctx, a, action, object, invalidf("an administrator cannot change their own role"))
	}
	if role != RoleAdmin {
		if err := s.keepAnAdmin(ctx, name); err != nil {
			return s.deny(ctx, a, action, object, err)
		}
	}
	if _, err := s.updateUser(ctx, name, func(u *User) error {
		u.Role = role
		return nil
	}); err != nil {
		return err
	}
	return s.record(ctx, a, action, object, OutcomeOK, "role "+string(role))
}

// Users lists every account by name, without password hashes.
// Administrators only.
func (s *Service) Users(ctx context.Context, a Actor) ([]User, error) {
	if err := s.authorize(ctx, a, RoleAdmin, "user.list", ""); err != nil {
		return nil, err
	}
	return s.allUsers(ctx)
}

// User returns one account, without its password hash. Administrators
// only. Errors: gazette.ErrNotFound.
func (s *Service) User(ctx context.Context, a Actor, name string) (*User, error) {
	if err := s.authorize(ctx, a, RoleAdmin, "user.read", "user/"+name); err != nil {
		return nil, err
	}
	u, _, err := s.loadUser(ctx, name)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return u, nil
}

// allUsers lists every account by name, without password hashes.
func (s *Service) allUsers(ctx context.Context) ([]User, error) {
	infos, err := s.blobs.List(ctx, usersPrefix)
	if err != nil {
		return nil, fmt.Errorf("editorial: users: %w", err)
	}
	out := make([]User, 0, len(infos))
	for _, info := range infos {
		name := strings.TrimSuffix(strings.TrimPrefix(info.Key, usersPrefix), ".json")
		u, _, err := s.loadUser(ctx, name)
		if errors.Is(err, gazette.ErrNotFound) {
			continue // deleted meanwhile, or a stray key
		}
		if err != nil {
			return nil, err
		}
		u.PasswordHash = ""
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
