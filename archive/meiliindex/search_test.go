//go:build linux

package meiliindex_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/gazette"
)

var ctx = context.Background()

// doc builds a valid document; seq is its position in issue 2019-1.
func doc(seq int, title string, body ...string) gazette.SearchDoc {
	key := gazette.IssueKey{Year: 2019, Number: 1}
	return gazette.SearchDoc{
		Document: gazette.Document{
			ID: gazette.DocumentID(key, seq), Issue: key, Title: title, Kind: gazette.KindNormative,
			Authorities: []string{"福建省人民政府"}, Published: gazette.Date{Year: 2019, Month: 1, Day: 15},
			Validity: gazette.Status{State: gazette.InForce}, Body: body,
			Pages: gazette.PageRange{First: seq, Last: seq}, Version: 1,
		},
		Fingerprint: fmt.Sprintf("fp-%d", seq),
	}
}

func put(t *testing.T, idx *meiliindex.Index, docs ...gazette.SearchDoc) {
	t.Helper()
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

func search(t *testing.T, idx *meiliindex.Index, q gazette.Query) gazette.Results {
	t.Helper()
	res, err := idx.Search(ctx, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func ids(res gazette.Results) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestChineseMatching(t *testing.T) {
	idx := open(t)
	put(t, idx,
		doc(1, "关于做好积压事项清理工作的通知", "建立待处理事项台账。", "全面推进政务公开。"),
		doc(2, "在建工程管理办法", "第一条 本办法适用于在建工程。", "福建省人民政府令第208号之一"),
		doc(3, "工作要点", "2020年全省工作要点", "政务 公开 标准化"), // stray spaces, as PDF text has
		doc(4, "征求意见", "公开征求意见。政务服务。"),
		doc(5, "许可", "行政许可。行政"),
		doc(6, "段落", "许可", "行政"),
		doc(7, "Ｌａｔｉｎ", "请勿嵌入<script>代码，ＡＢＣ１２３"),
	)
	cases := []struct {
		text string
		want []string
	}{
		{"处理", []string{"2019-1-1"}},
		{"公开", []string{"2019-1-1", "2019-1-3", "2019-1-4"}},
		{"政务公开", []string{"2019-1-1", "2019-1-3"}},
		{`"政务公开"`, []string{"2019-1-1", "2019-1-3"}},
		{"政务 公开", []string{"2019-1-1", "2019-1-3", "2019-1-4"}},
		{"工程", []string{"2019-1-2"}},
		{"在建工程", []string{"2019-1-2"}},
		{"建工", []string{"2019-1-2"}},
		{"2020年", []string{"2019-1-3"}},
		{"第208号", []string{"2019-1-2"}},
		{"208号之", []string{"2019-1-2"}},
		{"令第208", []string{"2019-1-2"}},
		{"第209号", nil},
		{"处", []string{"2019-1-1"}},
		{"号", []string{"2019-1-2"}},
		{"公开 -政务", nil},
		{`公开 -"政务公开"`, []string{"2019-1-4"}},
		{"处 -待", nil},
		{"-政务", []string{"2019-1-2", "2019-1-5", "2019-1-6", "2019-1-7"}},
		{`"许可。行政"`, []string{"2019-1-5"}},
		{"许可行政", nil},
		{"许可 行政", []string{"2019-1-5", "2019-1-6"}},
		{"script", []string{"2019-1-7"}},
		{"abc123", []string{"2019-1-7"}},
		{"LATIN", []string{"2019-1-7"}},
		{"scrip", nil}, // words match whole: no prefix search
		{"政府令", []string{"2019-1-2"}},
		{"人民政府", []string{"2019-1-1", "2019-1-2", "2019-1-3", "2019-1-4", "2019-1-5", "2019-1-6", "2019-1-7"}}, // the authority
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			res := search(t, idx, gazette.Query{Text: tc.text})
			if !slices.Equal(sorted(ids(res)), sorted(tc.want)) || res.Total != len(tc.want) {
				t.Errorf("%q found %v (total %d), want %v", tc.text, ids(res), res.Total, tc.want)
			}
		})
	}
}

// TestRandomSubstrings checks the segmentation against plain substring
// search on a corpus dense in near misses: text from a 24-character
// alphabet, queries cut from it and made up. Up to four characters the
// answer must be exact; longer phrases must find every document holding
// them, and the few extra hits (Meilisearch checks a phrase by windows of
// three tokens) are counted.
func TestRandomSubstrings(t *testing.T) {
	idx := open(t)
	r := rand.New(rand.NewPCG(7, 8))
	alphabet := []rune("政务公开处理待在建工程年第号行许可规定办法通知意见")
	sentence := func() string {
		rs := make([]rune, 3+r.IntN(25))
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(15) == 0 {
				rs[i] = ' ' // a stray space does not break a run
			}
		}
		return strings.TrimSpace(string(rs))
	}
	var docs []gazette.SearchDoc
	for i := range 150 {
		var paras []string
		for range 1 + r.IntN(3) {
			var p strings.Builder
			for k := range 1 + r.IntN(6) {
				if k > 0 {
					p.WriteString([]string{"，", "。", "、", "；"}[r.IntN(4)])
				}
				p.WriteString(sentence())
			}
			paras = append(paras, p.String())
		}
		docs = append(docs, doc(i+1, "标题"+sentence(), paras...))
	}
	docs[0].Authorities = []string{"福建省人民政府"}
	put(t, idx, docs...)

	// runs are the CJK runs of a document, spaces removed, as the index sees them.
	runs := make([][]string, len(docs))
	for i, d := range docs {
		for _, text := range append([]string{d.Title, strings.Join(d.Authorities, "\n")}, d.Body...) {
			for _, run := range strings.FieldsFunc(text, func(c rune) bool {
				// A run goes on across a space and the marks people leave out (、，).
				return !slices.Contains(alphabet, c) && c != ' ' && !gazette.IsJoiningMark(c) && !strings.ContainsRune("标题福建省人民政府", c)
			}) {
				runs[i] = append(runs[i], strings.Map(func(c rune) rune {
					if c == ' ' || gazette.IsJoiningMark(c) {
						return -1
					}
					return c
				}, run))
			}
		}
	}
	want := func(q string) []string {
		var out []string
		for i, rs := range runs {
			if slices.ContainsFunc(rs, func(run string) bool { return strings.Contains(run, q) }) {
				out = append(out, docs[i].ID)
			}
		}
		return out
	}
	extra, longQueries := 0, 0
	for n := range 400 {
		var q string
		if n%2 == 0 { // cut from a document
			rs := runs[r.IntN(len(runs))]
			run := []rune(rs[r.IntN(len(rs))])
			i := r.IntN(len(run))
			q = string(run[i:min(len(run), i+1+r.IntN(8))])
		} else { // made up
			rs := make([]rune, 1+r.IntN(6))
			for i := range rs {
				rs[i] = alphabet[r.IntN(len(alphabet))]
			}
			q = string(rs)
		}
		exp := want(q)
		res := search(t, idx, gazette.Query{Text: `"` + q + `"`, PerPage: gazette.MaxPerPage})
		got := sorted(ids(res))
		if res.Total > len(got) { // a common character: compare the numbers
			if res.Total != len(exp) {
				t.Errorf("%q: total %d, want %d", q, res.Total, len(exp))
			}
			continue
		}
		if len([]rune(q)) <= 4 {
			if !slices.Equal(got, sorted(exp)) {
				t.Errorf("%q found %v, want %v", q, got, exp)
			}
			continue
		}
		longQueries++
		for _, id := range exp {
			if !slices.Contains(got, id) {
				t.Errorf("%q misses %s", q, id)
			}
		}
		extra += len(got) - len(exp)
	}
	t.Logf("phrases of 5–8 characters: %d queries, %d extra hits in all", longQueries, extra)
}

