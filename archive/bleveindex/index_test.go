package bleveindex_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

var ctx = context.Background()

// doc builds a valid search document; tweak edits it.
func doc(id, title string, body ...string) gazette.SearchDoc {
	key, seq, err := gazette.ParseDocumentID(id)
	if err != nil {
		panic(err)
	}
	pub := gazette.Date{Year: key.Year, Month: time.Month(min(key.Number, 12)), Day: min(seq, 28)}
	return gazette.SearchDoc{
		Document: gazette.Document{
			ID: id, Issue: key, Title: title, Kind: gazette.KindNormative,
			Authorities: []string{"福建省人民政府"}, Signed: pub, Published: pub,
			Validity: gazette.Status{State: gazette.InForce}, Body: body,
			Pages: gazette.PageRange{First: seq, Last: seq}, Version: 1,
		},
		Fingerprint: "fp-" + id,
	}
}

func put(t *testing.T, idx *bleveindex.Index, docs ...gazette.SearchDoc) {
	t.Helper()
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

func search(t *testing.T, idx *bleveindex.Index, q gazette.Query) gazette.Results {
	t.Helper()
	if err := q.Normalize(); err != nil {
		t.Fatalf("Normalize(%+v): %v", q, err)
	}
	res, err := idx.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func ids(res gazette.Results) []string {
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	if s == nil {
		s = []string{}
	}
	return s
}

// textCases runs queries on idx and checks the set of IDs found.
func textCases(t *testing.T, idx *bleveindex.Index, cases []struct{ name, text, want string }) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := search(t, idx, gazette.Query{Text: tc.text})
			want := sorted(strings.Fields(tc.want))
			if got := sorted(ids(res)); !slices.Equal(got, want) || res.Total != len(want) {
				t.Errorf("%q found %v (total %d), want %v", tc.text, got, res.Total, want)
			}
		})
	}
}

func TestMatching(t *testing.T) {
	idx := open(t)
	put(t, idx,
		doc("2021-1-1", "关于清理积压事项的通知", "各地要建立待处理事项台账。"),
		doc("2021-1-2", "关于加强政务公开工作的意见", "推进决策公开。"),
		doc("2021-1-3", "关于在建工程安全检查的通知", "对在建工程开展检查。", "新建基站12000个。"),
		doc("2021-1-4", "关于处理意见的复函", "处理结果公开。"),
		doc("2021-1-5", "关于印发工作要点的通知", "政务服务要公开透明。", "第二段写管理\n办法另起一段。"),
		doc("2021-1-6", "GB/T 9704-2012 Layout Key Elements", "The ＳＣＲＩＰＴ tag, and 2020年全省工作."),
	)
	textCases(t, idx, []struct{ name, text, want string }{
		{"infix 处理 in 待处理", "处理", "2021-1-1 2021-1-4"},
		{"infix 公开 in 政务公开", "公开", "2021-1-2 2021-1-4 2021-1-5"},
		{"infix 工程 in 在建工程", "工程", "2021-1-3"},
		{"multi-character term needs adjacency", "政务公开", "2021-1-2"},
		{"reversed characters do not match", "开公", ""},
		{"single Han character", "函", "2021-1-4"},
		{"single Han character, in the body", "另", "2021-1-5"},
		{"two terms are both required", "政务 透明", "2021-1-5"},
		{"quoted phrase", `"政务服务"`, "2021-1-5"},
		{"phrase does not span paragraphs", `"管理办法"`, ""},
		{"phrase within one paragraph", `"管理"`, "2021-1-5"},
		{"exclusion", "公开 -政务", "2021-1-4"},
		{"excluded phrase", `公开 -"决策公开"`, "2021-1-4 2021-1-5"},
		{"Latin word, any case and width", "script", "2021-1-6"},
		{"full-width query", "ＳＣＲＩＰＴ", "2021-1-6"},
		{"digits", "12000", "2021-1-3"},
		{"digits with Han", "12000个", "2021-1-3"},
		{"year and Han", "2020年", "2021-1-6"},
		{"Latin phrase with punctuation", "9704-2012", "2021-1-6"},
		{"Latin word in the title", "layout", "2021-1-6"},
		{"part of a Latin word does not match", "lay", ""},
		{"punctuation-only term is ignored", "处理 ……", "2021-1-1 2021-1-4"},
		{"query syntax is text", `title:处理 OR kind:rule`, ""},
		{"nothing", "核电站", ""},
	})
}

