package meta

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

func date(y int, m time.Month, d int) gazette.Date { return gazette.Date{Year: y, Month: m, Day: d} }

func TestParseIssue(t *testing.T) {
	tests := []struct {
		name  string
		cover string
		want  Issue
	}{
		{"year number total date", "福建省人民政府公报\n2019年第12期（总第612期）\n2019年4月30日", Issue{2019, 12, 612, date(2019, 4, 30)}},
		{"chinese numerals", "广东省人民政府公报\n二〇一九年第十二期\n总第六百一十二期\n二〇一九年四月三十日出版", Issue{2019, 12, 612, date(2019, 4, 30)}},
		{"number alone", "行政院公報\n第018卷　第109期\n中華民國101年8月29日", Issue{2012, 109, 0, date(2012, 8, 29)}},
		{"full-width digits and spaces", "２０１９年 第 ３ 期 總第５０３期", Issue{2019, 3, 503, gazette.Date{}}},
		{"total before number", "总第612期 2019年第12期", Issue{2019, 12, 612, gazette.Date{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIssue(tt.cover)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseIssue = %+v, want %+v", got, tt.want)
			}
		})
	}
	if _, err := ParseIssue("目录\n关于做好春耕工作的通知"); err == nil {
		t.Error("a cover without issue data gave no error")
	}
}

func paras(lines ...string) []layout.Paragraph {
	var out []layout.Paragraph
	for i, l := range lines {
		align := layout.AlignIndent
		if strings.HasPrefix(l, ">") {
			l, align = l[1:], layout.AlignRight
		}
		if strings.HasPrefix(l, "^") {
			l, align = l[1:], layout.AlignCentre
		}
		out = append(out, layout.Paragraph{Text: l, Page: 1, PageEnd: 1, Y: float64(100 + 20*i), Align: align, Heading: align == layout.AlignCentre})
	}
	return out
}

func TestSignature(t *testing.T) {
	tests := []struct {
		name   string
		body   []layout.Paragraph
		auth   []string
		signed gazette.Date
	}{
		{"one authority", paras("现将有关事项通知如下。", ">福建省人民政府", ">2019年4月28日"), []string{"福建省人民政府"}, date(2019, 4, 28)},
		{"joint, chinese date", paras("请认真贯彻执行。", ">中共云南省委", ">云南省人民政府", ">二〇一九年四月二十八日", "（此件公开发布）"), []string{"中共云南省委", "云南省人民政府"}, date(2019, 4, 28)},
		{"governor signs", paras("现予公布，自2019年5月1日起施行。", ">省长　王宁", ">2019年3月1日"), nil, date(2019, 3, 1)},
		{"date in a sentence is no signature", paras("本办法自2019年5月1日起施行。"), nil, gazette.Date{}},
		{"left-aligned article before a date", paras("第五条　本办法自", "^2012年3月1日", ">环境保护署", ">2012年8月24日"), []string{"环境保护署"}, date(2012, 8, 24)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			auth, signed := Signature(tt.body)
			if strings.Join(auth, "|") != strings.Join(tt.auth, "|") || signed != tt.signed {
				t.Errorf("Signature = %q, %v; want %q, %v", auth, signed, tt.auth, tt.signed)
			}
		})
	}
}