func TestLongDocument(t *testing.T) {
	idx := open(t)
	// One paragraph of 300,000 characters, no line break anywhere: the
	// body is cut inside it, several times.
	r := rand.New(rand.NewPCG(9, 10))
	rs := make([]rune, 300_000)
	for i := range rs {
		rs[i] = rune(0x4E00 + r.IntN(500))
	}
	long := doc(1, "福建省安全生产应急预案管理办法", "开篇第一段落唯一文字", string(rs), "本办法自二〇二〇年三月一日起施行，由省应急管理厅负责解释。")
	start := time.Now()
	put(t, idx, long, doc(2, "短文", "应急管理厅"))
	t.Logf("put a document of 300,000 characters in %v", time.Since(start))

	find := func(text string) []string {
		t.Helper()
		return ids(search(t, idx, gazette.Query{Text: text}))
	}
	// Phrases all along the paragraph, densely where the cuts fall (one
	// position per character, cuts every 60,000 positions less the overlap).
	var probes []int
	for i := 0; i+12 < len(rs); i += 14_999 {
		probes = append(probes, i)
	}
	for cut := 60_000; cut < len(rs); cut += 60_000 - 600 {
		for d := -640; d <= 20; d += 110 {
			probes = append(probes, cut+d)
		}
	}
	start = time.Now()
	for _, i := range probes {
		if i < 0 || i+12 > len(rs) {
			continue
		}
		if got := find(`"` + string(rs[i:i+12]) + `"`); !slices.Equal(got, []string{"2019-1-1"}) {
			t.Errorf("phrase at %d found %v", i, got)
		}
	}
	t.Logf("%d phrase searches in %v", len(probes), time.Since(start))
	if got := find(`"应急管理厅负责解释"`); !slices.Equal(got, []string{"2019-1-1"}) {
		t.Errorf("the last words found %v", got)
	}
	// Terms far apart match together, and an exclusion anywhere excludes.
	if got := find("开篇第一段落 应急管理厅负责解释"); !slices.Equal(got, []string{"2019-1-1"}) {
		t.Errorf("first and last words together found %v", got)
	}
	if got := find("应急管理厅 -负责解释"); !slices.Equal(got, []string{"2019-1-2"}) {
		t.Errorf("excluding the last words found %v", got)
	}
	res := search(t, idx, gazette.Query{Text: `"应急管理厅负责解释"`})
	if len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Snippet, "<mark>应急管理厅负责解释</mark>") {
		t.Errorf("snippet of the long document: %+v", res.Hits)
	}
	if res := search(t, idx, gazette.Query{}); res.Total != 2 {
		t.Errorf("total %d, want 2: one hit per document", res.Total)
	}

	// Shorter now: the old text is gone, however far it was.
	short := long
	short.Body = []string{"本办法已废止。"}
	short.Fingerprint = "fp-short"
	start = time.Now()
	put(t, idx, short)
	t.Logf("shortened it in %v", time.Since(start))
	for _, text := range []string{`"应急管理厅负责解释"`, `"` + string(rs[250_000:250_012]) + `"`, "开篇第一段落"} {
		if got := find(text); len(got) != 0 {
			t.Errorf("%.20q still found in the shortened document: %v", text, got)
		}
	}
	if got := find("已废止"); !slices.Equal(got, []string{"2019-1-1"}) {
		t.Errorf("new text found %v", got)
	}
}

