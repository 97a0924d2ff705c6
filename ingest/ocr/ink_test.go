package ocr

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"context"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
)

func TestPNM(t *testing.T) {
	g := &raster{w: 3, h: 2, ch: 1, pix: []byte{1, 2, 3, 4, 5, 6}}
	back, err := parsePNM(g.pgm())
	if err != nil || back.w != 3 || back.h != 2 || !bytes.Equal(back.pix, g.pix) {
		t.Fatalf("PGM round trip: %+v, %v", back, err)
	}
	for _, tc := range []struct {
		deg  int
		w, h int
		pix  []byte
	}{
		{90, 2, 3, []byte{4, 1, 5, 2, 6, 3}},
		{180, 3, 2, []byte{6, 5, 4, 3, 2, 1}},
		{270, 2, 3, []byte{3, 6, 2, 5, 1, 4}},
		{360, 3, 2, []byte{1, 2, 3, 4, 5, 6}},
	} {
		r := g.rotate(tc.deg)
		if r.w != tc.w || r.h != tc.h || !bytes.Equal(r.pix, tc.pix) {
			t.Errorf("rotate(%d) = %d×%d %v, want %d×%d %v", tc.deg, r.w, r.h, r.pix, tc.w, tc.h, tc.pix)
		}
	}
	ppm := append([]byte("P6\n# comment\n1 1\n255\n"), 10, 20, 30)
	c, err := parsePNM(ppm)
	if err != nil || c.ch != 3 || c.gray().pix[0] != 18 {
		t.Errorf("PPM: %+v, %v", c, err)
	}
	for _, bad := range []string{"P5\n2 2\n255\n\x00", "P5\n2 2\n65535\n", "P4\n1 1\n", "P5 0 0 255 "} {
		if _, err := parsePNM([]byte(bad)); err == nil {
			t.Errorf("parsePNM(%q): no error", bad)
		}
	}
}

// letterhead is a colour page as an agency sends it: a red heading and red
// rule, black body text, and a red seal over the signature and date.
type letterhead struct {
	heading string
	body    []string // black lines; the last two are the signature and date
	// sealInk is the seal's red (zero: a saturated red, 215, 45, 55).
	sealInk [3]int
}

// seal is where render draws the seal on a page of width w: its centre and
// radius in pixels.
func (l letterhead) seal(w int, dpi float64) (cx, cy, radius float64) {
	n := float64(len(l.body) + 3)
	dateY := (72 + 14 + n*14*1.8 - 5) * dpi / 72
	return float64(w) * 0.35, dateY - dpi*0.1, dpi * 0.8
}

// ringInked counts the points of the seal's ring, of 360 around it, darker
// than level on the grey page img.
func (l letterhead) ringInked(img *raster, dpi float64, level byte) int {
	cx, cy, radius := l.seal(img.w, dpi)
	inked := 0
	for i := range 360 {
		th := float64(i) * math.Pi / 180
		x, y := int(cx+radius*math.Cos(th)), int(cy+radius*math.Sin(th))
		if img.pix[y*img.w+x] < level {
			inked++
		}
	}
	return inked
}

// render draws the page at dpi as an RGB raster: black text from a text
// PDF, red ink multiplied over it as a pen lays ink on ink.
func (l letterhead) render(t *testing.T, dpi int) *raster {
	t.Helper()
	ctx := context.Background()
	// The heading at 26 pt on the first line; the body at 14 pt below.
	head, err := scantest.Render(ctx, scantest.TextPDF([][]string{{l.heading}}, 26), 1, dpi)
	if err != nil {
		t.Skipf("cannot render: %v", err)
	}
	lines := append([]string{"", "", "", ""}, l.body...)
	body, err := scantest.Render(ctx, scantest.TextPDF([][]string{lines}, 14), 1, dpi)
	if err != nil {
		t.Fatal(err)
	}
	w, h := body.Rect.Dx(), body.Rect.Dy()
	img := &raster{w: w, h: h, ch: 3, pix: make([]byte, 3*w*h)}
	// The date's baseline: line N of TextPDF sits at 72 + size + N·1.8·size pt from the top.
	n := float64(len(lines) - 1)
	dateY := (72 + 14 + n*14*1.8 - 5) * float64(dpi) / 72
	cx, cy, radius := float64(w)*0.35, dateY-float64(dpi)*0.1, float64(dpi)*0.8
	ruleY := int(150 * float64(dpi) / 72)
	seal := cmp.Or(l.sealInk, [3]int{215, 45, 55})
	for y := range h {
		for x := range w {
			v := body.Pix[y*body.Stride+x]
			ink := head.Pix[y*head.Stride+x] < 128 || y >= ruleY && y < ruleY+dpi/50 && x > dpi && x < w-dpi
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			ink = ink || math.Abs(d-radius) < float64(dpi)/30 // the seal's ring
			ink = ink || d < radius*0.25                      // its star, as a disc
			p := img.pix[3*(y*w+x):]
			p[0], p[1], p[2] = v, v, v
			if ink { // red ink multiplied over what is there
				p[0], p[1], p[2] = byte(int(v)*seal[0]/255), byte(int(v)*seal[1]/255), byte(int(v)*seal[2]/255)
			}
		}
	}
	return img
}

