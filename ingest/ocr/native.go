package ocr

import (
	"bufio"
	"bytes"
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The resolutions a scan is read at: its own when it lies between them,
// otherwise the nearest whole multiple or fraction of it that does.
const (
	minScanDPI = 150 // below this, Chinese body text is too small for tesseract
	maxScanDPI = 400 // above this, more pixels cost time and read no better
)

// minCover is the share of the page a single image must cover for the page
// to count as a scan, read at the image's resolution.
const minCover = 0.5

// scanDPI returns the resolution to render page n at so that a scanned
// page's image is rendered at its own resolution (or a whole multiple or
// fraction of it), not resampled by a fraction: a 200 dpi scan rendered at
// 300 dpi blurs every stroke by interpolation and reads markedly worse
// (0.92 against 0.97 on generated scans). side is the page's long side in
// points (0 when pdfinfo cannot say). ok is false when the page has no
// image covering most of it, or the tools cannot say; the caller then uses
// its configured resolution.
func (e *Engine) scanDPI(ctx context.Context, path string, n int) (dpi int, side float64, ok bool) {
	if e.pdfimages == "" || e.pdfinfo == "" {
		return 0, 0, false
	}
	ns := strconv.Itoa(n)
	info, err := run(ctx, e.lim, nil, e.pdfinfo, "-f", ns, "-l", ns, path)
	if err != nil {
		return 0, 0, false
	}
	w, h, ok := pageSize(info)
	if !ok {
		return 0, 0, false
	}
	list, err := run(ctx, e.lim, nil, e.pdfimages, "-f", ns, "-l", ns, "-list", path)
	if err != nil {
		return 0, max(w, h), false
	}
	ppi, ok := imageResolution(list, w, h)
	if !ok {
		return 0, max(w, h), false
	}
	return fitDPI(ppi), max(w, h), true
}

var pageSizeLine = regexp.MustCompile(`(?m)^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts`)

// pageSize reads the size in points of the one page pdfinfo -f N -l N
// describes.
func pageSize(info []byte) (w, h float64, ok bool) {
	m := pageSizeLine.FindSubmatch(info)
	if m == nil {
		return 0, 0, false
	}
	w, err1 := strconv.ParseFloat(string(m[1]), 64)
	h, err2 := strconv.ParseFloat(string(m[2]), 64)
	return w, h, err1 == nil && err2 == nil && w > 0 && h > 0
}

// imageResolution reads pdfimages -list output for one page of w×h points
// and returns the resolution of the images that cover most of it: one
// image, or the strips a scan was cut into, all of about the same
// resolution across as down and together covering at least minCover of
// the page. Thousands of small glyph images (a page drawn as bitmaps of
// its characters) cover little each, and their resolution says nothing
// about the page's text size: such a page is not taken for a scan unless
// they are of one resolution and cover it.
func imageResolution(list []byte, w, h float64) (float64, bool) {
	area := map[int]float64{} // square points covered, by resolution (rounded)
	sc := bufio.NewScanner(bytes.NewReader(list))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
		if len(f) < 14 || (f[2] != "image" && f[2] != "stencil") {
			continue // header, rule, or a mask that only shapes another image
		}
		pw, err1 := strconv.ParseFloat(f[3], 64)
		ph, err2 := strconv.ParseFloat(f[4], 64)
		xp, err3 := strconv.ParseFloat(f[12], 64)
		yp, err4 := strconv.ParseFloat(f[13], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || xp <= 0 || yp <= 0 {
			continue
		}
		if math.Abs(xp-yp) > 0.05*max(xp, yp) {
			continue
		}
		// The image's size on the page, in square points.
		area[int(math.Round((xp+yp)/2))] += (pw / xp * 72) * (ph / yp * 72)
	}
	best, bestArea := 0, 0.0
	for ppi, a := range area {
		if a > bestArea || a == bestArea && ppi > best {
			best, bestArea = ppi, a
		}
	}
	if best == 0 || bestArea < minCover*w*h {
		return 0, false
	}
	return float64(best), true
}

// fitDPI brings a scan's resolution within [minScanDPI, maxScanDPI] by a
// whole factor, so that pixels map onto pixels.
func fitDPI(ppi float64) int {
	r := ppi
	for k := 2.0; r < minScanDPI; k++ {
		r = ppi * k
	}
	for k := 2.0; r > maxScanDPI; k++ {
		r = ppi / k
	}
	return int(math.Round(r))
}
