package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// serveChildEnv makes a re-executed test binary run `gazette` with the
// arguments it holds, reading its settings from its own environment as
// the real binary does: a server process of its own, which a test can kill
// with SIGKILL.
const serveChildEnv = "GAZETTE_TEST_SERVE_CHILD"

func init() {
	args := os.Getenv(serveChildEnv)
	if args == "" {
		return
	}
	os.Unsetenv(serveChildEnv) // not passed on to any child of its own
	os.Exit(run(context.Background(), strings.Fields(args), cli.Env{Getenv: os.Getenv, ReadFile: os.ReadFile}, strings.NewReader(""), os.Stdout, os.Stderr))
}

// serveProc is a `gazette serve` process.
type serveProc struct {
	cmd  *exec.Cmd
	base string
	done chan struct{} // closed when it has exited
	err  error         // its exit, once done
}

// startServeProcess starts `gazette serve` as a process with the given
// settings and only those (plus PATH and HOME), logging to logPath, and
// waits until it answers.
func startServeProcess(t *testing.T, vars map[string]string, logPath string) *serveProc {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), serveChildEnv + "=serve --addr " + addr}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives the test
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, base: "http://" + addr, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-p.done
		}
	})
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-p.done:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("serve exited: %v\n%s", p.err, log)
		default:
		}
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
	}
	t.Fatal("serve did not answer")
	return nil
}

// killProxy stands between the server and MinIO: it passes every request
// on, and when the server's write of an issue manifest has succeeded at
// MinIO it kills the server with SIGKILL before the server hears of it:
// the publication is cut right after its commit point, before the index,
// the schedule's removal and the cache invalidation.
type killProxy struct {
	proxy    *httputil.ReverseProxy
	manifest string // path suffix of the manifest write to cut after

	mu     sync.Mutex
	victim *serveProc
	// puts counts the manifest writes that reached MinIO, by status.
	puts map[int]int
}

func newKillProxy(t *testing.T, endpoint, manifestKey string) (*killProxy, string) {
	t.Helper()
	kp := &killProxy{manifest: "/" + manifestKey, puts: map[int]int{}}
	kp.proxy = httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: endpoint})
	// The Host header is passed on unchanged: it is part of what the
	// request's signature covers.
	kp.proxy.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		if r.Method != http.MethodPut || !strings.HasSuffix(r.URL.Path, kp.manifest) {
			return nil
		}
		kp.mu.Lock()
		defer kp.mu.Unlock()
		kp.puts[resp.StatusCode]++
		if v := kp.victim; v != nil && resp.StatusCode == http.StatusOK {
			kp.victim = nil
			v.cmd.Process.Signal(syscall.SIGKILL)
			<-v.done
			return fmt.Errorf("killed the server after its manifest write")
		}
		return nil
	}
	srv := &http.Server{Handler: kp.proxy}
	ln := freeListener(t)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return kp, ln.Addr().String()
}

func freeListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func (kp *killProxy) arm(p *serveProc) { kp.mu.Lock(); kp.victim = p; kp.mu.Unlock() }

func (kp *killProxy) manifestPuts() map[int]int {
	kp.mu.Lock()
	defer kp.mu.Unlock()
	out := map[int]int{}
	for k, v := range kp.puts {
		out[k] = v
	}
	return out
}

