package ocr

import (
	"context"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
)

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
	n := float64(len(l.body) + 3)
	dateY := (72 + 14 + n*14*1.8 - 5) * dpi / 72
	cx, cy, radius := float64(w)*0.35, dateY-dpi*0.1, dpi*0.8
	inked := 0
	for i := range 360 {
		th := float64(i) * math.Pi / 180
		x, y := int(cx+radius*math.Cos(th)), int(cy+radius*math.Sin(th))
		if img.pix[y*w+x] < 200 {
			inked++
		}
	}
	if inked > 36 {
		t.Errorf("%d of 360 points of the ring still inked, want at most a tenth (where text crosses it)", inked)
	}
	// The text under the seal keeps its ink.
	plain, err := scantest.Render(context.Background(), scantest.TextPDF([][]string{append([]string{"", "", "", ""}, body...)}, 14), 1, dpi)
	if err != nil {
		t.Fatal(err)
	}
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

// TestEngineGreySeal reads a grey scan of a page with a seal over the
// signature and date: the date must come out.
func TestEngineGreySeal(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	l := letterhead{heading: "福建省人民政府文件", body: append(sampleLines()[1:4], "福建省人民政府", "2019年4月28日"), sealInk: stampInk}
	img := l.render(t, 200).gray()
	path := filepath.Join(t.TempDir(), "grey.pdf")
	if err := os.WriteFile(path, scantest.ImagePDF([]*image.Gray{img.image()}), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := e.Page(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%.2f %q\n%s\n%+v", p.Confidence, p.Note, p.PlainText(), p.Corrections)
	if !strings.Contains(p.PlainText(), "2019年4月28日") {
		t.Error("the date under the seal is not read")
	}
	if !strings.Contains(p.Note, "seal dropped out by its grey (1 seal)") {
		t.Errorf("note %q", p.Note)
	}
}
