package ocr

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Dot leaders. A table of contents joins each title to its page number
// with a row of dots. On a scan with black ink, tesseract takes the row,
// the title's last character and the number for one wide word it is unsure
// of (法……3 read as 本, confidence 0), which dropLeaders then drops with
// the title's end and the page number in it. So rows of dots are found in
// the image and whitened, and the page is read again: the title then ends
// clean. The numbers are cut out and read apart (see readNumbers): left
// standing alone at the margin, tesseract's layout analysis drops them as
// specks, and read as one block it misread a lone 3 as 8 and 7 as 多.

// Sizes of a leader dot and its row, in inches: a dot of 10–16 pt type is
// about 0.015–0.03 in across, dots of a row are 0.03–0.1 in apart.
const (
	leaderDotMax = 0.045 // a dot is at most this wide and high
	leaderGapMax = 0.12  // dots of a row are at most this far apart, centre to centre
	// leaderMinDots is the fewest dots of a row: more than the six of an
	// ellipsis (……), which is text.
	leaderMinDots = 7
)

// leaderRow is a row of leader dots, in pixels.
type leaderRow struct {
	box      // around its dots
	base int // the dots' bottom, their median: the baseline of the line
	// end is the bottom of its last dots, their median: the baseline
	// where its page number stands, which on a skewed scan lies a dot's
	// height or more from base.
	end int
	dot int // a dot's height, the median
}

// dropLeaderDots whitens the rows of leader dots of a grey page at dpi in
// place and returns them.
func dropLeaderDots(img *raster, dpi int) []leaderRow {
	if img.ch != 1 || dpi <= 0 {
		return nil
	}
	paper := median(img.pix)
	if paper < 128 {
		return nil // a dark page: no paper to tell dots from
	}
	dark := byte(float64(paper) * greyInkHigh)
	cell := make([]bool, len(img.pix))
	for i, v := range img.pix {
		cell[i] = v < dark
	}
	maxDot := max(2, int(leaderDotMax*float64(dpi)+0.5))
	var dots []box
	for _, b := range components(cell, img.w, img.h) {
		w, h := b.x1-b.x0, b.y1-b.y0
		// Round or square, and more than a pixel of noise.
		if w <= maxDot && h <= maxDot && w*h >= 4 && max(w, h) <= 2*min(w, h)+1 {
			dots = append(dots, b)
		}
	}
	// Rows: from its leftmost dot, each next dot the nearest to the right
	// that is near enough and on the level of the one before (so that a
	// skewed scan's row still holds together).
	slices.SortFunc(dots, func(a, b box) int { return a.x0 - b.x0 })
	gap := int(leaderGapMax * float64(dpi))
	level := maxDot/2 + 2 // in twice the pixels, as centres are compared doubled
	used := make([]bool, len(dots))
	var rows []leaderRow
	for i := range dots {
		if used[i] {
			continue
		}
		row := []int{i}
		for {
			at := row[len(row)-1]
			last := dots[at]
			next := -1
			for k := at + 1; k < len(dots) && dots[k].x0-last.x0 <= gap; k++ {
				d := dots[k]
				dy := (d.y0 + d.y1) - (last.y0 + last.y1)
				if used[k] || d.x0 <= last.x0 || dy > level || -dy > level {
					continue
				}
				if next < 0 || d.x0 < dots[next].x0 {
					next = k
				}
			}
			if next < 0 {
				break
			}
			row = append(row, next)
		}
		row = trimRow(dots, row)
		if len(row) < leaderMinDots || !even(dots, row) {
			continue
		}
		r := leaderRow{box: dots[row[0]]}
		var bases, heights []int
		for _, k := range row {
			used[k] = true
			d := dots[k]
			r.box = box{min(r.x0, d.x0), min(r.y0, d.y0), max(r.x1, d.x1), max(r.y1, d.y1)}
			bases, heights = append(bases, d.y1), append(heights, d.y1-d.y0)
			whiten(img, d, paper)
		}
		last := slices.Clone(bases[len(bases)-endDots:])
		slices.Sort(last)
		slices.Sort(bases)
		slices.Sort(heights)
		r.base, r.end, r.dot = bases[len(bases)/2], last[len(last)/2], heights[len(heights)/2]
		rows = append(rows, r)
	}
	return rows
}

// endDots is how many dots at a row's right end give its baseline there
// (leaderRow.end): a few, so that one speck does not move it.
const endDots = 5

// trimRow drops from the ends of a row the shapes set off its dots' pitch
// by more than a pixel or two: a printed row's dots are evenly set, and
// a shape at either end that is not is a piece of the title's last
// character or of the page number's (the bowl of a 5, on the baseline
// as dots are), which is not to be whitened with them.
func trimRow(dots []box, row []int) []int {
	for len(row) >= leaderMinDots {
		gaps, med := pitch(dots, row)
		tol := max(2, med/6)
		off := func(g int) bool { return g-med > tol || med-g > tol }
		switch {
		case off(gaps[len(gaps)-1]):
			row = row[:len(row)-1]
		case off(gaps[0]):
			row = row[1:]
		default:
			return row
		}
	}
	return row
}

