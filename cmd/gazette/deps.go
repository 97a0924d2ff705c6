package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/transparency"
)

// deps is what a command runs on, opened once from one storageConfig: the
// storage, the search index (unless the command needs none) and the
// archive over them. Close closes all of it, once. A command shares these
// with everything it builds (editorial services, the ingest ledger, the
// demo) rather than opening storage again.
type deps struct {
	blobs   archive.Blobs
	index   archive.Index    // nil when opened without an index
	archive *archive.Archive // nil when opened without an index
	// ledger is the transparency log the archive appends to; nil when no
	// signing key is configured (translog.go).
	ledger *transparency.Log
	where  string // the storage and the index, for the log

	closers   []func() error // in the order opened
	closeOnce sync.Once
	closeErr  error
}

// openOptions says what open opens beside the storage.
type openOptions struct {
	// index opens the search index and the archive over storage and it.
	index bool
	// handoff, with index: an embedded index held by a running server is
	// used through the server (handoff.go) instead of failing.
	handoff bool
}

// open opens the configured storage and, as o says, the search index and
// the archive over them. On error everything it opened is closed again.
func (c storageConfig) open(ctx context.Context, log *slog.Logger, o openOptions) (_ *deps, err error) {
	d := &deps{}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if d.blobs, d.where, err = c.openBlobs(ctx); err != nil {
		return nil, fmt.Errorf("storage: %w", err)
	}
	if closer, ok := d.blobs.(io.Closer); ok {
		d.closers = append(d.closers, closer.Close)
	}
	if !o.index {
		return d, nil
	}
	idx, iwhere, iclose, err := c.openIndex(ctx, log, o.handoff)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	d.closers = append(d.closers, iclose)
	d.index, d.where = idx, d.where+", index "+iwhere
	if d.ledger, err = c.log.openLedger(ctx, d.blobs, log); err != nil {
		return nil, err
	}
	var opts []archive.Option
	if d.ledger != nil {
		opts = append(opts, archive.WithLedger(d.ledger))
	}
	d.archive = archive.New(d.blobs, idx, log, opts...)
	return d, nil
}

// openBlobs opens the configured storage; only open calls it.
func (c storageConfig) openBlobs(ctx context.Context) (archive.Blobs, string, error) {
	switch c.Kind {
	case cli.StorageS3:
		b, err := s3blobs.New(ctx, *c.S3)
		if err != nil {
			return nil, "", err
		}
		return b, "s3://" + c.S3.Endpoint + "/" + c.S3.Bucket, nil
	case cli.StorageLocal:
		b, err := fsblobs.Open(c.DataDir)
		if err != nil {
			return nil, "", err
		}
		return b, c.DataDir, nil
	}
	return nil, "", fmt.Errorf("GAZETTE_STORAGE %q: unknown kind of storage", c.Kind)
}

// Close closes what open opened, the last opened first, and returns their
// errors joined. It closes once: later calls return the same result.
func (d *deps) Close() error {
	d.closeOnce.Do(func() {
		var errs []error
		for i := len(d.closers) - 1; i >= 0; i-- {
			errs = append(errs, d.closers[i]())
		}
		d.closeErr = errors.Join(errs...)
	})
	return d.closeErr
}
