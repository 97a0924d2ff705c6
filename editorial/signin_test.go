package editorial

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// hashWatch records what the service hashes.
type hashWatch struct {
	mu    sync.Mutex
	calls []hashCall
}

type hashCall struct {
	inputLen int
	params   Argon2Params
}

func (w *hashWatch) install(s *Service) {
	idKey := s.idKey
	s.idKey = func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		w.mu.Lock()
		w.calls = append(w.calls, hashCall{len(password), Argon2Params{Memory: memory, Time: time, Threads: threads}})
		w.mu.Unlock()
		return idKey(password, salt, time, memory, threads, keyLen)
	}
}

func (w *hashWatch) take() []hashCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.calls
	w.calls = nil
	return c
}

// TestSignInAlikeForKnownAndUnknownNames checks that a sign-in does the
// same work and gives the same answer whether the name is an account or
// not: one hash of the same cost over at most MaxPasswordBytes, whatever
// the password's length, and the same throttling after the same failures.
func TestSignInAlikeForKnownAndUnknownNames(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), func(c *Config) { c.AddrMaxFailures = 1000 })
	f.user(t, "zhou.min", RoleEditor)
	f.user(t, "off.user", RoleEditor)
	if err := f.svc.SetDisabled(ctx, f.admin, "off.user", true); err != nil {
		t.Fatal(err)
	}
	w := &hashWatch{}
	w.install(f.svc)
	long := strings.Repeat("x", 100_000)
	cases := []struct{ name, user, password string }{
		{"known name, wrong password", "zhou.min", "wrong password here"},
		{"known name, oversized password", "zhou.min", long},
		{"unknown name", "no.such.user", "wrong password here"},
		{"unknown name, oversized password", "no.such.user", long},
		{"malformed name", "Robert'); DROP", "wrong password here"},
		{"malformed name, oversized password", strings.Repeat("名", 500), long},
		{"disabled account, right password", "off.user", goodPassword},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.clock.Add(time.Hour) // no throttling from the cases before
			_, err := f.svc.SignIn(ctx, tc.user, tc.password, Client{Addr: fmt.Sprintf("203.0.113.%d", i+1)})
			if !errors.Is(err, ErrUnauthenticated) || errors.Is(err, ErrLocked) {
				t.Errorf("sign-in: %v, want ErrUnauthenticated", err)
			}
			calls := w.take()
			if len(calls) != 1 {
				t.Fatalf("%d hashes, want 1: %+v", len(calls), calls)
			}
			if calls[0].params != cheapArgon || calls[0].inputLen > MaxPasswordBytes {
				t.Errorf("hashed %d bytes with %v, want at most %d with %v", calls[0].inputLen, calls[0].params, MaxPasswordBytes, cheapArgon)
			}
		})
	}
	// The same failures throttle a name whether it is an account or not.
	f.clock.Add(48 * time.Hour)
	for _, name := range []string{"zhou.min", "no.such.user"} {
		t.Run("throttle "+name, func(t *testing.T) {
			for i := range DefaultMaxFailures {
				if _, err := f.svc.SignIn(ctx, name, "wrong password here", Client{Addr: "198.51.100.1"}); !errors.Is(err, ErrUnauthenticated) {
					t.Fatalf("failure %d: %v", i+1, err)
				}
			}
			_, err := f.svc.SignIn(ctx, name, goodPassword, Client{Addr: "198.51.100.2"})
			if !errors.Is(err, ErrLocked) {
				t.Errorf("after %d failures: %v, want ErrLocked", DefaultMaxFailures, err)
			}
		})
	}
}

