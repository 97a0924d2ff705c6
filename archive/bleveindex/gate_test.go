package bleveindex_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// TestGate: with every slot taken, a search waits, and gives up with its
// context; Lookup and Get do not wait; a search under the context that
// holds the slot (Admit) runs in it; once a slot is free, the waiting
// search runs.
func TestGate(t *testing.T) {
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	idx.SetCacheSize(0)
	docs := benchDocs(20)
	docs[0].DocNumber = "闽政〔2019〕14号"
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	idx.SetMaxSearches(1)
	held, release := idx.Admit(ctx)
	if _, err := idx.Search(held, gazette.Query{Text: "规定"}); err != nil { // takes the only slot
		t.Fatal(err)
	}

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := idx.Search(short, gazette.Query{Text: "规定"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("search with every slot taken: %v, want %v", err, context.DeadlineExceeded)
	}
	if _, err := idx.Get(ctx, docs[0].ID); err != nil {
		t.Errorf("Get with every slot taken: %v", err)
	}
	n, err := gazette.ParseDocNumber(docs[0].DocNumber)
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := idx.Lookup(ctx, n); err != nil || len(ids) == 0 {
		t.Errorf("Lookup %s with every slot taken: %v, %v", n, ids, err)
	}

	// The later searches of the request that holds the slot run in it.
	if _, err := idx.Search(held, gazette.Query{Text: "规定"}); err != nil {
		t.Errorf("search under the held slot: %v", err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := idx.Search(ctx, gazette.Query{Text: "规定"})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("search ran with every slot taken (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("search after the slot was freed: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("search still waiting after the slot was freed")
	}
}
