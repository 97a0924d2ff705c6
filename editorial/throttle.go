package editorial

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Sign-in throttling. A hard lock after a few failures lets anyone shut an
// editor out by typing wrong passwords under their name, so failures slow
// guessing down instead: after Config.MaxFailures failures of one name (or
// Config.AddrMaxFailures from one address), each further attempt waits a
// delay that doubles with every failure, from one second up to
// Config.Lockout (Config.AddrWindow). A browser that signed in to the
// account before carries a device token (Session.Device) and is not held
// by either: its owner signs in with the right password whatever strangers
// do, and Config.DeviceMaxFailures wrong passwords from it make it a
// stranger again. Names that are no account are counted exactly like
// accounts, so the answers and their timing never tell which names exist.

// LockedError is ErrLocked with how long the client should wait before its
// next attempt.
type LockedError struct {
	// RetryAfter is the time until the next attempt is taken.
	RetryAfter time.Duration
	what       string // the account or address held, for the log
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("editorial: %s: retry after %s: %v", e.what, e.RetryAfter.Round(time.Second), ErrLocked)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// failureMemory is how long a failed sign-in counts: a name or address
// without a failure for this long starts afresh.
const failureMemory = 24 * time.Hour

// backoff is the wait after failures failures when free of them are
// allowed without one: one second after the first over, doubling, at most
// max.
func backoff(failures, free int, max time.Duration) time.Duration {
	if failures < free {
		return 0
	}
	d := time.Second
	for range failures - free {
		if d >= max {
			break
		}
		d *= 2
	}
	return min(d, max)
}

// throttle counts the recent failed sign-ins of one name, shared by every
// replica through storage.
type throttle struct {
	Failures int       `json:"failures"`
	Last     time.Time `json:"last_failure"`
}

// wait is how long the name must wait from now before its next attempt.
func (t throttle) wait(now time.Time, free int, max time.Duration) time.Duration {
	if now.Sub(t.Last) >= failureMemory {
		return 0
	}
	return t.Last.Add(backoff(t.Failures, free, max)).Sub(now)
}

// throttleKey is where the failures of name are counted: under the SHA-256
// of the name, so that any string typed as a name, account or not, is
// counted alike and never becomes part of a key.
func throttleKey(name string) string {
	sum := sha256.Sum256([]byte(name))
	return throttlePrefix + hex.EncodeToString(sum[:]) + ".json"
}

// accountWait is how long sign-ins to name must wait; 0 when they may go
// ahead.
func (s *Service) accountWait(ctx context.Context, name string, now time.Time) (time.Duration, error) {
	var t throttle
	if _, err := s.getJSON(ctx, throttleKey(name), &t); err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return 0, fmt.Errorf("editorial: failed sign-ins of %s: %w", clip(name, 100), err)
	}
	return max(0, t.wait(now, s.cfg.MaxFailures, s.cfg.Lockout)), nil
}

// held refuses an attempt from an unknown device while the address or the
// name must wait, with a *LockedError; nil when it may go ahead.
func (s *Service) held(ctx context.Context, name, addr string, now time.Time) error {
	if wait := s.addrs.wait(addr, now, s.cfg.AddrMaxFailures, s.cfg.AddrWindow); wait > 0 {
		return &LockedError{RetryAfter: wait, what: "client address " + addr}
	}
	wait, err := s.accountWait(ctx, name, now)
	if err != nil {
		return err
	}
	if wait > 0 {
		return &LockedError{RetryAfter: wait, what: "account " + clip(name, 100)}
	}
	return nil
}

// countFailure adds one failure to the name's count, with a conditional
// write so that failures on several replicas all count.
func (s *Service) countFailure(ctx context.Context, name string) error {
	key := throttleKey(name)
	var t throttle
	err := gazette.RetryOnConflict(ctx, func() error {
		t = throttle{}
		etag, err := s.getJSON(ctx, key, &t)
		if err != nil && !errors.Is(err, gazette.ErrNotFound) {
			return err
		}
		now := s.now().UTC()
		if now.Sub(t.Last) >= failureMemory {
			t.Failures = 0
		}
		t.Failures++
		t.Last = now
		_, err = s.putIfUnchanged(ctx, key, t, etag)
		return err
	})
	if err != nil {
		return fmt.Errorf("editorial: count failed sign-in of %s: %w", clip(name, 100), err)
	}
	if t.Failures == s.cfg.MaxFailures {
		s.log.WarnContext(ctx, "sign-ins throttled after failures", "user", clip(name, 100), "failures", t.Failures)
	}
	return nil
}

// clearThrottle forgets the name's failures.
func (s *Service) clearThrottle(ctx context.Context, name string) error {
	err := s.blobs.Delete(ctx, throttleKey(name), "")
	if err != nil && !errors.Is(err, gazette.ErrNotFound) {
		return fmt.Errorf("editorial: clear failed sign-ins of %s: %w", name, err)
	}
	return nil
}

// dummyHash is a PHC string with the current parameters that no password
// matches: verifying against it costs what verifying against an account's
// hash does, so a name that is no account takes as long to refuse.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		salt, key := make([]byte, saltLen), make([]byte, keyLen)
		_, _ = rand.Read(salt)
		_, _ = rand.Read(key)
		s.dummy = fmt.Sprintf("$argon2id$v=19$%s$%s$%s", s.cfg.Argon, b64.EncodeToString(salt), b64.EncodeToString(key))
	})
	return s.dummy
}

// device is a browser that signed in to an account, stored under the
// SHA-256 of its token like a session.
type device struct {
	User     string    `json:"user"`
	Created  time.Time `json:"created"`
	Used     time.Time `json:"used"`
	Failures int       `json:"failures,omitempty"`
}

