package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/transparency"
	"golang.org/x/mod/sumdb/note"
)

// logConfig is the transparency log's configuration: the signing key
// (GAZETTE_SIGNING_KEY_FILE, or GAZETTE_SIGNING_KEY) and the published
// keyring (GAZETTE_LOG_KEYS_FILE: the current and retired public keys;
// without it, the signing key's public key alone).
//
// Without a signing key the log is off: nothing is appended, /log/ and the
// proofs answer 404. A store that holds a log already is never written
// without it: opening one for publishing fails, so that no publication
// slips past the log.
type logConfig struct {
	signer note.Signer // nil: no log
	ring   transparency.Keyring
}

// loadLogConfig reads the log's settings from the environment.
func loadLogConfig(e cli.Env) (logConfig, error) {
	var c logConfig
	private, err := cli.Secret(e, "GAZETTE_SIGNING_KEY")
	if err != nil || private == "" {
		return c, err
	}
	if c.signer, err = transparency.NewSigner(private); err != nil {
		return c, fmt.Errorf("GAZETTE_SIGNING_KEY_FILE: %w", err)
	}
	pub, err := transparency.PublicKey(private)
	if err != nil {
		return c, fmt.Errorf("GAZETTE_SIGNING_KEY_FILE: %w", err)
	}
	if file := e.Getenv("GAZETTE_LOG_KEYS_FILE"); file != "" {
		raw, err := e.ReadFile(file)
		if err != nil {
			return c, fmt.Errorf("GAZETTE_LOG_KEYS_FILE: %w", err)
		}
		if c.ring, err = transparency.ParseKeyring(raw); err != nil {
			return c, fmt.Errorf("GAZETTE_LOG_KEYS_FILE: %w", err)
		}
		return c, nil
	}
	if c.ring, err = transparency.KeyringOf(pub); err != nil {
		return c, fmt.Errorf("GAZETTE_SIGNING_KEY_FILE: %w", err)
	}
	return c, nil
}

// openLedger opens the transparency log in blobs and completes what a
// crash interrupted in it; nil when no key is configured.
func (c logConfig) openLedger(ctx context.Context, blobs archive.Blobs, log *slog.Logger) (*transparency.Log, error) {
	if c.signer == nil {
		if _, err := blobs.Stat(ctx, "log/checkpoint"); err == nil {
			return nil, fmt.Errorf("transparency log: this storage keeps a transparency log (log/checkpoint), but no signing key is configured: set GAZETTE_SIGNING_KEY_FILE, or publications would be left out of the log")
		} else if !errors.Is(err, gazette.ErrNotFound) {
			return nil, fmt.Errorf("transparency log: %w", err)
		}
		return nil, nil
	}
	l, err := transparency.New(blobs, c.signer, c.ring, log)
	if err != nil {
		return nil, fmt.Errorf("GAZETTE_SIGNING_KEY_FILE / GAZETTE_LOG_KEYS_FILE: %w", err)
	}
	// Entries a crash left sequenced are completed now. A log that cannot
	// be completed (storage down, or the log damaged) does not keep the
	// archive from being read: every publication then fails until it can.
	if err := l.Integrate(ctx); err != nil && log != nil {
		log.ErrorContext(ctx, "transparency log: cannot complete interrupted appends; publishing will fail until it can", "err", err)
	}
	return l, nil
}

// demoLogKey returns the log configuration of the demo: a throwaway key
// generated once into the data directory (log-demo.key, mode 0600).
func demoLogKey(dataDir string, e cli.Env) (logConfig, error) {
	path := filepath.Join(dataDir, "log-demo.key")
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		private, _, err := transparency.GenerateKey("localhost/log")
		if err != nil {
			return logConfig{}, err
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return logConfig{}, fmt.Errorf("demo key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return logConfig{}, fmt.Errorf("demo key: %w", err)
		}
		_, werr := f.WriteString(private + "\n")
		if err := errors.Join(werr, f.Close()); err != nil {
			return logConfig{}, fmt.Errorf("demo key: %w", err)
		}
		raw = []byte(private)
	} else if err != nil {
		return logConfig{}, fmt.Errorf("demo key: %w", err)
	}
	return loadLogConfig(cli.Env{ReadFile: e.ReadFile, Getenv: func(name string) string {
		if name == "GAZETTE_SIGNING_KEY" {
			return strings.TrimSpace(string(raw))
		}
		return ""
	}})
}
