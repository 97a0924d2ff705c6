package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
)

// TestServeDuringStorageOutage runs `gazette serve` on a real MinIO server
// with GAZETTE_S3_TIMEOUT set and pauses the server (SIGSTOP): a page that
// needs storage answers 503 with Retry-After instead of hanging, /readyz
// says storage is unreachable, and both recover when MinIO resumes.
func TestServeDuringStorageOutage(t *testing.T) {
	srv := archivetest.StartMinIO(t)
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(srv.SecretKey), 0o600); err != nil {
		t.Fatal(err)
	}
	base := serve(t, map[string]string{
		"GAZETTE_STORAGE":            "s3",
		"GAZETTE_S3_ENDPOINT":        srv.Endpoint,
		"GAZETTE_S3_BUCKET":          fmt.Sprintf("outage-%d", time.Now().UnixNano()),
		"GAZETTE_S3_ACCESS_KEY":      srv.AccessKey,
		"GAZETTE_S3_SECRET_KEY_FILE": secretFile,
		"GAZETTE_S3_TIMEOUT":         "1s",
		"GAZETTE_DATA":               t.TempDir(), // the embedded index lives here
	})
	// Generous: only a hang is wrong.
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Accept", "text/html")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	if resp, body := get("/readyz"); resp.StatusCode != 200 {
		t.Fatalf("/readyz before the outage = %d %q", resp.StatusCode, body)
	}

	srv.Pause(t)
	resp, body := get("/")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "存储暂时无法连接") {
		t.Errorf("GET / with storage paused = %d, Retry-After %q: %.300s; want 503, Retry-After and the reason in Chinese", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, body := get("/readyz"); resp.StatusCode != 503 || !strings.Contains(body, "storage: unreachable") {
		t.Errorf("/readyz with storage paused = %d %q; want 503 saying storage is unreachable", resp.StatusCode, body)
	}

	srv.Resume(t)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		resp, body := get("/")
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET / after MinIO resumed = %d: %.300s", resp.StatusCode, body)
		}
	}
}
