package archive_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
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
func openFromEnv() (archive.Blobs, error) {
	if os.Getenv("CRASH_BACKEND") == "fs" {
		return fsblobs.Open(os.Getenv("CRASH_DIR"))
	}
	return s3blobs.New(context.Background(), s3blobs.Config{
		Endpoint: os.Getenv("CRASH_ENDPOINT"), Bucket: os.Getenv("CRASH_BUCKET"),
		AccessKey: os.Getenv("CRASH_ACCESS"), SecretKey: os.Getenv("CRASH_SECRET"),
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
