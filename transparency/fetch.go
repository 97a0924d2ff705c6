package transparency

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"golang.org/x/mod/sumdb/tlog"
)

// TileFetcher returns a public object of a log by its path under the log's
// prefix ("tile/0/000.p/5", ...): from the log's URL, or from a copy of it
// on disk. Errors: gazette.ErrNotFound.
type TileFetcher func(ctx context.Context, path string) ([]byte, error)

// maxTile bounds what is read as one tile.
const maxTile = 1 << 20

// HTTPTiles fetches from the log served under prefix (e.g.
// "https://gazette.example.gov.cn/log/").
func HTTPTiles(client *http.Client, prefix string) TileFetcher {
	prefix = strings.TrimSuffix(prefix, "/") + "/"
	return func(ctx context.Context, path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, prefix+path, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", prefix+path, err)
		}
		defer resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotFound:
			return nil, fmt.Errorf("fetch %s: %w", prefix+path, gazette.ErrNotFound)
		case resp.StatusCode != http.StatusOK:
			return nil, fmt.Errorf("fetch %s: %s", prefix+path, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, maxTile))
	}
}

// DirTiles reads from a copy of the log in the C2SP layout under dir (a
// mirror, or the log/ directory of a local archive's objects).
func DirTiles(dir string) TileFetcher {
	return func(_ context.Context, path string) ([]byte, error) {
		raw, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", path, gazette.ErrNotFound)
		}
		return raw, err
	}
}

// fetchedTiles adapts a TileFetcher to tlog.TileReader.
type fetchedTiles struct {
	ctx   context.Context
	fetch TileFetcher
}

func (f fetchedTiles) Height() int { return tileHeight }

func (f fetchedTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		raw, err := f.fetch(f.ctx, tilePath(t))
		if err != nil {
			return nil, err
		}
		if len(raw) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("log tile %s holds %d bytes, want %d: %w", tilePath(t), len(raw), t.W*tlog.HashSize, gazette.ErrCorrupt)
		}
		out[i] = raw
	}
	return out, nil
}

func (fetchedTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// ConsistencyFrom proves, from the tiles of the newer tree as fetch gets
// them (checked against newer's root as they are read), that newer extends
// older, and checks it (CheckConsistency). A failure means the log's
// history was rewritten, or the tiles fetched do not match newer.
func ConsistencyFrom(ctx context.Context, fetch TileFetcher, older, newer *Checkpoint) error {
	if older.Origin != newer.Origin || newer.Size <= older.Size {
		return CheckConsistency(older, newer, nil)
	}
	p, err := tlog.ProveTree(newer.Size, older.Size, tlog.TileHashReader(newer.Tree(), fetchedTiles{ctx, fetch}))
	if err != nil {
		if errors.Is(err, gazette.ErrNotFound) || errors.Is(err, gazette.ErrCorrupt) {
			return fmt.Errorf("transparency: consistency: %w", err)
		}
		return fmt.Errorf("transparency: consistency: the log's tiles do not match the newer checkpoint: %v: %w", err, gazette.ErrCorrupt)
	}
	return CheckConsistency(older, newer, p)
}