func TestSnippets(t *testing.T) {
	idx := open(t)
	filler := strings.Repeat("各地要建立健全工作机制，确保各项措施落实到位。", 300) // 6,900 characters
	put(t, idx,
		doc(1, "网页安全", `请勿在网页中嵌入<script>alert("x")</script>等代码 & 维护网络安全。`),
		doc(2, "长文", filler, "末尾的唯一短语在这里。"),
		doc(3, "长文二", filler[:len(filler)-30*3], "边界短语恰在开头部分之末。", filler),
	)
	for _, tc := range []struct{ text, id, mark string }{
		{"网络安全 script", "2019-1-1", "<mark>网络安全</mark>"},
		{"唯一短语", "2019-1-2", "<mark>唯一短语</mark>"},
		{"边界短语", "2019-1-3", "<mark>边界短语</mark>"},
	} {
		res := search(t, idx, gazette.Query{Text: tc.text})
		if len(res.Hits) != 1 || res.Hits[0].ID != tc.id {
			t.Fatalf("%q found %v", tc.text, ids(res))
		}
		s := res.Hits[0].Snippet
		if !strings.Contains(s, tc.mark) || strings.Contains(s, "<script") || strings.Contains(s, `"x"`) || strings.Contains(s, " & ") {
			t.Errorf("%q: snippet %q: want the text escaped and the match marked", tc.text, s)
		}
	}
	// Without words, the snippet is the start of the body.
	res := search(t, idx, gazette.Query{Sort: gazette.SortOldest})
	if !strings.HasPrefix(res.Hits[0].Snippet, "请勿在网页中嵌入&lt;script&gt;") {
		t.Errorf("snippet without words: %q", res.Hits[0].Snippet)
	}
}

