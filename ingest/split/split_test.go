package split

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/layout/layouttest"
	"github.com/gazette-archive/gazette/ingest/page"
)

func linesPage(n int, lines ...string) layout.Page {
	p := layout.Page{Number: n}
	for i, l := range lines {
		p.Lines = append(p.Lines, page.Line{Text: l, Y: float64(100 + 20*i)})
	}
	return p
}

func TestFindContents(t *testing.T) {
	pages := []layout.Page{
		linesPage(1, "福建省人民政府公报", "2019年第12期"),
		linesPage(2, "目　　录", "【省政府令】", "福建省人民政府令（第208号）……………… 1",
			"【省政府文件】", "福建省人民政府关于印发福建省促进就业若干", "措施的通知 …………………………………… 5",
			"福建省人民政府关于做好春耕生产工作的通知……………………………", "（12）", "省政府办公厅文件",
			"福建省人民政府办公厅关于加强森林防火工作的通知　　１５"),
		linesPage(3, "福建省人民政府令", "第208号"),
	}
	got, tocPages := FindContents(pages)
	want := []Entry{
		{Title: "福建省人民政府令（第208号）", Section: "省政府令", Printed: 1},
		{Title: "福建省人民政府关于印发福建省促进就业若干措施的通知", Section: "省政府文件", Printed: 5},
		{Title: "福建省人民政府关于做好春耕生产工作的通知", Section: "省政府文件", Printed: 12},
		{Title: "福建省人民政府办公厅关于加强森林防火工作的通知", Section: "省政府办公厅文件", Printed: 15},
	}
	if fmt.Sprint(tocPages) != "[2]" {
		t.Errorf("contents pages %v, want [2]", tocPages)
	}
	if len(got) != len(want) {
		t.Fatalf("entries %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if e, p := FindContents(pages[2:]); e != nil || p != nil {
		t.Errorf("contents found where there are none: %v %v", e, p)
	}
}

// TestFindContentsScanned reads the contents of a scan whose leaders OCR
// lost or turned into letters: a page number straight after the title's
// last word or bracket, a short misread tail of a wrapped title, leaders
// read as Latin letters; a long line ending in a number of its own is no
// entry.
func TestFindContentsScanned(t *testing.T) {
	pages := []layout.Page{
		linesPage(1, "河南省人民政府公报", "2022年第16期"),
		linesPage(2, "目录", "【省政府令】",
			"河南省实施《机动车驾驶证申领和使用规定》办法1",
			"【省政府文件】",
			"河南省人民政府关于表彰2018—2020年度河南省红旗渠精神杯竞赛活动先进集体和先进个",
			"大的渍定2",
			"苍梧省城市供水管理办法（苍梧省人民政府令第206号）】3",
			"【人事任免】",
			"河南省人民政府关于孔华立等同志职务任免的通知eeeeeooesessesoeasesos6se 3",
			"苍梧省人民政府关于印发苍梧省政务服务“一网通办”工作方案的通知（梧府[2024]19",
			"号）…… 5",
			"苍梧省人民政府关于做好今冬明春森林防火工作的通知（梧政文{2024] 14",
			"匡WatereakoaadtnEroe 4",
			"教育部令：核释「中小學兼任代課及代理教師聘任辦法」第3條之2",
			"第1項之規定…… 4"),
	}
	got, _ := FindContents(pages)
	want := []string{
		"河南省实施《机动车驾驶证申领和使用规定》办法 1",
		"河南省人民政府关于表彰2018—2020年度河南省红旗渠精神杯竞赛活动先进集体和先进个大的渍定 2",
		"苍梧省城市供水管理办法（苍梧省人民政府令第206号）】 3",
		"河南省人民政府关于孔华立等同志职务任免的通知 3",
		"苍梧省人民政府关于印发苍梧省政务服务“一网通办”工作方案的通知（梧府[2024]19号） 5",
		"苍梧省人民政府关于做好今冬明春森林防火工作的通知（梧政文{2024] 14匡 4",
		"教育部令：核释「中小學兼任代課及代理教師聘任辦法」第3條之2第1項之規定 4",
	}
	var have []string
	for _, e := range got {
		have = append(have, fmt.Sprintf("%s %d", e.Title, e.Printed))
	}
	if strings.Join(have, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(have, "\n"), strings.Join(want, "\n"))
	}
}

