package typeset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/gazette-archive/gazette/ingest/typeset/ttf"
)

// sealInk is the red of seals and signature stamps: stamp-pad ink, lighter
// than printed red. Through degrade's tone curve it scans at a median RGB
// of 240–247, 82–103, 72–92 (grey 124–143), as the seals of the real
// colour scan in the corpus measure (median 246, 96, 86; grey 139); the
// saturated 0.85 0.1 0.12 it was scanned 30 levels darker in grey than
// any real seal, and black in 1-bit.
const sealInk = "0.95 0.52 0.48"

// sealOps draws a red seal centred at (cx, cy) (points from the top left)
// of radius r, with name around its upper rim and a star in the middle,
// turned by tilt degrees, as content-stream operators. Without a font the
// rim carries no text (a seal stamped too lightly to read).
func sealOps(f *ttf.Font, name string, cx, cy, r, tilt float64) string {
	var b strings.Builder
	py := pageH - cy
	fmt.Fprintf(&b, "q %s rg %s RG\n", sealInk, sealInk)
	rim := r * 0.045
	fmt.Fprintf(&b, "%.2f w ", rim)
	circle(&b, cx, py, r-rim/2)
	b.WriteString("S\n")
	star(&b, cx, py, r*0.3, tilt)
	b.WriteString("f\n")
	if f != nil {
		rs := []rune(name)
		n := len(rs)
		size := r * 0.3
		rt := r - rim - size*0.62 // the middle of the characters
		step := size * 1.02 / rt  // radians per character
		// The name runs over 180° to 260° of the rim, characters spread
		// out or narrowed to fit.
		sx := 1.0
		switch span := step * float64(n); {
		case span < math.Pi:
			step = math.Pi / float64(n)
		case span > 1.45*math.Pi:
			step = 1.45 * math.Pi / float64(n)
			sx = math.Max(0.62, step*rt/size)
		}
		start := math.Pi/2 + step*float64(n)/2 + tilt*math.Pi/180
		for i, ch := range rs {
			th := start - (float64(i)+0.5)*step
			phi := th - math.Pi/2
			cos, sin := math.Cos(phi), math.Sin(phi)
			a, bb, c, d := size*sx*cos, size*sx*sin, -size*sin, size*cos
			x, y := cx+rt*math.Cos(th), py+rt*math.Sin(th)
			// The glyph's middle (0.5, 0.38 em) lands on the rim point.
			e, g := x-(a*0.5+c*0.38), y-(bb*0.5+d*0.38)
			fmt.Fprintf(&b, "q %.4f %.4f %.4f %.4f %.2f %.2f cm\n", a, bb, c, d, e, g)
			glyphPath(&b, f.Outline(ch))
			b.WriteString("f Q\n")
		}
	}
	b.WriteString("Q\n")
	return b.String()
}

// glyphPath writes an outline (in ems) as path operators.
func glyphPath(b *strings.Builder, segs []ttf.Segment) {
	for _, s := range segs {
		switch s.Op {
		case 'M':
			fmt.Fprintf(b, "%.3f %.3f m ", s.P[0][0], s.P[0][1])
		case 'L':
			fmt.Fprintf(b, "%.3f %.3f l ", s.P[0][0], s.P[0][1])
		case 'C':
			fmt.Fprintf(b, "%.3f %.3f %.3f %.3f %.3f %.3f c ", s.P[0][0], s.P[0][1], s.P[1][0], s.P[1][1], s.P[2][0], s.P[2][1])
		}
	}
	b.WriteByte('\n')
}

// circle writes a closed circle path of radius r about (cx, cy), in PDF
// coordinates, from four Bézier arcs.
func circle(b *strings.Builder, cx, cy, r float64) {
	k := r * 0.5523
	fmt.Fprintf(b, "%.2f %.2f m ", cx+r, cy)
	fmt.Fprintf(b, "%.2f %.2f %.2f %.2f %.2f %.2f c ", cx+r, cy+k, cx+k, cy+r, cx, cy+r)
	fmt.Fprintf(b, "%.2f %.2f %.2f %.2f %.2f %.2f c ", cx-k, cy+r, cx-r, cy+k, cx-r, cy)
	fmt.Fprintf(b, "%.2f %.2f %.2f %.2f %.2f %.2f c ", cx-r, cy-k, cx-k, cy-r, cx, cy-r)
	fmt.Fprintf(b, "%.2f %.2f %.2f %.2f %.2f %.2f c h ", cx+k, cy-r, cx+r, cy-k, cx+r, cy)
}

// star writes a five-pointed star of outer radius r about (cx, cy), one
// point up (turned by tilt degrees), in PDF coordinates.
func star(b *strings.Builder, cx, cy, r, tilt float64) {
	for i := range 10 {
		rad := r
		if i%2 == 1 {
			rad = r * 0.382
		}
		th := math.Pi/2 + float64(i)*math.Pi/5 + tilt*math.Pi/180
		op := "l"
		if i == 0 {
			op = "m"
		}
		fmt.Fprintf(b, "%.2f %.2f %s ", cx+rad*math.Cos(th), cy+rad*math.Sin(th), op)
	}
	b.WriteString("h ")
}

// signatureOps draws a handwritten signature (a red 签名章) over the box
// from (x, y) (top left, points from the top left of the page) w wide and
// h high: a few joined loops of varying pen.
func signatureOps(rng *rand.Rand, x, y, w, h float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "q %s RG 1 J 1 j\n", sealInk)
	strokes := 2 + rng.IntN(2)
	for s := range strokes {
		x0 := x + w*float64(s)/float64(strokes)
		x1 := x + w*float64(s+1)/float64(strokes)
		pt := func(fx, fy float64) (float64, float64) {
			return x0 + (x1-x0)*fx, pageH - (y + h*fy)
		}
		fmt.Fprintf(&b, "%.2f w ", 1.2+rng.Float64()*1.2)
		px, py := pt(0, 0.3+rng.Float64()*0.5)
		fmt.Fprintf(&b, "%.2f %.2f m ", px, py)
		for range 3 + rng.IntN(3) {
			c1x, c1y := pt(rng.Float64(), rng.Float64()*1.2-0.1)
			c2x, c2y := pt(rng.Float64(), rng.Float64()*1.2-0.1)
			ex, ey := pt(rng.Float64(), 0.2+rng.Float64()*0.7)
			fmt.Fprintf(&b, "%.2f %.2f %.2f %.2f %.2f %.2f c ", c1x, c1y, c2x, c2y, ex, ey)
		}
		b.WriteString("S\n")
	}
	b.WriteString("Q\n")
	return b.String()
}
