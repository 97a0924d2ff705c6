package ocr

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Orientation. pdftoppm turns a page by its /Rotate, so a landscape scan
// marked /Rotate 270 is rendered upright. A page scanned on its side or
// upside down without /Rotate is not: tesseract then reads its lines
// running down the page (it recognises the characters of a page on its
// side, with boxes taller than wide) or reads garbage at a low confidence
// (upside down). Only such a page pays for orientation detection.

// lowConfidence is the page confidence under which a page is suspected to
// lie upside down: upright Chinese text reads above 0.8, even worn; upside
// down it reads under 0.3.
const lowConfidence = 0.6

// minOSDConfidence is the orientation confidence tesseract's OSD must give
// before a page is turned by it.
const minOSDConfidence = 2.0

// orientation returns how far to turn the grey page img clockwise (0, 90,
// 180 or 270) so that it reads upright, judged from p, the page as read,
// and a note saying why; 0 when p reads upright already.
func (e *Engine) orientation(ctx context.Context, dir string, img *raster, dpi int, p page.Page) (int, string) {
	side := sidewaysShare(p) > 0.5
	if !side && !(p.Confidence < lowConfidence) {
		return 0, ""
	}
	if e.osd {
		turn, conf, err := e.detectOrientation(ctx, dir, img, dpi)
		if err == nil && turn != 0 && conf >= minOSDConfidence {
			return turn, fmt.Sprintf("turned %d° clockwise (orientation detected, confidence %.1f)", turn, conf)
		}
		return 0, ""
	}
	// Without tesseract's OSD data: read the page, reduced, in every
	// orientation and keep the one that reads best with its lines across.
	best, bestScore := 0, 0.0
	for _, turn := range []int{0, 90, 180, 270} {
		q, err := e.read(ctx, dir, "probe", img.rotate(turn).shrink(2), dpi/2)
		if err != nil {
			continue
		}
		if s := q.Confidence * (1 - sidewaysShare(q)); s > bestScore+0.05 {
			best, bestScore = turn, s
		}
	}
	if best == 0 {
		return 0, ""
	}
	return best, fmt.Sprintf("turned %d° clockwise (read best that way)", best)
}

var (
	reOSDRotate = regexp.MustCompile(`(?m)^Rotate:\s*(\d+)`)
	reOSDConf   = regexp.MustCompile(`(?m)^Orientation confidence:\s*([\d.]+)`)
)

// detectOrientation runs tesseract's orientation and script detection
// (--psm 0, osd.traineddata) on img, reduced to about 100 dpi, where it
// judges as well and twice as fast. It returns the clockwise turn that
// makes the page upright and tesseract's confidence in it.
func (e *Engine) detectOrientation(ctx context.Context, dir string, img *raster, dpi int) (int, float64, error) {
	k := max(1, dpi/100)
	file := filepath.Join(dir, "osd.pgm")
	if err := os.WriteFile(file, img.shrink(k).pgm(), 0o600); err != nil {
		return 0, 0, err
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	out, err := run(ctx, e.lim, env, e.tesseract, file, "stdout", "--psm", "0", "-l", "osd", "--dpi", strconv.Itoa(dpi/k))
	if err != nil {
		return 0, 0, err // too few characters, most often: a blank page
	}
	m, c := reOSDRotate.FindSubmatch(out), reOSDConf.FindSubmatch(out)
	if m == nil || c == nil {
		return 0, 0, fmt.Errorf("no orientation in %q", out)
	}
	turn, _ := strconv.Atoi(string(m[1]))
	conf, _ := strconv.ParseFloat(string(c[1]), 64)
	return turn % 360, conf, nil
}

// sidewaysShare is the share of a page's characters, in lines of four or
// more, that stand in lines taller than wide: text read down a page that
// lies on its side.
func sidewaysShare(p page.Page) float64 {
	var side, all int
	for _, l := range p.Lines {
		n := utf8.RuneCountInString(l.Text)
		if n < 4 {
			continue
		}
		all += n
		if l.Size > 1.5*l.W {
			side += n
		}
	}
	if all == 0 {
		return 0
	}
	return float64(side) / float64(all)
}

// minRedConfidence is the confidence the red ink's reading needs to be
// kept: a heading reads above 0.8; what is left of a seal missed by
// dropSeals reads as garbage far below.
const minRedConfidence = 0.6

// mergeRed puts the lines read from a page's red ink (rp) among those of
// its black text (p) by their height on the page, each before the first
// black line below it, with their corrections; the page's confidence
// becomes the mean of both, by characters. blackAt and redAt say where
// each line of p and of rp went among the page's lines (-1: dropped).
func mergeRed(p, rp page.Page) (out page.Page, blackAt, redAt []int) {
	blackAt, redAt = make([]int, len(p.Lines)), make([]int, len(rp.Lines))
	for i := range blackAt {
		blackAt[i] = i
	}
	for i := range redAt {
		redAt[i] = -1
	}
	if rp.Confidence < minRedConfidence || len(rp.Lines) == 0 {
		return p, blackAt, redAt
	}
	type entry struct {
		line  page.Line
		fixes []page.Correction
		at    *int // where the line goes
	}
	entries := func(q page.Page, at []int) []entry {
		out := make([]entry, len(q.Lines))
		for i, l := range q.Lines {
			out[i].line, out[i].at = l, &at[i]
		}
		for _, c := range q.Corrections {
			out[c.Line].fixes = append(out[c.Line].fixes, c)
		}
		return out
	}
	merged := entries(p, blackAt)
	var blackChars, redChars int
	for _, e := range merged {
		blackChars += utf8.RuneCountInString(e.line.Text)
	}
	for _, e := range entries(rp, redAt) {
		if utf8.RuneCountInString(e.line.Text) < 2 {
			continue
		}
		redChars += utf8.RuneCountInString(e.line.Text)
		at := slices.IndexFunc(merged, func(b entry) bool { return b.line.Y > e.line.Y })
		if at < 0 {
			at = len(merged)
		}
		merged = slices.Insert(merged, at, e)
	}
	if redChars == 0 {
		return p, blackAt, redAt
	}
	out = p
	out.Lines, out.Corrections = nil, nil
	for i, e := range merged {
		out.Lines = append(out.Lines, e.line)
		*e.at = i
		for _, c := range e.fixes {
			c.Line = i
			out.Corrections = append(out.Corrections, c)
		}
	}
	out.Confidence = (p.Confidence*float64(blackChars) + rp.Confidence*float64(redChars)) / float64(blackChars+redChars)
	return out, blackAt, redAt
}
