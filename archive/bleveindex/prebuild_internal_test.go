package bleveindex

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/admit"
	"github.com/gazette-archive/gazette/archive/typeahead"
	"github.com/gazette-archive/gazette/gazette"
)

// TestPrebuildLeavesMergedSegments queues a segment that is merged away
// before the worker comes to it: no list is read for it.
func TestPrebuildLeavesMergedSegments(t *testing.T) {
	defer func(n uint64) { prebuildMinDocs = n }(prebuildMinDocs)
	prebuildMinDocs = 1 << 62 // nothing queued by searches here
	ctx := context.Background()
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.SetCacheSize(0)
	var docs []gazette.SearchDoc
	for i := range 400 {
		key := gazette.IssueKey{Year: 2010, Number: 1 + i%24}
		pub := gazette.Date{Year: 2010, Month: 3, Day: 1 + i%28}
		d := gazette.Document{
			ID: gazette.DocumentID(key, 1+i/24), Issue: key, Title: "实施规定", Body: []string{"县级以上人民政府应当加强领导。"},
			Kind: gazette.KindRule, Authorities: []string{"福建省人民政府"}, Signed: pub, Published: pub, Effective: pub,
			Validity: gazette.Status{State: gazette.InForce}, Pages: gazette.PageRange{First: 1, Last: 1}, Version: 1,
		}
		docs = append(docs, gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("%064x", i)})
	}
	for i := 0; i < len(docs); i += 200 {
		if err := x.Put(ctx, docs[i:i+200]); err != nil {
			t.Fatal(err)
		}
	}
	r, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	var old []uint64
	for _, s := range r.Segments() {
		old = append(old, s.Id())
	}
	r.Close()
	if err := x.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Search(ctx, gazette.Query{Text: "规定"}); err != nil { // the merged segment is current
		t.Fatal(err)
	}
	words, read := prebuiltWords.Load(), listsRead.Load()
	for _, id := range old {
		x.prebuildSegment(id)
	}
	if prebuiltWords.Load() != words || listsRead.Load() != read {
		t.Errorf("lists read for segments merged away")
	}
	// the control: the current segment's lists are read
	r, err = x.reader()
	if err != nil {
		t.Fatal(err)
	}
	id := r.Segments()[0].Id()
	r.Close()
	x.prebuildSegment(id)
	if prebuiltWords.Load() == words {
		t.Errorf("no list read for the current segment")
	}
}

// TestCommonWords has commonWords, which walks the 4-grams of common
// bigrams only, find the words a walk of both whole dictionaries finds,
// in the same order; and stop, with none, when told to.
func TestCommonWords(t *testing.T) {
	defer func(n, m int) { commonSample, pauseTerms = n, m }(commonSample, pauseTerms)
	commonSample = 1 << 30 // no common set: every 4-gram indexed
	pauseTerms = 16
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	filler := []string{"县级以上地方人民政府应当加强领导", "本办法自发布之日起施行", "有关部门按照职责分工负责",
		"第一条为了规范工作制定本条例", "各单位应当认真贯彻执行", "具体事项另行通知", "国库集中支付管理"}
	var docs []gazette.SearchDoc
	for i := range 600 {
		key := gazette.IssueKey{Year: 2010, Number: 1 + i%24}
		pub := gazette.Date{Year: 2010, Month: 3, Day: 1 + i%28}
		var body []string
		for k := range 1 + i%5 {
			body = append(body, filler[(i*7+k*3)%len(filler)][(i+k)%4*3:])
		}
		d := gazette.Document{
			ID: gazette.DocumentID(key, 1+i/24), Issue: key, Title: "实施规定", Body: body,
			Kind: gazette.KindRule, Authorities: []string{"福建省人民政府"}, Signed: pub, Published: pub, Effective: pub,
			Validity: gazette.Status{State: gazette.InForce}, Pages: gazette.PageRange{First: 1, Last: 1}, Version: 1,
		}
		docs = append(docs, gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("%064x", i)})
	}
	if err := x.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	r, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := r.Segments()[0]
	var want []commonWord
	for _, suffix := range []string{"", shingleSuffix} {
		d, err := s.Segment().Dictionary(fBody + suffix)
		if err != nil {
			t.Fatal(err)
		}
		it := d.AutomatonIterator(nil, nil, nil)
		for {
			e, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				break
			}
			if e.Count*prunedShare >= s.Segment().Count() {
				want = append(want, commonWord{suffix, e.Term, e.Count})
			}
		}
	}
	slices.SortFunc(want, func(a, b commonWord) int { return cmp.Compare(b.docs, a.docs) })
	want = want[:min(len(want), prebuildWords)]
	pauses := 0
	got, err := commonWords(s, func() bool { pauses++; return true })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(got, func(w commonWord) bool { return w.suffix == shingleSuffix }) {
		t.Fatalf("no 4-gram among the common words %v: the test checks none", got)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("commonWords:\n%v\nwant (whole dictionaries):\n%v", got, want)
	}
	if pauses == 0 {
		t.Error("no pause")
	}
	if got, err := commonWords(s, func() bool { return false }); err != nil || got != nil {
		t.Errorf("commonWords told to stop = %v, %v; want none", got, err)
	}
}

