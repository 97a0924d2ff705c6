package transparency

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// tilePath is the C2SP tlog-tiles path of t: tile/<L>/<N>[.p/<W>], or
// tile/entries/<N>[.p/<W>] for an entry bundle (t.L == -1). x/mod's own
// paths carry the height (tile/8/...) and say "data": the same tiles.
func tilePath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", t.H))
	if t.L == -1 {
		p = "entries" + strings.TrimPrefix(p, "data")
	}
	return "tile/" + p
}

// parseTilePath parses a C2SP tile or entry bundle path.
func parseTilePath(p string) (tlog.Tile, error) {
	rest, ok := strings.CutPrefix(p, "tile/")
	if !ok {
		return tlog.Tile{}, fmt.Errorf("not a tile path: %q", p)
	}
	if r, ok := strings.CutPrefix(rest, "entries/"); ok {
		rest = "data/" + r
	}
	t, err := tlog.ParseTilePath(fmt.Sprintf("tile/%d/%s", tileHeight, rest))
	if err != nil {
		return tlog.Tile{}, err
	}
	if tilePath(t) != p {
		return tlog.Tile{}, fmt.Errorf("not a canonical tile path: %q", p)
	}
	return t, nil
}

// encodeBundle encodes entries as a C2SP entry bundle: each entry as a
// big-endian uint16 length and its bytes.
func encodeBundle(entries [][]byte) []byte {
	var out []byte
	for _, e := range entries {
		out = binary.BigEndian.AppendUint16(out, uint16(len(e)))
		out = append(out, e...)
	}
	return out
}

// decodeBundle decodes an entry bundle.
func decodeBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("truncated length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("truncated entry")
		}
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out, nil
}
