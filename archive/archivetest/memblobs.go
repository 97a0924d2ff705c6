package archivetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// MemBlobs is an in-memory archive.Blobs for tests of the layers above
// storage. It passes TestBlobs. The zero value is not usable: call NewMemBlobs.
type MemBlobs struct {
	mu   sync.Mutex
	objs map[string]memObject
	gen  int
}

type memObject struct {
	data      []byte
	info      gazette.ObjectInfo
	immutable bool
}

// NewMemBlobs returns an empty store.
func NewMemBlobs() *MemBlobs { return &MemBlobs{objs: map[string]memObject{}} }

// Put implements archive.Blobs.
func (m *MemBlobs) Put(ctx context.Context, key string, r io.Reader, size int64, opts gazette.PutOptions) (gazette.ObjectInfo, error) {
	if err := checkCall(ctx, key); err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put: %w", err)
	}
	if size < 0 {
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put %q: negative size: %w", key, gazette.ErrInvalid)
	}
	data, err := io.ReadAll(io.LimitReader(r, size+1))
	if err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put %q: %w", key, err)
	}
	if int64(len(data)) != size {
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put %q: read %d bytes, size says %d: %w", key, len(data), size, gazette.ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, exists := m.objs[key]
	switch {
	case opts.IfAbsent && exists:
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put %q: %w", key, gazette.ErrExist)
	case exists && old.immutable:
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put %q: %w", key, gazette.ErrImmutable)
	case opts.IfMatch != "" && !exists:
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put %q: %w", key, gazette.ErrNotFound)
	case opts.IfMatch != "" && old.info.ETag != opts.IfMatch:
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: put %q: %w", key, gazette.ErrConflict)
	}
	m.gen++
	o := memObject{
		data:      bytes.Clone(data),
		info:      gazette.ObjectInfo{Key: key, Size: size, ETag: "m" + strconv.Itoa(m.gen), Modified: time.Now()},
		immutable: opts.Immutable,
	}
	m.objs[key] = o
	return o.info, nil
}

// Open implements archive.Blobs.
func (m *MemBlobs) Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	o, err := m.get(ctx, key)
	if err != nil {
		return nil, gazette.ObjectInfo{}, fmt.Errorf("memblobs: open: %w", err)
	}
	return nopCloser{bytes.NewReader(o.data)}, o.info, nil
}

// Stat implements archive.Blobs.
func (m *MemBlobs) Stat(ctx context.Context, key string) (gazette.ObjectInfo, error) {
	o, err := m.get(ctx, key)
	if err != nil {
		return gazette.ObjectInfo{}, fmt.Errorf("memblobs: stat: %w", err)
	}
	return o.info, nil
}

func (m *MemBlobs) get(ctx context.Context, key string) (memObject, error) {
	if err := checkCall(ctx, key); err != nil {
		return memObject{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objs[key]
	if !ok {
		return memObject{}, fmt.Errorf("%q: %w", key, gazette.ErrNotFound)
	}
	return o, nil
}

// List implements archive.Blobs.
func (m *MemBlobs) List(ctx context.Context, prefix string) ([]gazette.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []gazette.ObjectInfo
	for k, o := range m.objs {
		if strings.HasPrefix(k, prefix) {
			out = append(out, o.info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete implements archive.Blobs.
func (m *MemBlobs) Delete(ctx context.Context, key, ifMatch string) error {
	if err := checkCall(ctx, key); err != nil {
		return fmt.Errorf("memblobs: delete: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objs[key]
	switch {
	case !ok:
		return fmt.Errorf("memblobs: delete %q: %w", key, gazette.ErrNotFound)
	case o.immutable:
		return fmt.Errorf("memblobs: delete %q: %w", key, gazette.ErrImmutable)
	case ifMatch != "" && ifMatch != o.info.ETag:
		return fmt.Errorf("memblobs: delete %q: %w", key, gazette.ErrConflict)
	}
	delete(m.objs, key)
	return nil
}

// Ping implements archive.Blobs.
func (m *MemBlobs) Ping(ctx context.Context) error { return ctx.Err() }

func checkCall(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return gazette.CheckKey(key)
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
