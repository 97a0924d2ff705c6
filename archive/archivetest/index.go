package archivetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// IndexCorpus is the small gazette the Index contract searches: eight
// documents over three issues, chosen so each case has one right answer.
func IndexCorpus() []gazette.SearchDoc {
	k191 := gazette.IssueKey{Year: 2019, Number: 1}
	k192 := gazette.IssueKey{Year: 2019, Number: 2}
	k201 := gazette.IssueKey{Year: 2020, Number: 1}
	doc := func(key gazette.IssueKey, seq int, kind gazette.Kind, title, num string, auth []string, pub gazette.Date, body ...string) gazette.Document {
		return gazette.Document{
			ID: gazette.DocumentID(key, seq), Issue: key, Title: title, Kind: kind, DocNumber: num,
			Authorities: auth, Signed: gazette.Date{Year: pub.Year, Month: pub.Month, Day: 1}, Published: pub,
			Validity: gazette.Status{State: gazette.InForce}, Body: body,
			Pages: gazette.PageRange{First: seq * 2, Last: seq*2 + 1}, Version: 1,
		}
	}
	gov := []string{"福建省人民政府"}
	office := []string{"福建省人民政府办公厅"}
	docs := []gazette.Document{
		doc(k191, 1, gazette.KindNormative, "福建省人民政府关于加强政务公开工作的实施意见", "闽政〔2019〕14号", gov, gazette.Date{Year: 2019, Month: 1, Day: 15},
			"各市、县（区）人民政府，省人民政府各部门：", "为深入推进决策、执行、管理、服务、结果公开，现提出如下意见。", "一、推进标准化规范化建设。", `二、全面推行"双随机、一公开"监管。`),
		doc(k191, 2, gazette.KindNotice, "福建省人民政府办公厅关于做好积压事项清理工作的通知", "闽政办〔2019〕3号", office, gazette.Date{Year: 2019, Month: 1, Day: 16},
			"各地要建立待处理事项台账，按期清理，逐项销号。"),
		doc(k192, 1, gazette.KindRule, "福建省行政许可事项目录管理办法", "福建省人民政府令第208号", gov, gazette.Date{Year: 2019, Month: 2, Day: 15},
			"第一条 为了规范行政许可事项目录管理，根据有关法律、法规，制定本办法。", "第二条 本办法适用于本省行政区域内的目录编制和调整。"),
		doc(k192, 2, gazette.KindAppointment, "关于任免工作人员的通知", "", gov, gazette.Date{Year: 2019, Month: 2, Day: 16},
			"任命张三为福建省财政厅副厅长。行政机关依法作出许可决定的，应当公示。"),
		doc(k201, 1, gazette.KindDecision, "福建省人民政府关于修改《福建省行政许可事项目录管理办法》的决定", "闽政〔2020〕2号", []string{"福建省人民政府", "福建省司法厅"}, gazette.Date{Year: 2020, Month: 1, Day: 20},
			"决定对《福建省行政许可事项目录管理办法》作如下修改：", "将第二条中的在建工程项目纳入目录管理。"),
		doc(k201, 2, gazette.KindNotice, "福建省人民政府办公厅关于印发2020年全省工作要点的通知", "闽政办〔2020〕9号", office, gazette.Date{Year: 2020, Month: 1, Day: 21},
			"全面推进政务公开，扩大公众参与。", "加快数字福建建设，新建基站12000个。"),
		doc(k201, 3, gazette.KindAnnouncement, "福建省人民政府关于网络安全宣传周活动的公告", "", gov, gazette.Date{Year: 2020, Month: 1, Day: 22},
			`请勿在网页中嵌入<script>alert("x")</script>等代码，共同维护网络安全。`),
		doc(k201, 4, gazette.KindRule, "福建省安全生产应急预案管理办法", "福建省人民政府令第215号", gov, gazette.Date{Year: 2020, Month: 1, Day: 23},
			LongBody(300_000, "本办法自二〇二〇年三月一日起施行，由省应急管理厅负责解释。")...),
	}
	docs[0].Topic = "政务公开"
	docs[2].Validity = gazette.Status{State: gazette.Amended, Since: gazette.Date{Year: 2020, Month: 1, Day: 20}, ChangedBy: "2020-1-1"}
	out := make([]gazette.SearchDoc, len(docs))
	for i, d := range docs {
		out[i] = gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("fp-%s-v1", d.ID)}
	}
	return out
}

// LongBody returns paragraphs of ordinary legal prose adding up to about
// runes characters, ending with last, which appears nowhere else.
func LongBody(runes int, last string) []string {
	var paras []string
	n := 0
	for i := 1; n < runes; i++ {
		p := fmt.Sprintf("第%d条 县级以上人民政府应当加强对安全生产工作的领导，建立健全协调机制，第%d项措施应当落实到位，及时研究解决重大问题。", i, i)
		paras = append(paras, p)
		n += len([]rune(p))
	}
	return append(paras, last)
}

