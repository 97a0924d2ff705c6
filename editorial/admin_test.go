package editorial

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// TestUserManagement runs the administrator's operations on accounts and
// the escalations and lock-outs they must refuse.
func TestUserManagement(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	admin := f.user(t, "admin.a", RoleAdmin).Actor
	editor := f.user(t, "editor.e", RoleEditor).Actor

	if err := f.svc.AddUser(ctx, admin, "chief.c", RoleChief, goodPassword); err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.User(ctx, admin, "chief.c")
	if err != nil || u.Role != RoleChief || u.Disabled || !u.LastSignIn.IsZero() || u.PasswordHash != "" {
		t.Fatalf("new user %+v, %v", u, err)
	}
	f.clock.Add(time.Minute)
	sess, err := f.svc.SignIn(ctx, "chief.c", goodPassword, Client{Addr: "192.0.2.5"})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := f.svc.User(ctx, admin, "chief.c"); !u.LastSignIn.Equal(f.clock.Now()) {
		t.Errorf("last sign-in %v, want %v", u.LastSignIn, f.clock.Now())
	}
	if _, err := f.svc.User(ctx, admin, "no.such"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}

	// Role changes apply to live sessions from their next request.
	if err := f.svc.SetRole(ctx, admin, "chief.c", RoleEditor); err != nil {
		t.Fatal(err)
	}
	if got, err := f.svc.Authenticate(ctx, sess.Token, "192.0.2.5"); err != nil || got.Actor.Role != RoleEditor {
		t.Errorf("session after demotion: %+v %v", got, err)
	}
	// A reset password revokes the sessions; disabling refuses sign-in.
	if err := f.svc.SetPassword(ctx, admin, "chief.c", "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(ctx, sess.Token, "192.0.2.5"); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("session after password reset: %v", err)
	}
	if err := f.svc.SetDisabled(ctx, admin, "chief.c", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignIn(ctx, "chief.c", "a brand new passphrase", Client{Addr: "192.0.2.5"}); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("disabled account signs in: %v", err)
	}
	if err := f.svc.SetDisabled(ctx, admin, "chief.c", false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignIn(ctx, "chief.c", "a brand new passphrase", Client{Addr: "192.0.2.5"}); err != nil {
		t.Errorf("re-enabled account: %v", err)
	}

	refused := []struct {
		name string
		call func() error
		want error
	}{
		{"editor makes themselves admin", func() error { return f.svc.SetRole(ctx, editor, "editor.e", RoleAdmin) }, ErrForbidden},
		{"editor adds an admin", func() error { return f.svc.AddUser(ctx, editor, "evil.admin", RoleAdmin, goodPassword) }, ErrForbidden},
		{"editor resets an admin's password", func() error { return f.svc.SetPassword(ctx, editor, "admin.a", goodPassword) }, ErrForbidden},
		{"forged role", func() error {
			return f.svc.SetRole(ctx, Actor{User: "editor.e", Role: "root"}, "editor.e", RoleAdmin)
		}, ErrForbidden},
		{"admin demotes themselves", func() error { return f.svc.SetRole(ctx, admin, "admin.a", RoleEditor) }, gazette.ErrInvalid},
		{"admin disables themselves", func() error { return f.svc.SetDisabled(ctx, admin, "admin.a", true) }, gazette.ErrInvalid},
		{"admin resets their own password", func() error { return f.svc.SetPassword(ctx, admin, "admin.a", "another passphrase!") }, gazette.ErrInvalid},
		{"console disables the last admin", func() error { return f.svc.SetDisabled(ctx, f.admin, "admin.a", true) }, ErrForbidden},
		{"console demotes the last admin", func() error { return f.svc.SetRole(ctx, f.admin, "admin.a", RoleChief) }, ErrForbidden},
		{"unknown role", func() error { return f.svc.SetRole(ctx, admin, "editor.e", "owner") }, gazette.ErrInvalid},
		{"weak initial password", func() error { return f.svc.AddUser(ctx, admin, "weak.one", RoleEditor, "short") }, gazette.ErrInvalid},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, c.want) {
				t.Errorf("= %v, want %v", err, c.want)
			}
		})
	}
	users, err := f.svc.Users(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]Role{}
	for _, u := range users {
		if u.Disabled {
			t.Errorf("%s was left disabled", u.Name)
		}
		roles[u.Name] = u.Role
	}
	if len(roles) != 3 || roles["admin.a"] != RoleAdmin || roles["editor.e"] != RoleEditor || roles["chief.c"] != RoleEditor {
		t.Errorf("after the refusals: %v", roles)
	}
	// With a second administrator, the first may be demoted or disabled.
	if err := f.svc.AddUser(ctx, admin, "admin.b", RoleAdmin, goodPassword); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetDisabled(ctx, f.admin, "admin.a", true); err != nil {
		t.Errorf("disabling one of two admins: %v", err)
	}
	b := Actor{User: "admin.b", Role: RoleAdmin}
	if err := f.svc.SetRole(ctx, b, "admin.a", RoleEditor); err != nil {
		t.Errorf("demoting a disabled admin: %v", err)
	}
	if err := f.svc.SetDisabled(ctx, f.admin, "admin.b", true); !errors.Is(err, ErrForbidden) {
		t.Errorf("disabling the remaining admin: %v", err)
	}
}

