package meta

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/layout"
)

func TestTitleParagraphs(t *testing.T) {
	tests := []struct {
		name  string
		title string
		body  []layout.Paragraph
		from  int
		to    int
	}{
		{"whole title in one paragraph", "福建省人民政府关于做好春季森林防火工作的通知",
			paras("^福建省人民政府关于做好春季森林防火工作的通知", "^闽政〔2019〕14号", "各设区市人民政府："), 0, 1},
		{"cut in two mid-word", "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知",
			paras("^澜江省人民政府关于进一步加强城", "^乡居民饮用水水源保护工作的通知", "^澜政文〔2025〕31号", "各市、县（区）人民政府："), 0, 2},
		{"cut after 第", "澜江省人民政府关于开展第五次全国经济普查的通知",
			paras("^澜江省人民政府关于开展第", "^五次全国经济普查的通知", "^（澜府〔2026〕44号）", "各市、县（区）人民政府："), 0, 2},
		{"cut inside a name", "澜江省人民政府关于卢伟永等同志职务任免的通知",
			paras("^澜江省人民政府关于卢伟", "^永等同志职务任免的通知", "各市、县（区）人民政府，省人民政府各部门、各直属机构：", "省人民政府决定："), 0, 2},
		{"three lines, authority first", "澜江省人民政府办公厅关于印发澜江省政务服务“一网通办”工作方案的通知",
			paras("^澜江省人民政府办公厅", "^关于印发澜江省政务服务“一网通办”", "^工作方案的通知", "^澜政办发〔2026〕28号", "各市、县（区）人民政府："), 0, 3},
		{"contents quote the title, the page does not", "福建省人民政府关于印发《福建省促进就业若干措施》的通知",
			paras("^福建省人民政府关于印发福建省促进就业若干措施的通知", "^闽政〔2019〕14号", "各设区市人民政府："), 0, 1},
		{"full-width digits", "澜江省人民政府关于公布２０２６年第一批省级非物质文化遗产名录的通知",
			paras("^澜江省人民政府关于公布2026年第一批省级非物质文化遗产名录的通知", "各市、县（区）人民政府："), 0, 1},
		{"under an original's 版头", "惠州市人民政府关于印发《惠州市社会基本医疗保险办法》的通知",
			paras(">HFGS—2015—31", "^惠州市人民政府文件", "^惠府〔2015〕158 号", "^惠州市人民政府关于印发", "《惠州市社会基本医疗保险办法》的通知", "各县、区人民政府，市政府各部门、各直属机构："), 3, 5},
		{"under a 文号 alone", "关于做好我市2015年义务教育阶段民办学校招生工作的通知",
			paras("^东教基〔2015〕3 号", "^关于做好我市 2015 年义务教育阶段民办学校招生工作的通知", "各镇（街）宣教办（局），松山湖科教局，各义务教育民办学校："), 1, 2},
		{"text before the title is no 版头", "澜江省人民政府关于开展第五次全国经济普查的通知",
			paras("根据国务院统一部署，全省将开展第五次全国经济普查。", "^澜江省人民政府关于开展第五次全国经济普查的通知", "各市、县（区）人民政府："), 0, 0},
		// Left as they are.
		{"order: the rule's title comes after the promulgation", "福建省安全生产条例实施办法",
			paras("^福建省人民政府令", "^第208号", "《福建省安全生产条例实施办法》已经省人民政府第30次常务会议通过，现予公布。", ">省长　王宁", ">2019年3月5日", "^福建省安全生产条例实施办法", "第一条　为了加强安全生产工作，制定本办法。"), 0, 0},
		{"printed title differs from the contents'", "关于做好春季森林防火工作的通知",
			paras("^福建省人民政府关于做好春季森林防火工作的通知", "^闽政〔2019〕14号", "各设区市人民政府："), 0, 0},
		{"text opens with the authority, then goes on otherwise", "澜江省人民政府关于卢永等同志职务任免的通知",
			paras("^澜江省人民政府", "各市、县（区）人民政府，省人民政府各部门、各直属机构：", "省人民政府决定："), 0, 0},
		{"taiwan heading with its subject", "經濟部公告：預告修正「工廠從事物品製造、加工之範圍」內容",
			paras("^經濟部公告", ">中華民國95年10月24日", ">經工字第09502150190號", "主　　旨：預告修正「工廠從事物品製造、加工之範圍」內容。"), 0, 0},
		{"the title is all there is", "澜江省人民政府关于开展第五次全国经济普查的通知",
			paras("^澜江省人民政府关于开展第", "^五次全国经济普查的通知"), 0, 0},
		{"no title", "", paras("各市、县（区）人民政府："), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if from, to := TitleParagraphs(tt.title, tt.body); from != tt.from || to != tt.to {
				t.Errorf("TitleParagraphs(%q) = %d, %d, want %d, %d", tt.title, from, to, tt.from, tt.to)
			}
		})
	}
}

