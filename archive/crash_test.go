package archive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

const crashChildEnv = "GAZETTE_TEST_CRASH_AFTER"

// crashSample is the issue the crash tests publish, in parent and child alike.
func crashSample() archivetest.Sample { return archivetest.NewSample(2019, 12, 4) }

// crashChild runs in a re-executed test binary: it publishes crashSample and
// kills itself with SIGKILL right after the N-th successful write, so no
// deferred code, flush or cleanup runs, as in a power cut of the process.
func crashChild() {
	after, _ := strconv.Atoi(os.Getenv(crashChildEnv))
	blobs, err := openFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(3)
	}
	faulty := &archivetest.Faulty{Blobs: blobs, Allow: after, Crash: func() {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}}
	s := crashSample()
	opts, err := crashLedger(faulty)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(3)
	}
	if os.Getenv(crashOpEnv) == "publishdue" {
		_, err = archive.New(faulty, nil, nil, opts...).PublishDue(context.Background(), s.Issue.Published)
		fmt.Fprintln(os.Stderr, "crash child: PublishDue returned without crashing:", err)
		os.Exit(4)
	}
	_, err = archive.New(faulty, nil, nil, opts...).Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents)
	fmt.Fprintln(os.Stderr, "crash child: Publish returned without crashing:", err)
	os.Exit(4)
}

// crashOpEnv tells the crash child what to do: Publish by default, or
// "publishdue": PublishDue at crashSample's release moment.
const crashOpEnv = "GAZETTE_TEST_CRASH_OP"

// runCrashChild runs the crash child on the store env describes, killing
// itself after write after, and checks that it died by SIGKILL.
func runCrashChild(t *testing.T, env []string, op string, after int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, crashChildEnv+"="+strconv.Itoa(after), crashOpEnv+"="+op)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("%s child killed after write %d: %v, want death by SIGKILL; output:\n%s", op, after, err, out)
	}
}

// TestPublishDueSurvivesAKilledProcess schedules an issue, then kills a
// process running PublishDue after each of its writes in turn (the claim,
// the manifest, the title hint of each document (citations.go; their
// texts cite only themselves), the removal of the schedule) on each real
// backend: the issue is invisible before the manifest and whole after it,
// and the next PublishDue (once the dead publisher's claim lapses)
// completes it.
func TestPublishDueSurvivesAKilledProcess(t *testing.T) {
	s := crashSample()
	steps := 2 + len(s.Documents) + 1
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			for after := 1; after <= steps; after++ {
				blobs, env := be.open(t)
				a := archive.New(blobs, nil, nil)
				if err := a.Schedule(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
					t.Fatal(err)
				}
				runCrashChild(t, env, "publishdue", after)
				if after < 2 {
					checkInvisible(t, a, s)
				} else {
					checkPublished(t, a, s)
				}
				keys, err := a.PublishDue(context.Background(), s.Issue.Published.Add(archive.PublishLease))
				if err != nil {
					t.Fatalf("killed after write %d: PublishDue: %v", after, err)
				}
				if want := after < steps; (len(keys) == 1) != want {
					t.Errorf("killed after write %d: PublishDue completed %v; want the issue: %v", after, keys, want)
				}
				checkPublished(t, a, s)
				if sched, err := a.Scheduled(context.Background()); err != nil || len(sched) != 0 {
					t.Errorf("killed after write %d: still scheduled: %v, %v", after, sched, err)
				}
			}
		})
	}
}

// TestPublishSurvivesAKilledProcess kills the publishing process after each
// step of Publish in turn (the PDF, each record, the manifest) on each real
// backend: before the manifest nothing of the issue is visible; after it, all
// of it; and publishing again from a fresh process completes the issue.
func TestPublishSurvivesAKilledProcess(t *testing.T) {
	s := crashSample()
	steps := 1 + len(s.Documents) + 1
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			for after := 1; after <= steps; after++ {
				blobs, env := be.open(t)
				runCrashChild(t, env, "publish", after)
				a := archive.New(blobs, nil, nil)
				if after < steps {
					checkInvisible(t, a, s)
				} else {
					checkPublished(t, a, s) // the manifest was the last write
				}
				publish(t, a, s)
				checkPublished(t, a, s)
			}
		})
	}
}

// TestPublishFailureAtEveryStepOnRealBackends fails each write of Publish in
// turn on each real backend; a retry completes the issue.
func TestPublishFailureAtEveryStepOnRealBackends(t *testing.T) {
	s := crashSample()
	steps := 1 + len(s.Documents) + 1
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			for allow := range steps {
				blobs, _ := be.open(t)
				faulty := &archivetest.Faulty{Blobs: blobs, Allow: allow}
				_, err := archive.New(faulty, nil, nil).Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents)
				if !errors.Is(err, archivetest.ErrInjected) {
					t.Fatalf("write %d failing: %v, want the injected fault", allow+1, err)
				}
				a := archive.New(blobs, nil, nil)
				checkInvisible(t, a, s)
				publish(t, a, s)
				checkPublished(t, a, s)
				publish(t, a, s) // and once more: idempotent on the real backend
			}
		})
	}
}

// TestPublishedObjectsAreImmutable checks on each real backend that no object
// a manifest names, the manifest included, can be deleted or overwritten.
func TestPublishedObjectsAreImmutable(t *testing.T) {
	ctx := context.Background()
	s := crashSample()
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			blobs, _ := be.open(t)
			a := archive.New(blobs, nil, nil)
			m := publish(t, a, s)
			keys := []string{m.PDF.Key, "issues/2019/2019-12.json"}
			for _, d := range m.Documents {
				keys = append(keys, d.Key)
			}
			for _, key := range keys {
				if err := blobs.Delete(ctx, key, ""); !errors.Is(err, gazette.ErrImmutable) {
					t.Errorf("Delete(%s) = %v, want ErrImmutable", key, err)
				}
				if _, err := blobs.Put(ctx, key, bytes.NewReader([]byte("x")), 1, gazette.PutOptions{}); !errors.Is(err, gazette.ErrImmutable) {
					t.Errorf("overwrite %s = %v, want ErrImmutable", key, err)
				}
			}
			checkPublished(t, a, s)
		})
	}
}
