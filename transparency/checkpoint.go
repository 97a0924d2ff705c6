package transparency

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement of the log's size and root hash (C2SP
// tlog-checkpoint) whose signature by the log has been checked.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
	// KeyHash identifies the log key that signed it (the first signature
	// by a known key named after the origin).
	KeyHash uint32
	// Cosigners are the names of the other signatures it carries
	// (witnesses), verified or not: informative only.
	Cosigners []string
	Raw       []byte // the signed note
}

// Tree is the checkpoint's tree.
func (c *Checkpoint) Tree() tlog.Tree { return tlog.Tree{N: c.Size, Hash: c.Root} }

// checkpointBody is the C2SP checkpoint body: origin, size, base64 root.
func checkpointBody(origin string, tree tlog.Tree) string {
	return fmt.Sprintf("%s\n%d\n%s\n", origin, tree.N, base64.StdEncoding.EncodeToString(tree.Hash[:]))
}

// OpenCheckpoint checks the signature of a signed checkpoint against the
// known keys and parses its body, which must name origin. Errors
// (gazette.ErrCorrupt) say what is wrong in words a reader understands:
// altered, signed by an unknown key, another log, malformed.
func OpenCheckpoint(raw []byte, origin string, known note.Verifiers) (*Checkpoint, error) {
	n, err := note.Open(raw, known)
	if err != nil {
		var unknown *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &invalid):
			return nil, fmt.Errorf("checkpoint: the signature by %s (key %08x) does not verify: the checkpoint was altered after signing: %w", invalid.Name, invalid.Hash, gazette.ErrCorrupt)
		case errors.As(err, &unknown):
			var by []string
			for _, s := range unknown.Note.UnverifiedSigs {
				by = append(by, fmt.Sprintf("%s (key %08x)", s.Name, s.Hash))
			}
			return nil, fmt.Errorf("checkpoint: not signed by any known key of %s (signed by %s): %w", origin, strings.Join(by, ", "), gazette.ErrCorrupt)
		}
		return nil, fmt.Errorf("checkpoint: not a signed note: %v: %w", err, gazette.ErrCorrupt)
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return nil, fmt.Errorf("checkpoint: body has fewer than 3 lines: %w", gazette.ErrCorrupt)
	}
	if lines[0] != origin {
		return nil, fmt.Errorf("checkpoint: of log %q, not %q: %w", lines[0], origin, gazette.ErrCorrupt)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return nil, fmt.Errorf("checkpoint: size %q: %w", lines[1], gazette.ErrCorrupt)
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return nil, fmt.Errorf("checkpoint: root hash %q: %w", lines[2], gazette.ErrCorrupt)
	}
	cp := &Checkpoint{Origin: origin, Size: size, Root: tlog.Hash(root), Raw: raw}
	found := false
	for _, s := range n.Sigs {
		if s.Name == origin && !found {
			cp.KeyHash, found = s.Hash, true
			continue
		}
		cp.Cosigners = append(cp.Cosigners, s.Name)
	}
	if !found {
		return nil, fmt.Errorf("checkpoint: no signature by the log %s itself: %w", origin, gazette.ErrCorrupt)
	}
	for _, s := range n.UnverifiedSigs {
		cp.Cosigners = append(cp.Cosigners, s.Name+" (unverified)")
	}
	return cp, nil
}

// CheckConsistency checks that newer extends older: same origin, no
// fewer entries, and, given the consistency proof (tlog.ProveTree from the
// newer tree), the older tree is a prefix of the newer. A failure means
// the log's history was rewritten; the error says how.
func CheckConsistency(older, newer *Checkpoint, proof tlog.TreeProof) error {
	switch {
	case older.Origin != newer.Origin:
		return fmt.Errorf("transparency: checkpoints of two logs (%s, %s): %w", older.Origin, newer.Origin, gazette.ErrInvalid)
	case newer.Size < older.Size:
		return fmt.Errorf("transparency: the newer checkpoint has %d entries, the older %d: the log was truncated (history rewritten): %w", newer.Size, older.Size, gazette.ErrCorrupt)
	case newer.Size == older.Size:
		if newer.Root != older.Root {
			return fmt.Errorf("transparency: two different trees of %d entries: the log's history was rewritten (a fork): %w", newer.Size, gazette.ErrCorrupt)
		}
		return nil
	}
	if err := tlog.CheckTree(proof, newer.Size, newer.Root, older.Size, older.Root); err != nil {
		return fmt.Errorf("transparency: the tree of %d entries is not a prefix of the tree of %d: the log's history was rewritten: %w", older.Size, newer.Size, gazette.ErrCorrupt)
	}
	return nil
}