func TestTitleRanksFirst(t *testing.T) {
	idx := open(t)
	put(t, idx,
		doc("2021-1-1", "关于做好防汛工作的通知", "防汛", "防汛", "防汛抗旱工作要做好，防汛物资要储备，防汛责任要落实。"),
		doc("2021-1-2", "福建省防汛抗旱应急预案", "本预案适用于本省。"),
		doc("2021-1-3", "关于安全生产的通知", "汛期到来，各地要做好防汛准备。"),
		doc("2021-2-1", "福建省人民政府令", "请见附件。", "文号"),
	)
	res := search(t, idx, gazette.Query{Text: "防汛抗旱"})
	if got := ids(res); len(got) != 2 || got[0] != "2021-1-2" {
		t.Errorf("防汛抗旱 ranks %v, want 2021-1-2 (title) first, then 2021-1-1", got)
	}
	res = search(t, idx, gazette.Query{Text: "防汛"})
	if got := ids(res); len(got) != 3 || got[2] != "2021-1-3" {
		t.Errorf("防汛 ranks %v, want the single body mention last", got)
	}
	// Filters do not disturb relevance.
	res = search(t, idx, gazette.Query{Text: "防汛抗旱", Kinds: []gazette.Kind{gazette.KindNormative}, Years: []int{2021},
		Authorities: []string{"福建省人民政府"}, From: gazette.Date{Year: 2021, Month: 1, Day: 1}})
	if got := ids(res); len(got) != 2 || got[0] != "2021-1-2" {
		t.Errorf("防汛抗旱 with filters ranks %v, want 2021-1-2 (title) first", got)
	}
}

func TestFilters(t *testing.T) {
	idx := open(t)
	a := doc("2019-1-1", "福建省行政许可管理办法", "行政许可。")
	a.Kind = gazette.KindRule
	a.Effective = gazette.Date{Year: 2019, Month: 3, Day: 1}
	a.Expires = gazette.Date{Year: 2024, Month: 3, Day: 1}
	a.Topic = "行政许可"
	b := doc("2019-2-1", "关于行政许可事项的通知", "行政许可。")
	b.Kind = gazette.KindNotice
	b.Authorities = []string{"福建省人民政府", "福建省司法厅"}
	b.Validity = gazette.Status{State: gazette.Repealed, ChangedBy: "2020-1-1"}
	c := doc("2020-s1-1", "关于任免的通知", "任命。")
	c.Kind = gazette.KindAppointment
	c.Authorities = []string{`福建省人民政府" OR kind:rule`}
	c.Effective = gazette.Date{Year: 2020, Month: 1, Day: 1}
	put(t, idx, a, b, c)
	s1 := gazette.IssueKey{Year: 2020, Number: 1, Supplement: true}
	cases := []struct {
		name string
		q    gazette.Query
		want []string
	}{
		{"kind", gazette.Query{Kinds: []gazette.Kind{gazette.KindRule}}, []string{"2019-1-1"}},
		{"kinds are alternatives", gazette.Query{Kinds: []gazette.Kind{gazette.KindRule, gazette.KindNotice}}, []string{"2019-1-1", "2019-2-1"}},
		{"filters combine", gazette.Query{Kinds: []gazette.Kind{gazette.KindRule, gazette.KindNotice}, Validity: []gazette.Validity{gazette.Repealed}}, []string{"2019-2-1"}},
		{"filter with words", gazette.Query{Text: "行政许可", Kinds: []gazette.Kind{gazette.KindNotice}}, []string{"2019-2-1"}},
		{"joint authority", gazette.Query{Authorities: []string{"福建省司法厅"}}, []string{"2019-2-1"}},
		{"authority is exact, not a prefix", gazette.Query{Authorities: []string{"福建省"}}, nil},
		{"injection-ish authority", gazette.Query{Authorities: []string{`福建省人民政府" OR kind:rule`}}, []string{"2020-s1-1"}},
		{"injection-ish authority that matches nothing", gazette.Query{Authorities: []string{`福建省人民政府" OR kind:"rule`}}, nil},
		{"injection-ish topic", gazette.Query{Topics: []string{`*`}}, nil},
		{"topic", gazette.Query{Topics: []string{"行政许可"}}, []string{"2019-1-1"}},
		{"year", gazette.Query{Years: []int{2020}}, []string{"2020-s1-1"}},
		{"supplement issue", gazette.Query{Issue: &s1}, []string{"2020-s1-1"}},
		{"regular issue", gazette.Query{Issue: &gazette.IssueKey{Year: 2019, Number: 2}}, []string{"2019-2-1"}},
		{"published range inclusive at both ends", gazette.Query{From: a.Published, To: b.Published}, []string{"2019-1-1", "2019-2-1"}},
		{"published from", gazette.Query{From: gazette.Date{Year: 2019, Month: 1, Day: 2}}, []string{"2019-2-1", "2020-s1-1"}},
		{"effective to", gazette.Query{DateField: gazette.DateEffective, To: gazette.Date{Year: 2019, Month: 3, Day: 1}}, []string{"2019-1-1"}},
		{"effective range skips undated", gazette.Query{DateField: gazette.DateEffective, From: gazette.Date{Year: 2000, Month: 1, Day: 1}}, []string{"2019-1-1", "2020-s1-1"}},
		{"expiry", gazette.Query{DateField: gazette.DateExpires, From: gazette.Date{Year: 2024, Month: 3, Day: 1}}, []string{"2019-1-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := search(t, idx, tc.q)
			if got := sorted(ids(res)); !slices.Equal(got, sorted(tc.want)) || res.Total != len(tc.want) {
				t.Errorf("found %v (total %d), want %v", got, res.Total, tc.want)
			}
		})
	}
}

