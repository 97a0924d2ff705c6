package ocr

// Red ink. A government original (GB/T 9704) prints the issuer's heading
// (发文机关标志) and the rule under the 文号 in red, and its seals are red
// over the black signature and date. Read as grey, a seal's ink is as dark
// as the text beneath it and tesseract reads neither. Taken apart by
// colour, the black text reads clean and the red heading reads on its own.

// inks is a colour page taken apart by its ink.
type inks struct {
	// black is the page in grey with the red ink dropped out to paper.
	black *raster
	// red is the red ink that is worth reading as text (headings, red
	// lines of text), black on white; nil when there is none. Seals and
	// long rules are left out of it.
	red *raster
	// redPixels counts the pixels of red ink; seals the seals found.
	redPixels, seals int
}

// Thresholds of red ink, on 8-bit RGB. A pixel is red when its red sample
// stands well above both others and is itself bright enough not to be
// black ink under red: seal ink on a scan measures about R 200–240 with
// G and B 60–140, its pale edges R 240 with G and B 20–50 below; black
// text through a seal stays under R 100.
const (
	redExcessLow  = 12  // R − max(G, B) at which a pixel starts to count as red
	redExcessHigh = 40  // … and at which it is fully red
	redLevelLow   = 90  // R at which a pixel starts to count as red
	redLevelHigh  = 140 // … and at which it is fully red
)

// redness is how surely a pixel is red ink, 0 to 256.
func redness(r, g, b byte) int {
	ex := int(r) - int(max(g, b))
	if ex <= redExcessLow || int(r) <= redLevelLow {
		return 0
	}
	we := min(256, (ex-redExcessLow)*256/(redExcessHigh-redExcessLow))
	wl := min(256, (int(r)-redLevelLow)*256/(redLevelHigh-redLevelLow))
	return we * wl / 256
}

// minRedShare is the share of a page's pixels that must be red before the
// page is taken apart: below it, red specks of a colour scan's noise.
const minRedShare = 0.0003

// separateInks takes a colour raster apart into black and red ink at dpi.
// It returns ok false for a grey raster and for a page without red ink:
// those are read as they are.
func separateInks(img *raster, dpi int) (inks, bool) {
	if img.ch != 3 {
		return inks{}, false
	}
	n := img.w * img.h
	wt := make([]uint16, n) // redness of each pixel
	var count int
	for i := range n {
		p := img.pix[3*i : 3*i+3]
		if w := redness(p[0], p[1], p[2]); w > 0 {
			wt[i] = uint16(w)
			if w >= 128 {
				count++
			}
		}
	}
	if float64(count) < minRedShare*float64(n) {
		return inks{}, false
	}
	out := inks{redPixels: count}
	black := &raster{w: img.w, h: img.h, ch: 1, pix: make([]byte, n)}
	red := &raster{w: img.w, h: img.h, ch: 1, pix: make([]byte, n)}
	for i := range n {
		p := img.pix[3*i : 3*i+3]
		w := int(wt[i])
		// Red ink is as light as paper in the red channel, and black ink
		// as dark there as anywhere: a scanner's red dropout. Black
		// strokes over a seal keep their full width, where whitening
		// the pixel by its redness ate their reddened edges. Elsewhere
		// the pixel's luminance.
		if w > 0 {
			black.pix[i] = p[0]
		} else {
			black.pix[i] = byte((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2]) + 500) / 1000)
		}
		red.pix[i] = byte(255 - 255*w/256)
	}
	out.black = black
	seals := dropSeals(red, wt, dpi)
	out.seals = len(seals)
	// Within a seal, what is left pale is the seal's own ink: only text
	// is dark there.
	for _, b := range seals {
		for y := b.y0; y < b.y1; y++ {
			row := black.pix[y*black.w : (y+1)*black.w]
			for x := b.x0; x < b.x1; x++ {
				if row[x] >= sealPale {
					row[x] = 255
				}
			}
		}
	}
	// What is left of the red after seals and rules: worth reading only
	// when there is a fair amount of it.
	left := 0
	for _, v := range red.pix {
		if v < 128 {
			left++
		}
	}
	if float64(left) >= minRedShare*float64(n) {
		out.red = red
	}
	return out, true
}

// Shapes of red ink, in inches.
const (
	sealMin    = 1.0  // a seal is at least this wide and high (official ones are 1.4–1.8)
	sealAspect = 1.45 // … and no more oblong than this (round, oval or square)
	ruleMin    = 1.5  // a rule is at least this long …
	ruleMax    = 0.08 // … and at most this thick
)

// sealPale is the level (of the red channel) from which a pixel inside a
// seal is taken for the seal's ink, not the text under it: seal ink
// measures about 200–240 there, the edges of black strokes less.
const sealPale = 195

// dropSeals whitens in red (the red ink, black on white) every seal and
// every long rule, found as connected shapes of red ink on a grid of about
// 50 cells an inch, so that ink broken by the black text across it still
// joins. wt is each pixel's redness. It returns the seals' boxes, in
// pixels.
func dropSeals(red *raster, wt []uint16, dpi int) []box {
	k := max(1, dpi/50) // pixels per cell
	gw, gh := (red.w+k-1)/k, (red.h+k-1)/k
	cell := make([]bool, gw*gh)
	for y := range red.h {
		row := wt[y*red.w : (y+1)*red.w]
		for x, w := range row {
			if w >= 128 {
				cell[(y/k)*gw+x/k] = true
			}
		}
	}
	perInch := float64(dpi) / float64(k)
	var seals []box
	for _, b := range components(cell, gw, gh) {
		w, h := float64(b.x1-b.x0)/perInch, float64(b.y1-b.y0)/perInch
		seal := w >= sealMin && h >= sealMin && max(w, h)/min(w, h) <= sealAspect
		rule := max(w, h) >= ruleMin && min(w, h) <= ruleMax
		if !seal && !rule {
			continue
		}
		px := box{b.x0 * k, b.y0 * k, min(red.w, b.x1*k), min(red.h, b.y1*k)}
		if seal {
			seals = append(seals, px)
		}
		for y := px.y0; y < px.y1; y++ {
			row := red.pix[y*red.w : (y+1)*red.w]
			for x := px.x0; x < px.x1; x++ {
				row[x] = 255
			}
		}
	}
	return seals
}

// box is the bounding box of a connected shape on a grid, ends exclusive.
type box struct{ x0, y0, x1, y1 int }

// components returns the bounding boxes of the 8-connected shapes of set
// cells of a gw×gh grid.
func components(cell []bool, gw, gh int) []box {
	seen := make([]bool, len(cell))
	var out []box
	var stack []int
	for start, on := range cell {
		if !on || seen[start] {
			continue
		}
		b := box{gw, gh, 0, 0}
		seen[start] = true
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%gw, i/gw
			b.x0, b.y0, b.x1, b.y1 = min(b.x0, x), min(b.y0, y), max(b.x1, x+1), max(b.y1, y+1)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= gw || ny >= gh {
						continue
					}
					if j := ny*gw + nx; cell[j] && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		out = append(out, b)
	}
	return out
}