// TestFindContentsHeadingSpeck finds contents of two entries, too few to
// be known by their shape, under a heading a scan read with a speck
// beside it (目录，).
func TestFindContentsHeadingSpeck(t *testing.T) {
	for _, head := range []string{"目录，", "·目 录", "目录|"} {
		pages := []layout.Page{
			linesPage(1, "泽安省人民政府公报", "2015年第1期"),
			linesPage(2, head, "【省政府令】", "泽安省城市供水管理办法…… 1", "泽安省农村公路养护管理办法…… 2"),
		}
		got, _ := FindContents(pages)
		if len(got) != 2 {
			t.Errorf("heading %q: entries %+v, want 2", head, got)
		}
	}
}

// TestSplitShape splits documents that follow each other mid-page, with
// no contents, by their shape; an attachment quoted by its notice and a
// rule promulgated by a 令 stay with their documents.
func TestSplitShape(t *testing.T) {
	b := func(text string, s layouttest.Style) layouttest.Block { return layouttest.Block{Text: text, Style: s} }
	blocks := []layouttest.Block{
		b("福建省人民政府公报", layouttest.Title), b("2019年第12期", layouttest.Centre), {Style: layouttest.NewPage},
		b("【省政府令】", layouttest.Banner),
		b("福建省人民政府令", layouttest.Title), b("第208号", layouttest.Centre),
		b("《福建省森林防火办法》已经2019年3月1日省人民政府第30次常务会议通过，现予公布，自2019年5月1日起施行。", layouttest.Body),
		b("省长　王宁", layouttest.Right), b("2019年3月5日", layouttest.Right),
		b("福建省森林防火办法", layouttest.Title), b("第一条　为了预防和扑救森林火灾，保护森林资源，制定本办法。", layouttest.Body),
		b("【省政府文件】", layouttest.Banner),
		b("福建省人民政府关于印发福建省促进就业若干措施的通知", layouttest.Title), b("闽政〔2019〕14号", layouttest.Centre),
		b("现将《福建省促进就业若干措施》印发给你们，请认真贯彻执行。", layouttest.Body),
		b("福建省人民政府", layouttest.Right), b("2019年4月28日", layouttest.Right),
		b("福建省促进就业若干措施", layouttest.Title), b("一、稳定就业岗位。支持企业稳定岗位，落实援企稳岗政策。", layouttest.Body),
		b("福建省人民政府关于做好春耕生产工作的通知", layouttest.Title), b("闽政明电〔2019〕3号", layouttest.Centre),
		b("各地要切实抓好春耕生产各项工作。", layouttest.Body),
		b("福建省人民政府", layouttest.Right), b("二〇一九年三月一日", layouttest.Right),
	}
	pages, places := layouttest.Typeset(blocks, layouttest.Options{Foot: func(n int) string { return fmt.Sprintf("— %d —", n) }, FirstPrinted: 1, FrontPages: 1})
	is := Split(layout.Clean(pages))
	wantStarts := []int{4, 12, 19}
	if len(is.Documents) != len(wantStarts) {
		for _, d := range is.Documents {
			t.Logf("document %q from %q", d.Title, d.Paragraphs[0].Text)
		}
		t.Fatalf("%d documents, want %d", len(is.Documents), len(wantStarts))
	}
	wantSections := []string{"省政府令", "省政府文件", "省政府文件"}
	for i, d := range is.Documents {
		at := places[wantStarts[i]]
		if d.PageStart != at.Page || d.Paragraphs[0].Y != at.Y {
			t.Errorf("document %d starts p%d y%.0f, want p%d y%.0f", i, d.PageStart, d.Paragraphs[0].Y, at.Page, at.Y)
		}
		if d.Section != wantSections[i] {
			t.Errorf("document %d section %q, want %q", i, d.Section, wantSections[i])
		}
		if d.Source != FromShape {
			t.Errorf("document %d source %v", i, d.Source)
		}
	}
	if !strings.Contains(is.Documents[0].Text(), "第一条") {
		t.Errorf("the rule left its 令: %q", is.Documents[0].Text())
	}
	if is.Documents[1].Title != "福建省人民政府关于印发福建省促进就业若干措施的通知" {
		t.Errorf("title %q", is.Documents[1].Title)
	}
}

func TestSplitEmpty(t *testing.T) {
	if is := Split(nil); len(is.Documents) != 0 {
		t.Errorf("Split(nil) = %+v", is)
	}
	is := Split(layout.Clean([]page.Page{{Lines: []page.Line{{Text: "各地要切实抓好春耕生产各项工作。"}}}}))
	if len(is.Documents) != 1 || is.Documents[0].PageStart != 1 {
		t.Errorf("a page without starts should be one document: %+v", is)
	}
}

