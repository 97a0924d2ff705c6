package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/archive/s3blobs"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// publication is one issue a replica's publisher reported as published.
type publication struct {
	replica int
	at      time.Time
}

// TestPublisherWakesAtTheMoment gives 21 issues moments a fraction of a
// second apart, all sooner than the publisher's next check, through a
// replica's editors' hook (20 rescheduled, one scheduled), and measures how
// long after its moment each is published, as the publisher reports it
// (after the index too): on a local directory, on the embedded default (one
// process, fsblobs and bleve) and on MinIO with two replicas racing for
// every issue. Every issue is reported exactly once, never before its
// moment and within a second of it (see below for -race); the delays are
// printed.
func TestPublisherWakesAtTheMoment(t *testing.T) {
	openFS := func(t *testing.T) archive.Blobs {
		b, err := fsblobs.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	// The race detector slows CPU work many times over: bleve's indexing
	// so much that its figure means nothing under -race, the S3 client's
	// signing and hashing enough that on a loaded machine issues due 300 ms
	// apart queue behind each other. Under -race those bounds are relaxed
	// (or the case skipped); the figures to read are those without it.
	cases := []struct {
		name      string
		replicas  int
		raceBound time.Duration // 0: skipped under -race
		open      func(t *testing.T) (archive.Blobs, func(t *testing.T) archive.Index)
	}{
		{"fsblobs", 1, time.Second, func(t *testing.T) (archive.Blobs, func(t *testing.T) archive.Index) {
			return openFS(t), func(*testing.T) archive.Index { return nil }
		}},
		{"fsblobs+bleve", 1, 0, func(t *testing.T) (archive.Blobs, func(t *testing.T) archive.Index) {
			return openFS(t), func(t *testing.T) archive.Index {
				idx, err := bleveindex.Open(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { idx.Close() })
				return idx
			}
		}},
		{"minio, two replicas", 2, 3 * time.Second, func(t *testing.T) (archive.Blobs, func(t *testing.T) archive.Index) {
			m := archivetest.SharedMinIO(t)
			b, err := s3blobs.New(context.Background(), s3blobs.Config{Endpoint: m.Endpoint, Bucket: fmt.Sprintf("publisher-%d", time.Now().UnixNano()), AccessKey: m.AccessKey, SecretKey: m.SecretKey})
			if err != nil {
				t.Fatal(err)
			}
			// Replicas on MinIO share a search engine; storage alone is
			// what decides publication.
			return b, func(*testing.T) archive.Index { return nil }
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bound := time.Second
			if raceEnabled() {
				if tc.raceBound == 0 {
					t.Skip("the race detector slows bleve's indexing many times over; run without -race for this figure")
				}
				bound = tc.raceBound
			}
			ctx, cancel := context.WithCancel(context.Background())
			blobs, openIndex := tc.open(t)
			var mu sync.Mutex
			reports := map[gazette.IssueKey][]publication{}
			var wakes []func()
			var archs []*archive.Archive
			var wg sync.WaitGroup
			for r := range tc.replicas {
				arch := archive.New(blobs, openIndex(t), nil)
				wake, woken := wakeup()
				b := background{
					arch: arch, log: slog.New(slog.DiscardHandler), now: time.Now, changed: func() {}, wake: woken,
					published: func(_ context.Context, keys []gazette.IssueKey, at time.Time) error {
						mu.Lock()
						defer mu.Unlock()
						for _, k := range keys {
							reports[k] = append(reports[k], publication{r, at})
						}
						return nil
					},
				}
				if r > 0 {
					// The other replicas learn of the schedule by reading
					// it, often enough to race the first for every issue.
					b.recheck = 2 * time.Second
				}
				archs, wakes = append(archs, arch), append(wakes, wake)
				wg.Go(func() { b.publishLoop(ctx) })
			}
			t.Cleanup(func() { cancel(); wg.Wait() })
			desk := scheduleNotifier{archs[0], wakes[0]} // what editors schedule through
			year := time.Now().In(gazette.ChinaTime).Year()

			// The issues are stored an hour ahead, then moved to their
			// moments, so that the time storing takes on a busy machine
			// does not eat into the lead.
			const n = 20
			start := time.Now()
			var samples []gazette.IssueKey
			for i := range n {
				s := frontendtest.Sample(gazette.IssueKey{Year: year, Number: i + 1}, 2)
				s.Issue.Published = time.Now().Add(time.Hour)
				if err := desk.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
					t.Fatal(err)
				}
				samples = append(samples, s.Issue.Key())
			}
			// Rescheduling takes less than scheduling did.
			moments := map[gazette.IssueKey]time.Time{}
			base := time.Now().Add(time.Second + time.Since(start))
			for i, k := range samples {
				at := base.Add(time.Duration(i) * 300 * time.Millisecond)
				if err := desk.Reschedule(ctx, k, at); err != nil {
					t.Fatal(err)
				}
				moments[k] = at
			}
			if left := time.Until(base); left < 100*time.Millisecond {
				t.Fatalf("rescheduling took too long: %v left before the first moment", left)
			}
			// One more, scheduled for sooner than the publisher's next
			// check: the schedule itself wakes it.
			late := frontendtest.Sample(gazette.IssueKey{Year: year, Number: n + 1}, 2)
			moved := base.Add(n*300*time.Millisecond + 500*time.Millisecond)
			late.Issue.Published = moved
			if err := desk.Schedule(ctx, late.Issue, bytes.NewReader(late.PDF), late.Documents); err != nil {
				t.Fatal(err)
			}
			moments[late.Issue.Key()] = moved

			deadline := moved.Add(10 * time.Second)
			for {
				mu.Lock()
				done := len(reports) == len(moments)
				mu.Unlock()
				if done || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			mu.Lock()
			defer mu.Unlock()
			var delays []time.Duration
			byReplica := make([]int, tc.replicas)
			for k, at := range moments {
				got := reports[k]
				if len(got) != 1 {
					t.Errorf("%s reported %d times, want once: %+v", k, len(got), got)
					continue
				}
				d := got[0].at.Sub(at)
				byReplica[got[0].replica]++
				delays = append(delays, d)
				if d < 0 || d >= bound {
					t.Errorf("%s published %v after its moment, want within [0, %v)", k, d, bound)
				}
				if _, err := archs[0].Issue(ctx, k); err != nil {
					t.Errorf("%s reported published but not public: %v", k, err)
				}
			}
			if len(delays) == 0 {
				t.Fatal("nothing was published")
			}
			slices.Sort(delays)
			t.Logf("%s: %d schedules: delay after the moment median %v, max %v, min %v (bound %v, race detector %v); published by replica %v",
				tc.name, len(delays), delays[len(delays)/2].Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond),
				delays[0].Round(time.Millisecond), bound, raceEnabled(), byReplica)
		})
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	return ok && slices.ContainsFunc(bi.Settings, func(s debug.BuildSetting) bool { return s.Key == "-race" && s.Value == "true" })
}

// TestMaintainPrunesSessions: the server's upkeep prunes editors' dead
// sessions each time it runs, and a failure is logged, never fatal.
func TestMaintainPrunesSessions(t *testing.T) {
	var logged bytes.Buffer
	calls := 0
	fail := false
	b := background{
		arch: archive.New(archivetest.NewMemBlobs(), nil, nil), log: slog.New(slog.NewTextHandler(&logged, nil)), now: time.Now, changed: func() {},
		prune: func(context.Context) (int, error) {
			calls++
			if fail {
				return 0, fmt.Errorf("read users/a.json: %w", gazette.ErrStorageUnavailable)
			}
			return 3, nil
		},
	}
	b.maintain(context.Background())
	fail = true
	b.maintain(context.Background())
	if calls != 2 {
		t.Errorf("prune ran %d times in two rounds of upkeep, want 2", calls)
	}
	for _, want := range []string{"editors' expired and revoked sessions removed", "count=3", "level=WARN msg=\"prune editors' sessions\""} {
		if !bytes.Contains(logged.Bytes(), []byte(want)) {
			t.Errorf("log lacks %q:\n%s", want, logged.String())
		}
	}
}
