package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/archive/s3blobs"
)

// env is the process environment, injected so tests can set it.
type env struct {
	getenv   func(string) string
	readFile func(string) ([]byte, error)
}

// errUsage reports a command line that was wrong; the flag package has
// already said why.
var errUsage = errors.New("usage")

// newFlags returns a flag set that reports to stderr and does not exit.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gazette "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses args, mapping -h and bad flags to errUsage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	return nil
}

// setting resolves one setting: the flag if given on the command line, else
// the environment variable if set, else the flag's default.
func setting(fs *flag.FlagSet, e env, flagName, envName string) string {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == flagName })
	if f := fs.Lookup(flagName); f != nil && given {
		return f.Value.String()
	}
	if v := e.getenv(envName); v != "" {
		return v
	}
	if f := fs.Lookup(flagName); f != nil {
		return f.DefValue
	}
	return ""
}

// secret reads a secret from NAME or from the file NAME_FILE names (for
// Docker and Kubernetes secrets); setting both is an error.
func secret(e env, name string) (string, error) {
	v, file := e.getenv(name), e.getenv(name+"_FILE")
	switch {
	case v != "" && file != "":
		return "", fmt.Errorf("%s and %s_FILE are both set: set one", name, name)
	case file != "":
		raw, err := e.readFile(file)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimRight(string(raw), "\r\n"), nil
	}
	return v, nil
}

// The kinds of storage GAZETTE_STORAGE (--storage) names.
const (
	storageLocal = "local" // fsblobs under --data / GAZETTE_DATA: the embedded default
	storageS3    = "s3"    // s3blobs on MinIO or another S3, configured by GAZETTE_S3_*
)

// s3Variables are the settings of S3 storage other than its endpoint.
var s3Variables = []string{"GAZETTE_S3_BUCKET", "GAZETTE_S3_ACCESS_KEY", "GAZETTE_S3_ACCESS_KEY_FILE",
	"GAZETTE_S3_SECRET_KEY", "GAZETTE_S3_SECRET_KEY_FILE", "GAZETTE_S3_REGION", "GAZETTE_S3_SECURE",
	"GAZETTE_S3_TIMEOUT", "GAZETTE_S3_STALL_TIMEOUT"}

// storageConfig is the one configuration of the archive's storage and
// search index, resolved and validated at start-up by loadStorage; open
// (deps.go) is the only place that opens what it names.
//
// The kind of storage is explicit: GAZETTE_STORAGE (or --storage) is
// "local" (the default: a directory, --data / GAZETTE_DATA) or "s3"
// (MinIO or another S3: GAZETTE_S3_ENDPOINT, GAZETTE_S3_BUCKET and the
// keys are then required). S3 is never chosen because an endpoint happens
// to be set: GAZETTE_S3_* without GAZETTE_STORAGE=s3 is refused with an
// error that says to set it, so that a configuration written for the
// former implicit choice fails at start-up instead of running on the
// wrong storage.
type storageConfig struct {
	kind    string // storageLocal or storageS3
	dataDir string
	s3      *s3blobs.Config    // set when kind is storageS3
	meili   *meiliindex.Config // nil: the embedded bleve index under dataDir
	// waitless opens Meilisearch without contacting it, for serve: a
	// server started during a search outage serves reading, and connects
	// the index when Meilisearch answers (see archive.IndexKeeper).
	waitless bool
	// command ("gazette ingest") and addr (serve's) are recorded beside the
	// embedded index while this process holds it, so that another process
	// can say who holds it.
	command, addr string
}

// addStorageFlags registers --data and --storage on fs.
func addStorageFlags(fs *flag.FlagSet) {
	fs.String("data", "./data", "data directory of the embedded default storage, and of the embedded index (env GAZETTE_DATA)")
	fs.String("storage", storageLocal, "where the archive's objects live: local (under --data) or s3 (GAZETTE_S3_*) (env GAZETTE_STORAGE)")
}

