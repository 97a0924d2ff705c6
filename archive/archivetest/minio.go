//go:build linux

package archivetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
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

// MinIOServer is a running MinIO server started for tests: a real server
// process on loopback with a throwaway data directory and random root
// credentials. (The helpers that start one are Linux-only: they rely on a
// process group and a parent-death signal so that no server outlives its
// test binary, even one killed by -timeout.)
type MinIOServer struct {
	// Endpoint is the S3 API address, "127.0.0.1:port" (plain HTTP).
	Endpoint string
	// AccessKey and SecretKey are the root credentials of the server.
	AccessKey string
	SecretKey string

	// ctl controls the process of a server started by StartMinIO; it is
	// nil for the shared server, which other tests are using.
	ctl *minioCtl
}

// minioCtl is the running process of a test's own server, replaced by
// Restart.
type minioCtl struct {
	mu   sync.Mutex
	proc *minioProc
}

// MinIOBinEnv names the environment variable that may hold the path of the
// minio server binary used by StartMinIO and SharedMinIO.
const MinIOBinEnv = "GAZETTE_MINIO_BIN"

const (
	minioStartTimeout = 60 * time.Second
	minioStopTimeout  = 10 * time.Second
	minioStartTries   = 3
)

// StartMinIO starts a MinIO server of its own for the calling test and stops
// it when the test and its subtests are done. The server's log is printed if
// the test fails. The binary is $GAZETTE_MINIO_BIN, else minio on PATH, else
// $HOME/.cache/gazette/bin/minio (where `make tools` installs it); without
// one the test fails, saying so: tests against MinIO are never skipped.
func StartMinIO(t testing.TB) MinIOServer {
	t.Helper()
	dir := t.TempDir()
	p, err := startMinIO(dir)
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	ctl := &minioCtl{proc: p}
	t.Cleanup(func() {
		ctl.mu.Lock()
		defer ctl.mu.Unlock()
		p := ctl.proc
		if err := p.stop(); err != nil { // SIGKILL ends a paused server too
			t.Errorf("archivetest: %v", err)
		}
		if t.Failed() {
			t.Logf("MinIO server log (%s):\n%s", p.logPath, p.logTail())
		}
	})
	srv := p.srv
	srv.ctl = ctl
	return srv
}

// Kill ends the server at once (SIGKILL), as a crash or a lost machine
// would: clients then find the port closed. Restart starts it again.
func (s MinIOServer) Kill(t testing.TB) {
	t.Helper()
	ctl := s.control(t)
	defer ctl.mu.Unlock()
	if err := ctl.proc.stop(); err != nil {
		t.Fatalf("archivetest: %v", err)
	}
}

// Pause stops the server with SIGSTOP: the kernel still accepts
// connections on its port, but nothing answers, as with a hung server or
// a network that drops packets. Resume lets it go on.
func (s MinIOServer) Pause(t testing.TB) {
	t.Helper()
	s.signal(t, syscall.SIGSTOP)
	// The signal stops each thread on its way back to user space: a
	// request in flight may still be answered. Wait until all have.
	pid := s.ctl.proc.cmd.Process.Pid
	for deadline := time.Now().Add(minioStopTimeout); !allStopped(pid); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("archivetest: MinIO server (pid %d) still runs %v after SIGSTOP", pid, minioStopTimeout)
		}
	}
}

// allStopped reports whether every thread of process pid is stopped by a
// signal (state T in /proc).
func allStopped(pid int) bool {
	stats, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "stat"))
	for _, f := range stats {
		raw, err := os.ReadFile(f)
		if err != nil {
			return false
		}
		// The state follows the command name, which is in parentheses.
		i := bytes.LastIndexByte(raw, ')')
		if i < 0 || i+2 >= len(raw) || raw[i+2] != 'T' {
			return false
		}
	}
	return len(stats) > 0
}

// Resume continues a server stopped by Pause (SIGCONT).
func (s MinIOServer) Resume(t testing.TB) {
	t.Helper()
	s.signal(t, syscall.SIGCONT)
}

// Restart starts a killed server again on the same address, with the same
// credentials and data, and waits until it is ready.
func (s MinIOServer) Restart(t testing.TB) {
	t.Helper()
	ctl := s.control(t)
	defer ctl.mu.Unlock()
	if !ctl.proc.hasExited() {
		t.Fatal("archivetest: Restart of a MinIO server that runs: Kill it first")
	}
	old := ctl.proc
	p, err := startMinIOAt(old.cmd.Path, old.dir, old.srv, old.console)
	if err != nil {
		t.Fatalf("archivetest: restart: %v", err)
	}
	ctl.proc = p
}

