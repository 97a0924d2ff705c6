package frontend

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// Archive is what the frontend needs of the archive of record. Every method
// is safe for concurrent use; missing things are gazette.ErrNotFound,
// malformed requests gazette.ErrInvalid.
type Archive interface {
	// Ready reports whether storage answers.
	Ready(ctx context.Context) error
	// Years returns the years with published issues, ascending.
	Years(ctx context.Context) ([]int, error)
	// Issues returns the published issues of a year in order.
	Issues(ctx context.Context, year int) ([]gazette.Issue, error)
	// Issue returns one published issue with its table of contents.
	Issue(ctx context.Context, key gazette.IssueKey) (*gazette.Issue, error)
	// IssueRefs returns the key and running number of every published
	// issue, in order, for coverage.
	IssueRefs(ctx context.Context) ([]gazette.IssueRef, error)
	// Latest returns the most recently published issue.
	Latest(ctx context.Context) (*gazette.Issue, error)
	// Document returns one published document by ID.
	Document(ctx context.Context, id string) (*gazette.Document, error)
	// DocumentPage returns version v (0: the current one, 1: as printed)
	// of a published document with its versions and validity changes and
	// its issue, read together.
	DocumentPage(ctx context.Context, id string, v int) (*gazette.Document, *gazette.History, *gazette.Issue, error)
	// Histories returns the histories of every corrected or changed
	// document, most recently changed first.
	Histories(ctx context.Context) ([]gazette.History, error)
	// PDF opens the print PDF of an issue; the caller closes it.
	PDF(ctx context.Context, key gazette.IssueKey) (io.ReadSeekCloser, gazette.ObjectInfo, error)
	// Search runs a query, documents named by 文号 first.
	Search(ctx context.Context, q gazette.Query) (gazette.Results, error)
	// Suggest returns the documents the search box offers for text typed
	// so far (archive.Suggest); gazetteName resolves short forms of 文号.
	Suggest(ctx context.Context, text, gazetteName string) ([]gazette.Hit, error)
	// NextDue returns the earliest release moment among scheduled issues
	// (in the past for one due and not yet published), ok false when none
	// is scheduled. Answers that a publication changes are never kept
	// past it.
	NextDue(ctx context.Context) (at time.Time, ok bool, err error)
}

// Config is everything the frontend needs, resolved by cmd.
type Config struct {
	Archive Archive
	Log     *slog.Logger
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For is believed; empty trusts none.
	TrustedProxies []string
	Version        string
	// PublicURL is the absolute URL of the site's root (scheme and host,
	// no path), used in feeds, the sitemap and Open Graph tags; empty means
	// http://localhost.
	PublicURL string
	// APIRate is how many API requests per second one client address may
	// make on average (a token bucket with a burst of APIBurst); 0 means the
	// default of 20, a negative value turns rate limiting off.
	APIRate float64
	// APIBurst is the bucket size; 0 means 3 × APIRate.
	APIBurst int
	// Gazette is the name of the publication; empty means the name the
	// published issues carry (政府公报 until one is published).
	Gazette string
	// Editorial is the editors' service; nil serves no /editor pages and
	// no /api/v1/editor API.
	Editorial *editorial.Service
	// MaxUploadBytes bounds an uploaded print PDF; 0 means
	// editorial.DefaultMaxPDFBytes.
	MaxUploadBytes int64
	// Tools says, a line each, which ingest tools the server found (text
	// layer fallback, OCR, page images), so that /readyz shows an operator
	// a degraded ingest before an editor meets it. It does not make the
	// server unready: readers are served all the same.
	Tools []string
	// SearchTimeout bounds every search the server runs for a request, so
	// that an index that hangs (a paused or overloaded engine) costs a
	// reader a 503 rather than a page that never comes; 0 means
	// DefaultSearchTimeout.
	SearchTimeout time.Duration
	// SearchHealth, if set, says in one line how search stands (answering,
	// unavailable, being repaired), for /readyz. Search being down does not
	// make the replica unready: reading is served all the same.
	SearchHealth func() string
	// AdminEmail is the address OAI-PMH's Identify gives harvesters to
	// write to; empty means webmaster@ the public URL's host (RFC 2142).
	AdminEmail string
	// Transparency is the public transparency log; nil when the archive
	// keeps none: /log/, the proofs and /verify then say so (404).
	Transparency TransparencyLog
	// Bulk is bulk data and the fixity audits' records; nil: /bulk and
	// /editor/fixity answer 404.
	Bulk Bulk
}

// DefaultSearchTimeout is the default of Config.SearchTimeout: far above
// what a search takes on either engine, far below a reader's patience.
const DefaultSearchTimeout = 10 * time.Second

