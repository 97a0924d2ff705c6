package s3blobs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/gazette"
)

var _ archive.Blobs = (*s3blobs.Store)(nil)

func TestMain(m *testing.M) { os.Exit(archivetest.MainWithMinIO(m)) }

// TestContract runs the Blobs contract against a MinIO server of its own,
// each subtest on a fresh bucket.
func TestContract(t *testing.T) {
	srv := archivetest.StartMinIO(t)
	archivetest.TestBlobs(t, func(t *testing.T) archive.Blobs {
		return newStore(t, srv, newBucket())
	})
}

func TestNewCreatesLockedVersionedBucket(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	bucket := newBucket()
	newStore(t, srv, bucket)
	raw := rawClient(t, srv)

	v, err := raw.GetBucketVersioning(ctx, bucket)
	if err != nil || !v.Enabled() {
		t.Errorf("versioning = %+v, %v; want Enabled", v, err)
	}
	lock, _, _, _, err := raw.GetObjectLockConfig(ctx, bucket)
	if err != nil || lock != "Enabled" {
		t.Errorf("object lock = %q, %v; want Enabled", lock, err)
	}
	// Opening the same bucket again (another replica, a restart) is fine.
	newStore(t, srv, bucket)
}

// TestImmutableIsWORM checks that the storage itself, not only the Store,
// keeps a published version: even a direct S3 call cannot remove it.
func TestImmutableIsWORM(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	bucket := newBucket()
	s := newStore(t, srv, bucket)
	raw := rawClient(t, srv)

	for name, size := range map[string]int{"single part": 9, "multipart": 17 << 20} {
		t.Run(name, func(t *testing.T) {
			key := "pdf/" + strconv.Itoa(size) + ".pdf"
			body := strings.Repeat("p", size)
			if _, err := s.Put(ctx, key, strings.NewReader(body), int64(size), gazette.PutOptions{IfAbsent: true, Immutable: true}); err != nil {
				t.Fatal(err)
			}
			st, err := raw.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
			if err != nil || st.VersionID == "" {
				t.Fatalf("raw Stat = %+v, %v; want a version", st, err)
			}
			hold, err := raw.GetObjectLegalHold(ctx, bucket, key, minio.GetObjectLegalHoldOptions{VersionID: st.VersionID})
			if err != nil || hold == nil || *hold != minio.LegalHoldEnabled {
				t.Errorf("legal hold = %v, %v; want ON", hold, err)
			}
			for name, opts := range map[string]minio.RemoveObjectOptions{
				"version":             {VersionID: st.VersionID},
				"version, governance": {VersionID: st.VersionID, GovernanceBypass: true},
			} {
				err := raw.RemoveObject(ctx, bucket, key, opts)
				if err == nil {
					t.Errorf("direct RemoveObject (%s) of a held version succeeded", name)
				}
				t.Logf("direct RemoveObject (%s): %v", name, err)
			}
			if err := s.Delete(ctx, key, ""); !errors.Is(err, gazette.ErrImmutable) {
				t.Errorf("Delete: %v, want ErrImmutable", err)
			}
			obj, err := raw.GetObject(ctx, bucket, key, minio.GetObjectOptions{VersionID: st.VersionID})
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Close()
			if got, err := io.ReadAll(obj); err != nil || string(got) != body {
				t.Errorf("held version reads %d bytes, %v; want the %d published", len(got), err, size)
			}
		})
	}
}

// TestLegalHoldAloneIsImmutable checks that a version held by other means
// (another tool, an operator) is immutable to the Store too, without the
// metadata Put adds.
func TestLegalHoldAloneIsImmutable(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	bucket := newBucket()
	s := newStore(t, srv, bucket)
	_, err := rawClient(t, srv).PutObject(ctx, bucket, "pdf/held.pdf", strings.NewReader("held"), 4,
		minio.PutObjectOptions{LegalHold: minio.LegalHoldEnabled})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "pdf/held.pdf", strings.NewReader("x"), 1, gazette.PutOptions{}); !errors.Is(err, gazette.ErrImmutable) {
		t.Errorf("Put over a held version: %v, want ErrImmutable", err)
	}
	if err := s.Delete(ctx, "pdf/held.pdf", ""); !errors.Is(err, gazette.ErrImmutable) {
		t.Errorf("Delete of a held version: %v, want ErrImmutable", err)
	}
}

