package frontend

import (
	"testing"

	"github.com/gazette-archive/gazette/gazette"
)

func TestSourceLabel(t *testing.T) {
	src := []gazette.TextSource{{Page: 3, Method: gazette.TextLayer}, {Page: 4, Method: gazette.OCR, Confidence: 0.834}, {Page: 5, Method: gazette.Proofread, By: "li.ming"}}
	for p, want := range map[int]string{3: "文字取自 PDF 文字层", 4: "文字由 OCR 识别，置信度 83%", 5: "已由 li.ming 人工校对", 6: ""} {
		if got := sourceLabel(src, p); got != want {
			t.Errorf("page %d: %q, want %q", p, got, want)
		}
	}
}
