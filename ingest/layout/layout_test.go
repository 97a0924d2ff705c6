package layout

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/layout/layouttest"
	"github.com/gazette-archive/gazette/ingest/page"
)

func TestJoinLines(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"han", "各设区市人民政府，省人民政府各部", "门、各直属机构：", "各设区市人民政府，省人民政府各部门、各直属机构："},
		{"full-width punctuation", "现予公布，", "自2019年5月1日起施行。", "现予公布，自2019年5月1日起施行。"},
		{"latin words", "the Federal", "Register", "the Federal Register"},
		{"hyphenated word", "regu-", "lation", "regulation"},
		{"hyphen before digit kept", "GB/T 9704-", "2012", "GB/T 9704-2012"},
		{"latin then han", "CNS15114", "或CNS15115", "CNS15114或CNS15115"},
		{"han then latin", "国际电工委员会标准（以下简称", "IEC）", "国际电工委员会标准（以下简称IEC）"},
		{"word then number", "JIS", "8991", "JIS 8991"},
		{"number wrapped", "规划(2", "013—2020年)", "规划(2013—2020年)"},
		{"trailing spaces", "本办法 ", " 自公布之日起施行", "本办法自公布之日起施行"},
		{"empty", "", "文本", "文本"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JoinLines(tt.a, tt.b); got != tt.want {
				t.Errorf("JoinLines(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestPageNumber(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		label    string
		ok       bool
	}{
		{"plain", "5", 5, "5", true},
		{"em dashes", "— 5 —", 5, "5", true},
		{"dashes read as 一 by OCR", "一 5 一", 5, "5", true},
		{"一 in text is no page number", "一5", 0, "", false},
		{"hyphens", "-12-", 12, "12", true},
		{"full-width", "－１２－", 12, "12", true},
		{"middle dots", "·5·", 5, "5", true},
		{"brackets", "（5）", 5, "5", true},
		{"di ye", "第5页", 5, "5", true},
		{"of total", "第 5 页 共 22 页", 5, "5", true},
		{"slash", "5/22", 5, "5", true},
		{"roman", "iv", 0, "iv", true},
		{"roman upper", "— XII —", 0, "xii", true},
		{"bad roman", "iiii", 0, "", false},
		{"year is text", "2019年第12期", 0, "", false},
		{"sentence", "第五条 本办法自公布之日起施行。", 0, "", false},
		{"word civil", "civil", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, label, ok := pageNumber(tt.in)
			if n != tt.want || label != tt.label || ok != tt.ok {
				t.Errorf("pageNumber(%q) = %d, %q, %v; want %d, %q, %v", tt.in, n, label, ok, tt.want, tt.label, tt.ok)
			}
		})
	}
}

var sentences = []string{
	"为深入推进简政放权、放管结合、优化服务改革，进一步激发市场活力和社会创造力，",
	"经省人民政府同意，现将有关事项通知如下。",
	"各地各部门要高度重视，加强组织领导，明确责任分工，确保各项任务落到实处。",
	"县级以上地方人民政府应当将安全生产工作纳入国民经济和社会发展规划，",
	"对在工作中做出显著成绩的单位和个人，按照国家和省有关规定给予表彰和奖励。",
	"本办法所称重大行政决策，是指由县级以上人民政府作出的涉及社会公众切身利益的决策事项。",
	"建立健全信息共享机制，推动政务数据跨部门、跨层级、跨区域互联互通。",
	"违反本规定的，由有关主管部门责令改正；情节严重的，依法追究法律责任。",
}

