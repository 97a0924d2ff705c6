package ocr

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Condensed large type. A 发文机关标志 of a long name is set in a face
// condensed to fit the page's width (云南省人力资源和社会保障厅文件,
// fifteen characters some 0.6 in high): its glyphs are half again as tall
// as they are wide, and on a 1-bit scan tesseract read them as six
// characters of other shapes (去二省人 … 会人), the name lost and the
// heading taken for the title. Stretched to near square, the same row read
// whole. So a row of large type that reads as far fewer characters than
// its ink would hold at square glyphs is read again alone, as it is and
// stretched, and the stretched reading replaces the row's lines where it
// is the more confident.

const (
	// condensedStretch is how much wider a condensed row is read again:
	// the usual condensing of a long heading (read whole at 1.5; at 2 its
	// 厅 came back as 斤).
	condensedStretch = 1.5
	// largeType is how many times the page's median line height a line of
	// large type is at least: a heading's, not a title's or the text's.
	largeType = 1.5
	// shortRead is the share of the characters a row's ink holds at
	// square glyphs that its lines must read, below which the row is
	// read again.
	shortRead = 0.7
	// moreConfident is how much more confident (0..1) the stretched
	// reading must be than the row read again as it is.
	moreConfident = 0.1
)

// condensedRow is a row of large type whose lines read short: the lines
// (indices into the page's, in order) and the box of its ink, in pixels.
type condensedRow struct {
	lines []int
	ink   box
}

// condensedRows returns the rows of large type of lines (positions in
// points) on img (grey, at dpi) that read as fewer characters than
// shortRead of what their ink would hold at square glyphs.
func condensedRows(img *raster, dpi int, lines []page.Line) []condensedRow {
	if img == nil || img.ch != 1 || dpi <= 0 || len(lines) == 0 {
		return nil
	}
	var sizes []float64
	for _, l := range lines {
		if l.Size > 0 {
			sizes = append(sizes, l.Size)
		}
	}
	if len(sizes) == 0 {
		return nil
	}
	slices.Sort(sizes)
	median := sizes[len(sizes)/2]
	pt := 72 / float64(dpi)
	var cols []int // dark pixels of each column, made once needed (see inked)
	var rows []condensedRow
	used := make([]bool, len(lines))
	for k, l := range lines {
		if used[k] || l.Size < largeType*median {
			continue
		}
		lb := lineBox(l, pt)
		y0, y1 := max(0, lb.y0), min(img.h, lb.y1)
		if y1-y0 < dpi/12 || y1-y0 > dpi {
			continue // too small for large type, or no line's box
		}
		// The row's lines: those whose middle lies within its rows.
		row := condensedRow{}
		read := 0
		for j, m := range lines {
			if mid := (m.Y - max(m.Size, 1)/2) / pt; !used[j] && mid >= float64(y0) && mid <= float64(y1) {
				used[j] = true
				row.lines = append(row.lines, j)
				read += utf8.RuneCountInString(page.Squeeze(m.Text))
			}
		}
		if cols == nil {
			cols = darkColumns(img)
		}
		// The row's ink: the runs that its lines' boxes reach into, and
		// those a glyph's height or less from them on either side (the
		// characters no line read), not a speck or the scanner's edge
		// farther off. Runs here break at a gap of half a glyph.
		lh := y1 - y0
		runs := inkRuns(img, cols, y0, y1, lh/3)
		keep := make([]bool, len(runs))
		for i, r := range runs {
			keep[i] = slices.ContainsFunc(row.lines, func(j int) bool {
				b := lineBox(lines[j], pt)
				return b.x1 > r.x0 && b.x0 < r.x1
			})
		}
		for grew := true; grew; {
			grew = false
			for i, r := range runs {
				near := i > 0 && keep[i-1] && r.x0-runs[i-1].x1 <= lh || i+1 < len(runs) && keep[i+1] && runs[i+1].x0-r.x1 <= lh
				if !keep[i] && near {
					keep[i], grew = true, true
				}
			}
		}
		width := 0
		row.ink = box{img.w, y0, 0, y1}
		for i, r := range runs {
			if keep[i] {
				width += r.x1 - r.x0
				row.ink.x0, row.ink.x1 = min(row.ink.x0, r.x0), max(row.ink.x1, r.x1)
			}
		}
		if width == 0 {
			continue
		}
		if float64(read) >= shortRead*float64(width)/float64(y1-y0) {
			continue
		}
		rows = append(rows, row)
	}
	return rows
}

