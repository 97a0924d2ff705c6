package transparency

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
	"golang.org/x/mod/sumdb/tlog"
)

// proofHeader is the first line of a C2SP tlog-proof.
const proofHeader = "c2sp.org/tlog-proof@v1"

// Proof proves that an entry is in the log: the C2SP tlog-proof form, with
// the entry itself as the extra data, so that it travels with the file it
// names and can be checked offline.
type Proof struct {
	Entry      []byte // the log entry (archive.LogEntry text)
	Index      int64
	Hashes     tlog.RecordProof
	Checkpoint []byte // the signed checkpoint the proof leads to
}

// MarshalText encodes p as a C2SP tlog-proof.
func (p *Proof) MarshalText() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nextra %s\nindex %d\n", proofHeader, base64.StdEncoding.EncodeToString(p.Entry), p.Index)
	for _, h := range p.Hashes {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(p.Checkpoint)
	return b.Bytes(), nil
}

// ParseProof decodes a C2SP tlog-proof. Errors: gazette.ErrInvalid, saying
// which line is wrong.
func ParseProof(raw []byte) (*Proof, error) {
	bad := func(why string) (*Proof, error) {
		return nil, fmt.Errorf("proof: %s: %w", why, gazette.ErrInvalid)
	}
	head, cp, ok := bytes.Cut(raw, []byte("\n\n"))
	if !ok {
		return bad("no blank line before the checkpoint")
	}
	p := &Proof{Checkpoint: cp, Index: -1}
	sc := bufio.NewScanner(bytes.NewReader(head))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case n == 1:
			if line != proofHeader {
				return bad(fmt.Sprintf("first line %q, want %q: not a transparency log proof", line, proofHeader))
			}
		case strings.HasPrefix(line, "extra "):
			e, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(line, "extra "))
			if err != nil {
				return bad(fmt.Sprintf("line %d: extra data is not base64", n))
			}
			p.Entry = e
		case strings.HasPrefix(line, "index "):
			i, err := strconv.ParseInt(strings.TrimPrefix(line, "index "), 10, 64)
			if err != nil || i < 0 {
				return bad(fmt.Sprintf("line %d: index", n))
			}
			p.Index = i
		default:
			h, err := base64.StdEncoding.DecodeString(line)
			if err != nil || len(h) != tlog.HashSize || p.Index < 0 {
				return bad(fmt.Sprintf("line %d is not a hash of the inclusion proof", n))
			}
			p.Hashes = append(p.Hashes, tlog.Hash(h))
		}
	}
	if p.Index < 0 {
		return bad("no index line")
	}
	if p.Entry == nil {
		return bad("no extra line: the proof does not carry its log entry")
	}
	return p, nil
}

// Verified is what a successful Verify established.
type Verified struct {
	Entry     archive.LogEntry
	Index     int64
	Named     []archive.LoggedObject // the objects of the entry the file is
	Tree      int64                  // the size of the checkpoint's tree
	Origin    string
	Key       Key    // the log key that signed the checkpoint
	KeyID     string // its signed-note key hash, hex
	Cosigners []string
}

// Verify checks, offline, that a file whose SHA-256 is sum is what the
// log entry in p names, that the entry is in the log at p.Index under the
// checkpoint p carries, and that the checkpoint is signed by a key of ring
// that was in use at the entry's time. An empty sum checks the proof
// alone. Errors (gazette.ErrCorrupt for a check that failed,
// gazette.ErrInvalid for a malformed proof) say which check failed.
func Verify(sum string, p *Proof, ring Keyring) (*Verified, error) {
	cp, err := OpenKeyringCheckpoint(p.Checkpoint, ring)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	witnessed, err := ring.cosigners(p.Checkpoint)
	if err != nil {
		return nil, err
	}
	if p.Index >= cp.Size {
		return nil, fmt.Errorf("verify: entry %d is beyond the checkpoint's %d entries: %w", p.Index, cp.Size, gazette.ErrCorrupt)
	}
	if err := tlog.CheckRecord(p.Hashes, cp.Size, cp.Root, p.Index, tlog.RecordHash(p.Entry)); err != nil {
		return nil, fmt.Errorf("verify: the entry is not in the log at index %d under the signed checkpoint (the entry or the proof was altered): %w", p.Index, gazette.ErrCorrupt)
	}
	e, err := archive.ParseLogEntry(p.Entry)
	if err != nil {
		return nil, fmt.Errorf("verify: the logged entry: %w", err)
	}
	key, _ := ring.find(cp.KeyHash)
	if !key.Until.IsZero() && e.Time.After(key.Until) {
		return nil, fmt.Errorf("verify: the checkpoint is signed by key %08x, retired on %s, but the entry is dated %s: %w",
			cp.KeyHash, key.Until.UTC().Format(time.RFC3339), e.Time.UTC().Format(time.RFC3339), gazette.ErrCorrupt)
	}
	v := &Verified{Entry: e, Index: p.Index, Tree: cp.Size, Origin: cp.Origin, Key: key, KeyID: fmt.Sprintf("%08x", cp.KeyHash)}
	for _, name := range cp.Cosigners {
		if at, ok := witnessed[strings.TrimSuffix(name, " (unverified)")]; ok {
			name = strings.TrimSuffix(name, " (unverified)") + " (witness, verified, " + at.Format(time.RFC3339) + ")"
		}
		v.Cosigners = append(v.Cosigners, name)
	}
	if sum == "" {
		return v, nil
	}
	v.Named = e.Names(sum)
	if len(v.Named) == 0 {
		var names []string
		for _, o := range e.Objects {
			names = append(names, fmt.Sprintf("%s %s", o.Role, o.SHA256))
		}
		return nil, fmt.Errorf("verify: the file's SHA-256 %s is not what the log entry %d (%s %s) names (%s): the file is not what was published: %w",
			sum, p.Index, e.Event, e.Subject, strings.Join(names, "; "), gazette.ErrCorrupt)
	}
	return v, nil
}

// SumOf returns the hex SHA-256 of data.
func SumOf(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}
