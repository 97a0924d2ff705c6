package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// The embedded index (bleve) can be open in one process at a time, but the
// storage beside it (fsblobs) is safe for several. So a command that finds
// the index held by a running `gazette serve` does all its work itself,
// reading its own files and writing storage directly, and sends only its
// index calls to the server, over a Unix socket under --data: the same
// code runs as in a direct ingest, so its output and exit status are the
// same. The socket is no network endpoint; it sits in a directory only the
// server's user can enter, and the server also checks each caller's user
// (SO_PEERCRED): whoever may write --data may already write the index.

// runDir is the directory under --data that holds the socket and the
// holder file; only the server's user may enter it.
func runDir(dataDir string) string { return filepath.Join(dataDir, "run") }

// indexSocket is the path of the server's index socket.
func indexSocket(dataDir string) string { return filepath.Join(runDir(dataDir), "index.sock") }

// holderFile is the path of the file that names the process holding the
// embedded index.
func holderFile(dataDir string) string { return filepath.Join(runDir(dataDir), "index-holder.json") }

// indexHolder says which process holds the embedded index, so that a
// command that finds it held can say who holds it.
type indexHolder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Addr    string    `json:"addr,omitempty"` // serve's listening address
	Since   time.Time `json:"since"`
}

// recordHolder writes h as the holder of the index under dataDir and
// returns a function that removes the record (if it is still h's).
func recordHolder(dataDir string, h indexHolder) (func(), error) {
	if err := os.MkdirAll(runDir(dataDir), 0o700); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	tmp := holderFile(dataDir) + "." + strconv.Itoa(h.PID)
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, holderFile(dataDir)); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return func() {
		if was, err := readHolder(dataDir); err == nil && was.PID == h.PID {
			os.Remove(holderFile(dataDir))
		}
	}, nil
}

func readHolder(dataDir string) (indexHolder, error) {
	var h indexHolder
	raw, err := os.ReadFile(holderFile(dataDir))
	if err != nil {
		return h, err
	}
	return h, json.Unmarshal(raw, &h)
}

// heldBy describes the process that holds the index under dataDir, as
// recorded by it: "gazette serve (pid 12, listening on 127.0.0.1:8080,
// since 10:04:05 UTC)".
func heldBy(dataDir string) string {
	h, err := readHolder(dataDir)
	if err != nil || h.PID <= 0 {
		return "another process (it has not recorded itself in " + holderFile(dataDir) + ")"
	}
	if err := syscall.Kill(h.PID, 0); errors.Is(err, syscall.ESRCH) {
		return fmt.Sprintf("another process (the last one recorded, %s pid %d, has exited)", h.Command, h.PID)
	}
	s := fmt.Sprintf("%s (pid %d", h.Command, h.PID)
	if h.Addr != "" {
		s += ", listening on " + h.Addr
	}
	return s + ", since " + h.Since.UTC().Format("2006-01-02 15:04:05 UTC") + ")"
}

// shareIndex serves idx's calls on the index socket under dataDir until
// the returned function is called; changed is called after every write,
// so the server drops what it has cached. storage names the server's
// storage (see storageConfig.storageID): a command on other storage must
// not write into this index.
func shareIndex(dataDir, storage string, idx archive.Index, changed func(), log *slog.Logger) (stop func(), err error) {
	dir := runDir(dataDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("index socket: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil { // made by an older version, or by hand
		return nil, fmt.Errorf("index socket: %w", err)
	}
	path := indexSocket(dataDir)
	// This process holds the index, so a socket left there is a dead
	// server's.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("index socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("index socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("index socket: %w", err)
	}
	hs := &http.Server{
		Handler:           indexHandler{idx: idx, storage: storage, changed: changed, log: log},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		hs.Serve(sameUser{ln.(*net.UnixListener), log})
	}()
	return func() {
		// Calls in flight finish first: a batch half sent is not cut.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
		<-done
		os.Remove(path)
	}, nil
}

// sameUser accepts connections only from processes of this process's user
// or root.
type sameUser struct {
	*net.UnixListener
	log *slog.Logger
}

func (l sameUser) Accept() (net.Conn, error) {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			return nil, err
		}
		uid, err := peerUID(c)
		if err == nil && (uid == os.Geteuid() || uid == 0) {
			return c, nil
		}
		l.log.Warn("index socket: refused a caller of another user", "uid", uid, "err", err)
		c.Close()
	}
}

func peerUID(c *net.UnixConn) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	var cred *syscall.Ucred
	var cerr error
	if err := rc.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return -1, err
	}
	if cerr != nil {
		return -1, cerr
	}
	return int(cred.Uid), nil
}

// indexHandler answers the index calls of remoteIndex: one POST per
// method, JSON in and out.
type indexHandler struct {
	idx     archive.Index
	storage string
	changed func()
	log     *slog.Logger
}

// wireError is an error as it crosses the socket: its text and the
// gazette error it wraps, if any.
type wireError struct {
	Error string `json:"error"`
	Kind  string `json:"kind,omitempty"`
}

// wireKinds are the errors callers test with errors.Is.
var wireKinds = map[string]error{
	"not_found": gazette.ErrNotFound, "exist": gazette.ErrExist, "invalid": gazette.ErrInvalid,
	"conflict": gazette.ErrConflict, "immutable": gazette.ErrImmutable, "corrupt": gazette.ErrCorrupt,
	"canceled": context.Canceled, "deadline": context.DeadlineExceeded,
}

