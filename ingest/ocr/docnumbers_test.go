package ocr

import (
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

// ocrPage is a page OCR read with confidence 0.8, of lines.
func ocrPage(lines ...string) page.Page {
	p := page.Page{Extractor: page.OCR, Confidence: 0.8}
	for _, l := range lines {
		p.Lines = append(p.Lines, page.Line{Text: l})
	}
	return p
}

func TestCheckDocNumbers(t *testing.T) {
	tests := []struct {
		name  string
		page  page.Page
		want  string // line 1 after the check
		fixed bool
	}{
		{"stray mark before the province's abbreviation", ocrPage("河南省交通运输厅文件", "了豫交规〔2010〕24号"), "豫交规〔2010〕24号", true},
		{"as printed", ocrPage("河南省交通运输厅文件", "豫交规〔2010〕24号"), "豫交规〔2010〕24号", false},
		{"province not named in the file", ocrPage("交通运输厅文件", "了豫交规〔2010〕24号"), "了豫交规〔2010〕24号", false},
		{"another province's abbreviation first", ocrPage("河南省交通运输厅文件", "鄂豫交〔2010〕24号"), "鄂豫交〔2010〕24号", false},
		{"the province's abbreviation misread", ocrPage("广东省教育考试院文件", "押教考〔2015〕14号"), "粤教考〔2015〕14号", true},
		{"the province's abbreviation lost", ocrPage("广东省人力资源和社会保障厅文件", "人社规〔2011〕19号"), "粤人社规〔2011〕19号", true},
		{"the abbreviation of an autonomous region lost", ocrPage("广西壮族自治区教育厅文件", "教规〔2011〕19号"), "桂教规〔2011〕19号", true},
		{"a city's code under a city's mark", ocrPage("深圳市人民政府文件", "广东省人民政府办公厅：", "深府〔2016〕60号"), "深府〔2016〕60号", false},
		{"a province named, but not as the issuer", ocrPage("广东省人民政府办公厅：", "穗府〔2016〕60号"), "穗府〔2016〕60号", false},
		{"the abbreviation misread under a province's title", ocrPage("广东省人民政府关于赵敏等同志职务任免的通知", "铀政人〔2016〕9号"), "粤政人〔2016〕9号", true},
		{"under a title over two lines", ocrPage("广东省人力资源和社会保障厅关于印发", "工伤保险办法的通知", "人社规〔2011〕19号"), "粤人社规〔2011〕19号", true},
		{"a city's code under a city's title", ocrPage("广东省人民政府关于赵敏等同志职务任免的通知", "深圳市人民政府关于印发办法的通知", "深府〔2016〕60号"), "深府〔2016〕60号", false},
		{"a 文号 cited in a sentence under a province's title", ocrPage("广东省人民政府关于赵敏等同志职务任免的通知", "根据铀政人〔2016〕9号，现通知如下"), "根据铀政人〔2016〕9号，现通知如下", false},
		{"a 主送 between the title and the 文号", ocrPage("广东省人民政府关于印发办法的通知", "各市人民政府：", "穗府〔2016〕60号"), "穗府〔2016〕60号", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages := []page.Page{tc.page}
			CheckDocNumbers(pages)
			p := pages[0]
			last := len(p.Lines) - 1
			if p.Lines[last].Text != tc.want {
				t.Errorf("line %q, want %q", p.Lines[last].Text, tc.want)
			}
			if got := len(p.Corrections) == 1 && p.Corrections[0].Rule == RuleDocNumber && p.Corrections[0].Line == last; got != tc.fixed {
				t.Errorf("corrections %+v, want one: %v", p.Corrections, tc.fixed)
			}
		})
	}
	text := []page.Page{{Extractor: page.Text, Lines: []page.Line{{Text: "河南省交通运输厅文件"}, {Text: "了豫交规〔2010〕24号"}}}}
	if CheckDocNumbers(text); text[0].Lines[1].Text != "了豫交规〔2010〕24号" {
		t.Error("a text layer was corrected")
	}
}