func TestFacets(t *testing.T) {
	idx := open(t)
	var docs []gazette.SearchDoc
	for i := 1; i <= 30; i++ {
		d := doc(fmt.Sprintf("%d-1-%d", 2018+i%3, i), "关于安全生产的通知", "安全生产。")
		switch {
		case i%5 == 0:
			d.Kind = gazette.KindRule
		case i%2 == 0:
			d.Kind = gazette.KindNotice
		}
		if i%3 == 0 {
			d.Authorities = []string{"福建省人民政府", "福建省应急管理厅"}
		}
		docs = append(docs, d)
	}
	docs = append(docs, doc("2021-1-1", "无关的标题", "无关。"))
	put(t, idx, docs...)
	res := search(t, idx, gazette.Query{Text: "安全生产", PerPage: 5})
	if res.Total != 30 || len(res.Hits) != 5 {
		t.Fatalf("total %d, %d hits; want 30 and 5", res.Total, len(res.Hits))
	}
	// i%5==0: 6 rules; even, not %5: 12 notices; the rest: 12 normative.
	wantKind := []gazette.FacetCount{{Value: "normative", Count: 12}, {Value: "notice", Count: 12}, {Value: "rule", Count: 6}}
	if !slices.Equal(res.Facets.Kind, wantKind) {
		t.Errorf("kind facet %v, want %v (all hits, by count then value)", res.Facets.Kind, wantKind)
	}
	wantYear := []gazette.FacetCount{{Value: "2018", Count: 10}, {Value: "2019", Count: 10}, {Value: "2020", Count: 10}}
	if !slices.Equal(res.Facets.Year, wantYear) {
		t.Errorf("year facet %v, want %v", res.Facets.Year, wantYear)
	}
	wantAuth := []gazette.FacetCount{{Value: "福建省人民政府", Count: 30}, {Value: "福建省应急管理厅", Count: 10}}
	if !slices.Equal(res.Facets.Authority, wantAuth) {
		t.Errorf("authority facet %v, want %v", res.Facets.Authority, wantAuth)
	}
	if want := []gazette.FacetCount{{Value: "in_force", Count: 30}}; !slices.Equal(res.Facets.Validity, want) {
		t.Errorf("validity facet %v, want %v", res.Facets.Validity, want)
	}
	none := search(t, idx, gazette.Query{Text: "核电站"})
	if none.Facets.Kind == nil || len(none.Facets.Kind) != 0 {
		t.Errorf("no hits: kind facet %#v, want an empty list", none.Facets.Kind)
	}
}

