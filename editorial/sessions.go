package editorial

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Session is a signed-in browser session as the caller sees it.
type Session struct {
	// Token is the secret for the session cookie; SignIn sets it, and
	// Authenticate echoes the token it was given.
	Token string
	// CSRF is the anti-forgery token for the session's forms; see VerifyCSRF.
	CSRF  string
	Actor Actor
	// Expires is when the session ends unless used again (idle timeout),
	// never later than its absolute end.
	Expires time.Time
}

// session is the stored record, under the SHA-256 of its token: whoever
// reads the storage cannot sign in with what they read.
type session struct {
	User     string    `json:"user"`
	Epoch    int       `json:"epoch"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
	End      time.Time `json:"end"` // absolute expiry
	Addr     string    `json:"addr,omitempty"`
}

// tokenBytes is the entropy of session and API tokens: 256 bits.
const tokenBytes = 32

var tokenEnc = base64.RawURLEncoding

func newToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return tokenEnc.EncodeToString(b)
}

// tokenHash is the hex SHA-256 of a well-formed token, or "" for anything
// else (so hostile strings never reach a storage key).
func tokenHash(token string) string {
	raw, err := tokenEnc.DecodeString(token)
	if err != nil || len(raw) != tokenBytes {
		return ""
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func sessionKey(hash string) string { return sessionsPrefix + hash + ".json" }

// CSRFToken returns the anti-forgery token of a session: an HMAC keyed with
// the session token itself, which only the session's own client and the
// server ever hold, so no server secret has to be shared between replicas.
func CSRFToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("gazette editorial csrf v1"))
	return tokenEnc.EncodeToString(m.Sum(nil))
}

// VerifyCSRF reports, in constant time, whether csrf is the anti-forgery
// token of the session.
func VerifyCSRF(sessionToken, csrf string) bool {
	if sessionToken == "" || csrf == "" {
		return false
	}
	return hmac.Equal([]byte(CSRFToken(sessionToken)), []byte(csrf))
}

// lockout counts an account's consecutive failed sign-ins.
type lockout struct {
	Failures    int       `json:"failures"`
	LastFailure time.Time `json:"last_failure"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// SignIn checks a user's password and opens a new session. previous is the
// session token the client presented, if any: it is revoked and never
// promoted (no session fixation); the new session has a fresh token.
//
// A wrong name, a wrong password and a disabled account all fail alike with
// ErrUnauthenticated. After Config.MaxFailures consecutive failures the
// account is locked for Config.Lockout, and after Config.AddrMaxFailures
// failures from addr within Config.AddrWindow that address is refused:
// either way SignIn fails with ErrLocked without looking at the password.
func (s *Service) SignIn(ctx context.Context, name, password, addr, previous string) (*Session, error) {
	const action = "session.signin"
	a := Actor{User: clip(name, 100), Addr: addr}
	object := "user/" + a.User
	if previous != "" {
		if err := s.deleteSession(ctx, previous); err != nil {
			return nil, err
		}
	}
	now := s.now()
	if !s.addrs.allowed(addr, now, s.cfg.AddrMaxFailures, s.cfg.AddrWindow) {
		return nil, s.deny(ctx, a, action, object, fmt.Errorf("client address %s: %w", addr, ErrLocked))
	}
	if CheckUserName(name) != nil {
		s.addrs.fail(addr, now, s.cfg.AddrWindow)
		return nil, s.failSignIn(ctx, a, "no such user", ErrUnauthenticated)
	}
	if until, err := s.lockedUntil(ctx, name); err != nil {
		return nil, err
	} else if now.Before(until) {
		return nil, s.deny(ctx, a, action, object, fmt.Errorf("account %s until %s: %w", name, until.Format(time.RFC3339), ErrLocked))
	}
	u, _, err := s.loadUser(ctx, name)
	if errors.Is(err, gazette.ErrNotFound) {
		// Hash anyway, so timing does not tell which names exist.
		_, _ = s.hashPassword(ctx, password, s.cfg.Argon)
		s.addrs.fail(addr, now, s.cfg.AddrWindow)
		return nil, s.failSignIn(ctx, a, "no such user", ErrUnauthenticated)
	}
	if err != nil {
		return nil, err
	}
	ok, params, err := s.verifyPassword(ctx, u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("editorial: sign in %s: %w", name, err)
	}
	if !ok || u.Disabled {
		s.addrs.fail(addr, now, s.cfg.AddrWindow)
		why := "wrong password"
		if ok {
			why = "account disabled"
		}
		if err := s.countFailure(ctx, name); err != nil {
			return nil, err
		}
		return nil, s.failSignIn(ctx, a, why, ErrUnauthenticated)
	}
	if err := s.clearLockout(ctx, name); err != nil {
		return nil, err
	}
	s.noteSignIn(ctx, name, password, params != s.cfg.Argon, now)
	token := newToken()
	rec := session{User: name, Epoch: u.Epoch, Created: now.UTC(), LastSeen: now.UTC(), End: now.Add(s.cfg.SessionMax).UTC(), Addr: addr}
	if _, err := s.putJSON(ctx, sessionKey(tokenHash(token)), rec, gazette.PutOptions{IfAbsent: true}); err != nil {
		return nil, fmt.Errorf("editorial: sign in %s: store session: %w", name, err)
	}
	a.Role = u.Role
	if err := s.record(ctx, a, action, object, OutcomeOK, ""); err != nil {
		return nil, err
	}
	return &Session{Token: token, CSRF: CSRFToken(token), Actor: a, Expires: s.sessionExpiry(rec)}, nil
}

// lockedUntil is when the account's lockout ends; zero when it has none.
func (s *Service) lockedUntil(ctx context.Context, name string) (time.Time, error) {
	var lo lockout
	if _, err := s.getJSON(ctx, lockoutKey(name), &lo); err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return time.Time{}, fmt.Errorf("editorial: lockout of %s: %w", name, err)
	}
	return lo.LockedUntil, nil
}

