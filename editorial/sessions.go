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
	// Device, set by SignIn, is the device token for the browser to keep
	// until DeviceExpires and present at its next sign-in (Client.Device):
	// a known device is not held by the throttling of strangers' failures.
	// Empty when it could not be stored.
	Device        string
	DeviceExpires time.Time
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

// Client is who asks to sign in: the address and what the browser
// presented.
type Client struct {
	// Addr is the client's address, for the address's throttle and the
	// audit log.
	Addr string
	// Session is the session token the browser came with, if any: it is
	// revoked and never promoted (no session fixation); the new session
	// has a fresh token.
	Session string
	// Device is the device token an earlier sign-in gave the browser
	// (Session.Device), if any.
	Device string
}

// SignIn checks a user's password and opens a new session.
//
// A wrong name, a wrong password and a disabled account all fail alike
// with ErrUnauthenticated, after the same work: one hash of the same cost,
// whether or not the name is an account and however long the password.
// Failures are throttled (see LockedError): while the name or the address
// must wait, SignIn fails with a *LockedError, which wraps ErrLocked,
// without looking at the password, unless from.Device is a device that
// signed in to the account before, which only its own failures can hold.
func (s *Service) SignIn(ctx context.Context, name, password string, from Client) (*Session, error) {
	const action = "session.signin"
	a := Actor{User: clip(name, 100), Addr: from.Addr}
	object := "user/" + a.User
	if from.Session != "" {
		if err := s.deleteSession(ctx, from.Session); err != nil {
			return nil, err
		}
	}
	now := s.now()
	dev, err := s.knownDevice(ctx, from.Device, name, now)
	if err != nil {
		return nil, err
	}
	if dev == "" {
		if err := s.held(ctx, name, from.Addr, now); err != nil {
			var le *LockedError
			if errors.As(err, &le) {
				return nil, s.deny(ctx, a, action, object, err)
			}
			return nil, err
		}
	}
	u, _, err := s.loadUser(ctx, name)
	if err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return nil, err
	}
	phc := s.dummyHash()
	if u != nil {
		phc = u.PasswordHash
	}
	ok, params, err := s.verifyPassword(ctx, phc, password)
	if err != nil {
		return nil, fmt.Errorf("editorial: sign in %s: %w", a.User, err)
	}
	if u == nil || !ok || u.Disabled {
		why := "wrong password"
		switch {
		case u == nil:
			why = "no such user"
		case ok:
			why = "account disabled"
		}
		if dev == "" {
			s.addrs.fail(from.Addr, now)
		} else if err := s.deviceFailed(ctx, dev); err != nil {
			return nil, err
		}
		if err := s.countFailure(ctx, name); err != nil {
			return nil, err
		}
		return nil, s.failSignIn(ctx, a, why, ErrUnauthenticated)
	}
	// A known device passed whatever strangers did, and leaves their
	// failures counted; from anywhere else the name was not held, and the
	// right password ends its count.
	if dev == "" {
		if err := s.clearThrottle(ctx, name); err != nil {
			return nil, err
		}
	}
	s.noteSignIn(ctx, name, password, params != s.cfg.Argon, now)
	token := newToken()
	rec := session{User: name, Epoch: u.Epoch, Created: now.UTC(), LastSeen: now.UTC(), End: now.Add(s.cfg.SessionMax).UTC(), Addr: from.Addr}
	if _, err := s.putJSON(ctx, sessionKey(tokenHash(token)), rec, gazette.PutOptions{IfAbsent: true}); err != nil {
		return nil, fmt.Errorf("editorial: sign in %s: store session: %w", name, err)
	}
	a.Role = u.Role
	if err := s.record(ctx, a, action, object, OutcomeOK, ""); err != nil {
		return nil, err
	}
	sess := &Session{Token: token, CSRF: CSRFToken(token), Actor: a, Expires: s.sessionExpiry(rec)}
	if sess.Device = s.rememberDevice(ctx, dev, from.Device, name, now); sess.Device != "" {
		sess.DeviceExpires = now.Add(s.cfg.DeviceIdle)
	}
	return sess, nil
}

// failSignIn audits a failed sign-in; the reason goes to the log, never to
// the caller.
func (s *Service) failSignIn(ctx context.Context, a Actor, why string, err error) error {
	if rerr := s.record(ctx, a, "session.signin", "user/"+a.User, OutcomeFailed, why); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
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
// returns how many; it also forgets devices unused for Config.DeviceIdle
// and failed sign-ins past counting. Administrators only; a server may run
// it now and then.
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
			// Only a user that is not there is gone: a storage that does
			// not answer ends the pruning, and no session is lost to it.
			var err error
			u, _, err = s.loadUser(ctx, rec.User)
			if err != nil && !errors.Is(err, gazette.ErrNotFound) {
				return n, fmt.Errorf("editorial: prune sessions: %w", err)
			}
			users[rec.User] = u
		}
		if u == nil || u.Disabled || u.Epoch != rec.Epoch || !s.now().Before(s.sessionExpiry(rec)) {
			s.dropSession(ctx, info.Key)
			n++
		}
	}
	stale, err := s.pruneThrottling(ctx)
	if err != nil {
		return n, err
	}
	return n, s.record(ctx, a, "session.prune", "", OutcomeOK, fmt.Sprintf("%d removed, and %d devices or failure counts", n, stale))
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
