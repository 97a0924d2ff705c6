package frontend

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

func TestPageCacheBounds(t *testing.T) {
	cases := []struct {
		name          string
		max, maxBytes int
		pageSize      int
		puts          int
		wantMaxPages  int
	}{
		{"entry bound", 10, 1 << 20, 100, 50, 10},
		{"byte bound", 1000, 10_000, 800, 50, 10},
		{"huge page not kept", 10, 8000, 2000, 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pc := newPageCache(tc.max, tc.maxBytes, 0, nil)
			for i := range tc.puts {
				pc.put(fmt.Sprint(i), &page{body: bytes.Repeat([]byte{'x'}, tc.pageSize)}, pc.generation())
			}
			if len(pc.pages) > tc.wantMaxPages || pc.bytes > tc.maxBytes {
				t.Errorf("%d pages, %d bytes; want ≤ %d pages, ≤ %d bytes", len(pc.pages), pc.bytes, tc.wantMaxPages, tc.maxBytes)
			}
			if tc.wantMaxPages > 0 && len(pc.pages) == 0 {
				t.Error("cache keeps nothing")
			}
			total := 0
			for _, p := range pc.pages {
				total += p.size()
			}
			if total != pc.bytes {
				t.Errorf("accounted %d bytes, hold %d", pc.bytes, total)
			}
		})
	}
}

func TestPageCacheTTL(t *testing.T) {
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	pc := newPageCache(10, 1<<20, time.Minute, nil)
	pc.now = func() time.Time { return now }
	pc.put("a", &page{body: []byte("x")}, pc.generation())
	pc.putFor("b", &page{body: []byte("y")}, time.Hour, pc.generation())
	if _, ok := pc.get("a"); !ok {
		t.Fatal("fresh page missing")
	}
	now = now.Add(2 * time.Minute)
	if _, ok := pc.get("a"); ok {
		t.Error("expired page served")
	}
	if _, ok := pc.get("b"); !ok {
		t.Error("page kept for an hour expired after two minutes")
	}
}

// A page rendered from what the archive held before a publication is not
// kept once the publication cleared the cache: the request that read just
// before an issue went public would otherwise serve the page without it
// for the whole TTL.
func TestPageCacheDropsPagesRenderedBeforeAClear(t *testing.T) {
	pc := newPageCache(10, 1<<20, time.Minute, nil)
	since := pc.generation() // a request starts rendering
	pc.clear()               // an issue is published meanwhile
	pc.put("home", &page{body: []byte("old")}, since)
	if _, ok := pc.get("home"); ok {
		t.Fatal("a page rendered before the clear was kept after it")
	}
	pc.put("home", &page{body: []byte("new")}, pc.generation())
	if _, ok := pc.get("home"); !ok {
		t.Fatal("a page rendered after the clear was not kept")
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(2, 4, 3)
	allowed := 0
	for range 10 {
		if ok, _ := l.allow("a", now); ok {
			allowed++
		}
	}
	if allowed != 4 {
		t.Errorf("burst let %d through, want 4", allowed)
	}
	ok, wait := l.allow("a", now)
	if ok || wait <= 0 || wait > time.Second {
		t.Errorf("over the limit: ok %v, wait %v", ok, wait)
	}
	if ok, _ := l.allow("a", now.Add(500*time.Millisecond)); !ok {
		t.Error("no token after refilling for half a second at 2/s")
	}
	for i := range 100 {
		l.allow(fmt.Sprint("client", i), now)
	}
	if len(l.buckets) > 3 {
		t.Errorf("%d buckets held, bound is 3", len(l.buckets))
	}
}
func TestContentNegotiation(t *testing.T) {
	gzipCases := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"identity", false},
		{"GZIP", true},
	}
	for _, tc := range gzipCases {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
	etagCases := []struct {
		header, etag string
		want         bool
	}{
		{`"abc"`, `"abc"`, true},
		{`W/"abc"`, `"abc"`, true},
		{`"x", "abc"`, `"abc"`, true},
		{`*`, `"abc"`, true},
		{`"abd"`, `"abc"`, false},
		{``, `"abc"`, false},
	}
	for _, tc := range etagCases {
		if got := etagMatch(tc.header, tc.etag); got != tc.want {
			t.Errorf("etagMatch(%q, %q) = %v, want %v", tc.header, tc.etag, got, tc.want)
		}
	}
}
