package ocr

import (
	"context"
	"image"
	"image/draw"
	"image/png"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/page"
)

// A row of text that no line read covers is found, with the run of its
// columns that holds the text; a border down the page, a speck beside the
// text, a speckled row and a row a line covers are not.
func TestUnreadRows(t *testing.T) {
	const w, h, dpi = 400, 400, 200
	img := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	for i := range img.pix {
		img.pix[i] = 255
	}
	ink := func(x0, y0, x1, y1, every int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if (x+y)%every == 0 {
					img.pix[y*w+x] = 0
				}
			}
		}
	}
	ink(5, 0, 7, h, 1)         // the scanner's edge, down the page
	ink(50, 100, 200, 130, 3)  // a line of text no line read covers
	ink(350, 110, 353, 113, 1) // a speck beside it, far off
	ink(50, 200, 200, 230, 3)  // a line of text that was read
	ink(60, 300, 300, 302, 2)  // speckle: two rows
	pt := 72.0 / dpi
	read := []page.Line{{Text: "读出的行", X: 50 * pt, Y: 230 * pt, W: 150 * pt, Size: 30 * pt}}
	got, _ := unreadRows(img, dpi, read)
	if len(got) != 1 || got[0].y0 != 100 || got[0].y1 != 130 {
		t.Fatalf("bands %+v, want rows 100–130 alone", got)
	}
	if len(got[0].parts) != 1 || got[0].parts[0].x0 != 50 || got[0].parts[0].x1 > 201 {
		t.Fatalf("parts %+v, want columns 50–200 alone (the speck at 350 left out)", got[0].parts)
	}
	if got, _ := unreadRows(img, dpi, append(read, page.Line{Text: "另一行", X: 50 * pt, Y: 130 * pt, W: 150 * pt, Size: 30 * pt})); len(got) != 0 {
		t.Fatalf("every line of text read, bands %+v", got)
	}
	// A tall box read for the line below reaches a few rows into this
	// one (a title's second line, its box grown by speckle): this line
	// was not read.
	tall := page.Line{Text: "标题第二行", X: 50 * pt, Y: 160 * pt, W: 150 * pt, Size: 35 * pt}
	if got, _ := unreadRows(img, dpi, append(read, tall)); len(got) != 1 || got[0].y0 != 100 {
		t.Fatalf("a box reaching 5 of 30 rows in covered the line: bands %+v", got)
	}
	// A line read only in part: its box covers the row's first words,
	// the rest of the row's ink, well beyond its right end, is unread.
	ink(260, 100, 340, 130, 3) // the line's last words, apart from its first
	got, _ = unreadRows(img, dpi, []page.Line{read[0], {Text: "加强", X: 50 * pt, Y: 130 * pt, W: 150 * pt, Size: 30 * pt}})
	if len(got) != 1 || got[0].y0 > 100 || got[0].y1 < 130 || len(got[0].parts) != 1 || got[0].parts[0].x0 != 260 {
		t.Fatalf("a line read only in part: bands %+v, want rows 100–130 with columns from 260 alone", got)
	}
}

