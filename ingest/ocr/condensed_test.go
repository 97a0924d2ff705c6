package ocr

import (
	"context"
	"image"
	"image/draw"
	"image/png"
	"os"
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

// condensedHeading is testdata/condensed-heading.png, the 发文机关标志 of a
// generated original's 1-bit scan at 200 dpi (云南省人力资源和社会保障厅文件
// in a condensed face), and the lines tesseract read of it with its page:
// two, six characters of fifteen. Lines of the text under it (off the
// crop) set the page's usual line height.
func condensedHeading(t *testing.T, first []page.Line) (*raster, []page.Line) {
	t.Helper()
	f, err := os.Open("testdata/condensed-heading.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, image.Point{}, draw.Src)
	lines := append([]page.Line(nil), first...)
	for _, y := range []float64{300, 330, 360, 390} {
		lines = append(lines, page.Line{Text: "为全面实施预算绩效管理，提高财政资金使用效益", X: 40, Y: y, W: 400, Size: 23})
	}
	return &raster{w: g.Rect.Dx(), h: g.Rect.Dy(), ch: 1, pix: g.Pix}, lines
}

var headingReadShort = []page.Line{
	{Text: "去二省人", X: 25.9, Y: 54.7, W: 133.6, Size: 47.5},
	{Text: "会人", X: 265.7, Y: 59.4, W: 85.3, Size: 47.2},
}

// TestCondensedRows finds the row of large type that read short, its two
// lines and the ink of its fifteen characters; the same row read whole,
// and the lines of the text, are no such row.
func TestCondensedRows(t *testing.T) {
	img, lines := condensedHeading(t, headingReadShort)
	rows := condensedRows(img, 200, lines)
	if len(rows) != 1 || len(rows[0].lines) != 2 || rows[0].lines[0] != 0 || rows[0].lines[1] != 1 {
		t.Fatalf("rows %+v, want the heading's of lines 0 and 1", rows)
	}
	// The ink runs from 云 to 件: some 0.4 in to 6.7 in from the left.
	if ink := rows[0].ink; ink.x0 < 60 || ink.x0 > 100 || ink.x1 < 1300 || ink.x1 > 1360 {
		t.Errorf("ink %+v, want 云 to 件", ink)
	}
	img, lines = condensedHeading(t, []page.Line{{Text: "云南省人力资源和社会保障厅文件", X: 25.9, Y: 59.4, W: 455, Size: 47.5}})
	if rows := condensedRows(img, 200, lines); len(rows) != 0 {
		t.Errorf("rows %+v of a heading read whole, want none", rows)
	}
}

// TestRereadCondensed reads the heading again stretched: whole, in place
// of the two lines read short, the change recorded.
func TestRereadCondensed(t *testing.T) {
	needTools(t, "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	img, lines := condensedHeading(t, headingReadShort)
	p := page.Page{Lines: lines, Confidence: 0.8, Corrections: []page.Correction{{Line: 1, From: "会八", To: "会人"}, {Line: 3, From: "a", To: "b"}}}
	n, err := e.rereadCondensed(ctx, t.TempDir(), &p, img, 200)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(p.Lines) != len(lines)-1 || p.Lines[0].Text != "云南省人力资源和社会保障厅文件" {
		t.Fatalf("%d rows read again, lines %+v, want the heading whole", n, p.Lines)
	}
	want := []page.Correction{{Line: 2, From: "a", To: "b"}, {Line: 0, From: "去二省人 会人", To: "云南省人力资源和社会保障厅文件", Rule: RuleReread, Confidence: 0.8}}
	if len(p.Corrections) != 2 || p.Corrections[0] != want[0] || p.Corrections[1] != want[1] {
		t.Errorf("corrections %+v, want %+v", p.Corrections, want)
	}
}
