package ocr

import (
	"slices"
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

func TestCheckCopyNumber(t *testing.T) {
	tests := []struct {
		name      string
		extractor page.Extractor
		lines     []string
		want      string // the first line after
		fixed     bool
	}{
		{"letters for digits", page.OCR, []string{"0O0l58", "澜江省人民政府文件", "澜府〔2013〕26号"}, "000158", true},
		{"speckle around it", page.OCR, []string{"·000258 '", "澜江省人民政府文件"}, "000258", true},
		{"labelled", page.OCR, []string{"份号：O00258", "机密★1年", "澜江省人民政府文件"}, "份号：000258", true},
		{"as printed", page.OCR, []string{"000258", "澜江省人民政府文件"}, "000258", false},
		{"too few digits read", page.OCR, []string{"OOOl58", "澜江省人民政府文件"}, "OOOl58", false},
		{"no 发文机关标志 under it", page.OCR, []string{"0O0l58", "关于做好工作的通知"}, "0O0l58", false},
		{"a word, not a number", page.OCR, []string{"Dollar", "澜江省人民政府文件"}, "Dollar", false},
		{"text layer", page.Text, []string{"0O0l58", "澜江省人民政府文件"}, "0O0l58", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := page.Page{Number: 1, Extractor: tt.extractor, Confidence: 0.8}
			for _, s := range tt.lines {
				p.Lines = append(p.Lines, page.Line{Text: s})
			}
			pages := []page.Page{p}
			CheckCopyNumber(pages)
			if got := pages[0].Lines[0].Text; got != tt.want {
				t.Errorf("line = %q, want %q", got, tt.want)
			}
			var want []page.Correction
			if tt.fixed {
				want = []page.Correction{{Line: 0, From: tt.lines[0], To: tt.want, Rule: RuleCopyNumber, Confidence: 0.8}}
			}
			if !slices.Equal(pages[0].Corrections, want) {
				t.Errorf("corrections %+v, want %+v", pages[0].Corrections, want)
			}
		})
	}
}
