package typeset

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/gazette-archive/gazette/ingest/typeset/pdfw"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// ErrNoRenderer is returned for Scan when poppler's pdftoppm is not
// installed (Debian: poppler-utils).
var ErrNoRenderer = errors.New("typeset: scan needs pdftoppm (apt-get install poppler-utils)")

// writeScan renders the issue set in IdentityH with pdftoppm, degrades
// every page like a scan and writes image-only pages.
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
	err = writePDF(ctx, f, pl, enc, opts.FakeBold)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("typeset: scan: %w", cerr)
	}
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, "-gray", "-r", strconv.Itoa(opts.ScanDPI), src, filepath.Join(dir, "p"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("typeset: scan: pdftoppm: %w: %s", err, bytes.TrimSpace(out))
	}
	files, err := filepath.Glob(filepath.Join(dir, "p-*.pgm"))
	if err != nil || len(files) != len(pl.sheets) {
		return fmt.Errorf("typeset: scan: pdftoppm made %d pages, want %d", len(files), len(pl.sheets))
	}
	sort.Strings(files) // pdftoppm zero-pads the page numbers
	pw := pdfw.New(w)
	catalog, pages, info := pw.Reserve(), pw.Reserve(), pw.Reserve()
	var kids []string
	var jb bytes.Buffer
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("typeset: %w", err)
		}
		img, err := readPGM(name)
		if err != nil {
			return err
		}
		os.Remove(name) // keep the temporary directory small on long files
		out := degrade(img, rng)
		jb.Reset()
		if err := jpeg.Encode(&jb, out, &jpeg.Options{Quality: 70}); err != nil {
			return fmt.Errorf("typeset: scan: jpeg: %w", err)
		}
		im, c, p := pw.Reserve(), pw.Reserve(), pw.Reserve()
		b := out.Bounds()
		pw.Stream(im, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", b.Dx(), b.Dy()), jb.Bytes(), false)
		pw.Stream(c, "", fmt.Appendf(nil, "q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q\n", pageW, pageH), false)
		pw.Object(p, fmt.Sprintf("<< /Type /Page /Parent %s /MediaBox [0 0 %.2f %.2f] /Resources << /XObject << /Im0 %s >> /ProcSet [/PDF /ImageB] >> /Contents %s >>", pages, pageW, pageH, im, c))
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

// readPGM reads a binary (P5) 8-bit PGM file as pdftoppm -gray writes it.
func readPGM(name string) (*image.Gray, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("typeset: scan: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var magic string
	var w, h, maxv int
	if _, err := fmt.Fscan(r, &magic, &w, &h, &maxv); err != nil || magic != "P5" || maxv != 255 || w <= 0 || h <= 0 || w*h > 1<<28 {
		return nil, fmt.Errorf("typeset: scan: %s: not an 8-bit P5 PGM", name)
	}
	if _, err := r.ReadByte(); err != nil { // the single whitespace after the header
		return nil, fmt.Errorf("typeset: scan: %s: %w", name, err)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		return nil, fmt.Errorf("typeset: scan: %s: %w", name, err)
	}
	return img, nil
}

// degrade makes a clean rendering look scanned: a slight rotation (up to
// ±1.5°), a soft blur, a contrast and brightness change, sensor noise and
// a few specks.
func degrade(src *image.Gray, rng *rand.Rand) *image.Gray {
	b := src.Bounds()
	theta := (rng.Float64()*3 - 1.5) * math.Pi / 180
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	sin, cos := math.Sin(theta), math.Cos(theta)
	rot := image.NewGray(b)
	for i := range rot.Pix {
		rot.Pix[i] = 255
	}
	// Rotation about the centre: translate, rotate, translate back.
	m := f64.Aff3{cos, -sin, cx - cos*cx + sin*cy, sin, cos, cy - sin*cx - cos*cy}
	draw.BiLinear.Transform(rot, m, src, b, draw.Over, nil)
	contrast := 0.8 + rng.Float64()*0.3
	bright := 10 + rng.Float64()*20
	sigma := 6 + rng.Float64()*6
	out := image.NewGray(b)
	w := b.Dx()
	for y := range b.Dy() {
		for x := range w {
			// 3×3 blur with a heavier centre.
			sum, n := 0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx < 0 || yy < 0 || xx >= w || yy >= b.Dy() {
						continue
					}
					k := 1
					if dx == 0 && dy == 0 {
						k = 4
					}
					sum += k * int(rot.Pix[yy*rot.Stride+xx])
					n += k
				}
			}
			v := (float64(sum)/float64(n)-128)*contrast + 128 + bright + rng.NormFloat64()*sigma
			out.SetGray(x, y, color.Gray{Y: uint8(math.Max(0, math.Min(255, v)))})
		}
	}
	for range 20 + rng.IntN(60) {
		x, y := rng.IntN(w), rng.IntN(b.Dy())
		for k := range 1 + rng.IntN(3) {
			if x+k < w {
				out.Pix[y*out.Stride+x+k] = uint8(rng.IntN(90))
			}
		}
	}
	return out
}