func TestSortAndPages(t *testing.T) {
	idx := open(t)
	var docs []gazette.SearchDoc
	for i := 1; i <= 12; i++ {
		d := doc(fmt.Sprintf("2020-1-%d", i), "关于安全生产的通知", "安全生产。")
		d.Published = gazette.Date{Year: 2020, Month: 1, Day: 1 + i/3} // three documents a day
		docs = append(docs, d)
	}
	undated := doc("2019-1-1", "关于安全生产的决定", "安全生产。")
	undated.Published, undated.Signed = gazette.Date{}, gazette.Date{}
	put(t, idx, append(docs, undated)...)

	newest := ids(search(t, idx, gazette.Query{Sort: gazette.SortNewest, PerPage: 100}))
	want := []string{"2020-1-12", "2020-1-11", "2020-1-10", "2020-1-9", "2020-1-8", "2020-1-7", "2020-1-6", "2020-1-5", "2020-1-4", "2020-1-3", "2020-1-2", "2020-1-1", "2019-1-1"}
	if !slices.Equal(newest, want) {
		t.Errorf("newest: %v, want %v (same day: print order backwards; undated last)", newest, want)
	}
	oldest := ids(search(t, idx, gazette.Query{Sort: gazette.SortOldest, PerPage: 100}))
	wantOld := append(slices.Clone(want[:12]), "2019-1-1")
	slices.Reverse(wantOld[:12])
	if !slices.Equal(oldest, wantOld) {
		t.Errorf("oldest: %v, want %v", oldest, wantOld)
	}
	// Equal scores: relevance breaks ties newest first.
	rel := ids(search(t, idx, gazette.Query{Text: "通知", PerPage: 100}))
	if !slices.Equal(rel, want[:12]) {
		t.Errorf("relevance ties: %v, want newest first %v", rel, want[:12])
	}
	// A filter-only query has nothing to score: newest first.
	if got := ids(search(t, idx, gazette.Query{PerPage: 100})); !slices.Equal(got, want) {
		t.Errorf("filter-only query: %v, want newest first", got)
	}
	var paged []string
	for page := 1; page <= 5; page++ {
		res := search(t, idx, gazette.Query{Sort: gazette.SortNewest, Page: page, PerPage: 3})
		if res.Total != 13 || res.Page != page || res.PerPage != 3 {
			t.Errorf("page %d: total %d, page %d, per_page %d", page, res.Total, res.Page, res.PerPage)
		}
		paged = append(paged, ids(res)...)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages of 3: %v, want %v", paged, want)
	}
	if res := search(t, idx, gazette.Query{Sort: gazette.SortNewest, Page: 6, PerPage: 3}); len(res.Hits) != 0 || res.Total != 13 {
		t.Errorf("past the end: %d hits, total %d", len(res.Hits), res.Total)
	}
}

