package meta

import (
	"slices"
	"strings"
	"testing"
)

// The tests here hold the metadata of originals to lines OCR read off
// their scans (generated originals of seed 11 and 12, every scan variant),
// and each rule to the near miss it must leave alone.

// TestTitleStrayFullStop: a title never ends in a full stop; one a scan
// read at the end of its line goes, and one inside the title stays.
func TestTitleStrayFullStop(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"a stop at the end", "^澜江省教育厅关于印发澜江省预算绩效管理办法的通知。", "澜江省教育厅关于印发澜江省预算绩效管理办法的通知"},
		{"no stop", "^澜江省教育厅关于印发澜江省预算绩效管理办法的通知", "澜江省教育厅关于印发澜江省预算绩效管理办法的通知"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Extract("", paras("澜江省教育厅文件", "澜教〔2019〕20号", tt.line, "各设区的市、县（市、区）有关部门，省直有关单位：", "为全面实施预算绩效管理，现印发给你们。"))
			if d.Title != tt.want {
				t.Errorf("title %q, want %q", d.Title, tt.want)
			}
			if d.Kind != "normative" {
				t.Errorf("kind %q, want normative", d.Kind)
			}
		})
	}
}

// TestSplitSalutationColonLost: the title, a 主送 whose colon the scan
// lost and the text run into one heading paragraph come apart where the
// text opens, every character kept; a name with an opener's character
// inside (经济) is not cut, and a title run on into text without
// addressees is left alone.
func TestSplitSalutationColonLost(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // nil: unchanged
	}{
		{"the text opens with 为",
			"^澜江省教育厅关于印发澜江省预算绩效管理办法的通知各设区的市、县（市、区）有关部门，省直有关单位为全面实施预算绩效管理，提高财政资金使用效益，我们制定了《澜江省预算绩效管理办法》，现印发给你们，请遵照执行。",
			[]string{"澜江省教育厅关于印发澜江省预算绩效管理办法的通知", "各设区的市、县（市、区）有关部门，省直有关单位", "为全面实施预算绩效管理，提高财政资金使用效益，我们制定了《澜江省预算绩效管理办法》，现印发给你们，请遵照执行。"}},
		{"the text opens with a quoted title",
			"^关于印发泽安省政务服务“一网通办”工作方案的通知各设区的市人民政府，各开发区管理委员会，省人民政府各部门、各直属机构，各大企业，各高等院校《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们，请认真组织实施。",
			[]string{"关于印发泽安省政务服务“一网通办”工作方案的通知", "各设区的市人民政府，各开发区管理委员会，省人民政府各部门、各直属机构，各大企业，各高等院校", "《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们，请认真组织实施。"}},
		{"an addressee with 经 inside",
			"^关于加快培育新兴产业的通知各市经济和信息化委员会为加快培育新兴产业，现将有关事项通知如下。",
			[]string{"关于加快培育新兴产业的通知", "各市经济和信息化委员会", "为加快培育新兴产业，现将有关事项通知如下。"}},
		{"no addressees after the title word",
			"^关于调整最低工资标准的通知现将有关事项通知如下，请遵照执行。", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := paras(tt.in)
			got := textsOf(SplitSalutation(in))
			want := tt.want
			if want == nil {
				want = textsOf(in)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if strings.Join(got, "") != strings.Join(textsOf(in), "") {
				t.Errorf("characters lost or added: %q", got)
			}
		})
	}
	d := Extract("", SplitSalutation(paras("澜江省教育厅文件", "澜教〔2019〕20号", tests[0].in, ">澜江省教育厅", ">2019年7月16日")))
	if want := []string{"各设区的市、县（市、区）有关部门", "省直有关单位"}; d.Title != tests[0].want[0] || !slices.Equal(d.Recipients, want) {
		t.Errorf("read through: title %q, recipients %q", d.Title, d.Recipients)
	}
}

