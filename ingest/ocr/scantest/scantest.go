package scantest

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"unicode"
	"unicode/utf16"
)

// A4 in points.
const (
	PageWidth  = 595.0
	PageHeight = 842.0
)

// TextPDF returns a PDF with one page per element of pages, each line of a
// page set at size points from the top-left margin down. The font is
// STSong-Light through the predefined UniGB-UCS2-H CMap, not embedded, so
// the renderer substitutes an installed CJK font.
func TextPDF(pages [][]string, size float64) []byte {
	w := &pdfWriter{}
	w.header()
	nPages := len(pages)
	// Objects: 1 catalog, 2 pages, 3 font, 4 descendant, then per page: page, content.
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	kids := ""
	for i := range nPages {
		kids += fmt.Sprintf("%d 0 R ", 5+2*i)
	}
	w.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, nPages))
	w.obj(3, "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>")
	w.obj(4, "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> /DW 1000 /W [1 95 500] >>")
	for i, lines := range pages {
		var c bytes.Buffer
		y := PageHeight - 72 - size
		for _, l := range lines {
			fmt.Fprintf(&c, "BT /F1 %.1f Tf 72 %.1f Td <", size, y)
			for _, u := range utf16.Encode([]rune(l)) {
				fmt.Fprintf(&c, "%04X", u)
			}
			c.WriteString("> Tj ET\n")
			y -= size * 1.8
		}
		w.obj(5+2*i, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", PageWidth, PageHeight, 6+2*i))
		w.stream(6+2*i, "", c.Bytes())
	}
	return w.finish(1)
}