func TestRefusesBucketWithoutObjectLock(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	raw := rawClient(t, srv)
	for name, versioned := range map[string]bool{"plain": false, "versioned": true} {
		t.Run(name, func(t *testing.T) {
			bucket := newBucket()
			if err := raw.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
				t.Fatal(err)
			}
			if versioned {
				if err := raw.EnableVersioning(ctx, bucket); err != nil {
					t.Fatal(err)
				}
			}
			_, err := s3blobs.New(ctx, configFor(srv, bucket))
			if !errors.Is(err, gazette.ErrInvalid) || !strings.Contains(err.Error(), "no object lock") {
				t.Fatalf("New on a bucket without object lock: %v; want ErrInvalid saying so", err)
			}
			t.Logf("error, as operators see it: %v", err)
		})
	}
}

func TestBadCredentialsOrServer(t *testing.T) {
	srv := archivetest.SharedMinIO(t)
	wrongSecret := configFor(srv, newBucket())
	wrongSecret.SecretKey += "x"
	wrongKey := configFor(srv, newBucket())
	wrongKey.AccessKey = "nobody"
	nobodyHome := configFor(srv, newBucket())
	nobodyHome.Endpoint = closedPort(t)

	for name, tc := range map[string]struct {
		cfg  s3blobs.Config
		want string
	}{
		"wrong secret key": {wrongSecret, "refused the credentials"},
		"wrong access key": {wrongKey, "refused the credentials"},
		"no server":        {nobodyHome, "cannot reach"},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := s3blobs.New(ctx, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v; want an error saying %q", err, tc.want)
			}
			t.Logf("error, as operators see it: %v", err)
		})
	}
}

func TestBadConfig(t *testing.T) {
	good := s3blobs.Config{Endpoint: "127.0.0.1:9", Bucket: "gazette", AccessKey: "a", SecretKey: "b"}
	for name, edit := range map[string]func(*s3blobs.Config){
		"no endpoint":     func(c *s3blobs.Config) { c.Endpoint = "" },
		"scheme":          func(c *s3blobs.Config) { c.Endpoint = "http://127.0.0.1:9" },
		"no bucket":       func(c *s3blobs.Config) { c.Bucket = "" },
		"bad bucket name": func(c *s3blobs.Config) { c.Bucket = "Gazette_Archive" },
		"no secret":       func(c *s3blobs.Config) { c.SecretKey = "" },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := good
			edit(&cfg)
			if _, err := s3blobs.New(context.Background(), cfg); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("New: %v, want ErrInvalid", err)
			}
		})
	}
}

func TestPingAfterBucketRemoved(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	bucket := newBucket()
	s := newStore(t, srv, bucket)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := rawClient(t, srv).RemoveBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Ping without the bucket: %v; want an error saying so", err)
	}
}

// TestMultipartETags checks that an object above minio-go's multipart
// threshold has one ETag form in Put, Stat and List, usable in IfMatch.
func TestMultipartETags(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	s := newStore(t, srv, newBucket())
	body := bytes.Repeat([]byte("x"), 17<<20)
	put, err := s.Put(ctx, "pdf/big.pdf", bytes.NewReader(body), int64(len(body)), gazette.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(put.ETag, "-") || strings.Contains(put.ETag, `"`) || put.Modified.IsZero() {
		t.Errorf("Put info %+v: want an unquoted multipart ETag and a time", put)
	}
	st, err := s.Stat(ctx, "pdf/big.pdf")
	if err != nil || st.ETag != put.ETag || st.Size != put.Size || !st.Modified.Equal(put.Modified) {
		t.Errorf("Stat = %+v, %v; want %+v", st, err, put)
	}
	list, err := s.List(ctx, "pdf/")
	if err != nil || len(list) != 1 || list[0].ETag != put.ETag {
		t.Errorf("List = %+v, %v; want ETag %q", list, err, put.ETag)
	}
	if _, err := s.Put(ctx, "pdf/big.pdf", strings.NewReader("small"), 5, gazette.PutOptions{IfMatch: `"` + put.ETag + `"`}); err != nil {
		t.Errorf("Put IfMatch with the quoted multipart ETag: %v", err)
	}
}

// TestMultipartSizeMismatch checks that a reader longer or shorter than the
// size stores nothing on the multipart path either.
func TestMultipartSizeMismatch(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	s := newStore(t, srv, newBucket())
	const size = 17 << 20
	for name, n := range map[string]int{"long": size + 1, "short": size - 1} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Put(ctx, "pdf/"+name, bytes.NewReader(make([]byte, n)), size, gazette.PutOptions{})
			if !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Put of %d bytes with size %d: %v, want ErrInvalid", n, size, err)
			}
			if _, err := s.Stat(ctx, "pdf/"+name); !errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("after failed Put, Stat: %v, want ErrNotFound", err)
			}
		})
	}
}

