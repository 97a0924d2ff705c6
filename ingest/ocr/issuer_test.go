package ocr

import (
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

func TestCheckIssuerNames(t *testing.T) {
	tests := []struct {
		name  string
		page  page.Page
		want  string // the last line after the check
		fixed bool
	}{
		{"a character of the issuer misread in the title", ocrPage("苍梧省卫生健康委员会文件", "苑梧省卫生健康委员会关于印发"), "苍梧省卫生健康委员会关于印发", true},
		{"in the 印发 line", ocrPage("苍梧省卫生健康委员会 文件", "苑梧省卫生健康委员会办公室2015年3月15日印发"), "苍梧省卫生健康委员会办公室2015年3月15日印发", true},
		{"as printed", ocrPage("苍梧省卫生健康委员会文件", "苍梧省卫生健康委员会关于印发"), "苍梧省卫生健康委员会关于印发", false},
		{"another province's body of the same name", ocrPage("河南省交通运输厅办公室文件", "湖南省交通运输厅办公室："), "湖南省交通运输厅办公室：", false},
		{"two characters apart", ocrPage("苍梧省卫生健康委员会文件", "葵格省卫生健康委员会办公室"), "葵格省卫生健康委员会办公室", false},
		{"a short name", ocrPage("东莞市教育局文件", "东莞市教育周关于"), "东莞市教育周关于", false},
		{"no 发文机关标志", ocrPage("苍梧省卫生健康委员会", "苑梧省卫生健康委员会关于印发"), "苑梧省卫生健康委员会关于印发", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages := []page.Page{tc.page}
			CheckIssuerNames(pages)
			p := pages[0]
			last := len(p.Lines) - 1
			if p.Lines[last].Text != tc.want {
				t.Errorf("line %q, want %q", p.Lines[last].Text, tc.want)
			}
			if got := len(p.Corrections) == 1; got != tc.fixed {
				t.Fatalf("corrections %+v, want one: %v", p.Corrections, tc.fixed)
			}
			if tc.fixed && (p.Corrections[0].Rule != RuleLexicon || p.Corrections[0].Confidence != 0.8 || p.Corrections[0].To != tc.want) {
				t.Errorf("correction %+v", p.Corrections[0])
			}
		})
	}
	text := []page.Page{{Extractor: page.Text, Lines: []page.Line{{Text: "苍梧省卫生健康委员会文件"}, {Text: "苑梧省卫生健康委员会"}}}}
	CheckIssuerNames(text)
	if text[0].Lines[1].Text != "苑梧省卫生健康委员会" {
		t.Error("a text layer's line was corrected")
	}
}
