package cli

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/archive/s3blobs"
)

// The kinds of storage GAZETTE_STORAGE (--storage) names.
const (
	StorageLocal = "local" // fsblobs under --data / GAZETTE_DATA: the embedded default
	StorageS3    = "s3"    // s3blobs on MinIO or another S3, configured by GAZETTE_S3_*
)

// s3Variables are the settings of S3 storage other than its endpoint.
var s3Variables = []string{"GAZETTE_S3_BUCKET", "GAZETTE_S3_ACCESS_KEY", "GAZETTE_S3_ACCESS_KEY_FILE",
	"GAZETTE_S3_SECRET_KEY", "GAZETTE_S3_SECRET_KEY_FILE", "GAZETTE_S3_REGION", "GAZETTE_S3_SECURE",
	"GAZETTE_S3_TIMEOUT", "GAZETTE_S3_STALL_TIMEOUT"}

// Storage is the one configuration of the archive's storage and search
// index, resolved and validated at start-up by LoadStorage.
//
// The kind of storage is explicit: GAZETTE_STORAGE (or --storage) is
// "local" (the default: a directory, --data / GAZETTE_DATA) or "s3"
// (MinIO or another S3: GAZETTE_S3_ENDPOINT, GAZETTE_S3_BUCKET and the
// keys are then required). S3 is never chosen because an endpoint happens
// to be set: GAZETTE_S3_* without GAZETTE_STORAGE=s3 is refused with an
// error that says to set it, so that a configuration written for the
// former implicit choice fails at start-up instead of running on the
// wrong storage.
type Storage struct {
	Kind    string             // StorageLocal or StorageS3
	DataDir string             // --data: local storage, and the embedded index
	S3      *s3blobs.Config    // set when Kind is StorageS3
	Meili   *meiliindex.Config // nil: the embedded bleve index under DataDir
}

// AddStorageFlags registers --data and --storage on fs.
func AddStorageFlags(fs *flag.FlagSet) {
	fs.String("data", "./data", "data directory of the embedded default storage, and of the embedded index (env GAZETTE_DATA)")
	fs.String("storage", StorageLocal, "where the archive's objects live: local (under --data) or s3 (GAZETTE_S3_*) (env GAZETTE_STORAGE)")
}

// LoadStorage resolves the storage settings after fs, with the flags of
// AddStorageFlags, is parsed. Every error names the setting at fault.
func LoadStorage(fs *flag.FlagSet, e Env) (Storage, error) {
	var c Storage
	c.DataDir = Setting(fs, e, "data", "GAZETTE_DATA")
	if c.DataDir == "" {
		return c, fmt.Errorf("--data / GAZETTE_DATA: empty")
	}
	var err error
	if c.Meili, err = LoadMeili(e); err != nil {
		return c, err
	}
	c.Kind = Setting(fs, e, "storage", "GAZETTE_STORAGE")
	kindGiven := e.Getenv("GAZETTE_STORAGE") != "" || given(fs, "storage")
	endpoint := e.Getenv("GAZETTE_S3_ENDPOINT")
	switch c.Kind {
	case StorageLocal:
		if endpoint != "" && !kindGiven {
			return c, fmt.Errorf("GAZETTE_S3_ENDPOINT is set but GAZETTE_STORAGE is not: set GAZETTE_STORAGE=s3 to use S3 (it is no longer chosen by the endpoint alone), or unset GAZETTE_S3_ENDPOINT for local storage under --data")
		}
		for _, name := range append([]string{"GAZETTE_S3_ENDPOINT"}, s3Variables...) {
			if e.Getenv(name) != "" {
				return c, fmt.Errorf("%s is set but GAZETTE_STORAGE is %q: set GAZETTE_STORAGE=s3 to use S3, or unset %s", name, StorageLocal, name)
			}
		}
		return c, nil
	case StorageS3:
	default:
		return c, fmt.Errorf("--storage / GAZETTE_STORAGE: want %q or %q, got %q", StorageLocal, StorageS3, c.Kind)
	}
	if endpoint == "" {
		return c, fmt.Errorf("GAZETTE_S3_ENDPOINT: required when GAZETTE_STORAGE is s3 (host:port of MinIO or another S3)")
	}
	if strings.Contains(endpoint, "://") || strings.Contains(endpoint, "/") {
		return c, fmt.Errorf("GAZETTE_S3_ENDPOINT: want host:port without scheme or path, got %q (use GAZETTE_S3_SECURE for TLS)", endpoint)
	}
	s3 := s3blobs.Config{Endpoint: endpoint, Bucket: e.Getenv("GAZETTE_S3_BUCKET"), Region: e.Getenv("GAZETTE_S3_REGION")}
	if s3.Bucket == "" {
		return c, fmt.Errorf("GAZETTE_S3_BUCKET: required when GAZETTE_STORAGE is s3")
	}
	if s3.AccessKey, err = Secret(e, "GAZETTE_S3_ACCESS_KEY"); err != nil {
		return c, err
	}
	if s3.SecretKey, err = Secret(e, "GAZETTE_S3_SECRET_KEY"); err != nil {
		return c, err
	}
	if s3.AccessKey == "" || s3.SecretKey == "" {
		return c, fmt.Errorf("GAZETTE_S3_ACCESS_KEY and GAZETTE_S3_SECRET_KEY (or their _FILE forms): required when GAZETTE_STORAGE is s3")
	}
	if v := e.Getenv("GAZETTE_S3_SECURE"); v != "" {
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
	c.S3 = &s3
	return c, nil
}

// LoadMeili returns the Meilisearch settings when GAZETTE_MEILI_URL is
// set, and nil (the embedded index) when it is not.
func LoadMeili(e Env) (*meiliindex.Config, error) {
	url := e.Getenv("GAZETTE_MEILI_URL")
	key, err := Secret(e, "GAZETTE_MEILI_KEY")
	if err != nil {
		return nil, err
	}
	if url == "" {
		if key != "" || e.Getenv("GAZETTE_MEILI_INDEX") != "" {
			return nil, fmt.Errorf("GAZETTE_MEILI_KEY or GAZETTE_MEILI_INDEX is set but GAZETTE_MEILI_URL is not")
		}
		return nil, nil
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("GAZETTE_MEILI_URL: want http://host:port or https://..., got %q", url)
	}
	name := e.Getenv("GAZETTE_MEILI_INDEX")
	if name == "" {
		name = "gazette"
	}
	return &meiliindex.Config{URL: url, Key: key, Index: name}, nil
}
