package ocr

import (
	"context"
	"math"
	"testing"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
)

// threshold thresholds a grey raster as a 1-bit scanner does: the seal's
// stamp ink comes out as black as the text.
func threshold(img *raster) *raster {
	for i, v := range img.pix {
		if v < 200 {
			img.pix[i] = 0
		} else {
			img.pix[i] = 255
		}
	}
	return img
}

// TestDropBlackSeals finds the seal of a 1-bit page by its ring and
// whitens the ring and the star, keeping the text under the seal away
// from them; a page of text alone has no seal.
func TestDropBlackSeals(t *testing.T) {
	needTools(t, "pdftoppm")
	const dpi = 200
	body := []string{"各市、县（区）人民政府：", "福建省人民政府", "2019年4月28日"}
	l := letterhead{heading: "福建省人民政府文件", body: body, sealInk: stampInk}
	img := threshold(l.render(t, dpi).gray())
	if n := len(dropGreySeals(img, dpi)); n != 0 {
		t.Fatalf("dropGreySeals found %d seals on a 1-bit page", n)
	}
	if n := len(dropBlackSeals(img, dpi)); n != 1 {
		t.Fatalf("%d seals found, want 1", n)
	}
	w := img.w
	cx, cy, radius := l.seal(w, dpi)
	if inked := l.ringInked(img, dpi, 128); inked > 36 {
		t.Errorf("%d of 360 points of the ring still inked, want at most a tenth (where text crosses it)", inked)
	}
	star := 0
	for y := int(cy - radius*0.2); y < int(cy+radius*0.2); y++ {
		for x := int(cx - radius*0.2); x < int(cx+radius*0.2); x++ {
			if img.pix[y*w+x] < 128 {
				star++
			}
		}
	}
	if side := radius * 0.4; float64(star) > 0.1*side*side {
		t.Errorf("%d pixels of the star's middle still inked", star)
	}
	// The text keeps its ink, away from the ring and the star.
	plain := plainBody(t, body, dpi)
	var got, want int
	for y := 0; y < img.h; y++ {
		for x := range w {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			if math.Abs(d-radius) < dpi/10 || d < radius*0.5 || plain.Pix[y*plain.Stride+x] >= 128 {
				continue
			}
			want++
			if img.pix[y*w+x] < 128 {
				got++
			}
		}
	}
	if want == 0 || float64(got) < 0.97*float64(want) {
		t.Errorf("text: %d of its %d dark pixels kept, want at least 97%%", got, want)
	}
	// Text alone is left as it is.
	text, err := scantest.Render(context.Background(), scantest.TextPDF([][]string{sampleLines()}, 14), 1, dpi)
	if err != nil {
		t.Fatal(err)
	}
	r := threshold(&raster{w: text.Rect.Dx(), h: text.Rect.Dy(), ch: 1, pix: text.Pix})
	before := string(r.pix)
	if s := dropBlackSeals(r, dpi); len(s) != 0 || string(r.pix) != before {
		t.Errorf("a page of text: %d seals found", len(s))
	}
	// A grey page is dropGreySeals' to clean, not this.
	grey := l.render(t, dpi).gray()
	if s := dropBlackSeals(grey, dpi); len(s) != 0 {
		t.Errorf("a grey page: %d seals found", len(s))
	}
}
