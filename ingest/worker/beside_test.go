package worker

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyExe copies this test binary (a worker: its TestMain serves children)
// to dir/name.
func copyExe(t *testing.T, dir, name string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Skipf("no executable: %v", err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBeside(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "parent") // need not exist: only its folder counts
	copyExe(t, dir, "worker")
	if err := os.WriteFile(filepath.Join(dir, "script"), []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := testJobs()
	other["another"] = other["pages"]
	tests := []struct {
		name, file string
		want       string // identity the parent expects
		err        string // "" for success
	}{
		{name: "same build", file: "worker", want: identity(testJobs())},
		{name: "absent", file: "gazette-worker", want: identity(testJobs()), err: "no such file"},
		{name: "not executable", file: "plain", want: identity(testJobs()), err: "not an executable"},
		{name: "not a worker", file: "script", want: identity(testJobs()), err: "no worker identity"},
		{name: "other jobs", file: "worker", want: identity(other), err: "jobs"},
		{name: "other protocol", file: "worker", want: strings.Replace(identity(testJobs()), "protocol 1", "protocol 0", 1), err: "protocol"},
		// Copies of this test binary share its build token; a stamp on
		// one side only is nothing to compare.
		{name: "stamped on one side only", file: "worker", want: identity(testJobs()) + "vcs.revision 1234\n", err: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := beside(parent, tc.file, tc.want)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("beside = %v, want %s", err, filepath.Join(dir, tc.file))
			case tc.err == "" && got != filepath.Join(dir, tc.file):
				t.Fatalf("beside = %q, want %s", got, filepath.Join(dir, tc.file))
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || got != ""):
				t.Fatalf("beside = %q, %v; want an error about %q", got, err, tc.err)
			}
		})
	}
}

// TestBesideRun runs a worker Beside found, as gazette runs gazette-worker.
func TestBesideRun(t *testing.T) {
	dir := t.TempDir()
	copyExe(t, dir, "worker")
	exe, err := beside(filepath.Join(dir, "parent"), "worker", identity(testJobs()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), "pages", "4", Limits{Exe: exe, Timeout: 30 * time.Second})
	if err != nil || len(res.Pages) != 4 {
		t.Fatalf("Run = %d pages, %v; want 4", len(res.Pages), err)
	}
}

func TestSameBuild(t *testing.T) {
	base := "protocol 1\njobs a b\ngo go1.26.8\n"
	tests := []struct {
		name, mine, theirs string
		ok                 bool
	}{
		{"one clean checkout", base + "vcs.revision abc\nvcs.modified false\nmod x v1\n", base + "vcs.revision abc\nvcs.modified false\nmod x v1\n", true},
		{"built together", base + "build t1\nmod x v1\n", base + "build t1\nmod x v1\n", true},
		{"built apart, unstamped", base + "build t1\nmod x v1\n", base + "mod x v1\n", false},
		{"unstamped, no tokens", base + "mod x v1\n", base + "mod x v1\n", false},
		{"worker links fewer modules", base + "build t1\nmod x v1\nmod y v2\n", base + "build t1\nmod x v1\n", true},
		{"worker links a module this binary lacks", base + "build t1\nmod x v1\n", base + "build t1\nmod x v1\nmod z v1\n", false},
		{"other revision", base + "vcs.revision abc\n", base + "vcs.revision abd\n", false},
		{"modified on one side", base + "vcs.revision abc\nvcs.modified true\n", base + "vcs.revision abc\nvcs.modified false\n", false},
		{"modified tree, built together", base + "vcs.revision abc\nvcs.modified true\nbuild t1\n", base + "vcs.revision abc\nvcs.modified true\nbuild t1\n", true},
		{"modified tree, built apart", base + "vcs.revision abc\nvcs.modified true\nbuild t1\n", base + "vcs.revision abc\nvcs.modified true\nbuild t2\n", false},
		{"modified tree, no token", base + "vcs.revision abc\nvcs.modified true\n", base + "vcs.revision abc\nvcs.modified true\n", false},
		{"one clean checkout, built apart", base + "vcs.revision abc\nvcs.modified false\nbuild t1\n", base + "vcs.revision abc\nvcs.modified false\n", true},
		{"other Go", base, strings.Replace(base, "go1.26.8", "go1.26.7", 1), false},
		{"no identity", base, "usage: ...", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := sameBuild(tc.mine, tc.theirs); (err == nil) != tc.ok {
				t.Fatalf("sameBuild = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
