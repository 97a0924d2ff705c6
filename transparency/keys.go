package transparency

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"golang.org/x/mod/sumdb/note"
)

// Key is a public key of the log (a signed-note verifier key,
// "<name>+<hash>+<base64 Ed25519 key>") and when it was in use.
type Key struct {
	Verifier string `json:"key"`
	// From is when the key began signing; informative.
	From time.Time `json:"from,omitzero"`
	// Until is when the key was retired; zero while it is current. A
	// checkpoint it signed is accepted only for entries dated up to then,
	// so a retired key that leaked cannot vouch for later publications.
	Until time.Time `json:"until,omitzero"`
}

// Keyring is what a verifier must know of a log: its origin and its public
// keys, old ones included, so that proofs made before a key rotation stay
// verifiable. The server publishes it at /.well-known/gazette-log.
type Keyring struct {
	Origin string `json:"origin"`
	Keys   []Key  `json:"keys"`
	// Witnesses are the independent cosigners of the log's checkpoints
	// (C2SP tlog-witness) the log submits to, or a verifier trusts.
	Witnesses []Witness `json:"witnesses,omitempty"`
	// Quorum is how many of Witnesses must have cosigned a checkpoint for
	// a verifier to accept it; 0 requires none.
	Quorum int `json:"quorum,omitempty"`
}

// ParseKeyring decodes a Keyring from its JSON form and checks it. Errors:
// gazette.ErrInvalid.
func ParseKeyring(raw []byte) (Keyring, error) {
	var r Keyring
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("transparency: keyring: %v: %w", err, gazette.ErrInvalid)
	}
	if _, err := r.verifiers(); err != nil {
		return r, err
	}
	return r, nil
}

// KeyringOf is the keyring of a single public key, whose name is the
// origin.
func KeyringOf(vkey string) (Keyring, error) {
	vkey = strings.TrimSpace(vkey)
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Keyring{}, fmt.Errorf("transparency: public key %q: %v: %w", vkey, err, gazette.ErrInvalid)
	}
	return Keyring{Origin: v.Name(), Keys: []Key{{Verifier: vkey}}}, nil
}

// verifiers returns the keys of r as note verifiers; each must be named
// after the origin.
func (r Keyring) verifiers() (note.Verifiers, error) {
	if r.Origin == "" || len(r.Keys) == 0 {
		return nil, fmt.Errorf("transparency: keyring: needs an origin and at least one key: %w", gazette.ErrInvalid)
	}
	var vs []note.Verifier
	for _, k := range r.Keys {
		v, err := note.NewVerifier(k.Verifier)
		if err != nil {
			return nil, fmt.Errorf("transparency: keyring: key %q: %v: %w", k.Verifier, err, gazette.ErrInvalid)
		}
		if v.Name() != r.Origin {
			return nil, fmt.Errorf("transparency: keyring: key %q is not named after the origin %q: %w", k.Verifier, r.Origin, gazette.ErrInvalid)
		}
		vs = append(vs, v)
	}
	for _, w := range r.Witnesses {
		if _, err := parseWitnessKey(w.Key); err != nil {
			return nil, err
		}
	}
	if r.Quorum < 0 || r.Quorum > len(r.Witnesses) {
		return nil, fmt.Errorf("transparency: keyring: quorum %d of %d witnesses: %w", r.Quorum, len(r.Witnesses), gazette.ErrInvalid)
	}
	return note.VerifierList(vs...), nil
}

// find returns the key of r with the given signed-note key hash.
func (r Keyring) find(hash uint32) (Key, bool) {
	for _, k := range r.Keys {
		if v, err := note.NewVerifier(k.Verifier); err == nil && v.KeyHash() == hash {
			return k, true
		}
	}
	return Key{}, false
}

// GenerateKey returns a new Ed25519 signing key for a log with the given
// origin, in the signed-note private key form
// ("PRIVATE+KEY+<origin>+<hash>+<key>"), and its public verifier key. The
// origin should be the log's URL without scheme, e.g.
// "gazette.example.gov.cn/log".
func GenerateKey(origin string) (private, public string, err error) {
	private, public, err = note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return "", "", fmt.Errorf("transparency: generate key for %q: %v: %w", origin, err, gazette.ErrInvalid)
	}
	return private, public, nil
}

// NewSigner parses a private key in the signed-note form (surrounding
// white space ignored). Errors: gazette.ErrInvalid; the message never
// repeats the key.
func NewSigner(private string) (note.Signer, error) {
	s, err := note.NewSigner(strings.TrimSpace(private))
	if err != nil {
		return nil, fmt.Errorf("transparency: signing key: not a signed-note private key (PRIVATE+KEY+name+hash+key): %w", gazette.ErrInvalid)
	}
	return s, nil
}

// PublicKey returns the verifier key matching a private key.
func PublicKey(private string) (string, error) {
	// The private key is PRIVATE+KEY+name+hash+base64(alg‖key); the
	// verifier key is derived by note from the Ed25519 seed.
	s, err := NewSigner(private)
	if err != nil {
		return "", err
	}
	rest := strings.TrimSpace(private)
	for range 4 { // PRIVATE, KEY, name, hash
		_, rest, _ = strings.Cut(rest, "+")
	}
	raw, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(raw) != 1+ed25519.SeedSize {
		return "", fmt.Errorf("transparency: signing key: not an Ed25519 key: %w", gazette.ErrInvalid)
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(s.Name(), pub)
}

// OpenKeyringCheckpoint opens a signed checkpoint of the log ring
// describes (see OpenCheckpoint).
func OpenKeyringCheckpoint(raw []byte, ring Keyring) (*Checkpoint, error) {
	known, err := ring.verifiers()
	if err != nil {
		return nil, err
	}
	cp, err := OpenCheckpoint(raw, ring.Origin, known)
	if err != nil {
		return nil, err
	}
	if ring.Quorum > 0 {
		if _, err := ring.checkQuorum(raw); err != nil {
			return nil, err
		}
	}
	return cp, nil
}
