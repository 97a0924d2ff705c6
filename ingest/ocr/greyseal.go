package ocr

import "math"

// Seals on grey scans. A page scanned in grey (or a colour page whose red
// was lost) has no red to drop, but a seal's stamp-pad ink still scans
// lighter than the black text under it: the seals of the real colour scan
// in the corpus measure grey 139 on paper of 255, its text's ink a median
// of 84. Read as it is, tesseract binarises the seal with the text and
// reads neither the signature nor the date beneath it. So seals are found
// by their shape, a ring of mid-grey ink, and within each the ink as light
// as the seal's is whitened, except strokes that join dark text. A thin
// stroke as light as the seal and apart from any dark one (the 〇 of a
// date in light print) is lost with it.

// Levels of a grey page, as shares of its paper level (the median pixel).
const (
	greyDark    = 0.36 // text: darker than this
	greyInkLow  = 0.40 // seal ink: from this …
	greyInkHigh = 0.80 // … to this (the back of the sheet showing through is lighter)
)

// sealMax is the widest a seal is, in inches (official ones are 1.4–1.8).
const sealMax = 2.3

// dropGreySeals whitens the seals of a grey page at dpi in place (see
// above) and returns their boxes, in pixels.
func dropGreySeals(img *raster, dpi int) []box {
	if img.ch != 1 || dpi <= 0 {
		return nil
	}
	w, h := img.w, img.h
	paper := median(img.pix)
	if paper < 128 {
		return nil // a dark page: no paper to measure the ink against
	}
	dark := byte(float64(paper) * greyDark)
	lo, hi := byte(float64(paper)*greyInkLow), byte(float64(paper)*greyInkHigh)
	// Mid-grey pixels more than reach pixels from any dark one: the grey
	// edges of black strokes are not seal ink.
	reach := max(1, dpi/100)
	near := nearDark(img, dark, reach)
	ink := make([]bool, w*h)
	for i, v := range img.pix {
		ink[i] = v >= lo && v <= hi && !near[i]
	}
	k := max(1, dpi/50) // pixels per cell, as dropSeals
	gw, gh := (w+k-1)/k, (h+k-1)/k
	counts := make([]int, gw*gh)
	for y := range h {
		for x := range w {
			if ink[y*w+x] {
				counts[(y/k)*gw+x/k]++
			}
		}
	}
	cell := make([]bool, gw*gh)
	for i, c := range counts {
		cell[i] = 3*c >= k*k // a third of the cell: a rim, not a speck or a stroke's edge
	}
	// The rim is broken where text crosses it (the text's edges are not
	// counted): joined across gaps of up to two cells.
	cell = dilate(cell, gw, gh, 2)
	var seals []box
	for _, c := range rings(cell, gw, gh, k, dpi) {
		// Pixels within the rim's outer edge, the rim's own width added.
		x0, y0 := float64(c.x*k+k/2), float64(c.y*k+k/2)
		r := float64((c.r+2)*k) + float64(k)
		px := box{max(0, int(x0-r)), max(0, int(y0-r)), min(w, int(x0+r)+1), min(h, int(y0+r)+1)}
		seals = append(seals, px)
		var hist [256]int
		for y := px.y0; y < px.y1; y++ {
			for x := px.x0; x < px.x1; x++ {
				dx, dy := float64(x)-x0, float64(y)-y0
				if i := y*w + x; ink[i] && dx*dx+dy*dy <= r*r {
					hist[img.pix[i]]++
				}
			}
		}
		// The seal's own ink is lighter than the text under it. Only the
		// text's strokes are kept: its dark pixels, and the thin strokes
		// as light as the seal's ink that join them. Anything else
		// within the rim goes, dark specks of the seal's own ink too: left
		// as a speckled ring and star, they made tesseract take the
		// signature and date for a picture and read neither.
		keep := grow(img, px, dark, byte(percentile(hist[:], 0.5)), 3*reach)
		for y := px.y0; y < px.y1; y++ {
			for x := px.x0; x < px.x1; x++ {
				dx, dy := float64(x)-x0, float64(y)-y0
				if i := y*w + x; !keep[(y-px.y0)*(px.x1-px.x0)+x-px.x0] && dx*dx+dy*dy <= r*r {
					img.pix[i] = 255
				}
			}
		}
	}
	return seals
}

// rings finds the seals' rims on a grid of cells of k pixels of a page
// at dpi: circles as wide as seals are that set cells ring (see findRing).
func rings(cell []bool, gw, gh, k, dpi int) []ring {
	perInch := float64(dpi) / float64(k)
	rmin, rmax := int(sealMin/2*perInch), int(sealMax/2*perInch+0.5)
	var out []ring
	for _, b := range components(cell, gw, gh) {
		if b.x1-b.x0 < 2*rmin || b.y1-b.y0 < 2*rmin {
			continue
		}
		if c, ok := findRing(cell, gw, b, rmin, rmax); ok {
			out = append(out, c)
		}
	}
	return out
}

// ring is a circle on the grid: its centre and radius, in cells.
type ring struct{ x, y, r int }

// ringShare is the share of a circle's way round that must be set for it
// to be a seal's rim: a block of text as large is not ringed.
const ringShare = 0.8

