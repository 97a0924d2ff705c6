package searcheval

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// testCorpus is the shared corpus, relative to this package.
const testCorpus = "../../shared/corpus"

func needCorpus(t *testing.T) {
	t.Helper()
	if err := CheckCorpus(testCorpus); errors.Is(err, ErrNoCorpus) {
		t.Skipf("skipping: %v", err)
	}
}

func TestCheckCorpus(t *testing.T) {
	if err := CheckCorpus(t.TempDir()); !errors.Is(err, ErrNoCorpus) {
		t.Errorf("empty folder: %v, want ErrNoCorpus", err)
	}
}

func TestScore(t *testing.T) {
	var s RelevanceScores
	s.score([]string{"x", "a", "y", "b"}, []string{"a", "b"})
	wantNDCG := (1/math.Log2(3) + 1/math.Log2(5)) / (1 + 1/math.Log2(3))
	if s.Recall10 != 1 || s.MRR10 != 0.5 || math.Abs(s.NDCG10-wantNDCG) > 1e-12 {
		t.Errorf("scores %+v, want recall 1, MRR 0.5, nDCG %.4f", s, wantNDCG)
	}
	s = RelevanceScores{}
	s.score(nil, []string{"a"})
	s.score([]string{"a"}, []string{"a", "b", "c"})
	if s.Questions != 2 || s.NoHits != 1 || math.Abs(s.Recall10-1.0/3) > 1e-12 || s.MRR10 != 1 {
		t.Errorf("scores %+v", s)
	}
	// Beyond the tenth hit nothing counts.
	s = RelevanceScores{}
	s.score([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "a"}, []string{"a"})
	if s.Recall10 != 0 || s.MRR10 != 0 || s.NDCG10 != 0 {
		t.Errorf("a hit at rank 11 scored %+v", s)
	}
}

func TestSample(t *testing.T) {
	qs := make([]Question, 10)
	for i := range qs {
		qs[i].ID = i
	}
	var ids []int
	for _, q := range Sample(qs, 4) {
		ids = append(ids, q.ID)
	}
	if !slices.Equal(ids, []int{0, 2, 5, 7}) {
		t.Errorf("Sample(10, 4) = %v, want [0 2 5 7]", ids)
	}
	if len(Sample(qs, 0)) != 10 || len(Sample(qs, 20)) != 10 {
		t.Error("Sample with 0 or too many should return all")
	}
}

// smallLaws is a laws corpus of three documents and two questions.
func smallLaws() ([]gazette.SearchDoc, []Question) {
	key := gazette.IssueKey{Year: 2020, Number: 1}
	doc := func(seq int, title string, body ...string) gazette.SearchDoc {
		return gazette.SearchDoc{Document: gazette.Document{
			ID: gazette.DocumentID(key, seq), Issue: key, Title: title, Kind: gazette.KindNormative,
			Authorities: []string{"全国人民代表大会常务委员会"}, Validity: gazette.Status{State: gazette.InForce},
			Body: body, Pages: gazette.PageRange{First: seq, Last: seq}, Version: 1,
		}}
	}
	docs := []gazette.SearchDoc{
		doc(1, "个体工商户条例", "第二条 有经营能力的公民，依照本条例规定经登记，从事工商业经营的，为个体工商户。"),
		doc(2, "工伤保险条例", "第二条 企业应当为职工缴纳工伤保险费。"),
		doc(3, "劳动合同法", "第二十六条 劳动合同无效的，劳动者可以要求赔偿。"),
	}
	qs := []Question{
		{ID: 1, Text: "谁可以成为个体工商户？", Relevant: []string{"2020-1-1"}},
		{ID: 2, Text: "企业必须缴纳工伤保险费吗？", Relevant: []string{"2020-1-2"}},
	}
	return docs, qs
}

