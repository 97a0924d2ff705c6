package archive_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

func schedule(t *testing.T, a *archive.Archive, s archivetest.Sample) {
	t.Helper()
	if err := a.Schedule(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatalf("Schedule %s: %v", s.Issue.Key(), err)
	}
}

func publishDue(t *testing.T, a *archive.Archive, now time.Time) []gazette.IssueKey {
	t.Helper()
	keys, err := a.PublishDue(context.Background(), now)
	if err != nil {
		t.Fatalf("PublishDue(%s): %v", now, err)
	}
	return keys
}

// countingIndex counts how often each document is put into the index.
type countingIndex struct {
	archive.Index
	mu   sync.Mutex
	puts map[string]int
}

func (c *countingIndex) Put(ctx context.Context, docs []gazette.SearchDoc) error {
	c.mu.Lock()
	if c.puts == nil {
		c.puts = map[string]int{}
	}
	for _, d := range docs {
		c.puts[d.ID]++
	}
	c.mu.Unlock()
	return c.Index.Put(ctx, docs)
}

func (c *countingIndex) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.puts[id]
}

// checkEmbargoed asserts that no read method shows anything of s, while
// other, published issues may exist.
func checkEmbargoed(t *testing.T, a *archive.Archive, s archivetest.Sample) {
	t.Helper()
	ctx := context.Background()
	key := s.Issue.Key()
	if _, err := a.Issue(ctx, key); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Issue(%s) = %v, want ErrNotFound", key, err)
	}
	if _, err := a.Manifest(ctx, key); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Manifest(%s) = %v, want ErrNotFound", key, err)
	}
	if _, _, err := a.PDF(ctx, key); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("PDF(%s) = %v, want ErrNotFound", key, err)
	}
	issues, err := a.Issues(ctx, key.Year)
	if err != nil || slices.ContainsFunc(issues, func(is gazette.Issue) bool { return is.Key() == key }) {
		t.Errorf("Issues(%d) = %v, %v; want it without %s", key.Year, issues, err, key)
	}
	years, err := a.Years(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		if issues, _ := a.Issues(ctx, y); len(issues) == 0 {
			t.Errorf("Years lists %d, which has no published issue", y)
		}
	}
	if l, err := a.Latest(ctx); err == nil && l.Key() == key {
		t.Errorf("Latest is the scheduled issue %s", key)
	} else if err != nil && !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Latest: %v", err)
	}
	for _, d := range s.Documents {
		if _, err := a.Document(ctx, d.ID); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Document(%s) = %v, want ErrNotFound", d.ID, err)
		}
		if _, err := a.DocumentVersion(ctx, d.ID, 1); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("DocumentVersion(%s, 1) = %v, want ErrNotFound", d.ID, err)
		}
		if _, err := a.History(ctx, d.ID); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("History(%s) = %v, want ErrNotFound", d.ID, err)
		}
	}
	for _, q := range []string{s.Documents[0].Title, s.Documents[0].DocNumber, "贯彻执行"} {
		res, err := a.Search(ctx, gazette.Query{Text: q})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, h := range res.Hits {
			if h.Issue == key {
				t.Errorf("Search(%q) finds %s of the scheduled issue", q, h.ID)
			}
		}
	}
}

func TestScheduledIssueIsInvisibleUntilItsMoment(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), openBleve(t), nil)
	s := archivetest.NewSample(2021, 6, 3)
	at := s.Issue.Published

	schedule(t, a, s)
	checkInvisible(t, a, s) // the archive holds nothing else yet
	checkEmbargoed(t, a, s)
	other := archivetest.NewSample(2021, 5, 2) // an issue already out
	publish(t, a, other)
	checkEmbargoed(t, a, s)
	if l, err := a.Latest(ctx); err != nil || l.Key() != other.Issue.Key() {
		t.Errorf("Latest = %v, %v; want the published %s", l, err, other.Issue.Key())
	}
	// Editing what is not yet published is refused as not found.
	if _, err := a.Correct(ctx, s.Documents[0].ID, s.Documents[0], gazette.Correction{Reason: "错字", Date: gazette.DateOf(at), By: "editor"}); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Correct of a scheduled document: %v, want ErrNotFound", err)
	}
	// Nor can a published document claim to be repealed by it.
	_, err := a.SetValidity(ctx, other.Documents[0].ID, gazette.ValidityChange{State: gazette.Repealed, Since: gazette.DateOf(at), ChangedBy: s.Documents[0].ID, By: "editor"})
	if !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("SetValidity linking a scheduled document: %v, want ErrInvalid", err)
	}

	sched, err := a.Scheduled(ctx)
	if err != nil || len(sched) != 1 || sched[0].Key() != s.Issue.Key() || !sched[0].Published.Equal(at) {
		t.Fatalf("Scheduled = %v, %v; want %s at %s", sched, err, s.Issue.Key(), at)
	}
	if keys := publishDue(t, a, at.Add(-time.Second)); len(keys) != 0 {
		t.Fatalf("a second early, PublishDue published %v", keys)
	}
	checkEmbargoed(t, a, s)

	if keys := publishDue(t, a, at); !slices.Equal(keys, []gazette.IssueKey{s.Issue.Key()}) {
		t.Fatalf("at the moment, PublishDue = %v, want [%s]", keys, s.Issue.Key())
	}
	checkPublished(t, a, s)
	if ids := found(t, a, s.Documents[1].DocNumber); len(ids) == 0 || ids[0] != s.Documents[1].ID {
		t.Errorf("after publication, its 文号 finds %v", ids)
	}
	if l, err := a.Latest(ctx); err != nil || l.Key() != s.Issue.Key() {
		t.Errorf("Latest = %v, %v; want %s", l, err, s.Issue.Key())
	}
	if sched, err := a.Scheduled(ctx); err != nil || len(sched) != 0 {
		t.Errorf("Scheduled after publication = %v, %v; want none", sched, err)
	}
	if keys := publishDue(t, a, at.Add(time.Hour)); len(keys) != 0 {
		t.Errorf("PublishDue again published %v", keys)
	}
}