// TestSplitOrderQuotingItsRule splits an issue whose contents list rules by
// their own titles, which name the law they implement (四川省实施《…》办法):
// each document starts at its 令 heading, not at the rule's title under the
// promulgation, and not at a law named in a quote.
func TestSplitOrderQuotingItsRule(t *testing.T) {
	b := func(text string, s layouttest.Style) layouttest.Block { return layouttest.Block{Text: text, Style: s} }
	tests := []struct {
		name        string
		rule, quote string // the rule's title as printed and as the 令 quotes it
		unnumbered  bool   // the pages print no numbers
	}{
		{"angle marks inside", "云南省实施《中华人民共和国国防教育法》办法", "《云南省实施〈中华人民共和国国防教育法〉办法》", false},
		{"book-title marks inside", "四川省实施《中华人民共和国预算法实施条例》办法", "《四川省实施《中华人民共和国预算法实施条例》办法》", false},
		{"book-title marks inside, pages unnumbered", "四川省实施《中华人民共和国预算法实施条例》办法", "《四川省实施《中华人民共和国预算法实施条例》办法》", true},
		{"no law named", "福建省森林防火办法", "《福建省森林防火办法》", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks := []layouttest.Block{
				b("某省人民政府公报", layouttest.Title), b("2024年第7期", layouttest.Centre), {Style: layouttest.NewPage},
				b("目　　录", layouttest.Title), b("【省政府令】", layouttest.Flush),
				b(tt.rule+"………………1", layouttest.Flush), b("【省政府文件】", layouttest.Flush),
				b("某省人民政府关于做好春耕生产工作的通知………………2", layouttest.Flush), {Style: layouttest.NewPage},
				b("【省政府令】", layouttest.Banner),
				b("某省人民政府令", layouttest.Title), b("第239号", layouttest.Centre),
				b(tt.quote+"已经2015年7月8日省人民政府第118次常务会议通过，现予公布，自2015年10月1日起施行。", layouttest.Body),
				b("省长　金辉", layouttest.Right), b("二〇一五年七月十八日", layouttest.Right),
				b(tt.rule, layouttest.Title),
				b("第一条　为了规范预算管理，根据《中华人民共和国预算法实施条例》，结合本省实际，制定本办法。", layouttest.Body),
				b("第二条　本办法自2015年10月1日起施行。", layouttest.Body), {Style: layouttest.NewPage},
				b("【省政府文件】", layouttest.Banner),
				b("某省人民政府关于做好春耕生产工作的通知", layouttest.Title), b("某政发〔2015〕3号", layouttest.Centre),
				b("各地要切实抓好春耕生产各项工作。", layouttest.Body),
				b("某省人民政府", layouttest.Right), b("2015年3月1日", layouttest.Right),
			}
			opts := layouttest.Options{Foot: func(n int) string { return fmt.Sprintf("— %d —", n) }, FirstPrinted: 1, FrontPages: 2}
			if tt.unnumbered {
				opts.Foot = nil // the contents' numbers map to no file page
			}
			pages, places := layouttest.Typeset(blocks, opts)
			is := Split(layout.Clean(pages))
			wantStarts := []int{10, 20}
			if len(is.Documents) != len(wantStarts) {
				for _, d := range is.Documents {
					t.Logf("document %q from %q", d.Title, d.Paragraphs[0].Text)
				}
				t.Fatalf("%d documents, want %d", len(is.Documents), len(wantStarts))
			}
			for i, d := range is.Documents {
				at := places[wantStarts[i]]
				if d.PageStart != at.Page || d.Paragraphs[0].Y != at.Y {
					t.Errorf("document %d starts p%d y%.0f (%q), want p%d y%.0f (%q)", i, d.PageStart, d.Paragraphs[0].Y, d.Paragraphs[0].Text, at.Page, at.Y, blocks[wantStarts[i]].Text)
				}
			}
			if !strings.Contains(is.Documents[0].Text(), "第二条") {
				t.Errorf("the rule left its 令: %q", is.Documents[0].Text())
			}
		})
	}
}

