package ingest

import (
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/ocr"
	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/report"
)

// TestReread reads a page scanned on its side again: as it lies (rotation
// 0) tesseract makes little of it; turned a quarter clockwise, the text
// comes back, at a higher confidence.
func TestReread(t *testing.T) {
	for _, tool := range []string{"pdftoppm", "tesseract"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	ctx := context.Background()
	e, err := ocr.NewEngine(ctx, ocr.Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	lines := []string{
		"福建省人民政府关于加强档案管理工作的通知",
		"各市、县（区）人民政府，省人民政府各部门：",
		"为了规范政府公报的编辑、出版和发行工作，",
		"根据国务院有关规定，结合本省实际，现通知如下。",
		"一、各级人民政府应当加强对档案工作的领导。",
		"二、本通知自发布之日起施行。",
	}
	img, err := scantest.Render(ctx, scantest.TextPDF([][]string{lines}, 16), 1, 200)
	if err != nil {
		t.Skipf("cannot render test text (fonts-noto-cjk?): %v", err)
	}
	path := filepath.Join(t.TempDir(), "sideways.pdf")
	if err := os.WriteFile(path, scantest.ImagePDF([]*image.Gray{scantest.Sideways(img)}), 0o600); err != nil {
		t.Fatal(err)
	}
	read := Reread(extract.Options{OCR: e})
	if read == nil {
		t.Fatal("Reread gave no function with an engine")
	}
	if Reread(extract.Options{}) != nil {
		t.Error("Reread gave a function without an engine")
	}
	want := strings.Join(lines, "")
	accuracy := func(s report.OCRSettings) (float64, *report.PageRead) {
		t.Helper()
		r, err := read(ctx, path, 1, s)
		if err != nil {
			t.Fatal(err)
		}
		acc := scantest.CharAccuracy(want, strings.Join(r.Paragraphs, ""))
		t.Logf("%s: accuracy %.3f, confidence %.2f, note %q, %d paragraphs", s, acc, r.Confidence, r.Note, len(r.Paragraphs))
		return acc, r
	}
	lying, lr := accuracy(report.OCRSettings{DPI: 200, PSM: 3, Rotation: 0})
	turned, tr := accuracy(report.OCRSettings{DPI: 300, PSM: 6, Rotation: 90})
	if lying > 0.5 {
		t.Errorf("read as it lies: accuracy %.3f, want a poor reading (< 0.5) for the test to mean anything", lying)
	}
	if turned < 0.9 || turned < lying+0.4 {
		t.Errorf("turned a quarter: accuracy %.3f, want ≥ 0.9 and well above %.3f", turned, lying)
	}
	if tr.Confidence <= lr.Confidence || !strings.Contains(tr.Note, "turned 90°") {
		t.Errorf("turned: confidence %.2f (as it lies %.2f), note %q", tr.Confidence, lr.Confidence, tr.Note)
	}
	if _, err := read(ctx, path, 1, report.OCRSettings{DPI: 72, PSM: 3}); err == nil {
		t.Error("settings outside those offered were read")
	}
}
