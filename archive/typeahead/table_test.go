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
	err   error         // All's, when not nil
	// Read signals reading, when not nil, then waits for readHold.
	reading, readHold chan struct{}
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
	if s.err != nil {
		return nil, 0, s.err
	}
	return slices.Clone(s.hits), int64(s.calls), nil
}

func (s *source) Read(ctx context.Context, ids []string) ([]gazette.Hit, error) {
	s.mu.Lock()
	reading, hold := s.reading, s.readHold
	s.mu.Unlock()
	if reading != nil {
		reading <- struct{}{}
		<-hold
	}
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

// set makes h the source's hit of h.ID, as a write to the index does.
func (s *source) set(h gazette.Hit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.hits {
		if s.hits[i].ID == h.ID {
			s.hits[i] = h
			return
		}
	}
	s.hits = append(s.hits, h)
}

// TestHitsNeverStale checks Hits: nothing before the table is built (a
// build it starts, without waiting), then each document as the index
// holds it, and nothing for a document while a write of it is in
// progress, nor while the table reads again one that two writes met on:
// its entry may be older than the index's then.
func TestHitsNeverStale(t *testing.T) {
	ctx := context.Background()
	src := &source{hits: []gazette.Hit{hit("2020-1-1", "饮用水安全条例"), hit("2020-1-2", "饮用水水源保护办法")}}
	src.hits[0].Authorities = []string{"福建省人民政府"}
	src.hits[1].Authorities = []string{"福建省生态环境厅"}
	tab := typeahead.New(src)
	defer tab.Close()
	title := func(id string) (string, bool) {
		t.Helper()
		hits, ok := tab.Hits([]string{id})
		return hits[0].Title, ok[0]
	}
	if _, ok := title("2020-1-1"); ok {
		t.Fatal("Hits knows a document before the table is built")
	}
	if tab.Layers(); src.calls != 1 {
		t.Fatalf("Hits on a table not built: %d builds, want 1", src.calls)
	}
	hits, ok := tab.Hits([]string{"2020-1-2", "2020-1-9", "2020-1-1"})
	if !slices.Equal(ok, []bool{true, false, true}) || hits[0].Title != "饮用水水源保护办法" || hits[2].Title != "饮用水安全条例" {
		t.Fatalf("Hits of two documents and no document = %v, %v", hits, ok)
	}
	// The hits' authorities share one array: appending to one's must not
	// reach the next.
	hits[0].Authorities = append(hits[0].Authorities, "added by the caller")
	if !slices.Equal(hits[2].Authorities, []string{"福建省人民政府"}) {
		t.Errorf("appending to one hit's authorities changed another's: %v", hits[2].Authorities)
	}
	hits[2].Authorities[0] = "changed by the caller"
	if hits, _ := tab.Hits([]string{"2020-1-1"}); hits[0].Authorities[0] != "福建省人民政府" {
		t.Errorf("a caller's change to a hit reached the table: %v", hits[0].Authorities)
	}

	// One write in progress: the index may hold it already.
	ids := []string{"2020-1-1"}
	tab.Begin(ids)
	src.set(hit("2020-1-1", "饮用水安全条例（修订）"))
	if got, ok := title("2020-1-1"); ok {
		t.Errorf("Hits during a write = %q, want nothing", got)
	}
	tab.End(ctx, ids, []gazette.Hit{hit("2020-1-1", "饮用水安全条例（修订）")}, false)
	if got, ok := title("2020-1-1"); !ok || got != "饮用水安全条例（修订）" {
		t.Errorf("Hits after a write = %q, %v; want the document written", got, ok)
	}

	// Two writes meet; the index keeps the first, which ends first: the
	// table then holds the second's, until it reads the document again.
	tab.Begin(ids)
	tab.Begin(ids)
	src.set(hit("2020-1-1", "第一次"))
	tab.End(ctx, ids, []gazette.Hit{hit("2020-1-1", "第一次")}, false)
	src.mu.Lock()
	src.reading, src.readHold = make(chan struct{}), make(chan struct{})
	src.mu.Unlock()
	ended := make(chan struct{})
	go func() {
		tab.End(ctx, ids, []gazette.Hit{hit("2020-1-1", "第二次")}, false)
		close(ended)
	}()
	<-src.reading
	if got, ok := title("2020-1-1"); ok {
		t.Errorf("Hits while the table reads again a document two writes met on = %q, want nothing", got)
	}
	close(src.readHold)
	<-ended
	if got, ok := title("2020-1-1"); !ok || got != "第一次" {
		t.Errorf("Hits after two writes met = %q, %v; want 第一次, the index's", got, ok)
	}
	src.mu.Lock()
	src.reading = nil
	src.mu.Unlock()

	// A deletion; a table forgotten knows nothing until built again.
	tab.Begin([]string{"2020-1-2"})
	tab.End(ctx, []string{"2020-1-2"}, nil, false)
	if _, ok := title("2020-1-2"); ok {
		t.Error("Hits knows a deleted document")
	}
	tab.Forget()
	if _, ok := title("2020-1-1"); ok {
		t.Error("Hits knows a document of a forgotten table")
	}
	if tab.Layers(); src.calls != 2 {
		t.Errorf("Hits on a forgotten table: %d builds in all, want 2", src.calls)
	}
	if got, ok := title("2020-1-1"); !ok || got != "第一次" {
		t.Errorf("Hits once built again = %q, %v", got, ok)
	}
}

// TestHitsAfterFailedBuild checks that Hits, which every lean search
// calls, does not start a build again at once after one failed (each
// reads every document), while a suggestion does.
func TestHitsAfterFailedBuild(t *testing.T) {
	broken := errors.New("a stored document does not decode")
	src := &source{hits: []gazette.Hit{hit("2020-1-1", "饮用水安全条例")}, err: broken}
	tab := typeahead.New(src)
	defer tab.Close()
	for range 3 {
		if _, ok := tab.Hits([]string{"2020-1-1"}); ok[0] {
			t.Fatal("Hits knows a document of a table whose build failed")
		}
		tab.Layers() // waits for the build
	}
	if src.calls != 1 {
		t.Errorf("Hits started %d builds after a failed one, want none", src.calls-1)
	}
	if _, err := tab.Suggest(context.Background(), gazette.SuggestKey("饮用水"), 8); !errors.Is(err, broken) {
		t.Errorf("Suggest: %v, want the source's error", err)
	}
	src.mu.Lock()
	src.err = nil
	src.mu.Unlock()
	if got, err := tab.Suggest(context.Background(), gazette.SuggestKey("饮用水"), 8); err != nil || len(got) != 1 {
		t.Fatalf("Suggest once the source reads = %v, %v", got, err)
	}
	if _, ok := tab.Hits([]string{"2020-1-1"}); !ok[0] {
		t.Error("Hits does not know a document once the table is built")
	}
}

// TestBuilding reports a build in progress, and none before or after it.
func TestBuilding(t *testing.T) {
	src := &source{hits: []gazette.Hit{hit("2020-1-1", "饮用水安全条例")}, hold: make(chan struct{})}
	tab := typeahead.New(src)
	defer tab.Close()
	if tab.Building() {
		t.Error("Building before any build")
	}
	tab.Hits([]string{"2020-1-1"}) // starts the build, held in All
	if !tab.Building() {
		t.Error("not Building while All is held")
	}
	close(src.hold)
	tab.Layers() // waits for the build
	if tab.Building() {
		t.Error("Building once built")
	}
}
