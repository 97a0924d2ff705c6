package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/cmd/internal/sharedingest"
	"github.com/gazette-archive/gazette/ingest"
)

// childGazette is the command of a `gazette ARGS...` process: this test
// binary re-executed (see serveChildEnv) with env, PATH and HOME only.
func childGazette(args, env []string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + os.TempDir(),
		serveChildEnv + "=" + strings.Join(args, " ")}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives the test
	return cmd
}

// sharedBucket makes a bucket of its own on the shared MinIO server and
// returns the store and the settings that name it.
func sharedBucket(t *testing.T) (archive.Blobs, []string) {
	t.Helper()
	srv := archivetest.SharedMinIO(t)
	cfg := s3blobs.Config{Endpoint: srv.Endpoint, Bucket: fmt.Sprintf("shared-%d", time.Now().UnixNano()), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
	b, err := s3blobs.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b, []string{"GAZETTE_STORAGE=s3", "GAZETTE_S3_ENDPOINT=" + cfg.Endpoint, "GAZETTE_S3_BUCKET=" + cfg.Bucket,
		"GAZETTE_S3_ACCESS_KEY=" + cfg.AccessKey, "GAZETTE_S3_SECRET_KEY=" + cfg.SecretKey}
}

// TestIngestProcessesShareABatch: three `gazette ingest` processes started
// at once over the same files on the same MinIO (each with an index of its
// own, as on three machines) read every file once in all: one process says
// "ingested", the others "done_elsewhere" naming it (or "skipped", for a
// process that started after the file was done), and every issue is
// published once (issue 16, item 13: two processes both reported
// "ingested 24").
func TestIngestProcessesShareABatch(t *testing.T) {
	ctx := context.Background()
	blobs, env := sharedBucket(t)
	dir := t.TempDir()
	batch := filepath.Join(dir, "batch")
	const files, procs = 6, 3
	if _, err := sharedingest.DistinctIssues(ctx, batch, files, 1); err != nil {
		t.Fatal(err)
	}
	run, err := sharedingest.Processes(ctx, childGazette, procs, []string{"ingest", "--no-ocr", "--workers", "1", "--lease", "20s", batch}, env, filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	checkShared(t, run, files, procs)
	manifests, err := blobs.List(ctx, "issues/")
	if err != nil || len(manifests) != files {
		t.Errorf("%d issues published (%v), want %d", len(manifests), err, files)
	}
}

// TestIngestProcessesShareADataDirectory: the same on one --data directory
// (fsblobs: one machine's processes, or machines sharing a filesystem on
// which flock and link behave as on Linux), with the index in Meilisearch,
// since the embedded one admits one process at a time.
func TestIngestProcessesShareADataDirectory(t *testing.T) {
	ctx := context.Background()
	meili := archivetest.StartMeili(t)
	dir := t.TempDir()
	batch, data := filepath.Join(dir, "batch"), filepath.Join(dir, "data")
	const files, procs = 4, 2
	if _, err := sharedingest.DistinctIssues(ctx, batch, files, 21); err != nil {
		t.Fatal(err)
	}
	env := []string{"GAZETTE_DATA=" + data, "GAZETTE_MEILI_URL=" + meili.URL, "GAZETTE_MEILI_KEY=" + meili.Key}
	run, err := sharedingest.Processes(ctx, childGazette, procs, []string{"ingest", "--no-ocr", "--workers", "1", "--lease", "20s", batch}, env, "")
	if err != nil {
		t.Fatal(err)
	}
	checkShared(t, run, files, procs)
	blobs, err := fsblobs.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer blobs.Close()
	if manifests, err := blobs.List(ctx, "issues/"); err != nil || len(manifests) != files {
		t.Errorf("%d issues published (%v), want %d", len(manifests), err, files)
	}
}

// checkShared checks a run of procs processes over the same files: each
// exited well, reported every file, and every file was read once in all.
func checkShared(t *testing.T, run sharedingest.Run, files, procs int) {
	t.Helper()
	for i, e := range run.Exits {
		if e != nil {
			t.Fatalf("process %d: %v\n%s", i+1, e, run.Logs[i])
		}
	}
	reads := run.Reads()
	if len(reads) != files {
		t.Errorf("%d files reported, want %d", len(reads), files)
	}
	for path, n := range reads {
		if n != 1 {
			t.Errorf("%s read %d times in all, want once", filepath.Base(path), n)
		}
	}
	count := map[ingest.Outcome]int{}
	for i, rs := range run.Reports {
		if len(rs) != files {
			t.Errorf("process %d reported %d files, want every one of the %d", i+1, len(rs), files)
		}
		for _, r := range rs {
			count[r.Outcome]++
			if r.Outcome == ingest.DoneElsewhere && (r.By == "" || !strings.Contains(r.Reason, "ingested as "+r.Issue)) {
				t.Errorf("process %d: done elsewhere without who or what: %+v", i+1, r)
			}
		}
	}
	t.Logf("outcomes over %d processes: %v", procs, count)
	if count[ingest.Ingested] != files || count[ingest.DoneElsewhere]+count[ingest.Skipped] != (procs-1)*files || count[ingest.DoneElsewhere] == 0 {
		t.Errorf("outcomes %v, want %d ingested and the rest done elsewhere (or skipped)", count, files)
	}
}

// TestIngestTakesOverAKilledProcessFile: the file a `gazette ingest`
// killed with SIGKILL on another machine was reading is read by the next
// process once the dead one's lease expires, and recorded as done by the
// new one. The first process runs in a pid namespace of its own, which is
// what another machine looks like.
func TestIngestTakesOverAKilledProcessFile(t *testing.T) {
	took := killAndRerun(t, "3s", true)
	if took < 3*time.Second {
		t.Errorf("the second process ended after %v, before the dead one's lease (3s) could expire", took)
	}
}

// TestIngestRerunAfterAKillHere: on the machine where it was killed, a
// rerun takes the dead process's file at once, without waiting for its
// lease (10 minutes here) to expire.
func TestIngestRerunAfterAKillHere(t *testing.T) {
	if took := killAndRerun(t, "10m", false); took > 2*time.Minute {
		t.Errorf("the rerun took %v", took)
	}
}

// killAndRerun starts `gazette ingest --lease lease` over a batch, on a
// machine of its own (a pid namespace) if apart, kills it with SIGKILL
// while it reads a file, and runs a second process over the same batch. It
// checks the second read the dead one's file and published every issue
// once, and returns how long the second took.
func killAndRerun(t *testing.T, lease string, apart bool) time.Duration {
	t.Helper()
	ctx := context.Background()
	blobs, env := sharedBucket(t)
	dir := t.TempDir()
	batch := filepath.Join(dir, "batch")
	const files = 3
	if _, err := sharedingest.DistinctIssues(ctx, batch, files, 11); err != nil {
		t.Fatal(err)
	}
	args := []string{"ingest", "--no-ocr", "--workers", "1", "--lease", lease, batch}
	var log bytes.Buffer
	a := childGazette(args, append(env, "GAZETTE_DATA="+filepath.Join(dir, "a")))
	a.Stdout, a.Stderr = io.Discard, &log
	if apart {
		startApart(t, a)
	} else if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	key, dead := killHolding(t, blobs, a)
	time.Sleep(100 * time.Millisecond)
	if !leaseRecord(t, blobs, key).Done.IsZero() {
		// A completion already sent when the process was stopped.
		t.Skip("the killed process's last write finished its file after all")
	}

	b := childGazette(args, append(env, "GAZETTE_DATA="+filepath.Join(dir, "b")))
	var out bytes.Buffer
	b.Stdout, b.Stderr = &out, &log
	began := time.Now()
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	hang := time.AfterFunc(5*time.Minute, func() { b.Process.Kill() }) // a failure, not a hang
	defer hang.Stop()
	if err := b.Wait(); err != nil {
		t.Fatalf("second process: %v\n%s", err, log.String())
	}
	took := time.Since(began)
	t.Logf("the second process took %v", took.Round(10*time.Millisecond))
	reports, err := sharedingest.FileReports(&out)
	if err != nil {
		t.Fatal(err)
	}
	sum := strings.TrimSuffix(strings.TrimPrefix(key, ingestLeasePrefix), ".json")
	for _, r := range reports {
		if r.SHA256 == sum && r.Outcome != ingest.Ingested {
			t.Errorf("the dead process's file: %s %s, want ingested by the second", r.Outcome, r.Reason)
		}
	}
	if len(reports) != files {
		t.Errorf("%d files reported, want %d:\n%s", len(reports), files, out.String())
	}
	rec := leaseRecord(t, blobs, key)
	if rec.Done.IsZero() || rec.Owner == dead {
		t.Errorf("lease after the second process: %+v, want done by it, not by %s", rec, dead)
	}
	if manifests, err := blobs.List(ctx, "issues/"); err != nil || len(manifests) != files {
		t.Errorf("%d issues published (%v), want %d", len(manifests), err, files)
	}
	return took
}

// startApart starts cmd in a pid namespace of its own, as on another
// machine: as root, or else in a user namespace of its own.
func startApart(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWPID
	err := cmd.Start()
	if err == nil {
		return
	}
	cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
	cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
	cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	if err2 := cmd.Start(); err2 != nil {
		t.Skipf("no pid namespace for a process of another machine: %v; %v", err, err2)
	}
}

// killHolding kills the process with SIGKILL while it holds a lease on a
// file it has not finished, and returns the lease's key and owner. The
// process is stopped (SIGSTOP) while the lease is checked, so that it
// cannot finish the file between the check and the kill.
func killHolding(t *testing.T, blobs archive.Blobs, p *exec.Cmd) (key, owner string) {
	t.Helper()
	defer p.Wait()
	held := func() (string, string) {
		objs, err := blobs.List(context.Background(), ingestLeasePrefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			if rec := leaseRecord(t, blobs, o.Key); rec.Done.IsZero() {
				return o.Key, rec.Owner
			}
		}
		return "", ""
	}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if key, _ = held(); key == "" {
			continue
		}
		if err := p.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatalf("the process ended before it could be killed holding a lease: %v", err)
		}
		if key, owner = held(); key != "" {
			p.Process.Signal(syscall.SIGKILL)
			return key, owner
		}
		p.Process.Signal(syscall.SIGCONT) // it finished that file meanwhile
	}
	p.Process.Kill()
	t.Fatal("the process never held a lease")
	return "", ""
}

func leaseRecord(t *testing.T, blobs archive.Blobs, key string) archive.LeaseRecord {
	t.Helper()
	r, _, err := blobs.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rec archive.LeaseRecord
	if err := json.NewDecoder(r).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestIngestLeaseSetting: a malformed --lease or GAZETTE_INGEST_LEASE is
// refused, naming the setting.
func TestIngestLeaseSetting(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
	}{
		{"flag", nil, []string{"--lease", "0s"}},
		{"env", map[string]string{"GAZETTE_INGEST_LEASE": "soon"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"GAZETTE_DATA": t.TempDir()}
			for k, v := range tc.vars {
				vars[k] = v
			}
			args := append(append([]string{"ingest"}, tc.args...), t.TempDir())
			code, _, stderr := runCmd(t, vars, "", args...)
			if code == 0 || !strings.Contains(stderr, "GAZETTE_INGEST_LEASE / --lease") {
				t.Errorf("exit %d, stderr %q; want the setting named", code, stderr)
			}
		})
	}
}
