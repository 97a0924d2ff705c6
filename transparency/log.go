package transparency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Storage keys of the log, under prefix.
const (
	prefix        = "log/"
	checkpointKey = prefix + "checkpoint"
	stateKey      = prefix + "state.json"
	keysPrefix    = prefix + "keys/"
)

// tileHeight is the C2SP tlog-tiles height: 256 hashes or entries a tile.
const tileHeight = 8

// MaxEntrySize is the largest entry an entry bundle can hold.
const MaxEntrySize = 1<<16 - 1

// Log is the transparency log stored in an archive.Blobs. It implements
// archive.Ledger. Its methods are safe for concurrent use, also by several
// processes or replicas sharing one backend.
type Log struct {
	blobs  archive.Blobs
	origin string
	signer note.Signer // nil: read-only
	known  note.Verifiers
	ring   Keyring
	log    *slog.Logger

	mu        sync.Mutex
	witnessed map[string]int64 // the size each witness last cosigned, as far as this process knows
}

var _ archive.Ledger = (*Log)(nil)

// New returns the log stored in blobs, signing checkpoints with signer
// (see NewSigner) under its name as the origin, and reading checkpoints
// signed by any key of ring (old keys after a rotation). signer may be nil
// for a log that is only read; then ring must name the origin. Errors:
// gazette.ErrInvalid (the signer's key is not in ring, the names differ).
func New(blobs archive.Blobs, signer note.Signer, ring Keyring, log *slog.Logger) (*Log, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Log{blobs: blobs, signer: signer, origin: ring.Origin, log: log, witnessed: map[string]int64{}}
	if signer != nil {
		if ring.Origin == "" {
			ring.Origin = signer.Name()
			l.origin = ring.Origin
		}
		if signer.Name() != ring.Origin {
			return nil, fmt.Errorf("transparency: signing key %q does not match the log origin %q: %w", signer.Name(), ring.Origin, gazette.ErrInvalid)
		}
		if _, ok := ring.find(signer.KeyHash()); !ok {
			return nil, fmt.Errorf("transparency: the signing key is not among the log's public keys: %w", gazette.ErrInvalid)
		}
	}
	if l.origin == "" {
		return nil, fmt.Errorf("transparency: no origin: %w", gazette.ErrInvalid)
	}
	known, err := ring.verifiers()
	if err != nil {
		return nil, err
	}
	l.known, l.ring = known, ring
	return l, nil
}

// Keyring is the log's origin and public keys, to publish.
func (l *Log) Keyring() Keyring { return l.ring }

// Origin is the log's origin line.
func (l *Log) Origin() string { return l.origin }

// state is log/state.json: the integrated tree, which log/checkpoint signs
// (or will once integration completes), and the entries sequenced after
// it, at indexes Size, Size+1, ...
type state struct {
	Format  int       `json:"format"`
	Size    int64     `json:"size"`
	Root    tlog.Hash `json:"root"`
	Pending [][]byte  `json:"pending,omitempty"`
}

const stateFormat = 1

// readState returns the state and its ETag ("" when the log is empty and
// has none yet).
func (l *Log) readState(ctx context.Context) (state, string, error) {
	var st state
	raw, info, err := l.read(ctx, stateKey, 64<<20)
	if errors.Is(err, gazette.ErrNotFound) {
		return state{Format: stateFormat, Root: emptyRoot()}, "", nil
	}
	if err != nil {
		return st, "", err
	}
	if err := json.Unmarshal(raw, &st); err != nil || st.Format != stateFormat || st.Size < 0 {
		return st, "", fmt.Errorf("transparency: %s is not a log state: %w", stateKey, gazette.ErrCorrupt)
	}
	return st, info.ETag, nil
}

// emptyRoot is the root hash of the empty tree: SHA-256 of nothing.
func emptyRoot() tlog.Hash { return tlog.Hash(sha256.Sum256(nil)) }

func (l *Log) putState(ctx context.Context, st state, etag string) (string, error) {
	raw, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	opts := gazette.PutOptions{IfMatch: etag, IfAbsent: etag == "", ContentType: "application/json"}
	info, err := l.blobs.Put(ctx, stateKey, bytes.NewReader(raw), int64(len(raw)), opts)
	if errors.Is(err, gazette.ErrExist) || errors.Is(err, gazette.ErrNotFound) {
		err = gazette.ErrConflict
	}
	return info.ETag, err
}