func TestTitleReview(t *testing.T) {
	tests := []struct {
		name  string
		title string
		body  []layout.Paragraph // the text after the title
		want  string             // a part of the reason; "" for none
	}{
		{"whole title, 文号 next", "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知",
			paras("^澜政文〔2025〕31号", "各市、县（区）人民政府："), ""},
		{"title that really ends with 城", "澜江省历史文化名城",
			paras("各市、县（区）人民政府，省人民政府各部门、各直属机构：", "现将有关事项通知如下。"), ""},
		{"title without a kind word, text a sentence", "上海市普陀区2026年区级部门预算",
			paras("^预算主管部门：上海市普陀区司法局", "上海市普陀区司法局是主管本区司法和法制工作的区政府工作部门。"), ""},
		{"text opens with the authority only", "澜江省人民政府办公厅关于印发澜江省政务服务“一网通办”工作方案的通知",
			paras("^澜江省人民政府办公厅", "各市、县（区）人民政府："), ""},
		{"order", "福建省安全生产条例实施办法",
			paras("^福建省人民政府令", "^第208号", "《福建省安全生产条例实施办法》已经省人民政府第30次常务会议通过，现予公布。"), ""},
		{"title ends with 的", "福建省人民政府关于做好春季森林防火工作的",
			paras("各设区市人民政府：", "现就有关事项通知如下。"), "以“的”结尾"},
		{"title ends with 第", "澜江省人民政府关于开展第",
			paras("各市、县（区）人民政府：", "根据国务院统一部署，全省将开展第五次全国经济普查。"), "以“第”结尾"},
		{"title ends with 关于", "澜江省人民政府关于",
			paras("各市、县（区）人民政府："), "以“于”结尾"},
		{"cut mid-word, its rest the first line of the text", "澜江省人民政府关于进一步加强城",
			paras("^乡居民饮用水水源保护工作的通知", "^澜政文〔2025〕31号", "各市、县（区）人民政府："), "像是标题的下一行"},
		{"text opens with the title's last part", "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知",
			paras("^乡居民饮用水水源保护工作的通知", "^澜政文〔2025〕31号", "各市、县（区）人民政府："), "标题的后一部分"},
		{"text opens with the title's first part", "澜江省人民政府关于卢伟永等同志职务任免的通知",
			paras("^澜江省人民政府关于卢伟", "各市、县（区）人民政府，省人民政府各部门、各直属机构："), "标题的前一部分"},
		{"the previous document's 印发 line glued to the title", "澜江省人民政府办公厅　　2026年8月29日印发人事任免",
			paras("澜江省人民政府办公厅　　2026年8月29日印发", "^人事任免"), "标题的前一部分"},
		{"no title", "", paras("各市、县（区）人民政府："), "没有读出标题"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TitleReview(tt.title, tt.body)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Errorf("TitleReview(%q) = %q, want %q", tt.title, got, tt.want)
			}
		})
	}
}

