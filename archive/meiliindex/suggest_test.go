//go:build linux

package meiliindex_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/gazette"
)

// TestSuggestAcrossReplicas checks that suggestions, answered from a table
// in each process's memory, show every write that returned, whichever
// process wrote it: two replicas write to one index in turn and at once,
// and a third opens the index afresh, as after a restart. Each answers as
// the plainest reading of the contract on what the index holds
// (archivetest.CheckSuggest). A replica's own writes leave its table
// standing; another's make it build the table again.
func TestSuggestAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	cfg := newConfig(t)
	replica := func() *meiliindex.Index {
		x, err := meiliindex.New(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	a, b := replica(), replica()
	rnd := rand.New(rand.NewPCG(17, 2))
	want := map[string]gazette.SearchDoc{}
	next := 0
	put := func(x *meiliindex.Index, n int) {
		t.Helper()
		var docs []gazette.SearchDoc
		for range n {
			i := next
			if next > 0 && rnd.IntN(3) == 0 {
				i = rnd.IntN(next) // replace one: another title, number, validity
			} else {
				next++
			}
			docs = append(docs, archivetest.SuggestDoc(rnd, i))
		}
		if err := x.Put(ctx, docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			want[d.ID] = d
		}
	}
	del := func(x *meiliindex.Index) {
		t.Helper()
		var gone []string
		for id := range want {
			if rnd.IntN(8) == 0 {
				gone = append(gone, id)
			}
		}
		if err := x.Delete(ctx, gone); err != nil {
			t.Fatal(err)
		}
		for _, id := range gone {
			delete(want, id)
		}
	}
	put(a, 300)
	archivetest.CheckSuggest(t, a, want, "a, first")
	archivetest.CheckSuggest(t, b, want, "b, first")
	for round := range 3 {
		// a writes: a's table keeps its base and holds the writes on top;
		// b sees another process wrote and builds its table again.
		put(a, 40)
		del(a)
		archivetest.CheckSuggest(t, b, want, fmt.Sprintf("round %d: b after a wrote", round))
		archivetest.CheckSuggest(t, a, want, fmt.Sprintf("round %d: a after a wrote", round))
		if layers := a.SuggestLayers(); len(layers) < 2 || layers[len(layers)-1] == 0 {
			t.Errorf("round %d: a's table after a's own writes: layers %v, want them on top of its base", round, layers)
		}
		if layers := b.SuggestLayers(); len(layers) != 2 || layers[1] != 0 {
			t.Errorf("round %d: b's table after a's writes: layers %v, want it built again", round, layers)
		}
		put(b, 40)
		archivetest.CheckSuggest(t, a, want, fmt.Sprintf("round %d: a after b wrote", round))
		archivetest.CheckSuggest(t, b, want, fmt.Sprintf("round %d: b after b wrote", round))
	}
	// Both at once, on the same documents: each table ends as the index
	// does, whichever write Meilisearch ran last.
	ids := make([]int, 30)
	for i := range ids {
		ids[i] = rnd.IntN(next)
	}
	done := make(chan error, 2)
	for w, x := range []*meiliindex.Index{a, b} {
		wrnd := rand.New(rand.NewPCG(uint64(w), 5))
		docs := make([]gazette.SearchDoc, len(ids))
		for i, n := range ids {
			docs[i] = archivetest.SuggestDoc(wrnd, n)
		}
		go func() {
			var err error
			for range 3 {
				if err = x.Put(ctx, docs); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range ids {
		id := archivetest.SuggestDoc(rnd, n).ID
		h, err := a.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		d := want[id]
		d.ID, d.Title, d.DocNumber, d.Published, d.Validity = h.ID, h.Title, h.DocNumber, h.Published, gazette.Status{State: h.Validity}
		want[id] = d
	}
	archivetest.CheckSuggest(t, a, want, "a after both at once")
	archivetest.CheckSuggest(t, b, want, "b after both at once")
	// A replica started afresh reads the index as it is.
	archivetest.CheckSuggest(t, replica(), want, "a new replica")
}