// pitch returns the gaps between the dots of a row (of two or more), left
// edge to left edge, and their median.
func pitch(dots []box, row []int) ([]int, int) {
	gaps := make([]int, 0, len(row)-1)
	for k := 1; k < len(row); k++ {
		gaps = append(gaps, dots[row[k]].x0-dots[row[k-1]].x0)
	}
	s := slices.Clone(gaps)
	slices.Sort(s)
	return gaps, s[len(s)/2]
}

// even reports whether the dots of a row are evenly spaced, as leaders
// are: no gap more than half again the median one, nor under half of it.
func even(dots []box, row []int) bool {
	gaps, med := pitch(dots, row)
	for _, g := range gaps {
		if 2*g > 3*med || 2*g < med {
			return false
		}
	}
	return true
}

// whiten paints a box and a pixel around it (the dot's grey edge) the
// paper's level.
func whiten(img *raster, b box, paper byte) {
	for y := max(0, b.y0-1); y < min(img.h, b.y1+1); y++ {
		row := img.pix[y*img.w : (y+1)*img.w]
		for x := max(0, b.x0-1); x < min(img.w, b.x1+1); x++ {
			row[x] = paper
		}
	}
}

// leaderNumberReach is how far right of its leaders a page number may
// end, in inches.
const leaderNumberReach = 0.6

// cutLeaderNumbers cuts out of a grey page at dpi the page number after
// each row of leader dots (boxes in pixels), whitening it in the page:
// the ink right of the row, within leaderNumberReach, that stands on the
// row's baseline. A row with none gets nil.
func cutLeaderNumbers(img *raster, rows []leaderRow, dpi int) []*raster {
	paper := median(img.pix)
	dark := byte(float64(paper) * greyInkHigh)
	reach := int(leaderNumberReach * float64(dpi))
	out := make([]*raster, len(rows))
	for i, r := range rows {
		// The band a number could stand in: its shapes are those whose
		// bottom is on the row's baseline, taller than a dot. A CJK
		// face sets the dots of … a little above the baseline, so a
		// digit's foot may lie up to some two dots' height below them.
		h, base := r.dot, r.end
		below := 3*h + 2
		band := box{r.x1 + 1, max(0, base-int(0.3*float64(dpi))), min(img.w, r.x1+reach), min(img.h, base+below+1)}
		if band.x0 >= band.x1 || band.y0 >= band.y1 {
			continue
		}
		bw, bh := band.x1-band.x0, band.y1-band.y0
		cell := make([]bool, bw*bh)
		for y := range bh {
			for x := range bw {
				cell[y*bw+x] = img.pix[(band.y0+y)*img.w+band.x0+x] < dark
			}
		}
		num, tall := box{bw, bh, 0, 0}, 0
		cs := components(cell, bw, bh)
		for _, c := range cs {
			if d := band.y0 + c.y1 - base; d > below || -d > 2*h+1 || c.y1-c.y0 < 2*h {
				continue // not on the baseline, or a speck
			}
			num = box{min(num.x0, c.x0), min(num.y0, c.y0), max(num.x1, c.x1), max(num.y1, c.y1)}
			tall = max(tall, c.y1-c.y0)
		}
		if num.x0 >= num.x1 {
			continue
		}
		// Strokes of the digits that do not reach the baseline (the bar
		// of a 5 in a thin face): over the number, lower than the line
		// above could reach.
		for _, c := range cs {
			if c.x1 > num.x0 && c.x0 < num.x1 && band.y0+c.y1 >= base-tall*6/5 && c.y1 <= num.y1 {
				num = box{min(num.x0, c.x0), min(num.y0, c.y0), max(num.x1, c.x1), num.y1}
			}
		}
		const margin = 3
		num = box{max(0, num.x0-margin) + band.x0, max(0, num.y0-margin) + band.y0, min(bw, num.x1+margin) + band.x0, min(bh, num.y1+margin) + band.y0}
		crop := &raster{w: num.x1 - num.x0, h: num.y1 - num.y0, ch: 1}
		crop.pix = make([]byte, crop.w*crop.h)
		for y := range crop.h {
			row := img.pix[(num.y0+y)*img.w+num.x0 : (num.y0+y)*img.w+num.x1]
			copy(crop.pix[y*crop.w:], row)
			for x := range row {
				row[x] = paper
			}
		}
		out[i] = crop
	}
	return out
}