func (h indexHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	ctx := r.Context()
	var (
		out any
		err error
	)
	decode := func(v any) bool {
		if e := json.NewDecoder(r.Body).Decode(v); e != nil {
			err = fmt.Errorf("index socket: request: %v: %w", e, gazette.ErrInvalid)
			return false
		}
		return true
	}
	switch r.URL.Path {
	case "/put":
		var docs []gazette.SearchDoc
		if decode(&docs) {
			err = h.idx.Put(ctx, docs)
			h.changed()
		}
	case "/delete":
		var ids []string
		if decode(&ids) {
			err = h.idx.Delete(ctx, ids)
			h.changed()
		}
	case "/search":
		var q gazette.Query
		if decode(&q) {
			out, err = h.idx.Search(ctx, q)
		}
	case "/suggest":
		var in suggestCall
		if decode(&in) {
			out, err = h.idx.Suggest(ctx, in.Text, in.N)
		}
	case "/lookup":
		var n gazette.DocNumber
		if decode(&n) {
			out, err = h.idx.Lookup(ctx, n)
		}
	case "/get":
		var id string
		if decode(&id) {
			out, err = h.idx.Get(ctx, id)
		}
	case "/fingerprints":
		out, err = h.idx.Fingerprints(ctx)
	case "/ping":
		err = h.idx.Ping(ctx)
	case "/storage":
		out = h.storage
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		we := wireError{Error: err.Error()}
		for k, e := range wireKinds {
			if errors.Is(err, e) {
				we.Kind = k
				break
			}
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		json.NewEncoder(w).Encode(we)
		return
	}
	json.NewEncoder(w).Encode(out)
}

// remoteIndex is archive.Index over a running server's index socket. Its
// methods are safe for concurrent use, as the server's index is.
type remoteIndex struct {
	c    *http.Client
	sock string
}

// errOtherStorage is returned by dialIndex when the server holding the
// index runs on other storage than the command.
var errOtherStorage = errors.New("the server holding the index runs on other storage")

// dialIndex connects to the index socket under dataDir; an error means no
// server shares its index there, or errOtherStorage, one does but runs on
// other storage than storage names.
func dialIndex(ctx context.Context, dataDir, storage string) (*remoteIndex, error) {
	sock := indexSocket(dataDir)
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}
	x := &remoteIndex{sock: sock, c: &http.Client{Transport: &http.Transport{DialContext: dial, MaxIdleConnsPerHost: 16}}}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var theirs string
	if err := x.call(pctx, "/storage", nil, &theirs); err != nil {
		return nil, err
	}
	if theirs != storage {
		return nil, fmt.Errorf("%w (%s; this command: %s): give it the server's settings", errOtherStorage, theirs, storage)
	}
	return x, nil
}

// errRemote marks an error the server's index returned, as opposed to one
// of reaching the server.
var errRemote = errors.New("from the server's index")

// remoteError is an error returned by the server's index.
type remoteError struct {
	msg  string
	kind error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Is(target error) bool {
	return target == errRemote || (e.kind != nil && target == e.kind)
}

// callTimeout bounds one index call: far more than the largest batch
// takes, so that a stopped server (SIGSTOP) fails the command rather than
// hanging it for ever.
const callTimeout = 5 * time.Minute

func (x *remoteIndex) call(ctx context.Context, method string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://gazette"+method, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := x.c.Do(req)
	if err != nil {
		return fmt.Errorf("index socket %s: %w", x.sock, err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		if out == nil {
			io.Copy(io.Discard, resp.Body)
			return nil
		}
		return json.NewDecoder(resp.Body).Decode(out)
	case http.StatusUnprocessableEntity:
		var we wireError
		if err := json.NewDecoder(resp.Body).Decode(&we); err != nil {
			return fmt.Errorf("index socket %s: %s: %w", x.sock, method, err)
		}
		return &remoteError{msg: we.Error, kind: wireKinds[we.Kind]}
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return fmt.Errorf("index socket %s: %s: %s: %s", x.sock, method, resp.Status, bytes.TrimSpace(msg))
}

// Put adds or replaces docs in the server's index.
func (x *remoteIndex) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	return x.call(ctx, "/put", docs, nil)
}

// Delete removes documents from the server's index.
func (x *remoteIndex) Delete(ctx context.Context, ids []string) error {
	return x.call(ctx, "/delete", ids, nil)
}

// Search searches the server's index.
func (x *remoteIndex) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	var res gazette.Results
	err := x.call(ctx, "/search", q, &res)
	return res, err
}

// suggestCall is the request of Index.Suggest as it crosses the socket.
type suggestCall struct {
	Text string `json:"text"`
	N    int    `json:"n"`
}

// Suggest offers documents for typed text from the server's index.
func (x *remoteIndex) Suggest(ctx context.Context, text string, n int) ([]gazette.Hit, error) {
	var hits []gazette.Hit
	err := x.call(ctx, "/suggest", suggestCall{text, n}, &hits)
	return hits, err
}

// Lookup finds documents by number in the server's index.
func (x *remoteIndex) Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error) {
	var ids []string
	err := x.call(ctx, "/lookup", n, &ids)
	return ids, err
}

// Get returns one hit from the server's index; gazette.ErrNotFound.
func (x *remoteIndex) Get(ctx context.Context, id string) (gazette.Hit, error) {
	var h gazette.Hit
	err := x.call(ctx, "/get", id, &h)
	return h, err
}

// Fingerprints returns every document's fingerprint in the server's index.
func (x *remoteIndex) Fingerprints(ctx context.Context) (map[string]string, error) {
	var m map[string]string
	err := x.call(ctx, "/fingerprints", nil, &m)
	return m, err
}

// Ping reports whether the server and its index answer.
func (x *remoteIndex) Ping(ctx context.Context) error { return x.call(ctx, "/ping", nil, nil) }
