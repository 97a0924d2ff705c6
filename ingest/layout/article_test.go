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
