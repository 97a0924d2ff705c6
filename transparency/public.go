package transparency

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// Public is what the server offers of the log: its objects, its keys, and
// the proofs of what the archive published. Safe for concurrent use.
type Public struct {
	log    *Log
	arch   *archive.Archive
	finder *Finder
}

// NewPublic returns the public face of l, the log a appends to.
func NewPublic(l *Log, a *archive.Archive) *Public {
	return &Public{log: l, arch: a, finder: NewFinder(l)}
}

// Keyring is the log's origin and public keys.
func (p *Public) Keyring() Keyring { return p.log.Keyring() }

// Object returns a public object of the log (see Log.Object).
func (p *Public) Object(ctx context.Context, path string) (io.ReadSeekCloser, gazette.ObjectInfo, bool, error) {
	return p.log.Object(ctx, path)
}

// IssueProof proves the publication of an issue: its PDF, its manifest
// and the records of its documents as printed. Errors: gazette.ErrNotFound
// (no such issue, or its entry is not in the log yet), gazette.ErrCorrupt,
// storage errors.
func (p *Public) IssueProof(ctx context.Context, key gazette.IssueKey) (*Proof, error) {
	e, err := p.arch.IssueLogEntry(ctx, key)
	if err != nil {
		return nil, err
	}
	return p.prove(ctx, e)
}

// DocumentProof proves version v (0: the current one) of a document: the
// entry of its issue for version 1, of its correction otherwise. Errors:
// those of IssueProof, gazette.ErrInvalid (a malformed ID).
func (p *Public) DocumentProof(ctx context.Context, id string, v int) (*Proof, error) {
	e, err := p.arch.DocumentLogEntry(ctx, id, v)
	if err != nil {
		return nil, err
	}
	return p.prove(ctx, e)
}

func (p *Public) prove(ctx context.Context, e archive.LogEntry) (*Proof, error) {
	text, err := e.MarshalText()
	if err != nil {
		return nil, err
	}
	pr, err := p.log.Prove(ctx, text)
	if errors.Is(err, gazette.ErrNotFound) {
		return nil, fmt.Errorf("transparency: the log has no entry for %s %s as storage now holds it: changed after it was logged, or never logged: %w", e.Event, e.Subject, err)
	}
	if err != nil {
		return nil, fmt.Errorf("transparency: %s %s: %w", e.Event, e.Subject, err)
	}
	return pr, nil
}

// Find returns the proof of the first log entry naming the SHA-256 sum
// (see Finder.Find).
func (p *Public) Find(ctx context.Context, sum string) (*Proof, error) {
	return p.finder.Find(ctx, sum)
}

// Check finds the proof for sum and verifies it against the log's own
// keys, as `gazette verify` would: what the /verify page shows. Errors:
// gazette.ErrNotFound (nothing published has that SHA-256), those of
// Verify.
func (p *Public) Check(ctx context.Context, sum string) (*Verified, *Proof, error) {
	pr, err := p.Find(ctx, sum)
	if err != nil {
		return nil, nil, err
	}
	v, err := Verify(sum, pr, p.Keyring())
	if err != nil {
		return nil, nil, err
	}
	return v, pr, nil
}

// StoredManifest opens the committed manifest of an issue (see
// archive.Archive.StoredManifest).
func (p *Public) StoredManifest(ctx context.Context, key gazette.IssueKey) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	return p.arch.StoredManifest(ctx, key)
}

// StoredRecord opens the stored record of a document version (see
// archive.Archive.StoredRecord).
func (p *Public) StoredRecord(ctx context.Context, id string, v int) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	return p.arch.StoredRecord(ctx, id, v)
}
