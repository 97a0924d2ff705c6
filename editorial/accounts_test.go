package editorial

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, user, pw string
		ok             bool
	}{
		{"long phrase", "li.ming", "correct horse battery", true},
		{"chinese phrase", "li.ming", "春眠不觉晓处处闻啼鸟夜来风雨声", true},
		{"too short", "li.ming", "short1!", false},
		{"eleven runes", "li.ming", "abcdefghijk", false},
		{"contains name", "li.ming", "my name is LI.MING ok", false},
		{"few distinct", "li.ming", "abababababababab", false},
		{"control char", "li.ming", "correct horse\x00battery", false},
		{"invalid utf8", "li.ming", "correct horse \xff battery", false},
		{"too long", "li.ming", strings.Repeat("abcdefgh", 129), false},
		// Common passwords, long enough for the other rules.
		{"common: 1qaz2wsx3edc", "li.ming", "1qaz2wsx3edc", false},
		{"common: woaini5201314", "li.ming", "woaini5201314", false},
		{"common, other case: Password1234", "li.ming", "Password1234", false},
		{"common: qwertyuiop123", "li.ming", "qwertyuiop123", false},
		{"common: iloveyou1234", "li.ming", "iloveyou1234", false},
		{"common: 1234567890abc", "li.ming", "1234567890abc", false},
		{"common: a1234567890", "li.ming", "a12345678901", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.user, tt.pw)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckPassword(%q) = %v, want ok=%v", tt.pw, err, tt.ok)
			}
			if err != nil && !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestPasswordHash(t *testing.T) {
	f := newFixture(t, newMem(), nil)
	ctx := context.Background()
	phc, err := f.svc.hashPassword(ctx, "correct horse battery", cheapArgon)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q does not carry its parameters", phc)
	}
	again, _ := f.svc.hashPassword(ctx, "correct horse battery", cheapArgon)
	if again == phc {
		t.Error("two hashes of one password are equal: salt not random")
	}
	for _, tt := range []struct {
		name, pw string
		want     bool
	}{{"right", "correct horse battery", true}, {"wrong", "correct horse batterx", false}, {"empty", "", false}} {
		t.Run(tt.name, func(t *testing.T) {
			ok, p, err := f.svc.verifyPassword(ctx, phc, tt.pw)
			if err != nil || ok != tt.want || p != cheapArgon {
				t.Errorf("verify = %v, %v, %v; want %v with %v", ok, p, err, tt.want, cheapArgon)
			}
		})
	}
	for _, bad := range []string{"", "$2a$10$bcrypt", "$argon2id$v=19$m=64,t=1,p=1$", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5"} {
		if _, _, err := f.svc.verifyPassword(ctx, bad, "x"); !errors.Is(err, gazette.ErrInvalid) {
			t.Errorf("verify against %q: %v, want ErrInvalid", bad, err)
		}
	}
}

func newMem() Blobs { return backends()[0].open(nil) }

