package frontend

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// Caches must never hide a new issue. Every public answer that a
// publication can change (the home page, the years, lists, feeds, the
// sitemap, searches, a document's current version, an answer that says
// something is missing) may be kept, by shared caches, browsers and this
// server's page caches alike, for its normal lifetime but never past the
// next scheduled publication moment; from that moment until the schedule
// reads clear it is not kept at all. Answers no publication changes (a
// published issue, an earlier version of a document, a PDF) keep their
// long lifetimes. This file is the one place that rule lives: handlers
// name a cacheClass, and cacheControl and keep apply it.
//
// Shared caches get the lifetime as s-maxage and browsers max-age=0 (they
// revalidate, a 304 by ETag): nginx sends no Age header, so a browser
// behind it would count a max-age afresh from the moment nginx handed it a
// kept copy and could keep the page past the moment by as much again.
//
// What no header can do: an answer given before an issue was scheduled may
// be kept for its normal lifetime (at most five minutes), so an issue
// scheduled closer to its moment than that can show late by what is left
// of it. A new schedule is seen here within dueRecheck.

// cacheClass says how long a public answer may be kept as far as its own
// content goes.
type cacheClass uint8

// The classes of public answers.
const (
	ccPublished  cacheClass = iota + 1 // an issue's page or answer, an earlier version: never changes
	ccDocument                         // a document's current version: a correction replaces it
	ccRecent                           // lists, the home page, searches: a publication changes them
	ccPrivate                          // a page shaped by one reader's query
	ccFeed                             // feeds and the sitemap
	ccRevalidate                       // says something is missing, which may appear at any moment
)

// ccImmutable is the Cache-Control of content-addressed files and PDFs of
// published issues.
const ccImmutable = "public, max-age=31536000, immutable"

// lifetime is how long an answer of class k may be kept as far as its own
// content goes, whether only the reader's browser may keep it, and whether
// a publication can change it.
func (k cacheClass) lifetime() (maxAge time.Duration, private, changes bool) {
	switch k {
	case ccPublished:
		return time.Hour, false, false
	case ccDocument:
		return 5 * time.Minute, false, true
	case ccRecent:
		return time.Minute, false, true
	case ccPrivate:
		return time.Minute, true, true
	case ccFeed:
		return 5 * time.Minute, false, true
	}
	return 0, false, true
}

// cacheControl is the Cache-Control of an answer of class k sent now, and
// whether the schedule forbids keeping an answer that could otherwise be
// kept: the moment of a publication has come.
func (s *Server) cacheControl(c *gin.Context, k cacheClass) (string, bool) {
	normal, private, changes := k.lifetime()
	if !changes {
		return "public, max-age=" + seconds(normal), false
	}
	maxAge := s.keepFor(c.Request.Context(), normal)
	switch {
	case maxAge < time.Second && private:
		return "private, no-cache", normal > 0
	case maxAge < time.Second:
		return "public, no-cache", normal > 0
	case private:
		return "private, max-age=" + seconds(maxAge), false
	}
	return "public, max-age=0, s-maxage=" + seconds(maxAge), false
}

// setCacheControl sets the Cache-Control of an answer of class k. When the
// schedule forbids keeping it, the answer is sent whole even to a request
// that names its ETag: nginx, told "not modified, no-cache", keeps its
// expired copy for that copy's own lifetime again, past the moment.
func (s *Server) setCacheControl(c *gin.Context, k cacheClass) {
	cc, cut := s.cacheControl(c, k)
	if cut {
		c.Request.Header.Del("If-None-Match")
	}
	c.Header("Cache-Control", cc)
}

// seconds is d in whole seconds, rounded down: a cache may keep an answer
// no later than allowed.
func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// keep stores p in pc under key for the cache's own lifetime, or ttl when
// given, bounded for class k as cacheControl bounds it.
func (s *Server) keep(c *gin.Context, pc *pageCache, key string, p *page, ttl time.Duration, k cacheClass) {
	if ttl == 0 {
		ttl = pc.ttl
	}
	if _, _, changes := k.lifetime(); changes {
		if ttl == 0 {
			ttl = time.Hour // kept for good otherwise; the bound decides
		}
		if ttl = s.keepFor(c.Request.Context(), ttl); ttl <= 0 {
			return
		}
	}
	pc.putFor(key, p, ttl, cacheGen(c))
}

// keepFor bounds normal, how long an answer a publication can change may
// be kept, to the time left until the next scheduled publication: nothing
// once it has come, or when the schedule cannot be read.
func (s *Server) keepFor(ctx context.Context, normal time.Duration) time.Duration {
	at, ok := s.due.next(ctx, s)
	if !ok {
		return normal
	}
	return max(min(normal, time.Until(at)), 0)
}

// dueRecheck is how long the next publication moment read from the
// archive is trusted: a schedule made or changed, here or on another
// replica, is seen within it. Invalidate, called after a publication,
// makes the next answer read it at once.
const dueRecheck = time.Second

// nextDue remembers the next scheduled publication moment, so that
// answering reads the schedule at most once per dueRecheck. The zero value
// is ready to use; safe for concurrent use.
type nextDue struct {
	state atomic.Pointer[dueState]
	read  sync.Mutex // held while reading the schedule
}

type dueState struct {
	at   time.Time
	ok   bool      // an issue is scheduled (or the schedule could not be read)
	when time.Time // when this was read
}

// forget makes the next answer read the schedule again.
func (n *nextDue) forget() { n.state.Store(nil) }

// next returns the next publication moment, ok false when none is
// scheduled; when the schedule cannot be read, now. When a reading finds a
// moment sooner than the one known, s's page caches are cleared: they kept
// pages for the later one.
func (n *nextDue) next(ctx context.Context, s *Server) (time.Time, bool) {
	st := n.state.Load()
	if st != nil && time.Since(st.when) < dueRecheck {
		return st.at, st.ok
	}
	if !n.read.TryLock() {
		if st != nil {
			return st.at, st.ok // being read by another request: a moment old
		}
		n.read.Lock()
	}
	defer n.read.Unlock()
	if cur := n.state.Load(); cur != nil && time.Since(cur.when) < dueRecheck {
		return cur.at, cur.ok // read while this one waited
	}
	// The request may end before the reading does; the answer serves
	// every request after it.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := time.Now()
	at, ok, err := s.cfg.Archive.NextDue(rctx)
	if err != nil {
		s.cfg.Log.WarnContext(ctx, "schedule unreadable: public answers are not kept by caches", "err", err)
		at, ok = now, true
		if errors.Is(err, gazette.ErrUnavailable) {
			// Nothing new is kept meanwhile, but what is kept stays: it
			// is what serveStale answers with while storage is down, and
			// nothing can be published without storage anyway.
			n.state.Store(&dueState{at: at, ok: ok, when: now})
			return at, ok
		}
	}
	n.state.Store(&dueState{at: at, ok: ok, when: now})
	if ok && st != nil && (!st.ok || at.Before(st.at)) {
		for _, pc := range []*pageCache{s.recent, s.docs, s.searches} {
			pc.clear()
		}
	}
	return at, ok
}
