package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
)

// storageConfig is the storage and index configuration (cli.Storage,
// validated at start-up by loadStorage) with what this process records
// beside the embedded index; open (deps.go) is the only place that opens
// what it names.
type storageConfig struct {
	cli.Storage
	// waitless opens Meilisearch without contacting it, for serve: a
	// server started during a search outage serves reading, and connects
	// the index when Meilisearch answers (see archive.IndexKeeper).
	waitless bool
	// command ("gazette ingest") and addr (serve's) are recorded beside the
	// embedded index while this process holds it, so that another process
	// can say who holds it.
	command, addr string
	// log is the transparency log's configuration (translog.go).
	log logConfig
}

// loadStorage resolves the storage settings (cli.LoadStorage) of the
// command whose flags, with cli.AddStorageFlags, fs has parsed.
func loadStorage(fs *flag.FlagSet, e cli.Env) (storageConfig, error) {
	s, err := cli.LoadStorage(fs, e)
	if err != nil {
		return storageConfig{}, err
	}
	lc, err := loadLogConfig(e)
	return storageConfig{Storage: s, command: fs.Name(), log: lc}, err
}

// openIndex opens the configured search index; close releases it. With
// handoff, an embedded index held by a running server is used through the
// server (handoff.go) instead of failing.
func (c storageConfig) openIndex(ctx context.Context, log *slog.Logger, handoff bool) (idx archive.Index, where string, close func() error, err error) {
	if c.Meili != nil {
		var m *meiliindex.Index
		if c.waitless {
			m, err = meiliindex.Open(*c.Meili)
		} else {
			m, err = meiliindex.New(ctx, *c.Meili)
		}
		if err != nil {
			return nil, "", nil, err
		}
		return m, c.Meili.URL + " index " + c.Meili.Index, func() error { return nil }, nil
	}
	dir := filepath.Join(c.DataDir, "index")
	var dialErr error
	if handoff {
		x, err := dialIndex(ctx, c.DataDir, c.storageID())
		if err == nil {
			return x, dir + " through " + heldBy(c.DataDir), func() error { x.c.CloseIdleConnections(); return nil }, nil
		}
		if errors.Is(err, errOtherStorage) {
			return nil, "", nil, fmt.Errorf("%s is in use by %s: %w", dir, heldBy(c.DataDir), err)
		}
		dialErr = err
	}
	b, err := bleveindex.OpenWith(dir, bleveindex.Options{Log: log})
	if errors.Is(err, bleveindex.ErrFormat) {
		// The index is derived from storage: an index in an older layout is
		// dropped and rebuilt by the reconciler (serve) or by reindex.
		if rerr := os.RemoveAll(dir); rerr != nil {
			return nil, "", nil, fmt.Errorf("%w; removing it: %v", err, rerr)
		}
		b, err = bleveindex.OpenWith(dir, bleveindex.Options{Log: log})
	}
	if errors.Is(err, bleveindex.ErrLocked) {
		msg := fmt.Sprintf("%s is in use by %s", dir, heldBy(c.DataDir))
		h, _ := readHolder(c.DataDir)
		switch {
		case !handoff:
			msg += "; stop it first, or give this command another --data"
		case h.Command == "gazette serve":
			msg += fmt.Sprintf(", whose index socket did not answer (%v): it may still be starting, or could not share its index (see its log); try again", dialErr)
		default:
			msg += "; wait for it to end: only a running gazette serve takes work from other commands"
		}
		return nil, "", nil, fmt.Errorf("%s: %w", msg, bleveindex.ErrLocked)
	}
	if err != nil {
		return nil, "", nil, err
	}
	unrecord, rerr := recordHolder(c.DataDir, indexHolder{PID: os.Getpid(), Command: c.command, Addr: c.addr, Since: time.Now()})
	if rerr != nil {
		log.Warn("cannot record this process as the holder of the index", "err", rerr)
		unrecord = func() {}
	}
	return b, dir, func() error { defer unrecord(); return b.Close() }, nil
}

// shareIndex lets other commands on the same --data use idx, the embedded
// index this server holds (handoff.go); changed is told of every write.
// With Meilisearch there is nothing to share.
func (c storageConfig) shareIndex(idx archive.Index, changed func(), log *slog.Logger) (stop func(), err error) {
	if c.Meili != nil {
		return func() {}, nil
	}
	return shareIndex(c.DataDir, c.storageID(), idx, changed, log)
}

// storageID names the configured storage, for a command to check it runs
// on the storage of the server whose index it uses: under --data, the
// index and local storage are the same directory by construction.
func (c storageConfig) storageID() string {
	if c.S3 != nil {
		return "s3://" + c.S3.Endpoint + "/" + c.S3.Bucket
	}
	return "fsblobs"
}