func TestAccountsAndSessions(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs := be.open(t)
			f := newFixture(t, blobs, nil)
			// A second replica over the same storage sees everything.
			other := newFixture(t, blobs, nil).svc
			sess := f.user(t, "wang.fang", RoleEditor)
			if err := f.svc.AddUser(ctx, f.admin, "wang.fang", RoleChief, goodPassword); !errors.Is(err, gazette.ErrExist) {
				t.Errorf("adding a taken name: %v, want ErrExist", err)
			}
			got, err := other.Authenticate(ctx, sess.Token, "198.51.100.7")
			if err != nil || got.Actor != (Actor{User: "wang.fang", Role: RoleEditor, Addr: "198.51.100.7"}) {
				t.Fatalf("authenticate on another replica: %+v, %v", got, err)
			}
			if !VerifyCSRF(sess.Token, got.CSRF) || VerifyCSRF(sess.Token, CSRFToken(newToken())) || VerifyCSRF(sess.Token, "") {
				t.Error("CSRF token does not verify exactly the session's")
			}
			users, err := f.svc.Users(ctx, f.admin)
			if err != nil || len(users) != 1 || users[0].PasswordHash != "" || users[0].Role != RoleEditor {
				t.Errorf("users = %+v, %v; want one editor without hash", users, err)
			}

			// Sign-in rotates: the previous token is revoked, never promoted.
			again, err := f.svc.SignIn(ctx, "wang.fang", goodPassword, Client{Addr: "192.0.2.1", Session: sess.Token})
			if err != nil || again.Token == sess.Token {
				t.Fatalf("second sign-in: %v (token reused: %v)", err, again != nil && again.Token == sess.Token)
			}
			if _, err := f.svc.Authenticate(ctx, sess.Token, ""); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("token presented at sign-in still valid: %v", err)
			}
			// A token the attacker chose and planted is never stored.
			planted := newToken()
			s3, err := f.svc.SignIn(ctx, "wang.fang", goodPassword, Client{Addr: "192.0.2.1", Session: planted})
			if err != nil || s3.Token == planted {
				t.Fatalf("sign-in with a planted token: %v", err)
			}
			if _, err := f.svc.Authenticate(ctx, planted, ""); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("planted token authenticates: %v", err)
			}

			// Password change by an admin revokes every session.
			if err := f.svc.SetPassword(ctx, f.admin, "wang.fang", "another long passphrase"); err != nil {
				t.Fatal(err)
			}
			for _, tok := range []string{again.Token, s3.Token} {
				if _, err := other.Authenticate(ctx, tok, ""); !errors.Is(err, ErrUnauthenticated) {
					t.Errorf("session survived password change: %v", err)
				}
			}
			if _, err := f.svc.SignIn(ctx, "wang.fang", goodPassword, Client{Addr: "192.0.2.1"}); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("old password still signs in: %v", err)
			}
			s4, err := f.svc.SignIn(ctx, "wang.fang", "another long passphrase", Client{Addr: "192.0.2.1"})
			if err != nil {
				t.Fatal(err)
			}
			// Own password change needs the current one.
			if err := f.svc.ChangePassword(ctx, s4.Actor, "wrong current pass", "yet another passphrase"); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("change with wrong current password: %v", err)
			}
			// Disabling revokes sessions and refuses sign-in, saying nothing more.
			if err := f.svc.SetDisabled(ctx, f.admin, "wang.fang", true); err != nil {
				t.Fatal(err)
			}
			if _, err := other.Authenticate(ctx, s4.Token, ""); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("session survived disable: %v", err)
			}
			if _, err := f.svc.SignIn(ctx, "wang.fang", "another long passphrase", Client{Addr: "192.0.2.1"}); !errors.Is(err, ErrUnauthenticated) || errors.Is(err, ErrLocked) {
				t.Errorf("disabled account signs in: %v", err)
			}
			if err := f.svc.SetDisabled(ctx, f.admin, "wang.fang", false); err != nil {
				t.Fatal(err)
			}
			s5, err := f.svc.SignIn(ctx, "wang.fang", "another long passphrase", Client{Addr: "192.0.2.1"})
			if err != nil {
				t.Fatalf("re-enabled account: %v", err)
			}
			if err := other.SignOut(ctx, s5.Token, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Authenticate(ctx, s5.Token, ""); !errors.Is(err, ErrUnauthenticated) {
				t.Errorf("session survived sign-out: %v", err)
			}
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), func(c *Config) { c.SessionIdle = 30 * time.Minute; c.SessionMax = 2 * time.Hour })
	sess := f.user(t, "chen.jing", RoleEditor)
	for _, tt := range []struct {
		name    string
		advance time.Duration
		ok      bool
	}{
		{"active after 20 min", 20 * time.Minute, true},
		{"idle window slides", 25 * time.Minute, true},
		{"still sliding", 29 * time.Minute, true},
		{"sliding still", 29 * time.Minute, true},
		{"absolute end", 29 * time.Minute, false}, // 2h12m after sign-in
	} {
		f.clock.Add(tt.advance)
		_, err := f.svc.Authenticate(ctx, sess.Token, "")
		if (err == nil) != tt.ok {
			t.Fatalf("%s: %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	idle := f.user(t, "idle.user", RoleEditor)
	if _, err := f.svc.SignIn(ctx, "idle.user", goodPassword, Client{Addr: "192.0.2.1"}); err != nil {
		t.Fatal(err) // a second session, left for PruneSessions
	}
	f.clock.Add(31 * time.Minute)
	if _, err := f.svc.Authenticate(ctx, idle.Token, ""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("idle session: %v", err)
	}
	for _, bad := range []string{"", "x", "../../users/admin", strings.Repeat("A", 43), newToken()} {
		if _, err := f.svc.Authenticate(ctx, bad, ""); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	if n, err := f.svc.PruneSessions(ctx, f.admin); err != nil || n != 1 {
		t.Errorf("prune = %d, %v; want 1 (the unused idle one; the others were dropped on use)", n, err)
	}
}

func TestLockout(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs := be.open(t)
			f := newFixture(t, blobs, func(c *Config) { c.MaxFailures = 5; c.Lockout = 10 * time.Minute; c.AddrMaxFailures = 1000 })
			f.user(t, "zhao.lei", RoleChief)
			replicas := []*Service{f.svc, newFixture(t, blobs, func(c *Config) { c.Now = f.clock.Now; c.AddrMaxFailures = 1000 }).svc}
			// Four failures spread over two replicas, concurrently: each counts.
			var wg sync.WaitGroup
			for i := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := replicas[i%2].SignIn(ctx, "zhao.lei", "wrong password here", Client{Addr: "203.0.113.9"})
					if !errors.Is(err, ErrUnauthenticated) {
						t.Errorf("failure %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			if _, err := f.svc.SignIn(ctx, "zhao.lei", "wrong password again", Client{Addr: "203.0.113.9"}); errors.Is(err, ErrLocked) || !errors.Is(err, ErrUnauthenticated) {
				t.Fatalf("fifth failure: %v, want unauthenticated", err)
			}
			// Locked now: even the right password is refused, saying locked.
			if _, err := f.svc.SignIn(ctx, "zhao.lei", goodPassword, Client{Addr: "203.0.113.10"}); !errors.Is(err, ErrLocked) {
				t.Fatalf("right password while locked: %v, want ErrLocked", err)
			}
			f.clock.Add(11 * time.Minute)
			if _, err := f.svc.SignIn(ctx, "zhao.lei", goodPassword, Client{Addr: "203.0.113.10"}); err != nil {
				t.Fatalf("after the lockout period: %v", err)
			}
		})
	}
}

func TestAddrRateLimit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), func(c *Config) { c.AddrMaxFailures = 3; c.AddrWindow = time.Minute; c.MaxFailures = 100 })
	f.user(t, "sun.li", RoleEditor)
	// Spraying many accounts from one address: the address is refused.
	for i, name := range []string{"nobody", "sun.li", "someone"} {
		if _, err := f.svc.SignIn(ctx, name, "guess guess guess", Client{Addr: "203.0.113.66"}); !errors.Is(err, ErrUnauthenticated) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := f.svc.SignIn(ctx, "sun.li", goodPassword, Client{Addr: "203.0.113.66"}); !errors.Is(err, ErrLocked) {
		t.Errorf("right password from a limited address: %v, want ErrLocked", err)
	}
	if _, err := f.svc.SignIn(ctx, "sun.li", goodPassword, Client{Addr: "203.0.113.67"}); err != nil {
		t.Errorf("another address: %v", err)
	}
	f.clock.Add(time.Minute)
	if _, err := f.svc.SignIn(ctx, "sun.li", goodPassword, Client{Addr: "203.0.113.66"}); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestAPITokens(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	chief := f.user(t, "liu.yang", RoleChief).Actor
	editor := f.user(t, "he.ping", RoleEditor).Actor
	admin := f.user(t, "root.admin", RoleAdmin).Actor
	secret, tok, err := f.svc.CreateToken(ctx, chief, "nightly import", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, APITokenPrefix) || strings.Contains(secret, tok.ID) {
		t.Errorf("token %q, id %q", secret, tok.ID)
	}
	// Only the hash is stored.
	infos, _ := f.blobs.List(ctx, tokensPrefix)
	for _, info := range infos {
		rc, _, _ := f.blobs.Open(ctx, info.Key)
		raw := make([]byte, 4096)
		n, _ := rc.Read(raw)
		rc.Close()
		if strings.Contains(string(raw[:n]), strings.TrimPrefix(secret, APITokenPrefix)) || strings.Contains(info.Key, strings.TrimPrefix(secret, APITokenPrefix)) {
			t.Fatal("the token's secret is in storage")
		}
	}
	a, err := f.svc.AuthenticateToken(ctx, secret, "10.0.0.5")
	if err != nil || a != (Actor{User: "liu.yang", Role: RoleChief, Addr: "10.0.0.5"}) {
		t.Fatalf("authenticate token: %+v, %v", a, err)
	}
	// Scoped to the owner's role: a demotion applies at once.
	if err := f.svc.SetRole(ctx, admin, "liu.yang", RoleEditor); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.svc.AuthenticateToken(ctx, secret, ""); a.Role != RoleEditor {
		t.Errorf("after demotion the token acts as %q", a.Role)
	}
	if err := f.svc.RevokeToken(ctx, editor, tok.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("another editor revoking: %v, want ErrForbidden", err)
	}
	if list, _ := f.svc.Tokens(ctx, editor); len(list) != 0 {
		t.Errorf("an editor sees others' tokens: %+v", list)
	}
	if list, _ := f.svc.Tokens(ctx, admin); len(list) != 1 {
		t.Errorf("admin sees %d tokens, want 1", len(list))
	}
	short, _, err := f.svc.CreateToken(ctx, editor, "short", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Add(2 * time.Hour)
	if _, err := f.svc.AuthenticateToken(ctx, short, ""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("expired token: %v", err)
	}
	if err := f.svc.SetDisabled(ctx, admin, "liu.yang", true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateToken(ctx, secret, ""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("token of a disabled user: %v", err)
	}
	// Disabling revoked it: it is gone.
	if err := f.svc.RevokeToken(ctx, admin, tok.ID); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("revoking a token of a disabled user: %v, want ErrNotFound", err)
	}
	if err := f.svc.SetDisabled(ctx, admin, "liu.yang", false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AuthenticateToken(ctx, secret, ""); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("revoked token: %v", err)
	}
	for _, bad := range []string{"", "gzt_", "gzt_" + newToken() + "x", newToken()} {
		if _, err := f.svc.AuthenticateToken(ctx, bad, ""); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("token %q: %v", bad, err)
		}
	}
}

// BenchmarkArgon2Default measures one hash with DefaultArgon2, the cost of
// every sign-in: go test -run '^$' -bench Argon2 ./editorial
func BenchmarkArgon2Default(b *testing.B) {
	s, err := New(Config{Blobs: newMem()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.hashPassword(context.Background(), "correct horse battery", DefaultArgon2); err != nil {
			b.Fatal(err)
		}
	}
}

// unanswered is storage whose reads of user records fail as a storage
// that does not answer does.
type unanswered struct {
	Blobs
	users bool
}

func (u *unanswered) Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	if u.users && strings.HasPrefix(key, usersPrefix) {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("read %s: %w", key, gazette.ErrStorageUnavailable)
	}
	return u.Blobs.Open(ctx, key)
}

// TestPruneSessionsKeepsThemOnAHiccup: a user record that cannot be read
// for a moment is no user gone; pruning then fails and loses no session.
func TestPruneSessionsKeepsThemOnAHiccup(t *testing.T) {
	ctx := context.Background()
	blobs := &unanswered{Blobs: archivetest.NewMemBlobs()}
	f := newFixture(t, blobs, nil)
	sess := f.user(t, "busy.editor", RoleEditor)
	blobs.users = true
	if n, err := f.svc.PruneSessions(ctx, Maintenance()); !errors.Is(err, gazette.ErrStorageUnavailable) || n != 0 {
		t.Errorf("prune during a hiccup = %d, %v; want 0 and the storage's error", n, err)
	}
	blobs.users = false
	if _, err := f.svc.Authenticate(ctx, sess.Token, ""); err != nil {
		t.Errorf("the session was lost to a storage hiccup: %v", err)
	}
	if n, err := f.svc.PruneSessions(ctx, Maintenance()); err != nil || n != 0 {
		t.Errorf("prune after = %d, %v; want 0 (the session is live)", n, err)
	}
}
