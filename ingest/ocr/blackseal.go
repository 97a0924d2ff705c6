package ocr

import (
	"math"
	"slices"
)

// Seals on 1-bit scans. A page scanned in black and white (CCITT) has its
// red seal as black as the text: neither colour nor grey tells them apart,
// and tesseract, reading the ring and the star with the signature and the
// 成文日期 under them, reads neither (二〇一三年三月十二日 came back as
// 二久一三年三月十克昌, 澜江省人民政府 as 油江党人民政府). So a seal is found by
// its shape, a ring of ink 1–2.3 inches across that no text makes, and
// the ring and the solid star in its middle are whitened. Text crossing
// the ring loses the few pixels under it; the arc of the seal's own name
// inside the ring is left, a line of stray marks above the signature.

// Shapes of a black seal, as shares of its ring's radius.
const (
	starNear = 0.45 // the star's centre lies this near the ring's
	starMin  = 0.3  // the star is at least this wide and high …
	starMax  = 1.0  // … and at most this
	starFill = 0.3  // … and its ink fills this share of its box: solid, not strokes
)

// maxMidGrey is the most pixels of a 1-bit page, as a share, that may be
// neither near black nor near white: rendered at the scan's own
// resolution it has none. A grey page, where a seal as dark as the text
// is rare and its grey is dropGreySeals' to find, has a few hundredths.
const maxMidGrey = 0.001

// bilevel reports whether a grey page is a 1-bit scan.
func bilevel(img *raster) bool {
	mid := 0
	for _, v := range img.pix {
		if v > 63 && v < 192 {
			mid++
		}
	}
	return float64(mid) <= maxMidGrey*float64(len(img.pix))
}

// blob is an 8-connected shape of ink: its box and pixel count.
type blob struct {
	b box
	n int
}

// inkBlobs labels the 8-connected shapes of pixels darker than dark: the
// label of each pixel (0: paper) and the shapes, label i at index i-1.
func inkBlobs(img *raster, dark byte) ([]int32, []blob) {
	w, h := img.w, img.h
	lab := make([]int32, w*h)
	var blobs []blob
	var stack []int
	for start, v := range img.pix {
		if v >= dark || lab[start] != 0 {
			continue
		}
		id := int32(len(blobs) + 1)
		bl := blob{b: box{w, h, 0, 0}}
		lab[start] = id
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%w, i/w
			bl.n++
			bl.b.x0, bl.b.y0, bl.b.x1, bl.b.y1 = min(bl.b.x0, x), min(bl.b.y0, y), max(bl.b.x1, x+1), max(bl.b.y1, y+1)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					if j := ny*w + nx; img.pix[j] < dark && lab[j] == 0 {
						lab[j] = id
						stack = append(stack, j)
					}
				}
			}
		}
		blobs = append(blobs, bl)
	}
	return lab, blobs
}

// dropBlackSeals whitens the ring and star of each seal on a grey page at
// dpi whose seals are as dark as its text (see above), in place, and
// returns their boxes, in pixels.
func dropBlackSeals(img *raster, dpi int) []box {
	if img.ch != 1 || dpi <= 0 || !bilevel(img) {
		return nil
	}
	w, h := img.w, img.h
	lab, blobs := inkBlobs(img, 128)
	// A ring, or each arc of one broken where its ink ran thin, is far
	// larger than a character; text is not joined across lines.
	bigMin := dpi / 2
	big := make([]bool, len(blobs)+1)
	for i, bl := range blobs {
		bw, bh := bl.b.x1-bl.b.x0, bl.b.y1-bl.b.y0
		big[i+1] = max(bw, bh) >= bigMin && max(bw, bh) <= int(sealMax*float64(dpi))+bigMin
	}
	k := max(1, dpi/50) // pixels per cell, as dropGreySeals
	gw, gh := (w+k-1)/k, (h+k-1)/k
	cell := make([]bool, gw*gh)
	for i, l := range lab {
		if l != 0 && big[l] {
			cell[(i/w/k)*gw+(i%w)/k] = true
		}
	}
	cell = dilate(cell, gw, gh, 1)
	var seals []box
	for _, c := range rings(cell, gw, gh, k, dpi) {
		cx, cy, r := fitRing(lab, big, w, h, float64(c.x*k+k/2), float64(c.y*k+k/2), float64(c.r*k), 2*k)
		rim := rimWidth(img, lab, big, cx, cy, r, 2*k)
		px := box{max(0, int(cx-r-rim)), max(0, int(cy-r-rim)), min(w, int(cx+r+rim)+1), min(h, int(cy+r+rim)+1)}
		seals = append(seals, px)
		// The ring: ink of the large shapes within the rim's width of the
		// circle, a cell either side for the circle's own error.
		for y := px.y0; y < px.y1; y++ {
			for x := px.x0; x < px.x1; x++ {
				i := y*w + x
				if l := lab[i]; l != 0 && big[l] && math.Abs(math.Hypot(float64(x)-cx, float64(y)-cy)-r) <= rim/2+float64(k) {
					img.pix[i] = 255
				}
			}
		}
		// The star: a solid shape near the middle, larger than a
		// character's strokes fill.
		var stars []int32
		for i, bl := range blobs {
			bw, bh := float64(bl.b.x1-bl.b.x0), float64(bl.b.y1-bl.b.y0)
			mx, my := float64(bl.b.x0+bl.b.x1)/2, float64(bl.b.y0+bl.b.y1)/2
			if math.Hypot(mx-cx, my-cy) <= starNear*r && min(bw, bh) >= starMin*r && max(bw, bh) <= starMax*r &&
				float64(bl.n) >= starFill*bw*bh {
				stars = append(stars, int32(i+1))
			}
		}
		for _, id := range stars {
			openShape(img, lab, id, blobs[id-1].b, max(1, dpi/40))
		}
	}
	return seals
}