func TestSnippets(t *testing.T) {
	idx := open(t)
	long := strings.Repeat("前言部分没有要找的词。", 40)
	put(t, idx,
		doc("2021-1-1", "关于网络安全的公告", long+"请勿在网页中嵌入<script>alert(1)</script>等代码，保障网络安全。"),
		doc("2021-1-2", "关于防汛工作的通知", "各地要<b>做好</b>准备。"),
	)
	res := search(t, idx, gazette.Query{Text: "alert"})
	if len(res.Hits) != 1 {
		t.Fatalf("alert found %v", ids(res))
	}
	s := res.Hits[0].Snippet
	for _, want := range []string{"&lt;script&gt;", "<mark>alert</mark>", "…"} {
		if !strings.Contains(s, want) {
			t.Errorf("snippet %q lacks %q", s, want)
		}
	}
	if strings.Contains(s, "<script") {
		t.Errorf("snippet %q is not escaped", s)
	}
	res = search(t, idx, gazette.Query{Text: "防汛"}) // only in the title
	if len(res.Hits) != 1 || !strings.HasPrefix(res.Hits[0].Snippet, "各地要&lt;b&gt;做好&lt;/b&gt;准备") {
		t.Errorf("title-only match: snippet %+v, want the escaped start of the body", res.Hits)
	}
	h := res.Hits[0]
	if h.Title != "关于防汛工作的通知" || h.Kind != gazette.KindNormative || h.Issue != (gazette.IssueKey{Year: 2021, Number: 1}) ||
		h.Pages != (gazette.PageRange{First: 2, Last: 2}) || h.Published.IsZero() || h.Validity != gazette.InForce ||
		!slices.Equal(h.Authorities, []string{"福建省人民政府"}) {
		t.Errorf("hit lacks its metadata: %+v", h)
	}
}

func TestLongDocument(t *testing.T) {
	idx := open(t)
	body := archivetest.LongBody(300_000, "本办法由省应急管理厅负责解释，自公布之日起施行。")
	start := time.Now()
	put(t, idx, doc("2021-1-1", "福建省安全生产应急预案管理办法", body...), doc("2021-1-2", "短文", "应急。"))
	t.Logf("indexed a %d-paragraph, 300,000-character document in %v", len(body), time.Since(start))
	start = time.Now()
	res := search(t, idx, gazette.Query{Text: `"应急管理厅负责解释" 公布之日`})
	t.Logf("searched it in %v", time.Since(start))
	if len(res.Hits) != 1 || res.Hits[0].ID != "2021-1-1" || !strings.Contains(res.Hits[0].Snippet, "<mark>应急管理厅负责解释</mark>") {
		t.Errorf("the last words of a long document: %+v", res.Hits)
	}
	if res := search(t, idx, gazette.Query{Text: "第4000条"}); res.Total != 1 {
		t.Errorf("a word in the middle: total %d", res.Total)
	}
}

func TestReopen(t *testing.T) {
	dir := t.TempDir()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	put(t, idx, doc("2021-1-1", "关于加强政务公开工作的意见", "推进决策公开。"), doc("2021-1-2", "其他", "其他。"))
	if err := idx.Delete(ctx, []string{"2021-1-2"}); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idx.Ping(ctx); err == nil {
		t.Error("Ping of a closed index succeeded")
	}
	idx, err = bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if res := search(t, idx, gazette.Query{Text: "政务公开"}); !slices.Equal(ids(res), []string{"2021-1-1"}) {
		t.Errorf("after reopening: %v", ids(res))
	}
	if fps, err := idx.Fingerprints(ctx); err != nil || len(fps) != 1 || fps["2021-1-1"] != "fp-2021-1-1" {
		t.Errorf("Fingerprints after reopening = %v, %v", fps, err)
	}
	if h, err := idx.Get(ctx, "2021-1-1"); err != nil || h.Title != "关于加强政务公开工作的意见" || h.Snippet != "" {
		t.Errorf("Get after reopening = %+v, %v", h, err)
	}
}

func TestOpenTwice(t *testing.T) {
	dir := t.TempDir()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if second, err := bleveindex.Open(dir); err == nil {
		second.Close()
		t.Error("a second Open of the same directory succeeded")
	}
}

func TestOpenRefusesAnotherLayout(t *testing.T) {
	dir := t.TempDir()
	b, err := bleve.New(dir, bleve.NewIndexMapping()) // an index of someone else's
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if idx, err := bleveindex.Open(dir); !errors.Is(err, bleveindex.ErrFormat) {
		if err == nil {
			idx.Close()
		}
		t.Errorf("Open of a foreign bleve index: %v, want ErrFormat", err)
	}
}

