package ocr

import (
	"cmp"
	"context"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/page"
)

// TestAsDate reads a date line's readings as the dates they make: what
// tesseract reads for a numeral folded, a 日 lost put back, a 〇 read
// twice read once; a year no document bears is no date.
func TestAsDate(t *testing.T) {
	for _, c := range []struct{ read, want string }{
		{"二〇一〇年三月八日", "二〇一〇年三月八日"},
		{"2015年3月14日", "2015年3月14日"},
		{"二〇一〇年三月从日", "二〇一〇年三月八日"},
		{"二〇一〇年三月八", "二〇一〇年三月八日"},
		{"二O一O年三月八晶", "二〇一〇年三月八日"},
		{"二〇〇一三年三月十二日", "二〇一三年三月十二日"},
		{"二〇〇一〇〇年三月八日", ""},
		{"一〇一〇年三月八日", ""}, // 1010: a 〇 read as 一
		{"二一三年三月十-日", ""},
		{"二〇〇二五月三日", ""},
	} {
		_, got, ok := asDate(c.read)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("asDate(%q) = %q, %v; want %q", c.read, got, ok, c.want)
		}
	}
}

// TestChooseDate picks a date line's text from its readings: the date
// most of them make, only where more make it than the first reading's.
func TestChooseDate(t *testing.T) {
	r := readings
	for _, c := range []struct {
		first string
		again []lineReading
		want  string // "": the first stands
	}{
		// Garbled under a seal, read right alone.
		{"二〇一〇年三月作晶", r("二〇一〇年三月/从日", "二〇一〇年三月八日", "二〇一〇年三月从日", "二〇一〇年三月八日"), "二〇一〇年三月八日"},
		{"-二一9年三月八日", r("二〇一〇年三月八日", "x"), "二〇一〇年三月八日"},
		{"2015年3月14", r("2O15年3月14", "2015年3月14"), "2015年3月14日"},
		// A date as read, and the readings agree or make nothing.
		{"2015年3月14日", r("2015年3月14日", "2015年3月14", "2015年3月14日"), ""},
		{"二〇一三年三月十二日", r("二〇〇一三年三月十二日", "o一三年三月十二日"), ""},
		// A numeral lost next to 十: two readings against one.
		{"二〇一三年三月十日", r("二〇一三年三月十二日", "二〇一三年三月十二日", "二三年三月十日"), "二〇一三年三月十二日"},
		// One reading against the first: the first stands.
		{"二〇一三年三月十日", r("二〇一三年三月十二日"), ""},
		// Two dates as sure as each other: neither.
		{"二所三年三月十立日", r("二〇一三年三月十二日", "二〇〇三年三月十二日"), ""},
		// The surer of two dates read as often and as near.
		{"二所三年三月十立日", []lineReading{{"二〇一三年三月十二日", 0.8}, {"二〇〇三年三月十二日", 0.6}}, "二〇一三年三月十二日"},
		// Of two dates read as often, the one nearer to all readings,
		// though less sure: most readings say 三月.
		{"二所三年三月十立日", []lineReading{{"二所三年三月十之日", 0.88}, {"二三年三月十日", 0.81}, {"二〇一三年二月十二日", 0.83},
			{"二三年二月十二日", 0.86}, {"二〇〇一三年三月十工日", 0.81}, {"二〇〇一三年三月十二日", 0.65}}, "二〇一三年三月十二日"},
	} {
		got, ok := chooseDate(c.first, c.again)
		if want := cmpOr(c.want, c.first); got != want || ok != (c.want != "") {
			t.Errorf("chooseDate(%q, %v) = %q, %v; want %q", c.first, c.again, got, ok, want)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestDateShaped tells the lines worth reading again as dates.
func TestDateShaped(t *testing.T) {
	for s, want := range map[string]bool{
		"二和所一三年三月十芝晶": true, "2015年3月14晶": true, "二wo二。五月三- -日": true, "2015年3月14日": true,
		"福建省人民政府": false, "自2015年6月1日起施行，有效期至2020年5月31日。": false, "第三条": false,
	} {
		if got := dateShaped(s); got != want {
			t.Errorf("dateShaped(%q) = %v", s, got)
		}
	}
}

// TestEngineSealedChineseDate reads a grey scan of a page whose seal lies
// over a 成文日期 in Chinese numerals: read with the page, the seal's ink
// round the 〇 garbles it (二@〇一三年); read again alone, it comes out,
// and the change is recorded.
func TestEngineSealedChineseDate(t *testing.T) {
	p := readGreySealed(t, "二〇一三年三月十二日")
	if !strings.Contains(p.PlainText(), "二〇一三年三月十二日") {
		t.Error("the date under the seal is not read")
	}
	if !slices.ContainsFunc(p.Corrections, func(c page.Correction) bool { return c.Rule == RuleReread && c.To == "二〇一三年三月十二日" }) {
		t.Errorf("corrections %+v: the date read again is not recorded", p.Corrections)
	}
}

// TestInksOfPlain keeps a grey page as scanned where its seals were
// dropped by their grey, for its date lines to be read from again, and so
// is a 1-bit page whose seals were whitened by their ring; a colour page
// (red dropped) has none.
func TestInksOfPlain(t *testing.T) {
	needTools(t, "pdftoppm")
	const dpi = 200
	l := letterhead{heading: "福建省人民政府文件", body: []string{"各市、县（区）人民政府：", "福建省人民政府", "二〇一三年三月十二日"}, sealInk: stampInk}
	colour := l.render(t, dpi)
	grey := colour.gray()
	before := slices.Clone(grey.pix)
	main, _, plain, _ := inksOf(grey, dpi)
	if plain == nil || !slices.Equal(plain.pix, before) {
		t.Error("grey page: not kept as scanned")
	}
	if slices.Equal(main.pix, before) {
		t.Error("grey page: its seal not dropped")
	}
	bits := threshold(colour.gray())
	before = slices.Clone(bits.pix)
	if main, _, plain, _ := inksOf(bits, dpi); plain == nil || !slices.Equal(plain.pix, before) || slices.Equal(main.pix, before) {
		t.Error("1-bit page: its seal's ring not whitened, or the page not kept as scanned")
	}
	if _, _, plain, _ := inksOf(colour, dpi); plain != nil {
		t.Error("colour page: kept as scanned")
	}
}

// readGreySealed reads, through the Engine, a grey scan of a letterhead
// page whose seal lies over the signature and the date line.
func readGreySealed(t *testing.T, date string) page.Page {
	t.Helper()
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	p, err := e.Page(ctx, greySealedPDF(t, date), 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%.2f %q\n%s\n%+v", p.Confidence, p.Note, p.PlainText(), p.Corrections)
	return p
}

// greySealedPDF writes a grey scan, at 200 dpi, of a letterhead page whose
// seal lies over the signature and the date line, and returns its path.
func greySealedPDF(t *testing.T, date string) string {
	t.Helper()
	l := letterhead{heading: "福建省人民政府文件", body: append(sampleLines()[1:4], "福建省人民政府", date), sealInk: stampInk}
	path := filepath.Join(t.TempDir(), "grey.pdf")
	if err := os.WriteFile(path, scantest.ImagePDF([]*image.Gray{l.render(t, 200).gray().image()}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRereadFailureKeepsThePage: when reading a line again fails (here
// tesseract fails on the line's crop), the page keeps its first reading and
// its note says why, instead of the whole page failing.
func TestRereadFailureKeepsThePage(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "tesseract")
	script := "#!/bin/sh\ncase \"$1\" in *date.pgm) echo 'simulated crash' >&2; exit 1;; esac\nexec " + e.tesseract + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	e.tesseract = wrapper
	p, err := e.Page(ctx, greySealedPDF(t, "二〇一三年三月十二日"), 1)
	if err != nil {
		t.Fatalf("a failed second reading of a line failed the page: %v", err)
	}
	if !strings.Contains(p.Note, "not read again") || !strings.Contains(p.Note, "simulated crash") {
		t.Errorf("note %q does not say the lines were not read again, and why", p.Note)
	}
	if !strings.Contains(p.PlainText(), "福建省人民政府") {
		t.Errorf("the page's first reading is lost:\n%s", p.PlainText())
	}
}

// TestRereadLine holds a date line read again to its words: only the date
// is replaced, and what stands round it on the line (the cover's 出版, a
// clause's 自…起施行) is kept; the seal's marks round a date go with it.
func TestRereadLine(t *testing.T) {
	r := readings
	for _, c := range []struct {
		first string
		again []lineReading
		want  string // "": the line stands
	}{
		{"2024年4月15日出版", r("2024年4月15日", "2024年4月15日"), ""},
		{"2024年4月1S日出版", r("2024年4月15日", "2024年4月15日"), "2024年4月15日出版"},
		{"自2O24年6月l日起施行", r("2024年6月1日", "2024年6月1日"), "自2024年6月1日起施行"},
		{"二〇一〇年三月作晶", r("二〇一〇年三月八日", "二〇一〇年三月八日"), "二〇一〇年三月八日"},
		{"@二所一三年三月十二日。", r("二〇一三年三月十二日", "二〇一三年三月十二日"), "二〇一三年三月十二日"},
		{"省长　高光阳", r("二〇一三年三月十二日"), ""},
	} {
		got, ok := rereadLine(c.first, c.again)
		if want := cmp.Or(c.want, c.first); got != want || ok != (c.want != "") {
			t.Errorf("rereadLine(%q) = %q, %v; want %q", c.first, got, ok, want)
		}
	}
}

// readings are date readings of the texts, each as sure as the others.
func readings(texts ...string) []lineReading {
	var out []lineReading
	for _, s := range texts {
		out = append(out, lineReading{text: s, conf: 0.5})
	}
	return out
}

// TestRereadPrint chooses the date of a 版记's 印发 line from the dates its
// readings again end in, and keeps the office and 印发 as first read.
func TestRereadPrint(t *testing.T) {
	r := readings
	for _, c := range []struct {
		first string
		again []lineReading
		want  string // "": the line stands
	}{
		{"广东省卫生健康委员会办公室 2002年5月39日印发", r("广东省卫生健康委员会办公室2002年5月30日印发", "广东省卫生健康委员会办公室2002年5月30日印发", "广东省卫牛健康委员会办公室2002年5月36日印发"),
			"广东省卫生健康委员会办公室 2002年5月30日印发"},
		{"河南省交通运输厅办公室26910年3月9日印发", r("河南省交通运输厅办公室2010年3月9日印发", "河南省交通运输厅办公室2010年3月9日印发"), "河南省交通运输厅办公室2010年3月9日印发"},
		// A date as read: the readings again agree, or make no date.
		{"澜江省人民政府办公厅 2013年3月14日印发", r("澜江省人民政府办公厅2013年3月14日印发", "澜江省人民政府办公厅2013年3月1日印发"), ""},
		// One reading again against a first that is a date: it stands.
		{"XX办公室 2002年5月3日印发", r("XX办公室2002年5月30日印发"), ""},
		// No 印发 line.
		{"关于印发《管理办法》的通知", r("关于印发《管理办法》的通知"), ""},
	} {
		got, ok := rereadPrint(c.first, c.again)
		if want := cmpOr(c.want, c.first); got != want || ok != (c.want != "") {
			t.Errorf("rereadPrint(%q) = %q, %v; want %q", c.first, got, ok, want)
		}
	}
}

// TestChooseNumber chooses a 文号's year and serial by the majority of its
// readings, against the first reading's one vote, and its agency code by
// more than half of all readings where it is one character from the
// first's; nothing is chosen on a tie.
func TestChooseNumber(t *testing.T) {
	r := readings
	for _, c := range []struct {
		first string
		again []lineReading
		want  string // "": the line stands
	}{
		// A digit lost: two readings again have it.
		{"粤卫〔2002〕6号", r("粤卫〔2002〕60号", "粤卫〔2002〕60号"), "粤卫〔2002〕60号"},
		{"粤卫〔2002〕6号", r("粤卫〔2002〕60号", "粤卫〔2002〕60号", "粤卫〔2002〕60号", "粤卫〔2002〕6号"), "粤卫〔2002〕60号"},
		{"粤卫〔2002〕6号　签发人：何东", r("粤卫〔2002〕60号签发人：何东", "粤卫〔2002〕60号签发人：何东"), "粤卫〔2002〕60号　签发人：何东"},
		// One reading against one, two against two: the first stands.
		{"粤卫〔2002〕6号", r("粤卫〔2002〕60号", "粤卫〔2002〕8号"), ""},
		{"粤卫〔2002〕6号", r("粤卫〔2002〕60号", "粤卫〔2002〕60号", "粤卫〔2002〕6号"), ""},
		// Agreed.
		{"澜府〔2013〕26号", r("澜府〔2013〕26号", "澜府〔2013〕28号", "澜府〔2013〕26号"), ""},
		// A code misread with the page, read alike alone three times.
		{"润府〔2013〕26号", r("澜府〔2013〕26号", "澜府〔2013〕26号", "澜府〔2013〕26号"), "澜府〔2013〕26号"},
		// Codes read otherwise once each, or by half the readings: the first's stands.
		{"粤卫〔2002〕60号", r("志卫〔2002〕60号", "性卫〔2002〕60号"), ""},
		{"粤卫〔2002〕60号", r("奥卫〔2002〕60号"), ""},
		{"润府〔2013〕26号", r("澜府〔2013〕26号", "澜府〔2013〕26号", "润府〔2013〕26号"), ""},
		// A code cut short counts for no code; its digits count.
		{"粤卫〔2002〕60号", r("志〔2002〕60号", "志〔2002〕60号"), ""},
		{"粤卫〔2002〕6号", r("卫〔2002〕60号", "卫〔2002〕60号"), "粤卫〔2002〕60号"},
		// The first reading lost the code's first character at the
		// crop's edge: most readings again have one there, a province's
		// abbreviation taken before the others.
		{"人社规〔2011〕19号", r("灸人社规〔2011〕19号", "灸人社规〔2011〕19号", "粤人社规〔2011〕19号"), "粤人社规〔2011〕19号"},
		{"人社规〔2011〕19号", r("灸人社规〔2011〕19号", "留人社规〔2011〕19号", "灸人社规〔2011〕19号"), "灸人社规〔2011〕19号"},
		// Half the readings again only, or a mark before it: the first stands.
		{"人社规〔2011〕19号", r("粤人社规〔2011〕19号", "人社规〔2011〕19号"), ""},
		{"人社规〔2011〕19号", r("，人社规〔2011〕19号", "，人社规〔2011〕19号"), ""},
		// Readings again that lost a digit of the first's serial (a 1-bit
		// page's thin strokes): the first stands.
		{"豫政〔2012〕92号", r("豫政〔2012〕9号", "豫政〔2012〕9号", "豫政〔2012〕2号"), ""},
		{"豫政〔2012〕120号", r("豫政〔2012〕12号", "豫政〔2012〕12号", "豫政〔2012〕128号"), ""},
		// The first reading made no number (its serial garbled): the one
		// most readings again make, with its code and year.
		{"临政（2023) ）更号", r("临政〔2023〕12号", "临政〔2023〕12号", "临政〔2023〕17号"), "临政〔2023〕12号"},
		{"临政（2023) ）更号", r("临政〔2023〕12号", "临政〔2023〕17号"), ""},
		{"临政（2023) ）更号", r("澜政〔2023〕12号", "澜政〔2023〕12号"), ""},
		{"临政（2023) ）更号", r("临政〔2022〕12号", "临政〔2022〕12号"), ""},
	} {
		got, ok := chooseNumber(c.first, c.again)
		if want := cmpOr(c.want, c.first); got != want || ok != (c.want != "") {
			t.Errorf("chooseNumber(%q) = %q, %v; want %q", c.first, got, ok, want)
		}
	}
}

// TestRereadKindOf tells the lines read again and as what: date lines,
// 印发 lines and short lines with one 文号; not body text.
func TestRereadKindOf(t *testing.T) {
	for _, c := range []struct {
		line string
		want string // "date", "print", "number", "": none
	}{
		{"二〇一三年三月十二日", "date"},
		{"澜江省人民政府办公厅　　2013年3月14日印发", "print"},
		{"河南省交通运输厅办公室26910年3月9日印发", "print"},
		{"粤卫〔2002〕6号", "number"},
		{"澜江省人民政府令　第12号", "number"},
		{"关于印发《管理办法》的通知", ""},
		{"临政（2023) ）更号", "number"}, // its serial garbled
		{"关于2023年度工作情况的通报号码", ""},
		{"HNBS一2012一24", "registration"},
		{"GZ0320150155", "registration"},
		{"ZAGS示2018一18", "registration"},  // a dash read as another Han character
		{"_ZAGS一2018一18", "registration"}, // a speck before it read as a mark
		{"GDP增长率2018年为6.6%", ""},
		{"AB12345号文件已经废止", ""},
		{"ISO 9001", ""},
		{"根据《澜江省人民政府关于加强饮用水水源保护的通知》（澜府〔2013〕26号）精神，现就有关事项通知如下：", ""},
	} {
		k, _ := rereadKindOf(c.line)
		if got := k.name; got != c.want {
			t.Errorf("rereadKindOf(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

// TestDropRules whitens the rules above and below a 版记 line in its crop,
// which left it unread, and keeps the characters' strokes, 一 too.
func TestDropRules(t *testing.T) {
	const w, h = 400, 40
	c := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	for i := range c.pix {
		c.pix[i] = 255
	}
	ink := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				c.pix[y*w+x] = 0
			}
		}
	}
	ink(0, 2, w, 4)       // the rule above
	ink(0, 36, w, 38)     // and below
	ink(20, 18, 42, 21)   // 一, a character wide
	ink(60, 10, 63, 30)   // a stroke down
	ink(100, 12, 150, 28) // a blot of a character's strokes
	dropRules(c)
	dark := func(x, y int) bool { return c.pix[y*w+x] < 128 }
	for _, p := range [][2]int{{5, 3}, {200, 3}, {399, 37}} {
		if dark(p[0], p[1]) {
			t.Errorf("rule pixel %v kept", p)
		}
	}
	for _, p := range [][2]int{{30, 19}, {61, 20}, {120, 20}} {
		if !dark(p[0], p[1]) {
			t.Errorf("stroke pixel %v whitened", p)
		}
	}
}

// TestLineRows narrows a date line's box to the rows of the line on the
// page without its seal, where on the page as scanned the seal's ring,
// running down through the line, joined it to the rows above and below.
func TestLineRows(t *testing.T) {
	const w, h = 300, 120
	blank := func() *raster {
		c := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
		for i := range c.pix {
			c.pix[i] = 255
		}
		return c
	}
	ink := func(c *raster, x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				c.pix[y*w+x] = 0
			}
		}
	}
	whitened, scanned := blank(), blank()
	for _, c := range []*raster{whitened, scanned} {
		for x := 20; x < 260; x += 30 {
			ink(c, x, 50, x+20, 70) // the date's characters
		}
	}
	ink(scanned, 100, 0, 104, h) // the ring, down through the line
	ink(scanned, 180, 0, 184, h)
	if y0, y1 := lineBand(scanned); y0 > 0 || y1 < h {
		t.Fatalf("the test's ring does not join the rows: band %d–%d", y0, y1)
	}
	got := lineRows(whitened, box{0, -10, w, h})
	if got.y0 < 40 || got.y0 > 50 || got.y1 < 70 || got.y1 > 80 || got.x0 != 0 || got.x1 != w {
		t.Errorf("lineRows = %+v, want the rows of the line, 50–70, with a little room", got)
	}
}

// TestEngineRegistration reads a 规范性文件 registration number at the
// top of a scanned original: the Chinese model read its letters wrong
// (HNGS as HNBS or HNB) and its dashes as 一; the line is read again with
// the Latin model.
func TestEngineRegistration(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skip(err)
	}
	for _, reg := range []string{"HNGS—2012—24", "YNFG—2019—1"} {
		path := scanPDF(t, []string{reg, "河南省人民政府文件", "豫政〔2012〕92号"}, 12, 150, 0.3, 8)
		p, err := e.Page(ctx, path, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Lines) == 0 || p.Lines[0].Text != reg {
			t.Errorf("%s: lines %q", reg, p.PlainText())
		}
	}
}

// TestChooseRegistration takes the registration number the Latin
// readings make, with the dashes as printed.
func TestChooseRegistration(t *testing.T) {
	for _, c := range []struct {
		name, first string
		again       []string
		want        string // "": the first reading stands
	}{
		{"letters misread, dashes read as 一", "HNBS一2012一24", []string{"HNGS— 2012-24", "HNGS— 2012—24"}, "HNGS—2012—24"},
		{"a letter lost", "HNB一2012一24", []string{"HNGS—2012—24"}, "HNGS—2012—24"},
		{"read right but for its dashes", "HNGS一2012一24", []string{"HNGS-2012-24"}, "HNGS—2012—24"},
		{"one dash throughout", "YNFG-2019一1", nil, "YNFG—2019—1"},
		{"a hyphen as printed", "DGSJYJ-2015-002", []string{"DGSJYJ-2015-002"}, ""},
		{"code run into its digits", "GZO320150155", []string{"GZ0320150155"}, "GZ0320150155"},
		{"readings that make no number", "HNGS—2012—24", []string{"HN6S 2O12", ""}, ""},
		{"a speck read as a mark before it", "_ZAGS一2018一18", []string{"_ZAGS-2018-18", "ZAGS—2018—18."}, "ZAGS—2018—18"},
		{"a reading again with marks before it is taken as it reads", "HNGS一2012一24", []string{"—*KNGS—2012—24"}, "HNGS—2012—24"},
		{"a reading again lost a letter the first read", "ZAGS一2018一18", []string{"ZAS—2018—18", "ZAS-2018-18"}, "ZAGS—2018—18"},
		{"readings split: the first reading's stands", "YNL—2019—3", []string{"YN1—2019—3", "YNL—2019—3"}, ""},
		{"a 1 after the province read as L, every time", "YNL620220072", []string{"YNL620220072", "YNL620220072"}, "YN1620220072"},
		{"a 0 after the province read as D", "HND120190031", nil, "HN0120190031"},
		{"three letters with no year after two digits", "ABL123456789", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := chooseRegistration(c.first, readings(c.again...))
			if want := cmpOr(c.want, c.first); got != want || ok != (c.want != "") {
				t.Errorf("chooseRegistration(%q, %q) = %q, %v; want %q", c.first, c.again, got, ok, want)
			}
		})
	}
}
