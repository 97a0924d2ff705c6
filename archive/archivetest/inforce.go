package archivetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// testInForce checks Query.InForceOn: a document is found on the days its
// dates and its validity say it was in force (gazette.InForceSpan), by
// words, by filters alone and by its document number.
func testInForce(t *testing.T, open func(t *testing.T) archive.Index) {
	ctx := context.Background()
	key := gazette.IssueKey{Year: 2019, Number: 5}
	d := func(s string) gazette.Date {
		if s == "" {
			return gazette.Date{}
		}
		x, err := gazette.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	type span struct{ published, effective, expires string }
	var docs []gazette.SearchDoc
	add := func(sp span, st gazette.Status) string {
		seq := len(docs) + 1
		doc := gazette.Document{
			ID: gazette.DocumentID(key, seq), Issue: key, Kind: gazette.KindNormative,
			Title:       fmt.Sprintf("福建省时效测试办法之%s", gazette.ChineseNumber(seq)),
			DocNumber:   fmt.Sprintf("闽政〔2019〕%d号", 100+seq),
			Authorities: []string{"福建省人民政府"}, Published: d(sp.published), Effective: d(sp.effective), Expires: d(sp.expires),
			Validity: st, Body: []string{"第一条　为了规范时效管理，制定本办法。"}, Pages: gazette.PageRange{First: seq, Last: seq}, Version: 1,
		}
		docs = append(docs, gazette.SearchDoc{Document: doc, Fingerprint: "fp-" + doc.ID})
		return doc.ID
	}
	inForce := gazette.Status{State: gazette.InForce}
	fromEffective := add(span{"2019-02-01", "2019-03-01", ""}, inForce)
	repealed := add(span{"2019-02-01", "2019-03-01", ""}, gazette.Status{State: gazette.Repealed, Since: d("2020-05-01"), ChangedBy: "2020-1-1"})
	expiring := add(span{"2019-02-01", "2019-03-01", "2021-01-01"}, inForce)
	repealedNoDay := add(span{"2019-02-01", "2019-03-01", ""}, gazette.Status{State: gazette.Repealed, ChangedBy: "2020-1-1"})
	later := add(span{"2019-02-01", "2030-01-01", ""}, gazette.Status{State: gazette.NotYetInForce})
	amended := add(span{"2019-02-01", "2019-03-01", ""}, gazette.Status{State: gazette.Amended, Since: d("2020-05-01"), ChangedBy: "2020-1-1"})
	published := add(span{"2019-06-01", "", ""}, inForce)
	idx := open(t)
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatalf("Put: %v", err)
	}
	for _, c := range []struct {
		on   string
		want []string
	}{
		{"2019-02-28", nil},
		{"2019-03-01", []string{fromEffective, repealed, expiring, amended}},
		{"2019-06-01", []string{fromEffective, repealed, expiring, amended, published}},
		{"2020-05-01", []string{fromEffective, expiring, amended, published}},
		{"2021-01-01", []string{fromEffective, amended, published}},
		{"2030-01-01", []string{fromEffective, amended, published, later}},
	} {
		for _, text := range []string{"", "时效"} {
			res, err := archive.Search(ctx, idx, gazette.Query{Text: text, InForceOn: d(c.on), PerPage: 50})
			if err != nil {
				t.Fatalf("Search(%q in force on %s): %v", text, c.on, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) || res.Total != len(want) {
				t.Errorf("Search(%q in force on %s) = %v (total %d), want %v", text, c.on, got, res.Total, want)
			}
		}
	}
	testAnchors(t, idx)
	if slices.Contains(allIDs(t, idx, gazette.Query{InForceOn: d("2035-01-01"), PerPage: 50}), repealedNoDay) {
		t.Errorf("a document repealed on no known day is found as in force")
	}
	// By document number: the pinned document obeys the filter too.
	num := docs[1].DocNumber
	if got := allIDs(t, idx, gazette.Query{Text: num, InForceOn: d("2020-04-30")}); !slices.Equal(got, []string{repealed}) {
		t.Errorf("%s in force on 2020-04-30 = %v, want [%s]", num, got, repealed)
	}
	if got := allIDs(t, idx, gazette.Query{Text: num, InForceOn: d("2020-05-01")}); len(got) != 0 {
		t.Errorf("%s in force on 2020-05-01, the day it was repealed = %v, want none", num, got)
	}
}

// testAnchors checks Hit.Anchor: a hit inside an article names it.
func testAnchors(t *testing.T, idx archive.Index) {
	res, err := archive.Search(context.Background(), idx, gazette.Query{Text: "时效管理", PerPage: 50})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("Search(时效管理) = %+v, %v", res, err)
	}
	for _, h := range res.Hits {
		if h.Anchor != "art-1" {
			t.Errorf("hit %s in 第一条 has anchor %q, want art-1", h.ID, h.Anchor)
		}
	}
}

func allIDs(t *testing.T, idx archive.Index, q gazette.Query) []string {
	t.Helper()
	res, err := archive.Search(context.Background(), idx, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}
