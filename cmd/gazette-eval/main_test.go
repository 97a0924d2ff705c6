package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
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
	// The pipeline re-executes the test binary as its decoding child: serve
	// that role before anything else runs.
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := run(ctx, args, testEnv(vars), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// buildGazette builds cmd/gazette into a folder of the test's and returns
// its path: bench-shared-ingest times `gazette ingest` processes.
func buildGazette(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build gazette: %v", err)
	}
	exe := filepath.Join(t.TempDir(), "gazette")
	if out, err := exec.Command(goBin, "build", "-o", exe, "../gazette").CombinedOutput(); err != nil {
		t.Fatalf("go build ../gazette: %v\n%s", err, out)
	}
	return exe
}
