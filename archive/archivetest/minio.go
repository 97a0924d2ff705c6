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

const minioStartTimeout = 60 * time.Second

// StartMinIO starts a MinIO server of its own for the calling test and stops
// it when the test and its subtests are done. The server's log is printed if
// the test fails. The binary is $GAZETTE_MINIO_BIN, else minio on PATH, else
// $HOME/.cache/gazette/bin/minio (where `make tools` installs it); without
// one the test fails, saying so: tests against MinIO are never skipped.
func StartMinIO(t testing.TB) MinIOServer {
	t.Helper()
	p, err := startMinIO(t.TempDir())
	if err != nil {
		t.Fatalf("archivetest: %v", err)
	}
	ctl := &minioCtl{proc: p}
	stopAtCleanup(t, &ctl.mu, func() *proc { return ctl.proc.proc })
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
	for deadline := time.Now().Add(stopTimeout); !allStopped(pid); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("archivetest: MinIO server (pid %d) still runs %v after SIGSTOP", pid, stopTimeout)
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
	if err := ctl.proc.signal(sig); err != nil {
		t.Fatalf("archivetest: %v", err)
	}
}

// sharedMinIO is the one MinIO server of a test binary that uses MainWithMinIO.
var sharedMinIO = sharedServer[MinIOServer]{name: "MinIO", main: "MainWithMinIO"}

// MainWithMinIO runs the tests of a package whose tests call SharedMinIO, then
// stops the shared server (if any test started it) and removes its data. Call
// it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(archivetest.MainWithMinIO(m)) }
//
// The server's log is printed when a test failed.
func MainWithMinIO(m *testing.M) int { return sharedMinIO.run(m.Run) }

// SharedMinIO returns the MinIO server shared by every test of the binary,
// starting it on first use. The package's TestMain must run the tests with
// MainWithMinIO, which stops the server at the end. Tests sharing the server
// must keep to buckets of their own. Like StartMinIO, it fails the test when
// the server cannot be started; it never skips.
func SharedMinIO(t testing.TB) MinIOServer {
	t.Helper()
	return sharedMinIO.get(t, func(dir string) (*proc, MinIOServer, error) {
		p, err := startMinIO(dir)
		if err != nil {
			return nil, MinIOServer{}, err
		}
		return p.proc, p.srv, nil
	})
}

// minioProc is one running minio server process.
type minioProc struct {
	*proc
	srv     MinIOServer
	console string // the console's address
}

// startMinIO starts a server with its data, certificates and log under dir
// and waits until it is live and ready, on new ports if it died first.
func startMinIO(dir string) (*minioProc, error) {
	bin, err := findMinIO()
	if err != nil {
		return nil, err
	}
	var mp *minioProc
	_, err = startFresh(dir, func(dir string) (*proc, error) {
		ports, err := freePorts(2)
		if err != nil {
			return nil, err
		}
		srv := MinIOServer{
			Endpoint:  "127.0.0.1:" + strconv.Itoa(ports[0]),
			AccessKey: "test" + randomHex(8),
			SecretKey: randomHex(20),
		}
		mp, err = startMinIOAt(bin, dir, srv, "127.0.0.1:"+strconv.Itoa(ports[1]))
		if err != nil {
			return nil, err
		}
		return mp.proc, nil
	})
	if err != nil {
		return nil, err
	}
	return mp, nil
}

// startMinIOAt starts a server on the address and with the credentials of
// srv, over the data under dir (new or left by an earlier run), appending
// to its log.
func startMinIOAt(bin, dir string, srv MinIOServer, console string) (*minioProc, error) {
	data, certs := filepath.Join(dir, "data"), filepath.Join(dir, "certs")
	for _, d := range []string{data, certs} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	cmd := exec.Command(bin, "server", data,
		"--address", srv.Endpoint,
		"--console-address", console,
		"--certs-dir", certs,
	)
	cmd.Env = append(withoutEnv(os.Environ(), "MINIO_"),
		"MINIO_ROOT_USER="+srv.AccessKey,
		"MINIO_ROOT_PASSWORD="+srv.SecretKey,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CI_CD=on", // a throwaway drive on the root disk is fine
	)
	p, err := startProc("MinIO server", cmd, dir, filepath.Join(dir, "minio.log"), minioStartTimeout, 50*time.Millisecond, minioReady(srv.Endpoint))
	if err != nil {
		return nil, err
	}
	return &minioProc{proc: p, srv: srv, console: console}, nil
}

// minioReady checks the liveness, readiness and cluster probes: each must
// answer 200 without an X-Minio-Server-Status header. Live and ready answer
// 200 before the object layer is up, flagging it only in that header (the
// S3 API answers "Server not initialized yet" meanwhile); cluster also
// waits for bucket metadata and IAM.
func minioReady(endpoint string) func() error {
	client := &http.Client{Timeout: 2 * time.Second}
	return func() error {
		for _, probe := range []string{"/minio/health/live", "/minio/health/ready", "/minio/health/cluster"} {
			resp, err := client.Get("http://" + endpoint + probe)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if status := resp.Header.Get("X-Minio-Server-Status"); resp.StatusCode != http.StatusOK || status != "" {
				return fmt.Errorf("%s: %s (server status %q)", probe, resp.Status, status)
			}
		}
		return nil
	}
}

// findMinIO looks for the minio server binary as findBinary does.
func findMinIO() (string, error) {
	return findBinary("minio", MinIOBinEnv, "run `make tools` (it installs it with: go install github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c, GOBIN=$HOME/.cache/gazette/bin) or set "+MinIOBinEnv+"; tests against MinIO are never skipped")
}
