package ingest

import (
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
)

// TestAssembleTitle checks that a title printed in pieces comes out whole,
// once: as the title, and not again at the start of the text; and that a
// title the pipeline is unsure of is named for review.
func TestAssembleTitle(t *testing.T) {
	// A page as the typesetter sets a notice: the title centred over two
	// lines narrower than the text, cut mid-word (positions as pdftext
	// reads them from a generated issue).
	typeset := []page.Line{
		{Text: "澜江省人民政府关于进一步加强城", X: 179.5, Y: 115.2, W: 236.2, Size: 15.8},
		{Text: "乡居民饮用水水源保护工作的通知", X: 179.5, Y: 140.4, W: 236.2, Size: 15.8},
		{Text: "澜政文〔2025〕31号", X: 250.4, Y: 162.7, W: 94.5, Size: 10.5},
		{Text: "各市、县（区）人民政府，省人民政府各部门、各直属机构：", X: 87.6, Y: 199.5, W: 283.5, Size: 10.5},
		{Text: "饮用水安全直接关系人民群众身体健康。近年来，全省饮用水水源保护工作取得明显成", X: 108.6, Y: 217.8, W: 399.0, Size: 10.5},
		{Text: "效，但部分地区仍存在保护区划定不规范、环境风险隐患排查不到位等问题。为进一步做好", X: 87.6, Y: 236.2, W: 420.0, Size: 10.5},
		{Text: "饮用水水源保护工作，经省人民政府同意，现就有关事项通知如下：", X: 87.6, Y: 254.6, W: 315.0, Size: 10.5},
		{Text: "一、科学划定保护区。各设区的市、县人民政府要按照国家技术规范，完成乡镇及以上", X: 108.6, Y: 273.0, W: 399.0, Size: 10.5},
		{Text: "集中式饮用水水源保护区的划定或者调整工作，设立明显的地理界标和警示标志。", X: 87.6, Y: 291.3, W: 378.0, Size: 10.5},
		{Text: "二、全面排查整治风险隐患。对保护区内的排污口、违法建设项目和畜禽养殖场开展专", X: 108.6, Y: 309.7, W: 399.0, Size: 10.5},
		{Text: "项排查，建立问题清单，明确整改时限和责任人，做到整改一个、销号一个。", X: 87.6, Y: 328.1, W: 357.0, Size: 10.5},
		{Text: "澜江省人民政府", X: 413.1, Y: 493.5, W: 73.5, Size: 10.5},
		{Text: "2025年12月27日", X: 413.1, Y: 511.8, W: 73.5, Size: 10.5},
	}
	// The first page of an original (惠州市人民政府, 2015): registration
	// number, the red 发文机关标志, the 文号, and a title over two lines,
	// the first shorter than the text is wide.
	original := []page.Line{
		{Text: "HFGS—2015—31", X: 410.7, Y: 127.3, W: 114.0, Size: 14.0},
		{Text: "惠州市人民政府文件", X: 101.1, Y: 256.1, W: 401.7, Size: 65.0},
		{Text: "惠府〔2015〕158 号", X: 232.0, Y: 310.4, W: 139.9, Size: 16.0},
		{Text: "惠州市人民政府关于印发", X: 169.9, Y: 397.5, W: 264.1, Size: 22.0},
		{Text: "《惠州市社会基本医疗保险办法》的通知", X: 85.9, Y: 429.5, W: 432.1, Size: 22.0},
		{Text: "各县、区人民政府，市政府各部门、各直属机构：", X: 79.5, Y: 486.4, W: 351.8, Size: 16.0},
		{Text: "《惠州市社会基本医疗保险办法》业经十一届 118 次市政府", X: 112.2, Y: 514.4, W: 412.3, Size: 16.0},
		{Text: "常务会议通过。现印发给你们，请按照执行。", X: 79.5, Y: 542.3, W: 319.9, Size: 16.0},
		{Text: "惠州市人民政府", X: 350.6, Y: 654.5, W: 111.9, Size: 16.0},
		{Text: "2015 年 11 月 5 日", X: 346.0, Y: 682.4, W: 123.4, Size: 16.0},
	}
	plain := func(lines ...string) []page.Line {
		var out []page.Line
		for _, l := range lines {
			out = append(out, page.Line{Text: l})
		}
		return out
	}
	tests := []struct {
		name      string
		lines     []page.Line
		title     string
		textStart string // the text's first paragraph
		review    string // a part of the document's review reason; "" for none
	}{
		{"title narrower than the text, cut mid-word", typeset,
			"澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知", "澜政文〔2025〕31号", ""},
		{"an original's title under its 版头, first line short", original,
			"惠州市人民政府关于印发《惠州市社会基本医疗保险办法》的通知", "HFGS—2015—31", ""},
		{"no positions, cut after 第", plain(
			"澜江省人民政府关于开展第",
			"五次全国经济普查的通知",
			"澜府〔2026〕44号",
			"各市、县（区）人民政府，省人民政府各部门、各直属机构：",
			"根据国务院统一部署，全省将开展第五次全国经济普查。为做好普查工作，现就有关事项通知如下。",
			"澜江省人民政府",
			"2026年1月10日"),
			"澜江省人民政府关于开展第五次全国经济普查的通知", "澜府〔2026〕44号", ""},
		{"no positions, a name cut in two, no 文号", plain(
			"澜江省人民政府关于卢伟",
			"永等同志职务任免的通知",
			"各市、县（区）人民政府，省人民政府各部门、各直属机构：",
			"省人民政府决定：",
			"任命卢伟永为省统计局局长。",
			"澜江省人民政府",
			"2026年3月3日"),
			"澜江省人民政府关于卢伟永等同志职务任免的通知", "各市、县（区）人民政府，省人民政府各部门、各直属机构：", ""},
		{"title that stops at 的", plain(
			"福建省人民政府关于做好春季森林防火工作的",
			"闽政〔2019〕14号",
			"各设区市人民政府：",
			"为切实做好春季森林防火工作，现就有关事项通知如下。",
			"福建省人民政府",
			"2019年3月1日"),
			"福建省人民政府关于做好春季森林防火工作的", "闽政〔2019〕14号", "以“的”结尾"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := &report.Result{}
			assemble(res, []page.Page{{Number: 1, Width: 595.28, Height: 841.89, Lines: tt.lines, Extractor: page.Text, Confidence: 1}})
			if len(res.Documents) != 1 {
				t.Fatalf("%d documents, want 1: %+v", len(res.Documents), res.Documents)
			}
			d := res.Documents[0]
			if d.Title != tt.title {
				t.Errorf("title %q, want %q", d.Title, tt.title)
			}
			first, _, _ := strings.Cut(d.Text, "\n")
			if first != tt.textStart {
				t.Errorf("text starts %q, want %q\ntext: %q", first, tt.textStart, d.Text)
			}
			var docReview []string
			for _, r := range res.Review {
				if strings.HasPrefix(r, "第1篇") {
					docReview = append(docReview, r)
				}
			}
			switch {
			case tt.review == "" && len(docReview) > 0:
				t.Errorf("review %q, want none", docReview)
			case tt.review != "" && (len(docReview) != 1 || !strings.Contains(docReview[0], tt.review) || !strings.Contains(docReview[0], tt.title)):
				t.Errorf("review %q, want one naming the document and saying %q", docReview, tt.review)
			}
		})
	}
}