func TestScheduleRules(t *testing.T) {
	ctx := context.Background()
	s := archivetest.NewSample(2021, 6, 3)
	at := s.Issue.Published
	cases := map[string]func(t *testing.T, a *archive.Archive, blobs archive.Blobs){
		"scheduling again is a no-op": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			schedule(t, a, s)
			schedule(t, a, s)
			if keys := publishDue(t, a, at); len(keys) != 1 {
				t.Errorf("PublishDue = %v, want one issue", keys)
			}
		},
		"another issue under a scheduled number": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			schedule(t, a, s)
			o := archivetest.NewSample(2021, 6, 4)
			if err := a.Schedule(ctx, o.Issue, bytes.NewReader(o.PDF), o.Documents); !errors.Is(err, gazette.ErrExist) {
				t.Errorf("Schedule = %v, want ErrExist", err)
			}
		},
		"a published number": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			publish(t, a, s)
			if err := a.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); !errors.Is(err, gazette.ErrExist) {
				t.Errorf("Schedule = %v, want ErrExist", err)
			}
		},
		"publishing a scheduled issue early": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			schedule(t, a, s)
			if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); !errors.Is(err, gazette.ErrExist) {
				t.Errorf("Publish = %v, want ErrExist", err)
			}
			checkInvisible(t, a, s)
		},
		"invalid issue": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			bad := archivetest.NewSample(2021, 6, 3)
			bad.Documents[1].Title = ""
			err := a.Schedule(ctx, bad.Issue, bytes.NewReader(bad.PDF), bad.Documents)
			var ve gazette.ValidationError
			if !errors.As(err, &ve) || ve[0].Field != "documents[1].title" {
				t.Errorf("Schedule = %v, want a ValidationError on documents[1].title", err)
			}
		},
		"unschedule": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			schedule(t, a, s)
			if err := a.Unschedule(ctx, s.Issue.Key()); err != nil {
				t.Fatal(err)
			}
			if keys := publishDue(t, a, at.Add(time.Hour)); len(keys) != 0 {
				t.Errorf("an unscheduled issue was published: %v", keys)
			}
			checkInvisible(t, a, s)
			if err := a.Unschedule(ctx, s.Issue.Key()); !errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("Unschedule twice = %v, want ErrNotFound", err)
			}
			schedule(t, a, archivetest.NewSample(2021, 6, 4)) // the number is free again
		},
		"reschedule": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			schedule(t, a, s)
			later := at.Add(3 * time.Hour)
			if err := a.Reschedule(ctx, s.Issue.Key(), later); err != nil {
				t.Fatal(err)
			}
			if keys := publishDue(t, a, at); len(keys) != 0 {
				t.Errorf("published at the old moment: %v", keys)
			}
			checkInvisible(t, a, s)
			if keys := publishDue(t, a, later); len(keys) != 1 {
				t.Fatalf("PublishDue at the new moment = %v", keys)
			}
			is, err := a.Issue(ctx, s.Issue.Key())
			if err != nil || !is.Published.Equal(later) {
				t.Errorf("Issue = %v, %v; want published at %s", is, err, later)
			}
			if err := a.Reschedule(ctx, s.Issue.Key(), later); !errors.Is(err, gazette.ErrNotFound) {
				t.Errorf("Reschedule after publication = %v, want ErrNotFound", err)
			}
		},
		"reschedule to an impossible moment": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			schedule(t, a, s)
			if err := a.Reschedule(ctx, s.Issue.Key(), at.AddDate(5, 0, 0)); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("Reschedule five years on = %v, want ErrInvalid", err)
			}
		},
		"no cancelling once publication began": func(t *testing.T, a *archive.Archive, blobs archive.Blobs) {
			schedule(t, a, s)
			// A publisher that claimed the issue and died before the
			// manifest: the issue is past cancelling, and completes.
			claimOnly := archive.New(&archivetest.Faulty{Blobs: blobs, Allow: 1}, nil, nil)
			if _, err := claimOnly.PublishDue(ctx, at); !errors.Is(err, archivetest.ErrInjected) {
				t.Fatalf("PublishDue failing after the claim: %v", err)
			}
			if err := a.Unschedule(ctx, s.Issue.Key()); !errors.Is(err, gazette.ErrConflict) {
				t.Errorf("Unschedule = %v, want ErrConflict", err)
			}
			if err := a.Reschedule(ctx, s.Issue.Key(), at.Add(time.Hour)); !errors.Is(err, gazette.ErrConflict) {
				t.Errorf("Reschedule = %v, want ErrConflict", err)
			}
			if keys := publishDue(t, a, at.Add(time.Second)); len(keys) != 0 {
				t.Errorf("within the claim's lease, PublishDue took over: %v", keys)
			}
			if keys := publishDue(t, a, at.Add(archive.PublishLease)); len(keys) != 1 {
				t.Errorf("after the lease, PublishDue = %v, want the issue", keys)
			}
			checkPublished(t, a, s)
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			blobs := archivetest.NewMemBlobs()
			tc(t, archive.New(blobs, nil, nil), blobs)
		})
	}
}