func TestEffectiveAndExpiry(t *testing.T) {
	signed := date(2019, 4, 28)
	tests := []struct {
		name           string
		text           string
		effective, exp gazette.Date
	}{
		{"dated", "本办法自2019年5月1日起施行，有效期5年。", date(2019, 5, 1), date(2024, 4, 30)},
		{"on publication", "本规定自公布之日起施行。", signed, gazette.Date{}},
		{"on issue, chinese years", "本通知自印发之日起施行，有效期为五年。", signed, date(2024, 4, 27)},
		{"until a date", "本意见自2019年6月1日起实施，有效期至2021年12月31日。", date(2019, 6, 1), date(2021, 12, 31)},
		{"months", "自2019年5月1日起施行，有效期6个月。", date(2019, 5, 1), date(2019, 10, 31)},
		{"taiwan", "修正「內政部移民署編制表」，自中華民國一百零四年一月二日施行。", date(2015, 1, 2), gazette.Date{}},
		{"taiwan immediately", "訂定「作業要點」，並自即日生效。", signed, gazette.Date{}},
		{"none", "各地要加强领导。", gazette.Date{}, gazette.Date{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eff, _ := Effective(tt.text, signed)
			if eff != tt.effective {
				t.Errorf("Effective = %v, want %v", eff, tt.effective)
			}
			from := eff
			if from.IsZero() {
				from = signed
			}
			if exp, _ := Expiry(tt.text, from); exp != tt.exp {
				t.Errorf("Expiry = %v, want %v", exp, tt.exp)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		title, number string
		order         bool
		want          gazette.Kind
	}{
		{"福建省人民政府令", "福建省人民政府令第208号", true, gazette.KindRule},
		{"福建省安全生产条例", "福建省人民政府令第208号", false, gazette.KindRule},
		{"福建省人民政府关于印发福建省促进就业办法的通知", "闽政〔2019〕14号", false, gazette.KindNormative},
		{"福建省人民政府关于做好春耕生产工作的通知", "闽政明电〔2019〕3号", false, gazette.KindNotice},
		{"福建省人民政府关于王某某等同志任免职务的通知", "闽政文〔2019〕1号", false, gazette.KindAppointment},
		{"福建省人民政府关于同意设立某开发区的批复", "闽政文〔2019〕2号", false, gazette.KindDecision},
		{"福建省人民政府关于加快发展的实施意见", "闽政〔2019〕3号", false, gazette.KindNormative},
		{"福建省人民政府关于禁止燃放烟花爆竹的通告", "", false, gazette.KindAnnouncement},
		{"經濟部公告：預告修正草案", "經工字第09502150190號", false, gazette.KindAnnouncement},
		{"內政部令：修正「編制表」", "台內移字第1040951642號", false, gazette.KindRule},
		{"福建省人民政府关于某某事项的报告（试行）", "", false, gazette.KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			if got := KindOf(tt.title, tt.number, tt.order); got != tt.want {
				t.Errorf("KindOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFindDocNumbers(t *testing.T) {
	tests := []struct {
		name, in, raw, canonical string
	}{
		{"mainland", "闽政〔2019〕14号", "闽政〔2019〕14号", "闽政〔2019〕14号"},
		{"square brackets", "粤府办[2023]3号", "粤府办[2023]3号", "粤府办〔2023〕3号"},
		{"taiwan", "院臺規字第1010128030號", "院臺規字第1010128030號", ""},
		{"taiwan with letter", "臺教技（一）字第1040031356B號", "臺教技（一）字第1040031356B號", ""},
		{"after words", "依據內政部101年8月20日內授中民字第1015036687C號函辦理", "內授中民字第1015036687C號", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindDocNumbers(tt.in)
			if len(got) == 0 {
				t.Fatalf("no number in %q", tt.in)
			}
			if got[0].Raw != tt.raw || got[0].Canonical != tt.canonical {
				t.Errorf("FindDocNumbers = %+v, want raw %q canonical %q", got[0], tt.raw, tt.canonical)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name     string
		contents string
		body     []layout.Paragraph
		want     Document
	}{
		{
			name: "notice",
			body: paras("^福建省人民政府关于印发福建省促进就业", "^若干措施的通知", "^闽政〔2019〕14号", "各设区市人民政府：", "现将《福建省促进就业若干措施》印发给你们，请认真贯彻执行。本通知自印发之日起施行，有效期5年。", ">福建省人民政府", ">2019年4月28日"),
			want: Document{Title: "福建省人民政府关于印发福建省促进就业若干措施的通知", DocNumber: "闽政〔2019〕14号", DocNumberRaw: "闽政〔2019〕14号", Kind: gazette.KindNormative,
				Authorities: []string{"福建省人民政府"}, Signed: date(2019, 4, 28), Effective: date(2019, 4, 28), Expires: date(2024, 4, 27)},
		},
		{
			name: "order",
			body: paras("^福建省人民政府令", "^第208号", "《福建省安全生产条例实施办法》已经2019年3月1日省人民政府第30次常务会议通过，现予公布，自2019年5月1日起施行。", ">省长　王宁", ">二〇一九年三月五日", "^福建省安全生产条例实施办法"),
			want: Document{Title: "福建省安全生产条例实施办法", DocNumber: "福建省人民政府令第208号", DocNumberRaw: "福建省人民政府令第208号", Kind: gazette.KindRule,
				Authorities: []string{"福建省人民政府"}, Signed: date(2019, 3, 5), Effective: date(2019, 5, 1)},
		},
		{
			name: "order for a rule implementing a law, nested quotes",
			body: paras("^云南省人民政府令", "^第270号", "《云南省实施〈中华人民共和国国防教育法〉办法》已经2017年5月17日省人民政府第125次常务会议通过，现予公布，自2017年8月1日起施行。", ">省长　阮成发", ">2017年5月25日", "^云南省实施《中华人民共和国国防教育法》办法", "第一条　全民国防教育使用统一的国防教育大纲。"),
			want: Document{Title: "云南省实施〈中华人民共和国国防教育法〉办法", DocNumber: "云南省人民政府令第270号", DocNumberRaw: "云南省人民政府令第270号", Kind: gazette.KindRule,
				Authorities: []string{"云南省人民政府"}, Signed: date(2017, 5, 25), Effective: date(2017, 8, 1)},
		},
		{
			name: "order quoting with doubled book-title marks",
			body: paras("^河南省人民政府令", "^第193号", "《河南省实施《志愿服务条例》办法》已经2022年7月5日省人民政府第127次常务会议通过，现予公布，自2022年9月1日起施行。", ">省长　王凯", ">二〇二二年七月十九日", "^河南省实施《志愿服务条例》办法"),
			want: Document{Title: "河南省实施《志愿服务条例》办法", DocNumber: "河南省人民政府令第193号", DocNumberRaw: "河南省人民政府令第193号", Kind: gazette.KindRule,
				Authorities: []string{"河南省人民政府"}, Signed: date(2022, 7, 19), Effective: date(2022, 9, 1)},
		},
		{
			// A scan read a speck beside the number as a quote, and the
			// sentence under it as centred: the number line still ends
			// the heading.
			name: "order, its number read with a speck",
			body: paras("^四川省人民政府令", "^”第127号", "^《四川省实施《最高人民法院关于审理未成年人刑事案件具", "体应用法律若干问题的解释》办法》已经2012年11月9日省人民政府第33次常务会议通过，现予公布，自2013年2月1日起施行。", ">省长”邹立", ">二〇一二年十一月十九日", "^四川省实施《最高人民法院关于审理未成年人刑事案件具体应用法律若干问题的解释》办法"),
			want: Document{Title: "四川省实施《最高人民法院关于审理未成年人刑事案件具体应用法律若干问题的解释》办法", DocNumber: "四川省人民政府令第127号", DocNumberRaw: "四川省人民政府令第127号", Kind: gazette.KindRule,
				Authorities: []string{"四川省人民政府"}, Signed: date(2012, 11, 19), Effective: date(2013, 2, 1)},
		},
		{
			name: "a rule's title names no issuer before its 关于",
			body: paras("^云南省实施《最高人民法院关于审理劳动争议案件适用法律问题的解释（一）》办法", "第一条　中级人民法院审理用人单位申请撤销终局裁决的案件，应当组成合议庭开庭审理。", "第十三条　本办法自2017年7月1日起施行。"),
			want: Document{Title: "云南省实施《最高人民法院关于审理劳动争议案件适用法律问题的解释（一）》办法", Kind: gazette.KindNormative, Effective: date(2017, 7, 1)},
		},
		{
			name:     "taiwan order with contents",
			contents: "內政部令：修正「內政部移民署編制表」，自104年1月2日施行",
			body:     paras("^內政部令", ">中華民國104年3月25日", ">台內移字第1040951642號", "修正「內政部移民署編制表」，自中華民國一百零四年一月二日施行。", ">部　　長　陳威仁"),
			want: Document{Title: "內政部令：修正「內政部移民署編制表」，自104年1月2日施行", DocNumber: "台內移字第1040951642號", DocNumberRaw: "台內移字第1040951642號", Kind: gazette.KindRule,
				Authorities: []string{"內政部"}, Signed: date(2015, 3, 25), Effective: date(2015, 1, 2)},
		},
		{
			name: "taiwan announcement without contents",
			body: paras("^經濟部公告", ">中華民國95年10月24日", ">經工字第09502150190號", "主　　旨：預告修正「工廠從事物品製造、加工之範圍」內容。", ">部　　長　陳瑞隆"),
			want: Document{Title: "經濟部公告：預告修正「工廠從事物品製造、加工之範圍」內容", DocNumber: "經工字第09502150190號", DocNumberRaw: "經工字第09502150190號", Kind: gazette.KindAnnouncement,
				Authorities: []string{"經濟部"}, Signed: date(2006, 10, 24)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.contents, tt.body)
			if got.Title != tt.want.Title || got.DocNumber != tt.want.DocNumber || got.DocNumberRaw != tt.want.DocNumberRaw || got.Kind != tt.want.Kind ||
				strings.Join(got.Authorities, "|") != strings.Join(tt.want.Authorities, "|") || got.Signed != tt.want.Signed ||
				got.Effective != tt.want.Effective || got.Expires != tt.want.Expires {
				t.Errorf("Extract =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
	if d := Extract("", nil); d.Kind != gazette.KindOther || d.Title != "" {
		t.Errorf("Extract of nothing = %+v", d)
	}
}

func TestQuoted(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"plain", "现将《福建省促进就业若干措施》印发给你们", []string{"福建省促进就业若干措施"}},
		{"nested angle marks", "《云南省实施〈中华人民共和国国防教育法〉办法》已经通过", []string{"云南省实施〈中华人民共和国国防教育法〉办法"}},
		{"nested book-title marks", "《四川省实施《中华人民共和国预算法实施条例》办法》已经通过", []string{"四川省实施《中华人民共和国预算法实施条例》办法"}},
		{"two in a row", "根据《中华人民共和国预算法》和《预算法实施条例》", []string{"中华人民共和国预算法", "预算法实施条例"}},
		{"corner marks", "修正「內政部移民署編制表」，自104年1月2日施行", []string{"內政部移民署編制表"}},
		{"unclosed outer mark", "《关于执行《中华人民共和国土地管理法》的意见", []string{"中华人民共和国土地管理法"}},
		{"stray closing mark", "》各地要认真执行《通知》", []string{"通知"}},
		{"none", "各地要切实抓好春耕生产各项工作。", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, q := range Quoted(tt.in) {
				got = append(got, q.Text)
				if q.Start < 0 || q.End > len(tt.in) || !strings.Contains(tt.in[q.Start:q.End], q.Text) {
					t.Errorf("span [%d,%d) does not hold %q", q.Start, q.End, q.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Quoted(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPromulgated(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"order", "《福建省森林防火办法》已经2019年3月1日省人民政府第30次常务会议通过，现予公布，自2019年5月1日起施行。", "福建省森林防火办法", true},
		{"nested", "《河南省实施《志愿服务条例》办法》已经2022年7月5日省人民政府第127次常务会议通过，现予公布，自2022年9月1日起施行。", "河南省实施《志愿服务条例》办法", true},
		{"amendment", "《广东省人民政府关于修改〈广东省森林防火管理规定〉的决定》已经省人民政府常务会议通过，现予公布施行。", "广东省人民政府关于修改〈广东省森林防火管理规定〉的决定", true},
		{"a stray bracket a scan read before the 》", "《河南省实施《浙江省矿产资源管理条例》办法）》已经2011年3月19日省人民政府第10次常务会议通过，现予公布，自2011年7月1日起施行。", "河南省实施《浙江省矿产资源管理条例》办法", true},
		{"a title's own bracket kept", "《福建省河道采砂管理办法（试行）》已经省人民政府常务会议通过，现予公布施行。", "福建省河道采砂管理办法（试行）", true},
		{"a quote in a sentence that promulgates nothing", "根据《中华人民共和国预算法》，制定本办法。", "", false},
		{"verb in a later sentence", "依照《中华人民共和国森林法》。本办法自公布之日起施行。", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Promulgated(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Promulgated(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzQuoted(f *testing.F) {
	for _, s := range []string{"《a《b》c》", "《《》", "》《", "“「《》」”", "《云南省实施〈法〉办法》已经公布"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := -1
		for _, q := range Quoted(s) {
			if q.Start <= last || q.End > len(s) || q.Start >= q.End {
				t.Fatalf("Quoted(%q): span [%d,%d) out of order or range", s, q.Start, q.End)
			}
			last = q.End - 1
		}
		Promulgated(s)
	})
}

func FuzzParseIssue(f *testing.F) {
	for _, s := range []string{"2019年第12期（总第612期）二〇一九年四月三十日", "第十二期", "中華民國101年8月29日", "总第期", "年第期"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		is, err := ParseIssue(s)
		if err == nil && is.Number == 0 && is.Date.IsZero() {
			t.Errorf("ParseIssue(%q) = %+v without error", s, is)
		}
	})
}

func FuzzSignature(f *testing.F) {
	f.Add("福建省人民政府\n2019年4月28日")
	f.Add("省长　王宁\n二〇一九年三月五日\n（此件公开发布）")
	f.Add("中華民國101年8月29日")
	f.Fuzz(func(t *testing.T, s string) {
		var ps []layout.Paragraph
		for _, l := range strings.Split(s, "\n") {
			ps = append(ps, layout.Paragraph{Text: l, Align: layout.AlignRight})
		}
		auth, signed := Signature(ps)
		if len(auth) > 0 && signed.IsZero() {
			t.Errorf("authorities %q without a date", auth)
		}
		for _, a := range auth {
			if !utf8.ValidString(a) && utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 authority %q", a)
			}
		}
		Extract("", ps)
	})
}

func FuzzEffectiveExpiry(f *testing.F) {
	for _, s := range []string{"自2019年5月1日起施行，有效期5年。", "自公布之日起施行", "有效期至2024年12月31日", "有效期为五年", "有效期99个月", "自中華民國一百零四年一月二日施行"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		signed := date(2019, 4, 28)
		eff, ok := Effective(s, signed)
		if ok == eff.IsZero() {
			t.Errorf("Effective(%q) = %v, %v", s, eff, ok)
		}
		exp, ok := Expiry(s, signed)
		if ok == exp.IsZero() {
			t.Errorf("Expiry(%q) = %v, %v", s, exp, ok)
		}
		FindDates(s)
		FindDocNumbers(s)
	})
}

func TestGazetteName(t *testing.T) {
	line := func(s string) page.Line { return page.Line{Text: s} }
	tests := []struct {
		name  string
		pages []layout.Page
		want  string
	}{
		{"cover, letter-spaced", []layout.Page{{Lines: []page.Line{line("福 建 省 人 民 政 府 公 报"), line("2019年第12期")}}}, "福建省人民政府公报"},
		{"traditional", []layout.Page{{Lines: []page.Line{line("行政院公報")}}}, "行政院公報"},
		{"sentence is not a name", []layout.Page{{Lines: []page.Line{line("现将有关事项在省政府公报上公布如下")}}}, ""},
		{"running head of a scan without cover", []layout.Page{{}, {}, {Removed: []page.Line{line("广东省人民政府公报 2019年第3期")}}}, "广东省人民政府公报"},
		{"nothing", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GazetteName(tt.pages); got != tt.want {
				t.Errorf("GazetteName = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsNumberAndDateLine(t *testing.T) {
	long := strings.Repeat("各地各部门要高度重视，加强组织领导，", 4)
	tests := []struct {
		name         string
		in           string
		number, date bool
	}{
		{"regular", "闽政〔2019〕14号", true, false},
		{"in brackets", "（川办函〔2015〕137号）", true, false},
		{"order", "福建省人民政府令第208号", true, false},
		{"ministry order with year", "中华人民共和国国家发展和改革委员会令2016年第62号", true, false},
		{"taiwan", "院臺規字第1010128030號", true, false},
		{"date", "2019年4月28日", false, true},
		{"chinese date", "二〇一九年四月二十八日", false, true},
		{"minguo date", "中華民國一百零四年十二月三十一日", false, true},
		{"spaced date", "2019 年 4 月 28 日", false, true},
		{"sentence with a number", "根据闽政〔2019〕14号文件精神，现就有关事项通知如下。", false, false},
		{"sentence with a date", "本办法自2019年5月1日起施行。", false, false},
		{"long paragraph ending in a number", long + "闽政〔2019〕14号", false, false},
		{"long paragraph ending in a date", long + "2019年4月28日", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsDocNumberLine(tt.in); got != tt.number {
				t.Errorf("IsDocNumberLine(%q) = %v, want %v", tt.in, got, tt.number)
			}
			if got := IsDateLine(tt.in); got != tt.date {
				t.Errorf("IsDateLine(%q) = %v, want %v", tt.in, got, tt.date)
			}
		})
	}
}

func TestSignatory(t *testing.T) {
	tests := []struct{ line, want string }{
		{"省长　王利立", "省长　王利立"},
		{"省长王明", "省长　王明"},
		// A scan read the space between office and name as a quote.
		{"省长”王利立", "省长　王利立"},
		{"代理市长 · 张三", "代理市长　张三"},
		// … and the space before the office too.
		{"”省长”秦俊芳", "省长　秦俊芳"},
		{"“省长”质量奖评选办法", ""},
		{"本办法自2017年3月1日起施行。", ""},
		{"省长：请于本月底前报送有关情况", ""},
	}
	for _, tc := range tests {
		if got := signatory(paras(tc.line)); got != tc.want {
			t.Errorf("signatory(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}