// darkColumns counts the dark pixels of each column of img (see inked).
func darkColumns(img *raster) []int {
	cols := make([]int, img.w)
	for y := range img.h {
		for x, v := range img.pix[y*img.w : (y+1)*img.w] {
			if v < 128 {
				cols[x]++
			}
		}
	}
	return cols
}

// stretch returns a grey raster k times as wide, each column sampled
// from the nearest.
func (r *raster) stretch(k float64) *raster {
	w := int(float64(r.w)*k + 0.5)
	if r.ch != 1 || w <= r.w {
		return r
	}
	out := &raster{w: w, h: r.h, ch: 1, pix: make([]byte, w*r.h)}
	for y := range r.h {
		src, row := r.pix[y*r.w:(y+1)*r.w], out.pix[y*w:(y+1)*w]
		for x := range row {
			row[x] = src[min(r.w-1, int(float64(x)/k))]
		}
	}
	return out
}

// rereadCondensed reads each row of condensed large type of p (see
// condensedRows) again from img, the grey page at dpi, and puts the
// stretched reading in place of the row's lines where it is more
// confident, by moreConfident, than the row read again as it is, and
// confident enough for a line read alone (minUnreadConf). Each change is
// recorded (RuleReread) with the page's confidence. It returns how many
// rows it replaced.
func (e *Engine) rereadCondensed(ctx context.Context, dir string, p *page.Page, img *raster, dpi int) (int, error) {
	rows := condensedRows(img, dpi, p.Lines)
	pt := 72 / float64(dpi)
	changed := 0
	// From the last row up, so that the indices of the rows above hold.
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		pad := (r.ink.y1 - r.ink.y0) / 4
		crop := img.crop(box{r.ink.x0 - pad, r.ink.y0 - pad, r.ink.x1 + pad, r.ink.y1 + pad})
		if crop == nil {
			continue
		}
		as, err := e.readPSM(ctx, dir, "condensed", crop, dpi, 7)
		if err != nil {
			return changed, err
		}
		wide, err := e.readPSM(ctx, dir, "stretched", crop.stretch(condensedStretch), dpi, 7)
		if err != nil {
			return changed, err
		}
		if len(wide.Lines) == 0 || wide.Confidence < minUnreadConf || wide.Confidence < as.Confidence+moreConfident {
			continue
		}
		var text []string
		for _, l := range wide.Lines {
			text = append(text, l.Text)
		}
		line := page.Line{Text: strings.Join(text, " "), X: float64(r.ink.x0) * pt, W: float64(r.ink.x1-r.ink.x0) * pt}
		var from []string
		for _, j := range r.lines {
			l := p.Lines[j]
			from = append(from, l.Text)
			line.Y, line.Size = max(line.Y, l.Y), max(line.Size, l.Size)
		}
		replaceLines(p, r.lines, line, page.Correction{From: strings.Join(from, " "), To: line.Text, Rule: RuleReread, Confidence: p.Confidence})
		changed++
	}
	return changed, nil
}

// replaceLines puts line in place of p's lines at (indices, in order),
// at the first's place, with the correction c that records it; the
// corrections of the lines replaced go (c's From holds their text), and
// those of the lines after move with them.
func replaceLines(p *page.Page, at []int, line page.Line, c page.Correction) {
	first := at[0]
	gone := func(k int) bool { return slices.Contains(at, k) }
	p.Corrections = slices.DeleteFunc(p.Corrections, func(c page.Correction) bool { return gone(c.Line) })
	for i := range p.Corrections {
		n := 0
		for _, k := range at[1:] {
			if k < p.Corrections[i].Line {
				n++
			}
		}
		p.Corrections[i].Line -= n
	}
	p.Lines[first] = line
	for j := len(at) - 1; j >= 1; j-- {
		p.Lines = slices.Delete(p.Lines, at[j], at[j]+1)
	}
	c.Line = first
	p.Corrections = append(p.Corrections, c)
}