func TestContainment(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       float64
	}{
		{"title found whole", "关于做好春耕生产工作的通知", "福建省人民政府关于做好春耕生产工作的通知闽政明电2019号", 1},
		{"abbreviated in the contents", "关于做好春耕工作的通知", "关于做好春耕生产工作的通知", 0.9},
		{"pairs counted as often as both have them", "人民人民", "人民政府", 1.0 / 3},
		{"nothing shared", "森林防火", "促进就业", 0},
		{"one character", "令", "福建省人民政府令", 1},
		{"empty", "", "福建省人民政府令", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := normal(tt.a), normal(tt.b)
			if got := newPairs(a).containment(b); got < tt.want-1e-9 || got > tt.want+1e-9 {
				t.Errorf("containment(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
			}
			// Counted from either side, the shared pairs are the same.
			if got, want := newPairs(b).containedIn(a), newPairs(a).containment(b); got != want {
				t.Errorf("containedIn from %q's side = %.3f, containment = %.3f", tt.b, got, want)
			}
		})
	}
}

// TestNormalFastPaths: normal's shortcuts for ASCII and the CJK block
// agree with unicode.IsLetter and unicode.IsDigit.
func TestNormalFastPaths(t *testing.T) {
	for r := rune(0); r <= cjkLast; r++ {
		if r >= 0x80 && r < cjkFirst {
			continue
		}
		want := unicode.IsLetter(r) || unicode.IsDigit(r)
		if got := len(normal(string(r))) == 1; got != want {
			t.Fatalf("normal(%U) keeps it: %v, want %v", r, got, want)
		}
	}
}

