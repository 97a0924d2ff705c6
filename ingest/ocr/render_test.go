package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
)

// boxPDF returns a one-page PDF of w×h points, rotated by rotate degrees,
// with a black square in its lower-left corner.
func boxPDF(w, h float64, rotate int) []byte {
	var b bytes.Buffer
	var offs []int
	obj := func(body string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), body)
	}
	content := "0 0 0 rg 0 0 72 72 re f"
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Rotate %d /Contents 4 0 R >>", w, h, rotate))
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRendererPNG(t *testing.T) {
	needTools(t, "pdftoppm", "pdfinfo")
	r, err := NewRenderer(Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// A4 is 595×842 pt: at 144 dpi, two pixels a point.
	issue := writeTemp(t, "issue.pdf", scantest.TextPDF([][]string{{"第一页"}, sampleLines()}, 14))
	tests := []struct {
		name       string
		path       string
		page, dpi  int
		w, h       int // expected size, ±1 pixel of rounding
		wantErr    error
		wantAnyErr bool
	}{
		{name: "second page at 144 dpi", path: issue, page: 2, dpi: 144, w: 1190, h: 1684},
		{name: "first page at 100 dpi", path: issue, page: 1, dpi: 100, w: 826, h: 1169},
		{name: "rotated page", path: writeTemp(t, "rot.pdf", boxPDF(595, 842, 90)), page: 1, dpi: 72, w: 842, h: 595},
		// A page 200 inches square would be 28,800 pixels a side at 144
		// dpi; 20 dpi is the most that fits in MaxRenderSide.
		{name: "huge page is scaled to fit", path: writeTemp(t, "huge.pdf", boxPDF(14400, 14400, 0)), page: 1, dpi: 144, w: 4000, h: 4000},
		{name: "page past the end", path: issue, page: 3, dpi: 144, wantErr: ErrNoPage},
		{name: "page zero", path: issue, page: 0, dpi: 144, wantErr: ErrNoPage},
		{name: "resolution zero", path: issue, page: 1, dpi: 0, wantAnyErr: true},
		{name: "resolution too high", path: issue, page: 1, dpi: MaxRenderDPI + 1, wantAnyErr: true},
		{name: "not a PDF", path: writeTemp(t, "junk.pdf", []byte("%PDF-1.4\nthis is not a PDF at all")), page: 1, dpi: 72, wantAnyErr: true},
		{name: "no such file", path: filepath.Join(t.TempDir(), "missing.pdf"), page: 1, dpi: 72, wantAnyErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := r.PNG(ctx, tc.path, tc.page, tc.dpi)
			switch {
			case tc.wantErr != nil || tc.wantAnyErr:
				if err == nil {
					t.Fatalf("PNG = %d bytes, want an error", len(raw))
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Fatalf("PNG: %v, want %v", err, tc.wantErr)
				}
				if tc.wantErr == nil && errors.Is(err, ErrNoPage) {
					t.Fatalf("PNG: %v, want an error other than ErrNoPage", err)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("not a PNG image: %v", err)
			}
			if b := img.Bounds(); abs(b.Dx()-tc.w) > 1 || abs(b.Dy()-tc.h) > 1 {
				t.Errorf("image is %d×%d, want %d×%d", b.Dx(), b.Dy(), tc.w, tc.h)
			}
			if tc.page == 2 && inkShare(img) < 0.005 {
				t.Errorf("page 2 is blank: %.4f of it is ink", inkShare(img))
			}
		})
	}
}

func TestRendererLimits(t *testing.T) {
	needTools(t, "pdftoppm", "pdfinfo")
	path := writeTemp(t, "issue.pdf", scantest.TextPDF([][]string{sampleLines()}, 14))
	r, err := NewRenderer(Limits{MaxOutput: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.PNG(context.Background(), path, 1, 144); err == nil || !strings.Contains(err.Error(), "more than 1000 bytes") {
		t.Errorf("PNG over the output cap: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.PNG(ctx, path, 1, 144); !errors.Is(err, context.Canceled) {
		t.Errorf("PNG with a cancelled context: %v", err)
	}
}

func TestNewRendererWithoutPoppler(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := NewRenderer(Limits{}); !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "poppler-utils") {
		t.Errorf("NewRenderer without poppler: %v", err)
	}
}

func TestFitSide(t *testing.T) {
	tests := []struct {
		name    string
		dpi     int
		side    float64
		want    int
		wantErr bool
	}{
		{name: "A4 fits", dpi: 144, side: 842, want: 144},
		{name: "A0 is scaled down", dpi: 144, side: 3370, want: 87},
		{name: "exactly the limit", dpi: 72, side: MaxRenderSide, want: 72},
		{name: "too large for even 1 dpi", dpi: 144, side: 1e6, wantErr: true},
		{name: "zero size", dpi: 144, side: 0, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fitSide(tc.dpi, tc.side)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("fitSide(%d, %v) = %d, %v; want %d, error %v", tc.dpi, tc.side, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// inkShare is the share of an image's pixels that are dark.
func inkShare(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0x8000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}
