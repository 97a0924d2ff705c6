package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/cmd/internal/cli"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/worker"
)

func TestMain(m *testing.M) {
	// Tests that extract re-execute this binary as the decoding child.
	worker.MaybeServeChild(extract.Jobs())
	os.Exit(archivetest.MainWithMinIO(m))
}

// testEnv is an environment with only the given variables.
func testEnv(vars map[string]string) cli.Env {
	return cli.Env{Getenv: func(k string) string { return vars[k] }, ReadFile: os.ReadFile}
}

func runCmd(t *testing.T, vars map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	// A command that should fail fast but serves instead is stopped, not hung on.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := run(ctx, args, testEnv(vars), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDocnum(t *testing.T) {
	code, out, _ := runCmd(t, nil, "", "docnum", "闽政[2019]14号", "福建省人民政府令 第208号", "关于印发的通知")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	var first, order, bad map[string]any
	for i, v := range []*map[string]any{&first, &order, &bad} {
		if err := json.Unmarshal([]byte(lines[i]), v); err != nil {
			t.Fatalf("line %d not JSON: %q", i, lines[i])
		}
	}
	if first["canonical"] != "闽政〔2019〕14号" || first["agency"] != "闽政" || first["year"] != 2019.0 || first["serial"] != 14.0 || first["input"] != "闽政[2019]14号" {
		t.Errorf("first = %v", first)
	}
	if order["canonical"] != "福建省人民政府令第208号" || order["serial"] != 208.0 {
		t.Errorf("order = %v", order)
	}
	if bad["error"] == nil || bad["canonical"] != nil {
		t.Errorf("non-number = %v, want an error and no canonical form", bad)
	}

	code, out, _ = runCmd(t, nil, "豫政 〔2023〕27号\r\n\n晋政发(2007)18号\n", "docnum")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.Contains(lines[0], `"canonical":"豫政〔2023〕27号"`) ||
		!strings.Contains(lines[1], `"error"`) || !strings.Contains(lines[2], `"canonical":"晋政发〔2007〕18号"`) {
		t.Errorf("stdin mode: exit %d, output:\n%s", code, out)
	}
}

func TestVersionAndUsage(t *testing.T) {
	if code, out, _ := runCmd(t, nil, "", "version"); code != 0 || !strings.HasPrefix(out, "gazette ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errOut := runCmd(t, nil, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	if code, _, _ := runCmd(t, nil, ""); code != 2 {
		t.Errorf("no command: exit %d, want 2", code)
	}
}