// On a skewed scan the lines of a title run together into one block of
// rows taller than half an inch: a line read only in part there (加强 of
// 加强中小学校校车安全管理工作的通知) has the rest of its row found, and
// only it: the line above, slanting down into its rows, is read already.
// Ink of such a block that no line nor any of those rows covers (a line
// no part of which was read) is named, not dropped in silence.
func TestUnreadRowsSkewed(t *testing.T) {
	const w, h, dpi = 1000, 400, 200
	img := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	for i := range img.pix {
		img.pix[i] = 255
	}
	// A line of text 30 rows tall from x0 to x1, its top at y0 at x0,
	// sloping down one row in twenty (about 3°).
	slant := func(x0, x1, y0 int) {
		for x := x0; x < x1; x++ {
			top := y0 + (x-x0)/20
			for y := top; y < top+30; y++ {
				if (x+y)%3 == 0 {
					img.pix[y*w+x] = 0
				}
			}
		}
	}
	slant(100, 900, 100)
	slant(100, 900, 150)
	slant(100, 500, 200)
	pt := 72.0 / dpi
	line := func(text string, x0, x1, top, bottom int) page.Line {
		return page.Line{Text: text, X: float64(x0) * pt, W: float64(x1-x0) * pt, Y: float64(bottom) * pt, Size: float64(bottom-top) * pt}
	}
	a := line("云南省住房和城乡建设厅云南省人力资", 100, 900, 100, 170)
	b := line("源和社会保障厅云南省交通运输厅关于", 100, 900, 150, 220)
	c := line("加强", 100, 160, 200, 233)
	got, tall := unreadRows(img, dpi, []page.Line{a, b, c})
	if len(got) != 1 || got[0].y0 > 200 || got[0].y0 < 180 || got[0].y1 < 230 || !got[0].line || len(got[0].parts) != 1 {
		t.Fatalf("bands %+v, want the third line's rows alone, one part", got)
	}
	if p := got[0].parts[0]; p.x0 < 160 || p.x0 > 200 || p.x1 < 400 {
		t.Errorf("part %+v, want the rest of the third line, from its end at 160 on", p)
	}
	if len(tall) != 0 {
		t.Errorf("tall blocks %+v, want none: every line's ink is read or to be read", tall)
	}
	// The third line not read at all: its rows run into the block, and
	// the block is named.
	if got, tall := unreadRows(img, dpi, []page.Line{a, b}); len(got) != 0 || len(tall) != 1 || tall[0].y0 > 100 || tall[0].y1 < 245 {
		t.Errorf("bands %+v, tall blocks %+v; want none, and the block of the three lines", got, tall)
	}
}

// A line over an inch tall that lines read alone stand in (large type
// read as a picture: 洒洒 over a joint 发文机关标志) goes, with its
// corrections; one they do not stand in, and a line of usual size, stay.
func TestDropReadAgain(t *testing.T) {
	const dpi = 200
	p := page.Page{
		Lines: []page.Line{
			{Text: "河南省交通运输厅", X: 33, Y: 253, W: 411, Size: 60},
			{Text: "洒洒", X: 393, Y: 315, W: 51, Size: 108},
			{Text: "豫交规〔2014〕35号", X: 230, Y: 393, W: 141, Size: 28},
			{Text: "图图", X: 100, Y: 700, W: 200, Size: 150},
		},
		Corrections: []page.Correction{{Line: 1, From: "酒洒", To: "洒洒"}, {Line: 2, From: "玉交规", To: "豫交规"}},
	}
	gone := dropReadAgain(&p, []page.Line{p.Lines[0]})
	if !slices.Equal(gone, []string{"洒洒"}) || len(p.Lines) != 3 || p.Lines[1].Text != "豫交规〔2014〕35号" {
		t.Fatalf("gone %q, lines %+v", gone, p.Lines)
	}
	if len(p.Corrections) != 1 || p.Corrections[0].Line != 1 || p.Corrections[0].To != "豫交规" {
		t.Errorf("corrections %+v, want the 文号's alone, at line 1", p.Corrections)
	}
	// A heading over an inch tall read alone from its band (a 令's on a
	// 1-bit scan) is the reading that stands in for the line over it,
	// and stays.
	alone := page.Line{Text: "州省人民政府令", X: 90, Y: 190, W: 310, Size: 80}
	p = page.Page{Lines: []page.Line{{Text: "州省人民政府令|", X: 88, Y: 195, W: 320, Size: 90}, alone, {Text: "第228号", X: 270, Y: 281, W: 54, Size: 19}}}
	gone = dropReadAgain(&p, []page.Line{alone})
	if !slices.Equal(gone, []string{"州省人民政府令|"}) || len(p.Lines) != 2 || p.Lines[0].Text != "州省人民政府令" {
		t.Errorf("gone %q, lines %+v; want the line read alone kept", gone, p.Lines)
	}
}