// fitRing refines a ring found on the grid to the pixel: the centre
// within slack of (cx, cy) and the radius within slack of r that put the
// most directions round the circle on the large shapes' ink.
func fitRing(lab []int32, big []bool, w, h int, cx, cy, r float64, slack int) (float64, float64, float64) {
	on := func(x, y float64) bool {
		xi, yi := int(math.Round(x)), int(math.Round(y))
		if xi < 0 || yi < 0 || xi >= w || yi >= h {
			return false
		}
		l := lab[yi*w+xi]
		return l != 0 && big[l]
	}
	const steps = 120
	var cos, sin [steps]float64
	for a := range steps {
		cos[a], sin[a] = math.Cos(2*math.Pi*float64(a)/steps), math.Sin(2*math.Pi*float64(a)/steps)
	}
	best, bx, by, br := -1, cx, cy, r
	for dy := -slack; dy <= slack; dy += 2 {
		for dx := -slack; dx <= slack; dx += 2 {
			for dr := -2 * slack; dr <= 2*slack; dr += 2 {
				x, y, rr := cx+float64(dx), cy+float64(dy), r+float64(dr)
				n := 0
				for a := range steps {
					if on(x+rr*cos[a], y+rr*sin[a]) {
						n++
					}
				}
				if n > best {
					best, bx, by, br = n, x, y, rr
				}
			}
		}
	}
	return bx, by, br
}

// starTips is how far a star's points reach beyond its solid core, as a
// share of the core's own reach from its centre: a five-pointed star's
// points lie at about 2.6 times its inner pentagon's radius, and the core
// (see openShape) reaches a little way into each arm.
const starTips = 1.8

// openShape whitens the solid part of shape id in box b: its pixels
// within s of a pixel whose whole square of side 2s+1 is the shape's ink
// (a morphological opening), and, for a star's points, thinner than the
// square, those within starTips of the core's reach from its centre. The
// strokes of a character joined to it further out stay.
func openShape(img *raster, lab []int32, id int32, b box, s int) {
	w := img.w
	bw, bh := b.x1-b.x0, b.y1-b.y0
	solid := func(x, y int) bool {
		for yy := y - s; yy <= y+s; yy++ {
			for xx := x - s; xx <= x+s; xx++ {
				if xx < b.x0 || yy < b.y0 || xx >= b.x1 || yy >= b.y1 || lab[yy*w+xx] != id {
					return false
				}
			}
		}
		return true
	}
	core := make([]bool, bw*bh)
	for y := b.y0; y < b.y1; y++ {
		for x := b.x0; x < b.x1; x++ {
			core[(y-b.y0)*bw+x-b.x0] = solid(x, y)
		}
	}
	var sx, sy, n float64
	for i, c := range core {
		if c {
			sx, sy, n = sx+float64(i%bw), sy+float64(i/bw), n+1
		}
	}
	if n == 0 {
		return
	}
	mx, my := sx/n, sy/n
	reach := 0.0
	for i, c := range core {
		if c {
			reach = max(reach, math.Hypot(float64(i%bw)-mx, float64(i/bw)-my))
		}
	}
	tips := starTips * (reach + float64(s))
	core = dilate(core, bw, bh, s)
	for y := b.y0; y < b.y1; y++ {
		for x := b.x0; x < b.x1; x++ {
			in := core[(y-b.y0)*bw+x-b.x0] || math.Hypot(float64(x-b.x0)-mx, float64(y-b.y0)-my) <= tips
			if i := y*w + x; lab[i] == id && in {
				img.pix[i] = 255
			}
		}
	}
}

// rimWidth measures the width of a ring centred at (cx, cy) of radius r,
// in pixels: the median, over directions round it, of the run of the
// large shapes' ink across the circle, looked for within slack of it.
func rimWidth(img *raster, lab []int32, big []bool, cx, cy, r float64, slack int) float64 {
	inked := func(x, y int) bool {
		if x < 0 || y < 0 || x >= img.w || y >= img.h {
			return false
		}
		l := lab[y*img.w+x]
		return l != 0 && big[l]
	}
	var runs []int
	for a := range 90 {
		th := 2 * math.Pi * float64(a) / 90
		cos, sin := math.Cos(th), math.Sin(th)
		run, best := 0, 0
		for d := -slack; d <= slack; d++ {
			x, y := int(math.Round(cx+(r+float64(d))*cos)), int(math.Round(cy+(r+float64(d))*sin))
			if inked(x, y) {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		if best > 0 {
			runs = append(runs, best)
		}
	}
	if len(runs) == 0 {
		return float64(slack)
	}
	slices.Sort(runs)
	return float64(runs[len(runs)/2])
}
