package ocr

import (
	"context"
	"testing"
)

const listHead = `page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi size ratio
--------------------------------------------------------------------------------------------
`

func TestImageResolution(t *testing.T) {
	const a4w, a4h = 595.28, 841.89
	tests := []struct {
		name string
		list string
		want float64
		ok   bool
	}{
		{name: "full-page 200 dpi scan", list: listHead + "   2     0 image    1654  2339  gray    1   8  jpeg   no         7  0   200   200 85.7K 2.3%\n", want: 200, ok: true},
		{name: "bilevel scan drawn as a stencil", list: listHead + "   1     0 stencil  2480  3508  -       1   1  jbig2  no         5  0   300   300 60K 0.6%\n", want: 300, ok: true},
		{name: "largest image wins, its mask ignored", list: listHead +
			"   1     0 image     200   100  rgb     3   8  jpeg   no         7  0    72    72 5K 2%\n" +
			"   1     1 image    1654  2339  gray    1   8  jpeg   no         8  0   200   200 85K 2%\n" +
			"   1     2 smask    1654  2339  gray    1   8  image  no         9  0   600   600 1K 0%\n", want: 200, ok: true},
		{name: "small photo on a text page", list: listHead + "   1     0 image     400   300  rgb     3   8  jpeg   no         7  0   150   150 20K 5%\n"},
		{name: "stretched image", list: listHead + "   1     0 image    1654  2339  gray    1   8  jpeg   no         7  0   200   300 85K 2%\n"},
		{name: "no images", list: listHead},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := imageResolution([]byte(tc.list), a4w, a4h)
			if ok != tc.ok || got != tc.want {
				t.Errorf("imageResolution = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFitDPI(t *testing.T) {
	tests := []struct {
		name string
		ppi  float64
		want int
	}{
		{name: "within range", ppi: 200, want: 200},
		{name: "uneven", ppi: 213.4, want: 213},
		{name: "fax resolution doubled", ppi: 100, want: 200},
		{name: "very low tripled", ppi: 72, want: 216},
		{name: "600 dpi halved", ppi: 600, want: 300},
		{name: "1200 dpi divided by three", ppi: 1200, want: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fitDPI(tc.ppi); got != tc.want {
				t.Errorf("fitDPI(%v) = %d, want %d", tc.ppi, got, tc.want)
			}
		})
	}
}

func TestPageSize(t *testing.T) {
	w, h, ok := pageSize([]byte("Pages:           5\nPage    2 size:  595.28 x 841.89 pts (A4)\nPage    2 rot:   0\n"))
	if !ok || w != 595.28 || h != 841.89 {
		t.Errorf("pageSize = %v × %v, %v; want 595.28 × 841.89", w, h, ok)
	}
	if _, _, ok := pageSize([]byte("Pages: 5\n")); ok {
		t.Error("pageSize without a size line: ok")
	}
}

// TestScanDPI checks that a scan is read at its own resolution, found
// through the real tools.
func TestScanDPI(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract", "pdfimages", "pdfinfo")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	for _, dpi := range []int{200, 300} {
		path := scanPDF(t, []string{"福建省人民政府"}, 14, dpi, 0, 0)
		if got, side, ok := e.scanDPI(ctx, path, 1); !ok || got != dpi || side != 842 {
			t.Errorf("scanDPI of a %d dpi scan = %d, %v, %v; want %d, 842 pt, true", dpi, got, side, ok, dpi)
		}
	}
}