// Server is the HTTP handler of Gazette.
type Server struct {
	cfg    Config
	engine *gin.Engine
	base   *url.URL
	pages  map[string]*template.Template
	assets *assets
	cache  *pageCache // immutable published content, by path
	recent *pageCache // pages that change when an issue is published: a short TTL
	// docs are current versions of documents (pages and API answers): a
	// correction or validity change made on another replica shows within
	// docTTL; one made here drops them at once (Invalidate).
	docs *pageCache
	// searches are search pages and API answers by query, for a short TTL
	// too, apart so that a stream of distinct queries cannot evict the rest.
	searches *pageCache
	limiter  *limiter
	openapi  *asset
	// pdfSums are the SHA-256 of published print PDFs by issue key
	// (pdfSHA256).
	pdfSums sync.Map
	// oaiFacts are the facts OAI-PMH's sets need, by document ID
	// (oaiFactsOf).
	oaiFacts sync.Map
	// oaiStampCache keeps the stamps OAI-PMH answers from (oai_stamps.go).
	oaiStampCache oaiStampCache
	// due is the next scheduled publication moment, as last read.
	due nextDue
	// name is the gazette's name as published issues print it, unless
	// nameFixed (configured).
	name      atomic.Value
	nameFixed bool
	// nameTried is when learnName last asked the archive (Unix ns).
	nameTried atomic.Int64
	// chrome is the parts of every page rendered for the name (chrome.go).
	chrome atomic.Pointer[chrome]
}

// Cache lifetimes of pages that change when something is published.
const (
	recentTTL = 10 * time.Second
	docTTL    = time.Minute
)

// gin's mode is a global of the process: set once here, so that New
// changes nothing outside the server it makes (debug mode would log every
// route to stdout).
func init() { gin.SetMode(gin.ReleaseMode) }

// The bounds of the page caches, by count and bytes, each sized for what it
// keeps: every published page (immutable, so worth keeping long), the pages
// that change with each publication (recent: home, lists, feeds),
// documents' pages and answers, and search pages.
const (
	pagesKept, pagesBytes       = 8192, 128 << 20
	recentKept, recentBytes     = 512, 32 << 20
	docsKept, docsBytes         = 8192, 64 << 20
	searchesKept, searchesBytes = 2048, 32 << 20
	// clientsTracked bounds the rate limiter's buckets, one per address.
	clientsTracked = 100_000
)

// New builds the server. It fails when the configuration is unusable, for
// example a malformed trusted proxy or public URL.
func New(cfg Config) (*Server, error) {
	if cfg.Archive == nil {
		return nil, fmt.Errorf("frontend: no archive")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	nameFixed := cfg.Gazette != ""
	if !nameFixed {
		cfg.Gazette = "政府公报"
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost"
	}
	base, err := url.Parse(strings.TrimRight(cfg.PublicURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || (base.Path != "" && base.Path != "/") || base.RawQuery != "" || base.Fragment != "" || base.User != nil {
		return nil, fmt.Errorf("frontend: public URL %q: want http(s)://host[:port] without a path", cfg.PublicURL)
	}
	if cfg.AdminEmail != "" {
		if a, err := mail.ParseAddress(cfg.AdminEmail); err != nil || a.Address != cfg.AdminEmail {
			return nil, fmt.Errorf("frontend: admin e-mail %q: want a bare address such as webmaster@example.org", cfg.AdminEmail)
		}
	}
	switch {
	case cfg.APIRate == 0:
		cfg.APIRate = 20
	case cfg.APIRate < 0:
		cfg.APIRate = 0
	}
	if cfg.Editorial != nil && cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = editorial.DefaultMaxPDFBytes
	}
	if cfg.SearchTimeout <= 0 {
		cfg.SearchTimeout = DefaultSearchTimeout
	}
	if cfg.APIBurst <= 0 {
		cfg.APIBurst = int(3*cfg.APIRate) + 1
	}
	e := gin.New()
	e.ContextWithFallback = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("frontend: trusted proxies: %w", err)
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	gen := new(atomic.Uint64)
	gen.Store(1) // 0 means a request that noted no generation: never kept
	s := &Server{
		cfg: cfg, engine: e, base: base, assets: as, nameFixed: nameFixed,
		cache:    newPageCache(pagesKept, pagesBytes, 0, gen),
		recent:   newPageCache(recentKept, recentBytes, recentTTL, gen),
		docs:     newPageCache(docsKept, docsBytes, docTTL, gen),
		searches: newPageCache(searchesKept, searchesBytes, recentTTL, gen),
	}
	if cfg.APIRate > 0 {
		s.limiter = newLimiter(cfg.APIRate, cfg.APIBurst, clientsTracked)
	}
	spec, err := files.ReadFile("openapi.json")
	if err != nil {
		return nil, fmt.Errorf("frontend: openapi.json: %w", err)
	}
	s.openapi = newAsset("openapi.json", spec)
	if s.pages, err = parseTemplates(as); err != nil {
		return nil, err
	}
	e.Use(s.recoverer(), s.accessLog(), s.securityHeaders(), s.strictQuery(), s.learnName())
	s.routes()
	return s, nil
}

// Invalidate drops every cached page and API answer. Call it when an issue
// was published or a document corrected or changed, so that no page
// outlives what it shows.
func (s *Server) Invalidate() {
	for _, pc := range []*pageCache{s.cache, s.recent, s.docs, s.searches} {
		pc.clear()
	}
	s.due.forget()       // the publication that calls this changed the schedule
	s.nameTried.Store(0) // and may be the first issue, which names the gazette
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// abs returns the absolute public URL of a site path.
func (s *Server) abs(path string) string { return s.base.String() + path }

func isNotFound(err error) bool { return errors.Is(err, gazette.ErrNotFound) }
