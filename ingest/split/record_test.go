package split

import (
	"testing"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

// TestSplitRecordLines splits two notices where the 印发 line closing the
// first runs on to the next page, under the section's running head and just
// above the second's title (positions as pdftext reads a generated issue):
// the line stays with the first document and is not taken for the first
// line of the second's title.
func TestSplitRecordLines(t *testing.T) {
	body := func(y float64, text string, indent bool) page.Line {
		if indent {
			return page.Line{Text: text, X: 108.6, Y: y, W: 399.0, Size: 10.5}
		}
		return page.Line{Text: text, X: 87.6, Y: y, W: 420.0, Size: 10.5}
	}
	first := []page.Line{
		{Text: "澜江省人民政府关于做好今冬明春森林防火工作的通知", X: 124.4, Y: 115.2, W: 346.5, Size: 15.8},
		{Text: "澜政文〔2026〕31号", X: 250.4, Y: 137.5, W: 94.5, Size: 10.5},
		{Text: "各市、县（区）人民政府，省人民政府各部门、各直属机构：", X: 87.6, Y: 174.3, W: 283.5, Size: 10.5},
		body(192.7, "当前已进入森林防火高火险期，全省气温偏高、降水偏少，林区可燃物载量大，森林火", true),
		body(211.0, "灾风险突出。为切实做好今冬明春森林防火工作，现就有关事项通知如下：一、压紧压实", false),
		body(229.4, "防火责任。各地要严格落实地方行政首长负责制，层层签订防火责任书，将防火责任落实到", false),
		{Text: "山头地块和具体人员。", X: 87.6, Y: 247.8, W: 105.0, Size: 10.5},
		{Text: "澜江省人民政府", X: 413.1, Y: 302.9, W: 73.5, Size: 10.5},
		{Text: "二〇二六年九月二十六日", X: 371.1, Y: 321.3, W: 115.5, Size: 10.5},
		{Text: "（此件主动公开）", X: 108.6, Y: 339.7, W: 84.0, Size: 10.5},
		{Text: "抄送：省委各部门，省人大常委会办公厅，省政协办公厅，省法院，省检察院。", X: 87.6, Y: 385.6, W: 367.5, Size: 10.5},
	}
	second := []page.Line{
		{Text: "省政府文件", X: 275.1, Y: 62.0, W: 45.0, Size: 9.0}, // the section's running head
		{Text: "澜江省人民政府办公厅\u3000\u30002026年9月29日印发", X: 87.6, Y: 108.4, W: 215.2, Size: 10.5},
		{Text: "澜江省人民政府关于进一步加强城", X: 179.5, Y: 170.3, W: 236.2, Size: 15.8},
		{Text: "乡居民饮用水水源保护工作的通知", X: 179.5, Y: 195.5, W: 236.2, Size: 15.8},
		{Text: "澜政文〔2026〕32号", X: 250.4, Y: 217.8, W: 94.5, Size: 10.5},
		{Text: "各市、县（区）人民政府，省人民政府各部门、各直属机构：", X: 87.6, Y: 254.6, W: 283.5, Size: 10.5},
		body(273.0, "饮用水安全直接关系人民群众身体健康。近年来，全省饮用水水源保护工作取得明显成", true),
		body(291.3, "效，但部分地区仍存在保护区划定不规范、环境风险隐患排查不到位等问题。为进一步做好", false),
		{Text: "饮用水水源保护工作，经省人民政府同意，现就有关事项通知如下：", X: 87.6, Y: 309.7, W: 315.0, Size: 10.5},
		body(328.1, "一、科学划定保护区。各设区的市、县人民政府要按照国家技术规范，完成乡镇及以上", true),
		{Text: "集中式饮用水水源保护区的划定或者调整工作，设立明显的地理界标和警示标志。", X: 87.6, Y: 346.5, W: 378.0, Size: 10.5},
		{Text: "澜江省人民政府", X: 413.1, Y: 548.6, W: 73.5, Size: 10.5},
		{Text: "2026年11月2日", X: 418.4, Y: 567.0, W: 68.2, Size: 10.5},
	}
	is := Split(layout.Clean([]page.Page{{Number: 1, Lines: first}, {Number: 2, Lines: second}}))
	if len(is.Documents) != 2 {
		for _, d := range is.Documents {
			t.Logf("document %q from %q", d.Title, d.Paragraphs[0].Text)
		}
		t.Fatalf("%d documents, want 2", len(is.Documents))
	}
	if got := is.Documents[1].Paragraphs[0].Text; got != "澜江省人民政府关于进一步加强城" {
		t.Errorf("second document starts %q, want its title", got)
	}
	ps := is.Documents[0].Paragraphs
	if got := ps[len(ps)-1].Text; got != "澜江省人民政府办公厅\u3000\u30002026年9月29日印发" {
		t.Errorf("first document ends %q, want its 印发 line", got)
	}
}