func TestGetLookupFingerprints(t *testing.T) {
	idx := open(t)
	a := doc("2019-1-1", "旧文件", "旧。")
	a.DocNumber = "闽政〔2019〕14号"
	a.Authorities = []string{"福建省人民政府", "福建省司法厅", "福建省财政厅"}
	b := doc("2020-1-1", "同号的新文件", "新。")
	b.DocNumber = "闽政〔2019〕14号"
	c := doc("2020-1-2", "无指纹", "无。")
	c.Fingerprint = ""
	put(t, idx, a, b, c)
	h, err := idx.Get(ctx, "2019-1-1")
	if err != nil || h.DocNumber != a.DocNumber || !slices.Equal(h.Authorities, a.Authorities) || h.Signed != a.Signed || h.Snippet != "" {
		t.Errorf("Get = %+v, %v", h, err)
	}
	if _, err := idx.Get(ctx, "2019-9-9"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("Get of an absent ID: %v", err)
	}
	n, _ := gazette.ParseDocNumber("闽政[2019]14号")
	if got, err := idx.Lookup(ctx, n); err != nil || !slices.Equal(got, []string{"2020-1-1", "2019-1-1"}) {
		t.Errorf("Lookup = %v, %v; want newest first", got, err)
	}
	if got, err := idx.Lookup(ctx, gazette.DocNumber{}); err != nil || len(got) != 0 {
		t.Errorf("Lookup of no number = %v, %v", got, err)
	}
	fps, err := idx.Fingerprints(ctx)
	if want := map[string]string{"2019-1-1": "fp-2019-1-1", "2020-1-1": "fp-2020-1-1", "2020-1-2": ""}; err != nil || !mapsEqual(fps, want) {
		t.Errorf("Fingerprints = %v, %v; want %v", fps, err, want)
	}
	if err := idx.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestPutManyAndInvalid(t *testing.T) {
	idx := open(t)
	var docs []gazette.SearchDoc
	for i := 1; i <= 1234; i++ {
		docs = append(docs, doc(fmt.Sprintf("2021-%d-%d", 1+i/100, 1+i%100), fmt.Sprintf("第%d号通知", i), "正文。"))
	}
	put(t, idx, docs...) // more than one bleve batch
	if fps, err := idx.Fingerprints(ctx); err != nil || len(fps) != len(docs) {
		t.Errorf("Fingerprints: %d, %v; want %d", len(fps), err, len(docs))
	}
	for name, d := range map[string]gazette.SearchDoc{
		"empty ID":   {Document: gazette.Document{Title: "x"}},
		"bad UTF-8":  doc("2021-1-1", "x", "\xff\xfe"),
		"absurd ID":  {Document: gazette.Document{ID: strings.Repeat("1", 1000)}},
		"NUL in ID:": {Document: gazette.Document{ID: "a\x00b"}},
	} {
		if err := idx.Put(ctx, []gazette.SearchDoc{d}); !errors.Is(err, gazette.ErrInvalid) {
			t.Errorf("%s: Put = %v, want ErrInvalid", name, err)
		}
	}
	if err := idx.Delete(ctx, nil); err != nil {
		t.Errorf("Delete of nothing: %v", err)
	}
	var del []string
	for _, d := range docs[:700] {
		del = append(del, d.ID)
	}
	if err := idx.Delete(ctx, del); err != nil {
		t.Fatal(err)
	}
	if res := search(t, idx, gazette.Query{}); res.Total != len(docs)-700 {
		t.Errorf("after deleting 700: total %d", res.Total)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := idx.Put(cancelled, docs[:1]); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	idx := open(t)
	put(t, idx, doc("2021-1-1", "关于加强政务公开工作的意见", "推进决策公开。"))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				id := fmt.Sprintf("2022-%d-%d", w+1, i+1)
				if err := idx.Put(ctx, []gazette.SearchDoc{doc(id, "政务公开工作要点", "公开。")}); err != nil {
					t.Error(err)
					return
				}
				res, err := idx.Search(ctx, gazette.Query{Text: "政务公开", Page: 1, PerPage: 20, Sort: gazette.SortRelevance, DateField: gazette.DatePublished})
				if err != nil {
					t.Error(err)
					return
				}
				// Read-your-writes: the document just put is found.
				if !slices.Contains(ids(res), id) && res.Total < 20 {
					t.Errorf("%s not found right after Put: %v", id, ids(res))
				}
			}
		})
	}
	wg.Wait()
	if res := search(t, idx, gazette.Query{Text: "政务公开"}); res.Total != 41 {
		t.Errorf("total %d, want 41", res.Total)
	}
}