// control returns the process control of a test's own server, locked:
// the caller unlocks it.
func (s MinIOServer) control(t testing.TB) *minioCtl {
	t.Helper()
	if s.ctl == nil {
		t.Fatal("archivetest: only a server of the test's own (StartMinIO) may be killed, paused or restarted; the shared one serves other tests")
	}
	s.ctl.mu.Lock()
	return s.ctl
}

func (s MinIOServer) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	ctl := s.control(t)
	defer ctl.mu.Unlock()
	p := ctl.proc
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil {
		t.Fatalf("archivetest: signal %v to MinIO server (process group %d): %v", sig, p.cmd.Process.Pid, err)
	}
}

// shared is the one MinIO server of a test binary that uses MainWithMinIO.
var shared struct {
	mu      sync.Mutex
	enabled bool // MainWithMinIO is running the tests
	dir     string
	proc    *minioProc
	err     error
}

// MainWithMinIO runs the tests of a package whose tests call SharedMinIO, then
// stops the shared server (if any test started it) and removes its data. Call
// it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(archivetest.MainWithMinIO(m)) }
//
// The server's log is printed when a test failed.
func MainWithMinIO(m *testing.M) int {
	shared.mu.Lock()
	shared.enabled = true
	shared.mu.Unlock()

	code := m.Run()

	shared.mu.Lock()
	defer shared.mu.Unlock()
	shared.enabled = false
	if p := shared.proc; p != nil {
		if err := p.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "archivetest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
		if code != 0 {
			fmt.Fprintf(os.Stderr, "shared MinIO server log (%s):\n%s\n", p.logPath, p.logTail())
		}
		shared.proc = nil
	}
	if shared.dir != "" {
		if err := os.RemoveAll(shared.dir); err != nil {
			fmt.Fprintf(os.Stderr, "archivetest: remove MinIO data: %v\n", err)
		}
		shared.dir = ""
	}
	return code
}

// SharedMinIO returns the MinIO server shared by every test of the binary,
// starting it on first use. The package's TestMain must run the tests with
// MainWithMinIO, which stops the server at the end. Tests sharing the server
// must keep to buckets of their own. Like StartMinIO, it fails the test when
// the server cannot be started; it never skips.
func SharedMinIO(t testing.TB) MinIOServer {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	switch {
	case !shared.enabled:
		t.Fatal("archivetest: SharedMinIO needs the package's TestMain to run the tests with archivetest.MainWithMinIO")
	case shared.err != nil:
		t.Fatalf("archivetest: shared MinIO server did not start: %v", shared.err)
	case shared.proc != nil:
		return shared.proc.srv
	}
	dir, err := os.MkdirTemp("", "gazette-minio-")
	if err != nil {
		shared.err = err
		t.Fatalf("archivetest: %v", err)
	}
	shared.dir = dir
	p, err := startMinIO(dir)
	if err != nil {
		shared.err = err
		t.Fatalf("archivetest: %v", err)
	}
	shared.proc = p
	return p.srv
}

// minioProc is one running minio server process.
type minioProc struct {
	srv     MinIOServer
	console string // the console's address
	dir     string // data, certificates and log
	cmd     *exec.Cmd
	exited  chan struct{} // closed once the process has been waited for
	waitErr error         // valid after exited is closed
	logPath string
}

// startMinIO starts a server with its data, certificates and log under dir
// and waits until it is live and ready. It retries with new ports if the
// server dies before answering (another process may take a free port between
// choosing it and the server binding it).
func startMinIO(dir string) (*minioProc, error) {
	bin, err := findMinIO()
	if err != nil {
		return nil, err
	}
	var errs []error
	for try := 1; try <= minioStartTries; try++ {
		p, err := startMinIOOnce(bin, filepath.Join(dir, "try"+strconv.Itoa(try)))
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
		if !errors.Is(err, errExitedEarly) {
			break // not a port clash: do not insist
		}
	}
	return nil, errors.Join(errs...)
}

func startMinIOOnce(bin, dir string) (*minioProc, error) {
	data, certs := filepath.Join(dir, "data"), filepath.Join(dir, "certs")
	for _, d := range []string{data, certs} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	srv := MinIOServer{
		Endpoint:  "127.0.0.1:" + strconv.Itoa(ports[0]),
		AccessKey: "test" + randomHex(8),
		SecretKey: randomHex(20),
	}
	return startMinIOAt(bin, dir, srv, "127.0.0.1:"+strconv.Itoa(ports[1]))
}