// TestPublishDueFailureAtEveryStep fails each write of PublishDue in turn
// (the claim, the manifest, the removal of the schedule): the issue is
// whole or invisible, and a later PublishDue completes it, indexed.
func TestPublishDueFailureAtEveryStep(t *testing.T) {
	s := archivetest.NewSample(2021, 6, 3)
	at := s.Issue.Published
	for allow := range 3 {
		blobs := archivetest.NewMemBlobs()
		idx := &countingIndex{Index: openBleve(t)}
		a := archive.New(blobs, idx, nil)
		schedule(t, a, s)
		_, err := archive.New(&archivetest.Faulty{Blobs: blobs, Allow: allow}, idx, nil).PublishDue(context.Background(), at)
		if !errors.Is(err, archivetest.ErrInjected) {
			t.Fatalf("write %d failing: PublishDue = %v, want the injected fault", allow+1, err)
		}
		if allow < 2 {
			checkInvisible(t, a, s)
			checkEmbargoed(t, a, s)
		} else {
			checkPublished(t, a, s)
		}
		keys := publishDue(t, a, at.Add(archive.PublishLease))
		if len(keys) != 1 {
			t.Errorf("write %d failed: the next PublishDue = %v, want the issue", allow+1, keys)
		}
		checkPublished(t, a, s)
		if ids := found(t, a, s.Documents[0].DocNumber); len(ids) == 0 || ids[0] != s.Documents[0].ID {
			t.Errorf("write %d failed: after completion its 文号 finds %v", allow+1, ids)
		}
	}
}

// TestPublishDueExactlyOnce runs PublishDue from many goroutines over one
// Archive, and from three Archive values (three replicas) over one MinIO
// bucket: each due issue is reported by exactly one call and indexed once.
func TestPublishDueExactlyOnce(t *testing.T) {
	samples := []archivetest.Sample{archivetest.NewSample(2022, 3, 3), archivetest.NewSample(2022, 4, 2)}
	at := samples[1].Issue.Published
	run := func(t *testing.T, replicas []*archive.Archive, idx *countingIndex, callers int) {
		for _, s := range samples {
			schedule(t, replicas[0], s)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		reported := map[gazette.IssueKey]int{}
		start := make(chan struct{})
		for i := range callers {
			wg.Go(func() {
				<-start
				keys, err := replicas[i%len(replicas)].PublishDue(context.Background(), at)
				if err != nil {
					t.Errorf("caller %d: %v", i, err)
				}
				mu.Lock()
				for _, k := range keys {
					reported[k]++
				}
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		for _, s := range samples {
			if n := reported[s.Issue.Key()]; n != 1 {
				t.Errorf("%s reported published by %d calls, want 1", s.Issue.Key(), n)
			}
			for _, d := range s.Documents {
				if n := idx.count(d.ID); n != 1 {
					t.Errorf("%s indexed %d times, want once", d.ID, n)
				}
			}
			checkPublished(t, replicas[1%len(replicas)], s)
		}
		if sched, err := replicas[0].Scheduled(context.Background()); err != nil || len(sched) != 0 {
			t.Errorf("Scheduled = %v, %v; want none", sched, err)
		}
	}
	t.Run("goroutines", func(t *testing.T) {
		idx := &countingIndex{Index: openBleve(t)}
		run(t, []*archive.Archive{archive.New(archivetest.NewMemBlobs(), idx, nil)}, idx, 16)
	})
	for _, be := range backends() {
		t.Run("three replicas on "+be.name, func(t *testing.T) {
			idx := &countingIndex{Index: openBleve(t)}
			first, env := be.open(t)
			var replicas []*archive.Archive
			replicas = append(replicas, archive.New(first, idx, nil))
			for range 2 {
				b, err := reopen(t, env)
				if err != nil {
					t.Fatal(err)
				}
				replicas = append(replicas, archive.New(b, idx, nil))
			}
			run(t, replicas, idx, 9)
		})
	}
}