// sampleBlocks is a short document set like a gazette's.
func sampleBlocks() []layouttest.Block {
	var blocks []layouttest.Block
	n := 0
	for d := 1; d <= 6; d++ {
		blocks = append(blocks,
			layouttest.Block{Text: fmt.Sprintf("福建省人民政府关于印发第%d批省级行政许可事项目录和实施规范的通知", d), Style: layouttest.Title},
			layouttest.Block{Text: fmt.Sprintf("闽政〔2019〕%d号", d), Style: layouttest.Centre},
			layouttest.Block{Text: "各设区市人民政府，平潭综合实验区管委会，省人民政府各部门、各直属机构，各大企业，各高等院校：", Style: layouttest.Flush},
		)
		for range 5 {
			var b strings.Builder
			for range 1 + n%4 {
				b.WriteString(sentences[n%len(sentences)])
				n += 3
			}
			blocks = append(blocks, layouttest.Block{Style: layouttest.Body, Text: b.String()})
			n++
		}
		blocks = append(blocks,
			layouttest.Block{Text: "福建省人民政府", Style: layouttest.Right},
			layouttest.Block{Text: "2019年4月28日", Style: layouttest.Right},
		)
	}
	return blocks
}

func TestCleanTypeset(t *testing.T) {
	head := func(n int) string {
		if n%2 == 0 {
			return fmt.Sprintf("福建省人民政府公报  2019年第%d期", 12)
		}
		return fmt.Sprintf("省政府文件  第%d页", n)
	}
	tests := []struct {
		name string
		opt  layouttest.Options
	}{
		{"sizes and dash numbers", layouttest.Options{Head: head, Foot: func(n int) string { return fmt.Sprintf("— %d —", n) }, FirstPrinted: 1}},
		{"no sizes", layouttest.Options{Head: head, Foot: func(n int) string { return fmt.Sprintf("-%d-", n) }, FirstPrinted: 21, NoSizes: true}},
		{"OCR jitter", layouttest.Options{Head: head, Foot: func(n int) string { return fmt.Sprintf("·%d·", n) }, FirstPrinted: 3, Jitter: 2.5, Seed: 3}},
		{"front matter", layouttest.Options{Foot: func(n int) string { return fmt.Sprintf("第%d页", n) }, FirstPrinted: 1, FrontPages: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks := sampleBlocks()
			pages, _ := layouttest.Typeset(blocks, tt.opt)
			if len(pages) < 4 {
				t.Fatalf("typeset %d pages, want several", len(pages))
			}
			got := Clean(pages)
			for i, p := range got {
				want := 0
				if i >= tt.opt.FrontPages {
					want = tt.opt.FirstPrinted + i - tt.opt.FrontPages
				}
				if p.Printed != want {
					t.Errorf("page %d: printed %d, want %d", p.Number, p.Printed, want)
				}
				for _, l := range p.Lines {
					if strings.Contains(l.Text, "公报") || strings.Contains(l.Text, "页") || strings.Contains(l.Text, "—") {
						t.Errorf("page %d: furniture %q left in", p.Number, l.Text)
					}
				}
			}
			paras := Paragraphs(got)
			var want []string
			for _, b := range blocks {
				want = append(want, b.Text)
			}
			var have []string
			for _, p := range paras {
				have = append(have, p.Text)
			}
			for i := range max(len(have), len(want)) {
				if i >= len(have) || i >= len(want) || have[i] != want[i] {
					t.Fatalf("paragraph %d differs (got %d, want %d paragraphs):\n got %q\nwant %q", i, len(have), len(want), at(have, i), at(want, i))
				}
			}
			if !paras[0].Heading {
				t.Errorf("title %q not a heading", paras[0].Text)
			}
			if paras[1].Align != AlignCentre {
				t.Errorf("文号 line aligned %v, want centre", paras[1].Align)
			}
		})
	}
}

func TestCleanWithoutGeometry(t *testing.T) {
	lines := []string{
		"关于做好春季森林防火工作的通知",
		"各设区市人民政府，省直有关单位：",
		"为切实做好春季森林防火工作，现就有关事项通知如",
		"下。请认真贯彻执行。",
		"福建省人民政府办公厅",
		"2019年3月1日",
	}
	var p page.Page
	for _, l := range lines {
		p.Lines = append(p.Lines, page.Line{Text: l})
	}
	got := Paragraphs(Clean([]page.Page{p}))
	want := []string{lines[0], lines[1], lines[2] + lines[3], lines[4], lines[5]}
	if len(got) != len(want) {
		t.Fatalf("got %d paragraphs %q, want %q", len(got), Text(got), want)
	}
	for i := range want {
		if got[i].Text != want[i] {
			t.Errorf("paragraph %d = %q, want %q", i, got[i].Text, want[i])
		}
	}
}