// ImagePDF returns an image-only PDF, one page per image, each image filling
// an A4 page (the resolution follows from the image's size).
func ImagePDF(imgs []*image.Gray) []byte {
	w := &pdfWriter{}
	w.header()
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	kids := ""
	for i := range imgs {
		kids += fmt.Sprintf("%d 0 R ", 3+3*i)
	}
	w.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, len(imgs)))
	for i, img := range imgs {
		b := img.Bounds()
		var raw bytes.Buffer
		for y := b.Min.Y; y < b.Max.Y; y++ {
			raw.Write(img.Pix[(y-b.Min.Y)*img.Stride : (y-b.Min.Y)*img.Stride+b.Dx()])
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		zw.Write(raw.Bytes())
		zw.Close()
		content := fmt.Sprintf("q %g 0 0 %g 0 0 cm /Im0 Do Q\n", PageWidth, PageHeight)
		w.obj(3+3*i, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", PageWidth, PageHeight, 4+3*i, 5+3*i))
		w.stream(4+3*i, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", b.Dx(), b.Dy()), z.Bytes())
		w.stream(5+3*i, "", []byte(content))
	}
	return w.finish(1)
}

// Render renders page n (1-based) of the PDF at dpi to a grey image with pdftoppm.
func Render(ctx context.Context, pdf []byte, n, dpi int) (*image.Gray, error) {
	dir, err := os.MkdirTemp("", "scantest")
	if err != nil {
		return nil, fmt.Errorf("scantest: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		return nil, fmt.Errorf("scantest: %w", err)
	}
	ns := strconv.Itoa(n)
	out, err := exec.CommandContext(ctx, "pdftoppm", "-f", ns, "-l", ns, "-r", strconv.Itoa(dpi), "-gray", "-singlefile", in, filepath.Join(dir, "out")).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("scantest: pdftoppm: %w: %s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "out.pgm"))
	if err != nil {
		return nil, fmt.Errorf("scantest: %w", err)
	}
	return ParsePGM(raw)
}

// ParsePGM decodes a binary (P5) 8-bit PGM image.
func ParsePGM(raw []byte) (*image.Gray, error) {
	var fields [4]int
	rest := raw
	for i := 0; i < 4; {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) > 0 && rest[0] == '#' {
			if j := bytes.IndexByte(rest, '\n'); j >= 0 {
				rest = rest[j+1:]
				continue
			}
			return nil, fmt.Errorf("scantest: PGM header cut short")
		}
		j := bytes.IndexAny(rest, " \t\r\n")
		if j < 0 {
			return nil, fmt.Errorf("scantest: PGM header cut short")
		}
		tok := string(rest[:j])
		rest = rest[j:]
		if i == 0 {
			if tok != "P5" {
				return nil, fmt.Errorf("scantest: not a binary PGM: %q", tok)
			}
			i++
			continue
		}
		v, err := strconv.Atoi(tok)
		if err != nil {
			return nil, fmt.Errorf("scantest: PGM header: %w", err)
		}
		fields[i] = v
		i++
	}
	w, h, maxv := fields[1], fields[2], fields[3]
	if maxv != 255 || len(rest) < 1+w*h {
		return nil, fmt.Errorf("scantest: unsupported PGM (%dx%d, max %d, %d bytes)", w, h, maxv, len(rest))
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	copy(img.Pix, rest[1:1+w*h])
	return img, nil
}

// Degrade returns img rotated by deg degrees about its centre, with
// Gaussian noise of standard deviation sigma (in grey levels) and a share
// speckle of its pixels flipped to black or white, as a worn scan would be.
// The same seed gives the same image.
func Degrade(img *image.Gray, deg, sigma, speckle float64, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := img.Bounds()
	out := image.NewGray(b)
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			// Inverse rotation, bilinear sampling, white outside.
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := cos*dx+sin*dy+cx, -sin*dx+cos*dy+cy
			v := bilinear(img, sx, sy) + rng.NormFloat64()*sigma
			if speckle > 0 && rng.Float64() < speckle {
				v = float64(255 * rng.IntN(2))
			}
			out.SetGray(x, y, color.Gray{Y: uint8(max(0, min(255, math.Round(v))))})
		}
	}
	return out
}

// Sideways returns a page whose top square (as wide as the page) is
// turned a quarter counter-clockwise, the rest left white, as a sheet fed
// into a scanner on its side: the text then reads upright only after a
// quarter turn clockwise. The page keeps its size, so ImagePDF does not
// stretch it.
func Sideways(img *image.Gray) *image.Gray {
	b := img.Bounds()
	side := min(b.Dx(), b.Dy())
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := range side {
		for x := range side {
			// (x, y) of the square lands at (y, side-1-x): a quarter turn
			// counter-clockwise.
			out.SetGray(y, side-1-x, img.GrayAt(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

func bilinear(img *image.Gray, x, y float64) float64 {
	b := img.Bounds()
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= b.Dx() || y >= b.Dy() {
			return 255
		}
		return float64(img.Pix[y*img.Stride+x])
	}
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return top*(1-fy) + bot*fy
}

// Bomb returns a one-page PDF whose FlateDecode content stream inflates to
// size bytes of spaces (rounded up to a MiB): a decompression bomb of about
// 1000:1 for the extractor's limits. It is built without compressing size
// bytes: one compressed MiB of spaces, whose back-references reach only
// spaces, is valid after any space, so it is repeated.
func Bomb(size int64) []byte {
	const chunk = 1 << 20
	spaces := bytes.Repeat([]byte(" "), chunk)
	var block bytes.Buffer
	fw, _ := flate.NewWriter(&block, flate.BestCompression)
	fw.Write(spaces)
	fw.Flush()
	n := (size + chunk - 1) / chunk
	var z bytes.Buffer
	z.Write([]byte{0x78, 0xda}) // zlib header, best compression
	one := uint64(adler32.Checksum(spaces))
	sum := uint64(1) // the checksum of nothing
	for range n {
		z.Write(block.Bytes())
		sum = adler32Combine(sum, one, chunk)
	}
	z.Write([]byte{0x03, 0x00}) // a final empty fixed-Huffman block
	z.Write(binary.BigEndian.AppendUint32(nil, uint32(sum)))
	w := &pdfWriter{}
	w.header()
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << >> /Contents 4 0 R >>", PageWidth, PageHeight))
	w.stream(4, "/Filter /FlateDecode", z.Bytes())
	return w.finish(1)
}

// adler32Combine returns the Adler-32 of A followed by B from their
// checksums and B's length, as zlib's adler32_combine, so a bomb's
// checksum costs nothing to compute.
func adler32Combine(a, b uint64, lenB int64) uint64 {
	const base = 65521
	rem := uint64(lenB % base)
	sum1 := a & 0xffff
	sum2 := (rem * sum1) % base
	sum1 += (b & 0xffff) + base - 1
	sum2 += (a >> 16) + (b >> 16) + base - rem
	sum1 %= base
	sum2 %= base
	return sum1 | sum2<<16
}

// pdfWriter writes numbered objects and the cross-reference table.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets map[int]int
}

func (w *pdfWriter) header() {
	w.offsets = map[int]int{}
	w.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
}

func (w *pdfWriter) obj(n int, body string) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

func (w *pdfWriter) stream(n int, dict string, data []byte) {
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<< %s /Length %d >>\nstream\n", n, dict, len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

func (w *pdfWriter) finish(root int) []byte {
	n := 0
	for k := range w.offsets {
		n = max(n, k)
	}
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", n+1)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", w.offsets[i])
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", n+1, root, xref)
	return w.buf.Bytes()
}

// Wrap breaks text into lines of at most perLine characters, dropping
// whitespace, as a typesetter would set Chinese body text.
func Wrap(text string, perLine int) []string {
	var lines []string
	var cur []rune
	for _, r := range text {
		if unicode.IsSpace(r) {
			continue
		}
		cur = append(cur, r)
		if len(cur) == perLine {
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

// CharAccuracy is 1 − (edit distance ÷ length of want), counted in
// characters with all whitespace removed from both sides (line breaks and
// the spaces OCR puts between characters are not what is measured). It is
// 0 when got is empty or wholly wrong, never negative.
func CharAccuracy(want, got string) float64 {
	a, b := noSpace(want), noSpace(got)
	if len(a) == 0 {
		if len(b) == 0 {
			return 1
		}
		return 0
	}
	return max(0, 1-float64(EditDistance(a, b))/float64(len(a)))
}

func noSpace(s string) []rune {
	var out []rune
	for _, r := range s {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return out
}

// EditDistance is the Levenshtein distance between a and b, in characters:
// the one measure the ingest tests score text by.
func EditDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
