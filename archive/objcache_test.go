package archive_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
)

// readCounter counts the reads of each key, and can hand out a damaged
// copy of one object.
type readCounter struct {
	*archivetest.MemBlobs
	mu     sync.Mutex
	reads  map[string]int
	damage string // key read with its last byte changed
}

func (r *readCounter) Open(ctx context.Context, key string) (io.ReadSeekCloser, gazette.ObjectInfo, error) {
	r.mu.Lock()
	r.reads[key]++
	damage := r.damage == key
	r.mu.Unlock()
	rc, info, err := r.MemBlobs.Open(ctx, key)
	if err != nil || !damage {
		return rc, info, err
	}
	raw, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, info, err
	}
	raw[len(raw)-2] ^= 1
	return struct {
		io.ReadSeeker
		io.Closer
	}{bytes.NewReader(raw), io.NopCloser(nil)}, info, nil
}

func (r *readCounter) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for k, c := range r.reads {
		if strings.HasPrefix(k, prefix) {
			n += c
		}
	}
	return n
}

// TestImmutableObjectsAreReadOnce: a document read again costs one storage
// read, its history's; the manifest and the record, immutable and verified
// the first time, are not read again. What changes (a correction) is seen
// at once, and an object that fails verification is never kept.
func TestImmutableObjectsAreReadOnce(t *testing.T) {
	ctx := context.Background()
	blobs := &readCounter{MemBlobs: archivetest.NewMemBlobs(), reads: map[string]int{}}
	a := archive.New(blobs, nil, nil)
	s := archivetest.NewSample(2019, 12, 3)
	if _, err := a.Publish(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	id := s.Documents[1].ID
	if _, err := a.Document(ctx, id); err != nil {
		t.Fatal(err)
	}
	manifests, records, histories := blobs.count("issues/"), blobs.count("records/"), blobs.count("history/")
	for range 3 {
		if _, err := a.Document(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Issue(ctx, s.Issue.Key()); err != nil {
			t.Fatal(err)
		}
	}
	if m, r := blobs.count("issues/")-manifests, blobs.count("records/")-records; m != 0 || r != 0 {
		t.Errorf("reading again read the manifest %d and the record %d more times, want 0", m, r)
	}
	if h := blobs.count("history/") - histories; h != 3 {
		t.Errorf("reading again read the history %d times, want 3 (it may change)", h)
	}

	fixed := s.Documents[1]
	fixed.Title = "更正后的标题"
	if _, err := a.Correct(ctx, id, fixed, gazette.Correction{Reason: "标题有误", Date: gazette.Date{Year: 2019, Month: 12, Day: 30}, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	if d, err := a.Document(ctx, id); err != nil || d.Title != "更正后的标题" || d.Version != 2 {
		t.Errorf("after a correction: %+v, %v; want version 2 with the new title", d, err)
	}

	// A damaged record is refused, and not kept: once storage has it
	// right again, it reads.
	other := s.Documents[2]
	var key string
	infos, _ := blobs.List(ctx, "records/")
	for _, o := range infos {
		raw := archivetest.ReadAll(t, blobs.MemBlobs, o.Key)
		if strings.Contains(raw, `"id":"`+other.ID+`"`) {
			key = o.Key
		}
	}
	if key == "" {
		t.Fatalf("no record of %s", other.ID)
	}
	blobs.damage = key
	if _, err := a.Document(ctx, other.ID); !errors.Is(err, gazette.ErrCorrupt) {
		t.Fatalf("a damaged record read as %v, want ErrCorrupt", err)
	}
	blobs.damage = ""
	if d, err := a.Document(ctx, other.ID); err != nil || d.Title != other.Title {
		t.Errorf("the record read right again: %+v, %v", d, err)
	}
}