// TestThrottleSparesKnownDevices has a stranger guess an editor's password
// from two replicas: the name is throttled, with a growing wait, for the
// stranger even with the right password, while the editor's browser, which
// signed in before, still signs in, from the stranger's own address too,
// until it fails too often itself.
func TestThrottleSparesKnownDevices(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs := be.open(t)
			tune := func(c *Config) { c.MaxFailures = 5; c.Lockout = 10 * time.Minute; c.AddrMaxFailures = 8 }
			f := newFixture(t, blobs, tune)
			other := newFixture(t, blobs, func(c *Config) { tune(c); c.Now = f.clock.Now })
			replicas := []*Service{f.svc, other.svc}
			editor := f.user(t, "zhao.lei", RoleChief)
			if editor.Device == "" || !editor.DeviceExpires.After(f.clock.Now()) {
				t.Fatalf("sign-in gave no device token: %+v", editor)
			}
			const stranger = "203.0.113.9"
			var wg sync.WaitGroup
			for i := range 5 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := replicas[i%2].SignIn(ctx, "zhao.lei", "wrong password here", Client{Addr: stranger}); !errors.Is(err, ErrUnauthenticated) {
						t.Errorf("failure %d: %v", i+1, err)
					}
				}()
			}
			wg.Wait()
			retry := func(svc *Service, from Client) time.Duration {
				t.Helper()
				_, err := svc.SignIn(ctx, "zhao.lei", goodPassword, from)
				var le *LockedError
				if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || le.RetryAfter <= 0 {
					t.Fatalf("right password from %+v: %v, want a *LockedError", from, err)
				}
				return le.RetryAfter
			}
			first := retry(other.svc, Client{Addr: "198.51.100.20"})
			// The editor's browser is not held, from anywhere, and its
			// success leaves the stranger's count as it was.
			for _, addr := range []string{"198.51.100.7", stranger} {
				sess, err := replicas[1].SignIn(ctx, "zhao.lei", goodPassword, Client{Addr: addr, Device: editor.Device})
				if err != nil {
					t.Fatalf("the editor's device from %s: %v", addr, err)
				}
				if sess.Device != editor.Device {
					t.Errorf("the device token changed: %q, was %q", sess.Device, editor.Device)
				}
			}
			if again := retry(f.svc, Client{Addr: "198.51.100.21"}); again != first {
				t.Errorf("after the editor signed in the stranger waits %v, was %v", again, first)
			}
			// A device of another account, or a made-up one, is a stranger.
			for _, dev := range []string{f.user(t, "qian.li", RoleEditor).Device, newToken(), "x"} {
				retry(f.svc, Client{Addr: "198.51.100.22", Device: dev})
			}
			// Each failure after the free ones doubles the wait.
			f.clock.Add(first)
			if _, err := f.svc.SignIn(ctx, "zhao.lei", "wrong again, still", Client{Addr: stranger}); !errors.Is(err, ErrUnauthenticated) {
				t.Fatalf("after the wait: %v", err)
			}
			if next := retry(f.svc, Client{Addr: "198.51.100.23"}); next != 2*first {
				t.Errorf("wait after one more failure %v, want %v", next, 2*first)
			}
			// The stranger's address has failed 4 times on this replica (3
			// of the first 5, then 1) of its 8 free ones; four more and it is
			// held whatever name it tries.
			for range 4 {
				f.clock.Add(time.Hour)
				f.svc.SignIn(ctx, "no.such.user", "guess guess guess", Client{Addr: stranger})
			}
			if _, err := f.svc.SignIn(ctx, "qian.li", goodPassword, Client{Addr: stranger}); !errors.Is(err, ErrLocked) {
				t.Errorf("another name from the held address: %v, want ErrLocked", err)
			}
			// The device's own failures make it a stranger after
			// DefaultDeviceMaxFailures.
			for i := range DefaultDeviceMaxFailures {
				if _, err := f.svc.SignIn(ctx, "zhao.lei", "typo typo typo", Client{Addr: "198.51.100.7", Device: editor.Device}); !errors.Is(err, ErrUnauthenticated) {
					t.Fatalf("device failure %d: %v", i+1, err)
				}
			}
			retry(f.svc, Client{Addr: "198.51.100.7", Device: editor.Device})
			// The wait never passes Lockout; once over, the right password
			// from anywhere ends the count.
			f.clock.Add(10 * time.Minute)
			sess, err := f.svc.SignIn(ctx, "zhao.lei", goodPassword, Client{Addr: "198.51.100.7", Device: editor.Device})
			if err != nil {
				t.Fatalf("after Lockout: %v", err)
			}
			if sess.Device == "" || sess.Device == editor.Device {
				t.Errorf("the forgotten device was not replaced: %q", sess.Device)
			}
			if _, err := f.svc.SignIn(ctx, "zhao.lei", goodPassword, Client{Addr: "198.51.100.30"}); err != nil {
				t.Errorf("after a right password the count goes on: %v", err)
			}
		})
	}
}

