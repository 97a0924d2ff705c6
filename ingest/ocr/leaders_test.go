package ocr

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/page"
)

// contentsScan writes a scanned table of contents: titles joined to their
// page numbers by dot leaders, at 200 dpi, with a scanner's black point so
// that the dots scan as black as the text (a real scan's strokes are near
// 0, where a mid-grey rendering left them light).
func contentsScan(t *testing.T, entries [][2]string) string {
	t.Helper()
	return skewedContentsScan(t, entries, 0)
}

// skewedContentsScan is contentsScan turned deg degrees.
func skewedContentsScan(t *testing.T, entries [][2]string, deg float64) string {
	t.Helper()
	lines := []string{"目录", "【省政府令】"}
	for _, e := range entries {
		// Leaders fill the line to 34 characters, as a typesetter's do.
		n := 34 - len([]rune(e[0])) - len(e[1])/2
		lines = append(lines, e[0]+strings.Repeat("…", n)+e[1])
	}
	img, err := scantest.Render(context.Background(), scantest.TextPDF([][]string{lines}, 12), 1, 200)
	if err != nil {
		t.Skipf("cannot render: %v", err)
	}
	img = scantest.Degrade(img, deg, 6, 0, 3)
	dark := image.NewGray(img.Rect)
	for i, v := range img.Pix {
		dark.Pix[i] = uint8(math.Max(0, math.Min(255, (float64(v)-70)*255/(240-70))))
	}
	path := filepath.Join(t.TempDir(), "contents.pdf")
	if err := os.WriteFile(path, scantest.ImagePDF([]*image.Gray{dark}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEngineContentsLeaders reads a scanned table of contents whose dot
// leaders scan black: tesseract took each title's last character, the
// leaders and the page number for one word it was unsure of, and the
// entries came back without their ends and numbers (办法 3 read as 办).
// With the leaders whitened and the numbers read apart, every entry keeps
// its title and its number.
func TestEngineContentsLeaders(t *testing.T) {
	testContentsLeaders(t, [][2]string{
		{"苍梧省地方储备粮管理办法", "3"},
		{"苍梧省城市供水管理办法", "7"},
		{"苍梧省人民政府关于开展经济普查的通知", "12"},
		{"苍梧省人民政府关于调整最低工资标准的通知", "28"},
	}, 0)
}

// TestEngineContentsLeadersSkewed reads the page numbers of a contents
// page scanned 1.7° off: each stands on its row's baseline where the row
// ends, not at the row's middle, and a seriffed 1 and a 2 that tesseract
// lost enlarged are read at their own size (a generated issue's contents
// came back with 0 of 3 numbers, then 1).
func TestEngineContentsLeadersSkewed(t *testing.T) {
	testContentsLeaders(t, [][2]string{
		{"泽安省城市供水管理办法", "1"},
		{"泽安省农村公路养护管理办法", "2"},
		{"泽安省人民政府关于严芳秀等同志职务任免的通知", "3"},
	}, 1.7)
}

func testContentsLeaders(t *testing.T, entries [][2]string, deg float64) {
	t.Helper()
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	p, err := e.Page(ctx, skewedContentsScan(t, entries, deg), 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("note %q\n%s", p.Note, p.PlainText())
	for _, en := range entries {
		want := en[0] + en[1]
		tail := string([]rune(en[0])[len([]rune(en[0]))-2:]) + en[1] // 办法3
		found := false
		for _, l := range p.Lines {
			// A character of the title may be misread; its end and the
			// number must be there.
			got := strings.ReplaceAll(l.Text, " ", "")
			if strings.HasSuffix(got, tail) && scantest.CharAccuracy(want, got) >= 0.9 {
				found = true
			}
		}
		if !found {
			t.Errorf("no line reads %s … %s", en[0], en[1])
		}
	}
	if !strings.Contains(p.Note, fmt.Sprintf("%d rows of leader dots whitened, %d page numbers", len(entries), len(entries))) {
		t.Errorf("note %q does not say the leaders were whitened and the numbers read", p.Note)
	}
}

// TestDropLeaderDots whitens a row of leader dots and nothing else: not
// the six dots of an ellipsis, nor the stroke of a digit set just after
// the row, off its pitch.
func TestDropLeaderDots(t *testing.T) {
	const w, h, dpi = 600, 100, 200
	img := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	for i := range img.pix {
		img.pix[i] = 250
	}
	inRow := map[int]bool{} // pixels of the leaders' dots
	fill := func(x0, y0, x1, y1 int, row bool) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.pix[y*w+x] = 10
				inRow[y*w+x] = row
			}
		}
	}
	for k := range 20 { // leaders: 4-pixel dots 11 pixels apart on baseline 40
		fill(100+11*k, 36, 104+11*k, 40, true)
	}
	fill(100+11*20-4, 35, 100+11*20+1, 40, false) // a digit's foot, 7 pixels after the last dot
	for k := range 6 {                            // an ellipsis on baseline 80
		fill(100+11*k, 76, 104+11*k, 80, false)
	}
	rows := dropLeaderDots(img, dpi)
	if len(rows) != 1 || rows[0].base != 40 || rows[0].x0 != 100 || rows[0].x1 != 100+11*19+4 {
		t.Fatalf("rows %+v, want the one row of leaders", rows)
	}
	for i, row := range inRow {
		if dark := img.pix[i] < 128; dark == row {
			t.Errorf("pixel (%d, %d) dark %v after, want %v", i%w, i/w, dark, !row)
		}
	}
}

// TestWithLeaderNumbers puts each number read apart at the end of its
// row's line; where none was read, the leaders, unless the page's own
// reading kept a number there (a cut that missed a thin 1): no "1……".
func TestWithLeaderNumbers(t *testing.T) {
	const dpi = 72 // a pixel a point
	p := page.Page{Lines: []page.Line{
		{Text: "目录", X: 270, Y: 100, W: 50, Size: 18},
		{Text: "苍梧省地方储备粮管理办法", X: 100, Y: 140, W: 150, Size: 12},
		{Text: "苍梧省城市供水管理办法", X: 100, Y: 160, W: 140, Size: 12},
		{Text: "苍梧省人民政府关于开展经济普查的通知1", X: 100, Y: 180, W: 400, Size: 12},
	}}
	row := func(base int) leaderRow { return leaderRow{box: box{260, base - 2, 480, base}, base: base, dot: 2} }
	put := withLeaderNumbers(&p, []leaderRow{row(140), row(160), row(180)}, []string{"3", "", ""}, dpi)
	want := []string{"目录", "苍梧省地方储备粮管理办法 3", "苍梧省城市供水管理办法……", "苍梧省人民政府关于开展经济普查的通知1"}
	for i, l := range p.Lines {
		if l.Text != want[i] {
			t.Errorf("line %d %q, want %q", i, l.Text, want[i])
		}
	}
	if put != 1 {
		t.Errorf("%d numbers put, want 1", put)
	}
}

// TestCutLeaderNumbersSkewed cuts the page number after a row of leaders
// that a skewed scan tilts down to the right: the number stands on the
// row's baseline where the row ends, well below the row's middle (a
// contents page 1.7° off lost all its numbers, 0 of 3 read).
func TestCutLeaderNumbersSkewed(t *testing.T) {
	const w, h, dpi = 700, 160, 200
	img := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	for i := range img.pix {
		img.pix[i] = 250
	}
	fill := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.pix[y*w+x] = 10
			}
		}
	}
	// 50 dots 11 pixels apart, their baseline falling from 50 to 74.
	for k := range 50 {
		base := 50 + k/2
		fill(100+11*k, base-5, 105+11*k, base)
	}
	// A 1 after the row, on its baseline there (74): 21 high, 3 wide.
	fill(100+11*50+6, 74-21, 100+11*50+9, 74)
	rows := dropLeaderDots(img, dpi)
	if len(rows) != 1 {
		t.Fatalf("rows %+v, want one", rows)
	}
	nums := cutLeaderNumbers(img, rows, dpi)
	if nums[0] == nil || nums[0].h < 21 {
		t.Fatalf("number cut %+v, want the 1 after the row", nums[0])
	}
}

// TestReadNumbersOwnSize reads page numbers cut from a generated issue's
// scanned contents (testdata/leader-number-*.pgm, 200 dpi): enlarged
// twice, tesseract read the 3 alone and lost the seriffed 1 and the 2;
// read again at their own size, every number is read.
func TestReadNumbersOwnSize(t *testing.T) {
	needTools(t, "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	var nums []*raster
	for i := 1; i <= 3; i++ {
		raw, err := os.ReadFile(filepath.Join("testdata", fmt.Sprintf("leader-number-%d.pgm", i)))
		if err != nil {
			t.Fatal(err)
		}
		n, err := parsePNM(raw)
		if err != nil {
			t.Fatal(err)
		}
		nums = append(nums, n)
	}
	got, err := e.readNumbers(ctx, t.TempDir(), nums, 200)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1", "2", "3"}; !slices.Equal(got, want) {
		t.Errorf("numbers %q, want %q", got, want)
	}
}
