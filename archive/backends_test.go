package archive_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/archive/s3blobs"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashChildEnv) != "" {
		crashChild() // never returns
	}
	os.Exit(archivetest.MainWithMinIO(m))
}

// backend opens an empty store of one kind, and can say how to reopen the
// same store from another process.
type backend struct {
	name string
	// open returns a new empty store and the environment that lets a child
	// process open the same store with openFromEnv.
	open func(t *testing.T) (archive.Blobs, []string)
}

// backends are the real storage adapters Publish is tested against.
func backends() []backend {
	return []backend{
		{"fsblobs", func(t *testing.T) (archive.Blobs, []string) {
			dir := t.TempDir()
			b, err := fsblobs.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return b, []string{"CRASH_BACKEND=fs", "CRASH_DIR=" + dir}
		}},
		{"s3blobs", func(t *testing.T) (archive.Blobs, []string) {
			srv := archivetest.SharedMinIO(t)
			bucket := "publish-" + randomHex(6)
			cfg := s3blobs.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
			b, err := s3blobs.New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			return b, []string{"CRASH_BACKEND=s3", "CRASH_ENDPOINT=" + srv.Endpoint, "CRASH_BUCKET=" + bucket,
				"CRASH_ACCESS=" + srv.AccessKey, "CRASH_SECRET=" + srv.SecretKey}
		}},
	}
}

// openFromEnv opens the store a parent test described in the environment.
func openFromEnv() (archive.Blobs, error) { return openStore(os.Getenv) }

// reopen opens, in this process, a second client of the store env
// describes, as another replica would.
func reopen(t *testing.T, env []string) (archive.Blobs, error) {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	b, err := openStore(func(k string) string { return vars[k] })
	if c, ok := b.(io.Closer); ok && err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return b, err
}

func openStore(getenv func(string) string) (archive.Blobs, error) {
	if getenv("CRASH_BACKEND") == "fs" {
		return fsblobs.Open(getenv("CRASH_DIR"))
	}
	return s3blobs.New(context.Background(), s3blobs.Config{
		Endpoint: getenv("CRASH_ENDPOINT"), Bucket: getenv("CRASH_BUCKET"),
		AccessKey: getenv("CRASH_ACCESS"), SecretKey: getenv("CRASH_SECRET"),
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
