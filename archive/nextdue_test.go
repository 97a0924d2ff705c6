package archive_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// TestNextDue follows the earliest release moment through scheduling,
// rescheduling, publication and cancellation.
func TestNextDue(t *testing.T) {
	ctx := context.Background()
	blobs := archivetest.NewMemBlobs()
	a := archive.New(blobs, nil, nil)
	want := func(at time.Time, ok bool) {
		t.Helper()
		got, gotOK, err := a.NextDue(ctx)
		if err != nil || gotOK != ok || !got.Equal(at) {
			t.Fatalf("NextDue = %v, %v, %v; want %v, %v", got, gotOK, err, at, ok)
		}
	}
	want(time.Time{}, false)

	march, may, july := archivetest.NewSample(2022, 3, 1), archivetest.NewSample(2022, 5, 1), archivetest.NewSample(2022, 7, 1)
	for _, s := range []archivetest.Sample{may, july, march} {
		schedule(t, a, s)
	}
	want(march.Issue.Published, true)

	// Moving the latest before the others makes it the next.
	early := march.Issue.Published.Add(-time.Hour)
	if err := a.Reschedule(ctx, july.Issue.Key(), early); err != nil {
		t.Fatal(err)
	}
	want(early, true)

	// Due and not yet published still counts: the moment is past.
	if keys := publishDue(t, a, early); len(keys) != 1 || keys[0] != july.Issue.Key() {
		t.Fatalf("PublishDue at %v = %v", early, keys)
	}
	want(march.Issue.Published, true)

	if err := a.Unschedule(ctx, march.Issue.Key()); err != nil {
		t.Fatal(err)
	}
	want(may.Issue.Published, true)

	// An unreadable schedule is an error, never "nothing due".
	raw := []byte("{not json")
	if _, err := blobs.Put(ctx, "schedule/2022-9.json", bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.NextDue(ctx); !errors.Is(err, gazette.ErrCorrupt) {
		t.Fatalf("NextDue with a corrupt schedule: %v, want ErrCorrupt", err)
	}
}