// TestIndex runs the Index contract against indexes made by open. Each call
// of open must return an empty index of its own.
func TestIndex(t *testing.T, open func(t *testing.T) archive.Index) {
	t.Helper()
	ctx := context.Background()
	corpus := IndexCorpus()
	load := func(t *testing.T) archive.Index {
		t.Helper()
		idx := open(t)
		if err := idx.Put(ctx, corpus); err != nil {
			t.Fatalf("Put corpus: %v", err)
		}
		return idx
	}
	search := func(t *testing.T, idx archive.Index, q gazette.Query) gazette.Results {
		t.Helper()
		res, err := archive.Search(ctx, idx, q)
		if err != nil {
			t.Fatalf("Search(%+v): %v", q, err)
		}
		return res
	}
	ids := func(res gazette.Results) []string {
		out := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			out[i] = h.ID
		}
		return out
	}
	sameSet := func(got, want []string) bool {
		g, w := slices.Clone(got), slices.Clone(want)
		slices.Sort(g)
		slices.Sort(w)
		return slices.Equal(g, w)
	}

	t.Run("Matching", func(t *testing.T) {
		idx := load(t)
		cases := []struct {
			name  string
			text  string
			want  []string // exactly these, in any order
			first string   // and this one first, where set
		}{
			{"title words", "政务公开", []string{"2019-1-1", "2020-1-2"}, "2019-1-1"},
			{"infix 处理 in 待处理", "处理", []string{"2019-1-2"}, ""},
			{"infix 工程 in 在建工程", "工程", []string{"2020-1-1"}, ""},
			{"infix 公开 in 政务公开", "公开", []string{"2019-1-1", "2020-1-2"}, ""},
			{"two terms anywhere", "行政 许可", []string{"2019-2-1", "2019-2-2", "2020-1-1"}, ""},
			{"phrase needs adjacency", `"行政许可"`, []string{"2019-2-1", "2020-1-1"}, ""},
			{"curly-quoted phrase", "“行政许可”", []string{"2019-2-1", "2020-1-1"}, ""},
			{"phrase in the wrong order", `"许可行政"`, nil, ""},
			{"exclusion", "行政许可 -修改", []string{"2019-2-1"}, ""},
			{"excluded phrase", `行政 -"依法作出"`, []string{"2019-2-1", "2020-1-1"}, ""},
			{"full-width and Latin case", "ＳＣＲＩＰＴ", []string{"2020-1-3"}, ""},
			{"digits", "12000", []string{"2020-1-2"}, ""},
			{"authority words", "司法厅", []string{"2020-1-1"}, ""},
			{"last words of a 300,000-character document", `"应急管理厅负责解释"`, []string{"2020-1-4"}, ""},
			{"nothing matches", "核电站退役", nil, ""},
			// 核电, not a word of the corpus: a query of words that are found
			// would return partial matches (see Questions).
			{"query syntax is just text", `title:核电 OR kind = "rule" AND 1=1`, nil, ""},
			// Phrases, which partial matching leaves alone (see Questions):
			// the marks people leave out join the words across them.
			// Unquoted, the one document that holds the words exactly comes
			// first, before the partial matches for fewer than three.
			{"enumeration comma and quotes left out", "双随机一公开", []string{"2019-1-1", "2020-1-2"}, "2019-1-1"},
			{"phrase without its 、", `"双随机一公开"`, []string{"2019-1-1"}, ""},
			{"query with the 、", `"双随机、一公开"`, []string{"2019-1-1"}, ""},
			{"words across 、 in a list", `"决策执行管理"`, []string{"2019-1-1"}, ""},
			{"words across 《", `"修改福建省行政许可"`, []string{"2020-1-1"}, ""},
			{"query with a comma the text lacks", `"福建省，行政许可"`, []string{"2019-2-1", "2020-1-1"}, ""},
			{"a full stop still ends a phrase", `"副厅长行政机关"`, nil, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := search(t, idx, gazette.Query{Text: tc.text})
				if !sameSet(ids(res), tc.want) || res.Total != len(tc.want) {
					t.Errorf("%q found %v (total %d), want %v", tc.text, ids(res), res.Total, tc.want)
				}
				if tc.first != "" && (len(res.Hits) == 0 || res.Hits[0].ID != tc.first) {
					t.Errorf("%q ranks %v, want %s first", tc.text, ids(res), tc.first)
				}
			})
		}
	})

	t.Run("Questions", func(t *testing.T) {
		idx := load(t)
		cases := []struct {
			name    string
			q       gazette.Query
			first   []string // these first, in any order
			want    []string // exactly these, where set
			matched []string // Results.Matched
			partial bool
		}{
			{name: "question word matches nothing", q: gazette.Query{Text: "行政许可事项目录怎么管理"},
				first: []string{"2019-2-1", "2020-1-1"}, matched: []string{"行政许可事项目录", "管理"}, partial: true},
			{name: "particles count for nothing", q: gazette.Query{Text: "待处理事项台账是什么呢"},
				first: []string{"2019-1-2"}, matched: []string{"待处理事项台账"}, partial: true},
			{name: "a word no document holds is tried as bigrams", q: gazette.Query{Text: "台账里怎么填"},
				first: []string{"2019-1-2"}, matched: []string{"台账"}, partial: true},
			{name: "a rare word outweighs a common one", q: gazette.Query{Text: "网络安全 工作 吗"},
				first: []string{"2020-1-3"}, matched: []string{"网络安全"}, partial: true},
			{name: "filters apply to partial matches", q: gazette.Query{Text: "行政许可事项目录怎么管理", Kinds: []gazette.Kind{gazette.KindDecision}},
				want: []string{"2020-1-1"}, matched: []string{"行政许可事项目录", "管理"}, partial: true},
			{name: "exact matches are left alone", q: gazette.Query{Text: "行政 许可"},
				want: []string{"2019-2-1", "2019-2-2", "2020-1-1"}},
			{name: "few exact matches and nothing more", q: gazette.Query{Text: "政务 公开"},
				want: []string{"2019-1-1", "2020-1-2"}},
			{name: "only question words", q: gazette.Query{Text: "怎么办呢"}, want: []string{}},
			{name: "quoted phrase stays exact", q: gazette.Query{Text: `"行政许可事项目录怎么管理"`}, want: []string{}},
			// A quoted phrase in a question is required; the other words
			// are matched in part, or left out when they only ask.
			{name: "quoted phrase in a question", q: gazette.Query{Text: `“行政许可”事项目录怎么管理`},
				first: []string{"2019-2-1", "2020-1-1"}, matched: []string{"行政许可", "事项目录", "管理"}, partial: true},
			{name: "quoted phrase and question words", q: gazette.Query{Text: `“待处理事项台账”是什么呢`},
				want: []string{"2019-1-2"}, matched: []string{"待处理事项台账"}, partial: true},
			{name: "quoted phrase no document holds", q: gazette.Query{Text: `“行政许可台账”怎么管理`}, want: []string{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := search(t, idx, tc.q)
				got := ids(res)
				if res.Partial != tc.partial {
					t.Errorf("%q: partial %v, want %v (hits %v)", tc.q.Text, res.Partial, tc.partial, got)
				}
				if tc.want != nil && (!sameSet(got, tc.want) || res.Total != len(tc.want)) {
					t.Errorf("%q found %v (total %d), want %v", tc.q.Text, got, res.Total, tc.want)
				}
				if len(got) < len(tc.first) || !sameSet(got[:len(tc.first)], tc.first) {
					t.Errorf("%q ranks %v, want %v first", tc.q.Text, got, tc.first)
				}
				if !slices.Equal(res.Matched, tc.matched) {
					t.Errorf("%q: matched %q, want %q", tc.q.Text, res.Matched, tc.matched)
				}
				for _, h := range res.Hits {
					if res.Partial && h.Snippet == "" {
						t.Errorf("%q: partial match %s without a snippet", tc.q.Text, h.ID)
					}
				}
				kinds := 0
				for _, f := range res.Facets.Kind {
					kinds += f.Count
				}
				if kinds != res.Total {
					t.Errorf("%q: kind facets count %d documents, total %d", tc.q.Text, kinds, res.Total)
				}
			})
		}
		// Pages of partial matches are slices of one ranking.
		whole := search(t, idx, gazette.Query{Text: "网络安全 工作 吗"})
		var paged []string
		for page := 1; page <= (whole.Total+1)/2; page++ {
			paged = append(paged, ids(search(t, idx, gazette.Query{Text: "网络安全 工作 吗", Page: page, PerPage: 2}))...)
		}
		if !slices.Equal(paged, ids(whole)) {
			t.Errorf("pages of 2 = %v, want %v", paged, ids(whole))
		}
	})

	t.Run("DocNumberInAnySpelling", func(t *testing.T) {
		idx := load(t)
		for _, text := range []string{
			"闽政〔2019〕14号", "闽政[2019]14号", "闽政 2019 14号", "闽政（2019）14号", "闽政(2019)第14号",
			"闽政〔２０１９〕１４号", "闽政【2019】14号", "闽\u200b政〔2019〕14号", "闽政〔2019〕14号 实施意见",
		} {
			res := search(t, idx, gazette.Query{Text: text})
			if len(res.Hits) == 0 || res.Hits[0].ID != "2019-1-1" {
				t.Errorf("%q ranks %v, want 2019-1-1 first", text, ids(res))
			}
		}
		res := search(t, idx, gazette.Query{Text: "福建省人民政府令 第208号"})
		if len(res.Hits) != 1 || res.Hits[0].ID != "2019-2-1" || res.Total != 1 {
			t.Errorf("order number found %v (total %d), want just 2019-2-1", ids(res), res.Total)
		}
		n, _ := gazette.ParseDocNumber("闽政〔2019〕14号")
		if got, err := idx.Lookup(ctx, n); err != nil || !slices.Equal(got, []string{"2019-1-1"}) {
			t.Errorf("Lookup(%s) = %v, %v", n, got, err)
		}
		n, _ = gazette.ParseDocNumber("闽政〔2019〕15号")
		if got, err := idx.Lookup(ctx, n); err != nil || len(got) != 0 {
			t.Errorf("Lookup of an absent number = %v, %v; want none", got, err)
		}
	})

	t.Run("LocalDocNumbers", func(t *testing.T) {
		idx := load(t)
		const fj = "福建省人民政府公报"
		for _, tc := range []struct{ gazette, text, want string }{
			{fj, "省政府令 第208号", "2019-2-1"},
			{fj, "省人民政府令第208号", "2019-2-1"},
			{fj, "本省政府令第215号", "2020-1-4"},
			{fj, "本府令第215号", "2020-1-4"},
			{fj, "福建省政府令第208号", "2019-2-1"},
			{fj, "政办〔2019〕3号", "2019-1-2"},
			{"", "省政府令 第208号", ""},
			{"厦门市人民政府公报", "省政府令 第208号", ""},
		} {
			res := search(t, idx, gazette.Query{Text: tc.text, Gazette: tc.gazette})
			if tc.want == "" {
				if len(res.Hits) != 0 {
					t.Errorf("%q in %q found %v, want none", tc.text, tc.gazette, ids(res))
				}
				continue
			}
			if len(res.Hits) != 1 || res.Hits[0].ID != tc.want || res.Total != 1 {
				t.Errorf("%q in %q found %v (total %d), want just %s", tc.text, tc.gazette, ids(res), res.Total, tc.want)
			}
		}
	})

	t.Run("DidYouMean", func(t *testing.T) {
		idx := load(t)
		const fj = "福建省人民政府公报"
		for _, tc := range []struct{ gazette, text, want string }{
			{"", "闽政〔2019〕15号", "2019-1-1"},
			{"", "闽政〔2018〕14号", "2019-1-1"},
			{"", "闽政〔2019〕41号", "2019-1-1"},
			{"", "闽府〔2019〕14号", "2019-1-1"},
			{"", "闽政发〔2019〕14号", "2019-1-1"},
			{"", "福建省人民政府令第209号", "2019-2-1"},
			{fj, "省政府令第209号", "2019-2-1"},
			{fj, "政办〔2019〕4号", "2019-1-2"},
			{"", "闽政〔2019〕99号", ""},
			{"", "闽政〔2019〕14号", ""}, // found: nothing to suggest
		} {
			res := search(t, idx, gazette.Query{Text: tc.text, Gazette: tc.gazette})
			var got []string
			for _, s := range res.DidYouMean {
				got = append(got, s.ID)
				if s.DocNumber == "" || s.Title == "" || s.For == "" {
					t.Errorf("%q: suggestion %+v lacks a field", tc.text, s)
				}
			}
			want := []string(nil)
			if tc.want != "" {
				want = []string{tc.want}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q in %q: did you mean %v, want %v", tc.text, tc.gazette, got, want)
			}
		}
	})

	t.Run("Filters", func(t *testing.T) {
		idx := load(t)
		k192 := gazette.IssueKey{Year: 2019, Number: 2}
		cases := []struct {
			name string
			q    gazette.Query
			want []string
		}{
			{"kind", gazette.Query{Kinds: []gazette.Kind{gazette.KindRule}}, []string{"2019-2-1", "2020-1-4"}},
			{"two kinds", gazette.Query{Kinds: []gazette.Kind{gazette.KindRule, gazette.KindAppointment}}, []string{"2019-2-1", "2019-2-2", "2020-1-4"}},
			{"kind with words", gazette.Query{Text: "行政许可", Kinds: []gazette.Kind{gazette.KindDecision}}, []string{"2020-1-1"}},
			{"joint authority", gazette.Query{Authorities: []string{"福建省司法厅"}}, []string{"2020-1-1"}},
			{"authority is exact", gazette.Query{Authorities: []string{"福建省人民政府办公厅"}}, []string{"2019-1-2", "2020-1-2"}},
			{"year", gazette.Query{Years: []int{2019}}, []string{"2019-1-1", "2019-1-2", "2019-2-1", "2019-2-2"}},
			{"issue", gazette.Query{Issue: &k192}, []string{"2019-2-1", "2019-2-2"}},
			{"published from", gazette.Query{From: gazette.Date{Year: 2020, Month: 1, Day: 21}}, []string{"2020-1-2", "2020-1-3", "2020-1-4"}},
			{"published range, inclusive", gazette.Query{From: gazette.Date{Year: 2019, Month: 1, Day: 16}, To: gazette.Date{Year: 2019, Month: 2, Day: 15}}, []string{"2019-1-2", "2019-2-1"}},
			{"signed range", gazette.Query{DateField: gazette.DateSigned, To: gazette.Date{Year: 2019, Month: 1, Day: 31}}, []string{"2019-1-1", "2019-1-2"}},
			{"validity", gazette.Query{Validity: []gazette.Validity{gazette.Amended}}, []string{"2019-2-1"}},
			{"topic", gazette.Query{Topics: []string{"政务公开"}}, []string{"2019-1-1"}},
			{"hostile authority", gazette.Query{Authorities: []string{`福建省人民政府" OR kind = "rule`}}, nil},
			{"hostile authority 2", gazette.Query{Authorities: []string{`福建省人民政府' OR '1'='1`, `\" OR \"`}}, nil},
			{"hostile topic", gazette.Query{Topics: []string{`x") OR (topic EXISTS`}}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := search(t, idx, tc.q)
				if !sameSet(ids(res), tc.want) || res.Total != len(tc.want) {
					t.Errorf("found %v (total %d), want %v", ids(res), res.Total, tc.want)
				}
			})
		}
	})

	t.Run("Facets", func(t *testing.T) {
		idx := load(t)
		res := search(t, idx, gazette.Query{})
		count := func(list []gazette.FacetCount, v string) int {
			for _, f := range list {
				if f.Value == v {
					return f.Count
				}
			}
			return 0
		}
		if res.Total != len(corpus) {
			t.Errorf("empty query total %d, want %d", res.Total, len(corpus))
		}
		checks := []struct {
			name      string
			list      []gazette.FacetCount
			value     string
			wantCount int
		}{
			{"kind rule", res.Facets.Kind, "rule", 2},
			{"kind notice", res.Facets.Kind, "notice", 2},
			{"year 2019", res.Facets.Year, "2019", 4},
			{"year 2020", res.Facets.Year, "2020", 4},
			{"validity in force", res.Facets.Validity, "in_force", 7},
			{"validity amended", res.Facets.Validity, "amended", 1},
			{"authority government", res.Facets.Authority, "福建省人民政府", 6},
			{"authority justice", res.Facets.Authority, "福建省司法厅", 1},
		}
		for _, c := range checks {
			if got := count(c.list, c.value); got != c.wantCount {
				t.Errorf("facet %s = %d, want %d (facets %+v)", c.name, got, c.wantCount, res.Facets)
			}
		}
		if len(res.Facets.Kind) > 0 && res.Facets.Kind[0].Count < res.Facets.Kind[len(res.Facets.Kind)-1].Count {
			t.Errorf("kind facet not sorted by count: %v", res.Facets.Kind)
		}
		narrowed := search(t, idx, gazette.Query{Text: "行政许可"})
		if got := count(narrowed.Facets.Kind, "rule"); got != 1 {
			t.Errorf("facets of a search count its hits only: rule = %d, want 1", got)
		}
	})

	t.Run("SortAndPages", func(t *testing.T) {
		idx := load(t)
		newest := search(t, idx, gazette.Query{Sort: gazette.SortNewest})
		oldest := search(t, idx, gazette.Query{Sort: gazette.SortOldest})
		if len(newest.Hits) == 0 || newest.Hits[0].ID != "2020-1-4" || oldest.Hits[0].ID != "2019-1-1" {
			t.Errorf("newest first %v, oldest first %v", ids(newest), ids(oldest))
		}
		for i := 1; i < len(newest.Hits); i++ {
			if newest.Hits[i].Published.Compare(newest.Hits[i-1].Published) > 0 {
				t.Errorf("newest-first order broken at %d: %v", i, ids(newest))
			}
		}
		var seen []string
		for page := 1; page <= 3; page++ {
			res := search(t, idx, gazette.Query{Sort: gazette.SortOldest, Page: page, PerPage: 3})
			if res.Total != len(corpus) || res.Page != page || res.PerPage != 3 {
				t.Errorf("page %d: total %d page %d per_page %d", page, res.Total, res.Page, res.PerPage)
			}
			seen = append(seen, ids(res)...)
		}
		if !slices.Equal(seen, ids(oldest)) {
			t.Errorf("pages 1–3 of 3 = %v, want the whole list %v", seen, ids(oldest))
		}
		past := search(t, idx, gazette.Query{Page: 50, PerPage: 10})
		if len(past.Hits) != 0 || past.Total != len(corpus) {
			t.Errorf("a page past the end: %d hits, total %d", len(past.Hits), past.Total)
		}
	})

	t.Run("Snippets", func(t *testing.T) {
		idx := load(t)
		res := search(t, idx, gazette.Query{Text: "网络安全 script"})
		if len(res.Hits) != 1 {
			t.Fatalf("found %v", ids(res))
		}
		s := res.Hits[0].Snippet
		if strings.Contains(s, "<script") || !strings.Contains(s, "&lt;") || !strings.Contains(s, "<mark>网络安全</mark>") {
			t.Errorf("snippet %q: want the text escaped and the match marked", s)
		}
		res = search(t, idx, gazette.Query{Text: `"应急管理厅负责解释"`})
		if len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Snippet, "<mark>应急管理厅负责解释</mark>") {
			t.Errorf("long document's snippet does not show the match at its end: %+v", res.Hits)
		}
		for _, h := range res.Hits {
			if h.Title == "" || h.Kind == "" || h.Issue.Year == 0 || h.Pages.First == 0 {
				t.Errorf("hit lacks its metadata: %+v", h)
			}
		}
	})

	// Lean searches and searches among IDs, which partial matches use.
	t.Run("LeanAndIDs", func(t *testing.T) {
		idx := load(t)
		direct := func(q gazette.Query) gazette.Results {
			t.Helper()
			res, err := idx.Search(ctx, q)
			if err != nil {
				t.Fatalf("Search(%+v): %v", q, err)
			}
			return res
		}
		full := direct(gazette.Query{Text: "行政 许可"})
		lean := direct(gazette.Query{Text: "行政 许可", Lean: true})
		if !slices.Equal(ids(lean), ids(full)) || lean.Total != full.Total || len(full.Hits) < 3 {
			t.Fatalf("lean found %v (total %d), full %v (total %d)", ids(lean), lean.Total, ids(full), full.Total)
		}
		for i, h := range lean.Hits {
			want := full.Hits[i]
			if want.Snippet == "" {
				t.Errorf("full search: %s without a snippet", want.ID)
			}
			want.Snippet, want.Anchor = "", ""
			if !reflect.DeepEqual(h, want) {
				t.Errorf("lean hit %+v, want %+v", h, want)
			}
		}
		if f := lean.Facets; len(f.Kind)+len(f.Authority)+len(f.Year)+len(f.Validity) != 0 {
			t.Errorf("lean search has facets %+v", f)
		}
		some := []string{full.Hits[2].ID, full.Hits[0].ID, "2019-1-2", "2099-1-1"} // 2019-1-2 lacks the words; 2099-1-1 is no document
		got := direct(gazette.Query{Text: "行政 许可", IDs: some})
		if !slices.Equal(ids(got), []string{full.Hits[0].ID, full.Hits[2].ID}) || got.Total != 2 {
			t.Errorf("among %v: found %v (total %d), want %v in the order of all hits", some, ids(got), got.Total, []string{full.Hits[0].ID, full.Hits[2].ID})
		}
		for _, h := range got.Hits {
			if i := slices.Index(ids(full), h.ID); i < 0 || !reflect.DeepEqual(h, full.Hits[i]) {
				t.Errorf("among IDs: hit %+v, want %+v", h, full.Hits[max(i, 0)])
			}
		}
		// An excluded phrase and a single character take other paths in
		// some engines (bleve's own searchers): IDs restrict them too.
		for _, text := range []string{`行政 -"依法作出"`, "厅"} {
			all := ids(direct(gazette.Query{Text: text}))
			if len(all) < 2 {
				t.Fatalf("%q found %v, want at least 2", text, all)
			}
			among := []string{all[len(all)-1], "2019-1-2", "2099-1-1"}
			var want []string
			for _, id := range among {
				if slices.Contains(all, id) {
					want = append(want, id)
				}
			}
			if got := ids(direct(gazette.Query{Text: text, IDs: among})); !sameSet(got, want) {
				t.Errorf("%q among %v: found %v, want %v", text, among, got, want)
			}
		}
		if _, err := idx.Search(ctx, gazette.Query{Text: "行政", IDs: []string{""}}); !errors.Is(err, gazette.ErrInvalid) {
			t.Errorf("an empty ID: %v, want ErrInvalid", err)
		}
	})

	t.Run("GetAndFingerprints", func(t *testing.T) {
		idx := load(t)
		h, err := idx.Get(ctx, "2019-2-1")
		if err != nil || h.Title != corpus[2].Title || h.DocNumber != "福建省人民政府令第208号" || h.Validity != gazette.Amended ||
			h.Issue != corpus[2].Issue || h.Published != corpus[2].Published {
			t.Errorf("Get = %+v, %v", h, err)
		}
		if _, err := idx.Get(ctx, "2031-1-1"); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Get of an absent ID: %v, want ErrNotFound", err)
		}
		fps, err := idx.Fingerprints(ctx)
		if err != nil || len(fps) != len(corpus) {
			t.Fatalf("Fingerprints = %d entries, %v; want %d", len(fps), err, len(corpus))
		}
		for _, d := range corpus {
			if fps[d.ID] != d.Fingerprint {
				t.Errorf("fingerprint of %s = %q, want %q", d.ID, fps[d.ID], d.Fingerprint)
			}
		}
		if err := idx.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("UpdateAndDelete", func(t *testing.T) {
		idx := load(t)
		changed := corpus[0]
		changed.Title = "福建省人民政府关于全面推进基层政务公开标准化的实施意见"
		changed.Fingerprint = "fp-2019-1-1-v2"
		shrunk := corpus[7]
		shrunk.Body = []string{"本办法已由新的办法代替。"}
		shrunk.Fingerprint = "fp-2020-1-4-v2"
		if err := idx.Put(ctx, []gazette.SearchDoc{changed, shrunk}); err != nil {
			t.Fatal(err)
		}
		if res := search(t, idx, gazette.Query{Text: "基层"}); !slices.Equal(ids(res), []string{"2019-1-1"}) {
			t.Errorf("new title words find %v, want the updated document", ids(res))
		}
		if res := search(t, idx, gazette.Query{Text: `"应急管理厅负责解释"`}); res.Total != 0 {
			t.Errorf("text removed from a document is still found: %v", ids(res))
		}
		if res := search(t, idx, gazette.Query{}); res.Total != len(corpus) {
			t.Errorf("after updates the index holds %d documents, want %d", res.Total, len(corpus))
		}
		if err := idx.Delete(ctx, []string{"2019-1-2", "2031-9-9"}); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if res := search(t, idx, gazette.Query{Text: "处理"}); res.Total != 0 {
			t.Errorf("a deleted document is still found: %v", ids(res))
		}
		fps, err := idx.Fingerprints(ctx)
		if err != nil || len(fps) != len(corpus)-1 || fps["2019-1-1"] != "fp-2019-1-1-v2" || fps["2019-1-2"] != "" {
			t.Errorf("Fingerprints after update and delete = %v, %v", fps, err)
		}
	})

	t.Run("Ranking", func(t *testing.T) {
		testRanking(t, open)
	})

	t.Run("Suggest", func(t *testing.T) { testSuggest(t, load) })
	t.Run("InForceOn", func(t *testing.T) { testInForce(t, open) })

	t.Run("BadQueries", func(t *testing.T) {
		idx := load(t)
		for name, q := range map[string]gazette.Query{
			"over-long":       {Text: strings.Repeat("政务公开", 100)},
			"absurd page":     {Text: "政务", Page: 1 << 30},
			"negative page":   {Page: -1},
			"huge per_page":   {PerPage: 100_000},
			"backwards dates": {From: gazette.Date{Year: 2020, Month: 1, Day: 1}, To: gazette.Date{Year: 2019, Month: 1, Day: 1}},
			"unknown kind":    {Kinds: []gazette.Kind{"law"}},
			"unknown sort":    {Sort: "random"},
			"control chars":   {Authorities: []string{"福建\x00省"}},
		} {
			if _, err := archive.Search(ctx, idx, q); !errors.Is(err, gazette.ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", name, err)
			}
		}
	})
}