// loadStorage resolves the storage settings after fs is parsed. Every error
// names the setting at fault.
func loadStorage(fs *flag.FlagSet, e env) (storageConfig, error) {
	c := storageConfig{command: fs.Name()}
	c.dataDir = setting(fs, e, "data", "GAZETTE_DATA")
	if c.dataDir == "" {
		return c, fmt.Errorf("--data / GAZETTE_DATA: empty")
	}
	if err := c.loadMeili(e); err != nil {
		return c, err
	}
	c.kind = setting(fs, e, "storage", "GAZETTE_STORAGE")
	kindGiven := e.getenv("GAZETTE_STORAGE") != ""
	fs.Visit(func(f *flag.Flag) { kindGiven = kindGiven || f.Name == "storage" })
	endpoint := e.getenv("GAZETTE_S3_ENDPOINT")
	switch c.kind {
	case storageLocal:
		if endpoint != "" && !kindGiven {
			return c, fmt.Errorf("GAZETTE_S3_ENDPOINT is set but GAZETTE_STORAGE is not: set GAZETTE_STORAGE=s3 to use S3 (it is no longer chosen by the endpoint alone), or unset GAZETTE_S3_ENDPOINT for local storage under --data")
		}
		for _, name := range append([]string{"GAZETTE_S3_ENDPOINT"}, s3Variables...) {
			if e.getenv(name) != "" {
				return c, fmt.Errorf("%s is set but GAZETTE_STORAGE is %q: set GAZETTE_STORAGE=s3 to use S3, or unset %s", name, storageLocal, name)
			}
		}
		return c, nil
	case storageS3:
	default:
		return c, fmt.Errorf("--storage / GAZETTE_STORAGE: want %q or %q, got %q", storageLocal, storageS3, c.kind)
	}
	if endpoint == "" {
		return c, fmt.Errorf("GAZETTE_S3_ENDPOINT: required when GAZETTE_STORAGE is s3 (host:port of MinIO or another S3)")
	}
	if strings.Contains(endpoint, "://") || strings.Contains(endpoint, "/") {
		return c, fmt.Errorf("GAZETTE_S3_ENDPOINT: want host:port without scheme or path, got %q (use GAZETTE_S3_SECURE for TLS)", endpoint)
	}
	s3 := s3blobs.Config{Endpoint: endpoint, Bucket: e.getenv("GAZETTE_S3_BUCKET"), Region: e.getenv("GAZETTE_S3_REGION")}
	if s3.Bucket == "" {
		return c, fmt.Errorf("GAZETTE_S3_BUCKET: required when GAZETTE_STORAGE is s3")
	}
	var err error
	if s3.AccessKey, err = secret(e, "GAZETTE_S3_ACCESS_KEY"); err != nil {
		return c, err
	}
	if s3.SecretKey, err = secret(e, "GAZETTE_S3_SECRET_KEY"); err != nil {
		return c, err
	}
	if s3.AccessKey == "" || s3.SecretKey == "" {
		return c, fmt.Errorf("GAZETTE_S3_ACCESS_KEY and GAZETTE_S3_SECRET_KEY (or their _FILE forms): required when GAZETTE_STORAGE is s3")
	}
	if v := e.getenv("GAZETTE_S3_SECURE"); v != "" {
		if s3.Secure, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("GAZETTE_S3_SECURE: want true or false, got %q", v)
		}
	}
	if s3.Timeout, err = duration(e, "GAZETTE_S3_TIMEOUT"); err != nil {
		return c, err
	}
	if s3.StallTimeout, err = duration(e, "GAZETTE_S3_STALL_TIMEOUT"); err != nil {
		return c, err
	}
	c.s3 = &s3
	return c, nil
}

// duration reads a positive duration such as 5s from the variable name;
// unset is 0, which leaves the default to the package configured.
func duration(e env, name string) (time.Duration, error) {
	v := e.getenv(name)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: want a positive duration such as 5s or 500ms, got %q", name, v)
	}
	return d, nil
}

// loadMeili selects Meilisearch when GAZETTE_MEILI_URL is set.
func (c *storageConfig) loadMeili(e env) error {
	url := e.getenv("GAZETTE_MEILI_URL")
	key, err := secret(e, "GAZETTE_MEILI_KEY")
	if err != nil {
		return err
	}
	if url == "" {
		if key != "" || e.getenv("GAZETTE_MEILI_INDEX") != "" {
			return fmt.Errorf("GAZETTE_MEILI_KEY or GAZETTE_MEILI_INDEX is set but GAZETTE_MEILI_URL is not")
		}
		return nil
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return fmt.Errorf("GAZETTE_MEILI_URL: want http://host:port or https://..., got %q", url)
	}
	name := e.getenv("GAZETTE_MEILI_INDEX")
	if name == "" {
		name = "gazette"
	}
	c.meili = &meiliindex.Config{URL: url, Key: key, Index: name}
	return nil
}

// openIndex opens the configured search index; close releases it. With
// handoff, an embedded index held by a running server is used through the
// server (handoff.go) instead of failing.
func (c storageConfig) openIndex(ctx context.Context, log *slog.Logger, handoff bool) (idx archive.Index, where string, close func() error, err error) {
	if c.meili != nil {
		var m *meiliindex.Index
		if c.waitless {
			m, err = meiliindex.Open(*c.meili)
		} else {
			m, err = meiliindex.New(ctx, *c.meili)
		}
		if err != nil {
			return nil, "", nil, err
		}
		return m, c.meili.URL + " index " + c.meili.Index, func() error { return nil }, nil
	}
	dir := filepath.Join(c.dataDir, "index")
	var dialErr error
	if handoff {
		x, err := dialIndex(ctx, c.dataDir, c.storageID())
		if err == nil {
			return x, dir + " through " + heldBy(c.dataDir), func() error { x.c.CloseIdleConnections(); return nil }, nil
		}
		if errors.Is(err, errOtherStorage) {
			return nil, "", nil, fmt.Errorf("%s is in use by %s: %w", dir, heldBy(c.dataDir), err)
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
		msg := fmt.Sprintf("%s is in use by %s", dir, heldBy(c.dataDir))
		h, _ := readHolder(c.dataDir)
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
	unrecord, rerr := recordHolder(c.dataDir, indexHolder{PID: os.Getpid(), Command: c.command, Addr: c.addr, Since: time.Now()})
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
	if c.meili != nil {
		return func() {}, nil
	}
	return shareIndex(c.dataDir, c.storageID(), idx, changed, log)
}

// storageID names the configured storage, for a command to check it runs
// on the storage of the server whose index it uses: under --data, the
// index and local storage are the same directory by construction.
func (c storageConfig) storageID() string {
	if c.s3 != nil {
		return "s3://" + c.s3.Endpoint + "/" + c.s3.Bucket
	}
	return "fsblobs"
}
