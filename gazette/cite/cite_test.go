package cite_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/gazette/cite"
)

// found is a citation as the tests compare it.
type found struct {
	text, ref string
	typ       gazette.RelationType
	prov      string
	year      int
}

func describe(cs []cite.Citation) []found {
	var out []found
	for _, c := range cs {
		out = append(out, found{c.Text, c.Ref(), c.Type, c.Provision, c.Year})
	}
	return out
}

func TestFind(t *testing.T) {
	B, C, R, A := gazette.BasedOn, gazette.Cites, gazette.Repeals, gazette.Amends
	for _, tc := range []struct {
		name, text string
		want       []found
	}{
		{"based on a list of laws", "根据《中华人民共和国行政许可法》、《福建省行政许可条例》和《国务院关于XX的决定》，制定本办法。", []found{
			{"《中华人民共和国行政许可法》", "title:行政许可法", B, "", 0},
			{"《福建省行政许可条例》", "title:福建省行政许可条例", B, "", 0},
			{"《国务院关于XX的决定》", "title:国务院关于XX的决定", B, "", 0},
		}},
		{"revision year inside the title, provision after", "依照《中华人民共和国行政许可法（2019年修正）》第十三条办理。", []found{
			{"《中华人民共和国行政许可法（2019年修正）》", "title:行政许可法", C, "第十三条", 2019},
		}},
		{"revision year after the title, Chinese numerals", "《中华人民共和国行政处罚法》（二〇二一年修订）第三十三条", []found{
			{"《中华人民共和国行政处罚法》（二〇二一年修订）", "title:行政处罚法", C, "第三十三条", 2021},
		}},
		{"number after the title repealed", "2005年3月1日省人民政府发布的《福建省道路运输管理办法》（省政府令第5号）同时废止。", []found{
			{"《福建省道路运输管理办法》（省政府令第5号）", "number:省政府令第5号", R, "", 0},
		}},
		{"number with a date in the parenthesis", "《产品质量申诉处理办法》（1998年3月12日国家质量技术监督局令第51号公布）同时废止", []found{
			{"《产品质量申诉处理办法》（1998年3月12日国家质量技术监督局令第51号公布）", "number:国家质量技术监督局令第51号", R, "", 0},
		}},
		{"number before the title, former agency", "原国家工商行政管理总局令第56号公布的《个体工商户登记管理办法》同时废止。", []found{
			{"《个体工商户登记管理办法》", "number:国家工商行政管理总局令第56号", R, "", 0},
		}},
		{"nested titles: the outermost only", "《国务院关于修改〈中华人民共和国行政许可法实施条例〉的决定》和《公安部关于修改《机动车登记规定》的决定》", []found{
			{"《国务院关于修改〈中华人民共和国行政许可法实施条例〉的决定》", "title:国务院关于修改〈中华人民共和国行政许可法实施条例〉的决定", C, "", 0},
			{"《公安部关于修改《机动车登记规定》的决定》", "title:公安部关于修改〈机动车登记规定〉的决定", C, "", 0},
		}},
		{"numbers in every bracket", "按照闽政〔2019〕14号、国办发[2018]3号、晋政发(2007)18号、豫政办 〔 2021 〕68 号和晋政发（2009）12号执行", []found{
			{"闽政〔2019〕14号", "number:闽政〔2019〕14号", C, "", 0},
			{"国办发[2018]3号", "number:国办发〔2018〕3号", C, "", 0},
			{"晋政发(2007)18号", "number:晋政发〔2007〕18号", C, "", 0},
			{"豫政办 〔 2021 〕68 号", "number:豫政办〔2021〕68号", C, "", 0},
			{"晋政发（2009）12号", "number:晋政发〔2009〕12号", C, "", 0},
		}},
		{"a zero-width space and full-width digits", "根据\u200b渝府办发〔２０１９〕１０３号", []found{
			{"渝府办发〔２０１９〕１０３号", "number:渝府办发〔2019〕103号", B, "", 0},
		}},
		{"第N号令", "已经国务院第588号令公布，结合省政府第12号令执行", []found{
			{"国务院第588号令", "number:国务院令第588号", C, "", 0},
			{"省政府第12号令", "number:省政府令第12号", C, "", 0},
		}},
		{"a 文号 inside a title is the title's", "《关于印发闽政〔2019〕14号文件的通知》", []found{
			{"《关于印发闽政〔2019〕14号文件的通知》", "title:关于印发闽政〔2019〕14号文件的通知", C, "", 0},
		}},
		{"not documents: licences, forms, reports, newspapers", "持《营业执照》和《药品经营许可证》，填写《申请表》，报送《2022年工作报告》，刊登于《人民日报》。", nil},
		{"a short name stands for the document", "对《关于审理非法行医刑事案件的解释》（法释〔2008〕5号，以下简称《解释》）作如下修改：\n一、删除《解释》第一条第二项。", []found{
			{"《关于审理非法行医刑事案件的解释》（法释〔2008〕5号，以下简称《解释》）", "number:法释〔2008〕5号", A, "", 0},
			{"《解释》", "number:法释〔2008〕5号", C, "第一条第二项", 0},
		}},
		{"repealed by the verb in front", "决定废止《福建省XX暂行规定》。", []found{
			{"《福建省XX暂行规定》", "title:福建省XX暂行规定", R, "", 0},
		}},
		{"a decision named, not made", "省政府印发了关于废止《福建省XX暂行规定》的决定。", []found{
			{"《福建省XX暂行规定》", "title:福建省XX暂行规定", C, "", 0},
		}},
		{"an article amended", "《福建省XX办法》第十条修改为：", []found{
			{"《福建省XX办法》", "title:福建省XX办法", A, "第十条", 0},
		}},
		{"依照 cites", "依照《中华人民共和国价格法》处罚", []found{
			{"《中华人民共和国价格法》", "title:价格法", C, "", 0},
		}},
		{"unclosed and stray brackets", "见《福建省XX办法\n》和《福建省YY规定》", []found{
			{"《福建省YY规定》", "title:福建省YY规定", C, "", 0},
		}},
		{"trial titles keep their parenthesis", "《人民检察院刑事诉讼规则（试行）》", []found{
			{"《人民检察院刑事诉讼规则（试行）》", "title:人民检察院刑事诉讼规则(试行)", C, "", 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := describe(cite.Find(tc.text))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Find(%q)\n got %v\nwant %v", tc.text, got, tc.want)
			}
			for _, c := range cite.Find(tc.text) {
				if tc.text[c.Start:c.End] != c.Text {
					t.Errorf("%q: Text %q is not text[Start:End] %q", tc.text, c.Text, tc.text[c.Start:c.End])
				}
			}
		})
	}
}