// readNumbers reads the numbers cut by cutLeaderNumbers, digits only; ""
// where a number was not read.
//
// Digits of body type are some 20 pixels high at 200 dpi, small for
// tesseract, which lost a lone 7 of them; at twice the size it reads
// them all, mostly: a seriffed 1 and 2 of a skewed scan it lost enlarged
// and read at their own size. So the numbers the enlarged strip did not
// give are read again from the strip at its own size.
func (e *Engine) readNumbers(ctx context.Context, dir string, nums []*raster, dpi int) ([]string, error) {
	out := make([]string, len(nums))
	strip, tops := stack(nums, dpi/10)
	if strip == nil {
		return out, nil
	}
	for _, k := range []int{max(1, 400/dpi), 1} {
		missing := false
		for i, n := range nums {
			missing = missing || n != nil && out[i] == ""
		}
		if !missing {
			break
		}
		texts, err := e.readStrip(ctx, dir, strip, tops, nums, dpi, k)
		if err != nil {
			return nil, err
		}
		for i, t := range texts {
			if out[i] == "" {
				out[i] = t
			}
		}
		if k == 1 {
			break
		}
	}
	return out, nil
}

// readStrip reads the strip of numbers (see stack) enlarged k times, and
// returns what it read of each.
func (e *Engine) readStrip(ctx context.Context, dir string, strip *raster, tops []int, nums []*raster, dpi, k int) ([]string, error) {
	file := filepath.Join(dir, "numbers.pgm")
	if err := os.WriteFile(file, strip.enlarge(k).pgm(), 0o600); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	tsv, err := run(ctx, e.lim, env, e.tesseract, file, "stdout", "-l", e.digitLang, "--psm", "6", "--dpi", strconv.Itoa(k*dpi),
		"-c", "tessedit_char_whitelist=0123456789", "tsv")
	if err != nil {
		return nil, err
	}
	q, err := parseTSV(tsv, float64(k*dpi), nil)
	if err != nil {
		return nil, err
	}
	// Each line read goes to the number whose place holds its middle.
	out := make([]string, len(nums))
	px := float64(dpi) / 72
	for _, l := range q.Lines {
		mid := int((l.Y - l.Size/2) * px)
		for i, n := range nums {
			if n != nil && mid >= tops[i] && mid < tops[i]+n.h {
				out[i] += strings.ReplaceAll(l.Text, " ", "")
			}
		}
	}
	return out, nil
}

// stack sets grey rasters one under another on white, pad pixels apart
// and from the edges, and returns the image and the top of each (nil ones
// left out); nil when all are.
func stack(imgs []*raster, pad int) (*raster, []int) {
	w, h := 0, pad
	for _, n := range imgs {
		if n != nil {
			w, h = max(w, n.w), h+n.h+pad
		}
	}
	if w == 0 {
		return nil, nil
	}
	w += 2 * pad
	out := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	for i := range out.pix {
		out.pix[i] = 255
	}
	tops := make([]int, len(imgs))
	y := pad
	for i, n := range imgs {
		if n == nil {
			continue
		}
		tops[i] = y
		for r := range n.h {
			copy(out.pix[(y+r)*w+pad:], n.pix[r*n.w:(r+1)*n.w])
		}
		y += n.h + pad
	}
	return out, tops
}

// withLeaderNumbers puts at the end of p's lines the page numbers read
// apart (texts, one per row of leaders, boxes in pixels at dpi): each at
// the end of the line on its row's level that starts left of the row,
// after a space where the leaders were, or the leaders (……) where no
// number was read. A number whose title line p did not read is left out:
// it would name no entry. It returns how many numbers it put back.
func withLeaderNumbers(p *page.Page, rows []leaderRow, texts []string, dpi int) int {
	pt := 72 / float64(dpi)
	put := 0
	for i, r := range rows {
		num := " " + texts[i]
		if texts[i] == "" || len(texts[i]) > 4 {
			// No number read (a thin digit the scan broke): the line
			// keeps the leaders it printed, so that it still reads as an
			// entry that ends there.
			num = "……"
		}
		// Leader dots sit on the baseline: a line is on the row's level
		// when the row's bottom lies within its box (the box's bottom
		// goes lower by a dot or two where brackets descend), and the
		// nearest such line to its bottom is the row's.
		base, x0 := float64(r.base)*pt, float64(r.x0)*pt
		slack := 2 * float64(r.dot) * pt
		at := -1
		for k, l := range p.Lines {
			if base < l.Y-l.Size || base > l.Y+slack || l.X >= x0 {
				continue
			}
			if at < 0 || abs64(l.Y-base) < abs64(p.Lines[at].Y-base) {
				at = k
			}
		}
		if at < 0 {
			continue
		}
		l := &p.Lines[at]
		if last := strings.TrimRight(l.Text, " "); num == "……" && last != "" && last[len(last)-1] >= '0' && last[len(last)-1] <= '9' {
			continue // the page read it, where the cut missed the number
		}
		l.Text = strings.TrimRight(l.Text, " ") + num
		l.W = max(l.W, float64(r.x1)*pt-l.X)
		if num != "……" {
			put++
		}
	}
	return put
}

func abs64(f float64) float64 { return max(f, -f) }