func TestEvalSTARDOnScan(t *testing.T) {
	ctx := context.Background()
	docs, qs := smallLaws()
	idx := newScanIndex()
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	var calls int
	s, err := EvalSTARD(ctx, idx, qs, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if calls != len(qs) {
		t.Fatalf("%d progress calls, want %d", calls, len(qs))
	}
	// No document holds a whole question: archive.Search answers each
	// with its partial matches, the answer first.
	if s.Questions != 2 || s.NoHits != 0 || s.Partial != 2 || s.Recall10 != 1 || s.MRR10 != 1 || s.NDCG10 != 1 || s.Latency <= 0 {
		t.Errorf("scores %+v, want every question answered by partial matches, the answer first", s)
	}
}

func TestParseHandQueries(t *testing.T) {
	good := "# comment\n\ntitle\t政务\\u200b公开\tkind=rule; year=2019; from=2019-01-01; to=2019年12月31日; date=signed\t2019-1-1\tnote\n" +
		"docnum\t闽政〔2019〕14号\tgazette=福建省人民政府公报\t2019-1-2\n"
	qs, err := ParseHandQueries(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 {
		t.Fatalf("%d queries, want 2", len(qs))
	}
	q := qs[0]
	if q.Line != 3 || q.Text != "政务\u200b公开" || q.Want != "2019-1-1" || q.Note != "note" ||
		!slices.Equal(q.Query.Kinds, []gazette.Kind{gazette.KindRule}) || !slices.Equal(q.Query.Years, []int{2019}) ||
		q.Query.From != (gazette.Date{Year: 2019, Month: 1, Day: 1}) || q.Query.To != (gazette.Date{Year: 2019, Month: 12, Day: 31}) ||
		q.Query.DateField != gazette.DateSigned {
		t.Errorf("parsed %+v", q)
	}
	if qs[1].Query.Gazette != "福建省人民政府公报" {
		t.Errorf("gazette filter parsed as %q", qs[1].Query.Gazette)
	}
	for name, bad := range map[string]string{
		"too few columns": "title\t政务\t\n",
		"unknown filter":  "title\t政务\tcolour=red\t2019-1-1\n",
		"bad kind":        "title\t政务\tkind=law\t2019-1-1\n",
		"bad ID":          "title\t政务\t\t2019-1\n",
		"bad date":        "title\t政务\tfrom=yesterday\t2019-1-1\n",
		"no equals":       "title\t政务\tkind\t2019-1-1\n",
	} {
		if _, err := ParseHandQueries(bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestHandQueriesFile(t *testing.T) {
	qs, err := HandQueries()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) < 60 {
		t.Errorf("%d hand-written queries, want at least 60", len(qs))
	}
	count := map[string]int{}
	for _, q := range qs {
		count[q.Category]++
	}
	for _, c := range []string{"title", "authority", "docnum", "infix", "phrase", "exclusion", "filter", "ranking", "question", "punctuation", "docnum-short", "nearmiss"} {
		if count[c] < 5 {
			t.Errorf("category %s has %d queries, want at least 5", c, count[c])
		}
	}
}

func TestEvalHandOnScan(t *testing.T) {
	ctx := context.Background()
	docs, _ := smallLaws()
	idx := newScanIndex()
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	qs, err := ParseHandQueries("title\t工伤保险\t\t2020-1-2\n" +
		"title\t劳动合同\t\t2020-1-2\twrong on purpose\n" +
		"phrase\t\"依照本条例\"\t\t2020-1-1\n")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := EvalHand(ctx, idx, qs)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 2 || rep.Total != 3 || len(rep.Categories) != 2 || rep.Categories[0] != (CategoryScore{"title", 1, 2}) {
		t.Errorf("report %+v", rep)
	}
	if f := rep.Failures(); len(f) != 1 || f[0].Query.Line != 2 || !slices.Equal(f[0].Top, []string{"2020-1-3"}) {
		t.Errorf("failures %+v", f)
	}
	if err := CheckHandQueries(qs, docs[:1]); err == nil {
		t.Error("CheckHandQueries: no error for expected documents missing from the corpus")
	}
}

func TestRowAuthoritiesAndKind(t *testing.T) {
	n, _ := gazette.ParseDocNumber("沪府办发〔2016〕49号")
	order, _ := gazette.ParseDocNumber("省政府令第200号")
	cases := []struct {
		jur, title string
		num        gazette.DocNumber
		auth       []string
		kind       gazette.Kind
	}{
		{"Shanghai_Municipal_Government", "市政府办公厅关于转发市水务局制订的规定的通知", n, []string{"上海市人民政府办公厅"}, gazette.KindNotice},
		{"Shanghai_Municipal_Government", "市环保局关于开展排污许可证核发工作的通知", n, []string{"上海市人民政府办公厅"}, gazette.KindNotice},
		{"Shanghai_Municipal_Government", "上海市财政局、上海市发展和改革委员会关于停征水费的通知", n, []string{"上海市财政局", "上海市发展和改革委员会"}, gazette.KindNotice},
		{"Guangdong_Provincial_Government", "转发国务院办公厅关于整顿统一着装的通知", n, []string{"广东省人民政府办公厅"}, gazette.KindNotice},
		{"Henan_Provincial_Government", "河南省人民防空工程管理办法", order, []string{"河南省人民政府"}, gazette.KindRule},
		{"Yunnan_Provincial_Government", "关于陈军免职的通知", n, []string{"云南省人民政府办公厅"}, gazette.KindAppointment},
		{"State_Council", "国务院关于青海省土地利用总体规划的批复", n, []string{"国务院办公厅"}, gazette.KindDecision},
		{"Sichuan_Provincial_Government", "四川省人民政府关于加快发展的意见", n, []string{"四川省人民政府"}, gazette.KindNormative},
	}
	for _, tc := range cases {
		r := titleRow{jurisdiction: tc.jur, title: tc.title, number: tc.num}
		if got := rowAuthorities(r); !slices.Equal(got, tc.auth) {
			t.Errorf("rowAuthorities(%s) = %v, want %v", tc.title, got, tc.auth)
		}
		if got := titleKind(tc.title, tc.num); got != tc.kind {
			t.Errorf("titleKind(%s) = %s, want %s", tc.title, got, tc.kind)
		}
	}
}

func TestLawAuthorities(t *testing.T) {
	cases := []struct{ rel, title, event, want string }{
		{"行政法规/x.md", "个体工商户条例", "中华人民共和国国务院令第596号公布", "国务院"},
		{"宪法相关法/x.md", "中华人民共和国国家赔偿法", "第八届全国人民代表大会常务委员会第七次会议通过", "全国人民代表大会常务委员会"},
		{"司法解释/x.md", "关于审理案件的解释", "最高人民法院审判委员会第1234次会议通过", "最高人民法院"},
		{"DLC/浙江地方法规/地方性法规/浙江/杭州市条例.md", "杭州市征收集体所有土地房屋补偿条例", "市十二届人大常委会第十五次会议通过", "杭州市人民代表大会常务委员会"},
		{"部门规章/公安部/x.md", "某办法", "公安部部长办公会议通过", "公安部"},
		{"司法解释/x.md", "最高人民检察院关于办理案件的解释", "", "最高人民检察院"},
		{"部门规章/市场监督管理总局/x.md", "某办法", "发布", "市场监督管理总局"},
	}
	for _, tc := range cases {
		if got := lawAuthorities(tc.rel, tc.title, tc.event); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("lawAuthorities(%s, %q) = %v, want [%s]", tc.rel, tc.event, got, tc.want)
		}
	}
	if got := lawAuthorities("行政法规/x.md", "", "中华人民共和国国务院、中华人民共和国中央军事委员会令第1号"); !slices.Equal(got, []string{"国务院", "中央军事委员会"}) {
		t.Errorf("joint authorities = %v", got)
	}
}

func TestParseLaw(t *testing.T) {
	text := "# 中华人民共和国民法典\n\n# 总则\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n2021年1月1日 施行\n\n" +
		"<!-- INFO END -->\n\n## 第一章 基本规定\n\n第一条 为了保护民事主体的合法权益，制定本法。\n"
	d, ok := parseLaw("民法典/总则.md", text)
	if !ok {
		t.Fatal("not a law")
	}
	want := gazette.Date{Year: 2020, Month: 5, Day: 28}
	if d.Title != "中华人民共和国民法典 总则" || d.Signed != want || d.Published != want ||
		d.Effective != (gazette.Date{Year: 2021, Month: 1, Day: 1}) || !slices.Equal(d.Authorities, []string{"全国人民代表大会"}) ||
		d.Kind != gazette.KindNormative || !slices.Equal(d.Body, []string{"第一章 基本规定", "第一条 为了保护民事主体的合法权益，制定本法。"}) {
		t.Errorf("parsed %+v", d)
	}
	if _, ok := parseLaw("x.md", "# 没有正文\n"); ok {
		t.Error("a file without <!-- INFO END --> parsed as a law")
	}
}

func TestLoadLaws(t *testing.T) {
	needCorpus(t)
	laws, err := LoadLaws(filepath.Join(testCorpus, LawsDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(laws.Docs) != 480 || len(laws.IDByPath) != 480 {
		t.Errorf("%d laws (%d paths), want the 480 files other than the template and _index.md", len(laws.Docs), len(laws.IDByPath))
	}
	if laws.WithValidity < 470 {
		t.Errorf("validity from db.sqlite3 for %d laws, want nearly all", laws.WithValidity)
	}
	byID := map[string]gazette.SearchDoc{}
	for _, d := range laws.Docs {
		if _, dup := byID[d.ID]; dup {
			t.Errorf("ID %s twice", d.ID)
		}
		byID[d.ID] = d
	}
	d := byID[laws.IDByPath["行政法规/个体工商户条例(2016-02-06).md"]]
	if d.Title != "个体工商户条例" || d.DocNumber != "中华人民共和国国务院令第596号" || d.Kind != gazette.KindRule ||
		!slices.Equal(d.Authorities, []string{"国务院"}) || d.Signed != (gazette.Date{Year: 2011, Month: 4, Day: 16}) ||
		d.Published != (gazette.Date{Year: 2014, Month: 2, Day: 19}) || d.Issue.Year != 2014 {
		t.Errorf("个体工商户条例: %+v", d.Document)
	}
	// Every file a STARD question names is in the corpus.
	qs, err := LoadSTARD(filepath.Join(testCorpus, STARDFile), laws.IDByPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1543 {
		t.Errorf("%d STARD questions, want 1543", len(qs))
	}
}

func TestLawRows(t *testing.T) {
	needCorpus(t)
	rows, err := readLawRows(filepath.Join(testCorpus, LawsDir, "db.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	expired := 0
	for _, r := range rows {
		if r.Expired == 1 {
			expired++
		}
		if r.Name == "检察官法" && (r.Publish != "2019-04-23" || r.ValidFrom != "2019-10-01") {
			t.Errorf("检察官法: %+v", r)
		}
	}
	// As sqlite3 counts them: select count(*), sum(expired) from law.
	if len(rows) != 1560 || expired != 86 {
		t.Errorf("%d rows, %d expired; want 1560 and 86", len(rows), expired)
	}
	if _, err := readLawRows(filepath.Join(t.TempDir(), "none.sqlite3")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing database: %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.sqlite3")
	if err := os.WriteFile(bad, []byte(strings.Repeat("not a database ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readLawRows(bad); err == nil {
		t.Error("no error for a file that is not a database")
	}
}

func TestBuildGazette(t *testing.T) {
	needCorpus(t)
	a, err := BuildGazette(testCorpus)
	if err != nil {
		t.Fatal(err)
	}
	b, err := BuildGazette(testCorpus)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != GazetteSize {
		t.Errorf("%d documents, want %d", len(a), GazetteSize)
	}
	ids := map[string]bool{}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Title != b[i].Title || !slices.Equal(a[i].Body, b[i].Body) {
			t.Fatalf("document %d differs between two builds: %s %s", i, a[i].ID, b[i].ID)
		}
		if ids[a[i].ID] {
			t.Errorf("ID %s twice", a[i].ID)
		}
		ids[a[i].ID] = true
	}
	qs, err := HandQueries()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckHandQueries(qs, a); err != nil {
		t.Error(err)
	}
}

// testRows are a few rows of the joined table, for corpus-free tests.
func testRows(t *testing.T) []titleRow {
	t.Helper()
	var rows []titleRow
	for i, s := range []string{"闽政〔2019〕14号", "国办发〔2021〕39号", "省政府令第200号", "公告2018年第14号"} {
		n, err := gazette.ParseDocNumber(s)
		if err != nil {
			t.Fatal(err)
		}
		d := gazette.Date{Year: 2015 + i, Month: time.Month(1 + i), Day: 10}
		rows = append(rows, titleRow{jurisdiction: "State_Council", title: fmt.Sprintf("国务院关于加强第%d项医疗保险工作的通知", i), number: n, signed: d, published: d})
	}
	return rows
}

// testQuestions are questions as people type them, for the bench's mix.
var testQuestions = []string{"行政许可目录怎么编制？", "医疗保险的规定有哪些", "目录调整由谁负责"}

func TestBenchCorpus(t *testing.T) {
	pool := []string{"第一条 为了规范行政许可事项目录管理，根据有关法律、法规，制定本办法。", "第二条 本办法适用于本省行政区域内的目录编制和调整。"}
	c, err := newBenchCorpus(testRows(t), pool, testQuestions, 250)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	nums := map[string]bool{}
	for i := range c.Len() {
		d := c.Doc(i)
		if err := d.Validate(); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		if n := bodyRunes(d.Body); n < BenchBodyRunes || n > BenchBodyRunes+300 {
			t.Errorf("document %d: body of %d characters, want about %d", i, n, BenchBodyRunes)
		}
		if ids[d.ID] {
			t.Errorf("ID %s twice", d.ID)
		}
		ids[d.ID] = true
		if d.DocNumber != "" && nums[d.DocNumber] {
			t.Errorf("文号 %s twice", d.DocNumber)
		}
		nums[d.DocNumber] = true
		if again := c.Doc(i); again.ID != d.ID || !slices.Equal(again.Body, d.Body) {
			t.Fatalf("Doc(%d) is not deterministic", i)
		}
	}
	qs := c.Queries(1000, 0)
	other := c.Queries(1000, 1)
	count := map[string]int{}
	for _, q := range qs {
		count[q.Category]++
		if err := q.Query.Normalize(); err != nil {
			t.Errorf("%s query %+v: %v", q.Category, q.Query, err)
		}
	}
	same := 0
	for i := range qs {
		if qs[i].Category != other[i].Category {
			t.Fatalf("query %d is %s in set 0 and %s in set 1: the mix must not change", i, qs[i].Category, other[i].Category)
		}
		if fmt.Sprint(qs[i].Query) == fmt.Sprint(other[i].Query) {
			same++
		}
	}
	if same > 300 {
		t.Errorf("%d of 1000 queries are the same in sets 0 and 1", same)
	}
	for _, m := range benchMix {
		if count[m.name] != m.share {
			t.Errorf("%d %s queries in 1000, want %d", count[m.name], m.name, m.share)
		}
	}
	if _, err := newBenchCorpus(testRows(t), pool, testQuestions, 0); err == nil {
		t.Error("no error for 0 documents")
	}
	if _, err := newBenchCorpus(testRows(t), pool, nil, 10); err == nil {
		t.Error("no error for no questions")
	}
	asked := map[string]bool{}
	for _, q := range qs {
		if q.Category == "question" {
			if !slices.Contains(testQuestions, q.Query.Text) {
				t.Errorf("question %q is none of the questions given", q.Query.Text)
			}
			asked[q.Query.Text] = true
		}
	}
	if len(asked) != len(testQuestions) {
		t.Errorf("%d of the %d questions asked", len(asked), len(testQuestions))
	}
}

func TestLapNumber(t *testing.T) {
	order, _ := gazette.ParseDocNumber("省政府令第149号")
	if got := lapNumber(order, 0); got != "省政府令第149号" {
		t.Errorf("lap 0: %s", got)
	}
	got := lapNumber(order, 1)
	if n, err := gazette.ParseDocNumber(got); err != nil || n.String() != got || got == "省政府令第149号" {
		t.Errorf("lap 1: %q (%v)", got, err)
	}
}

// downIndex fails every search and lookup.
type downIndex struct {
	archive.Index
	calls atomic.Int64
}

func (c *downIndex) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	c.calls.Add(1)
	return gazette.Results{}, errors.New("engine down")
}

func (c *downIndex) Lookup(ctx context.Context, n gazette.DocNumber) ([]string, error) {
	c.calls.Add(1)
	return nil, errors.New("engine down")
}

func TestRunQueries(t *testing.T) {
	ctx := context.Background()
	pool := []string{"第一条 为了规范行政许可事项目录管理，根据有关法律、法规，制定本办法。"}
	c, err := newBenchCorpus(testRows(t), pool, testQuestions, 40)
	if err != nil {
		t.Fatal(err)
	}
	idx := newScanIndex()
	if _, err := IndexBench(ctx, idx, c, 7, nil); err != nil {
		t.Fatal(err)
	}
	qs := c.Queries(60, 0)
	for _, clients := range []int{1, 4} {
		st, err := RunQueries(ctx, idx, qs, clients)
		if err != nil {
			t.Fatal(err)
		}
		if st.Queries != 60 || st.Errors != 0 || st.P50 <= 0 || st.P50 > st.P95 || st.P95 > st.P99 || st.P99 > st.Max || st.PerSecond() <= 0 {
			t.Errorf("%d clients: %+v", clients, st)
		}
	}
	down := &downIndex{Index: idx}
	st, err := RunQueries(ctx, down, qs, 3)
	if err != nil {
		t.Fatal(err)
	}
	if st.Errors != 60 || st.FirstError == nil || down.calls.Load() != 60 {
		t.Errorf("%d errors (%v) in %d calls, want 60", st.Errors, st.FirstError, down.calls.Load())
	}
	if _, err := RunQueries(ctx, idx, qs, 0); err == nil {
		t.Error("no error for 0 clients")
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	if percentile(d, 0.5) != 50 || percentile(d, 0.99) != 99 || percentile(d, 0.95) != 95 || percentile(d[:1], 0.99) != 1 {
		t.Errorf("percentiles %v %v %v", percentile(d, 0.5), percentile(d, 0.95), percentile(d, 0.99))
	}
}

func TestTitleWords(t *testing.T) {
	needCorpus(t)
	rows, err := loadTitles(filepath.Join(testCorpus, DocnumsFile))
	if err != nil {
		t.Fatal(err)
	}
	w := titleWords(rows)
	for _, word := range []string{"健康", "财政", "交通", "土地", "医疗"} {
		if !w[word] {
			t.Errorf("%s is not a word", word)
		}
	}
	for _, junk := range []string{"关于", "发广", "府工", "能配", "设机"} {
		if w[junk] {
			t.Errorf("%s taken for a word", junk)
		}
	}
}