// findRing finds the circle of radius rmin to rmax cells, centred in box b
// of the grid, that the most set cells lie on, and reports whether they
// ring it (ringShare of its way round, within a cell of it).
func findRing(cell []bool, gw int, b box, rmin, rmax int) (ring, bool) {
	on := func(x, y int) bool {
		return x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1 && cell[y*gw+x]
	}
	share := func(c ring, steps int) float64 {
		hits := 0
		for i := range steps {
			th := 2 * math.Pi * float64(i) / float64(steps)
			fx, fy := float64(c.x)+math.Cos(th)*float64(c.r), float64(c.y)+math.Sin(th)*float64(c.r)
			x, y := int(math.Round(fx)), int(math.Round(fy))
			if on(x, y) || on(x+1, y) || on(x-1, y) || on(x, y+1) || on(x, y-1) {
				hits++
			}
		}
		return float64(hits) / float64(steps)
	}
	best, bestShare := ring{}, 0.0
	for r := rmin; r <= rmax; r++ {
		for y := b.y0 + r; y < b.y1-r; y++ {
			for x := b.x0 + r; x < b.x1-r; x++ {
				c := ring{x, y, r}
				// A quick look round first: most centres are far off.
				if share(c, 16) < ringShare-0.1 {
					continue
				}
				// Of rings as well covered, the largest: the rim, not
				// the characters inside it.
				if s := share(c, 90); s >= ringShare && s >= bestShare-0.02 {
					if s > bestShare {
						bestShare = s
					}
					if r >= best.r {
						best = c
					}
				}
			}
		}
	}
	return best, bestShare >= ringShare
}

// nearDark marks every pixel within reach (a square) of a pixel darker
// than dark.
func nearDark(img *raster, dark byte, reach int) []bool {
	w, h := img.w, img.h
	// Rows first, then columns: a square dilation in two passes.
	row := make([]bool, w*h)
	for y := range h {
		last := -1 << 30 // the last dark x
		for x := range w {
			if img.pix[y*w+x] < dark {
				last = x
			}
			if x-last <= reach {
				row[y*w+x] = true
			}
		}
		next := 1 << 30
		for x := w - 1; x >= 0; x-- {
			if img.pix[y*w+x] < dark {
				next = x
			}
			if next-x <= reach {
				row[y*w+x] = true
			}
		}
	}
	out := make([]bool, w*h)
	for x := range w {
		last := -1 << 30
		for y := range h {
			if row[y*w+x] {
				last = y
			}
			if y-last <= reach {
				out[y*w+x] = true
			}
		}
		next := 1 << 30
		for y := h - 1; y >= 0; y-- {
			if row[y*w+x] {
				next = y
			}
			if next-y <= reach {
				out[y*w+x] = true
			}
		}
	}
	return out
}

// dilate sets every cell of a gw×gh grid within d cells (a square) of a
// set one.
func dilate(cell []bool, gw, gh, d int) []bool {
	out := make([]bool, len(cell))
	for y := range gh {
		for x := range gw {
			if !cell[y*gw+x] {
				continue
			}
			for yy := max(0, y-d); yy <= min(gh-1, y+d); yy++ {
				for xx := max(0, x-d); xx <= min(gw-1, x+d); xx++ {
					out[yy*gw+xx] = true
				}
			}
		}
	}
	return out
}

// grow marks, in box b of img, the pixels of dark strokes and the pixels
// darker than through that lie within steps (8-connected) of them through
// such pixels: the strokes that join dark text. A pixel of a dark stroke
// is darker than seed, as are at least minStroke of its 8 neighbours: a
// speck of noise in the seal's ink is not one. The marks are b's rows.
func grow(img *raster, b box, seed, through byte, steps int) []bool {
	bw, bh := b.x1-b.x0, b.y1-b.y0
	mark := make([]bool, bw*bh)
	dark := func(x, y int) bool {
		return x >= 0 && y >= 0 && x < img.w && y < img.h && img.pix[y*img.w+x] < seed
	}
	var front []int
	for y := range bh {
		for x := range bw {
			gx, gy := b.x0+x, b.y0+y
			if !dark(gx, gy) {
				continue
			}
			n := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if (dx != 0 || dy != 0) && dark(gx+dx, gy+dy) {
						n++
					}
				}
			}
			if n >= minStroke {
				mark[y*bw+x] = true
				front = append(front, y*bw+x)
			}
		}
	}
	for range steps {
		var next []int
		for _, i := range front {
			x, y := i%bw, i/bw
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= bw || ny >= bh || mark[ny*bw+nx] {
						continue
					}
					if img.pix[(b.y0+ny)*img.w+b.x0+nx] < through {
						mark[ny*bw+nx] = true
						next = append(next, ny*bw+nx)
					}
				}
			}
		}
		front = next
	}
	return mark
}

// minStroke is how many of its 8 neighbours a pixel of a dark stroke has
// as dark as itself: two along a hairline 1 pixel thick (the horizontals
// of 一 and 三 in 仿宋 at 200 dpi, lost with 3), where a speck of noise
// has none or one.
const minStroke = 2

// percentile is the level below which share q of a histogram's samples lie.
func percentile(hist []int, q float64) int {
	n := 0
	for _, c := range hist {
		n += c
	}
	seen := 0
	for v, c := range hist {
		seen += c
		if float64(seen) >= q*float64(n) {
			return v
		}
	}
	return len(hist) - 1
}

// median is the middle sample of pix.
func median(pix []byte) byte {
	var hist [256]int
	for _, v := range pix {
		hist[v]++
	}
	n := 0
	for v, c := range hist {
		n += c
		if 2*n >= len(pix) {
			return byte(v)
		}
	}
	return 255
}