// failSignIn audits a failed sign-in; the reason goes to the log, never to
// the caller.
func (s *Service) failSignIn(ctx context.Context, a Actor, why string, err error) error {
	if rerr := s.record(ctx, a, "session.signin", "user/"+a.User, OutcomeFailed, why); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

// countFailure adds one failure to the account's count (a conditional
// write, so failures on several replicas all count) and locks it at the
// limit. Failures older than the lockout period no longer count.
func (s *Service) countFailure(ctx context.Context, name string) error {
	key := lockoutKey(name)
	for attempt := 0; ; attempt++ {
		var lo lockout
		etag, err := s.getJSON(ctx, key, &lo)
		opts := gazette.PutOptions{IfMatch: etag}
		if errors.Is(err, gazette.ErrNotFound) {
			opts = gazette.PutOptions{IfAbsent: true}
		} else if err != nil {
			return fmt.Errorf("editorial: count failed sign-in of %s: %w", name, err)
		}
		now := s.now().UTC()
		if now.Sub(lo.LastFailure) > s.cfg.Lockout {
			lo.Failures = 0
		}
		lo.Failures++
		lo.LastFailure = now
		if lo.Failures >= s.cfg.MaxFailures {
			lo.LockedUntil = now.Add(s.cfg.Lockout)
			lo.Failures = 0
		}
		_, err = s.putJSON(ctx, key, lo, opts)
		if (errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrExist) || errors.Is(err, gazette.ErrNotFound)) && attempt < 10 {
			continue
		}
		if err != nil {
			return fmt.Errorf("editorial: count failed sign-in of %s: %w", name, err)
		}
		if !lo.LockedUntil.IsZero() && lo.Failures == 0 {
			s.log.WarnContext(ctx, "account locked after failed sign-ins", "user", name, "until", lo.LockedUntil)
		}
		return nil
	}
}

func (s *Service) clearLockout(ctx context.Context, name string) error {
	err := s.blobs.Delete(ctx, lockoutKey(name), "")
	if err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return fmt.Errorf("editorial: clear failed sign-ins of %s: %w", name, err)
	}
	return nil
}

// noteSignIn records a successful sign-in's time on the account and, when
// the hash was made with older parameters, stores the password under the
// current ones. Failing is harmless (the time is informative, the rehash
// is tried again next time), so it is logged, not returned.
func (s *Service) noteSignIn(ctx context.Context, name, password string, rehash bool, now time.Time) {
	var hash string
	var err error
	if rehash {
		hash, err = s.hashPassword(ctx, password, s.cfg.Argon)
	}
	if err == nil {
		_, err = s.updateUser(ctx, name, func(u *User) error {
			u.LastSignIn = now.UTC()
			if hash != "" {
				u.PasswordHash = hash
			}
			return nil
		})
	}
	if err != nil {
		s.log.WarnContext(ctx, "sign-in time or rehashed password not stored", "user", name, "err", err)
	}
}

func (s *Service) sessionExpiry(rec session) time.Time {
	idle := rec.LastSeen.Add(s.cfg.SessionIdle)
	if idle.Before(rec.End) {
		return idle
	}
	return rec.End
}

