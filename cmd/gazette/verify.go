package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/transparency"
)

func runKeygen(_ context.Context, args []string, _ cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "keygen", stderr)
	origin := fs.String("origin", "", "the log's origin: its public URL without scheme, e.g. gazette.example.gov.cn/log (required)")
	out := fs.String("out", "", "file to write the private key to, created with mode 0600; never overwritten (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: gazette keygen --origin ORIGIN --out FILE\n\nGenerates the Ed25519 signing key of the transparency log. The private key\ngoes to FILE (give it to serve as GAZETTE_SIGNING_KEY_FILE); the public key\nis printed, to publish (serve does, at /.well-known/gazette-log).")
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if *origin == "" || *out == "" {
		fs.Usage()
		return cli.ErrUsage
	}
	private, public, err := transparency.GenerateKey(*origin)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if _, err := f.WriteString(private + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("--out: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	_, err = fmt.Fprintln(stdout, public)
	return err
}

func runVerify(ctx context.Context, args []string, e cli.Env, _ io.Reader, stdout, stderr io.Writer) error {
	fs := cli.NewFlags("gazette", "verify", stderr)
	key := fs.String("key", "", "the log's public key (name+hash+key), or a file holding it")
	keyring := fs.String("keyring", "", "a file with the log's keyring (the JSON of /.well-known/gazette-log), for logs whose key was rotated")
	server := fs.String("server", "", "the gazette's URL: fetch the keyring (when neither --key nor --keyring is given), the proof (when PROOF is not given) and, for --consistency, the log's tiles")
	tiles := fs.String("tiles", "", "with --consistency: a directory holding a copy of the log (checkpoint, tile/...), instead of --server")
	consistency := fs.Bool("consistency", false, "check that checkpoint NEW extends checkpoint OLD: gazette verify --consistency OLD NEW")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `Usage: gazette verify [--key K | --keyring FILE] [--server URL] FILE [PROOF]
       gazette verify --consistency [--key K | --keyring FILE] [--server URL | --tiles DIR] OLD NEW

Checks that FILE (an issue's PDF, its manifest, or a document's record) is
exactly what the gazette published, when, and under which key: its SHA-256
must be named by a log entry that PROOF (a C2SP tlog-proof, as served at
/api/v1/issues/{year}/{number}/proof) proves to be in the log under a
checkpoint signed by the log's key. Offline when the key and PROOF are given.

With --consistency, checks that the log whose checkpoint NEW was saved later
still contains, unchanged, everything the checkpoint OLD covered: that its
history was not rewritten.`)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	n := fs.NArg()
	if (*consistency && n != 2) || (!*consistency && (n < 1 || n > 2)) {
		fs.Usage()
		return cli.ErrUsage
	}
	client := &http.Client{Timeout: 30 * time.Second}
	ring, err := loadKeyring(ctx, client, e, *key, *keyring, *server)
	if err != nil {
		return err
	}
	if *consistency {
		return verifyConsistency(ctx, client, e, ring, fs.Arg(0), fs.Arg(1), *server, *tiles, stdout)
	}
	file, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	h := sha256.New()
	_, err = io.Copy(h, file)
	file.Close()
	if err != nil {
		return fmt.Errorf("read %s: %w", fs.Arg(0), err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	var raw []byte
	switch {
	case n == 2:
		if raw, err = e.ReadFile(fs.Arg(1)); err != nil {
			return err
		}
	case *server != "":
		if raw, err = fetch(ctx, client, strings.TrimSuffix(*server, "/")+"/log/proof?sha256="+sum); err != nil {
			return fmt.Errorf("no proof for %s (SHA-256 %s): %w", fs.Arg(0), sum, err)
		}
	default:
		return fmt.Errorf("give the PROOF file, or --server to fetch it")
	}
	p, err := transparency.ParseProof(raw)
	if err != nil {
		return err
	}
	v, err := transparency.Verify(sum, p, ring)
	if err != nil {
		return fmt.Errorf("%s: NOT VERIFIED: %w", fs.Arg(0), err)
	}
	if err := printVerified(stdout, fs.Arg(0), sum, v); err != nil {
		return err
	}
	if *key == "" && *keyring == "" {
		// Keys fetched from the server prove only that the server agrees
		// with itself today: say so.
		_, err = fmt.Fprintf(stdout, "  keys:       fetched from %s now; save them (/.well-known/gazette-log) and pass --keyring, so that later checks do not trust the server\n", *server)
	}
	return err
}

// printVerified says what a successful verification established.
func printVerified(w io.Writer, name, sum string, v *transparency.Verified) error {
	var what []string
	for _, o := range v.Named {
		s := o.Role
		if o.ID != "" {
			s += " of document " + o.ID
		}
		what = append(what, s)
	}
	e := v.Entry
	fmt.Fprintf(w, "OK: %s is exactly what was published.\n", name)
	fmt.Fprintf(w, "  SHA-256:    %s\n", sum)
	fmt.Fprintf(w, "  it is the:  %s\n", strings.Join(what, ", "))
	fmt.Fprintf(w, "  event:      %s %s", e.Event, e.Subject)
	if e.Number > 0 {
		fmt.Fprintf(w, " (#%d)", e.Number)
	}
	fmt.Fprintf(w, ", at %s\n", e.Time.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05 -0700"))
	fmt.Fprintf(w, "  log:        %s, entry %d of %d\n", v.Origin, v.Index, v.Tree)
	status := "current"
	if !v.Key.Until.IsZero() {
		status = "retired " + v.Key.Until.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(w, "  signed by:  key %s (%s)\n", v.KeyID, status)
	if len(v.Cosigners) > 0 {
		fmt.Fprintf(w, "  cosigned:   %s\n", strings.Join(v.Cosigners, ", "))
	}
	return nil
}

// loadKeyring finds the keys to trust: --keyring, --key, or the server's
// published keyring (trusted on first use: say so).
func loadKeyring(ctx context.Context, client *http.Client, e cli.Env, key, keyring, server string) (transparency.Keyring, error) {
	switch {
	case keyring != "":
		raw, err := e.ReadFile(keyring)
		if err != nil {
			return transparency.Keyring{}, fmt.Errorf("--keyring: %w", err)
		}
		return transparency.ParseKeyring(raw)
	case key != "":
		if !strings.Contains(key, "+") {
			raw, err := e.ReadFile(key)
			if err != nil {
				return transparency.Keyring{}, fmt.Errorf("--key: neither a key nor a readable file: %w", err)
			}
			key = string(raw)
		}
		return transparency.KeyringOf(key)
	case server != "":
		raw, err := fetch(ctx, client, strings.TrimSuffix(server, "/")+"/.well-known/gazette-log")
		if err != nil {
			return transparency.Keyring{}, fmt.Errorf("--server: the log's keys: %w", err)
		}
		return transparency.ParseKeyring(raw)
	}
	return transparency.Keyring{}, fmt.Errorf("say which keys to trust: --key, --keyring or --server")
}

func verifyConsistency(ctx context.Context, client *http.Client, e cli.Env, ring transparency.Keyring, oldPath, newPath, server, tiles string, stdout io.Writer) error {
	open := func(path string) (*transparency.Checkpoint, error) {
		raw, err := e.ReadFile(path)
		if err != nil {
			return nil, err
		}
		cp, err := transparency.OpenKeyringCheckpoint(raw, ring)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return cp, nil
	}
	older, err := open(oldPath)
	if err != nil {
		return err
	}
	newer, err := open(newPath)
	if err != nil {
		return err
	}
	var fetchTiles transparency.TileFetcher
	switch {
	case tiles != "":
		fetchTiles = transparency.DirTiles(tiles)
	case server != "":
		fetchTiles = transparency.HTTPTiles(client, strings.TrimSuffix(server, "/")+"/log/")
	case newer.Size > older.Size:
		return fmt.Errorf("the checkpoints differ in size: give --server or --tiles to read the log's tiles for the consistency proof")
	}
	if err := transparency.ConsistencyFrom(ctx, fetchTiles, older, newer); err != nil {
		return fmt.Errorf("NOT CONSISTENT: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "OK: the log of %s at %d entries extends, unchanged, the log at %d entries: its history was not rewritten.\n", newer.Origin, newer.Size, older.Size)
	return err
}

// fetch GETs url, which must answer 200.
func fetch(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status + ": " + strings.TrimSpace(string(body[:min(len(body), 300)])))
	}
	return body, nil
}
