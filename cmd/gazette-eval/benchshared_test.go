package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/s3blobs"
)

// TestBenchSharedIngest: the bench prints a row per number of processes,
// every file read once in each run.
func TestBenchSharedIngest(t *testing.T) {
	exe := buildGazette(t)
	srv := archivetest.SharedMinIO(t)
	storage := []string{"GAZETTE_STORAGE=s3", "GAZETTE_S3_ENDPOINT=" + srv.Endpoint, "GAZETTE_S3_ACCESS_KEY=" + srv.AccessKey, "GAZETTE_S3_SECRET_KEY=" + srv.SecretKey}
	var out, log bytes.Buffer
	err := benchShared(context.Background(), sharedBench{
		s3:    s3blobs.Config{Endpoint: srv.Endpoint, Bucket: "bench", AccessKey: srv.AccessKey, SecretKey: srv.SecretKey},
		files: 3, processes: []int{1, 2}, workers: 1, seed: 1, lease: 20 * time.Second,
		start: func(args, env []string) *exec.Cmd {
			cmd := exec.Command(exe, args...)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir()}, append(slices.Clone(storage), env...)...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives the test
			return cmd
		},
		out: &out, log: &log,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	t.Logf("\n%s", out.String())
	rows := 0
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Fields(line)
		if len(f) != 7 || (f[0] != "1" && f[0] != "2") {
			continue
		}
		rows++
		if f[4] != "3" || f[5] != "0" {
			t.Errorf("%s processes: %s files read, %s read twice; want 3 and 0", f[0], f[4], f[5])
		}
	}
	if rows != 2 {
		t.Errorf("%d rows, want one for 1 and one for 2 processes:\n%s", rows, out.String())
	}
}

// TestBenchSharedIngestNeeds: without S3 storage, or without a gazette
// binary to run, bench-shared-ingest says what it needs.
func TestBenchSharedIngestNeeds(t *testing.T) {
	s3 := map[string]string{"GAZETTE_STORAGE": "s3", "GAZETTE_S3_ENDPOINT": "127.0.0.1:9", "GAZETTE_S3_BUCKET": "bench",
		"GAZETTE_S3_ACCESS_KEY": "a", "GAZETTE_S3_SECRET_KEY": "s"}
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		msg  string
	}{
		{"local storage", nil, nil, "needs S3 storage"},
		{"no gazette", s3, []string{"--gazette", filepath.Join(t.TempDir(), "absent")}, "--gazette"},
		{"bad storage", map[string]string{"GAZETTE_STORAGE": "tape"}, nil, "GAZETTE_STORAGE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, tc.vars, "", append([]string{"bench-shared-ingest", "--data", t.TempDir()}, tc.args...)...)
			if code != 1 || !strings.Contains(errOut, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit 1 mentioning %q", code, errOut, tc.msg)
			}
		})
	}
}
