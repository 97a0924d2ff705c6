package preserve

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// record stores a run: its events first, then its summary, so that a run
// listed has its events.
func (a Auditor) record(ctx context.Context, run *Run, events []Event) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, e := range events {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("preserve: record run: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("preserve: record run: %w", err)
	}
	opts := gazette.PutOptions{IfAbsent: true, ContentType: "application/gzip"}
	if _, err := a.Blobs.Put(ctx, eventsKey(run.ID), &buf, int64(buf.Len()), opts); err != nil {
		return fmt.Errorf("preserve: record run %s: %w", run.ID, err)
	}
	raw, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return err
	}
	opts.ContentType = "application/json"
	if _, err := a.Blobs.Put(ctx, runKey(run.ID), bytes.NewReader(raw), int64(len(raw)), opts); err != nil {
		return fmt.Errorf("preserve: record run %s: %w", run.ID, err)
	}
	return nil
}

// Runs returns the recorded audit runs, the newest first, at most limit
// of them (0: all). Errors: storage errors, gazette.ErrCorrupt for a run
// record that does not decode.
func Runs(ctx context.Context, b archive.Blobs, limit int) ([]Run, error) {
	objs, err := b.List(ctx, "fixity/")
	if err != nil {
		return nil, fmt.Errorf("preserve: runs: %w", err)
	}
	var keys []string
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".json") {
			keys = append(keys, o.Key)
		}
	}
	slices.Reverse(keys) // IDs are times: the newest last in key order
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	runs := make([]Run, 0, len(keys))
	for _, k := range keys {
		raw, err := readAll(ctx, b, k, 64<<20)
		if errors.Is(err, gazette.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("preserve: runs: %w", err)
		}
		var r Run
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("preserve: run %s: %v: %w", k, err, gazette.ErrCorrupt)
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// Events calls fn with every event of the recorded run id, in order.
// Errors: gazette.ErrNotFound (no such run), gazette.ErrInvalid (a
// malformed id), gazette.ErrCorrupt, storage errors.
func Events(ctx context.Context, b archive.Blobs, id string, fn func(Event) error) error {
	if id == "" || strings.ContainsAny(id, "/\\") || strings.Contains(id, "..") {
		return fmt.Errorf("preserve: run %q: %w", id, gazette.ErrInvalid)
	}
	r, _, err := b.Open(ctx, eventsKey(id))
	if err != nil {
		return fmt.Errorf("preserve: run %s: %w", id, err)
	}
	defer r.Close()
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("preserve: run %s: %v: %w", id, err, gazette.ErrCorrupt)
	}
	dec := json.NewDecoder(zr)
	for {
		var e Event
		if err := dec.Decode(&e); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("preserve: run %s: %v: %w", id, err, gazette.ErrCorrupt)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}