func TestNormalizeTitle(t *testing.T) {
	same := [][]string{
		{"中华人民共和国行政许可法", "《行政许可法》", "《中华人民共和国行政许可法（2019年修正）》", " 行政 许可法 ", "中华人民共和国行政许可法(2019修正)"},
		{"国务院关于修改〈物业管理条例〉的决定", "《国务院关于修改《物业管理条例》的决定》"},
		{"XX办法（试行）", "XX办法(试行)"},
	}
	for _, group := range same {
		k := cite.NormalizeTitle(group[0])
		for _, s := range group[1:] {
			if got := cite.NormalizeTitle(s); got != k {
				t.Errorf("NormalizeTitle(%q) = %q, want %q as for %q", s, got, k, group[0])
			}
		}
	}
	if cite.NormalizeTitle("XX办法（试行）") == cite.NormalizeTitle("XX办法") {
		t.Error("a trial version's title must keep its （试行）")
	}
}

func day(y int, m time.Month, d int) gazette.Date { return gazette.Date{Year: y, Month: m, Day: d} }

func TestChoose(t *testing.T) {
	law2014 := cite.Candidate{ID: "2014-3-1", Title: "中华人民共和国某某法", Date: day(2014, 4, 24)}
	law2019 := cite.Candidate{ID: "2019-5-2", Title: "中华人民共和国某某法（2019年修正）", Date: day(2019, 4, 23)}
	other := cite.Candidate{ID: "2019-6-1", Title: "某某法", Date: day(2019, 6, 1)}
	notice := cite.Candidate{ID: "2019-7-1", Title: "关于做好某事的通知", Date: day(2019, 7, 1)}
	notice2 := cite.Candidate{ID: "2020-1-4", Title: "关于做好某事的通知", Date: day(2019, 7, 1)}
	undated := cite.Candidate{ID: "1990-1-1", Title: "某某条例"}
	plain := &cite.Citation{Form: cite.ByTitle, Key: "某某法"}
	of2014 := &cite.Citation{Form: cite.ByTitle, Key: "某某法", Year: 2014}
	for _, tc := range []struct {
		name   string
		c      *cite.Citation
		citing gazette.Date
		self   string
		cands  []cite.Candidate
		want   cite.Resolution
	}{
		{"none found", plain, day(2020, 1, 1), "", nil, cite.Resolution{Outcome: cite.Missing}},
		{"one", plain, day(2020, 1, 1), "", []cite.Candidate{law2014}, cite.Resolution{Outcome: cite.Resolved, ID: law2014.ID}},
		{"versions: the one that stood when cited", plain, day(2020, 1, 1), "", []cite.Candidate{law2014, law2019}, cite.Resolution{Outcome: cite.Resolved, ID: law2019.ID}},
		{"versions: a later one did not exist yet", plain, day(2018, 1, 1), "", []cite.Candidate{law2019, law2014}, cite.Resolution{Outcome: cite.Resolved, ID: law2014.ID}},
		{"only later versions: missing", plain, day(2010, 1, 1), "", []cite.Candidate{law2014, law2019}, cite.Resolution{Outcome: cite.Missing}},
		{"a revision year picks its version", of2014, day(2020, 1, 1), "", []cite.Candidate{law2014, law2019}, cite.Resolution{Outcome: cite.Resolved, ID: law2014.ID}},
		{"a revision year no version has: missing", &cite.Citation{Key: "某某法", Year: 2009}, day(2020, 1, 1), "", []cite.Candidate{law2014, law2019}, cite.Resolution{Outcome: cite.Missing}},
		{"never itself", plain, day(2020, 1, 1), law2019.ID, []cite.Candidate{law2014, law2019}, cite.Resolution{Outcome: cite.Resolved, ID: law2014.ID}},
		{"two different documents: ambiguous", plain, day(2020, 1, 1), "", []cite.Candidate{law2019, notice}, cite.Resolution{Outcome: cite.Ambiguous, Candidates: []cite.Candidate{law2019, notice}}},
		{"two prints of one date: ambiguous", plain, day(2020, 1, 1), "", []cite.Candidate{notice, notice2}, cite.Resolution{Outcome: cite.Ambiguous, Candidates: []cite.Candidate{notice, notice2}}},
		{"an undated candidate is kept, and is never a version", plain, day(2020, 1, 1), "", []cite.Candidate{undated, other}, cite.Resolution{Outcome: cite.Ambiguous, Candidates: []cite.Candidate{undated, other}}},
		{"an undated citing document keeps all", plain, gazette.Date{}, "", []cite.Candidate{law2019}, cite.Resolution{Outcome: cite.Resolved, ID: law2019.ID}},
		{"one found twice", plain, day(2020, 1, 1), "", []cite.Candidate{law2019, law2019}, cite.Resolution{Outcome: cite.Resolved, ID: law2019.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cite.Choose(tc.c, tc.citing, tc.self, tc.cands)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Choose = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	cs := cite.Find("《某某办法》（闽政〔2019〕14号）、《某某法（2019年修正）》和闽政办〔2020〕3号")
	var got []string
	for _, c := range cs {
		got = append(got, c.Label())
	}
	want := "《某某办法》（闽政〔2019〕14号）|《某某法（2019年修正）》（2019年）|闽政办〔2020〕3号"
	if strings.Join(got, "|") != want {
		t.Errorf("labels %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestInBody(t *testing.T) {
	body := []string{
		"对《关于XX的解释》（法释〔2008〕5号，以下简称《解释》）作如下修改：",
		"",
		"一、删除《解释》第一条。依照闽政〔2019〕14号执行。",
	}
	got := cite.InBody(body)
	want := []struct {
		para int
		text string
		ref  string
	}{
		{0, "《关于XX的解释》（法释〔2008〕5号，以下简称《解释》）", "number:法释〔2008〕5号"},
		{2, "《解释》", "number:法释〔2008〕5号"},
		{2, "闽政〔2019〕14号", "number:闽政〔2019〕14号"},
	}
	if len(got) != len(want) {
		t.Fatalf("InBody = %+v, want %d citations", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Paragraph != w.para || body[g.Paragraph][g.Start:g.End] != w.text || g.Ref() != w.ref {
			t.Errorf("citation %d: paragraph %d %q %s, want paragraph %d %q %s", i, g.Paragraph, body[g.Paragraph][g.Start:g.End], g.Ref(), w.para, w.text, w.ref)
		}
	}
}

func TestIsSelf(t *testing.T) {
	title := "福建省人民政府关于印发《福建省行政许可办法（试行）》的通知"
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"现将《福建省行政许可办法（试行）》印发给你们", true},
		{"《福建省人民政府关于印发〈福建省行政许可办法（试行）〉的通知》", true},
		{"根据闽政〔2019〕14号", true},
		{"根据闽政〔2019〕15号", false},
		{"《福建省行政许可办法》", false},
	} {
		cs := cite.Find(tc.text)
		if len(cs) != 1 {
			t.Fatalf("%q: %d citations", tc.text, len(cs))
		}
		if got := cite.IsSelf(&cs[0], title, "闽政〔2019〕14号"); got != tc.want {
			t.Errorf("IsSelf(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