// read reads a whole object of at most limit bytes.
func (l *Log) read(ctx context.Context, key string, limit int64) ([]byte, gazette.ObjectInfo, error) {
	r, info, err := l.blobs.Open(ctx, key)
	if err != nil {
		return nil, info, err
	}
	defer r.Close()
	if info.Size > limit {
		return nil, info, fmt.Errorf("transparency: %s: %d bytes: %w", key, info.Size, gazette.ErrCorrupt)
	}
	raw, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, info, fmt.Errorf("transparency: read %s: %w", key, err)
	}
	return raw, info, nil
}

// appendAttempts bounds how often an append retries when other writers
// sequence entries at the same moment.
const appendAttempts = 50

func backoff(ctx context.Context, n int) error {
	d := time.Duration(1+rand.IntN(5*(n+1))) * time.Millisecond
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func entryKey(entry []byte) string {
	sum := sha256.Sum256(entry)
	return keysPrefix + hex.EncodeToString(sum[:])
}

// Append adds entry to the log unless the same bytes are logged already,
// and returns its index once a signed checkpoint covers it. Errors:
// gazette.ErrInvalid (empty, longer than MaxEntrySize, or a read-only
// log), gazette.ErrCorrupt (the log's storage was damaged or tampered
// with: nothing is appended then), gazette.ErrConflict (other writers kept
// winning), storage errors.
func (l *Log) Append(ctx context.Context, entry []byte) (int64, error) {
	if len(entry) == 0 || len(entry) > MaxEntrySize {
		return 0, fmt.Errorf("transparency: append: entry of %d bytes (1 to %d): %w", len(entry), MaxEntrySize, gazette.ErrInvalid)
	}
	if l.signer == nil {
		return 0, fmt.Errorf("transparency: append: the log is read-only here (no signing key): %w", gazette.ErrInvalid)
	}
	for n := range appendAttempts {
		if n > 0 {
			if err := backoff(ctx, n); err != nil {
				return 0, err
			}
		}
		st, etag, err := l.readState(ctx)
		if err != nil {
			return 0, fmt.Errorf("transparency: append: %w", err)
		}
		if len(st.Pending) > 0 {
			// Someone sequenced entries and has not integrated them (yet,
			// or ever: it died). Complete them first; ours may be there.
			if err := l.integrate(ctx, st, etag); err != nil {
				return 0, fmt.Errorf("transparency: append: %w", err)
			}
			continue
		}
		idx, err := l.lookup(ctx, entry, tlog.Tree{N: st.Size, Hash: st.Root})
		if err == nil {
			return idx, nil
		} else if !errors.Is(err, gazette.ErrNotFound) {
			return 0, fmt.Errorf("transparency: append: %w", err)
		}
		next := st
		next.Pending = [][]byte{entry}
		netag, err := l.putState(ctx, next, etag)
		if errors.Is(err, gazette.ErrConflict) {
			continue
		} else if err != nil {
			return 0, fmt.Errorf("transparency: append: sequence: %w", err)
		}
		if err := l.integrate(ctx, next, netag); err != nil {
			return 0, fmt.Errorf("transparency: append: entry %d is sequenced but not yet integrated (the next append or Integrate completes it): %w", st.Size, err)
		}
		return st.Size, nil
	}
	return 0, fmt.Errorf("transparency: append: other writers kept sequencing first (%d attempts): %w", appendAttempts, gazette.ErrConflict)
}

// Integrate completes entries sequenced but not integrated, left by a
// writer that died part-way, and brings the checkpoint up to the state.
// Run it at start-up; it is cheap when there is nothing to do. Errors:
// those of Append.
func (l *Log) Integrate(ctx context.Context) error {
	if l.signer == nil {
		return fmt.Errorf("transparency: integrate: the log is read-only here (no signing key): %w", gazette.ErrInvalid)
	}
	st, etag, err := l.readState(ctx)
	if err != nil {
		return fmt.Errorf("transparency: integrate: %w", err)
	}
	if err := l.integrate(ctx, st, etag); err != nil {
		return fmt.Errorf("transparency: integrate: %w", err)
	}
	return nil
}

// integrate writes the tiles, bundles and lookup keys of the entries st
// sequenced, advances the checkpoint to them and clears them from the state
// (if it is still at etag). Every object it writes is a function of the
// entries sequenced, so concurrent integrators write the same bytes.
func (l *Log) integrate(ctx context.Context, st state, etag string) error {
	old := tlog.Tree{N: st.Size, Hash: st.Root}
	size := old.N + int64(len(st.Pending))
	hr := &overlay{base: tlog.StoredHashCount(old.N), under: tlog.TileHashReader(old, l.tiles(ctx))}
	for i, e := range st.Pending {
		hs, err := tlog.StoredHashes(old.N+int64(i), e, hr)
		if err != nil {
			return l.tileErr("hash new entries", err)
		}
		hr.hashes = append(hr.hashes, hs...)
	}
	root, err := tlog.TreeHash(size, hr)
	if err != nil {
		return l.tileErr("tree hash", err)
	}
	for _, t := range tlog.NewTiles(tileHeight, old.N, size) {
		data, err := tlog.ReadTileData(t, hr)
		if err != nil {
			return l.tileErr("tile "+tilePath(t), err)
		}
		if err := l.putImmutable(ctx, prefix+tilePath(t), data); err != nil {
			return err
		}
		if t.L == 0 {
			if err := l.putBundle(ctx, t, old, st.Pending); err != nil {
				return err
			}
		}
	}
	for i, e := range st.Pending {
		if err := l.putImmutable(ctx, entryKey(e), []byte(strconv.FormatInt(old.N+int64(i), 10))); err != nil {
			return err
		}
	}
	if err := l.advance(ctx, tlog.Tree{N: size, Hash: root}); err != nil {
		return err
	}
	l.cosign(ctx, tlog.Tree{N: size, Hash: root})
	if len(st.Pending) == 0 {
		return nil
	}
	_, err = l.putState(ctx, state{Format: stateFormat, Size: size, Root: root}, etag)
	if err != nil && !errors.Is(err, gazette.ErrConflict) { // conflict: another integrator got there
		return fmt.Errorf("record integration: %w", err)
	}
	return nil
}

// tileErr reports a failure to read the log's tiles, which TileHashReader
// checks against the tree: a mismatch means stored tiles were changed.
func (l *Log) tileErr(what string, err error) error {
	if errors.Is(err, gazette.ErrNotFound) || errors.Is(err, gazette.ErrStorageUnavailable) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if strings.Contains(err.Error(), "inconsistent") || strings.Contains(err.Error(), "malformed") {
		return fmt.Errorf("%s: a stored log tile does not match the log's tree (tampered with or damaged): %v: %w", what, err, gazette.ErrCorrupt)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// putBundle writes the entry bundle of level-0 tile t: the entries before
// oldSize from the bundle of the old tree, then the new ones.
func (l *Log) putBundle(ctx context.Context, t tlog.Tile, oldTree tlog.Tree, pending [][]byte) error {
	oldSize := oldTree.N
	start := t.N << tileHeight
	var entries [][]byte
	if have := oldSize - start; have > 0 {
		prev := t
		prev.W = int(have)
		old, err := l.readBundle(ctx, prev)
		if err != nil {
			return err
		}
		// Never carry a damaged entry into the next bundle.
		if err := l.checkLeaves(ctx, oldTree, start, old); err != nil {
			return err
		}
		entries = old
	}
	for i := int64(len(entries)); i < int64(t.W); i++ {
		entries = append(entries, pending[start+i-oldSize])
	}
	data := t
	data.L = -1
	return l.putImmutable(ctx, prefix+tilePath(data), encodeBundle(entries))
}

// readBundle reads and decodes the entry bundle of level-0 tile t.
func (l *Log) readBundle(ctx context.Context, t tlog.Tile) ([][]byte, error) {
	t.L = -1
	raw, _, err := l.read(ctx, prefix+tilePath(t), int64(t.W)*(MaxEntrySize+2))
	if err != nil {
		return nil, fmt.Errorf("entry bundle %s: %w", tilePath(t), err)
	}
	entries, err := decodeBundle(raw)
	if err != nil || len(entries) != t.W {
		return nil, fmt.Errorf("entry bundle %s: not a bundle of %d entries: %w", tilePath(t), t.W, gazette.ErrCorrupt)
	}
	return entries, nil
}

// putImmutable creates an object that, once written, never changes; one
// already there must hold the same bytes.
func (l *Log) putImmutable(ctx context.Context, key string, data []byte) error {
	_, err := l.blobs.Put(ctx, key, bytes.NewReader(data), int64(len(data)),
		gazette.PutOptions{IfAbsent: true, Immutable: true, ContentType: "application/octet-stream"})
	if !errors.Is(err, gazette.ErrExist) {
		if err != nil {
			return fmt.Errorf("write %s: %w", key, err)
		}
		return nil
	}
	have, _, err := l.read(ctx, key, int64(len(data))+1)
	if err != nil {
		return err
	}
	if !bytes.Equal(have, data) {
		return fmt.Errorf("%s holds other bytes than the log's entries give (tampered with or damaged): %w", key, gazette.ErrCorrupt)
	}
	return nil
}

// advance moves log/checkpoint forward to tree, never back.
func (l *Log) advance(ctx context.Context, tree tlog.Tree) error {
	for n := range appendAttempts {
		if n > 0 {
			if err := backoff(ctx, n); err != nil {
				return err
			}
		}
		raw, info, err := l.read(ctx, checkpointKey, 1<<20)
		etag := info.ETag
		switch {
		case errors.Is(err, gazette.ErrNotFound):
			etag = ""
		case err != nil:
			return err
		default:
			cp, err := OpenCheckpoint(raw, l.origin, l.known)
			if err != nil {
				return fmt.Errorf("%s: %w", checkpointKey, err)
			}
			if cp.Size > tree.N {
				return nil
			}
			if cp.Size == tree.N {
				if cp.Root != tree.Hash {
					return fmt.Errorf("%s signs size %d with another root than the log's tiles give: %w", checkpointKey, cp.Size, gazette.ErrCorrupt)
				}
				return nil
			}
		}
		signed, err := l.sign(tree)
		if err != nil {
			return err
		}
		_, err = l.blobs.Put(ctx, checkpointKey, bytes.NewReader(signed), int64(len(signed)),
			gazette.PutOptions{IfMatch: etag, IfAbsent: etag == "", ContentType: "text/plain; charset=utf-8"})
		if errors.Is(err, gazette.ErrExist) || errors.Is(err, gazette.ErrConflict) || errors.Is(err, gazette.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", checkpointKey, err)
		}
		l.log.DebugContext(ctx, "checkpoint advanced", "size", tree.N)
		return nil
	}
	return fmt.Errorf("%s kept changing: %w", checkpointKey, gazette.ErrConflict)
}

// sign returns the signed checkpoint of tree.
func (l *Log) sign(tree tlog.Tree) ([]byte, error) {
	signed, err := note.Sign(&note.Note{Text: checkpointBody(l.origin, tree)}, l.signer)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	return signed, nil
}

// lookup returns the index of entry in tree, checked against the entry at
// that index. Errors: gazette.ErrNotFound, gazette.ErrCorrupt.
func (l *Log) lookup(ctx context.Context, entry []byte, tree tlog.Tree) (int64, error) {
	raw, _, err := l.read(ctx, entryKey(entry), 32)
	if err != nil {
		return 0, err
	}
	idx, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || idx < 0 {
		return 0, fmt.Errorf("%s is not an index: %w", entryKey(entry), gazette.ErrCorrupt)
	}
	if idx >= tree.N {
		// Written by an integration whose state was not recorded (it is
		// being completed): not logged as far as tree goes.
		return 0, fmt.Errorf("entry %d beyond the tree of %d: %w", idx, tree.N, gazette.ErrNotFound)
	}
	got, err := l.entryAt(ctx, tree, idx)
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(got, entry) {
		return 0, fmt.Errorf("%s points at entry %d, which is another entry: %w", entryKey(entry), idx, gazette.ErrCorrupt)
	}
	return idx, nil
}

// entryAt reads entry idx of tree from its bundle and checks it against
// the tree's hashes.
func (l *Log) entryAt(ctx context.Context, tree tlog.Tree, idx int64) ([]byte, error) {
	t := tlog.TileForIndex(tileHeight, tlog.StoredHashIndex(0, idx))
	t.W = int(min(int64(1)<<tileHeight, tree.N-t.N<<tileHeight))
	entries, err := l.readBundle(ctx, t)
	if err != nil {
		return nil, err
	}
	e := entries[idx-t.N<<tileHeight]
	if err := l.checkLeaves(ctx, tree, idx, [][]byte{e}); err != nil {
		return nil, err
	}
	return e, nil
}

// checkLeaves checks that entries, from index start on, are the leaves of
// tree.
func (l *Log) checkLeaves(ctx context.Context, tree tlog.Tree, start int64, entries [][]byte) error {
	idx := make([]int64, len(entries))
	for i := range entries {
		idx[i] = tlog.StoredHashIndex(0, start+int64(i))
	}
	hs, err := tlog.TileHashReader(tree, l.tiles(ctx)).ReadHashes(idx)
	if err != nil {
		return l.tileErr("read leaf hashes", err)
	}
	for i, e := range entries {
		if tlog.RecordHash(e) != hs[i] {
			return fmt.Errorf("entry %d in its bundle does not match the log's tree (tampered with or damaged): %w", start+int64(i), gazette.ErrCorrupt)
		}
	}
	return nil
}

// Lookup returns the index of entry if a signed checkpoint covers it.
// Errors: gazette.ErrNotFound, gazette.ErrCorrupt, storage errors.
func (l *Log) Lookup(ctx context.Context, entry []byte) (int64, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return 0, err
	}
	idx, err := l.lookup(ctx, entry, cp.Tree())
	if err != nil {
		return 0, fmt.Errorf("transparency: lookup: %w", err)
	}
	return idx, nil
}

// Entries calls fn with every entry the signed checkpoint covers, in
// order, each checked against the tree. Errors: gazette.ErrCorrupt, storage
// errors, and what fn returns.
func (l *Log) Entries(ctx context.Context, fn func(index int64, entry []byte) error) error {
	cp, err := l.Checkpoint(ctx)
	if errors.Is(err, gazette.ErrNotFound) {
		return nil // nothing logged yet
	}
	if err != nil {
		return err
	}
	return l.entriesFrom(ctx, cp.Tree(), 0, fn)
}

// entriesFrom calls fn with the entries of tree from index from on, each
// checked against the tree.
func (l *Log) entriesFrom(ctx context.Context, tree tlog.Tree, from int64, fn func(index int64, entry []byte) error) error {
	for start := from &^ (1<<tileHeight - 1); start < tree.N; start += 1 << tileHeight {
		t := tlog.TileForIndex(tileHeight, tlog.StoredHashIndex(0, start))
		t.W = int(min(int64(1)<<tileHeight, tree.N-start))
		entries, err := l.readBundle(ctx, t)
		if err != nil {
			return fmt.Errorf("transparency: entries: %w", err)
		}
		if err := l.checkLeaves(ctx, tree, start, entries); err != nil {
			return fmt.Errorf("transparency: entries: %w", err)
		}
		for i, e := range entries {
			if start+int64(i) < from {
				continue
			}
			if err := fn(start+int64(i), e); err != nil {
				return err
			}
		}
	}
	return nil
}

// Checkpoint returns the log's current signed checkpoint, its signature
// checked. Errors: gazette.ErrNotFound (nothing logged yet),
// gazette.ErrCorrupt (a checkpoint that does not verify), storage errors.
func (l *Log) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	raw, _, err := l.read(ctx, checkpointKey, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("transparency: checkpoint: %w", err)
	}
	cp, err := OpenCheckpoint(raw, l.origin, l.known)
	if err != nil {
		return nil, fmt.Errorf("transparency: %s: %w", checkpointKey, err)
	}
	return cp, nil
}

// Prove returns the proof that entry is in the log, to the current
// checkpoint. Errors: gazette.ErrNotFound (not logged), gazette.ErrCorrupt,
// storage errors.
func (l *Log) Prove(ctx context.Context, entry []byte) (*Proof, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	idx, err := l.lookup(ctx, entry, cp.Tree())
	if err != nil {
		return nil, fmt.Errorf("transparency: prove: %w", err)
	}
	p, err := tlog.ProveRecord(cp.Size, idx, tlog.TileHashReader(cp.Tree(), l.tiles(ctx)))
	if err != nil {
		return nil, fmt.Errorf("transparency: prove entry %d: %w", idx, l.tileErr("read tiles", err))
	}
	return &Proof{Entry: entry, Index: idx, Hashes: p, Checkpoint: cp.Raw}, nil
}

// ProveConsistency returns the hashes that prove the current checkpoint
// extends the tree of size oldSize. Errors: gazette.ErrInvalid (oldSize
// beyond the current size), gazette.ErrCorrupt, storage errors.
func (l *Log) ProveConsistency(ctx context.Context, oldSize int64) (tlog.TreeProof, *Checkpoint, error) {
	cp, err := l.Checkpoint(ctx)
	if err != nil {
		return nil, nil, err
	}
	if oldSize < 0 || oldSize > cp.Size {
		return nil, nil, fmt.Errorf("transparency: consistency from size %d: the log has %d entries: %w", oldSize, cp.Size, gazette.ErrInvalid)
	}
	p, err := tlog.ProveTree(cp.Size, oldSize, tlog.TileHashReader(cp.Tree(), l.tiles(ctx)))
	if err != nil {
		return nil, nil, fmt.Errorf("transparency: consistency proof: %w", l.tileErr("read tiles", err))
	}
	return p, cp, nil
}

// Object returns a public object of the log by its path under the log's
// URL prefix: "checkpoint", "tile/<L>/<N>[.p/<W>]" or
// "tile/entries/<N>[.p/<W>]", with whether it is immutable (tiles) or
// changes (the checkpoint). The caller closes it. Errors:
// gazette.ErrNotFound (no such object, or a path the log does not serve).
func (l *Log) Object(ctx context.Context, path string) (io.ReadSeekCloser, gazette.ObjectInfo, bool, error) {
	if path != "checkpoint" {
		if _, err := parseTilePath(path); err != nil {
			return nil, gazette.ObjectInfo{}, false, fmt.Errorf("transparency: %q: %w", path, gazette.ErrNotFound)
		}
	}
	r, info, err := l.blobs.Open(ctx, prefix+path)
	if err != nil {
		return nil, info, false, fmt.Errorf("transparency: %s: %w", path, err)
	}
	return r, info, path != "checkpoint", nil
}

// overlay reads stored hashes from index base on from hashes, computed
// but not yet stored, and the ones before from under.
type overlay struct {
	base   int64
	hashes []tlog.Hash
	under  tlog.HashReader
}

func (o *overlay) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var old []int64
	var at []int
	for i, x := range indexes {
		if x >= o.base {
			if x-o.base >= int64(len(o.hashes)) {
				return nil, fmt.Errorf("hash %d not computed: %w", x, gazette.ErrInvalid)
			}
			out[i] = o.hashes[x-o.base]
			continue
		}
		old, at = append(old, x), append(at, i)
	}
	if len(old) > 0 {
		hs, err := o.under.ReadHashes(old)
		if err != nil {
			return nil, err
		}
		for j, i := range at {
			out[i] = hs[j]
		}
	}
	return out, nil
}

// blobTiles reads hash tiles from the log's storage for tlog.
type blobTiles struct {
	ctx context.Context
	l   *Log
}

func (l *Log) tiles(ctx context.Context) tlog.TileReader { return blobTiles{ctx, l} }

func (b blobTiles) Height() int { return tileHeight }

func (b blobTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		raw, _, err := b.l.read(b.ctx, prefix+tilePath(t), int64(t.W)*tlog.HashSize+1)
		if err != nil {
			return nil, err
		}
		if len(raw) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("log tile %s holds %d bytes, want %d (tampered with or damaged): %w", tilePath(t), len(raw), t.W*tlog.HashSize, gazette.ErrCorrupt)
		}
		out[i] = raw
	}
	return out, nil
}

func (blobTiles) SaveTiles([]tlog.Tile, [][]byte) {}