// RankingCorpus is the small gazette the Index contract ranks: documents
// that hold the same words in different places, or with different
// validity, so that each case has one right order (gazette's ranking
// weights). The documents that must come first are the older ones, as
// newest first is what breaks ties without those weights.
func RankingCorpus() []gazette.SearchDoc {
	k19 := gazette.IssueKey{Year: 2019, Number: 3}
	k21 := gazette.IssueKey{Year: 2021, Number: 5}
	k22 := gazette.IssueKey{Year: 2022, Number: 7}
	doc := func(key gazette.IssueKey, seq int, state gazette.Validity, title string, body ...string) gazette.SearchDoc {
		pub := gazette.Date{Year: key.Year, Month: time.Month(key.Number), Day: 10 + seq}
		d := gazette.Document{
			ID: gazette.DocumentID(key, seq), Issue: key, Title: title, Kind: gazette.KindNormative,
			Authorities: []string{"福建省人民政府"}, Signed: pub, Published: pub,
			Validity: gazette.Status{State: state}, Body: body,
			Pages: gazette.PageRange{First: seq, Last: seq}, Version: 1,
		}
		if state == gazette.Repealed {
			d.Validity.ChangedBy = "2022-7-9"
		}
		return gazette.SearchDoc{Document: d, Fingerprint: "fp-" + d.ID}
	}
	gas := []string{"第一条 为了加强城镇燃气管理，保障燃气供应，制定本办法。", "第二条 本办法适用于本省行政区域内的城镇燃气经营和使用。"}
	// A code of many pages whose articles hold a question's words, and a
	// one-page measure whose title holds one of them.
	code := doc(k19, 4, gazette.InForce, "福建省民事主体权益保障条例",
		"第一条 为了保障民事主体的合法权益，制定本条例。", "第二十条 个体工商户的债务，个人经营的，以个人财产承担。")
	code.Pages = gazette.PageRange{First: 4, Last: 11}
	return []gazette.SearchDoc{
		code,
		doc(k22, 4, gazette.InForce, "福建省个体工商户登记管理办法", "第一条 个体工商户应当依法办理登记。"),
		// The same words, three validities: in force first, whatever the date.
		doc(k19, 1, gazette.InForce, "福建省城镇燃气管理办法", gas...),
		doc(k21, 1, gazette.Repealed, "福建省城镇燃气管理办法", gas...),
		doc(k22, 1, gazette.Expired, "福建省城镇燃气管理办法", gas...),
		// The title holds the words, apart; a newer body holds them side by side.
		doc(k19, 2, gazette.InForce, "福建省促进大数据发展行动纲要", "第一条 加快建设数字福建，推进数据共享开放。"),
		doc(k22, 2, gazette.InForce, "福建省数字经济工作要点", "要落实大数据行动纲要的部署，推进政务数据共享。"),
		// A title, and a newer notice that forwards it, in its title and body.
		doc(k19, 3, gazette.InForce, "福建省人民政府关于印发《福建省安全生产应急预案》的通知",
			"各市、县（区）人民政府，省人民政府各部门：现将预案印发给你们，请认真贯彻执行。"),
		doc(k22, 3, gazette.InForce, "福建省人民政府办公厅转发福建省人民政府关于印发《福建省安全生产应急预案》的通知的通知",
			"现将《福建省人民政府关于印发〈福建省安全生产应急预案〉的通知》转发给你们，请遵照执行。"),
	}
}