// TestAssembleParagraphPages checks that every paragraph of a document's
// text is placed on the pages it was printed on, so that one page can be
// read again and its text put back in place.
func TestAssembleParagraphPages(t *testing.T) {
	at := func(y float64, text string, x float64) page.Line {
		return page.Line{Text: text, X: x, Y: y, W: 399, Size: 10.5}
	}
	p1 := []page.Line{
		{Text: "澜江省人民政府关于加强档案管理工作的通知", X: 179.5, Y: 115.2, W: 236.2, Size: 15.8},
		{Text: "澜政文〔2025〕31号", X: 250.4, Y: 162.7, W: 94.5, Size: 10.5},
		at(199.5, "各市、县（区）人民政府，省人民政府各部门、各直属机构：", 87.6),
		at(217.8, "档案工作直接关系政府信息的完整和可信。近年来，全省档案工作取得明显成效，但部分", 108.6),
		at(236.2, "地区仍存在整理不规范、保管条件不足等问题。现就有关事项通知如下：", 87.6),
		at(254.6, "一、规范整理。各设区的市、县人民政府要按照国家标准完成历年公报的整理和数字化工", 108.6),
	}
	p2 := []page.Line{
		at(115.2, "作，建立目录，做到应收尽收、应存尽存、应用尽用，方便查阅和利用，确保安全和完整。", 87.6),
		at(133.6, "二、加强保管。档案库房应当符合防火、防潮、防虫的要求，定期检查，发现问题及时处理。", 108.6),
		{Text: "澜江省人民政府", X: 413.1, Y: 493.5, W: 73.5, Size: 10.5},
		{Text: "2025年12月27日", X: 413.1, Y: 511.8, W: 73.5, Size: 10.5},
	}
	res := FromPages([]page.Page{
		{Number: 1, Width: 595, Height: 842, Lines: p1, Extractor: page.Text, Confidence: 1},
		{Number: 2, Width: 595, Height: 842, Lines: p2, Extractor: page.Text, Confidence: 1},
	})
	if len(res.Documents) != 1 {
		t.Fatalf("%d documents, want 1: %+v", len(res.Documents), res.Documents)
	}
	d := res.Documents[0]
	paras := strings.Split(d.Text, "\n")
	if len(d.ParagraphPages) != len(paras) {
		t.Fatalf("%d paragraph pages for %d paragraphs: %+v", len(d.ParagraphPages), len(paras), d.ParagraphPages)
	}
	for i, p := range paras {
		pp := d.ParagraphPages[i]
		want := gazette.PageRange{First: 1, Last: 1}
		switch {
		case strings.HasPrefix(p, "一、"):
			want = gazette.PageRange{First: 1, Last: 2} // runs on to page 2
		case strings.HasPrefix(p, "二、"), strings.HasPrefix(p, "澜江省人民政府"), strings.HasPrefix(p, "2025"):
			want = gazette.PageRange{First: 2, Last: 2}
		}
		if pp != want {
			t.Errorf("paragraph %d %q on pages %v, want %v", i, p, pp, want)
		}
	}
}