// TestSplitScannedContents splits a scanned issue as OCR reads it: the
// wide-spaced 目 录 heading misread (目对) or lost, no page numbers at the
// foot of the pages, one entry's page number lost with only its leaders
// left. The contents page is still known by its entries, its heading is
// not taken for a title, and every document starts where it does; before,
// the contents went unrecognised and became a document of their own.
func TestSplitScannedContents(t *testing.T) {
	b := func(text string, s layouttest.Style) layouttest.Block { return layouttest.Block{Text: text, Style: s} }
	for _, heading := range []string{"目对", "利和", ""} {
		t.Run("heading "+heading, func(t *testing.T) {
			blocks := []layouttest.Block{
				b("苍梧省人民政府公报", layouttest.Title), b("2024年第7期", layouttest.Centre), {Style: layouttest.NewPage},
			}
			if heading != "" {
				blocks = append(blocks, b(heading, layouttest.Title))
			}
			blocks = append(blocks,
				b("【省政府令】", layouttest.Banner),
				b("苍梧省地方储备粮管理办法 3", layouttest.Flush),
				b("【省政府文件】", layouttest.Banner),
				b("苍梧省人民政府关于调整最低工资标准的通知……", layouttest.Flush),
				b("苍梧省人民政府关于开展经济普查的通知 4", layouttest.Flush),
				layouttest.Block{Style: layouttest.NewPage},
				b("苍梧省人民政府令", layouttest.Title), b("第206号", layouttest.Centre),
				b("《苍梧省地方储备粮管理办法》已经省人民政府常务会议通过，现予公布，自2024年6月1日起施行。", layouttest.Body),
				b("省长　高光阳", layouttest.Right), b("2024年2月23日", layouttest.Right),
				b("苍梧省地方储备粮管理办法", layouttest.Title),
				b("第一条　为了加强地方储备粮管理，确保储备粮数量真实、质量良好，制定本办法。", layouttest.Body),
				layouttest.Block{Style: layouttest.NewPage},
				b("苍梧省人民政府关于调整最低工资标准的通知", layouttest.Title), b("梧政文〔2024〕14号", layouttest.Centre),
				b("各市、县（区）人民政府：", layouttest.Flush),
				b("经省人民政府同意，决定调整全省最低工资标准。", layouttest.Body),
				b("苍梧省人民政府", layouttest.Right), b("2024年3月28日", layouttest.Right),
				b("苍梧省人民政府关于开展经济普查的通知", layouttest.Title), b("梧政〔2024〕17号", layouttest.Centre),
				b("全省将开展经济普查，现就有关事项通知如下。", layouttest.Body),
				b("苍梧省人民政府", layouttest.Right), b("2024年3月7日", layouttest.Right),
			)
			pages, _ := layouttest.Typeset(blocks, layouttest.Options{Jitter: 1.5, Seed: 3})
			is := Split(layout.Clean(pages))
			if fmt.Sprint(is.ContentsPages) != "[2]" || len(is.Contents) != 3 {
				t.Fatalf("contents pages %v, entries %+v; want page 2, 3 entries", is.ContentsPages, is.Contents)
			}
			if e := is.Contents[0]; e.Title != "苍梧省地方储备粮管理办法" || e.Section != "省政府令" || e.Printed != 3 {
				t.Errorf("first entry %+v: the heading is no part of it", e)
			}
			if e := is.Contents[1]; e.Title != "苍梧省人民政府关于调整最低工资标准的通知" || e.Printed != 0 {
				t.Errorf("entry without its page number %+v", e)
			}
			var got []string
			for _, d := range is.Documents {
				got = append(got, fmt.Sprintf("%d %s", d.PageStart, d.Title))
			}
			want := []string{"3 苍梧省地方储备粮管理办法", "4 苍梧省人民政府关于调整最低工资标准的通知", "4 苍梧省人民政府关于开展经济普查的通知"}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("documents:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestSplitShapedContentsUnconfirmed: a front page that has the shape of
// contents (lines ending in rising numbers, nothing else) but whose
// titles are nowhere in the issue is a page of a document, not contents
// to leave out.
func TestSplitShapedContentsUnconfirmed(t *testing.T) {
	b := func(text string, s layouttest.Style) layouttest.Block { return layouttest.Block{Text: text, Style: s} }
	blocks := []layouttest.Block{
		b("苍梧省人民政府关于公布各地粮食储备规模的通知", layouttest.Title), b("梧政〔2024〕3号", layouttest.Centre),
		b("各市、县（区）人民政府：现将各地储备规模公布如下（万吨）。", layouttest.Body),
		{Style: layouttest.NewPage},
		b("东山市储备规模 12", layouttest.Flush),
		b("西河市储备规模 15", layouttest.Flush),
		b("南湖县储备规模 20", layouttest.Flush),
		b("北岭县储备规模 26", layouttest.Flush),
	}
	pages, _ := layouttest.Typeset(blocks, layouttest.Options{})
	is := Split(layout.Clean(pages))
	if len(is.ContentsPages) != 0 || len(is.Documents) != 1 || is.Documents[0].PageEnd != 2 {
		t.Errorf("contents pages %v, %d documents: the table is the notice's", is.ContentsPages, len(is.Documents))
	}
}

// TestFindContentsOutlineWithoutNumbers: a report's outline whose lines
// all end in leaders without page numbers (a budget's 目录) lists no
// entries to split on; an entry whose number a scan lost among entries
// that have theirs is one.
func TestFindContentsOutlineWithoutNumbers(t *testing.T) {
	outline := []layout.Page{
		linesPage(1, "上海市普陀区2026年区级部门预算"),
		linesPage(2, "目录", "一、部门主要职能……………………", "二、部门机构设置……………………", "三、名词解释……………………", "四、部门预算编制说明……………………"),
	}
	if e, _ := FindContents(outline); len(e) != 0 {
		t.Errorf("entries %+v in an outline without page numbers", e)
	}
	scanned := []layout.Page{
		linesPage(1, "苍梧省人民政府公报"),
		linesPage(2, "目录", "苍梧省地方储备粮管理办法 3", "苍梧省城市供水管理办法……", "苍梧省人民政府关于开展经济普查的通知 5"),
	}
	e, _ := FindContents(scanned)
	if len(e) != 3 || e[1].Title != "苍梧省城市供水管理办法" || e[1].Printed != 0 {
		t.Errorf("entries %+v, want 3, the second on no page", e)
	}
}

// TestFindContentsLeadersWrapped: leaders that wrap on to the page number's
// own line (…條文…… / ………（1）, as the Executive Yuan Gazette sets them)
// end an entry on that page, not an entry on no page whose number then
// opens the next title.
func TestFindContentsLeadersWrapped(t *testing.T) {
	pages := []layout.Page{
		linesPage(1, "行政院公報"),
		linesPage(2, "目　　录", "內政篇", "內政部令：修正「不動產估價師專業訓練認可辦法」第2條、第6條條文……", "………………（1）",
			"中央選舉委員會公告：公告遞補當選人名單……………………（2）"),
	}
	e, _ := FindContents(pages)
	if len(e) != 2 || e[0].Printed != 1 || e[1].Title != "中央選舉委員會公告：公告遞補當選人名單" || e[1].Printed != 2 {
		t.Errorf("entries %+v, want the first on page 1 and the second's title without (1)", e)
	}
}
