package layout

import (
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

func TestArticleSpace(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// The printed space, lost or mangled by extraction.
		{"article, space lost", "第一条为了规范公共数据资源的汇聚、共享、开放和利用，制定本办法。", "第一条　为了规范公共数据资源的汇聚、共享、开放和利用，制定本办法。"},
		{"chapter, space lost", "第一章总则", "第一章　总则"},
		{"section", "第二节一般规定", "第二节　一般规定"},
		{"part", "第三编附则", "第三编　附则"},
		{"article in the hundreds", "第一百零二条本法自2021年1月1日起施行。", "第一百零二条　本法自2021年1月1日起施行。"},
		{"arabic numerals", "第12条本办法由省司法厅负责解释。", "第12条　本办法由省司法厅负责解释。"},
		{"full-width numerals", "第１２条本办法由省司法厅负责解释。", "第１２条　本办法由省司法厅负责解释。"},
		{"inserted article", "第十条之一县级以上人民政府应当建立协调机制。", "第十条之一　县级以上人民政府应当建立协调机制。"},
		{"ascii space", "第二条 本办法适用于本市行政区域内公共租赁住房的建设。", "第二条　本办法适用于本市行政区域内公共租赁住房的建设。"},
		{"two ideographic spaces", "第三条　　本办法所称公共数据，是指各类数据。", "第三条　本办法所称公共数据，是指各类数据。"},
		{"OCR spaces inside the heading", "第 五 条 违反本办法规定的，依法处理。", "第 五 条　违反本办法规定的，依法处理。"},
		{"traditional", "第一條為保障人民權益，特制定本法。", "第一條　為保障人民權益，特制定本法。"},
		{"bracketed article name", "第一条【立法目的】为了保护环境，制定本条例。", "第一条　【立法目的】为了保护环境，制定本条例。"},
		{"article opening with 以下 (a real scan, 穗建住保〔2015〕1312号)", "第四条以下两类来穗务工人员，可以申请承租市本级公共租赁住房：", "第四条　以下两类来穗务工人员，可以申请承租市本级公共租赁住房："},
		{"an article may open with words a reference uses later", "第二条中华人民共和国境内的建设活动，适用本办法。", "第二条　中华人民共和国境内的建设活动，适用本办法。"},
		// Left as printed.
		{"already one ideographic space", "第一条　为了加强城市供水管理，制定本办法。", "第一条　为了加强城市供水管理，制定本办法。"},
		{"reference in running text", "依照本办法第一条规定，制定实施细则。", "依照本办法第一条规定，制定实施细则。"},
		{"paragraph opening with a reference", "第一条规定的情形，由市住建局认定。", "第一条规定的情形，由市住建局认定。"},
		{"reference to a clause", "第三条第二款所列单位应当在三十日内登记。", "第三条第二款所列单位应当在三十日内登记。"},
		{"list of references", "第五条、第六条的规定不适用于临时建筑。", "第五条、第六条的规定不适用于临时建筑。"},
		{"range of references", "第一条至第五条适用于全部公共租赁住房。", "第一条至第五条适用于全部公共租赁住房。"},
		{"two references", "第五条和第六条同时废止。", "第五条和第六条同时废止。"},
		{"amending decision, item", "第十条修改为：“市住建局负责本市公共租赁住房管理工作。”", "第十条修改为：“市住建局负责本市公共租赁住房管理工作。”"},
		{"amending decision, insertion", "第五条后增加一条，作为第五条之一。", "第五条后增加一条，作为第五条之一。"},
		{"heading alone", "第一章", "第一章"},
		{"heading alone, trailing space", "第一章　", "第一章　"},
		{"heading with a comma", "第一条，第二条不再适用。", "第一条，第二条不再适用。"},
		{"ordinal that is no article", "第五次全国经济普查工作方案", "第五次全国经济普查工作方案"},
		{"ordinal in a title", "第十四届全国运动会筹备工作的通知", "第十四届全国运动会筹备工作的通知"},
		{"no ordinal", "第条为了", "第条为了"},
		{"not at the start", "根据第一条为了", "根据第一条为了"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ArticleSpace(tt.in); got != tt.want {
				t.Errorf("ArticleSpace(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestCleanArticleSpace checks that paragraphs come out of Clean with the
// space after their article heading, wherever it was lost.
func TestCleanArticleSpace(t *testing.T) {
	lines := []string{
		"第一章总则",
		"第一条为了加强城市供水管理，制定本办法。",
		"第二条本办法适用于本市行政区域内城市公共供水的管理，依照本办法第一条规定执行。",
	}
	var p page.Page
	for _, l := range lines {
		p.Lines = append(p.Lines, page.Line{Text: l})
	}
	got := Paragraphs(Clean([]page.Page{p}))
	want := []string{
		"第一章　总则",
		"第一条　为了加强城市供水管理，制定本办法。",
		"第二条　本办法适用于本市行政区域内城市公共供水的管理，依照本办法第一条规定执行。",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d paragraphs %q, want %q", len(got), Text(got), want)
	}
	for i := range want {
		if got[i].Text != want[i] {
			t.Errorf("paragraph %d = %q, want %q", i, got[i].Text, want[i])
		}
	}
}

// TestCleanWithoutGeometryOwnLines checks that, without positions, a 文号 or
// date line is a paragraph of its own, so that it never runs on from the
// title above it; a body line that merely ends in a date still wraps on.
func TestCleanWithoutGeometryOwnLines(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"文号 under a title",
			[]string{"福建省人民政府关于做好春季森林防火工作的", "闽政〔2019〕14号", "各设区市人民政府：", "为切实做好春季森林防火工作，现就有关事项通知如下。"},
			[]string{"福建省人民政府关于做好春季森林防火工作的", "闽政〔2019〕14号", "各设区市人民政府：", "为切实做好春季森林防火工作，现就有关事项通知如下。"}},
		{"令 number", []string{"福建省人民政府令福建省人民政府令福建省", "第208号", "《福建省安全生产条例实施办法》已经省人民政府第30次常务会议通过。"},
			[]string{"福建省人民政府令福建省人民政府令福建省", "第208号", "《福建省安全生产条例实施办法》已经省人民政府第30次常务会议通过。"}},
		{"body line ending in a date wraps on",
			[]string{"各设区市人民政府，省直有关单位，本办法自2019年5月1日", "起施行，有效期五年，请认真贯彻执行，抓好落实。"},
			[]string{"各设区市人民政府，省直有关单位，本办法自2019年5月1日起施行，有效期五年，请认真贯彻执行，抓好落实。"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p page.Page
			for _, l := range tt.lines {
				p.Lines = append(p.Lines, page.Line{Text: l})
			}
			got := Paragraphs(Clean([]page.Page{p}))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d paragraphs %q, want %q", len(got), Text(got), tt.want)
			}
			for i := range tt.want {
				if got[i].Text != tt.want[i] {
					t.Errorf("paragraph %d = %q, want %q", i, got[i].Text, tt.want[i])
				}
			}
		})
	}
}

// TestCleanShortLinesPage checks that on a page of short lines (an
// appointment notice) a title set larger stays centred: its end is not
// taken for the right margin, which would make every title a signature.
func TestCleanShortLinesPage(t *testing.T) {
	notice := []page.Line{
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
	appointments := []page.Line{
		{Text: "【人事任免】", X: 256.7, Y: 111.8, W: 81.9, Size: 13.7},
		{Text: "澜江省人民政府关于袁峰等同志职务任免的通知", X: 132.3, Y: 146.2, W: 330.8, Size: 15.8},
		{Text: "各市、县（区）人民政府，省人民政府各部门、各直属机构：", X: 87.6, Y: 183.0, W: 283.5, Size: 10.5},
		{Text: "省人民政府决定：", X: 108.6, Y: 201.4, W: 84.0, Size: 10.5},
		{Text: "免去袁峰的省发展和改革委员会副局长职务。", X: 108.6, Y: 219.7, W: 210.0, Size: 10.5},
		{Text: "任命朱秀鹏为省民政厅巡视员；", X: 108.6, Y: 238.1, W: 147.0, Size: 10.5},
		{Text: "澜江省人民政府", X: 413.1, Y: 348.3, W: 73.5, Size: 10.5},
		{Text: "2026年9月3日", X: 423.6, Y: 366.7, W: 63.0, Size: 10.5},
		{Text: "澜江省人民政府关于许宁燕等同志职务任免的通知", X: 124.4, Y: 428.7, W: 346.5, Size: 15.8},
		{Text: "澜政人〔2026〕6号", X: 253.0, Y: 451.0, W: 89.2, Size: 10.5},
		{Text: "各市、县（区）人民政府，省人民政府各部门、各直属机构：", X: 87.6, Y: 487.7, W: 283.5, Size: 10.5},
		{Text: "省人民政府决定：", X: 108.6, Y: 506.1, W: 84.0, Size: 10.5},
		{Text: "任命许宁燕为省生态环境厅巡视员；", X: 108.6, Y: 524.5, W: 168.0, Size: 10.5},
		{Text: "澜江省人民政府", X: 413.1, Y: 653.1, W: 73.5, Size: 10.5},
		{Text: "二〇二六年八月二十三日", X: 371.1, Y: 671.5, W: 115.5, Size: 10.5},
	}
	pages := []page.Page{{Number: 1, Lines: notice}, {Number: 2, Lines: notice}, {Number: 3, Lines: appointments}}
	got := Clean(pages)
	want := map[string]Align{
		"澜江省人民政府关于袁峰等同志职务任免的通知":  AlignCentre,
		"澜江省人民政府关于许宁燕等同志职务任免的通知": AlignCentre,
		"澜江省人民政府":   AlignRight,
		"2026年9月3日": AlignRight,
	}
	for _, p := range got[2].Paragraphs {
		if a, ok := want[p.Text]; ok && p.Align != a {
			t.Errorf("%q aligned %v, want %v", p.Text, p.Align, a)
		}
	}
}