func deviceKey(hash string) string { return devicesPrefix + hash + ".json" }

// knownDevice returns the key of the device record of token when it is a
// device that signed in to name, has been used within Config.DeviceIdle
// and has not failed Config.DeviceMaxFailures times since; "" otherwise.
func (s *Service) knownDevice(ctx context.Context, token, name string, now time.Time) (string, error) {
	hash := tokenHash(token)
	if hash == "" {
		return "", nil
	}
	key := deviceKey(hash)
	var d device
	if _, err := s.getJSON(ctx, key, &d); errors.Is(err, gazette.ErrNotFound) || errors.Is(err, gazette.ErrCorrupt) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("editorial: device: %w", err)
	}
	if d.User != name || now.Sub(d.Used) >= s.cfg.DeviceIdle || d.Failures >= s.cfg.DeviceMaxFailures {
		return "", nil
	}
	return key, nil
}

// deviceFailed counts a wrong password from a known device; at
// Config.DeviceMaxFailures the device is forgotten.
func (s *Service) deviceFailed(ctx context.Context, key string) error {
	err := gazette.RetryOnConflict(ctx, func() error {
		var d device
		etag, err := s.getJSON(ctx, key, &d)
		if errors.Is(err, gazette.ErrNotFound) {
			return nil // forgotten meanwhile: nothing left to count
		}
		if err != nil {
			return err
		}
		d.Failures++
		if d.Failures < s.cfg.DeviceMaxFailures {
			_, err = s.putIfUnchanged(ctx, key, d, etag)
			return err
		}
		err = s.blobs.Delete(ctx, key, etag)
		if errors.Is(err, gazette.ErrNotFound) {
			return fmt.Errorf("editorial: %s changed meanwhile: %w", key, gazette.ErrConflict)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("editorial: device: %w", err)
	}
	return nil
}

// rememberDevice records a successful sign-in of name from the device of
// key (refreshed) or, with key "", from a new device; it returns the token
// the browser keeps. Failing to store it only costs the browser its place
// among known devices, so it is logged, not returned.
func (s *Service) rememberDevice(ctx context.Context, key, token, name string, now time.Time) string {
	d := device{User: name, Created: now.UTC(), Used: now.UTC()}
	opts := gazette.PutOptions{IfAbsent: true}
	if key == "" {
		token = newToken()
		key = deviceKey(tokenHash(token))
	} else {
		var old device
		if _, err := s.getJSON(ctx, key, &old); err == nil {
			d.Created = old.Created
		}
		opts = gazette.PutOptions{}
	}
	if _, err := s.putJSON(ctx, key, d, opts); err != nil {
		s.log.WarnContext(ctx, "device not remembered", "user", name, "err", err)
		return ""
	}
	return token
}

// addrLimiter counts failed sign-ins per client address, in memory.
type addrLimiter struct {
	mu sync.Mutex
	m  map[string]addrCount
}

type addrCount struct {
	failures int
	last     time.Time
}

// maxTrackedAddrs bounds the limiter's memory under a spray of addresses.
const maxTrackedAddrs = 100_000

func newAddrLimiter() *addrLimiter { return &addrLimiter{m: map[string]addrCount{}} }

// wait is how long addr must wait from now before its next attempt.
func (l *addrLimiter) wait(addr string, now time.Time, free int, max time.Duration) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[addr]
	if !ok || now.Sub(c.last) >= failureMemory {
		return 0
	}
	return c.last.Add(backoff(c.failures, free, max)).Sub(now)
}

func (l *addrLimiter) fail(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) >= maxTrackedAddrs {
		for k, c := range l.m {
			if now.Sub(c.last) >= failureMemory {
				delete(l.m, k)
			}
		}
		for k := range l.m {
			if len(l.m) < maxTrackedAddrs {
				break
			}
			delete(l.m, k) // the oldest cannot be told cheaply: any will do
		}
	}
	c := l.m[addr]
	if now.Sub(c.last) >= failureMemory {
		c = addrCount{}
	}
	c.failures++
	c.last = now
	l.m[addr] = c
}

// pruneThrottling removes device records unused for Config.DeviceIdle or
// failed out, and failure counts past failureMemory; it returns how many.
func (s *Service) pruneThrottling(ctx context.Context) (int, error) {
	now, n := s.now(), 0
	for _, p := range []string{devicesPrefix, throttlePrefix} {
		infos, err := s.blobs.List(ctx, p)
		if err != nil {
			return n, fmt.Errorf("editorial: prune %s: %w", p, err)
		}
		for _, info := range infos {
			var d device
			var t throttle
			var err error
			if p == devicesPrefix {
				_, err = s.getJSON(ctx, info.Key, &d)
			} else {
				_, err = s.getJSON(ctx, info.Key, &t)
			}
			switch {
			case errors.Is(err, gazette.ErrNotFound):
				continue
			case errors.Is(err, gazette.ErrCorrupt): // useless: removed
			case err != nil:
				return n, fmt.Errorf("editorial: prune %s: %w", info.Key, err)
			case p == devicesPrefix && now.Sub(d.Used) < s.cfg.DeviceIdle && d.Failures < s.cfg.DeviceMaxFailures,
				p == throttlePrefix && now.Sub(t.Last) < failureMemory:
				continue
			}
			if err := s.blobs.Delete(ctx, info.Key, ""); err != nil && !errors.Is(err, gazette.ErrNotFound) {
				return n, fmt.Errorf("editorial: prune %s: %w", info.Key, err)
			}
			n++
		}
	}
	return n, nil
}