func TestCleanBadInput(t *testing.T) {
	got := Clean([]page.Page{{}, {Lines: []page.Line{{Text: "  "}, {Text: "\xff\xfe", X: -1, W: math.Inf(1)}}}})
	if len(got) != 2 || got[1].Number != 2 {
		t.Fatalf("Clean = %+v", got)
	}
	if len(got[1].Paragraphs) != 1 || !strings.Contains(got[1].Paragraphs[0].Text, "\uFFFD") {
		t.Errorf("invalid UTF-8 not replaced: %+v", got[1].Paragraphs)
	}
}

// TestCleanRealReport reads a real 22-page report (WPS Office, running head
// on every page, page number at the foot) through poppler.
func TestCleanRealReport(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "corpus", "pdf", "pdfplumber__issue-67-example.pdf")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real corpus not present (%v): skipping", err)
	}
	pages, err := layouttest.Poppler(context.Background(), path)
	if errors.Is(err, exec.ErrNotFound) {
		t.Skip("pdftotext not installed: skipping")
	}
	if err != nil {
		t.Fatal(err)
	}
	got := Clean(pages)
	withNumber := 0
	for _, p := range got {
		if p.Printed == p.Number {
			withNumber++
		}
		for _, l := range p.Lines {
			if strings.Contains(l.Text, "年第一季度报告全文") {
				t.Errorf("page %d: running head %q left in", p.Number, l.Text)
			}
		}
	}
	if withNumber < len(got)-1 {
		t.Errorf("printed number found on %d of %d pages", withNumber, len(got))
	}
	text := Text(Paragraphs(got))
	for _, want := range []string{
		"公司董事会、监事会及董事、监事、高级管理人员保证季度报告内容的真实、准确、完整，不存在虚假记载、误导性陈述或者重大遗漏，并承担个别和连带的法律责任。",
		"公司负责人刘道骐、主管会计工作负责人肖寻及会计机构负责人(会计主管人员)钱扣明声明：保证季度报告中财务报表的真实、准确、完整。",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("paragraph not rebuilt: %q", want)
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// TestCleanSplitHead removes a running head printed as two parts on one
// baseline (the gazette's name on the left, the issue on the right) on the
// even pages of a short issue, where each part repeats only twice and its
// nearest line is its own other half.
func TestCleanSplitHead(t *testing.T) {
	body := []string{
		"第八条　公共数据以共享为原则，不共享为例外。列为不予共享的，应当有",
		"法律、法规或者国家有关规定作为依据。",
		"第九条　公共数据开放分为无条件开放、有条件开放和不予开放三类。",
	}
	// mk builds a page: head parts at y 62 in headSize, body from bodyY.
	mk := func(n int, heads []string, headSize, bodySize, bodyY, skew float64) page.Page {
		p := page.Page{Number: n, Width: 595, Height: 842}
		for k, h := range heads {
			p.Lines = append(p.Lines, page.Line{Text: h, X: 88 + 370*float64(k), Y: 62 + skew*float64(k), W: 80, Size: headSize})
		}
		for k, b := range body {
			p.Lines = append(p.Lines, page.Line{Text: b, X: 88, Y: bodyY + 21*float64(k), W: 420, Size: bodySize})
		}
		p.Lines = append(p.Lines, page.Line{Text: fmt.Sprintf("— %d —", n), X: 279, Y: 794, W: 37, Size: bodySize})
		return p
	}
	tests := []struct {
		name      string
		even, odd []string
		headSize  float64
		bodyY     float64
		skew      float64 // how far the right part sits below the left (OCR)
		removed   bool
	}{
		{"name and issue, smaller type", []string{"临海市人民政府公报", "2017年第9期"}, []string{"市政府令"}, 9, 111, 0, true},
		{"name and issue, no sizes, set apart", []string{"苍梧省人民政府公报", "2024年第7期"}, []string{"省政府文件"}, 0, 111, 0, true},
		{"name and issue, no sizes, OCR skew", []string{"苍梧省人民政府公报", "2024年第7期"}, []string{"省政府文件"}, 0, 111, 2.5, true},
		{"body type at body spacing is kept", []string{"各市、县（区）人民政府，", "省人民政府各部门："}, nil, 12, 83, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bodySize := 12.0
			if tt.headSize == 0 {
				bodySize = 0
			}
			var pages []page.Page
			for n := 1; n <= 4; n++ {
				heads := tt.odd
				if n%2 == 0 {
					heads = tt.even
				}
				pages = append(pages, mk(n, heads, tt.headSize, bodySize, tt.bodyY, tt.skew))
			}
			for _, p := range Clean(pages) {
				if p.Number%2 != 0 {
					continue
				}
				for _, h := range tt.even {
					left := slicesContainsText(p.Lines, h)
					if left == tt.removed {
						t.Errorf("page %d: %q left in = %v, want %v", p.Number, h, left, !tt.removed)
					}
				}
			}
		})
	}
}