// TestSnippetsOfWholeBodies checks that every snippet is the one
// gazette.Snippet cuts from the whole body (120 characters, as bleveindex),
// wherever the first match lies: in the head every hit brings, around its
// end, in the pieces fetched later (first round or second), or nowhere in
// the body; and for bodies with zero-width characters beyond the head.
func TestSnippetsOfWholeBodies(t *testing.T) {
	idx := open(t)
	r := rand.New(rand.NewPCG(3, 4))
	lines := true
	filler := func(n int) string { // Han text with punctuation, and line breaks if lines
		rs := make([]rune, n)
		for i := range rs {
			switch k := r.IntN(40); {
			case k == 0 && lines:
				rs[i] = '\n'
			case k < 3:
				rs[i] = '，'
			default:
				rs[i] = rune(0x5000 + r.IntN(400))
			}
		}
		return string(rs)
	}
	const needle = "犬猫相争"
	var docs []gazette.SearchDoc
	var bodies []string
	add := func(body string) {
		d := doc(len(docs)+1, "标题犬猫相争", strings.Split(body, "\n")...)
		docs = append(docs, d)
		bodies = append(bodies, strings.Join(d.Body, "\n"))
	}
	// The first match at offsets all around the end of the head (500
	// characters, exactly, without line breaks to cut at) and the window's
	// edges (40 before, 80 after the match).
	lines = false
	for _, at := range []int{0, 3, 39, 41, 200, 370, 375, 379, 380, 381, 385, 400, 410, 415, 418, 419, 420, 421, 440, 460, 497, 499, 500, 501, 540, 800, 5000, 6499, 6500, 6501} {
		add(filler(at) + needle + filler(1500))
	}
	lines = true
	add(filler(30_000) + needle + filler(100)) // in the 5th piece
	add(filler(60_000) + needle + filler(200)) // beyond the first round of pieces
	add(filler(3000))                          // in the title only
	add(filler(100) + needle)                  // at the very end of a short body
	add(filler(450) + needle + "\u200b" + filler(1000))
	add(filler(300) + needle + filler(400) + "\u200b" + filler(1000))   // a zero-width character beyond the head
	add(filler(1200) + "Ｎｏ\u200d" + filler(30) + needle + filler(1000)) // full-width letters, folded with it
	put(t, idx, docs...)

	for _, q := range []string{needle, "犬猫", `"猫相争"`, "相争 标题"} {
		qt, err := gazette.ParseQueryText(q)
		if err != nil {
			t.Fatal(err)
		}
		res := search(t, idx, gazette.Query{Text: q, PerPage: 100})
		if res.Total != len(docs) {
			t.Fatalf("%q: %d hits, want %d", q, res.Total, len(docs))
		}
		for _, h := range res.Hits {
			var seq int
			fmt.Sscanf(h.ID, "2019-1-%d", &seq)
			if want := gazette.Snippet(bodies[seq-1], qt.Needles(), 120); h.Snippet != want {
				t.Errorf("%q, %s: snippet\n%q\nwant\n%q", q, h.ID, h.Snippet, want)
			}
		}
	}
}

func TestTotalsFacetsSortAndPages(t *testing.T) {
	idx := open(t)
	kinds := []gazette.Kind{gazette.KindNormative, gazette.KindNotice, gazette.KindRule}
	var docs []gazette.SearchDoc
	for i := range 1500 {
		year := 2000 + i%15
		key := gazette.IssueKey{Year: year, Number: 1 + i%7}
		d := doc(1, fmt.Sprintf("第%d号文件", i), "关于加强管理的通知")
		d.ID = gazette.DocumentID(key, 1+i/105)
		d.Issue = key
		d.Kind = kinds[i%3]
		d.Published = gazette.Date{Year: year, Month: 3, Day: 1 + i%28}
		d.Authorities = []string{"福建省人民政府"}
		if i%5 == 0 {
			d.Authorities = append(d.Authorities, "福建省财政厅")
			d.Body = append(d.Body, "专项资金")
		}
		if i%10 == 0 {
			d.Published = gazette.Date{} // undated: last in either order
		}
		docs = append(docs, d)
	}
	put(t, idx, docs...)

	res := search(t, idx, gazette.Query{PerPage: 7})
	if res.Total != 1500 {
		t.Errorf("total %d, want 1500 (more than Meilisearch's default cap of 1,000)", res.Total)
	}
	count := func(list []gazette.FacetCount, v string) int {
		for _, f := range list {
			if f.Value == v {
				return f.Count
			}
		}
		return -1
	}
	if count(res.Facets.Kind, "rule") != 500 || count(res.Facets.Year, "2003") != 100 || len(res.Facets.Year) != 15 ||
		count(res.Facets.Authority, "福建省财政厅") != 300 || count(res.Facets.Validity, "in_force") != 1500 {
		t.Errorf("facets %+v", res.Facets)
	}
	res = search(t, idx, gazette.Query{Text: "专项资金", Kinds: []gazette.Kind{gazette.KindRule}})
	if res.Total != 100 || count(res.Facets.Kind, "rule") != 100 || count(res.Facets.Authority, "福建省人民政府") != 100 {
		t.Errorf("narrowed: total %d, facets %+v", res.Total, res.Facets)
	}

	for _, order := range []gazette.Sort{gazette.SortNewest, gazette.SortOldest} {
		var all []gazette.Hit
		for page := 1; ; page++ {
			res := search(t, idx, gazette.Query{Text: "通知", Sort: order, Page: page, PerPage: 100})
			if res.Total != 1500 {
				t.Fatalf("%s page %d: total %d", order, page, res.Total)
			}
			if len(res.Hits) == 0 {
				break
			}
			all = append(all, res.Hits...)
		}
		if len(all) != 1500 {
			t.Fatalf("%s: %d hits over all pages, want 1500", order, len(all))
		}
		seen := map[string]bool{}
		for i, h := range all {
			if seen[h.ID] {
				t.Fatalf("%s: %s on two pages", order, h.ID)
			}
			seen[h.ID] = true
			if i == 0 {
				continue
			}
			prev := all[i-1].Published
			switch {
			case h.Published.IsZero():
			case prev.IsZero():
				t.Fatalf("%s: dated %s after undated %s", order, h.ID, all[i-1].ID)
			case order == gazette.SortNewest && h.Published.Compare(prev) > 0,
				order == gazette.SortOldest && h.Published.Compare(prev) < 0:
				t.Fatalf("%s: order broken at %d: %s after %s", order, i, h.Published, prev)
			}
		}
	}
	// Relevance without words: newest first.
	res = search(t, idx, gazette.Query{PerPage: 3})
	if res.Hits[0].Published != (gazette.Date{Year: 2014, Month: 3, Day: 28}) {
		t.Errorf("relevance without words starts with %+v", res.Hits[0])
	}
	// Date ranges leave undated documents out.
	res = search(t, idx, gazette.Query{To: gazette.Date{Year: 2030, Month: 1, Day: 1}})
	if res.Total != 1350 {
		t.Errorf("published up to 2030: total %d, want 1350", res.Total)
	}
}