// A piece beside a line, read alone, that a line over it read already is
// no new text; one that is new, is.
func TestReadAlready(t *testing.T) {
	lines := []page.Line{
		{Text: "河南省人力资源和社会保了厅文件", X: 96, Y: 276, W: 414, Size: 58},
		{Text: "文人", X: 448, Y: 278, W: 50, Size: 31},
		{Text: "源和社会保障厅云南省交通运输厅关于", X: 100, Y: 536, W: 395, Size: 35},
	}
	for _, c := range []struct {
		name string
		l    page.Line
		want bool
	}{
		{"the line over it, read twice", page.Line{Text: "河南省人力资源和社会保障厅", X: 96, Y: 278, W: 350, Size: 31}, true},
		{"the rest of a title's line, under the line above's box", page.Line{Text: "中小学校校车安全管理工作的通知", X: 154, Y: 555, W: 330, Size: 25}, false},
		{"the same words, far from the line", page.Line{Text: "河南省人力资源和社会保障厅", X: 96, Y: 700, W: 350, Size: 31}, false},
	} {
		if got := readAlready(lines, c.l); got != c.want {
			t.Errorf("%s: readAlready = %v, want %v", c.name, got, c.want)
		}
	}
	if got := commonRunes([]rune("河南省人力资源"), []rune("河南人x力资")); got != 5 {
		t.Errorf("commonRunes = %d, want 5", got)
	}
}

// A line read without its first character (冬明春… of 今冬明春…): the
// character's ink, next to the line, is its rest; a line read whole has
// none.
func TestUnreadRowsLostCharacter(t *testing.T) {
	const w, h, dpi = 400, 200, 200
	img := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	for i := range img.pix {
		img.pix[i] = 255
	}
	for y := 100; y < 130; y++ {
		for x := 50; x < 200; x++ {
			if (x+y)%3 == 0 && (x-50)%30 < 26 { // characters 26 wide, 4 apart
				img.pix[y*w+x] = 0
			}
		}
	}
	pt := 72.0 / dpi
	line := func(x0 int) page.Line {
		return page.Line{Text: "冬明春森", X: float64(x0) * pt, W: float64(200-x0) * pt, Y: 131 * pt, Size: 32 * pt}
	}
	got, _ := unreadRows(img, dpi, []page.Line{line(80)})
	if len(got) != 1 || len(got[0].parts) != 1 || got[0].parts[0].x0 != 50 || got[0].parts[0].x1 != 80 {
		t.Errorf("bands %+v, want the first character's columns 50–80", got)
	}
	if got, _ := unreadRows(img, dpi, []page.Line{line(50)}); len(got) != 0 {
		t.Errorf("a line read whole: bands %+v", got)
	}
}

// The rest of a line read only in part joins the line it stands beside;
// a line under another, or far from any, joins none.
func TestBesideLine(t *testing.T) {
	lines := []page.Line{
		{Text: "关于进一步", X: 100, Y: 100, W: 80, Size: 20},
		{Text: "各市人民政府：", X: 50, Y: 140, W: 120, Size: 12},
	}
	for _, c := range []struct {
		name string
		l    page.Line
		want int
	}{
		{"right of the first line, on its rows", page.Line{Text: "加强城乡", X: 190, Y: 101, W: 60, Size: 18}, 0},
		{"left of it", page.Line{Text: "省政府", X: 40, Y: 99, W: 50, Size: 20}, 0},
		{"under it", page.Line{Text: "饮用水", X: 100, Y: 122, W: 60, Size: 20}, -1},
		{"over it, sharing its columns", page.Line{Text: "加强", X: 120, Y: 100, W: 40, Size: 20}, -1},
	} {
		if got := besideLine(lines, c.l); got != c.want {
			t.Errorf("%s: besideLine = %d, want %d", c.name, got, c.want)
		}
	}
	if got := joinBeside("关于进一步", "加强城乡"); got != "关于进一步加强城乡" {
		t.Errorf("joinBeside = %q", got)
	}
	if got := joinBeside("HNGS", "2012"); got != "HNGS 2012" {
		t.Errorf("joinBeside = %q", got)
	}
}