func TestCacheSeesWrites(t *testing.T) {
	idx := open(t)
	put(t, idx, doc("2021-1-1", "关于防汛工作的通知", "做好防汛准备。"))
	if res := search(t, idx, gazette.Query{Text: "防汛"}); res.Total != 1 {
		t.Fatalf("total %d", res.Total)
	}
	// Results handed out are copies: changing them changes nothing for others.
	res := search(t, idx, gazette.Query{Text: "防汛"})
	res.Hits[0].Title = "changed"
	res.Facets.Kind[0].Count = 99
	if again := search(t, idx, gazette.Query{Text: "防汛"}); again.Hits[0].Title == "changed" || again.Facets.Kind[0].Count != 1 {
		t.Errorf("a cached result was changed through a copy: %+v", again)
	}
	put(t, idx, doc("2021-1-2", "防汛抗旱预案", "防汛。"))
	if res := search(t, idx, gazette.Query{Text: "防汛"}); res.Total != 2 {
		t.Errorf("after Put: total %d, want 2", res.Total)
	}
	if err := idx.Delete(ctx, []string{"2021-1-1"}); err != nil {
		t.Fatal(err)
	}
	if res := search(t, idx, gazette.Query{Text: "防汛"}); !slices.Equal(ids(res), []string{"2021-1-2"}) {
		t.Errorf("after Delete: %v", ids(res))
	}
}

func TestSingleCharacterRanksTitleFirst(t *testing.T) {
	idx := open(t)
	put(t, idx,
		doc("2021-1-1", "关于做好工作的通知", "税", "依法纳税。"),
		doc("2021-1-2", "税收征管办法", "本办法。"),
	)
	if got := ids(search(t, idx, gazette.Query{Text: "税"})); !slices.Equal(got, []string{"2021-1-2", "2021-1-1"}) {
		t.Errorf("税 ranks %v, want the title match first", got)
	}
}

func TestSearchCancelled(t *testing.T) {
	idx := open(t)
	put(t, idx, doc("2021-1-1", "关于做好工作的通知", "正文。"))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := idx.Search(cancelled, gazette.Query{Text: "工作", Page: 1, PerPage: 20, Sort: gazette.SortRelevance, DateField: gazette.DatePublished}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a cancelled context: %v", err)
	}
}

// A lean search (no body read, no snippets) reads a document written again
// as written again, as a full search does, and a hit its caller changes
// does not change what the next search reads.
func TestLeanHitsAfterRewrite(t *testing.T) {
	idx := open(t)
	idx.SetCacheSize(0) // the index's own reading, not the results cache
	put(t, idx, doc("2020-1-1", "关于水源保护区划定的通知", "饮用水水源保护区"), doc("2020-1-2", "其他通知", "饮用水"))
	lean := gazette.Query{Text: "饮用水", Lean: true}
	first := search(t, idx, lean)
	if len(first.Hits) != 2 {
		t.Fatalf("lean search found %v", ids(first))
	}
	for i := range first.Hits {
		first.Hits[i].Authorities[0] = "changed by the caller"
	}
	again := search(t, idx, lean)
	for _, h := range again.Hits {
		if h.Authorities[0] != "福建省人民政府" {
			t.Errorf("%s: authorities %v: a caller's change reached the cache", h.ID, h.Authorities)
		}
	}
	d := doc("2020-1-1", "关于水源保护区划定的新通知", "饮用水水源保护区")
	d.Authorities = []string{"福建省生态环境厅"}
	put(t, idx, d)
	want := map[string]string{"2020-1-1": d.Title, "2020-1-2": "其他通知"}
	for _, q := range []gazette.Query{lean, {Text: "饮用水"}} {
		got := map[string]string{}
		for _, h := range search(t, idx, q).Hits {
			got[h.ID] = h.Title + " " + strings.Join(h.Authorities, "、")
		}
		for id, title := range want {
			auth := "福建省人民政府"
			if id == "2020-1-1" {
				auth = "福建省生态环境厅"
			}
			if got[id] != title+" "+auth {
				t.Errorf("after rewriting 2020-1-1, search (lean %v) reads %v", q.Lean, got)
				break
			}
		}
	}
}