// testRanking checks gazette's ranking weights through archive.Search.
func testRanking(t *testing.T, open func(t *testing.T) archive.Index) {
	ctx := context.Background()
	idx := open(t)
	if err := idx.Put(ctx, RankingCorpus()); err != nil {
		t.Fatalf("Put: %v", err)
	}
	const (
		gasInForce, gasRepealed, gasExpired = "2019-3-1", "2021-5-1", "2022-7-1"
		titleWords, bodyWords               = "2019-3-2", "2022-7-2"
		plan, forwarded                     = "2019-3-3", "2022-7-3"
		code                                = "2019-3-4"
	)
	cases := []struct {
		name string
		q    gazette.Query
		want []string // the first hits, in this order
	}{
		{"in force before repealed and expired", gazette.Query{Text: "城镇燃气"}, []string{gasInForce}},
		{"in force first in partial matches", gazette.Query{Text: "城镇燃气怎么管理"}, []string{gasInForce}},
		{"in force first among exact titles", gazette.Query{Text: "福建省城镇燃气管理办法"}, []string{gasInForce}},
		{"sorting by date is unaffected", gazette.Query{Text: "城镇燃气", Sort: gazette.SortNewest}, []string{gasExpired, gasRepealed, gasInForce}},
		{"oldest first is unaffected", gazette.Query{Text: "城镇燃气", Sort: gazette.SortOldest}, []string{gasInForce, gasRepealed, gasExpired}},
		{"title words above body words side by side", gazette.Query{Text: "大数据 行动纲要"}, []string{titleWords, bodyWords}},
		{"exact title first", gazette.Query{Text: "福建省人民政府关于印发《福建省安全生产应急预案》的通知"}, []string{plan, forwarded}},
		{"exact title without its 《》", gazette.Query{Text: "福建省人民政府关于印发福建省安全生产应急预案的通知"}, []string{plan, forwarded}},
		{"exact title with spaces", gazette.Query{Text: "福建省人民政府 关于印发 福建省安全生产应急预案 的通知"}, []string{plan, forwarded}},
		{"a title's words are not its title", gazette.Query{Text: "安全生产应急预案 转发"}, []string{forwarded}},
		// gazette.PartialPagesWeight: the code answers on more of the
		// question's words; the measure only names one in its title.
		{"a long code above a short measure in partial matches", gazette.Query{Text: "个体工商户的债务由谁承担"}, []string{code}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := archive.Search(ctx, idx, tc.q)
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.q.Text, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
				if !h.Validity.Valid() {
					t.Errorf("%q: hit %s shows no validity (%q)", tc.q.Text, h.ID, h.Validity)
				}
			}
			if len(got) < len(tc.want) || !slices.Equal(got[:len(tc.want)], tc.want) {
				t.Errorf("%q ranks %v, want %v first", tc.q.Text, got, tc.want)
			}
		})
	}
}