// TestChangePasswordLockout guesses the current password from a signed-in
// session: the guesses count towards the account's sign-in lockout, and
// while locked even the right password changes nothing.
func TestChangePasswordLockout(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), func(c *Config) { c.MaxFailures = 3; c.Lockout = 10 * time.Minute; c.AddrMaxFailures = 1000 })
	a := f.user(t, "qian.yu", RoleEditor).Actor
	for i := range 3 {
		if err := f.svc.ChangePassword(ctx, a, "guess number "+string(rune('a'+i)), "a fresh passphrase"); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if err := f.svc.ChangePassword(ctx, a, goodPassword, "a fresh passphrase"); !errors.Is(err, ErrLocked) {
		t.Fatalf("right password after 3 wrong ones: %v, want ErrLocked", err)
	}
	if _, err := f.svc.SignIn(ctx, "qian.yu", goodPassword, Client{Addr: "192.0.2.9"}); !errors.Is(err, ErrLocked) {
		t.Errorf("sign-in while locked by password guesses: %v, want ErrLocked", err)
	}
	f.clock.Add(11 * time.Minute)
	if err := f.svc.ChangePassword(ctx, a, goodPassword, "a fresh passphrase"); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}

	// The address limit applies too, across accounts.
	g := newFixture(t, newMem(), func(c *Config) { c.MaxFailures = 100; c.AddrMaxFailures = 2; c.AddrWindow = time.Minute })
	b := g.user(t, "zhou.bo", RoleEditor).Actor
	b.Addr = "203.0.113.50"
	for range 2 {
		if err := g.svc.ChangePassword(ctx, b, "wrong wrong wrong", "a fresh passphrase"); !errors.Is(err, ErrUnauthenticated) {
			t.Fatal(err)
		}
	}
	if err := g.svc.ChangePassword(ctx, b, goodPassword, "a fresh passphrase"); !errors.Is(err, ErrLocked) {
		t.Errorf("from a limited address: %v, want ErrLocked", err)
	}
}

// TestRescheduleUnschedule moves and withdraws a scheduled draft: chief
// editors only, scheduled drafts only, never once publication has begun or
// is done, and always in step with the archive.
func TestRescheduleUnschedule(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	author := f.user(t, "editor.r", RoleEditor).Actor
	chief := f.user(t, "chief.r", RoleChief).Actor
	d := prepared(t, f, author)
	if _, err := f.svc.Reschedule(ctx, chief, d.ID, d.ETag, d.Issue.Published.Add(time.Hour)); !errors.Is(err, ErrState) {
		t.Errorf("rescheduling a draft never scheduled: %v", err)
	}
	d, _ = f.svc.Submit(ctx, author, d.ID, d.ETag)
	d, _ = f.svc.Approve(ctx, chief, d.ID, d.ETag)
	d, err := f.svc.Schedule(ctx, author, d.ID, d.ETag)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Reschedule(ctx, author, d.ID, d.ETag, d.Issue.Published.Add(time.Hour)); !errors.Is(err, ErrForbidden) {
		t.Errorf("editor reschedules: %v", err)
	}
	if _, err := f.svc.Reschedule(ctx, chief, d.ID, d.ETag, f.clock.Now().Add(-time.Minute)); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("rescheduling into the past: %v", err)
	}
	if _, err := f.svc.Reschedule(ctx, chief, d.ID, "stale", d.Issue.Published.Add(time.Hour)); !errors.Is(err, gazette.ErrConflict) {
		t.Errorf("rescheduling a stale draft: %v", err)
	}
	later := d.Issue.Published.Add(26 * time.Hour)
	if d, err = f.svc.Reschedule(ctx, chief, d.ID, d.ETag, later); err != nil {
		t.Fatal(err)
	}
	if !d.Issue.Published.Equal(later) || d.State != StateScheduled || !f.arch.scheduled[0].Published.Equal(later) {
		t.Errorf("after reschedule: draft %v %s, archive %v", d.Issue.Published, d.State, f.arch.scheduled[0].Published)
	}
	f.arch.publishing = true
	if _, err := f.svc.Unschedule(ctx, chief, d.ID, d.ETag); !errors.Is(err, ErrState) {
		t.Errorf("unscheduling while being published: %v", err)
	}
	f.arch.publishing = false
	if d, err = f.svc.Unschedule(ctx, chief, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	if d.State != StateApproved || len(f.arch.scheduled) != 0 {
		t.Errorf("after unschedule: %s, archive still holds %v", d.State, f.arch.scheduled)
	}
	// A draft marked scheduled whose hand-over to the archive never
	// completed can be withdrawn too.
	if d, err = f.svc.Schedule(ctx, author, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	f.arch.scheduled = nil
	if d, err = f.svc.Unschedule(ctx, chief, d.ID, d.ETag); err != nil || d.State != StateApproved {
		t.Fatalf("withdrawing a draft the archive never got: %v, %v", d, err)
	}
	// Scheduled again, then published: neither can touch it any more.
	if d, err = f.svc.Schedule(ctx, author, d.ID, d.ETag); err != nil {
		t.Fatal(err)
	}
	f.arch.scheduled = nil
	f.arch.public[d.Issue.IssueKey] = true
	if _, err := f.svc.Reschedule(ctx, chief, d.ID, d.ETag, later.Add(time.Hour)); !errors.Is(err, ErrState) {
		t.Errorf("rescheduling a published issue: %v", err)
	}
	if _, err := f.svc.Unschedule(ctx, chief, d.ID, d.ETag); !errors.Is(err, ErrState) {
		t.Errorf("unscheduling a published issue: %v", err)
	}
	entries, err := f.svc.Audit(ctx, f.admin, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, e := range entries {
		if e.Action == "draft.reschedule" || e.Action == "draft.unschedule" {
			counts[e.Action+":"+e.Outcome]++
		}
	}
	if counts["draft.reschedule:ok"] != 1 || counts["draft.unschedule:ok"] != 2 || counts["draft.reschedule:denied"] < 2 || counts["draft.unschedule:denied"] < 2 {
		t.Errorf("audit: %v", counts)
	}
}