// A line that layout analysis left out of a page (as it left a 令's
// 第104号 out of a 1-bit scan) is read alone and put back in its place,
// and the page's note says so.
func TestReadUnread(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	lines := []string{"澜江省人民政府令", "", "第104号", "", "《澜江省城市供水管理办法》已经通过，现予公布。"}
	img, err := scantest.Render(ctx, scantest.TextPDF([][]string{lines}, 16), 1, 200)
	if err != nil {
		t.Skipf("cannot render: %v", err)
	}
	r := &raster{w: img.Rect.Dx(), h: img.Rect.Dy(), ch: 1, pix: img.Pix}
	dir := t.TempDir()
	p, err := e.readPSM(ctx, dir, "page", r, 200, 3)
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(p.Lines, func(l page.Line) bool { return strings.Contains(l.Text, "104") })
	if at < 1 {
		t.Fatalf("the page read %q: no 第104号 line to leave out", p.PlainText())
	}
	n := len(p.Lines)
	p.Lines = slices.Delete(p.Lines, at, at+1) // as layout analysis left it out
	notes, err := e.readUnread(ctx, dir, &p, r, 200)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, l := range p.Lines {
		texts = append(texts, strings.ReplaceAll(l.Text, " ", ""))
	}
	if len(texts) != n || texts[at] != "第104号" {
		t.Errorf("lines %q, want 第104号 back at line %d", texts, at)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "1 rows of ink that layout analysis left out read alone") {
		t.Errorf("notes %q", notes)
	}
}

// A word of two characters standing alone at the top of a page (特急
// beside the 份号, on a generated grey scan with bleed-through), which
// layout analysis left out and tesseract reads as no line (psm 7), is read
// as a word.
func TestReadUnreadWord(t *testing.T) {
	needTools(t, "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	if got := readUnreadPNG(t, e, "testdata/urgency-row.png"); got != "特急" {
		t.Errorf("read %q, want 特急", got)
	}
}

// TestReadUnreadRawLine reads a line that psm 7 returns nothing of (the
// second line of a 抄送 on a grey scan, 院，省检察院。 above the 版记's
// rule), too long to be one word: as raw text (psm 13).
func TestReadUnreadRawLine(t *testing.T) {
	needTools(t, "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	if got := readUnreadPNG(t, e, "testdata/cc-continued-row.png"); !strings.Contains(got, "院，省检察院") {
		t.Errorf("read %q, want 院，省检察院。", got)
	}
}

// readUnreadPNG reads the rows of a grey 200 dpi PNG that no line covers
// (none is read yet) as readUnread does, and returns the text, spaces
// left out.
func readUnreadPNG(t *testing.T, e *Engine, name string) string {
	t.Helper()
	f, err := os.Open(name)
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
	r := &raster{w: g.Rect.Dx(), h: g.Rect.Dy(), ch: 1, pix: g.Pix}
	var p page.Page
	if _, err := e.readUnread(context.Background(), t.TempDir(), &p, r, 200); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(p.PlainText(), " ", "")
}

func TestConfidentRow(t *testing.T) {
	for _, c := range []struct {
		name        string
		text, above string
		conf        float64
		want        bool
	}{
		{"a line", "第104号", "", 0.9, true},
		{"a date's 日 wrapped alone", "日", "本通知自2018年12月1日起施行，有效期至2023年11月30", 0.95, true},
		{"its full stop read too", "日。", "有效期至2023年11月30", 0.95, true},
		{"under a line that ends a sentence: a speck as likely", "日", "请认真组织实施。", 0.95, false},
		{"with no line above", "日", "", 0.95, false},
		{"read less surely", "日", "有效期至2023年11月30", 0.8, false},
		{"a mark and a character", "-日", "有效期至2023年11月30", 0.95, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := page.Page{Lines: []page.Line{{Text: c.text}}, Confidence: c.conf}
			if got := confidentRow(q, c.above); got != c.want {
				t.Errorf("confidentRow(%q at %.2f under %q) = %v, want %v", c.text, c.conf, c.above, got, c.want)
			}
		})
	}
}

func TestLineAbove(t *testing.T) {
	lines := []page.Line{{Text: "有效期至2023年11月30", Y: 585, Size: 25}, {Text: "泽安省 人民政府", Y: 704, Size: 30}}
	for _, c := range []struct {
		y    float64
		want string
	}{
		{600, "有效期至2023年11月30"},
		{720, "泽安省人民政府"},
		{660, ""}, // too far under the line: no line of its paragraph
		{500, ""},
	} {
		if got := lineAbove(lines, c.y); got != c.want {
			t.Errorf("lineAbove(%v) = %q, want %q", c.y, got, c.want)
		}
	}
}

