package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/frontend"
)

func runServe(ctx context.Context, args []string, e env, _ io.Reader, _, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	fs.String("addr", "127.0.0.1:8080", "address to listen on (env GAZETTE_ADDR)")
	fs.String("trusted-proxies", "", "comma-separated addresses or CIDRs of reverse proxies to trust (env GAZETTE_TRUSTED_PROXIES)")
	fs.String("log-level", "info", "debug, info, warn or error (env GAZETTE_LOG_LEVEL)")
	addStorageFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	addr := setting(fs, e, "addr", "GAZETTE_ADDR")
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("--addr / GAZETTE_ADDR: %q: %v", addr, err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(setting(fs, e, "log-level", "GAZETTE_LOG_LEVEL"))); err != nil {
		return fmt.Errorf("--log-level / GAZETTE_LOG_LEVEL: %v", err)
	}
	var proxies []string
	for _, p := range strings.Split(setting(fs, e, "trusted-proxies", "GAZETTE_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			proxies = append(proxies, p)
		}
	}
	storage, err := loadStorage(fs, e)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	arch, where, closeIndex, err := storage.openArchive(ctx, log)
	if err != nil {
		return err
	}
	reconciled := make(chan struct{})
	defer func() { <-reconciled; closeIndex() }()
	// Bring the index up to date with storage after any crash, without
	// delaying start-up: storage is the truth and readers only see it.
	go func() {
		defer close(reconciled)
		if d, err := arch.Reconcile(ctx, true, nil); err != nil {
			log.Error("reconcile index", "err", err)
		} else if !d.Clean() {
			log.Warn("index drift repaired", "missing", len(d.Missing), "stale", len(d.Stale), "orphaned", len(d.Orphaned))
		}
	}()
	srv, err := frontend.New(frontend.Config{Archive: arch, Log: log, TrustedProxies: proxies, Version: version()})
	if err != nil {
		return fmt.Errorf("--trusted-proxies / GAZETTE_TRUSTED_PROXIES: %w", err)
	}
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
	log.Info("listening", "addr", ln.Addr().String(), "storage", where, "version", version())
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