func TestHostileFilterValues(t *testing.T) {
	idx := open(t)
	odd := `某"机关\局' OR 1=1`
	a, b := doc(1, "甲"), doc(2, "乙")
	a.Authorities = []string{"福建省人民政府"}
	b.Authorities = []string{odd}
	b.Topic = `x") OR (topic_h EXISTS`
	put(t, idx, a, b)
	for _, v := range []string{
		`福建省人民政府" OR kind = "rule`, `福建省人民政府' OR '1'='1`, `\`, `\"`, `\" OR \"`, `") OR (id EXISTS`,
		`福建省人民政府\`, `福建省人民政府" OR "1" = "1`, "福建省人民政府\u2028",
	} {
		res, err := idx.Search(ctx, gazette.Query{Authorities: []string{v}})
		if err != nil || res.Total != 0 {
			t.Errorf("authority %q: %d hits, %v; want none and no error", v, res.Total, err)
		}
		res, err = idx.Search(ctx, gazette.Query{Topics: []string{v}})
		if err != nil || res.Total != 0 {
			t.Errorf("topic %q: %d hits, %v; want none and no error", v, res.Total, err)
		}
	}
	// A value with quotes and backslashes is matched literally.
	res := search(t, idx, gazette.Query{Authorities: []string{odd}})
	if !slices.Equal(ids(res), []string{"2019-1-2"}) {
		t.Errorf("literal authority %q found %v", odd, ids(res))
	}
	res = search(t, idx, gazette.Query{Topics: []string{b.Topic}})
	if !slices.Equal(ids(res), []string{"2019-1-2"}) {
		t.Errorf("literal topic found %v", ids(res))
	}
	// Control characters are refused by Normalize, with a message that
	// names the value and nothing of the backend.
	_, err := idx.Search(ctx, gazette.Query{Authorities: []string{"福建省人民政府\n\" OR \"1\"=\"1"}})
	if !errors.Is(err, gazette.ErrInvalid) || strings.Contains(err.Error(), "meilisearch:") {
		t.Errorf("newline in a filter value: %v, want ErrInvalid", err)
	}
}

func TestManyTerms(t *testing.T) {
	idx := open(t)
	words := strings.Fields("政务 公开 处理 工程 许可 办法 通知 意见 规定 年度 计划 预算")
	put(t, idx,
		doc(1, "全部", strings.Join(words, "，")),
		doc(2, "缺最后一个", strings.Join(words[:11], "，")),
		doc(3, "缺第一个", strings.Join(words[1:], "，")),
	)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"12 terms: the last two decide", strings.Join(words, " "), []string{"2019-1-1"}},
		{"11 terms", strings.Join(words[:11], " "), []string{"2019-1-1", "2019-1-2"}},
		{"12 terms and an exclusion", strings.Join(words, " ") + " -全部", nil},
		{"11 terms and an exclusion", strings.Join(words[:11], " ") + " -缺最后", []string{"2019-1-1"}},
		{"exclusion after 10 terms", strings.Join(words[1:], " ") + " -全部", []string{"2019-1-3"}},
		{"22 terms", strings.Join(append(slices.Clone(words), words[1:11]...), " ") + " 不存在", nil},
		// Reversed: in order, the words run on across the text's commas.
		{"one long Chinese phrase is one part", "预算计划年度规定意见通知办法许可工程处理公开政务", nil},
		{"a long run of the text", "缺最后一个", []string{"2019-1-2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := search(t, idx, gazette.Query{Text: tc.text})
			if !slices.Equal(sorted(ids(res)), sorted(tc.want)) || res.Total != len(tc.want) {
				t.Errorf("%q found %v (total %d), want %v", tc.text, ids(res), res.Total, tc.want)
			}
		})
	}
}

// The longest queries (gazette.MaxQueryRunes characters) are read to
// their end: the last character decides.
func TestLongestQueries(t *testing.T) {
	idx := open(t)
	r := rand.New(rand.NewPCG(13, 14))
	han := func() rune { return rune(0x4E00 + r.IntN(5000)) }
	var run, mixed, spaced []rune
	for i := range gazette.MaxQueryRunes {
		run = append(run, han())
		if i%2 == 0 {
			mixed = append(mixed, han())
		} else {
			mixed = append(mixed, rune('a'+r.IntN(26)))
		}
	}
	for range gazette.MaxQueryRunes / 8 {
		spaced = append(spaced, han(), han(), han(), han(), han(), han(), han(), ' ')
	}
	texts := []string{string(run), string(mixed), strings.TrimSpace(string(spaced))}
	for i, text := range texts {
		put(t, idx, doc(i+1, "长查询", "前文。"+text+"。后文"))
	}
	for i, text := range texts {
		if n := len([]rune(text)); n > gazette.MaxQueryRunes {
			t.Fatalf("query of %d characters", n)
		}
		for _, q := range []string{text, `"` + text[:len(text)-4] + `"`} { // the whole, and a phrase
			res, err := idx.Search(ctx, gazette.Query{Text: q})
			if err != nil {
				if errors.Is(err, gazette.ErrInvalid) && len([]rune(q)) > gazette.MaxQueryRunes {
					continue
				}
				t.Fatal(err)
			}
			if want := fmt.Sprintf("2019-1-%d", i+1); !slices.Equal(ids(res), []string{want}) {
				t.Errorf("query %d (%d characters) found %v, want %s", i, len([]rune(q)), ids(res), want)
			}
		}
		last := []rune(text)
		last[len(last)-1] = '鑫'
		if res := search(t, idx, gazette.Query{Text: string(last)}); res.Total != 0 {
			t.Errorf("query %d with its last character changed found %v", i, ids(res))
		}
	}
}

func TestSettingsIdempotent(t *testing.T) {
	cfg := newConfig(t)
	tasks := func() int {
		t.Helper()
		n, err := taskCount(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	idx, err := meiliindex.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	first := tasks()
	put(t, idx, doc(1, "政务公开"))
	for range 2 {
		if _, err := meiliindex.New(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	if n := tasks(); n != first+1 {
		t.Errorf("reopening enqueued %d tasks, want none (only the Put's)", n-first-1)
	}
	// A setting changed behind its back is put right on the next open.
	if err := enableTypos(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := meiliindex.New(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if n := tasks(); n != first+3 {
		t.Errorf("%d tasks after a repair, want %d", n, first+3)
	}
	if res := search(t, idx, gazette.Query{Text: "政务公关"}); res.Total != 0 {
		t.Errorf("typo tolerance is back: %v", ids(res))
	}
}

func TestConfigAndErrors(t *testing.T) {
	srv := newConfig(t)
	for name, cfg := range map[string]meiliindex.Config{
		"bad URL":       {URL: "ftp://x", Key: srv.Key, Index: "a"},
		"bad index UID": {URL: srv.URL, Key: srv.Key, Index: "a/../keys"},
	} {
		if _, err := meiliindex.New(ctx, cfg); !errors.Is(err, gazette.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := meiliindex.New(ctx, meiliindex.Config{URL: srv.URL, Key: "wrong", Index: srv.Index}); err == nil {
		t.Error("New with a wrong key succeeded")
	}
	idx := open(t)
	put(t, idx, doc(1, "标题"))
	for _, id := range []string{"../keys", "2019-1-1/../../keys", "", "2031-1-1", strings.Repeat("a", 600)} {
		if _, err := idx.Get(ctx, id); !errors.Is(err, gazette.ErrNotFound) {
			t.Errorf("Get(%q): %v, want ErrNotFound", id, err)
		}
	}
	if err := idx.Delete(ctx, []string{"../keys", "2031-1-1", "a b"}); err != nil {
		t.Errorf("Delete of absent and impossible IDs: %v", err)
	}
	bad := doc(2, "x")
	bad.ID = "2019/1"
	if err := idx.Put(ctx, []gazette.SearchDoc{bad}); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("Put with a bad ID: %v, want ErrInvalid", err)
	}
	bad = doc(2, "x", "abc\xff")
	if err := idx.Put(ctx, []gazette.SearchDoc{bad}); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("Put with invalid UTF-8: %v, want ErrInvalid", err)
	}
	if err := idx.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if fps, err := idx.Fingerprints(ctx); err != nil || len(fps) != 1 {
		t.Errorf("Fingerprints after refused writes = %v, %v", fps, err)
	}
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	if err := idx.Ping(stopped); !errors.Is(err, context.Canceled) {
		t.Errorf("Ping with a cancelled context: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	idx := open(t)
	const writers, each = 4, 25
	errs := make(chan error, writers*2)
	for w := range writers {
		go func() {
			var docs []gazette.SearchDoc
			for i := range each {
				d := doc(w*each+i+1, fmt.Sprintf("并发写入%d", w), "政务公开")
				docs = append(docs, d)
			}
			errs <- idx.Put(ctx, docs)
		}()
		go func() {
			_, err := idx.Search(ctx, gazette.Query{Text: "政务公开"})
			if err == nil {
				err = idx.Ping(ctx)
			}
			errs <- err
		}()
	}
	for range writers * 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if res := search(t, idx, gazette.Query{Text: "公开"}); res.Total != writers*each {
		t.Errorf("total %d after concurrent writes, want %d", res.Total, writers*each)
	}
	fps, err := idx.Fingerprints(ctx)
	if err != nil || len(fps) != writers*each {
		t.Errorf("Fingerprints: %d, %v", len(fps), err)
	}
}

// Fingerprints pages through more than one page of documents.
func TestFingerprintsPages(t *testing.T) {
	idx := open(t)
	var docs []gazette.SearchDoc
	for i := range 2500 {
		docs = append(docs, doc(i+1, "标题"))
	}
	start := time.Now()
	put(t, idx, docs...)
	t.Logf("put %d small documents in %v", len(docs), time.Since(start))
	fps, err := idx.Fingerprints(ctx)
	if err != nil || len(fps) != 2500 || fps["2019-1-2500"] != "fp-2500" {
		t.Errorf("Fingerprints: %d entries, %v", len(fps), err)
	}
	if err := idx.Delete(ctx, []string{"2019-1-1", "2019-1-2500"}); err != nil {
		t.Fatal(err)
	}
	if fps, err := idx.Fingerprints(ctx); err != nil || len(fps) != 2498 {
		t.Errorf("Fingerprints after Delete: %d entries, %v", len(fps), err)
	}
}

// TestOlderFormatIsStale checks that a document written by an older version
// of this package (here: the record of format 1, without "fv") reports an
// empty fingerprint, so that reconciliation rewrites it, and that Put
// brings it to the current format.
func TestOlderFormatIsStale(t *testing.T) {
	cfg := newConfig(t)
	idx, err := meiliindex.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	put(t, idx, doc(1, "新标题"))
	old := []map[string]any{{"id": "2019-1-2", "fp": "fp-2", "title": "旧标题", "x0": "旧正文", "st": "", "kind": "normative"}}
	task, err := client(cfg).Index(cfg.Index).AddDocuments(ctx, old, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client(cfg).WaitForTask(ctx, task.TaskUID, 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	fps, err := idx.Fingerprints(ctx)
	if err != nil || fps["2019-1-1"] != "fp-1" || fps["2019-1-2"] != "" || len(fps) != 2 {
		t.Fatalf("Fingerprints = %v, %v; want fp-1 and an empty fingerprint for the old record", fps, err)
	}
	put(t, idx, doc(2, "旧标题"))
	if fps, err := idx.Fingerprints(ctx); err != nil || fps["2019-1-2"] != "fp-2" {
		t.Errorf("Fingerprints after Put = %v, %v", fps, err)
	}
}

// TestSearchThroughBusyProxy checks that searches are sent again when a
// proxy in front of Meilisearch answers 503 (as meilisearch-go does for
// every other call), and that Meilisearch's own errors come back whole.
func TestSearchThroughBusyProxy(t *testing.T) {
	cfg := newConfig(t)
	idx, err := meiliindex.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	put(t, idx, doc(1, "行政许可办法"))
	target, err := url.Parse(cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	var busy atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/search") && busy.Add(-1) >= 0 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	viaProxy := cfg
	viaProxy.URL = srv.URL
	idx, err = meiliindex.New(ctx, viaProxy)
	if err != nil {
		t.Fatal(err)
	}
	busy.Store(2)
	if res := search(t, idx, gazette.Query{Text: "许可"}); res.Total != 1 {
		t.Errorf("after two busy answers: %d hits, want 1", res.Total)
	}
	if busy.Load() >= 0 {
		t.Errorf("the proxy's busy answers were not all used: %d left", busy.Load())
	}
	task, err := client(cfg).DeleteIndex(ctx, cfg.Index)
	if err == nil {
		_, err = client(cfg).WaitForTask(ctx, task.TaskUID, 10*time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Search(ctx, gazette.Query{Text: "许可"}); err == nil || !strings.Contains(err.Error(), "index_not_found") {
		t.Errorf("search of a deleted index: %v, want Meilisearch's index_not_found", err)
	}
}

// TestFrequentHoldersFirst: among the documents whose body holds a word,
// those that hold it often come first, as bleve's tf-idf orders them, and
// not by date alone; a title holding it still comes before them. The
// documents are numbered so that print order, the last tie-break, puts the
// frequent holders last.
func TestFrequentHoldersFirst(t *testing.T) {
	idx := open(t)
	sentence := "父母是未成年子女的监护人，应当履行监护职责。"
	docs := []gazette.SearchDoc{
		doc(1, "家庭教育促进条例", strings.Repeat(sentence, 20)),                // 监护 40 times, 监护职责 20
		doc(2, "未成年人保护规定", strings.Repeat(sentence, 6), "其他事项另行规定。"),    // 12 and 6
		doc(3, "社会救助办法", strings.Repeat(sentence, 2), "救助标准由县级人民政府确定。"), // 4 and 2
		doc(9, "通知九", strings.Repeat("甲乙，乙丙。", 40)),
		doc(10, "监护管理办法", "本办法自公布之日起施行。"),
	}
	for seq := 4; seq <= 8; seq++ {
		docs = append(docs, doc(seq, fmt.Sprintf("通知%d", seq), "本条涉及监护事项，应当履行监护职责。", "其他事项另行规定。"))
	}
	put(t, idx, docs...)

	got := ids(search(t, idx, gazette.Query{Text: "监护", PerPage: 20}))
	if want := []string{"2019-1-10", "2019-1-1", "2019-1-2", "2019-1-3"}; len(got) != 9 || !slices.Equal(got[:4], want) {
		t.Errorf("监护 found %v, want the title, then 40, 12 and 4 times first: %v", got, want)
	}
	// A term of several bigrams, matched as a phrase inside one window.
	got = ids(search(t, idx, gazette.Query{Text: "监护职责", PerPage: 20}))
	if want := []string{"2019-1-1", "2019-1-2"}; len(got) != 8 || !slices.Equal(got[:2], want) {
		t.Errorf("监护职责 found %v, want 20 and 6 times first: %v", got, want)
	}
	// The tiers match only what the body holds: 甲乙 and 乙丙 are frequent,
	// but never side by side.
	if got := ids(search(t, idx, gazette.Query{Text: "甲乙丙"})); len(got) != 0 {
		t.Errorf("甲乙丙 found %v, held by no body", got)
	}
	if got := ids(search(t, idx, gazette.Query{Text: "乙丙"})); !slices.Equal(got, []string{"2019-1-9"}) {
		t.Errorf("乙丙 found %v", got)
	}
}

// TestLongHoldersScaled: a long body's counts are scaled by its length, as
// bleve's tf-idf divides by it, so a short regulation that holds a word 12
// times comes before a code that holds it 30 times among 36,000 other
// words, which raw counts would put first.
func TestLongHoldersScaled(t *testing.T) {
	idx := open(t)
	sentence := "父母是未成年子女的监护人，应当履行监护职责。"
	var filler strings.Builder
	for i := range 36_000 {
		fmt.Fprintf(&filler, "x%d ", i)
	}
	put(t, idx,
		doc(1, "家庭教育促进条例", strings.Repeat(sentence, 6)),
		doc(2, "综合法典", strings.Repeat(sentence, 15), filler.String()))
	got := ids(search(t, idx, gazette.Query{Text: "监护"}))
	if want := []string{"2019-1-1", "2019-1-2"}; !slices.Equal(got, want) {
		t.Errorf("监护 found %v, want the short holder first: %v", got, want)
	}
}