// TestPruneThrottling checks that pruning forgets unused devices and old
// failure counts, and keeps the rest.
func TestPruneThrottling(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), nil)
	f.user(t, "old.hand", RoleEditor)
	f.svc.SignIn(ctx, "old.hand", "wrong password here", Client{Addr: "192.0.2.9"})
	f.svc.SignIn(ctx, "no.body", "wrong password here", Client{Addr: "192.0.2.9"})
	f.clock.Add(DefaultDeviceIdle)
	fresh := f.user(t, "new.hand", RoleEditor)
	f.svc.SignIn(ctx, "no.body.else", "wrong password here", Client{Addr: "192.0.2.9"})
	count := func(prefix string) int {
		infos, err := f.blobs.List(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		return len(infos)
	}
	if d, th := count(devicesPrefix), count(throttlePrefix); d != 2 || th != 3 {
		t.Fatalf("%d devices and %d counts stored, want 2 and 3", d, th)
	}
	if _, err := f.svc.PruneSessions(ctx, f.admin); err != nil {
		t.Fatal(err)
	}
	if d, th := count(devicesPrefix), count(throttlePrefix); d != 1 || th != 1 {
		t.Errorf("after pruning %d devices and %d counts, want 1 and 1", d, th)
	}
	if _, err := f.svc.SignIn(ctx, "new.hand", goodPassword, Client{Device: fresh.Device}); err != nil {
		t.Errorf("the fresh device after pruning: %v", err)
	}
}

// TestTokensEndWithPasswordOrDisable checks that an API token stops
// working when its owner's password changes, by themselves or by an
// administrator, and when the owner is disabled, also after the account is
// enabled again; tokens made afterwards work.
func TestTokensEndWithPasswordOrDisable(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			blobs := be.open(t)
			f := newFixture(t, blobs, nil)
			other := newFixture(t, blobs, func(c *Config) { c.Now = f.clock.Now }).svc // a second replica
			me := f.user(t, "lin.tao", RoleEditor).Actor
			token := func() string {
				t.Helper()
				tk, _, err := f.svc.CreateToken(ctx, me, "nightly", 0)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := other.AuthenticateToken(ctx, tk, ""); err != nil {
					t.Fatalf("a new token: %v", err)
				}
				return tk
			}
			dead := func(what, tk string) {
				t.Helper()
				if _, err := other.AuthenticateToken(ctx, tk, ""); !errors.Is(err, ErrUnauthenticated) {
					t.Errorf("token after %s: %v, want ErrUnauthenticated", what, err)
				}
			}
			tk := token()
			if err := f.svc.ChangePassword(ctx, me, goodPassword, "a new long passphrase"); err != nil {
				t.Fatal(err)
			}
			dead("the owner changed the password", tk)
			tk = token()
			if err := f.svc.SetPassword(ctx, f.admin, "lin.tao", "another long passphrase"); err != nil {
				t.Fatal(err)
			}
			dead("an administrator set the password", tk)
			tk = token()
			if err := f.svc.SetDisabled(ctx, f.admin, "lin.tao", true); err != nil {
				t.Fatal(err)
			}
			dead("the owner was disabled", tk)
			if err := f.svc.SetDisabled(ctx, f.admin, "lin.tao", false); err != nil {
				t.Fatal(err)
			}
			dead("the owner was disabled and enabled again", tk)
			token()
			if list, err := f.svc.Tokens(ctx, me); err != nil || len(list) != 1 {
				t.Errorf("the owner's tokens: %d, %v; want the one made last", len(list), err)
			}
		})
	}
}

// TestUploadUnreadablePDF has the pipeline fail on an upload as it does on
// a damaged PDF: the upload is refused as invalid (the editor's to fix),
// and nothing of the draft changes; a pipeline stopped by the caller's
// context is not the file's fault.
func TestUploadUnreadablePDF(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, newMem(), func(c *Config) {
		c.Split = func(ctx context.Context, path string) (*report.Result, error) {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("extract: %s: %w", path, ctx.Err())
			}
			return nil, fmt.Errorf("extract: %s: worker: pdftext: decode failed after 0 pages: malformed PDF", path)
		}
	})
	a := f.user(t, "wu.hua", RoleEditor).Actor
	d, err := f.svc.CreateDraft(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.UploadPDF(ctx, a, d.ID, d.ETag, strings.NewReader(string(testPDF)))
	if !errors.Is(err, ErrUnreadablePDF) || !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("upload of a PDF the pipeline cannot read: %v, want ErrUnreadablePDF", err)
	}
	if now, err := f.svc.Draft(ctx, a, d.ID); err != nil || now.ETag != d.ETag {
		t.Errorf("the draft changed: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := f.svc.UploadPDF(cctx, a, d.ID, d.ETag, strings.NewReader(string(testPDF))); err == nil || errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("upload with the context ended: %v, want an error that is not ErrInvalid", err)
	}
}