// TestAddresseesUnderTitle: a 主送 whose colon the scan lost, set under
// a whole title, is the recipients, not the title's end: on a heading
// line of its own, wrapped over two lines (heading lines or not), or run
// on into the text in one heading paragraph; the second line of a title
// that begins with 各 is the title's, and a sentence under a title is
// no 主送.
func TestAddresseesUnderTitle(t *testing.T) {
	mast := []string{"泽安省人民政府文件", "泽府[ 2016143号", "^关于印发泽安省政务服务“一网通办”工作方案的通知"}
	title := "关于印发泽安省政务服务“一网通办”工作方案的通知"
	all := []string{"各设区的市人民政府", "各开发区管理委员会", "省人民政府各部门、各直属机构", "各大企业", "各高等院校"}
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"wrapped over two heading lines",
			[]string{"^各设区的市人民政府，各开发区管理委员会，省人民政府各部", "^门、各直属机构，各大企业，各高等院校", "《泽安省政务服务“一网通办”工作方案》", "已经省人民政府", "同意，现印发给你们，请认真组织实施", "本通知自印发之日起施行"},
			all},
		{"wrapped over two lines, the text run on after",
			[]string{"各设区的市人民政府，各开发区管理委员会，省人民政府各部", "门、各直属机构，各大企业，各高等院校", "《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们，请认真组织实施。，", "本通知自印发之日起施行。"},
			all},
		{"one heading paragraph with the text",
			[]string{"^各设区的市人民政府，各开发区管理委员会，省人民政府各部门、各直属机构，各大企业，各高等院校《泽安省政务服务“一网通办”工作方案》已经省人民政府同意，现印发给你们，请认真组织实施。本通知自印发之日起施行。"},
			all},
		{"a sentence under the title",
			[]string{"为加强管理，各市人民政府，各开发区管理委员会要认真执行。", "本通知自印发之日起施行。"},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := paras(append(slices.Clone(mast), tt.lines...)...)
			ps := SplitSalutation(in)
			if strings.Join(textsOf(ps), "") != strings.Join(textsOf(in), "") {
				t.Errorf("characters lost or added: %q", textsOf(ps))
			}
			d := Extract("", ps)
			if d.Title != title {
				t.Errorf("title %q", d.Title)
			}
			if !slices.Equal(d.Recipients, tt.want) {
				t.Errorf("recipients %q, want %q", d.Recipients, tt.want)
			}
		})
	}
	d := Extract("", paras("泽安省人民政府文件", "泽府〔2016〕43号", "^关于印发泽安省城市管理办法", "^各市实施细则的通知", "各市人民政府：", "现印发给你们。"))
	if d.Title != "关于印发泽安省城市管理办法各市实施细则的通知" {
		t.Errorf("a title's second line: title %q", d.Title)
	}
}

// TestNoteAsScanned: the 附注 with its opening bracket misread, set
// before the signature that layout read after it, or closing a 主体
// whose signature was not read (under its seal) before the attachments.
func TestNoteAsScanned(t *testing.T) {
	head := []string{"泽安省人民政府文件", "泽府〔2016〕43号", "^关于印发泽安省政务服务“一网通办”工作方案的通知", "各设区的市人民政府，各开发区管理委员会：", "现印发给你们，请认真组织实施。"}
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"a bracket read as a title mark, the signature unread",
			[]string{"附件，泽安省政务服务“一网通办”工作方案", "《此件主动公开）", "外NA", "政府", "2016 23日", "附件", "泽安省政务服务“一网通办”工作方案", "一、工作目标。到年底，网上可办率达到百分之九十以上。", "二、统一办事入口。", "三、优化办事流程。"},
			"（此件主动公开）"},
		{"a bracket read as a backslash, before the signature",
			[]string{"附件，澜江省预算绩效管理办法", "\\此件不予公开）", ">澜江省教育厅", ">二〇一九年七月十六日", "附件", "澜江省预算绩效管理办法", "第一条　为了提高效益，制定本办法。", "第二条　本办法适用于省级部门。", "第三条　本办法自印发之日起施行。"},
			"（此件不予公开）"},
		{"a book title in brackets is no note",
			[]string{">泽安省人民政府", ">2016年3月23日", "《泽安省政务服务“一网通办”工作方案》（试行）"},
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Extract("", paras(append(slices.Clone(head), tt.lines...)...))
			if d.Note != tt.want {
				t.Errorf("note %q, want %q", d.Note, tt.want)
			}
		})
	}
}
