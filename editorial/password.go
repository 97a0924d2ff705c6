package editorial

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters. They are stored in each
// hash (PHC string format), so raising them later leaves old hashes
// verifiable; a hash with other parameters is redone at the next sign-in.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// DefaultArgon2 is RFC 9106's second recommended option (64 MiB, 3 passes)
// with 2 lanes: 64 MiB and 0.46 s a hash on the shared 2-core build machine
// (BenchmarkArgon2Default); Config.Argon lowers it for small servers.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

func (p Argon2Params) check() error {
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 4<<20 || p.Time < 1 || p.Time > 100 || p.Threads < 1 {
		return invalidf("argon2 parameters m=%d t=%d p=%d out of range", p.Memory, p.Time, p.Threads)
	}
	return nil
}

func (p Argon2Params) String() string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads)
}

// Password rules: length in characters, and a byte cap so hostile input
// cannot make hashing expensive.
const (
	MinPasswordRunes = 12
	MaxPasswordBytes = 1024
)

//go:embed common-passwords.txt
var commonPasswordList string

// commonPasswords are the passwords of common-passwords.txt, in lower case.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// CheckPassword reports whether password may be set for the user name:
// at least MinPasswordRunes characters, at most MaxPasswordBytes bytes,
// valid UTF-8 without control characters, not containing the user name,
// not a run of few distinct characters, and not one of a list of common
// passwords (in any case: 123456, qwerty, password, woaini1314, a123456,
// 1qaz2wsx3edc ...). Composition rules (a digit, a
// symbol) are deliberately absent (NIST SP 800-63B). The error wraps
// gazette.ErrInvalid.
func CheckPassword(name, password string) error {
	switch {
	case !utf8.ValidString(password):
		return invalidf("password: not valid UTF-8")
	case len(password) > MaxPasswordBytes:
		return invalidf("password: longer than %d bytes", MaxPasswordBytes)
	case utf8.RuneCountInString(password) < MinPasswordRunes:
		return invalidf("password: shorter than %d characters", MinPasswordRunes)
	case name != "" && strings.Contains(strings.ToLower(password), strings.ToLower(name)):
		return invalidf("password: contains the user name")
	}
	distinct := map[rune]bool{}
	for _, r := range password {
		if unicode.IsControl(r) {
			return invalidf("password: contains a control character")
		}
		distinct[r] = true
	}
	if len(distinct) < 5 {
		return invalidf("password: fewer than 5 different characters")
	}
	if commonPasswords[strings.ToLower(password)] {
		return invalidf("password: one of the most common passwords")
	}
	return nil
}

var b64 = base64.RawStdEncoding

// hashPassword returns the PHC string of password under p.
func (s *Service) hashPassword(ctx context.Context, password string, p Argon2Params) (string, error) {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // never fails (crypto/rand)
	key, err := s.argon(ctx, []byte(password), salt, p, keyLen)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$%s$%s$%s", argon2.Version, p, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// argon runs one hash, at most GOMAXPROCS at a time: each takes p.Memory,
// and a burst of sign-ins must not exhaust the server's memory.
func (s *Service) argon(ctx context.Context, password, salt []byte, p Argon2Params, n uint32) ([]byte, error) {
	select {
	case s.hashes <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.hashes }()
	return s.idKey(password, salt, p.Time, p.Memory, p.Threads, n), nil
}

// verifyPassword reports whether password matches the PHC string and the
// parameters the hash was made with. A password longer than
// MaxPasswordBytes never matches, and costs the same hash as any other: its
// first MaxPasswordBytes are hashed, so the time taken does not tell a long
// password from a short one.
func (s *Service) verifyPassword(ctx context.Context, phc, password string) (bool, Argon2Params, error) {
	p, salt, want, err := parsePHC(phc)
	if err != nil {
		return false, p, err
	}
	tooLong := len(password) > MaxPasswordBytes
	if tooLong {
		password = password[:MaxPasswordBytes]
	}
	got, err := s.argon(ctx, []byte(password), salt, p, uint32(len(want)))
	if err != nil {
		return false, p, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1 && !tooLong, p, nil
}

func parsePHC(phc string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, invalidf("password hash: not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, invalidf("password hash: argon2 version %q unsupported", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, invalidf("password hash: parameters %q: %v", parts[3], err)
	}
	if err := p.check(); err != nil {
		return p, nil, nil, err
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, invalidf("password hash: bad salt or key")
	}
	return p, salt, key, nil
}
