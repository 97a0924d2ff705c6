package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/preserve"
	"github.com/gazette-archive/gazette/transparency"
)

func runServe(ctx context.Context, args []string, e cli.Env, _ io.Reader, _, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "serve", stderr)
	fs.String("addr", "127.0.0.1:8080", "address to listen on (env GAZETTE_ADDR)")
	fs.String("trusted-proxies", "", "comma-separated addresses or CIDRs of reverse proxies to trust (env GAZETTE_TRUSTED_PROXIES)")
	fs.String("log-level", "info", "debug, info, warn or error (env GAZETTE_LOG_LEVEL)")
	fs.String("public-url", "", "absolute URL of the site's root, for feeds, the sitemap and links (env GAZETTE_PUBLIC_URL; default http://ADDR)")
	fs.String("api-rate", "20", "API requests per second allowed to one client address, bursts of three times that; 0 turns the limit off (env GAZETTE_API_RATE)")
	fs.String("gazette", "", "the gazette's name, e.g. 福建省人民政府公报 (env GAZETTE_NAME; default: as the newest published issue prints it); short forms of 文号 such as 省政府令 resolve to its government")
	fs.String("admin-email", "", "address harvesters may write to, in OAI-PMH's Identify (env GAZETTE_ADMIN_EMAIL; default webmaster@ the public URL's host)")
	fs.String("search-timeout", frontend.DefaultSearchTimeout.String(), "longest a search may take before the reader is answered 503, search unavailable (env GAZETTE_SEARCH_TIMEOUT)")
	demo := fs.Bool("demo", false, "on an empty archive, first typeset and ingest a few issues of a fictional province's gazette, to show a whole gazette at once")
	cli.AddStorageFlags(fs)
	addPreservationFlags(fs)
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	addr := cli.Setting(fs, e, "addr", "GAZETTE_ADDR")
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("--addr / GAZETTE_ADDR: %q: %v", addr, err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cli.Setting(fs, e, "log-level", "GAZETTE_LOG_LEVEL"))); err != nil {
		return fmt.Errorf("--log-level / GAZETTE_LOG_LEVEL: %v", err)
	}
	var proxies []string
	for _, p := range strings.Split(cli.Setting(fs, e, "trusted-proxies", "GAZETTE_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			proxies = append(proxies, p)
		}
	}
	publicURL := cli.Setting(fs, e, "public-url", "GAZETTE_PUBLIC_URL")
	if publicURL == "" {
		publicURL = "http://" + addr
	}
	rateText := cli.Setting(fs, e, "api-rate", "GAZETTE_API_RATE")
	rate, err := strconv.ParseFloat(rateText, 64)
	if err != nil || rate < 0 || math.IsInf(rate, 0) || math.IsNaN(rate) {
		return fmt.Errorf("--api-rate / GAZETTE_API_RATE: want a number of requests per second, 0 or more, got %q", rateText)
	}
	if rate == 0 {
		rate = -1 // the frontend's "off"
	}
	timeoutText := cli.Setting(fs, e, "search-timeout", "GAZETTE_SEARCH_TIMEOUT")
	searchTimeout, err := time.ParseDuration(timeoutText)
	if err != nil || searchTimeout <= 0 {
		return fmt.Errorf("--search-timeout / GAZETTE_SEARCH_TIMEOUT: want a duration such as 10s, got %q", timeoutText)
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	// Search is not needed to read: start during a search outage.
	storage.waitless = true
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	storage.addr = addr
	if *demo && storage.log.signer == nil {
		// The demo shows the log too, under a throwaway key kept beside
		// its data: never a key to publish a real gazette under.
		if storage.log, err = demoLogKey(storage.DataDir, e); err != nil {
			return err
		}
		log.Warn("demo: transparency log signed with a throwaway key from the data directory; configure GAZETTE_SIGNING_KEY_FILE for a real gazette")
	}
	// serve opens the embedded index itself and never hands off to another
	// server: two servers on one --data is a mistake to report.
	d, err := storage.open(ctx, log, openOptions{index: true})
	if err != nil {
		return err
	}
	defer d.Close()
	arch, idx, blobs := d.archive, d.index, d.blobs
	preservation, err := loadPreservation(fs, e, d, log)
	if err != nil {
		return err
	}
	// One pipeline for the demo and for editors' uploads: finding the
	// fallback tools runs them, so it is done once.
	xopts := extract.WithTools(ctx, extract.Options{Workers: runtime.NumCPU()}, ocr.Limits{}, ocr.Options{})
	learnNames(ctx, arch, xopts, log)
	split := func(ctx context.Context, path string) (*report.Result, error) {
		return ingest.Extract(ctx, path, ingest.ExtractOptions{Extract: xopts})
	}
	if *demo {
		if err := seedDemo(ctx, arch, blobs, split, log); err != nil {
			return err
		}
	}
	// Scheduling through the editors' desk wakes this replica's publisher,
	// so a release moment sooner than its next check is not missed.
	wake, woken := wakeup()
	render := pageRenderer(log)
	tools, degraded := toolReport(xopts, render)
	if degraded {
		log.Warn("ingest is degraded: some tools are missing", "tools", tools)
	} else {
		log.Info("ingest tools found", "tools", tools)
	}
	editors, err := editorial.New(editorial.Config{Blobs: blobs, Archive: scheduleNotifier{arch, wake}, Log: log, Split: split, Render: render,
		Reread: ingest.Reread(xopts)})
	if err != nil {
		return err
	}
	keeper := &archive.IndexKeeper{Archive: arch, Log: log}
	var tlog frontend.TransparencyLog
	if d.ledger != nil {
		tlog = transparency.NewPublic(d.ledger, arch)
	} else {
		log.Warn("transparency log off: no signing key (GAZETTE_SIGNING_KEY_FILE; gazette keygen makes one); publications are not logged and have no proofs")
	}
	srv, err := frontend.New(frontend.Config{Archive: arch, Editorial: editors, Log: log, TrustedProxies: proxies, Version: version(), PublicURL: publicURL, APIRate: rate, Tools: tools,
		Gazette: cli.Setting(fs, e, "gazette", "GAZETTE_NAME"), SearchTimeout: searchTimeout, SearchHealth: func() string { return keeper.Status().String() },
		Transparency: tlog, AdminEmail: cli.Setting(fs, e, "admin-email", "GAZETTE_ADMIN_EMAIL"),
		Bulk: preserve.Shelf{Bagger: preserve.Bagger{Blobs: blobs, Archive: arch, Log: d.ledger}}})
	if err != nil {
		return fmt.Errorf("--trusted-proxies / GAZETTE_TRUSTED_PROXIES, --public-url / GAZETTE_PUBLIC_URL or --admin-email / GAZETTE_ADMIN_EMAIL: %w", err)
	}
	// A repair that changed the index drops cached searches, which counted
	// without the documents it added.
	keeper.Changed = srv.Invalidate
	// gazette ingest, search and reindex on the same --data use this
	// server's embedded index (handoff.go).
	stopSharing, err := storage.shareIndex(idx, srv.Invalidate, log)
	if err != nil {
		// Serving matters more: those commands then say who holds the index.
		log.Warn("gazette ingest, search and reindex cannot use this server's index while it runs", "err", err)
		stopSharing = func() {}
	}
	defer stopSharing()
	// Scheduled publication, expiry dates and the index's repair after a
	// crash run beside serving: storage is the truth and readers only see it.
	bgCtx, stopBackground := context.WithCancel(ctx)
	bgDone := make(chan struct{})
	defer func() { stopBackground(); <-bgDone }()
	go func() {
		defer close(bgDone)
		if d.ledger != nil {
			// A publication a crash left between its log entry and its
			// commit, or a change left unlogged, is completed first. It
			// reads every manifest and history, so serving does not wait
			// for it: readers see only what is committed, and a log that
			// cannot be reconciled is reported (publishing fails until it
			// can).
			if drift, err := arch.ReconcileLog(bgCtx, true); err != nil {
				log.Error("transparency log: not reconciled with storage", "err", err)
			} else {
				log.Info("transparency log", "origin", d.ledger.Origin(), "entries", drift.Entries, "completed", len(drift.Committed), "appended", len(drift.Unlogged), "dangling", drift.Dangling)
			}
		}
		// Fixity audits and dumps (preservation.go).
		pdone := make(chan struct{})
		go func() { defer close(pdone); preservation.run(bgCtx) }()
		defer func() { <-pdone }()
		background{arch: arch, index: keeper, log: log, now: time.Now, changed: srv.Invalidate, published: editors.IssuesPublished, wake: woken,
			prune: func(ctx context.Context) (int, error) { return editors.PruneSessions(ctx, editorial.Maintenance()) }}.run(bgCtx)
	}()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--addr / GAZETTE_ADDR: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      10 * time.Minute, // large PDFs on slow phones
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	procs := frontend.ServeProcs(e.Getenv("GOMAXPROCS") != "")
	log.Info("listening", "addr", ln.Addr().String(), "storage", d.where, "version", version(), "gomaxprocs", procs)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// seedDemo loads the demo issues when the archive has none.
func seedDemo(ctx context.Context, arch *archive.Archive, ledger ingest.Ledger, split ingest.ExtractFunc, log *slog.Logger) error {
	years, err := arch.Years(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(years) > 0 {
		log.Info("demo: the archive has issues already; nothing added")
		return nil
	}
	start := time.Now()
	reports, err := loadDemo(ctx, time.Now(), ingest.BatchOptions{
		Extract: split,
		Publish: publisher{arch},
		Ledger:  ledger,
		Workers: runtime.NumCPU(),
	})
	if err != nil {
		return err
	}
	for _, r := range reports {
		if r.Outcome != ingest.Ingested {
			return fmt.Errorf("demo: %s: %s: %s", r.Path, r.Outcome, r.Reason)
		}
	}
	log.Info("demo: issues typeset and ingested", "issues", len(reports), "seconds", time.Since(start).Seconds())
	return nil
}