// heldSource is an index whose suggestion table's build is held until
// released.
type heldSource struct{ hold chan struct{} }

func (s heldSource) All(context.Context) ([]gazette.Hit, int64, error) {
	<-s.hold
	return nil, 0, nil
}

func (s heldSource) Read(context.Context, []string) ([]gazette.Hit, error) { return nil, nil }

// TestPrebuildWaitsForSuggestionTable has the worker count a build of the
// suggestion table as a search: with one slot of the gate's two held by a
// search, it takes the other only once the build is done (on two cores,
// the build, the worker and a search were three threads, and the
// searches at 1 client waited for the cores); with none held, at once.
func TestPrebuildWaitsForSuggestionTable(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.gate.Store(admit.New(2))
	src := heldSource{make(chan struct{})}
	release := sync.OnceFunc(func() { close(src.hold) })
	defer release() // before Close, which waits for the build
	x.suggest.Close()
	x.suggest = typeahead.New(src)
	x.suggest.Hits(nil) // starts the build
	if leave, ok := x.idleSlot(); !ok {
		t.Fatal("no slot")
	} else {
		leave() // no search: the build and the worker have a CPU each
	}
	search, err := x.gate.Load().Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer search()
	took := make(chan func())
	go func() {
		leave, ok := x.idleSlot()
		if ok {
			took <- leave
		}
	}()
	select {
	case leave := <-took:
		leave()
		t.Fatal("the worker took a slot beside a search while the suggestion table was being built")
	case <-time.After(20 * prebuildWait):
	}
	release()
	select {
	case leave := <-took:
		leave()
	case <-time.After(time.Minute):
		t.Fatal("the worker took no slot once the suggestion table was built")
	}
}

// TestTablesOfOlderSnapshot has a search of an older snapshot keep the
// tables of the segments newer ones hold and it does not: they were
// forgotten, and rebuilt by the next search, their block maxima read
// again, and the worker left them.
func TestTablesOfOlderSnapshot(t *testing.T) {
	ctx := context.Background()
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var docs []gazette.SearchDoc
	for i := range 40 {
		key := gazette.IssueKey{Year: 2011, Number: 1 + i%24}
		pub := gazette.Date{Year: 2011, Month: 5, Day: 1 + i%28}
		d := gazette.Document{
			ID: gazette.DocumentID(key, 1+i/24), Issue: key, Title: "实施规定", Body: []string{"县级以上人民政府应当加强领导。"},
			Kind: gazette.KindRule, Authorities: []string{"福建省人民政府"}, Signed: pub, Published: pub, Effective: pub,
			Validity: gazette.Status{State: gazette.InForce}, Pages: gazette.PageRange{First: 1, Last: 1}, Version: 1,
		}
		docs = append(docs, gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("%064x", i)})
	}
	if err := x.Put(ctx, docs[:20]); err != nil {
		t.Fatal(err)
	}
	old, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := x.Put(ctx, docs[20:]); err != nil {
		t.Fatal(err)
	}
	cur, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	held := map[uint64]bool{}
	for _, s := range old.Segments() {
		held[s.Id()] = true
	}
	var newer []uint64
	for _, s := range cur.Segments() {
		if !held[s.Id()] {
			newer = append(newer, s.Id())
		}
	}
	if len(newer) == 0 {
		t.Fatal("the second Put made no new segment: the test checks nothing")
	}
	if _, err := x.tables(cur); err != nil {
		t.Fatal(err)
	}
	if _, err := x.tables(old); err != nil {
		t.Fatal(err)
	}
	for _, id := range newer {
		if !x.current(id) {
			t.Errorf("segment %d of the newer snapshot forgotten by a search of the older one", id)
		}
	}
}