// TestCommonBigrams indexes the same documents twice: into an index whose
// first Put decides its common bigrams, which keeps only their 4-grams,
// and into one that keeps every 4-gram. Phrases, through 4-grams or
// through bigrams where a 4-gram is left out, find the same documents in
// both; those read through 4-grams score the same too; the direct path
// and bleve's searchers agree; and the set survives reopening.
func TestCommonBigrams(t *testing.T) {
	needLaws(t)
	docs := benchDocs(900)
	restore := bleveindex.SetCommonSample(300)
	defer restore()
	dirs := []string{t.TempDir(), t.TempDir()}
	open := func(dir string) *bleveindex.Index {
		idx, err := bleveindex.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		idx.SetCacheSize(0)
		return idx
	}
	common, every := open(dirs[0]), open(dirs[1])
	defer func() { common.Close(); every.Close() }()
	if err := common.Put(ctx, docs[:300]); err != nil {
		t.Fatal(err)
	}
	if err := every.Put(ctx, docs[:299]); err != nil { // too few to decide: every 4-gram
		t.Fatal(err)
	}
	for _, idx := range []*bleveindex.Index{common, every} {
		for i := 300; i < len(docs); i += 300 {
			if err := idx.Put(ctx, docs[i-1:i+300]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := common.CommonBigrams(); n <= 0 {
		t.Fatalf("%d common bigrams after a first Put of 300 documents", n)
	}
	if n := every.CommonBigrams(); n != -1 {
		t.Fatalf("%d common bigrams after a first Put of 299 documents, want every 4-gram kept", n)
	}
	// Phrases from the bodies, and from the 600 documents the set was not
	// decided on.
	rng := rand.New(rand.NewPCG(3, 3))
	phrases := []string{"第二十一条", "人民政府", "县级以上地方人民政府", "法律法规"}
	for len(phrases) < 80 {
		d := docs[rng.IntN(len(docs))]
		p := []rune(d.Body[rng.IntN(len(d.Body))])
		n := 4 + rng.IntN(6)
		if len(p) < n {
			continue
		}
		at := rng.IntN(len(p) - n + 1)
		if r := p[at : at+n]; !slices.ContainsFunc(r, func(c rune) bool { return !unicode.Is(unicode.Han, c) }) {
			phrases = append(phrases, string(r))
		}
	}
	var through4, throughBigrams int
	for _, ph := range phrases {
		q := gazette.Query{Text: `"` + ph + `"`, PerPage: gazette.MaxPerPage}
		want := search(t, every, q)
		got := search(t, common, q)
		if common.ReadsShingles(ph) {
			through4++
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, through 4-grams: %d hits %v, want %d %v", ph, got.Total, ids(got), want.Total, ids(want))
			}
		} else {
			throughBigrams++
			// ranked otherwise: the same documents, when they fit one page
			if got.Total != want.Total || got.Total <= len(got.Hits) && !sameSet(ids(got), ids(want)) {
				t.Errorf("%s, through bigrams: %d hits %v, want %d %v", ph, got.Total, ids(got), want.Total, ids(want))
			}
		}
		common.SetDirect(false)
		viaBleve := search(t, common, q)
		common.SetDirect(true)
		if !reflect.DeepEqual(viaBleve, got) {
			t.Errorf("%s: bleve's searchers find %d %v, the direct path %d %v", ph, viaBleve.Total, ids(viaBleve), got.Total, ids(got))
		}
	}
	if through4 < 10 || throughBigrams < 10 {
		t.Errorf("%d phrases read through 4-grams, %d through bigrams: want at least 10 of each", through4, throughBigrams)
	}
	n := common.CommonBigrams()
	if err := common.Close(); err != nil {
		t.Fatal(err)
	}
	common = open(dirs[0])
	if got := common.CommonBigrams(); got != n {
		t.Errorf("%d common bigrams after reopening, want %d", got, n)
	}
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