func TestInvalidConfigNamesTheSetting(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte("s3cret\n"), 0o600)
	s3 := func(extra map[string]string) map[string]string {
		m := map[string]string{"GAZETTE_STORAGE": "s3", "GAZETTE_S3_ENDPOINT": "127.0.0.1:9", "GAZETTE_S3_BUCKET": "b", "GAZETTE_S3_ACCESS_KEY": "a", "GAZETTE_S3_SECRET_KEY": "s"}
		for k, v := range extra {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	cases := []struct {
		name    string
		vars    map[string]string
		args    []string
		setting string
	}{
		{"bad addr", nil, []string{"--addr", "nonsense"}, "GAZETTE_ADDR"},
		{"bad addr from env", map[string]string{"GAZETTE_ADDR": "8080"}, nil, "GAZETTE_ADDR"},
		{"bad log level", map[string]string{"GAZETTE_LOG_LEVEL": "loud"}, nil, "GAZETTE_LOG_LEVEL"},
		{"bad proxy", map[string]string{"GAZETTE_TRUSTED_PROXIES": "a.b.c"}, nil, "GAZETTE_TRUSTED_PROXIES"},
		{"bucket without S3", map[string]string{"GAZETTE_S3_BUCKET": "b"}, nil, "GAZETTE_STORAGE"},
		{"endpoint with scheme", s3(map[string]string{"GAZETTE_S3_ENDPOINT": "http://minio:9000"}), nil, "GAZETTE_S3_ENDPOINT"},
		{"no bucket", s3(map[string]string{"GAZETTE_S3_BUCKET": ""}), nil, "GAZETTE_S3_BUCKET"},
		{"no secret", s3(map[string]string{"GAZETTE_S3_SECRET_KEY": ""}), nil, "GAZETTE_S3_SECRET_KEY"},
		{"secret twice", s3(map[string]string{"GAZETTE_S3_SECRET_KEY_FILE": secretFile}), nil, "GAZETTE_S3_SECRET_KEY"},
		{"secret file missing", s3(map[string]string{"GAZETTE_S3_SECRET_KEY": "", "GAZETTE_S3_SECRET_KEY_FILE": "/no/such/file"}), nil, "GAZETTE_S3_SECRET_KEY_FILE"},
		{"secure not a bool", s3(map[string]string{"GAZETTE_S3_SECURE": "maybe"}), nil, "GAZETTE_S3_SECURE"},
		{"timeout not a duration", s3(map[string]string{"GAZETTE_S3_TIMEOUT": "5"}), nil, "GAZETTE_S3_TIMEOUT"},
		{"stall timeout negative", s3(map[string]string{"GAZETTE_S3_STALL_TIMEOUT": "-1s"}), nil, "GAZETTE_S3_STALL_TIMEOUT"},
		{"empty data dir", map[string]string{}, []string{"--data", ""}, "GAZETTE_DATA"},
		{"meili URL without scheme", map[string]string{"GAZETTE_MEILI_URL": "127.0.0.1:7700"}, nil, "GAZETTE_MEILI_URL"},
		{"meili key without URL", map[string]string{"GAZETTE_MEILI_KEY": "k"}, nil, "GAZETTE_MEILI_URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"serve", "--data", t.TempDir()}
			if tc.vars["GAZETTE_ADDR"] == "" {
				args = append(args, "--addr", freeAddr(t))
			}
			args = append(args, tc.args...)
			code, _, errOut := runCmd(t, tc.vars, "", args...)
			if code != 1 || !strings.Contains(errOut, tc.setting) {
				t.Errorf("exit %d, stderr %q; want exit 1 naming %s", code, errOut, tc.setting)
			}
		})
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve runs `gazette serve` in the background until the test ends and waits
// until it answers.
func serve(t *testing.T, vars map[string]string, args ...string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errOut bytes.Buffer
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr}, args...), testEnv(vars), strings.NewReader(""), &bytes.Buffer{}, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d after shutdown", code)
		}
	})
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve exited %d: %s", code, errOut.String())
		default:
		}
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return "http://" + addr
		}
	}
	t.Fatalf("serve did not answer: %s", errOut.String())
	return ""
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeOnTheEmbeddedDefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	base := serve(t, map[string]string{"GAZETTE_DATA": dir})
	if got := status(t, base+"/healthz"); got != 200 {
		t.Errorf("/healthz = %d", got)
	}
	if got := status(t, base+"/readyz"); got != 200 {
		t.Errorf("/readyz = %d", got)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("GAZETTE_DATA directory not created: %v", err)
	}
	// Storage vanishing makes the replica unready, not dead.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if got := status(t, base+"/readyz"); got != 503 {
		t.Errorf("/readyz with the data directory gone = %d, want 503", got)
	}
	if got := status(t, base+"/healthz"); got != 200 {
		t.Errorf("/healthz with the data directory gone = %d, want 200", got)
	}
}

func TestServeOnMinIO(t *testing.T) {
	srv := archivetest.SharedMinIO(t)
	secretFile := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secretFile, []byte(srv.SecretKey+"\n"), 0o600)
	base := serve(t, map[string]string{
		"GAZETTE_STORAGE":            "s3",
		"GAZETTE_S3_ENDPOINT":        srv.Endpoint,
		"GAZETTE_S3_BUCKET":          fmt.Sprintf("serve-%d", time.Now().UnixNano()),
		"GAZETTE_S3_ACCESS_KEY":      srv.AccessKey,
		"GAZETTE_S3_SECRET_KEY_FILE": secretFile,
		"GAZETTE_DATA":               t.TempDir(), // the embedded index lives here
	})
	if got := status(t, base+"/readyz"); got != 200 {
		t.Errorf("/readyz on MinIO = %d", got)
	}
}