// TestUncoveredInk counts the ink of a block that no line's box nor part
// of a band holds, and all of it.
func TestUncoveredInk(t *testing.T) {
	img := &raster{w: 40, h: 40, ch: 1, pix: make([]byte, 40*40)}
	for i := range img.pix {
		img.pix[i] = 255
	}
	ink := func(b box) {
		for y := b.y0; y < b.y1; y++ {
			for x := b.x0; x < b.x1; x++ {
				img.pix[y*img.w+x] = 0
			}
		}
	}
	ink(box{2, 2, 12, 6})    // 40 pixels under a line's box
	ink(box{20, 2, 30, 6})   // 40 beside it, under nothing
	ink(box{2, 20, 8, 24})   // 24 under a band's part
	ink(box{30, 20, 34, 24}) // 16 under nothing
	cols := make([]int, img.w)
	pt := 72.0 / 72 // one point a pixel
	lines := []page.Line{{X: 0, Y: 8, W: 15, Size: 8}}
	bands := []band{{y0: 18, y1: 26, parts: []box{{0, 18, 10, 26}}}}
	n, all := uncoveredInk(img, cols, box{0, 0, 40, 40}, lines, bands, pt)
	if n != 56 || all != 120 {
		t.Errorf("uncoveredInk = %d of %d, want 56 of 120", n, all)
	}
}

// A band read alone goes in by position, joins the line it is the rest
// of, or nowhere where a line over it read it already: a skewed heading's
// band that reads as the heading itself came back twice.
func TestPutRead(t *testing.T) {
	heading := page.Line{Text: "临海市生态环境厅文伯", X: 102, Y: 261, W: 414, Size: 86}
	number := page.Line{Text: "临环规〔2024〕34号", X: 242, Y: 329, W: 125, Size: 27}
	for _, c := range []struct {
		name  string
		line  page.Line
		rest  bool
		want  int
		lines []string
	}{
		{"a heading's band read as the heading", heading, false, readTwice, []string{heading.Text, number.Text}},
		{"a rest that half of the line over it holds", page.Line{Text: "生态环境厅", X: 300, Y: 262, W: 100, Size: 40}, true, readTwice, []string{heading.Text, number.Text}},
		{"a band apart from the lines", page.Line{Text: "特急", X: 80, Y: 150, W: 40, Size: 20}, false, readAdded, []string{"特急", heading.Text, number.Text}},
		{"the same text far from its line", page.Line{Text: "临环规〔2024〕34号", X: 242, Y: 700, W: 125, Size: 27}, false, readAdded, []string{heading.Text, number.Text, number.Text}},
		{"the rest of a line beside it", page.Line{Text: "文件", X: 520, Y: 262, W: 80, Size: 40}, true, readJoined, []string{heading.Text + "文件", number.Text}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := page.Page{Lines: []page.Line{heading, number}, Corrections: []page.Correction{{Line: 1, From: "临环规[ 2024] 34号", To: number.Text}}}
			if got := putRead(&p, c.line, nil, c.rest); got != c.want {
				t.Errorf("putRead = %d, want %d", got, c.want)
			}
			var texts []string
			for _, l := range p.Lines {
				texts = append(texts, l.Text)
			}
			if !slices.Equal(texts, c.lines) {
				t.Errorf("lines %q, want %q", texts, c.lines)
			}
			if i := slices.Index(texts, number.Text); p.Corrections[0].Line != i {
				t.Errorf("the 文号's correction at line %d, want %d", p.Corrections[0].Line, i)
			}
		})
	}
}

// TestNearestEdges keeps, of more bands than are read, those nearest the
// page's top and foot (the 版头, the signature, the 版记), in order.
func TestNearestEdges(t *testing.T) {
	var bands []band
	for y := 100; y < 1000; y += 100 {
		bands = append(bands, band{y0: y, y1: y + 30})
	}
	var got []int
	for _, b := range nearestEdges(bands, 1000, 4) {
		got = append(got, b.y0)
	}
	if want := []int{100, 200, 800, 900}; !slices.Equal(got, want) {
		t.Errorf("bands at %v, want %v", got, want)
	}
}