// Authenticate returns the session of token, with the actor's current role
// and addr as its address. It fails with ErrUnauthenticated when the token is
// malformed or unknown, the session expired (idle or absolute), or it was
// revoked: signed out, the password changed, the account disabled.
func (s *Service) Authenticate(ctx context.Context, token, addr string) (*Session, error) {
	hash := tokenHash(token)
	if hash == "" {
		return nil, fmt.Errorf("editorial: session token malformed: %w", ErrUnauthenticated)
	}
	key := sessionKey(hash)
	var rec session
	etag, err := s.getJSON(ctx, key, &rec)
	if errors.Is(err, gazette.ErrNotFound) {
		return nil, fmt.Errorf("editorial: no such session: %w", ErrUnauthenticated)
	}
	if err != nil {
		return nil, fmt.Errorf("editorial: session: %w", err)
	}
	now := s.now()
	if !now.Before(s.sessionExpiry(rec)) {
		s.dropSession(ctx, key)
		return nil, fmt.Errorf("editorial: session expired: %w", ErrUnauthenticated)
	}
	u, _, err := s.loadUser(ctx, rec.User)
	if err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return nil, err
	}
	if err != nil || u.Disabled || u.Epoch != rec.Epoch {
		s.dropSession(ctx, key)
		return nil, fmt.Errorf("editorial: session revoked: %w", ErrUnauthenticated)
	}
	// Sliding idle expiry, written at most once a minute so that browsing
	// does not write on every request; losing the race to another replica
	// touching the same session is harmless.
	if now.Sub(rec.LastSeen) > time.Minute {
		rec.LastSeen = now.UTC()
		if _, err := s.putJSON(ctx, key, rec, gazette.PutOptions{IfMatch: etag}); err != nil && !errors.Is(err, gazette.ErrConflict) {
			s.log.WarnContext(ctx, "session not touched", "user", rec.User, "err", err)
		}
	}
	return &Session{Token: token, CSRF: CSRFToken(token), Actor: Actor{User: u.Name, Role: u.Role, Addr: addr}, Expires: s.sessionExpiry(rec)}, nil
}

// dropSession removes a dead session record; failure only leaves garbage
// that Authenticate keeps refusing.
func (s *Service) dropSession(ctx context.Context, key string) {
	if err := s.blobs.Delete(ctx, key, ""); err != nil && !errors.Is(err, gazette.ErrNotFound) {
		s.log.WarnContext(ctx, "dead session not removed", "key", key, "err", err)
	}
}

func (s *Service) deleteSession(ctx context.Context, token string) error {
	hash := tokenHash(token)
	if hash == "" {
		return nil // never a stored session
	}
	if err := s.blobs.Delete(ctx, sessionKey(hash), ""); err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return fmt.Errorf("editorial: revoke session: %w", err)
	}
	return nil
}

// SignOut revokes the session of token. Signing out of a session that is
// already gone succeeds.
func (s *Service) SignOut(ctx context.Context, token, addr string) error {
	sess, err := s.Authenticate(ctx, token, addr)
	if errors.Is(err, ErrUnauthenticated) {
		return s.deleteSession(ctx, token)
	}
	if err != nil {
		return err
	}
	if err := s.deleteSession(ctx, token); err != nil {
		return err
	}
	return s.record(ctx, sess.Actor, "session.signout", "user/"+sess.Actor.User, OutcomeOK, "")
}

// PruneSessions removes expired and revoked sessions from storage and
// returns how many. Administrators only; a server may run it now and then.
func (s *Service) PruneSessions(ctx context.Context, a Actor) (int, error) {
	if err := s.authorize(ctx, a, RoleAdmin, "session.prune", ""); err != nil {
		return 0, err
	}
	infos, err := s.blobs.List(ctx, sessionsPrefix)
	if err != nil {
		return 0, fmt.Errorf("editorial: prune sessions: %w", err)
	}
	users := map[string]*User{}
	n := 0
	for _, info := range infos {
		var rec session
		if _, err := s.getJSON(ctx, info.Key, &rec); err != nil {
			if errors.Is(err, gazette.ErrNotFound) {
				continue
			}
			return n, fmt.Errorf("editorial: prune sessions: %w", err)
		}
		u, seen := users[rec.User]
		if !seen {
			u, _, _ = s.loadUser(ctx, rec.User) // nil when gone
			users[rec.User] = u
		}
		if u == nil || u.Disabled || u.Epoch != rec.Epoch || !s.now().Before(s.sessionExpiry(rec)) {
			s.dropSession(ctx, info.Key)
			n++
		}
	}
	return n, s.record(ctx, a, "session.prune", "", OutcomeOK, fmt.Sprintf("%d removed", n))
}

// addrLimiter counts failed sign-ins per client address, in memory.
type addrLimiter struct {
	mu sync.Mutex
	m  map[string]addrCount
}

type addrCount struct {
	failures int
	start    time.Time
}

// maxTrackedAddrs bounds the limiter's memory under a spray of addresses.
const maxTrackedAddrs = 100_000

func newAddrLimiter() *addrLimiter { return &addrLimiter{m: map[string]addrCount{}} }

func (l *addrLimiter) allowed(addr string, now time.Time, limit int, window time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[addr]
	return !ok || now.Sub(c.start) >= window || c.failures < limit
}

func (l *addrLimiter) fail(addr string, now time.Time, window time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) >= maxTrackedAddrs {
		for k, c := range l.m {
			if now.Sub(c.start) >= window {
				delete(l.m, k)
			}
		}
	}
	c := l.m[addr]
	if now.Sub(c.start) >= window {
		c = addrCount{start: now}
	}
	c.failures++
	l.m[addr] = c
}

// clip shortens s to at most n runes, so hostile input cannot bloat the log.
func clip(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
