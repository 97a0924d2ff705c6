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
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The supervision of the real servers the tests start (MinIO, Meilisearch):
// one process group per server, killed with the test binary, its output in
// a log printed when a test fails, started again on new ports when a port
// was taken meanwhile.

// startTries is how often a server is started on new ports when it died
// before it was ready (another process may take a free port between
// choosing it and the server binding it).
const startTries = 3

// stopTimeout bounds the wait for a killed server to exit.
const stopTimeout = 10 * time.Second

// errExitedEarly reports a server that died before it answered, which is
// what a port taken by another process looks like.
var errExitedEarly = errors.New("exited before it was ready")

// proc is one running server process.
type proc struct {
	name    string // the server, for messages: "MinIO server"
	cmd     *exec.Cmd
	dir     string        // its data and log
	exited  chan struct{} // closed once the process has been waited for
	waitErr error         // valid after exited is closed
	logPath string
}

// startProc starts cmd (its output appended to logPath) in a process group
// of its own, and waits until ready answers nil, polling every interval
// for at most timeout.
func startProc(name string, cmd *exec.Cmd, dir, logPath string, timeout, interval time.Duration, ready func() error) (*proc, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
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
	p := &proc{name: name, cmd: cmd, dir: dir, exited: make(chan struct{}), logPath: logPath}
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
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	deadline := time.Now().Add(timeout)
	for {
		err := ready()
		if err == nil {
			return p, nil
		}
		if time.Now().After(deadline) {
			err = fmt.Errorf("not ready after %v: %w", timeout, err)
		} else {
			select {
			case <-p.exited:
				err = fmt.Errorf("%w: %v", errExitedEarly, p.waitErr)
			case <-time.After(interval):
				continue
			}
		}
		_ = p.stop()
		return nil, fmt.Errorf("%s %s: %w\nlog (%s):\n%s", name, cmd.Path, err, logPath, p.logTail())
	}
}

// startFresh calls start with a new directory under dir until it returns a
// server or fails other than by dying early.
func startFresh(dir string, start func(dir string) (*proc, error)) (*proc, error) {
	var errs []error
	for try := 1; try <= startTries; try++ {
		p, err := start(filepath.Join(dir, fmt.Sprint("try", try)))
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

func (p *proc) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// stop kills the server's process group and waits for it to exit. The data
// is thrown away, so there is nothing to shut down gracefully.
func (p *proc) stop() error {
	if p.hasExited() {
		return nil
	}
	pgid := p.cmd.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill %s (process group %d): %w", p.name, pgid, err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopTimeout):
		return fmt.Errorf("%s (pid %d) did not exit %v after SIGKILL", p.name, pgid, stopTimeout)
	}
}

// signal sends sig to the server's process group.
func (p *proc) signal(sig syscall.Signal) error {
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil {
		return fmt.Errorf("signal %v to %s (process group %d): %w", sig, p.name, p.cmd.Process.Pid, err)
	}
	return nil
}

// logTail returns the end of the server's log.
func (p *proc) logTail() string {
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

// stopAtCleanup stops the process of current() when the test ends, and
// prints its log if the test failed; current is nil while none runs.
func stopAtCleanup(t testing.TB, mu *sync.Mutex, current func() *proc) {
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		p := current()
		if p == nil {
			return
		}
		if err := p.stop(); err != nil { // SIGKILL ends a paused server too
			t.Errorf("archivetest: %v", err)
		}
		if t.Failed() {
			t.Logf("%s log (%s):\n%s", p.name, p.logPath, p.logTail())
		}
	})
}

// sharedServer is the one server of a kind that every test of a binary
// shares, started on first use and stopped by the package's TestMain.
type sharedServer[S any] struct {
	name string // "MinIO", for messages
	main string // the TestMain helper that enables it

	mu      sync.Mutex
	enabled bool // the TestMain helper is running the tests
	dir     string
	proc    *proc
	srv     S
	err     error
}

// run runs the tests with the server enabled, then stops it (if a test
// started it) and removes its data.
func (s *sharedServer[S]) run(tests func() int) int {
	s.mu.Lock()
	s.enabled = true
	s.mu.Unlock()

	code := tests()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.enabled = false
	if p := s.proc; p != nil {
		if err := p.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "archivetest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
		if code != 0 {
			fmt.Fprintf(os.Stderr, "shared %s log (%s):\n%s\n", p.name, p.logPath, p.logTail())
		}
		s.proc = nil
	}
	if s.dir != "" {
		if err := os.RemoveAll(s.dir); err != nil {
			fmt.Fprintf(os.Stderr, "archivetest: remove %s data: %v\n", s.name, err)
		}
		s.dir = ""
	}
	return code
}

// get returns the shared server, starting it with start on first use; it
// fails the test when the server cannot be started, and never skips.
func (s *sharedServer[S]) get(t testing.TB, start func(dir string) (*proc, S, error)) S {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.enabled:
		t.Fatalf("archivetest: Shared%s needs the package's TestMain to run the tests with archivetest.%s", s.name, s.main)
	case s.err != nil:
		t.Fatalf("archivetest: shared %s server did not start: %v", s.name, s.err)
	case s.proc != nil:
		return s.srv
	}
	dir, err := os.MkdirTemp("", "gazette-"+strings.ToLower(s.name)+"-")
	if err != nil {
		s.err = err
		t.Fatalf("archivetest: %v", err)
	}
	s.dir = dir
	p, srv, err := start(dir)
	if err != nil {
		s.err = err
		t.Fatalf("archivetest: %v", err)
	}
	s.proc, s.srv = p, srv
	return srv
}

// findBinary looks for a server binary in the environment variable env,
// then on PATH, then in $GAZETTE_TOOLS and $HOME/.cache/gazette/bin, where
// `make tools` installs it. hint says how to get one.
func findBinary(name, env, hint string) (string, error) {
	if bin := os.Getenv(env); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("%s binary from %s: %w; %s", name, env, err, hint)
		}
		return bin, nil
	}
	if bin, err := exec.LookPath(name); err == nil {
		return bin, nil
	}
	var dirs []string
	if tools := os.Getenv("GAZETTE_TOOLS"); tools != "" { // set by the Makefile
		dirs = append(dirs, tools)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".cache", "gazette", "bin"))
	}
	for _, d := range dirs {
		bin := filepath.Join(d, name)
		if _, err := os.Stat(bin); err == nil {
			return bin, nil
		}
	}
	return "", fmt.Errorf("%s binary not found (not in $%s, on PATH, in $GAZETTE_TOOLS or in $HOME/.cache/gazette/bin): %s", name, env, hint)
}

// withoutEnv drops the variables with prefix from env, so that none of the
// caller's reconfigures a test server.
func withoutEnv(env []string, prefix string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
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

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