// startMinIOAt starts a server on the address and with the credentials of
// srv, over the data under dir (new or left by an earlier run), appending
// to its log.
func startMinIOAt(bin, dir string, srv MinIOServer, console string) (*minioProc, error) {
	data, certs := filepath.Join(dir, "data"), filepath.Join(dir, "certs")
	logPath := filepath.Join(dir, "minio.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor

	cmd := exec.Command(bin, "server", data,
		"--address", srv.Endpoint,
		"--console-address", console,
		"--certs-dir", certs,
	)
	cmd.Env = append(withoutMinIOEnv(os.Environ()),
		"MINIO_ROOT_USER="+srv.AccessKey,
		"MINIO_ROOT_PASSWORD="+srv.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CI_CD=on", // a throwaway drive on the root disk is fine
	)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// A process group of its own, so that stop reaches every child
		// and a terminal's Ctrl-C does not race the test's own cleanup.
		Setpgid: true,
		// Killed with the test binary even when no cleanup runs (a panic,
		// -timeout). The signal follows the OS thread that started the
		// child, so that thread stays locked until the child is gone.
		Pdeathsig: syscall.SIGKILL,
	}
	p := &minioProc{srv: srv, console: console, dir: dir, cmd: cmd, exited: make(chan struct{}), logPath: logPath}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
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
		return nil, fmt.Errorf("MinIO server %s at %s: %w\nlog (%s):\n%s", bin, srv.Endpoint, err, logPath, p.logTail())
	}
	return p, nil
}

// errExitedEarly reports a server that died before it answered, which is
// what a port taken by another process looks like.
var errExitedEarly = errors.New("exited before it was ready")

// waitReady polls the liveness, readiness and cluster probes until each
// answers 200 without an X-Minio-Server-Status header. Live and ready answer
// 200 before the object layer is up, flagging it only in that header (the S3
// API answers "Server not initialized yet" meanwhile); cluster also waits for
// bucket metadata and IAM.
func (p *minioProc) waitReady() error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(minioStartTimeout)
	var last error
	for _, probe := range []string{"/minio/health/live", "/minio/health/ready", "/minio/health/cluster"} {
		for {
			resp, err := client.Get("http://" + p.srv.Endpoint + probe)
			if err == nil {
				resp.Body.Close()
				status := resp.Header.Get("X-Minio-Server-Status")
				if resp.StatusCode == http.StatusOK && status == "" {
					break
				}
				err = fmt.Errorf("%s: %s (server status %q)", probe, resp.Status, status)
			}
			last = err
			if time.Now().After(deadline) {
				return fmt.Errorf("not ready after %v: %w", minioStartTimeout, last)
			}
			select {
			case <-p.exited:
				return fmt.Errorf("%w: %v", errExitedEarly, p.waitErr)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

func (p *minioProc) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// stop kills the server's process group and waits for the server to exit.
// The data is thrown away, so there is nothing to shut down gracefully (a
// SIGTERM costs MinIO about a second).
func (p *minioProc) stop() error {
	if p.hasExited() {
		return nil
	}
	pgid := p.cmd.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill MinIO server (process group %d): %w", pgid, err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(minioStopTimeout):
		return fmt.Errorf("MinIO server (pid %d) did not exit %v after SIGKILL", pgid, minioStopTimeout)
	}
}

// logTail returns the end of the server's log.
func (p *minioProc) logTail() string {
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

// findMinIO looks for the minio server binary in $GAZETTE_MINIO_BIN, then on
// PATH, then in $HOME/.cache/gazette/bin, where `make tools` installs it.
func findMinIO() (string, error) {
	const hint = "run `make tools` (it installs it with: go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c, GOBIN=$HOME/.cache/gazette/bin) or set " + MinIOBinEnv + "; tests against MinIO are never skipped"
	if bin := os.Getenv(MinIOBinEnv); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("MinIO server binary from %s: %w; %s", MinIOBinEnv, err, hint)
		}
		return bin, nil
	}
	if bin, err := exec.LookPath("minio"); err == nil {
		return bin, nil
	}
	if home, err := os.UserHomeDir(); err == nil {
		bin := filepath.Join(home, ".cache", "gazette", "bin", "minio")
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
	}
	return "", errors.New("MinIO server binary not found (not in $" + MinIOBinEnv + ", on PATH or in $HOME/.cache/gazette/bin): " + hint)
}

// freePorts returns n distinct loopback TCP ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close() // held until all are chosen, so they differ
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// withoutMinIOEnv drops MINIO_* variables of the caller's environment, so
// that none of them reconfigures the test server.
func withoutMinIOEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "MINIO_") {
			out = append(out, kv)
		}
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
