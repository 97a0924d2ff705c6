package archive_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// orderIndex records, as each index search returns, which request it
// served; on the question's first search it sends another client's query.
type orderIndex struct {
	*bleveindex.Index
	mu     sync.Mutex
	served []string
	other  func()
}

type requestKey struct{}

func (o *orderIndex) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	res, err := o.Index.Search(ctx, q)
	o.mu.Lock()
	who, _ := ctx.Value(requestKey{}).(string)
	o.served = append(o.served, who)
	other := o.other
	o.other = nil
	o.mu.Unlock()
	if other != nil {
		go other()
		time.Sleep(50 * time.Millisecond) // time for it to queue for the slot
	}
	return res, err
}

// The index searches of one query run in the one slot its Search holds: a
// question matched in part runs several, and another client's query, sent
// while the first of them runs, is served after the last, not between
// them (where, on a busy server, the question queued again for every
// term).
func TestSearchHoldsOneSlot(t *testing.T) {
	idx := openBleve(t)
	idx.SetCacheSize(0)
	rec := &orderIndex{Index: idx}
	a := archive.New(archivetest.NewMemBlobs(), rec, nil)
	publish(t, a, archivetest.NewSample(2019, 12, 3))
	idx.SetMaxSearches(1)

	var wg sync.WaitGroup
	rec.other = func() {
		defer wg.Done()
		ctx := context.WithValue(context.Background(), requestKey{}, "other")
		if _, err := archive.Search(ctx, rec, gazette.Query{Text: "政务公开"}); err != nil {
			t.Error(err)
		}
	}
	wg.Add(1)
	ctx := context.WithValue(context.Background(), requestKey{}, "question")
	res, err := archive.Search(ctx, rec, gazette.Query{Text: "政务公开要怎么办理才好"})
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if !res.Partial {
		t.Fatalf("the question matched exactly (%d hits): it tests nothing", res.Total)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	questions := 0
	for i, who := range rec.served {
		if who == "question" {
			questions++
		} else if questions < 2 || i != len(rec.served)-1 && rec.served[i+1] == "question" {
			t.Fatalf("searches served in the order %v: the other query ran between the question's", rec.served)
		}
	}
}

// A query of a 文号 alone is lookups, not searches: it takes no search
// slot, and is answered while every slot is busy.
func TestDocNumberTakesNoSlot(t *testing.T) {
	idx := openBleve(t)
	idx.SetCacheSize(0)
	a := archive.New(archivetest.NewMemBlobs(), idx, nil)
	s := archivetest.NewSample(2019, 12, 3)
	publish(t, a, s)
	idx.SetMaxSearches(1)
	busy, leave := idx.Admit(context.Background())
	defer leave()
	if _, err := idx.Search(busy, gazette.Query{Text: "政务公开"}); err != nil { // takes the only slot
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := archive.Search(ctx, idx, gazette.Query{Text: s.Documents[0].DocNumber})
	if err != nil {
		t.Fatalf("文号 %s with every slot busy: %v", s.Documents[0].DocNumber, err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != s.Documents[0].ID {
		t.Fatalf("文号 %s found %+v", s.Documents[0].DocNumber, res.Hits)
	}
}