// TestCleanKeepsDocNumbers keeps the 文号 at the top of pages where each
// document of an issue starts on a new page (东府〔2015〕111号 repeats its
// shape like a running head, and is content), and removes a page number
// set between dashes a little above the usual footer zone.
func TestCleanKeepsDocNumbers(t *testing.T) {
	var pages []page.Page
	for n := 1; n <= 4; n++ {
		p := page.Page{Number: n, Width: 595, Height: 842}
		p.Lines = append(p.Lines,
			page.Line{Text: fmt.Sprintf("东府〔2015〕%d号", 110+n), X: 250, Y: 60, W: 100, Size: 12},
			page.Line{Text: "东莞市人民政府关于加强公共租赁住房管理的通知", X: 120, Y: 130, W: 360, Size: 18},
			page.Line{Text: "各镇人民政府（街道办事处），市府直属各单位：", X: 88, Y: 170, W: 420, Size: 12},
			page.Line{Text: "为加强公共租赁住房的管理，现就有关事项通知如下。", X: 112, Y: 190, W: 396, Size: 12},
			page.Line{Text: fmt.Sprintf("—%d—", n), X: 89, Y: 740.6, W: 35, Size: 12},
		)
		pages = append(pages, p)
	}
	for _, p := range Clean(pages) {
		want := fmt.Sprintf("东府〔2015〕%d号", 110+p.Number)
		if !slicesContainsText(p.Lines, want) {
			t.Errorf("page %d: 文号 %q removed as furniture (removed: %v)", p.Number, want, p.Removed)
		}
		if slicesContainsText(p.Lines, fmt.Sprintf("—%d—", p.Number)) || p.Printed != p.Number {
			t.Errorf("page %d: page number left in (printed %d)", p.Number, p.Printed)
		}
	}
}

// TestCleanMisreadHead removes running heads that name the gazette even
// where OCR misread a character of them (得建省 for 福建省), or of the
// cover's name (公掀 for 公报, which kept the heads in before), and in a
// short issue where each repeats on few pages, and the section heads of
// odd pages that echo the banners (【省政府文件】); also where the
// cover's reading lost the province's name (省人民政府公报).
func TestCleanMisreadHead(t *testing.T) {
	for _, cover := range []string{"福建省人民政府公报", "福建省人民政府公掀", "福建省人民政府仝报", "省人民政府公报"} {
		t.Run(cover, func(t *testing.T) { misreadHeads(t, cover) })
	}
}

