package meta

import (
	"slices"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

// TestRecordAsScanned holds the 版记 to what OCR makes of its small print:
// the labels known by their shape where the 版记 stands, nothing read
// into a field that the page does not give.
func TestRecordAsScanned(t *testing.T) {
	body := "第七条　本办法自印发之日起施行。"
	tests := []struct {
		name  string
		lines []string
		cc    []string
		by    string
		date  gazette.Date
	}{
		{"the colon read as a comma",
			[]string{body, "抄送，市委办公厅，市人大常委会办公厅，市政协办公厅。", "上海市自然资源厅办公室2018年2月28日印发"},
			[]string{"市委办公厅", "市人大常委会办公厅", "市政协办公厅"}, "上海市自然资源厅办公室", gazette.Date{Year: 2018, Month: 2, Day: 28}},
		{"a stray mark before the label, the month past reading",
			[]string{body, "。抄送，市委办公厅，市人大常委会办公厅，市政协办公厅。", "上海市自然资源厅办公室2018年？月28日印发"},
			[]string{"市委办公厅", "市人大常委会办公厅", "市政协办公厅"}, "上海市自然资源厅办公室", gazette.Date{}},
		{"the colon lost",
			[]string{body, "抄送市委办公厅，市政协办公厅。", "上海市自然资源厅办公室　2018年2月28日印发"},
			[]string{"市委办公厅", "市政协办公厅"}, "上海市自然资源厅办公室", gazette.Date{Year: 2018, Month: 2, Day: 28}},
		{"a character of each label misread, a rule read as a dash, a name misread",
			[]string{body, "抄迭：省委各部门，省人大常委会办公打，省政协办公厅，省法", "院，省检察院-", "河南省人民政府办公厅　2011年4月7日印友", "一3一"},
			[]string{"省委各部门", "省人大常委会办公打", "省政协办公厅", "省法院", "省检察院"}, "河南省人民政府办公厅", gazette.Date{Year: 2011, Month: 4, Day: 7}},
		{"the office misread: left out, the date stands",
			[]string{body, "抄送：省委各部门，省法院。", "河南省人民政府办公打”2011年4月7日印发"},
			[]string{"省委各部门", "省法院"}, "", gazette.Date{Year: 2011, Month: 4, Day: 7}},
		{"marks read beside the 印发 line",
			[]string{body, "抄送：省委各部门，省法院。", "”云南省人力资源和社会保障厅办公室2016年9月6日印发”"},
			[]string{"省委各部门", "省法院"}, "云南省人力资源和社会保障厅办公室", gazette.Date{Year: 2016, Month: 9, Day: 6}},
		{"the office's end read as marks: left out, the date stands",
			[]string{body, "（联系人：姜伟敏，联系电话：0875-87036150)", "泽安省卫生健康委员会； \\公室2013年9月12日印发", "一2一"},
			nil, "", gazette.Date{Year: 2013, Month: 9, Day: 12}},
		{"主送 in the 版记 is no 抄送",
			[]string{body, "主送：各区人民政府。", "河南省人民政府办公厅　2011年4月7日印发"},
			nil, "河南省人民政府办公厅", gazette.Date{Year: 2011, Month: 4, Day: 7}},
		{"a sentence under a label-like start is no list",
			[]string{"分析，本办法所称的预算绩效管理是指对预算资金使用情况的评价。", "河南省人民政府办公厅　2011年4月7日印发"},
			nil, "河南省人民政府办公厅", gazette.Date{Year: 2011, Month: 4, Day: 7}},
		{"a misread label far from the end of the text is not taken",
			[]string{"抄迭：省委各部门，省法院。", body, body, body, body, "河南省人民政府办公厅　2011年4月7日印发"},
			nil, "河南省人民政府办公厅", gazette.Date{Year: 2011, Month: 4, Day: 7}},
		{"a misread 印发 mark not at the end is no 印发 line",
			[]string{"该办法于2011年4月7日印友", body, body},
			nil, "", gazette.Date{}},
	}
	for _, tt := range tests {
		var o Original
		ps := origParas(tt.lines...)
		Record(ps, &o)
		if !slices.Equal(o.CC, tt.cc) || o.PrintedBy != tt.by || o.PrintDate != tt.date {
			t.Errorf("%s: CC %q, 印发 %q %v; want %q, %q %v", tt.name, o.CC, o.PrintedBy, o.PrintDate, tt.cc, tt.by, tt.date)
		}
	}
}

// TestAttachmentNoteAsScanned holds the 附件说明 to its colon read as a
// comma, and to a stray mark after its title or before it; a sentence that opens with
// 附件 stays no note.
func TestAttachmentNoteAsScanned(t *testing.T) {
	tests := []struct {
		lines []string
		want  []string
	}{
		{[]string{"附件，上海市预算绩效管理办法", "附件", "市预算绩效管理办法"}, []string{"上海市预算绩效管理办法"}},
		{[]string{"附件：上海市预算绩效管理办法、"}, []string{"上海市预算绩效管理办法"}},
		{[]string{"附件：-河南省有关部门职责分工表"}, []string{"河南省有关部门职责分工表"}},
		{[]string{"附件：一流学科建设方案"}, []string{"一流学科建设方案"}},
		{[]string{"附件，1．岚州省预算绩效管理办法", "2．岚州省有关部门职责分工表"}, []string{"岚州省预算绩效管理办法", "岚州省有关部门职责分工表"}},
		{[]string{"附件，请各单位于3月底前填报。"}, nil},
	}
	for _, tt := range tests {
		if got := Attachments(origParas(tt.lines...)); !slices.Equal(got, tt.want) {
			t.Errorf("Attachments(%q) = %q, want %q", tt.lines, got, tt.want)
		}
	}
}

// TestRecipientsMisreadBracket holds the 主送 to a bracket a scan misread.
func TestRecipientsMisreadBracket(t *testing.T) {
	for in, want := range map[string][]string{
		"各市、县〈区）教育局，市属各高等学校：":  {"各市、县（区）教育局", "市属各高等学校"},
		"各市、县【区)教育局：":          {"各市、县（区）教育局"},
		"各市、县(区)教育局：":          {"各市、县(区)教育局"},
		"各市、县〈(区)教育局，省属各高等学校：": {"各市、县(区)教育局", "省属各高等学校"},
	} {
		if got := Recipients(in); !slices.Equal(got, want) {
			t.Errorf("Recipients(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOfficeAgreesLostFront: an issuer read without its front is no
// better reading of the 印发机关 that prints the whole name.
func TestOfficeAgreesLostFront(t *testing.T) {
	if got := officeAgrees("苍梧省人民政府办公厅", []string{"省人民政府"}); got != "苍梧省人民政府办公厅" {
		t.Errorf("officeAgrees = %q", got)
	}
	if got := officeAgrees("苍柯省卫生健康委员会办公室", []string{"苍梧省卫生健康委员会"}); got != "苍梧省卫生健康委员会办公室" {
		t.Errorf("officeAgrees = %q", got)
	}
}