// TestExtractTitleWhole checks that Extract makes a title printed in pieces
// whole, and takes no more than the title.
func TestExtractTitleWhole(t *testing.T) {
	flush := func(lines ...string) []layout.Paragraph {
		ps := paras(lines...)
		for i := range ps {
			if ps[i].Align == layout.AlignIndent {
				ps[i].Align = layout.AlignLeft
			}
		}
		return ps
	}
	tests := []struct {
		name     string
		contents string
		body     []layout.Paragraph
		want     string
	}{
		{"both lines headings", "", paras("^澜江省人民政府关于进一步加强城", "^乡居民饮用水水源保护工作的通知", "^澜政文〔2025〕31号", "各市、县（区）人民政府："),
			"澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知"},
		{"second line not taken for a heading", "", flush("^澜江省人民政府关于开展第", "五次全国经济普查的通知", "^（澜府〔2026〕44号）", "各市、县（区）人民政府："),
			"澜江省人民政府关于开展第五次全国经济普查的通知"},
		{"no positions at all", "", flush("澜江省人民政府关于卢伟", "永等同志职务任免的通知", "各市、县（区）人民政府，省人民政府各部门、各直属机构：", "省人民政府决定："),
			"澜江省人民政府关于卢伟永等同志职务任免的通知"},
		{"heading cut, contents whole", "澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知",
			flush("^澜江省人民政府关于进一步加强城", "乡居民饮用水水源保护工作", "的通知", "各市、县（区）人民政府："),
			"澜江省人民政府关于进一步加强城乡居民饮用水水源保护工作的通知"},
		{"contents add the 文号 after a whole title", "澜江省人民政府关于做好今冬明春森林防火工作的通知（澜政文〔2025〕30号）",
			paras("^澜江省人民政府关于做好今冬明春森林防火工作的通知", "^澜政文〔2025〕30号", "各市、县（区）人民政府："),
			"澜江省人民政府关于做好今冬明春森林防火工作的通知"},
		{"misread 文号 under the title", "", paras("^河南省人民政府关于印发河南省深化普通高等学校考试招生综合改革实施方案的通知", "^豫政〔2022]】22号", "各市、县（区）人民政府："),
			"河南省人民政府关于印发河南省深化普通高等学校考试招生综合改革实施方案的通知"},
		{"whole title, salutation next", "", flush("^澜江省人民政府关于保护万里长城", "各市、县（区）人民政府："),
			"澜江省人民政府关于保护万里长城"},
		{"whole title, a sentence next", "", flush("^福建省人民政府关于做好春季森林防火工作的通知", "为切实做好春季森林防火工作，现就有关事项通知如下。"),
			"福建省人民政府关于做好春季森林防火工作的通知"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Extract(tt.contents, tt.body).Title; got != tt.want {
				t.Errorf("Extract title = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsRecordLine(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"澜江省人民政府办公厅\u3000\u30002026年9月29日印发", true},
		{"福建省人民政府办公厅 2019年4月30日印发", true},
		{"东莞市教育局办公室　　　　　　2015年3月2日印发", true},
		{"抄送：省委各部门，省人大常委会办公厅，省政协办公厅，省法院，省检察院。", true},
		{"抄送: 市委办公室，市人大常委会办公室。", true},
		// Not the 版记.
		{"现将《福建省促进就业若干措施》印发给你们，请认真贯彻执行。", false},
		{"澜江省人民政府关于印发澜江省预算绩效管理办法的通知", false},
		{"本通知自印发之日起施行。", false},
		{"2026年9月29日", false},
		{"抄送单位应当在收到文件后五日内办理。", false},
	}
	for _, tt := range tests {
		if got := IsRecordLine(tt.line); got != tt.want {
			t.Errorf("IsRecordLine(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestSplitSalutation(t *testing.T) {
	tests := []struct {
		name string
		in   []layout.Paragraph
		want []string // texts after the split; nil: unchanged
	}{
		{"salutation read as a line of the title, its colon as a semicolon",
			paras("^苍梧省卫生健康委员会", "^苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知各设区的市、县（市、区）有关部门，省直有关单位；", "为加强预算绩效管理，制定本办法。"),
			[]string{"苍梧省卫生健康委员会", "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", "各设区的市、县（市、区）有关部门，省直有关单位；", "为加强预算绩效管理，制定本办法。"}},
		{"one authority addressed, with a space between",
			paras("^澜江省人民政府关于同意设立澜江高新技术产业开发区的批复 澜江市人民政府：", "你市《关于…的请示》收悉。"),
			[]string{"澜江省人民政府关于同意设立澜江高新技术产业开发区的批复", "澜江市人民政府：", "你市《关于…的请示》收悉。"}},
		{"the salutation's colon read as a comma at the paragraph's end",
			paras("^岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知各市、县（区）教育局，省属各高等学校，", "为全面实施预算绩效管理，制定本办法。"),
			[]string{"岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知", "各市、县（区）教育局，省属各高等学校，", "为全面实施预算绩效管理，制定本办法。"}},
		{"title, salutation and text run into one paragraph",
			paras("^岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知各市、县（区）教育局，省属各高等学校：为全面实施预算绩效管理，我们制定了《岚州省预算绩效管理办法》，现印发给你们。附件：1.岚州省预算绩效管理办法"),
			[]string{"岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知", "各市、县（区）教育局，省属各高等学校：", "为全面实施预算绩效管理，我们制定了《岚州省预算绩效管理办法》，现印发给你们。附件：1.岚州省预算绩效管理办法"}},
		{"the salutation's colon lost",
			paras("^岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知各市、县（区）教育局，省属各高等学校", "为全面实施预算绩效管理，制定本办法。"),
			[]string{"岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知", "各市、县（区）教育局，省属各高等学校", "为全面实施预算绩效管理，制定本办法。"}},
		{"a title that ends as titles do is no salutation",
			paras("^岚州省人民政府关于印发岚州省城市供水管理办法的通知"), nil},
		{"a comma inside a title's line is no salutation",
			paras("^岚州省人民政府关于表彰先进集体，", "先进个人的决定"), nil},
		{"title and salutation already apart",
			paras("^澜江省人民政府关于做好春季森林防火工作的通知", "各市、县（区）人民政府：", "当前正值春季。"), nil},
		{"a label under the title is no salutation",
			paras("^澜江省2026年省级预算公开目录：", "预算主管部门：省司法局"), nil},
		{"a sentence of the text, not a heading",
			paras("^澜江省人民政府令", "现将《澜江省促进就业若干措施》印发给你们，请认真贯彻执行各市人民政府："), nil},
		{"what follows the title word is no list of addressees",
			paras("^关于调整最低工资标准的通知现予公布如下：", "一、月最低工资标准。"), nil},
		{"an indented paragraph read as large as a heading opens the text: its end is no salutation",
			func() []layout.Paragraph {
				ps := paras("^河南省人民政府关于全面提高高等教育质量的若干意见", "一、当事人未对租赁物的归属及损失赔偿提出主张的，人民法院可以向当事人进行")
				ps[1].Heading = true // a scan's show-through swelled its line boxes
				return ps
			}(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			got := SplitSalutation(tt.in)
			if !slices.Equal(tt.in, in) {
				t.Fatalf("the input was changed: %v", tt.in)
			}
			var texts []string
			for _, p := range got {
				texts = append(texts, p.Text)
			}
			want := tt.want
			if want == nil {
				for _, p := range tt.in {
					want = append(want, p.Text)
				}
			}
			if !slices.Equal(texts, want) {
				t.Errorf("got %q, want %q", texts, want)
			}
			if tt.want != nil && strings.Join(texts, "") != strings.ReplaceAll(strings.Join(textsOf(tt.in), ""), " ", "") {
				t.Errorf("characters lost or added: %q", texts)
			}
		})
	}
	// Read through, the title is the title alone and the addressees are
	// the recipients.
	ps := SplitSalutation(paras("^澜江省人民政府关于同意设立澜江高新技术产业开发区的批复澜江市人民政府：", "你市《关于设立澜江高新技术产业开发区的请示》收悉。经研究，同意设立。", "澜江省人民政府", "2026年3月2日"))
	d := Extract("", ps)
	if d.Title != "澜江省人民政府关于同意设立澜江高新技术产业开发区的批复" || !slices.Equal(d.Recipients, []string{"澜江市人民政府"}) {
		t.Errorf("after the split, title %q and recipients %q", d.Title, d.Recipients)
	}
	// The colon read as a comma, the text run on after it.
	ps = SplitSalutation(paras("^岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知各市、县（区）教育局，省属各高等学校，", "为全面实施预算绩效管理，制定本办法。", "岚州省住房和城乡建设厅", "2018年3月2日"))
	d = Extract("", ps)
	if d.Title != "岚州省住房和城乡建设厅关于印发岚州省预算绩效管理办法的通知" || !slices.Equal(d.Recipients, []string{"各市、县（区）教育局", "省属各高等学校"}) {
		t.Errorf("a comma read for the colon: title %q and recipients %q", d.Title, d.Recipients)
	}
	// A 主送 wrapped over two lines ends at its colon, not at the first line's comma.
	d = Extract("", paras("^岚州省人民政府关于做好春季森林防火工作的通知", "各市、县（区）人民政府，", "省直各单位：", "当前正值春季。", "岚州省人民政府", "2018年3月2日"))
	if !slices.Contains(d.Recipients, "省直各单位") {
		t.Errorf("a wrapped 主送: recipients %q", d.Recipients)
	}
	// A 主送 of its own whose colon a scan lost; a first paragraph that is
	// no list of addressees is none.
	d = Extract("", paras("^岚州省人民政府关于做好春季森林防火工作的通知", "各市、县（区）人民政府，省直各单位", "当前正值春季。", "岚州省人民政府", "2018年3月2日"))
	if !slices.Equal(d.Recipients, []string{"各市、县（区）人民政府", "省直各单位"}) {
		t.Errorf("a 主送 without its colon: recipients %q", d.Recipients)
	}
	// The 主送 without its colon run on into the text, set as large as the
	// title on a skewed scan: the title stops where it ends.
	d = Extract("", paras("^四川省人民政府办公厅关于贯彻落实国务院办公厅2016年政务公开工作要点的通知",
		"^各市、县（区）人民政府，省人民政府各部门、各直属机构、为了准确、及时、全面地集中全国的外债信息，有效地控制对外借款规模",
		"发展，特制定本规定。", "四川省人民政府办公厅", "2016年3月2日"))
	if want := "四川省人民政府办公厅关于贯彻落实国务院办公厅2016年政务公开工作要点的通知"; d.Title != want {
		t.Errorf("a 主送 run on into the text: title %q, want %q", d.Title, want)
	}
	d = Extract("", paras("^岚州省人民政府关于做好春季森林防火工作的通知", "当前正值春季，各地要加强防火", "岚州省人民政府", "2018年3月2日"))
	if d.Recipients != nil {
		t.Errorf("a first sentence read as the 主送: %q", d.Recipients)
	}
}

func textsOf(ps []layout.Paragraph) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

// TestSalutationUnderTitle: the 主送 line under a title, set apart by
// layout but taken for a heading line (its type read large on a scan, its
// colon as a semicolon), is neither part of the title nor lost as the
// recipients.
func TestSalutationUnderTitle(t *testing.T) {
	d := Extract("", paras("^苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知", "^各设区的市、县（市、区）有关部门，省直有关单位；",
		"为全面实施预算绩效管理，我们制定了《苍梧省预算绩效管理办法》，现印发给你们，请遵照执行。", ">苍梧省卫生健康委员会", ">2015年3月14日"))
	if d.Title != "苍梧省卫生健康委员会关于印发苍梧省预算绩效管理办法的通知" {
		t.Errorf("title %q", d.Title)
	}
	if want := []string{"各设区的市、县（市、区）有关部门", "省直有关单位"}; !slices.Equal(d.Recipients, want) {
		t.Errorf("recipients %q, want %q", d.Recipients, want)
	}
}

// A 令's heading, number and text that layout joined into one heading
// paragraph come apart, and the document reads as a 令: its number, and
// the rule it promulgates for its title.
func TestSplitOrderHeading(t *testing.T) {
	in := paras("^河南省人民政府令第104号《河南省实施〈浙江省矿产资源管理条例〉办法》已经2011年3月19日省人民政府第10次常务会议通过，现予公布，自2011年7月1日起施行。", "省长 夏立", "二〇一一年四月六日")
	got := SplitOrderHeading(in)
	if texts := textsOf(got); len(texts) != 5 || texts[0] != "河南省人民政府令" || texts[1] != "第104号" || !strings.HasPrefix(texts[2], "《河南省实施") {
		t.Fatalf("parts %q", texts)
	}
	d := Extract("", got)
	if d.DocNumber != "河南省人民政府令第104号" || d.Title != "河南省实施〈浙江省矿产资源管理条例〉办法" {
		t.Errorf("文号 %q, title %q", d.DocNumber, d.Title)
	}
	// The heading and the number alone on one line.
	if texts := textsOf(SplitOrderHeading(paras("^河南省人民政府令 第104号", "《河南省实施办法》已经通过，现予公布。"))); len(texts) != 3 || texts[1] != "第104号" {
		t.Errorf("heading and number on one line: %q", texts)
	}
	// The number run on into the text, under the heading's own paragraph.
	if texts := textsOf(SplitOrderHeading(paras("^河南省人民政府令", "^第104号《河南省实施办法》已经通过，", "现予公布。"))); len(texts) != 4 || texts[1] != "第104号" || texts[2] != "《河南省实施办法》已经通过，" {
		t.Errorf("number run on into the text: %q", texts)
	}
	// A title that only names a 令 is left alone.
	plain := paras("^关于贯彻落实澜江省人民政府令第12号的通知", "各市人民政府：")
	if texts := textsOf(SplitOrderHeading(plain)); len(texts) != 2 {
		t.Errorf("a title naming a 令 was split: %q", texts)
	}
}

// A 令's heading over a paragraph that begins with 第 but is no number
// (its 第209号 misread past reading: 第一条 follows) is left as it is. The
// split looped for ever on such a scan (an unseen generated original).
func TestSplitOrderHeadingWithoutNumber(t *testing.T) {
	in := paras("^苍梧省人民政府令", "^第一条　为了加强城市供水管理，制定本办法。", "第二条　本办法自公布之日起施行。")
	done := make(chan []layout.Paragraph, 1)
	go func() { done <- SplitOrderHeading(in) }()
	select {
	case got := <-done:
		if texts := textsOf(got); len(texts) != 3 || texts[0] != "苍梧省人民政府令" {
			t.Errorf("parts %q, want the paragraphs as they were", texts)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SplitOrderHeading did not return")
	}
}

// A 令's promulgating sentence that wraps over lines layout did not join
// still gives the rule for its title, not the heading and a line of it.
func TestPromulgationWrapped(t *testing.T) {
	d := Extract("", paras("^河南省人民政府令", "第104号", "《河南省实施〈浙江省矿产资源管理条例〉办法》已经2011年3月19日", "省人民政府第10次常务会议通过，现予公布，自2011年7月1日起施行。", "省长夏立", "二〇一一年四月六日"))
	if d.Title != "河南省实施〈浙江省矿产资源管理条例〉办法" {
		t.Errorf("title %q", d.Title)
	}
}

// A 令 whose split named it by its heading (a scan's 1-bit page: the
// heading shaped as a start, no contents to say otherwise) takes the rule
// its promulgating sentence names, where that sentence wraps over lines
// layout did not join.
func TestPromulgationWrappedUnderSplitTitle(t *testing.T) {
	d := Extract("苍梧省人民政府令第209号", paras("^苍梧省人民政府令", "第209号", "《苍梧省城市供水管理办法》已经2016年11月17日省人民政", "府第101次常务会议通过，现予公布，自2017年3月1日起施行。", "省长王利立", "2016年11月29日"))
	if d.Title != "苍梧省城市供水管理办法" || d.DocNumber != "苍梧省人民政府令第209号" {
		t.Errorf("title %q, 文号 %q", d.Title, d.DocNumber)
	}
}

// Speckle a scan read before a heading is no part of the title.
func TestStrayLead(t *testing.T) {
	tests := []struct{ in, want string }{
		{"。临海市人民政府办公厅关于做好森林防火工作的通知", "临海市人民政府办公厅关于做好森林防火工作的通知"},
		{"“广东省住房和城乡建设厅关于申请安排资金的请示", "广东省住房和城乡建设厅关于申请安排资金的请示"},
		{"、 关于印发办法的通知", "关于印发办法的通知"},
		{"-广东省人力资源和社会保障厅关于印发办法的通知", "广东省人力资源和社会保障厅关于印发办法的通知"},
		{"_ —关于印发办法的通知", "关于印发办法的通知"},
		// A quote the title closes is the title's own.
		{"“十四五”规划纲要", "“十四五”规划纲要"},
		{"《条例》实施办法", "《条例》实施办法"},
	}
	for _, tc := range tests {
		if got := strayLead(tc.in); got != tc.want {
			t.Errorf("strayLead(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestQuotedSpelling takes the name of the document a title issues as the
// body prints it (quoted in the text, heading the document attached),
// where the title's display type was misread or lost a word, and leaves
// titles the body does not settle.
func TestQuotedSpelling(t *testing.T) {
	quote := "《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们，请认真组织实施。"
	for _, c := range []struct {
		name, title string
		body        []string
		want        string
	}{
		{"a character misread", "关于印发泽安省政务服务“一阅通办”工作方案的通知", []string{quote}, "关于印发泽安省政务服务“一网通办”工作方案的通知"},
		{"一 read as marks", "关于印发泽安省政务服务“_-网通办”工作方案的通知", []string{quote}, "关于印发泽安省政务服务“一网通办”工作方案的通知"},
		{"a word lost, the name in brackets", "泽安省人民政府关于印发《泽安省促进经济高质量发展若干措施》的通知",
			[]string{"现将《泽安省促进民营经济高质量发展若干措施》印发给你们，请结合实际，认真贯彻执行。"},
			"泽安省人民政府关于印发《泽安省促进民营经济高质量发展若干措施》的通知"},
		{"the quote garbled, the attachment's heading read", "泽安省人民政府关于印发泽安省促进_民宫经济高质量发展若干措施的通知",
			[]string{"现《泣安和促进民间经商质量人展若二和施）印和给人", "^泽安省促进民营经济高质量发展若干措施", "一、放宽市场准入。"},
			"泽安省人民政府关于印发泽安省促进民营经济高质量发展若干措施的通知"},
		{"the text quotes another document", "关于印发泽安省政务服务“一网通办”工作方案的通知",
			[]string{"根据《泽安省数字政府建设总体方案》，现印发给你们。"}, "关于印发泽安省政务服务“一网通办”工作方案的通知"},
		{"two spellings as often", "关于印发泽安省政务服务“一阅通办”工作方案的通知",
			[]string{"《泽安省政务服务“一同通办”工作方案》已经同意。", quote}, "关于印发泽安省政务服务“一阅通办”工作方案的通知"},
		{"the quote's marks read otherwise", "关于印发泽安省政务服务“一阅通办”工作方案的通知",
			[]string{"《泽安省政务服务“一网通办\"工作方案》已经省人民政府", "^泽安省政务服务“一网通办”工作方案"}, "关于印发泽安省政务服务“一网通办”工作方案的通知"},
		{"the title's reading printed as often as another", "关于印发泽安省政务服务“一阅通办”工作方案的通知",
			[]string{quote, "^泽安省政务服务“一阅通办”工作方案"}, "关于印发泽安省政务服务“一阅通办”工作方案的通知"},
		{"a title that issues nothing", "关于加强安全生产工作的通知", []string{"《关于加强安全生产工作的意见》已经同意。"}, "关于加强安全生产工作的通知"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.title
			if read, printed := quotedSpelling(c.title, paras(c.body...)); read != "" {
				got = strings.Replace(c.title, read, printed, 1)
			}
			if got != c.want {
				t.Errorf("quotedSpelling: title %q, want %q", got, c.want)
			}
		})
	}
	// Through Extract: the title is the text's spelling.
	d := Extract("", paras("^关于印发泽安省政务服务“一阅通办”工作方案的通知", "各设区的市人民政府，省直各有关单位：", quote, ">泽安省人民政府办公厅", ">2018年10月25日"))
	if want := "关于印发泽安省政务服务“一网通办”工作方案的通知"; d.Title != want {
		t.Errorf("Extract: title %q, want %q", d.Title, want)
	}
}

// TestPersonSpelling takes the name an appointments notice's title names
// as its decisions print it, where the title's display type misread one
// character; a title the text bears out, or names it cannot settle, stand.
func TestPersonSpelling(t *testing.T) {
	body := "省人民政府决定：任命谭宇春为省生态环境厅主任；免去于慧的省商务厅主任职务。"
	for _, c := range []struct {
		name, title, text, want string
	}{
		{"misread in the title", "云南省人民政府关于谭字春等同志职务任免的通知", body, "云南省人民政府关于谭宇春等同志职务任免的通知"},
		{"as the text prints it", "云南省人民政府关于谭宇春等同志职务任免的通知", body, "云南省人民政府关于谭宇春等同志职务任免的通知"},
		{"任免 before the name", "关于任免于意同志职务的通知", body, "关于任免于慧同志职务的通知"},
		{"two names as near", "关于谭字春等同志职务任免的通知", body + "任命谭宁春为副主任。", "关于谭字春等同志职务任免的通知"},
		{"no appointments", "关于印发澜江省预算绩效管理办法的通知", body, "关于印发澜江省预算绩效管理办法的通知"},
	} {
		title := c.title
		if read, printed := personSpelling(title, c.text); read != "" {
			title = strings.Replace(title, read, printed, 1)
		}
		if title != c.want {
			t.Errorf("%s: title %q, want %q", c.name, title, c.want)
		}
	}
}

// A stroke a scan read after a 令's heading is no part of it: the heading
// still names the 令, its number and its authority.
func TestStrayTail(t *testing.T) {
	d := Extract("", paras("^岚州省人民政府令|", "第228号", "《岚州省地方储备粮管理办法》已经2012年3月13日省人民", "政府第62次常务会议通过，现予公布，自2012年7月1日起施行。", "省长梁新", "二〇一二年三月二十二日", "^岚州省地方储备粮管理办法", "第一条　为了加强地方储备粮管理，制定本办法。"))
	if d.Title != "岚州省地方储备粮管理办法" || d.DocNumber != "岚州省人民政府令第228号" || d.Kind != "rule" {
		t.Errorf("title %q, 文号 %q, kind %q", d.Title, d.DocNumber, d.Kind)
	}
	if got := strayTail("关于印发办法的通知 |"); got != "关于印发办法的通知" {
		t.Errorf("strayTail = %q", got)
	}
}