func misreadHeads(t *testing.T, cover string) {
	heads := []string{"", "", "省政府令", "福建省人民政府公报2024年第7期", "省政府文件", "得建省人民政府公报2024年第7期", "人事任免"}
	banners := []string{"", "", "【省政府令】", "【省政府文件】", "", "", "【人事任免】"}
	var pages []page.Page
	for n := 1; n <= len(heads); n++ {
		p := page.Page{Number: n, Width: 595, Height: 842}
		if n == 1 {
			p.Lines = append(p.Lines, page.Line{Text: cover, X: 150, Y: 200, W: 300, Size: 40})
		}
		if h := heads[n-1]; h != "" {
			p.Lines = append(p.Lines, page.Line{Text: h, X: 88, Y: 66, W: 200, Size: 16})
		}
		if b := banners[n-1]; b != "" {
			p.Lines = append(p.Lines, page.Line{Text: b, X: 250, Y: 114, W: 100, Size: 15})
		}
		p.Lines = append(p.Lines,
			page.Line{Text: "第一条　为了加强城市供水管理，保障城市生活、生产用水，制定本办法。", X: 112, Y: 140, W: 396, Size: 16},
			page.Line{Text: "第二条　本办法适用于本省行政区域内城市公共供水。", X: 112, Y: 162, W: 300, Size: 16})
		pages = append(pages, p)
	}
	for _, p := range Clean(pages) {
		if h := heads[p.Number-1]; h != "" && slicesContainsText(p.Lines, h) {
			t.Errorf("page %d: running head %q left in", p.Number, h)
		}
		if b := banners[p.Number-1]; b != "" && !slicesContainsText(p.Lines, b) {
			t.Errorf("page %d: banner %q removed", p.Number, b)
		}
	}
}

func slicesContainsText(lines []page.Line, s string) bool {
	for _, l := range lines {
		if l.Text == s {
			return true
		}
	}
	return false
}

