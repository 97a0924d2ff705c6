//go:build linux

package meiliindex_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/gazette"
)

// within runs f and fails the test if it has not returned after d: a
// bound far above the deadlines under test, so that a call that hangs
// fails the test instead of holding it.
func within[T any](t *testing.T, d time.Duration, what string, f func() (T, error)) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() { v, err := f(); ch <- result{v, err} }()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(d):
		t.Fatalf("%s still running after %v: no deadline", what, d)
	}
	var zero T
	return zero, nil
}

// TestOutage stops a real Meilisearch in the ways it fails (paused with
// SIGSTOP, killed) and checks that every call of the index ends, with
// gazette.ErrUnavailable, without a deadline from the caller; and that an
// index opened while the server is down connects once it is back.
func TestOutage(t *testing.T) {
	const bound = 60 * time.Second // far above Timeout: only a hang fails
	srv := archivetest.StartMeiliProcess(t)
	cfg := meiliindex.Config{URL: srv.URL, Key: srv.Key, Timeout: 2 * time.Second}
	ctx := context.Background()
	x, err := meiliindex.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	docs := archivetest.IndexCorpus()
	if err := x.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	q := gazette.Query{Text: "政务公开"}
	search := func() (gazette.Results, error) { return x.Search(ctx, q) }
	wantDown := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, gazette.ErrUnavailable) {
			t.Errorf("%s: %v, want gazette.ErrUnavailable", what, err)
		}
	}

	srv.Pause()
	_, err = within(t, bound, "search on a paused server", search)
	wantDown("search on a paused server", err)
	n, err := gazette.ParseDocNumber("闽政〔2019〕14号")
	if err != nil {
		t.Fatal(err)
	}
	_, err = within(t, bound, "lookup on a paused server", func() ([]string, error) { return x.Lookup(ctx, n) })
	wantDown("lookup on a paused server", err)
	_, err = within(t, bound, "ping of a paused server", func() (int, error) { return 0, x.Ping(ctx) })
	wantDown("ping of a paused server", err)
	// The caller's own deadline, shorter, is kept.
	_, err = within(t, bound, "search with a deadline", func() (gazette.Results, error) {
		dctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		return x.Search(dctx, q)
	})
	wantDown("search with a deadline", err)
	srv.Resume()
	if res, err := within(t, bound, "search after SIGCONT", search); err != nil || res.Total == 0 {
		t.Errorf("search after SIGCONT: %d hits, %v", res.Total, err)
	}

	srv.Kill()
	_, err = within(t, bound, "search on a killed server", search)
	wantDown("search on a killed server", err)
	_, err = within(t, bound, "put on a killed server", func() (int, error) { return 0, x.Put(ctx, docs[:1]) })
	wantDown("put on a killed server", err)
	_, err = within(t, bound, "New on a killed server", func() (*meiliindex.Index, error) { return meiliindex.New(ctx, cfg) })
	wantDown("New on a killed server", err)

	// Opened while the server is down, an index connects on first use
	// once it is back.
	late, err := meiliindex.Open(meiliindex.Config{URL: srv.URL, Key: srv.Key, Index: "late", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("Open while the server is down: %v", err)
	}
	_, err = within(t, bound, "search of an index opened while down", func() (gazette.Results, error) { return late.Search(ctx, q) })
	wantDown("search of an index opened while down", err)
	srv.Start()
	if _, err := within(t, bound, "ping once back", func() (int, error) { return 0, late.Ping(ctx) }); err != nil {
		t.Fatalf("ping once the server is back: %v", err)
	}
	if err := late.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if res, err := late.Search(ctx, q); err != nil || res.Total == 0 {
		t.Errorf("search of the late index once back: %d hits, %v", res.Total, err)
	}
	if res, err := x.Search(ctx, q); err != nil || res.Total == 0 {
		t.Errorf("search once back: %d hits, %v", res.Total, err)
	}
}
