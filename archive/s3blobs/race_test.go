package s3blobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// These tests play, through hookBeforeWrite, the races that a check of the
// current version followed by a dependent write must survive: another
// writer acts between the two.

func TestPutRaces(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		before  string // content of the key before the Put; "" for absent
		other   func(t *testing.T, s *Store)
		reader  func(body string) io.Reader
		want    error  // nil for success
		content string // the key's content afterwards
	}{
		"publish before an unconditional create": {
			other: func(t *testing.T, s *Store) {
				mustPutInternal(t, s, "k", "published", gazette.PutOptions{IfAbsent: true, Immutable: true})
			},
			reader: stringsReader, want: gazette.ErrImmutable, content: "published",
		},
		"publish before an unconditional overwrite": {
			before: "draft",
			other: func(t *testing.T, s *Store) {
				if err := s.Delete(context.Background(), "k", ""); err != nil {
					t.Fatal(err)
				}
				mustPutInternal(t, s, "k", "published", gazette.PutOptions{IfAbsent: true, Immutable: true})
			},
			reader: stringsReader, want: gazette.ErrImmutable, content: "published",
		},
		"mutable write before an unconditional overwrite, seekable reader": {
			before: "v1",
			other: func(t *testing.T, s *Store) {
				mustPutInternal(t, s, "k", "other", gazette.PutOptions{})
			},
			reader: stringsReader, want: nil, content: "mine",
		},
		"mutable write before an unconditional create, plain reader": {
			other: func(t *testing.T, s *Store) {
				mustPutInternal(t, s, "k", "other", gazette.PutOptions{})
			},
			reader: plainReader, want: gazette.ErrConflict, content: "other",
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newInternalStore(t)
			if tc.before != "" {
				mustPutInternal(t, s, "k", tc.before, gazette.PutOptions{})
			}
			var once sync.Once
			s.hookBeforeWrite = func(op, key string) {
				once.Do(func() {
					s.hookBeforeWrite = nil // the other writer must not recurse
					tc.other(t, s)
				})
			}
			_, err := s.Put(ctx, "k", tc.reader("mine"), 4, gazette.PutOptions{})
			s.hookBeforeWrite = nil
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("Put: %v, want success", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("Put: %v, want %v", err, tc.want)
			}
			if got := archivetest.ReadAll(t, s, "k"); got != tc.content {
				t.Errorf("key reads %q, want %q", got, tc.content)
			}
		})
	}
}

func TestDeleteRaces(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		ifMatch bool
		other   func(t *testing.T, s *Store)
		want    error  // nil for success
		content string // the key's content afterwards, "" for absent
	}{
		"update before a conditional delete": {
			ifMatch: true,
			other: func(t *testing.T, s *Store) {
				mustPutInternal(t, s, "k", "v2", gazette.PutOptions{})
			},
			want: gazette.ErrConflict, content: "v2",
		},
		"publish before an unconditional delete": {
			other: func(t *testing.T, s *Store) {
				if err := s.Delete(context.Background(), "k", ""); err != nil {
					t.Fatal(err)
				}
				mustPutInternal(t, s, "k", "published", gazette.PutOptions{IfAbsent: true, Immutable: true})
			},
			want: gazette.ErrImmutable, content: "published",
		},
		"delete before a delete": {
			other: func(t *testing.T, s *Store) {
				if err := s.Delete(context.Background(), "k", ""); err != nil {
					t.Fatal(err)
				}
			},
			want: gazette.ErrNotFound,
		},
		"update before an unconditional delete": {
			other: func(t *testing.T, s *Store) {
				mustPutInternal(t, s, "k", "v2", gazette.PutOptions{})
			},
			want: nil,
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newInternalStore(t)
			v1 := mustPutInternal(t, s, "k", "v1", gazette.PutOptions{})
			var once sync.Once
			s.hookBeforeWrite = func(op, key string) {
				once.Do(func() {
					s.hookBeforeWrite = nil
					tc.other(t, s)
				})
			}
			ifMatch := ""
			if tc.ifMatch {
				ifMatch = v1.ETag
			}
			err := s.Delete(ctx, "k", ifMatch)
			s.hookBeforeWrite = nil
			switch {
			case tc.want == nil && err != nil:
				t.Errorf("Delete: %v, want success", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Errorf("Delete: %v, want %v", err, tc.want)
			}
			if tc.content == "" {
				if _, err := s.Stat(ctx, "k"); !errors.Is(err, gazette.ErrNotFound) {
					t.Errorf("after Delete, Stat: %v, want ErrNotFound", err)
				}
			} else if got := archivetest.ReadAll(t, s, "k"); got != tc.content {
				t.Errorf("key reads %q, want %q", got, tc.content)
			}
		})
	}
}

// TestSeekReadsARange checks that reading after a Seek fetches a range, not
// the whole object.
func TestSeekReadsARange(t *testing.T) {
	ctx := context.Background()
	srv := archivetest.SharedMinIO(t)
	tr := &countingTransport{base: http.DefaultTransport}
	s, err := newStore(ctx, internalConfig(srv), tr)
	if err != nil {
		t.Fatal(err)
	}
	const size = 8 << 20
	body := strings.Repeat("0123456789abcdef", size/16)
	mustPutInternal(t, s, "pdf/big.pdf", body, gazette.PutOptions{})

	r, _, err := s.Open(ctx, "pdf/big.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tr.read.Store(0)
	tr.ranges.Store(0)
	if _, err := r.Seek(size/2+3, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "34567" {
		t.Fatalf("read after Seek = %q, %v", buf, err)
	}
	r.Close()
	if n := tr.ranges.Load(); n == 0 {
		t.Error("no GET carried a Range header")
	}
	if n := tr.read.Load(); n > size/4 {
		t.Errorf("read %d bytes of GET responses for 5 bytes at the middle of %d", n, size)
	}
}

// countingTransport counts GETs with a Range header and the response bytes
// the client read.
type countingTransport struct {
	base   http.RoundTripper
	ranges atomic.Int64
	read   atomic.Int64
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet && req.Header.Get("Range") != "" {
		c.ranges.Add(1)
	}
	resp, err := c.base.RoundTrip(req)
	if err == nil && req.Method == http.MethodGet {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

func newInternalStore(t *testing.T) *Store {
	t.Helper()
	s, err := New(context.Background(), internalConfig(archivetest.SharedMinIO(t)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func internalConfig(srv archivetest.MinIOServer) Config {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return Config{Endpoint: srv.Endpoint, Bucket: "race-" + hex.EncodeToString(b), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
}

func mustPutInternal(t *testing.T, s *Store, key, body string, opts gazette.PutOptions) gazette.ObjectInfo {
	t.Helper()
	info, err := s.Put(context.Background(), key, strings.NewReader(body), int64(len(body)), opts)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

func stringsReader(body string) io.Reader { return strings.NewReader(body) }

// plainReader hides every method but Read.
func plainReader(body string) io.Reader { return struct{ io.Reader }{strings.NewReader(body)} }
