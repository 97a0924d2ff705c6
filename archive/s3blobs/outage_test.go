package s3blobs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/gazette"
)

// answerBound is how long a call to a server that is down may take before
// the test calls it a hang: generous, since only hanging is wrong here.
const answerBound = 30 * time.Second

// TestOutage stops a real MinIO server under a Store, by SIGSTOP and by
// SIGKILL, and checks that every kind of call then fails in bounded time
// with gazette.ErrStorageUnavailable instead of hanging, and that the Store
// works again once the server is back.
func TestOutage(t *testing.T) {
	srv := archivetest.StartMinIO(t)
	cfg := configFor(srv, newBucket())
	cfg.Timeout, cfg.StallTimeout = time.Second, 2*time.Second
	s, err := s3blobs.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, "small", "hello", gazette.PutOptions{})
	// 36 MiB: more than the socket buffers between client and server hold,
	// so a read that stalls must wait for the server.
	large := bytes.Repeat([]byte("公报"), 6<<20)
	if _, err := s.Put(context.Background(), "large", bytes.NewReader(large), int64(len(large)), gazette.PutOptions{}); err != nil {
		t.Fatal(err)
	}

	calls := map[string]func(context.Context) error{
		"stat": func(ctx context.Context) error { _, err := s.Stat(ctx, "small"); return err },
		"list": func(ctx context.Context) error { _, err := s.List(ctx, ""); return err },
		"open": func(ctx context.Context) error {
			r, _, err := s.Open(ctx, "small")
			if err == nil {
				r.Close()
			}
			return err
		},
		"small put": func(ctx context.Context) error {
			_, err := s.Put(ctx, "small", strings.NewReader("bye"), 3, gazette.PutOptions{})
			return err
		},
		"large put": func(ctx context.Context) error {
			_, err := s.Put(ctx, "large2", bytes.NewReader(large), int64(len(large)), gazette.PutOptions{})
			return err
		},
		"delete": func(ctx context.Context) error { return s.Delete(ctx, "small", "") },
		"ping":   func(ctx context.Context) error { return s.Ping(ctx) },
	}
	allUnavailable := func(t *testing.T) {
		t.Helper()
		for name, call := range calls {
			err := answered(t, name, call)
			if !errors.Is(err, gazette.ErrStorageUnavailable) || !errors.Is(err, gazette.ErrUnavailable) {
				t.Errorf("%s: %v; want gazette.ErrStorageUnavailable", name, err)
			}
		}
	}
	back := func(t *testing.T) {
		t.Helper()
		deadline := time.Now().Add(answerBound)
		for {
			_, err := s.Stat(context.Background(), "small")
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("server back, but Stat still fails: %v", err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	t.Run("paused", func(t *testing.T) {
		srv.Pause(t)
		defer srv.Resume(t)
		allUnavailable(t)
	})
	t.Run("resumed", back)

	t.Run("paused mid-read", func(t *testing.T) {
		r, _, err := s.Open(context.Background(), "large")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := io.ReadFull(r, make([]byte, 64<<10)); err != nil {
			t.Fatal(err)
		}
		srv.Pause(t)
		defer srv.Resume(t)
		err = answered(t, "read", func(context.Context) error { _, err := io.Copy(io.Discard, r); return err })
		if !errors.Is(err, gazette.ErrStorageUnavailable) {
			t.Errorf("read of a stalled stream: %v; want gazette.ErrStorageUnavailable", err)
		}
	})
	t.Run("resumed after read", back)

	t.Run("paused mid-write", func(t *testing.T) {
		// A single PUT of 8 MiB, the body streamed from the reader: the
		// server stops once a part of it has been sent.
		body := &pausingReader{r: bytes.NewReader(large[:8<<20]), at: 1 << 20, pause: make(chan struct{}), paused: make(chan struct{})}
		done := make(chan error, 1)
		go func() {
			_, err := s.Put(context.Background(), "written-while-paused", body, 8<<20, gazette.PutOptions{IfAbsent: true})
			done <- err
		}()
		<-body.pause
		srv.Pause(t)
		defer srv.Resume(t)
		close(body.paused)
		err := answered(t, "write", func(context.Context) error { return <-done })
		if !errors.Is(err, gazette.ErrStorageUnavailable) {
			t.Errorf("write to a stalled server: %v; want gazette.ErrStorageUnavailable", err)
		}
	})
	t.Run("resumed after write", back)

	// The stall timeout bounds the server, not the whole transfer: a slow
	// source of a write, or a slow consumer of a read, is not a stall.
	t.Run("slow source", func(t *testing.T) {
		body := &slowReader{r: bytes.NewReader(large[:2<<20]), every: 1 << 20, left: 1 << 20, wait: 2500 * time.Millisecond}
		if _, err := s.Put(context.Background(), "slowly-written", body, 2<<20, gazette.PutOptions{}); err != nil {
			t.Errorf("Put from a source slower than the stall timeout: %v", err)
		}
	})
	t.Run("slow consumer", func(t *testing.T) {
		r, _, err := s.Open(context.Background(), "large")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if _, err := io.ReadFull(r, make([]byte, 64<<10)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		if n, err := io.Copy(io.Discard, r); err != nil || n != int64(len(large)-64<<10) {
			t.Errorf("read after a pause longer than the stall timeout: %d bytes, %v", n, err)
		}
	})

	t.Run("killed", func(t *testing.T) {
		srv.Kill(t)
		allUnavailable(t)
	})
	t.Run("restarted", func(t *testing.T) {
		srv.Restart(t)
		back(t)
		if got := archivetest.ReadAll(t, s, "large"); len(got) != len(large) {
			t.Errorf("large object reads %d bytes after the restart, want %d", len(got), len(large))
		}
	})
}

// answered runs call and fails the test if it does not return within
// answerBound.
func answered(t *testing.T, name string, call func(context.Context) error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call(context.Background()) }()
	select {
	case err := <-done:
		return err
	case <-time.After(answerBound):
		t.Fatalf("%s: no answer within %v", name, answerBound)
		return nil
	}
}

// pausingReader signals pause once at bytes have been read, then waits
// for paused before yielding more.
type pausingReader struct {
	r             io.Reader
	at, n         int
	pause, paused chan struct{}
	once          sync.Once
}

func (p *pausingReader) Read(b []byte) (int, error) {
	if p.n >= p.at {
		p.once.Do(func() { close(p.pause); <-p.paused })
	}
	if p.n < p.at && len(b) > p.at-p.n {
		b = b[:p.at-p.n]
	}
	n, err := p.r.Read(b)
	p.n += n
	return n, err
}

// slowReader waits before each every bytes.
type slowReader struct {
	r           io.Reader
	every, left int
	wait        time.Duration
}

func (s *slowReader) Read(b []byte) (int, error) {
	if s.left == 0 {
		time.Sleep(s.wait)
		s.left = s.every
	}
	if len(b) > s.left {
		b = b[:s.left]
	}
	n, err := s.r.Read(b)
	s.left -= n
	return n, err
}