// TestMultipartCreateOnlyAtComplete checks the MinIO behaviour a large
// create-only Put relies on: If-None-Match is checked again when a multipart
// upload completes, not only when it starts, so a writer that created the
// key in between wins.
func TestMultipartCreateOnlyAtComplete(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	bucket := newBucket()
	s := newStore(t, srv, bucket)
	core := minio.Core{Client: rawClient(t, srv)}

	var opts minio.PutObjectOptions
	opts.SetMatchETagExcept("*")
	id, err := core.NewMultipartUpload(ctx, bucket, "issues/2020/1.json", opts)
	if err != nil {
		t.Fatal(err)
	}
	part, err := core.PutObjectPart(ctx, bucket, "issues/2020/1.json", id, 1, strings.NewReader("late"), 4, minio.PutObjectPartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "issues/2020/1.json", "first", gazette.PutOptions{IfAbsent: true})
	_, err = core.CompleteMultipartUpload(ctx, bucket, "issues/2020/1.json", id, []minio.CompletePart{{PartNumber: 1, ETag: part.ETag}}, opts)
	if code := minio.ToErrorResponse(err).Code; code != minio.PreconditionFailed {
		t.Errorf("complete after the key was created: %v (code %q), want PreconditionFailed", err, code)
	}
	if got := archivetest.ReadAll(t, s, "issues/2020/1.json"); got != "first" {
		t.Errorf("key reads %q, want first", got)
	}
}

// TestDeleteKeepsHistory checks that Delete hides a key behind a delete
// marker and keeps its versions, and that the key can be created again.
func TestDeleteKeepsHistory(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	bucket := newBucket()
	s := newStore(t, srv, bucket)
	mustPut(t, s, "drafts/a.json", "v1", gazette.PutOptions{})
	if err := s.Delete(ctx, "drafts/a.json", ""); err != nil {
		t.Fatal(err)
	}
	n := 0
	for o := range rawClient(t, srv).ListObjectsIter(ctx, bucket, minio.ListObjectsOptions{WithVersions: true, Prefix: "drafts/", Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d versions after a Delete, want the old one and a delete marker", n)
	}
	mustPut(t, s, "drafts/a.json", "v2", gazette.PutOptions{IfAbsent: true})
	if got := archivetest.ReadAll(t, s, "drafts/a.json"); got != "v2" {
		t.Errorf("re-created key reads %q", got)
	}
}

func newStore(t testing.TB, srv archivetest.MinIOServer, bucket string) *s3blobs.Store {
	t.Helper()
	s, err := s3blobs.New(context.Background(), configFor(srv, bucket))
	if err != nil {
		t.Fatalf("s3blobs.New: %v", err)
	}
	return s
}

func configFor(srv archivetest.MinIOServer, bucket string) s3blobs.Config {
	return s3blobs.Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
}

func rawClient(t testing.TB, srv archivetest.MinIOServer) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustPut(t testing.TB, s *s3blobs.Store, key, body string, opts gazette.PutOptions) gazette.ObjectInfo {
	t.Helper()
	info, err := s.Put(context.Background(), key, strings.NewReader(body), int64(len(body)), opts)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

var buckets atomic.Int64

// newBucket returns a bucket name not used before on any server.
func newBucket() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "gazette-" + hex.EncodeToString(b) + "-" + strconv.FormatInt(buckets.Add(1), 10)
}

// closedPort returns a loopback address where nothing listens.
func closedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
