package typeahead_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/gazette-archive/gazette/archive/typeahead"
	"github.com/gazette-archive/gazette/gazette"
)

// source is an index in memory whose All can be held until released.
type source struct {
	mu    sync.Mutex
	hits  []gazette.Hit
	calls int
	hold  chan struct{} // All waits for it when not nil
}

func (s *source) All(ctx context.Context) ([]gazette.Hit, int64, error) {
	s.mu.Lock()
	s.calls++
	hold := s.hold
	s.mu.Unlock()
	if hold != nil {
		<-hold
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hits), int64(s.calls), nil
}

func (s *source) Read(ctx context.Context, ids []string) ([]gazette.Hit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []gazette.Hit
	for _, h := range s.hits {
		if slices.Contains(ids, h.ID) {
			out = append(out, h)
		}
	}
	return out, nil
}

func hit(id, title string) gazette.Hit {
	return gazette.Hit{ID: id, Title: title, Validity: gazette.InForce, Published: gazette.Date{Year: 2020, Month: 1, Day: 1}}
}

func ids(hits []gazette.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

// TestBuild checks how the table is built: once for every suggestion
// waiting, past the deadline of the one that asked, again when forgotten
// meanwhile, and with one entry for a document the source read twice.
func TestBuild(t *testing.T) {
	ctx := context.Background()
	key := gazette.SuggestKey("饮用水")
	src := &source{hits: []gazette.Hit{hit("2020-1-1", "饮用水安全条例"), hit("2020-1-2", "饮用水水源保护办法")}, hold: make(chan struct{})}
	tab := typeahead.New(src)
	defer tab.Close()

	// The suggestion that asks gives up; the build goes on.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := tab.Suggest(gone, key, 8); !errors.Is(err, context.Canceled) {
		t.Fatalf("Suggest with a cancelled context: %v, want context.Canceled", err)
	}
	// Forgotten while it is built: built again, from what the source holds
	// then, a document read twice among it.
	done := make(chan []gazette.Hit)
	go func() {
		hits, err := tab.Suggest(ctx, key, 8)
		if err != nil {
			t.Error(err)
		}
		done <- hits
	}()
	tab.Forget()
	src.mu.Lock()
	src.hits = append(src.hits, hit("2020-1-3", "关于饮用水的通知"), hit("2020-1-3", "关于饮用水的通知"))
	hold := src.hold
	src.hold = nil
	src.mu.Unlock()
	close(hold)
	got := <-done
	// Titles that start with the text first, then the latest in print order.
	if want := []string{"2020-1-2", "2020-1-1", "2020-1-3"}; !slices.Equal(ids(got), want) {
		t.Errorf("Suggest after a forgotten build = %v, want %v", ids(got), want)
	}
	if src.calls != 2 {
		t.Errorf("the source was read %d times, want 2 (the forgotten build and the next)", src.calls)
	}
	if v, built := tab.Version(); !built || v != 2 {
		t.Errorf("Version() = %d, %v; want 2 (the second read's), true", v, built)
	}
	if _, err := tab.Suggest(ctx, key, 8); err != nil || src.calls != 2 {
		t.Errorf("a suggestion on the built table: %v, %d reads of the source, want none more", err, src.calls)
	}
	// Lookup by number, in any spelling, newest first whatever the
	// validity; a later write hides what it replaces.
	numbered := func(id, num string, v gazette.Validity, day int) gazette.Hit {
		h := hit(id, "关于印发办法的通知")
		h.DocNumber, h.Validity, h.Published.Day = num, v, day
		return h
	}
	ids2 := []string{"2020-2-1", "2020-2-2", "2020-2-3"}
	tab.Begin(ids2)
	tab.End(ctx, ids2, []gazette.Hit{
		numbered("2020-2-1", "闽政〔2020〕5号", gazette.Repealed, 9),
		numbered("2020-2-2", "闽政[2020]5号", gazette.InForce, 3),
		numbered("2020-2-3", "闽政〔2020〕50号", gazette.InForce, 20),
	}, false)
	n, err := gazette.ParseDocNumber("闽政（2020）5号")
	if err != nil {
		t.Fatal(err)
	}
	got, err = tab.Lookup(ctx, n)
	if want := []string{"2020-2-1", "2020-2-2"}; err != nil || !slices.Equal(ids(got), want) {
		t.Errorf("Lookup(%s) = %v, %v; want %v", n, ids(got), err, want)
	}
	tab.Begin(ids2[:1])
	tab.End(ctx, ids2[:1], []gazette.Hit{numbered("2020-2-1", "闽政〔2020〕6号", gazette.InForce, 9)}, false)
	if got, _ = tab.Lookup(ctx, n); !slices.Equal(ids(got), []string{"2020-2-2"}) {
		t.Errorf("Lookup(%s) after 2020-2-1 was renumbered = %v, want [2020-2-2]", n, ids(got))
	}
	if tab.Advance(1, 5) || !tab.Advance(2, 5) {
		t.Error("Advance moves the version from the wrong one, or not from the right one")
	}
}
