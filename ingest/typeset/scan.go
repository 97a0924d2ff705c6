package typeset

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"github.com/gazette-archive/gazette/ingest/typeset/pdfw"
)

// ErrNoRenderer is returned for Scan when poppler's pdftoppm is not
// installed (Debian: poppler-utils).
var ErrNoRenderer = errors.New("typeset: scan needs pdftoppm (apt-get install poppler-utils)")

// writeScan renders the issue set in IdentityH with pdftoppm, degrades
// every page like a scan (opts.Scan) and writes image-only pages.
func writeScan(ctx context.Context, w io.Writer, pl *plan, opts Options, rng *rand.Rand) error {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return ErrNoRenderer
	}
	enc, err := newEncoder(opts, rng, IdentityH)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "typeset-scan-")
	if err != nil {
		return fmt.Errorf("typeset: scan: %w", err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "issue.pdf")
	f, err := os.Create(src)
	if err != nil {
		return fmt.Errorf("typeset: scan: %w", err)
	}
	err = writePDF(ctx, f, pl, enc, opts)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("typeset: scan: %w", cerr)
	}
	if err != nil {
		return err
	}
	style := opts.Scan
	mode := cmp.Or(style.Mode, ScanGrey)
	colour := mode == ScanColour || mode == ScanMixed
	args, ext := []string{"-gray"}, "pgm"
	if colour {
		args, ext = nil, "ppm"
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "-r", strconv.Itoa(opts.ScanDPI), src, filepath.Join(dir, "p"))...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("typeset: scan: pdftoppm: %w: %s", err, bytes.TrimSpace(out))
	}
	files, err := filepath.Glob(filepath.Join(dir, "p-*."+ext))
	if err != nil || len(files) != len(pl.sheets) {
		return fmt.Errorf("typeset: scan: pdftoppm made %d pages, want %d", len(files), len(pl.sheets))
	}
	sort.Strings(files) // pdftoppm zero-pads the page numbers
	pw := pdfw.New(w)
	catalog, pages, info := pw.Reserve(), pw.Reserve(), pw.Reserve()
	var kids []string
	var jb bytes.Buffer
	var next *raster
	for i, name := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("typeset: %w", err)
		}
		img := next
		if img == nil {
			if img, err = readPNM(name); err != nil {
				return err
			}
		}
		os.Remove(name) // keep the temporary directory small on long files
		next = nil
		if style.BleedThrough && i+1 < len(files) {
			if next, err = readPNM(files[i+1]); err != nil {
				return err
			}
		}
		out := degrade(img, rng, style, next, opts.ScanDPI)
		store := mode
		if mode == ScanMixed {
			store = ScanBilevel
			if pl.sheets[i].inked() {
				store = ScanColour
			}
		}
		if store != ScanColour && len(out.planes) == 3 {
			out = out.grey()
		}
		out = out.turn(style.Rotate)
		pl.truth.Pages[i].Rotate = style.Rotate
		pw2, ph2 := pageW, pageH
		if style.Rotate%180 == 90 {
			pw2, ph2 = pageH, pageW
		}
		im, c, p := pw.Reserve(), pw.Reserve(), pw.Reserve()
		switch store {
		case ScanBilevel:
			threshold := uint8(145 + rng.IntN(30))
			pix := out.planes[0]
			for k, v := range pix {
				if v < threshold {
					pix[k] = 0
				} else {
					pix[k] = 255
				}
			}
			pw.Stream(im, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d >>", out.w, out.h, out.w, out.h), pdfw.G4(pix, out.w, out.h), false)
		default:
			jb.Reset()
			if err := jpeg.Encode(&jb, out.image(), &jpeg.Options{Quality: 70}); err != nil {
				return fmt.Errorf("typeset: scan: jpeg: %w", err)
			}
			space := "/DeviceGray"
			if len(out.planes) == 3 {
				space = "/DeviceRGB"
			}
			pw.Stream(im, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s /BitsPerComponent 8 /Filter /DCTDecode", out.w, out.h, space), jb.Bytes(), false)
		}
		pw.Stream(c, "", fmt.Appendf(nil, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n", pw2, ph2), false)
		rot := ""
		if style.Rotate != 0 {
			rot = fmt.Sprintf(" /Rotate %d", style.Rotate)
		}
		pw.Object(p, fmt.Sprintf("<< /Type /Page /Parent %s /MediaBox [0 0 %.2f %.2f]%s /Resources << /XObject << /Im0 %s >> /ProcSet [/PDF /ImageB] >> /Contents %s >>", pages, pw2, ph2, rot, im, c))
		kids = append(kids, p.String())
		if err := pw.Err(); err != nil {
			return fmt.Errorf("typeset: scan: write: %w", err)
		}
	}
	pw.Object(pages, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(kids), joinSpace(kids)))
	pw.Object(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %s >>", pages))
	pw.Object(info, infoDict(pl))
	if err := pw.Close(catalog, info); err != nil {
		return fmt.Errorf("typeset: scan: %w", err)
	}
	return nil
}

func joinSpace(ss []string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

// raster is a page image: one plane (grey) or three (red, green, blue),
// each w×h bytes, rows top to bottom.
type raster struct {
	w, h   int
	planes [][]uint8
}

// gray is plane k as an image.
func (r *raster) gray(k int) *image.Gray {
	return &image.Gray{Pix: r.planes[k], Stride: r.w, Rect: image.Rect(0, 0, r.w, r.h)}
}

// image is the raster as an image for the JPEG encoder.
func (r *raster) image() image.Image {
	if len(r.planes) == 1 {
		return r.gray(0)
	}
	img := image.NewRGBA(image.Rect(0, 0, r.w, r.h))
	for i := range r.w * r.h {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = r.planes[0][i], r.planes[1][i], r.planes[2][i], 255
	}
	return img
}

// grey converts a colour raster to grey (ITU-R 601 luma, as pdftoppm
// -gray does).
func (r *raster) grey() *raster {
	out := &raster{w: r.w, h: r.h, planes: [][]uint8{make([]uint8, r.w*r.h)}}
	for i := range out.planes[0] {
		out.planes[0][i] = uint8((299*int(r.planes[0][i]) + 587*int(r.planes[1][i]) + 114*int(r.planes[2][i]) + 500) / 1000)
	}
	return out
}

// turn returns the raster as stored under /Rotate deg: turned deg
// counter-clockwise, so that a viewer turning it deg clockwise shows it
// upright.
func (r *raster) turn(deg int) *raster {
	if deg == 0 {
		return r
	}
	out := &raster{w: r.w, h: r.h}
	if deg%180 == 90 {
		out.w, out.h = r.h, r.w
	}
	for _, src := range r.planes {
		dst := make([]uint8, len(src))
		for y := range r.h {
			for x := range r.w {
				var dx, dy int
				switch deg {
				case 90:
					dx, dy = y, r.w-1-x
				case 180:
					dx, dy = r.w-1-x, r.h-1-y
				case 270:
					dx, dy = r.h-1-y, x
				}
				dst[dy*out.w+dx] = src[y*r.w+x]
			}
		}
		out.planes = append(out.planes, dst)
	}
	return out
}

// readPNM reads a binary 8-bit PGM (P5) or PPM (P6) file as pdftoppm
// writes them.
func readPNM(name string) (*raster, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("typeset: scan: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var magic string
	var w, h, maxv int
	if _, err := fmt.Fscan(r, &magic, &w, &h, &maxv); err != nil || magic != "P5" && magic != "P6" || maxv != 255 || w <= 0 || h <= 0 || w*h > 1<<28 {
		return nil, fmt.Errorf("typeset: scan: %s: not an 8-bit P5 PGM or P6 PPM", name)
	}
	if _, err := r.ReadByte(); err != nil { // the single whitespace after the header
		return nil, fmt.Errorf("typeset: scan: %s: %w", name, err)
	}
	n := 1
	if magic == "P6" {
		n = 3
	}
	buf := make([]uint8, n*w*h)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("typeset: scan: %s: %w", name, err)
	}
	out := &raster{w: w, h: h}
	if n == 1 {
		out.planes = [][]uint8{buf}
		return out, nil
	}
	for k := range 3 {
		p := make([]uint8, w*h)
		for i := range p {
			p[i] = buf[3*i+k]
		}
		out.planes = append(out.planes, p)
	}
	return out, nil
}

// degrade makes a clean rendering look scanned: the back of the sheet
// showing through (with style.BleedThrough, back being the next page), a
// slight rotation (up to style.Skew), a soft blur, a scanner's tone
// curve, sensor noise and a few specks; with style.Speckle
// many more, blots and a dark edge. Every plane gets the same.
func degrade(src *raster, rng *rand.Rand, style ScanStyle, back *raster, dpi int) *raster {
	if style.BleedThrough && back != nil && back.w == src.w && back.h == src.h {
		bleed(src, back, 0.12+rng.Float64()*0.1)
	}
	skew := cmp.Or(style.Skew, 1.5)
	theta := (rng.Float64()*(2*skew) - skew) * math.Pi / 180
	w, h := src.w, src.h
	cx, cy := float64(w)/2, float64(h)/2
	sin, cos := math.Sin(theta), math.Cos(theta)
	// Rotation about the centre: translate, rotate, translate back.
	m := f64.Aff3{cos, -sin, cx - cos*cx + sin*cy, sin, cos, cy - sin*cx - cos*cy}
	rot := &raster{w: w, h: h}
	for k := range src.planes {
		rot.planes = append(rot.planes, make([]uint8, w*h))
		for i := range rot.planes[k] {
			rot.planes[k][i] = 255
		}
		draw.BiLinear.Transform(rot.gray(k), m, src.gray(k), image.Rect(0, 0, w, h), draw.Over, nil)
	}
	// The scanner's tone curve: its levels set a black point and a white
	// point, so paper scans white and the core of a stroke black. On the
	// corpus's real colour scan (guangdong-2015-yuejiaokao-14-scan, pages
	// 1 and 6) text strokes' darkest level is a median 3–6, a tenth of
	// them above 50, and text ink a median 21–25, on paper of 255. A curve
	// about mid-grey (contrast 0.8–1.1, brightness +10–30) gave 62–93, a
	// tenth above 126–133, and ink of 82–108: thin strokes as light as a
	// seal, lost with it. This one gives 0–5, a tenth above 39–106, ink of
	// 6–65 (measured on builtin originals, seeds 1–5).
	lo := 60 + rng.Float64()*40
	hi := 230 + rng.Float64()*20
	sigma := 6 + rng.Float64()*6
	out := &raster{w: w, h: h}
	for range src.planes {
		out.planes = append(out.planes, make([]uint8, w*h))
	}
	for y := range h {
		for x := range w {
			noise := 0.0
			for k, pl := range rot.planes {
				// 3×3 blur, half its weight in the centre: with a centre of a
				// third, 2-pixel strokes spread to 3 where the real scans keep
				// them at 2.
				sum, n := 0, 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						xx, yy := x+dx, y+dy
						if xx < 0 || yy < 0 || xx >= w || yy >= h {
							continue
						}
						kk := 1
						if dx == 0 && dy == 0 {
							kk = 8
						}
						sum += kk * int(pl[yy*w+xx])
						n += kk
					}
				}
				if k == 0 {
					noise = rng.NormFloat64() * sigma
				}
				v := (float64(sum)/float64(n)-lo)*255/(hi-lo) + noise
				out.planes[k][y*w+x] = uint8(math.Max(0, math.Min(255, v)))
			}
		}
	}
	dot := func(x, y int, v uint8) {
		if x >= 0 && y >= 0 && x < w && y < h {
			for _, pl := range out.planes {
				pl[y*w+x] = v
			}
		}
	}
	for range 20 + rng.IntN(60) {
		x, y := rng.IntN(w), rng.IntN(h)
		for k := range 1 + rng.IntN(3) {
			if x+k < w {
				dot(x+k, y, uint8(rng.IntN(90)))
			}
		}
	}
	if style.Speckle {
		speckle(out, rng, dpi, dot)
	}
	return out
}

// bleed darkens src where the mirrored back shows ink, by alpha.
func bleed(src, back *raster, alpha float64) {
	w := src.w
	for k, pl := range src.planes {
		bp := back.planes[min(k, len(back.planes)-1)]
		for y := range src.h {
			for x := range w {
				ink := 1 - float64(bp[y*w+w-1-x])/255
				pl[y*w+x] = uint8(float64(pl[y*w+x]) * (1 - alpha*ink))
			}
		}
	}
}

// speckle adds the dirt of a used platen: hundreds of specks, a few
// round blots and a dark band along one edge.
func speckle(r *raster, rng *rand.Rand, dpi int, dot func(x, y int, v uint8)) {
	w, h := r.w, r.h
	for range 300 + rng.IntN(900) {
		x, y, v := rng.IntN(w), rng.IntN(h), uint8(rng.IntN(110))
		dot(x, y, v)
		if rng.IntN(3) == 0 {
			dot(x+1, y, v)
			dot(x, y+1, v)
		}
	}
	scale := float64(dpi) / 200
	for range 3 + rng.IntN(6) {
		cx, cy := rng.IntN(w), rng.IntN(h)
		rad := (2 + rng.Float64()*5) * scale
		v := uint8(20 + rng.IntN(60))
		for dy := -int(rad) - 1; dy <= int(rad)+1; dy++ {
			for dx := -int(rad) - 1; dx <= int(rad)+1; dx++ {
				if float64(dx*dx+dy*dy) <= rad*rad*(0.7+0.3*rng.Float64()) {
					dot(cx+dx, cy+dy, v)
				}
			}
		}
	}
	// The shadow of the lid along one edge.
	band := int((8 + rng.Float64()*25) * scale)
	edge := rng.IntN(4)
	for i := range band {
		f := float64(i) / float64(band) // 0 at the edge
		for j := 0; j < max(w, h); j++ {
			var x, y int
			switch edge {
			case 0:
				x, y = i, j
			case 1:
				x, y = w-1-i, j
			case 2:
				x, y = j, i
			default:
				x, y = j, h-1-i
			}
			if x >= w || y >= h {
				continue
			}
			for _, pl := range r.planes {
				pl[y*w+x] = uint8(float64(pl[y*w+x]) * (0.25 + 0.75*f))
			}
		}
	}
}
