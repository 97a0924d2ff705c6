package editorial

import (
	"fmt"
	"slices"
)

// Role is what an account may do. Roles are ordered: each includes the
// rights of those before it.
type Role string

// The roles, from least to most privileged.
const (
	// RoleEditor drafts issues, uploads and edits them, submits them and
	// schedules approved ones.
	RoleEditor Role = "editor"
	// RoleChief (chief editor, 主编) also approves or rejects drafts by
	// others.
	RoleChief Role = "chief"
	// RoleAdmin also manages accounts and reads the audit log.
	RoleAdmin Role = "admin"
)

// Roles lists every role, from least to most privileged.
var Roles = []Role{RoleEditor, RoleChief, RoleAdmin}

// ParseRole accepts a role's name. The error wraps gazette.ErrInvalid.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", invalidf("role %q: want one of %v", s, Roles)
	}
	return r, nil
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// rank orders roles; an invalid role ranks below all.
func (r Role) rank() int { return slices.Index(Roles, r) }

// Includes reports whether r has every right of o.
func (r Role) Includes(o Role) bool { return r.Valid() && r.rank() >= o.rank() }

// Actor is who performs an action: the user, the role they act with and the
// client address they act from. It is made by SignIn, Authenticate,
// AuthenticateToken or CommandLine; the service trusts it, so callers must
// never build one from request input.
type Actor struct {
	User string `json:"user"`
	Role Role   `json:"role"`
	Addr string `json:"addr"`
}

// CommandLine is the actor of the operator running `gazette user` at the
// console: an administrator, since whoever can run the binary against the
// storage already holds its credentials. osUser names them in the audit log.
func CommandLine(osUser string) Actor {
	if osUser == "" {
		osUser = "unknown"
	}
	return Actor{User: "(command line)", Role: RoleAdmin, Addr: "console:" + osUser}
}

// Maintenance is the actor of a server's own periodic upkeep (pruning dead
// sessions): an administrator, named as such in the audit log.
func Maintenance() Actor {
	return Actor{User: "(maintenance)", Role: RoleAdmin, Addr: "server"}
}

// require checks that a may act as role; the refusal is audited by the
// caller's deny.
func (a Actor) require(role Role, action string) error {
	if a.User == "" {
		return fmt.Errorf("%s: %w", action, ErrUnauthenticated)
	}
	if !a.Role.Includes(role) {
		return fmt.Errorf("%s needs the %s role, %s has %q: %w", action, role, a.User, a.Role, ErrForbidden)
	}
	return nil
}
