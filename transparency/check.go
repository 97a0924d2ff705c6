package transparency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/gazette-archive/gazette/gazette"
)

// Audit is what Log.Audit read and found.
type Audit struct {
	// Checkpoint is the current signed checkpoint; nil when it is missing
	// or does not verify (a problem is reported then).
	Checkpoint *Checkpoint
	Objects    int   // stored objects of the log read
	Bytes      int64 // their bytes
}

// Audit checks the log as stored, for a fixity audit (package preserve):
// the checkpoint's signature under a known key; every stored hash tile
// against the tree the checkpoint signs (so that the tiles hash to its
// root); every entry bundle against the tree's leaves, and that none the
// tree needs is missing; every lookup key against the entry it points at;
// and, when older is given (a checkpoint seen before), that the current
// checkpoint extends it: that the log was not rewritten. It calls entry
// with every entry the checkpoint covers, in order, as read from the
// bundles (a problem is reported when they do not hash to the signed
// root), and problem with every
// object found damaged, naming the storage key and why (errors wrap
// gazette.ErrCorrupt or gazette.ErrNotFound). It returns an error only when
// storage cannot be read. Safe for concurrent use.
func (l *Log) Audit(ctx context.Context, older *Checkpoint, entry func(index int64, text []byte), problem func(key string, err error)) (Audit, error) {
	var a Audit
	raw, _, err := l.read(ctx, checkpointKey, 1<<20)
	if errors.Is(err, gazette.ErrNotFound) {
		if older != nil && older.Size > 0 {
			problem(checkpointKey, fmt.Errorf("the log's checkpoint is gone, but a checkpoint of %d entries was seen before: %w", older.Size, gazette.ErrNotFound))
		}
		return a, nil // nothing logged yet
	}
	if err != nil {
		return a, err
	}
	a.Objects, a.Bytes = 1, int64(len(raw))
	cp, err := OpenCheckpoint(raw, l.origin, l.known)
	if err != nil {
		problem(checkpointKey, err)
		return a, nil
	}
	a.Checkpoint = cp
	tree := cp.Tree()
	if older != nil {
		if err := ConsistencyFrom(ctx, l.blobFetcher(), older, cp); err != nil {
			problem(checkpointKey, fmt.Errorf("the log was rewritten: it does not extend the checkpoint of %d entries seen before (root %s): %w",
				older.Size, older.Root, errAs(err)))
		}
	}
	hr := tlog.TileHashReader(tree, l.tiles(ctx))
	// The entries, read from their bundles, give every hash of the tree
	// independently of the stored hash tiles: if they hash to the signed
	// root, each stored tile and bundle is compared with them, which names
	// the damaged one; if not, the tiles are checked against the root
	// instead, and the bundles against the tiles.
	mem := memHashes{}
	sums := map[int64]string{} // index → SHA-256 of the entry, for the lookup keys
	entriesOK := true
	for start := int64(0); start < tree.N; start += 1 << tileHeight {
		t := tlog.TileForIndex(tileHeight, tlog.StoredHashIndex(0, start))
		t.W = int(min(int64(1)<<tileHeight, tree.N-start))
		entries, err := l.readBundle(ctx, t)
		if err != nil {
			if !errors.Is(err, gazette.ErrCorrupt) && !errors.Is(err, gazette.ErrNotFound) {
				return a, err
			}
			t.L = -1
			problem(prefix+tilePath(t), err)
			entriesOK = false
			break
		}
		for i, e := range entries {
			hs, err := tlog.StoredHashes(start+int64(i), e, mem)
			if err != nil {
				return a, err
			}
			mem = append(mem, hs...)
			s := sha256.Sum256(e)
			sums[start+int64(i)] = hex.EncodeToString(s[:])
			entry(start+int64(i), e)
		}
	}
	rootOK := false
	if entriesOK {
		root, err := tlog.TreeHash(tree.N, mem)
		if err != nil {
			return a, err
		}
		rootOK = root == tree.Hash
	}
	pinned := false // a damaged tile or bundle was named
	// The tiles the tree needs, each to be found among the stored ones.
	need := map[string]bool{}
	for _, t := range tlog.NewTiles(tileHeight, 0, tree.N) {
		need[prefix+tilePath(t)] = true
		if t.L == 0 {
			t.L = -1
			need[prefix+tilePath(t)] = true
		}
	}
	objs, err := l.blobs.List(ctx, prefix+"tile/")
	if err != nil {
		return a, err
	}
	for _, o := range objs {
		delete(need, o.Key)
		a.Objects++
		a.Bytes += o.Size
		t, err := parseTilePath(strings.TrimPrefix(o.Key, prefix))
		if err != nil {
			problem(o.Key, fmt.Errorf("not a tile of the log: %w", gazette.ErrCorrupt))
			continue
		}
		start := t.N << tileHeight
		if t.L == -1 {
			if start+int64(t.W) > tree.N {
				continue // sequenced after the checkpoint: the next integration checks it
			}
			entries, err := l.readBundle(ctx, t)
			if err == nil {
				if rootOK {
					for i, e := range entries {
						if tlog.RecordHash(e) != mem[tlog.StoredHashIndex(0, start+int64(i))] {
							err = fmt.Errorf("entry %d does not hash to the checkpoint's root (tampered with or damaged): %w", start+int64(i), gazette.ErrCorrupt)
							break
						}
					}
				} else {
					err = l.checkLeaves(ctx, tree, start, entries)
				}
			}
			if err != nil {
				problem(o.Key, errAs(err))
				pinned = true
			}
			continue
		}
		// A hash tile: it must hold what the tree gives for it.
		if (start+int64(t.W))<<(uint(t.L)*tileHeight) > tree.N {
			continue // beyond the checkpoint
		}
		have, _, err := l.read(ctx, o.Key, int64(t.W)*tlog.HashSize+1)
		if err != nil {
			return a, err
		}
		var want []byte
		if rootOK {
			want, err = tlog.ReadTileData(t, mem)
		} else {
			want, err = tlog.ReadTileData(t, hr)
		}
		if err == nil && !bytes.Equal(have, want) {
			err = fmt.Errorf("the tile does not hash to the checkpoint's root (tampered with or damaged): %w", gazette.ErrCorrupt)
		}
		if err != nil {
			problem(o.Key, errAs(err))
			pinned = true
		}
	}
	for key := range need {
		problem(key, fmt.Errorf("a tile the checkpoint's tree needs is missing: %w", gazette.ErrNotFound))
		pinned = true
	}
	if entriesOK && !rootOK && !pinned {
		problem(checkpointKey, fmt.Errorf("the log's entries do not hash to the checkpoint's root: %w", gazette.ErrCorrupt))
	}
	keys, err := l.blobs.List(ctx, keysPrefix)
	if err != nil {
		return a, err
	}
	for _, o := range keys {
		a.Objects++
		a.Bytes += o.Size
		raw, _, err := l.read(ctx, o.Key, 32)
		if err != nil {
			return a, err
		}
		idx, perr := strconv.ParseInt(string(raw), 10, 64)
		switch {
		case perr != nil || idx < 0:
			problem(o.Key, fmt.Errorf("not an entry index: %w", gazette.ErrCorrupt))
		case idx >= tree.N:
			// Sequenced after the checkpoint.
		case sums[idx] != "" && sums[idx] != strings.TrimPrefix(o.Key, keysPrefix):
			problem(o.Key, fmt.Errorf("points at entry %d, which is another entry: %w", idx, gazette.ErrCorrupt))
		}
	}
	return a, nil
}

// errAs keeps err when it already says corrupt or not found, and marks it
// corrupt otherwise.
func errAs(err error) error {
	if errors.Is(err, gazette.ErrCorrupt) || errors.Is(err, gazette.ErrNotFound) {
		return err
	}
	return fmt.Errorf("%v: %w", err, gazette.ErrCorrupt)
}

// blobFetcher reads the log's public objects from its own storage, for
// ConsistencyFrom.
func (l *Log) blobFetcher() TileFetcher {
	return func(ctx context.Context, path string) ([]byte, error) {
		raw, _, err := l.read(ctx, prefix+path, 1<<20)
		return raw, err
	}
}

// memHashes are stored hashes computed in memory, by stored hash index.
type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("hash %d not computed: %w", x, gazette.ErrInvalid)
		}
		out[i] = m[x]
	}
	return out, nil
}