// TestRestartDuringScheduledPublication schedules an issue a few seconds
// ahead on MinIO, lets `gazette serve` start publishing it at its moment,
// kills the server with SIGKILL right after the manifest is committed
// (before the index, the schedule's removal or anything else), and starts
// it again: the issue is public whole at once (reader, API, search, feeds,
// sitemap, PDF), and once the dead publisher's claim lapses the restarted
// server completes the publication, exactly once: one manifest written,
// one entry in the feeds and the sitemap, each document found once.
func TestRestartDuringScheduledPublication(t *testing.T) {
	ctx := context.Background()
	m := archivetest.SharedMinIO(t)
	bucket := fmt.Sprintf("restart-%d", time.Now().UnixNano())
	blobs, err := s3blobs.New(ctx, s3blobs.Config{Endpoint: m.Endpoint, Bucket: bucket, AccessKey: m.AccessKey, SecretKey: m.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	key := gazette.IssueKey{Year: time.Now().In(gazette.ChinaTime).Year(), Number: 40}
	s := frontendtest.Sample(key, 3)
	// Time for the first server to start and for the checks before the
	// moment; its first publication round after the moment is cut.
	s.Issue.Published = time.Now().Add(20 * time.Second).Truncate(time.Second)
	arch := archive.New(blobs, nil, nil)
	if err := arch.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	kp, proxyAddr := newKillProxy(t, m.Endpoint, bucket+"/issues/"+fmt.Sprint(key.Year)+"/"+key.String()+".json")
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(m.SecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"GAZETTE_STORAGE": "s3", "GAZETTE_S3_ENDPOINT": proxyAddr, "GAZETTE_S3_BUCKET": bucket,
		"GAZETTE_S3_ACCESS_KEY": m.AccessKey, "GAZETTE_S3_SECRET_KEY_FILE": secretFile,
		"GAZETTE_DATA": t.TempDir(), // the embedded search index, which the restart keeps
	}
	logPath := filepath.Join(t.TempDir(), "serve.log")
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(logPath)
			t.Logf("server log:\n%s", log)
		}
	})

	first := startServeProcess(t, vars, logPath)
	kp.arm(first)
	places := restartPlaces(key, s)
	// Before the moment: nothing of it anywhere.
	if time.Until(s.Issue.Published) < 2*time.Second {
		t.Fatalf("the server took too long to start: %v left before the moment", time.Until(s.Issue.Published))
	}
	for p, marker := range places {
		if code, body := get(t, first.base+p); code == 200 && strings.Contains(body, marker) {
			t.Errorf("before its moment, %s shows the issue", p)
		}
	}
	select {
	case <-first.done:
	case <-time.After(s.Issue.Published.Sub(time.Now()) + archive.PublishRecheck + 30*time.Second):
		t.Fatal("the server was not killed: it never wrote the manifest")
	}
	if ws, ok := first.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the first server ended by %v, want SIGKILL", first.err)
	}
	if sched, err := arch.Scheduled(ctx); err != nil || len(sched) != 1 {
		t.Fatalf("after the kill the schedule holds %v, %v; want the issue, claimed and unfinished", sched, err)
	}

	second := startServeProcess(t, vars, logPath)
	// Whole at once: the manifest is the commit point, and the restarted
	// server repairs the index at start-up.
	deadline := time.Now().Add(30 * time.Second)
	for p, marker := range places {
		for {
			code, body := get(t, second.base+p)
			if code == 200 && strings.Contains(body, marker) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the restart %s = %d without %q", p, code, marker)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// The publication completes once the dead publisher's claim lapses.
	deadline = time.Now().Add(archive.PublishLease + archive.PublishRecheck + 60*time.Second)
	for {
		sched, err := arch.Scheduled(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(sched) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted server has not completed the publication: still scheduled %v", sched)
		}
		time.Sleep(time.Second)
	}
	// Exactly once.
	if puts := kp.manifestPuts(); puts[http.StatusOK] != 1 {
		t.Errorf("manifest writes that succeeded: %d (by status %v), want 1", puts[http.StatusOK], puts)
	}
	issuePath := fmt.Sprintf("/issues/%d/%d", key.Year, key.Number)
	once := map[string]string{
		"/feeds/issues.atom": issuePath + "</id>", "/sitemap.xml": issuePath + "</loc>",
		"/api/v1/issues?year=" + fmt.Sprint(key.Year): `"key":"` + key.String() + `"`,
	}
	for p, entry := range once {
		_, body := get(t, second.base+p)
		if n := strings.Count(body, entry); n != 1 {
			t.Errorf("%s has %d entries %s, want one:\n%.1500s", p, n, entry, body)
		}
	}
	for _, d := range s.Documents {
		_, body := get(t, second.base+"/api/v1/search?q="+url.QueryEscape(d.Title))
		if n := strings.Count(body, `"id":"`+d.ID+`"`); n != 1 {
			t.Errorf("search for %s finds it %d times, want once", d.ID, n)
		}
	}
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), "WARNING: DATA RACE") {
		t.Error("the race detector found a data race in a server process")
	}
	// The server logs each publication it completed: one, by the second.
	if n := strings.Count(string(log), `"msg":"scheduled issue published","issue":"`+key.String()+`"}`); n != 1 {
		t.Errorf("publication completed %d times in the servers' logs, want once", n)
	}
}

// restartPlaces are the public places the issue shows in, with what shows
// it there.
func restartPlaces(key gazette.IssueKey, s archivetest.Sample) map[string]string {
	p := fmt.Sprintf("/issues/%d/%d", key.Year, key.Number)
	d := s.Documents[0]
	return map[string]string{
		"/": p, p: d.Title, p + ".pdf": "%PDF", "/documents/" + d.ID: d.Title,
		"/api/v1/issues/latest": p, "/api/v1" + p: d.Title, "/api/v1/documents/" + d.ID: d.Title,
		"/api/v1/search?q=" + url.QueryEscape(d.Title): d.ID, "/feeds/issues.atom": p, "/feeds/documents.atom": d.Title, "/sitemap.xml": p,
	}
}