// TestFoldPunct holds foldPunct to its definition: the mappings, then
// spaces collapsed as strings.Fields and strings.Join do.
func TestFoldPunct(t *testing.T) {
	ref := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
				r -= 0xFEE0
			case strings.ContainsRune("—–―－−‐‒~～", r):
				r = '-'
			case r == '・' || r == '∙' || r == '．':
				r = '·'
			}
			b.WriteRune(r)
		}
		return strings.Join(strings.Fields(b.String()), " ")
	}
	for _, s := range []string{
		"", " ", "　— ５ —　", "第 ５ 页\t共２２页", "－ⅳ－", "·12·", "\u00a0 ab\u0085cd \n", "某省人民政府公报　２０２４年第７期",
		"～３～", "Ｐａｇｅ　１", "bad \xff utf8", "・∙．", "a\u3000\u3000b",
	} {
		if got, want := foldPunct(s), ref(s); got != want {
			t.Errorf("foldPunct(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestCleanJoinsOCRPieces checks that a printed line OCR returned in
// pieces on one baseline, out of order at times, comes back as one line,
// and that pieces set apart (joint signatures) stay apart.
func TestCleanJoinsOCRPieces(t *testing.T) {
	l := func(x, y, w, s float64, text string) page.Line {
		return page.Line{Text: text, X: x, Y: y, W: w, Size: s}
	}
	p := page.Page{Number: 1, Width: 595, Height: 842, Extractor: page.OCR, Lines: []page.Line{
		l(90, 263, 415, 62.6, "苍梧省卫生健康委员会文件"),
		l(237, 324, 126, 21.6, "梧卫规〔2015〕18号"),
		l(147, 423, 307, 33.5, "苍梧省卫生健康委员会关于印发"),
		l(338, 450, 116, 31.7, "办法的通知"),
		l(147, 445, 189, 23.0, "苍梧省预算绩效管理"),
		l(81, 494, 256, 28.8, "各设区的市、县（市、区）有关部门，"),
		l(350, 487, 98, 15.5, "省直有关单位："),
		l(113, 526, 408, 27.0, "为全面实施预算绩效管理，提高财政资金使用效益，我们制"),
		l(82, 554, 250, 30.2, "定了《苍梧省预算绩效管理办法》，"),
		l(82, 585, 27, 30.2, "行。"),
		l(344, 551, 179, 23.8, "现印发给你们，请遵照执"),
		l(120, 662, 120, 16.6, "苍梧省财政厅"),
		l(332, 662, 156, 16.6, "苍梧省卫生健康委员会"),
		l(360, 695, 100, 21.2, "2015年3月14日"),
	}}
	var lines []string
	for _, l := range Clean([]page.Page{p})[0].Lines {
		lines = append(lines, l.Text)
	}
	want := []string{"苍梧省卫生健康委员会文件", "梧卫规〔2015〕18号", "苍梧省卫生健康委员会关于印发", "苍梧省预算绩效管理办法的通知",
		"各设区的市、县（市、区）有关部门，省直有关单位：", "为全面实施预算绩效管理，提高财政资金使用效益，我们制",
		"定了《苍梧省预算绩效管理办法》，现印发给你们，请遵照执", "行。", "苍梧省财政厅", "苍梧省卫生健康委员会", "2015年3月14日"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// A text layer's lines are as the PDF set them.
	p.Extractor = page.Text
	if n := len(Clean([]page.Page{p})[0].Lines); n != len(p.Lines) {
		t.Errorf("text page: %d lines, want %d", n, len(p.Lines))
	}
}

// TestCleanSwollenFirstPage checks that on a scan whose show-through made
// OCR's line boxes of one page taller than the file's text (so its 主送
// and text read as large as a title), an indented line under a line set
// from the margin still opens a paragraph of its own: the 主送 whose colon
// the scan lost does not run on into the text.
func TestCleanSwollenFirstPage(t *testing.T) {
	l := func(x, y, w, s float64, text string) page.Line {
		return page.Line{Text: text, X: x, Y: y, W: w, Size: s}
	}
	first := page.Page{Number: 1, Width: 595, Height: 842, Extractor: page.OCR, Lines: []page.Line{
		l(92, 273, 413, 72, "河南省人民政府文件"),
		l(233, 329, 134, 20.2, "豫政〔2012〕92号"),
		l(169, 427, 264, 32.8, "河南省人民政府关于全面提"),
		l(169, 456, 263, 32.8, "高高等教育质量的若干意见"),
		l(81, 498, 440, 28.8, "各设区的市人民政府，各开发区管理委员会，省人民政府各部"),
		l(82, 528, 286, 28.8, "门、各直属机构，各大企业，各高等院校"),
		l(113, 555, 409, 28.8, "一当事人在一审诉讼中仅请求解除融资租赁合同，未对租"),
		l(82, 585, 440, 28.8, "赁物的归属及损失赔偿提出主张的，人民法院可以向当事人进行"),
		l(82, 611, 41, 28.8, "释明。"),
		l(114, 643, 408, 28.8, "二、租赁物不符合融资租赁合同的约定且出租人实施了下列"),
		l(83, 672, 440, 28.8, "行为之一，承租人依照民法典第七百四十四条、第七百四十七条"),
	}}
	second := page.Page{Number: 2, Width: 595, Height: 842, Extractor: page.OCR}
	for k := range 12 {
		second.Lines = append(second.Lines, l(78, 141+29*float64(k), 440, 23.4, "务，出租人按照融资租赁合同的约定要求承租人支付逾期利息、"))
	}
	paras := Clean([]page.Page{first, second})[0].Paragraphs
	var texts []string
	for _, p := range paras {
		texts = append(texts, p.Text)
	}
	want := "各设区的市人民政府，各开发区管理委员会，省人民政府各部门、各直属机构，各大企业，各高等院校"
	if !slices.Contains(texts, want) {
		t.Errorf("paragraphs:\n%s\nwant one of them: %s", strings.Join(texts, "\n"), want)
	}
}