// plainBody renders body as letterhead sets it, without heading or red
// ink: the black text as printed.
func plainBody(t *testing.T, body []string, dpi int) *image.Gray {
	t.Helper()
	plain, err := scantest.Render(context.Background(), scantest.TextPDF([][]string{append([]string{"", "", "", ""}, body...)}, 14), 1, dpi)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

func TestSeparateInks(t *testing.T) {
	needTools(t, "pdftoppm")
	l := letterhead{heading: "福建省人民政府文件", body: []string{"各市、县（区）人民政府：", "福建省人民政府", "2019年4月28日"}}
	img := l.render(t, 150)
	in, ok := separateInks(img, 150)
	if !ok || in.seals != 1 || in.red == nil {
		t.Fatalf("ok %v, %d seals, red %v; want a page with one seal and red text", ok, in.seals, in.red != nil)
	}
	// The seal and the rule are gone from the red ink, the heading is
	// not; the black text under the seal is in the black ink.
	dark := func(r *raster, y0, y1 float64) int {
		n := 0
		for y := int(y0 * 150 / 72); y < int(y1*150/72); y++ {
			for _, v := range r.pix[y*r.w : (y+1)*r.w] {
				if v < 128 {
					n++
				}
			}
		}
		return n
	}
	if dark(in.red, 72, 110) == 0 || dark(in.red, 140, 160) != 0 || dark(in.red, 170, 290) != 0 {
		t.Errorf("red ink: heading %d, rule %d, seal %d dark pixels; want some, none, none", dark(in.red, 72, 110), dark(in.red, 140, 160), dark(in.red, 170, 290))
	}
	if dark(in.black, 72, 110) != 0 || dark(in.black, 200, 245) == 0 {
		t.Errorf("black ink: heading %d, text under the seal %d dark pixels; want none, some", dark(in.black, 72, 110), dark(in.black, 200, 245))
	}
	if _, ok := separateInks(img.gray(), 150); ok {
		t.Error("a grey page was taken apart")
	}
}

// TestSeparateInksKeepsStrokes holds the black ink under a seal to the
// text as printed: the edges of its strokes (any pixel below 200),
// reddened where the seal's ink lies over them, must stay ink, or thin
// strokes break (三 read as 二, 〇 lost). Whitened by redness, 6% of them
// were lost.
func TestSeparateInksKeepsStrokes(t *testing.T) {
	needTools(t, "pdftoppm")
	body := []string{"各市、县（区）人民政府：", "福建省人民政府", "二〇一九年四月二十八日"}
	l := letterhead{heading: "福建省人民政府文件", body: body}
	in, ok := separateInks(l.render(t, 150), 150)
	if !ok {
		t.Fatal("not taken apart")
	}
	plain := plainBody(t, body, 150)
	var got, want int
	for y := 200 * 150 / 72; y < 245*150/72; y++ {
		for x := range in.black.w {
			if in.black.pix[y*in.black.w+x] < 200 {
				got++
			}
			if plain.Pix[y*plain.Stride+x] < 200 {
				want++
			}
		}
	}
	if want == 0 || float64(got) < 0.97*float64(want) {
		t.Errorf("text under the seal: %d pixels of ink in the black ink, %d as printed; want at least 97%%", got, want)
	}
}

// TestEngineRedInk reads a colour page with a red heading and a seal over
// the date: the heading must come out in its place, the date clean.
func TestEngineRedInk(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	l := letterhead{heading: "福建省人民政府文件", body: append(sampleLines()[1:4], "福建省人民政府", "2019年4月28日")}
	path := filepath.Join(t.TempDir(), "colour.pdf")
	if err := os.WriteFile(path, rgbPDF(l.render(t, 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := e.Page(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%.2f %q\n%s\n%+v", p.Confidence, p.Note, p.PlainText(), p.Corrections)
	lines := strings.Split(p.PlainText(), "\n")
	if len(lines) < 3 || lines[0] != l.heading {
		t.Errorf("first line %q, want the red heading %q", lines[0], l.heading)
	}
	if !strings.Contains(p.PlainText(), "2019年4月28日") {
		t.Error("the date under the seal is not read")
	}
	if !strings.Contains(p.Note, "red ink dropped out (1 seal)") || !strings.Contains(p.Note, "red text read apart") {
		t.Errorf("note %q", p.Note)
	}
}

// TestEngineUpsideDown reads a page scanned upside down: it must be
// turned and read as well as upright.
func TestEngineUpsideDown(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	lines := sampleLines()[:8]
	img, err := scantest.Render(ctx, scantest.TextPDF([][]string{lines}, 14), 1, 200)
	if err != nil {
		t.Fatal(err)
	}
	r := &raster{w: img.Rect.Dx(), h: img.Rect.Dy(), ch: 1, pix: img.Pix}
	path := filepath.Join(t.TempDir(), "upside-down.pdf")
	if err := os.WriteFile(path, scantest.ImagePDF([]*image.Gray{r.rotate(180).image()}), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := e.Page(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	acc := scantest.CharAccuracy(strings.Join(lines, ""), p.PlainText())
	t.Logf("accuracy %.3f, confidence %.2f, %q", acc, p.Confidence, p.Note)
	if acc < 0.9 || !strings.Contains(p.Note, "turned 180°") {
		t.Errorf("accuracy %.3f (want ≥ 0.9), note %q (want it turned 180°)", acc, p.Note)
	}
}

// rgbPDF wraps a colour raster into a one-page PDF, the image filling an
// A4 page.
func rgbPDF(img *raster) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(img.pix)
	zw.Close()
	var b bytes.Buffer
	var offs []int
	obj := func(body string, stream []byte) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s", len(offs), body)
		if stream != nil {
			fmt.Fprintf(&b, "\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	b.WriteString("%PDF-1.4\n")
	content := fmt.Sprintf("q %g 0 0 %g 0 0 cm /Im0 Do Q\n", scantest.PageWidth, scantest.PageHeight)
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>", scantest.PageWidth, scantest.PageHeight), nil)
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>", img.w, img.h, z.Len()), z.Bytes())
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

// stampInk is a seal's red as the real colour scan in the corpus measures
// it (median RGB of its seals): stamp-pad ink, lighter than printed red.
var stampInk = [3]int{243, 97, 87}

// TestDropGreySeals finds the seal of a grey page by its ring and whitens
// its ink, keeping the text under it; a page of text alone has no seal.
func TestDropGreySeals(t *testing.T) {
	needTools(t, "pdftoppm")
	const dpi = 200
	body := []string{"各市、县（区）人民政府：", "福建省人民政府", "2019年4月28日"}
	l := letterhead{heading: "福建省人民政府文件", body: body, sealInk: stampInk}
	img := l.render(t, dpi).gray()
	seals := dropGreySeals(img, dpi)
	if len(seals) != 1 {
		t.Fatalf("%d seals found, want 1", len(seals))
	}
	// The ring (as letterhead draws it) is paper now where no text is.
	w := img.w
	if inked := l.ringInked(img, dpi, 200); inked > 36 {
		t.Errorf("%d of 360 points of the ring still inked, want at most a tenth (where text crosses it)", inked)
	}
	// The text under the seal keeps its ink.
	plain := plainBody(t, body, dpi)
	var got, want int
	for y := 200 * dpi / 72; y < 245*dpi/72; y++ {
		for x := range w {
			if plain.Pix[y*plain.Stride+x] < 128 {
				want++
				if img.pix[y*w+x] < 128 {
					got++
				}
			}
		}
	}
	if want == 0 || float64(got) < 0.95*float64(want) {
		t.Errorf("text under the seal: %d of its %d dark pixels kept, want at least 95%%", got, want)
	}
	// Text alone, and a seal in saturated red, too dark to tell from the
	// text by its grey, are left as they are.
	text, err := scantest.Render(context.Background(), scantest.TextPDF([][]string{sampleLines()}, 14), 1, dpi)
	if err != nil {
		t.Fatal(err)
	}
	r := &raster{w: text.Rect.Dx(), h: text.Rect.Dy(), ch: 1, pix: text.Pix}
	if s := dropGreySeals(r, dpi); len(s) != 0 {
		t.Errorf("a page of text: %d seals found", len(s))
	}
}

// TestDropGreySealsNoise whitens a seal whose ink carries a scanner's
// noise whole: none of its darker specks is left for tesseract to take
// for a picture, while the text under it keeps its ink.
func TestDropGreySealsNoise(t *testing.T) {
	needTools(t, "pdftoppm")
	const dpi = 200
	body := []string{"各市、县（区）人民政府：", "福建省人民政府", "2019年4月28日"}
	l := letterhead{heading: "福建省人民政府文件", body: body, sealInk: stampInk}
	img := l.render(t, dpi).gray()
	rng := rand.New(rand.NewPCG(1, 2))
	for i, v := range img.pix {
		img.pix[i] = byte(max(0, min(255, float64(v)+rng.NormFloat64()*10)))
	}
	if n := len(dropGreySeals(img, dpi)); n != 1 {
		t.Fatalf("%d seals found, want 1", n)
	}
	plain := plainBody(t, body, dpi)
	w := img.w
	n := float64(len(l.body) + 3)
	dateY := (72 + 14 + n*14*1.8 - 5) * dpi / 72
	cx, cy, radius := float64(w)*0.35, dateY-dpi*0.1, dpi*0.8
	nearText := func(x, y int) bool {
		for dy := -3; dy <= 3; dy++ {
			for dx := -3; dx <= 3; dx++ {
				if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < img.h && plain.Pix[yy*plain.Stride+xx] < 200 {
					return true
				}
			}
		}
		return false
	}
	specks, text, kept := 0, 0, 0
	for y := int(cy - radius); y < int(cy+radius); y++ {
		for x := int(cx - radius); x < int(cx+radius); x++ {
			if dx, dy := float64(x)-cx, float64(y)-cy; dx*dx+dy*dy > radius*radius*0.9 {
				continue
			}
			if plain.Pix[y*plain.Stride+x] < 128 {
				text++
				if img.pix[y*w+x] < 128 {
					kept++
				}
			} else if img.pix[y*w+x] < 200 && !nearText(x, y) {
				specks++
			}
		}
	}
	if specks > 20 {
		t.Errorf("%d pixels of the seal's ink left away from the text, want at most 20", specks)
	}
	if text == 0 || float64(kept) < 0.95*float64(text) {
		t.Errorf("text within the seal: %d of its %d dark pixels kept, want at least 95%%", kept, text)
	}
}

// TestEngineGreySeal reads a grey scan of a page with a seal over the
// signature and date: the date must come out.
func TestEngineGreySeal(t *testing.T) {
	p := readGreySealed(t, "2019年4月28日")
	if !strings.Contains(p.PlainText(), "2019年4月28日") {
		t.Error("the date under the seal is not read")
	}
	if !strings.Contains(p.Note, "seal dropped out by its grey (1 seal)") {
		t.Errorf("note %q", p.Note)
	}
}

// TestDropShowThrough whitens the light grey of a page with little dark
// text and much of the back showing through, keeps the dark strokes and
// their grey edges, and leaves a page of dark text, or a faded page with
// no dark ink at all, alone.
func TestDropShowThrough(t *testing.T) {
	page := func(dark, edge, grey int) *raster {
		r := &raster{w: 100, h: 100, ch: 1, pix: make([]byte, 100*100)}
		for i := range r.pix {
			switch {
			case i < dark:
				r.pix[i] = 20
			case i < dark+edge:
				r.pix[i] = 160 // a dark stroke's grey edge
			case i < dark+edge+grey:
				r.pix[i] = 200 // the back showing through
			default:
				r.pix[i] = 250
			}
		}
		return r
	}
	front, ok := dropShowThrough(page(100, 50, 2000))
	if !ok {
		t.Fatal("a page of more light grey than dark ink: nothing done")
	}
	if front.pix[0] != 20 || front.pix[120] != 160 || front.pix[500] != 250 {
		t.Errorf("tones after: dark %d, edge %d, grey %d; want 20, 160, 250", front.pix[0], front.pix[120], front.pix[500])
	}
	if _, ok := dropShowThrough(page(3000, 100, 1000)); ok {
		t.Error("a page of dark text changed")
	}
	if _, ok := dropShowThrough(page(0, 0, 3000)); ok {
		t.Error("a faded page with no dark ink whitened")
	}
}
