package bleveindex

import (
	"context"
	"fmt"
	"testing"

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
