package ocr

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Rows of ink that layout analysis left out.
//
// Tesseract's automatic page segmentation can take a short line standing
// alone for a picture and return nothing of it: the 第104号 under a 令's
// heading on a 1-bit scan vanished from the page, with nothing said. After
// a page is read, the bands of pixel rows that hold ink as a line of text
// does but that no line read covers are read again alone, as one line each
// (psm 7, or as a word or raw text where that reads nothing). What that
// reads with confidence joins the page in its place; what it does not is
// named in the page's note, never dropped in silence.

// maxUnreadRows bounds the bands read again per page, each a tesseract
// run or two. A page with more is most often a picture or a table that
// layout analysis read as it should, but a skewed original's page wanted
// 9 and 11, and with none read it lost its authority and its 附注: so the
// bands nearest the page's top and foot, where the 版头, the signature
// and the 版记 stand, are read up to the bound (see nearestEdges), and
// the rest left unread, said in the page's note.
const maxUnreadRows = 12

// minUnreadConf is the confidence (0..1) a band read alone must have for
// its text to join the page: lower, it is more likely speckle, a rule or
// the back of the sheet showing through than a line.
const minUnreadConf = 0.7

// shortRun is the widest a run of ink is, in band heights, that is read as
// one word when it reads as no line.
const shortRun = 4

// band is a run of pixel rows [y0, y1), and the runs of its columns
// [x0, x1) that hold ink enough for a character, apart from specks. line
// is set where the band is the box of a line read, the rows of whose
// parts beyond its ends are the line's own (see lineRest).
type band struct {
	y0, y1 int
	parts  []box
	line   bool
}

// unreadRows returns the bands of rows of img (grey, at dpi) that hold ink
// as a line of text does, between a small character's height and half an
// inch tall (an inch, where no line touches them), with ink enough for a character or two, that none of lines
// (positions in points) covers by half its height or more; and the ink on
// each line's own rows well beyond its ends (see lineRest), as a band of
// that line's rows. tall are the blocks of rows taller than half an inch
// (pixels) holding ink that no line read nor any of those bands covers: a
// picture, or lines a skewed scan ran together that no line read (they
// are not read again, and the page's note says so).
func unreadRows(img *raster, dpi int, lines []page.Line) (out []band, tall []box) {
	if img == nil || img.ch != 1 || dpi <= 0 {
		return nil, nil
	}
	w, h := img.w, img.h
	// Columns dark down a third of the page or more are a rule, a border
	// or the scanner's edge, not text: they would join every row.
	cols := darkColumns(img)
	dark := make([]int, h) // dark pixels of each row, outside those columns
	for y := range h {
		for x, v := range img.pix[y*w : (y+1)*w] {
			if inked(img, cols, v, x) {
				dark[y]++
			}
		}
	}
	minRow := max(3, dpi/60) // dark pixels in a row for it to hold ink: a speck or two do not
	minH, maxH := dpi/12, dpi/2
	pt := 72 / float64(dpi)
	var blocks []box
	for y := 0; y < h; {
		if dark[y] < minRow {
			y++
			continue
		}
		y0, ink := y, 0
		for ; y < h && dark[y] >= minRow; y++ {
			ink += dark[y]
		}
		bh := y - y0
		if bh < minH || ink < bh*bh/4 {
			continue // speckle, a rule; or too little ink for a character or two
		}
		// Covered where a line read overlaps half the band or more: the
		// box of a line that speckle or a neighbour's ascenders made
		// tall reaches into the row above without having read it (the
		// first line of a title, gone from the page). The ink of a
		// covered band beyond its lines is each line's (see lineRest).
		overlap := 0.0
		for _, l := range lines {
			top, bottom := (l.Y-max(l.Size, 1))/pt, l.Y/pt
			if bottom-top > float64(dpi) {
				continue // a box over an inch tall: no line's (see lineRest)
			}
			overlap = max(overlap, min(bottom, float64(y))-max(top, float64(y0)))
		}
		// A block up to an inch tall that no line touches is a line of
		// large type as likely as a picture (a 发文机关标志 a 1-bit scan's
		// layout analysis passed over); one taller, or that lines run
		// into, is left (see tall).
		if bh > maxH && (bh > 2*maxH || overlap > 0) {
			blocks = append(blocks, box{0, y0, w, y})
			continue
		}
		if overlap >= float64(bh)/2 {
			continue
		}
		b := band{y0: y0, y1: y}
		if b.parts = inkRuns(img, cols, y0, y, bh); len(b.parts) > 0 {
			out = append(out, b)
		}
	}
	free := len(out) // the bands no line covers
	for k := range lines {
		b := lineRest(img, cols, lines, k, dpi)
		// Ink of a band no line covers is read with that band.
		b.parts = slices.DeleteFunc(b.parts, func(r box) bool {
			return slices.ContainsFunc(out[:free], func(o band) bool {
				return r.y1 > o.y0 && r.y0 < o.y1 && slices.ContainsFunc(o.parts, func(q box) bool { return q.x1 > r.x0 && q.x0 < r.x1 })
			})
		})
		if len(b.parts) > 0 {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b band) int { return a.y0 - b.y0 })
	for _, bl := range blocks {
		// A twentieth of the block's ink or more, a line's share of a
		// block of many: the slivers a slanted line's box or part leaves
		// out are less.
		n, all := uncoveredInk(img, cols, bl, lines, out, pt)
		if n >= minH*minH/2 && 20*n >= all {
			tall = append(tall, bl)
		}
	}
	return out, tall
}

// lineRest returns the ink that runs on from line k of lines beyond
// either end, by more than half its text's height (a character, 今 of
// 今冬明春… lost at a title line's start), on the middle third of the rows
// its text takes at that end: a line read only in part (the last words of
// a title's line lost, 加强 read of 加强中小学校校车安全管理工作的通知;
// a paragraph's first words). Those rows are the line's own, not its box:
// on a skewed scan a line's box spans the rows of its neighbours too, and
// the line above slants into them far from its end. The run must begin
// within three text heights of the end: a neighbour slants into the rows
// only where its drift has come to the spacing of the lines, far off.
// Each part spans the text's rows at that end and a third of its height
// either side, all the rest's own slant moves it off them.
func lineRest(img *raster, cols []int, lines []page.Line, k, dpi int) band {
	pt := 72 / float64(dpi)
	l := lines[k]
	lb := lineBox(l, pt)
	top, bottom := max(0, lb.y0), min(img.h, lb.y1)
	if bottom-top < dpi/12 || bottom-top > dpi {
		// Too small for a line; or a box over an inch tall, a picture
		// or a block of large lines read as a few characters (洒洒 over
		// a joint 发文机关标志 on a 1-bit scan), whose rows are no line's.
		return band{}
	}
	x0, x1 := max(0, lb.x0), min(img.w, lb.x1)
	b := band{y0: top, y1: bottom, line: true}
	for _, right := range []bool{false, true} {
		lh := bottom - top
		s0, s1 := x0, min(x1, x0+lh)
		if right {
			s0, s1 = max(x0, x1-lh), x1
		}
		e0, e1 := textRows(img, cols, box{s0, top, s1, bottom})
		th := e1 - e0
		if th < dpi/12 {
			continue
		}
		m0, m1 := e0+th/3, e1-th/3
		for _, r := range inkRuns(img, cols, m0, m1, th) {
			var q box
			switch {
			case right && r.x1 > x1+th/2 && r.x0 <= x1+3*th:
				q = box{max(r.x0, x1), max(0, e0-th/3), r.x1, min(img.h, e1+th/3)}
			case !right && r.x0 < x0-th/2 && r.x1 >= x0-3*th:
				q = box{r.x0, max(0, e0-th/3), min(r.x1, x0), min(img.h, e1+th/3)}
			default:
				continue
			}
			// Ink under another line's box, which holds those rows whole,
			// is that line's: read already, or as a piece of its own (a
			// 发文机关标志's 文件 read apart from the name before it).
			under := slices.ContainsFunc(lines, func(m page.Line) bool {
				return float64(m0)*pt >= m.Y-max(m.Size, 1) && float64(m1)*pt <= m.Y &&
					float64(q.x1)*pt > m.X && float64(q.x0)*pt < m.X+m.W
			})
			if !under {
				b.parts = append(b.parts, q)
			}
		}
	}
	if len(b.parts) > 0 {
		b.y0, b.y1 = b.parts[0].y0, b.parts[0].y1
		for _, q := range b.parts[1:] {
			b.y0, b.y1 = min(b.y0, q.y0), max(b.y1, q.y1)
		}
	}
	return b
}

// inked reports whether pixel value v, in column x of img, is ink:
// dark, and outside the columns of a rule or border (cols: dark pixels
// down the page; a third of its height or more is such a column).
func inked(img *raster, cols []int, v uint8, x int) bool {
	return v < 128 && cols[x] < img.h/3
}

// lineBox is the box of line l in pixels (pt: points a pixel), from its
// text's top to its baseline, not clipped to the image.
func lineBox(l page.Line, pt float64) box {
	return box{int(l.X / pt), int((l.Y - max(l.Size, 1)) / pt), int((l.X + l.W) / pt), int(l.Y / pt)}
}

// textRows returns the rows [y0, y1) of b that hold the most ink in one
// run, apart from specks (minRowInk): the text of a line where b is a
// strip of its box across its width.
func textRows(img *raster, cols []int, b box) (int, int) {
	best, y0, y1 := 0, 0, 0
	for y := b.y0; y < b.y1; {
		n := rowInk(img, cols, b, y)
		if n < minRowInk {
			y++
			continue
		}
		from, sum := y, 0
		for ; y < b.y1 && n >= minRowInk; y++ {
			sum += n
			if y+1 < b.y1 {
				n = rowInk(img, cols, b, y+1)
			}
		}
		if sum > best {
			best, y0, y1 = sum, from, y
		}
	}
	return y0, y1
}

// rowInk counts the dark pixels of row y within b's columns, outside the
// columns of a rule or border.
func rowInk(img *raster, cols []int, b box, y int) int {
	n := 0
	for x := b.x0; x < b.x1; x++ {
		if inked(img, cols, img.pix[y*img.w+x], x) {
			n++
		}
	}
	return n
}

// uncoveredInk counts the dark pixels of block b (outside the columns of
// a rule or border) that no line's box nor any part of bands holds, and
// all of them.
func uncoveredInk(img *raster, cols []int, b box, lines []page.Line, bands []band, pt float64) (n, all int) {
	var boxes []box
	for _, l := range lines {
		boxes = append(boxes, lineBox(l, pt))
	}
	for _, o := range bands {
		boxes = append(boxes, o.parts...)
	}
	// Each row is held to the few boxes over it only: a picture's block
	// is many rows of many pixels, and a page has dozens of boxes.
	var row []box
	for y := b.y0; y < b.y1; y++ {
		row = row[:0]
		for _, q := range boxes {
			if y >= q.y0 && y < q.y1 {
				row = append(row, q)
			}
		}
		for x := b.x0; x < b.x1; x++ {
			if !inked(img, cols, img.pix[y*img.w+x], x) {
				continue
			}
			all++
			if !slices.ContainsFunc(row, func(q box) bool { return x >= q.x0 && x < q.x1 }) {
				n++
			}
		}
	}
	return n, all
}

// inkRuns returns the runs of the columns of rows [y0, y1) that hold ink,
// outside the columns of a rule or border (cols: dark pixels down the
// page), a gap wider than 1.5 times a line's height (lh) apart: the words
// of a line are closer, a speck beside it farther (第104号 … 四). A run
// with less ink than a small character has on those rows is a speck and
// left out.
func inkRuns(img *raster, cols []int, y0, y1, lh int) []box {
	w := img.w
	ink := make([]int, w)
	for y := y0; y < y1; y++ {
		for x, v := range img.pix[y*w : (y+1)*w] {
			if inked(img, cols, v, x) {
				ink[x]++
			}
		}
	}
	var runs []box
	gap := lh * 3 / 2
	for x := 0; x < w; {
		if ink[x] == 0 {
			x++
			continue
		}
		x0, n, last := x, 0, x
		for ; x < w && x-last <= gap; x++ {
			if ink[x] > 0 {
				n += ink[x]
				last = x
			}
		}
		if n >= (y1-y0)*lh/8 {
			runs = append(runs, box{x0, y0, last + 1, y1})
		}
		x = last + 1
	}
	return runs
}

// readUnread reads each band of rows of img that p's lines leave out alone
// (see unreadRows) and puts what it reads with confidence among p's lines,
// by position. It returns the notes for the page: how many were read,
// and where ink was left unread.
func (e *Engine) readUnread(ctx context.Context, dir string, p *page.Page, img *raster, dpi int) ([]string, error) {
	bands, tall := unreadRows(img, dpi, p.Lines)
	pt := 72 / float64(dpi)
	var notes []string
	if len(tall) > 0 {
		var at []string
		for _, b := range tall {
			at = append(at, fmt.Sprintf("%.0f–%.0f pt", float64(b.y0)*pt, float64(b.y1)*pt))
		}
		notes = append(notes, fmt.Sprintf("ink that no line read covers left unread at %v from the top: blocks of rows taller than half an inch, as a picture is or as lines a skewed scan ran together are", at))
	}
	if len(bands) == 0 {
		return notes, nil
	}
	if len(bands) > maxUnreadRows {
		notes = append(notes, fmt.Sprintf("%d rows of ink that no line read covers: more than %d, as a picture or a table has; the %d nearest the page's top and foot read alone, %d in its middle left unread",
			len(bands), maxUnreadRows, maxUnreadRows, len(bands)-maxUnreadRows))
		bands = nearestEdges(bands, img.h, maxUnreadRows)
	}
	read, joined, twice := 0, 0, 0
	var added []page.Line // lines read alone and put in
	var unread []string
	for _, b := range bands {
		// A margin of half the band's height: the band is cut where rows
		// hold enough ink, and a character's thin ends reach beyond.
		pad := max(dpi/20, (b.y1-b.y0)/2)
		padY := pad
		if b.line {
			padY = 0 // its parts hold the line's rows (see lineRest); more hold its neighbours'
		}
		var line page.Line
		var fixes []page.Correction
		for _, r := range b.parts {
			x0, y0 := max(0, r.x0-pad), max(0, r.y0-padY)
			crop := img.crop(box{x0, y0, min(img.w, r.x1+pad), min(img.h, r.y1+padY)})
			if b.line && crop != nil {
				// The margin beside the rest of a line holds the strokes
				// of the characters read (强 of 加强, read again as 晶).
				whiten(crop, box{0, 0, r.x0 - x0 - 1, crop.h}, 255)
				whiten(crop, box{min(img.w, r.x1) - x0 + 1, 0, crop.w, crop.h}, 255)
			}
			q, err := e.readPSM(ctx, dir, "row", crop, dpi, 7)
			if err != nil {
				return nil, err
			}
			if len(q.Lines) != 1 || q.Confidence < minUnreadConf {
				// A word of two or three characters standing alone (特急
				// beside the 份号) often makes no line for tesseract, but
				// a word (psm 8); a longer line that its line finder
				// passes over (院，省检察院。 under a 抄送 line, above the
				// 版记's rule) is read as raw text (psm 13).
				psm := 13
				if r.x1-r.x0 <= shortRun*(r.y1-r.y0) {
					psm = 8
				}
				if q, err = e.readPSM(ctx, dir, "word", crop, dpi, psm); err != nil {
					return nil, err
				}
			}
			if !confidentRow(q, lineAbove(p.Lines, float64(r.y0)*pt)) {
				continue
			}
			l := q.Lines[0]
			l.X += float64(x0) * pt
			l.Y += float64(y0) * pt
			fixes = append(fixes, q.Corrections...)
			if line.Text == "" {
				line = l
				continue
			}
			line.Text += " " + l.Text
			line.W = l.X + l.W - line.X
			line.Y, line.Size = max(line.Y, l.Y), max(line.Size, l.Size)
		}
		if line.Text == "" {
			unread = append(unread, fmt.Sprintf("%.0f–%.0f pt", float64(b.y0)*pt, float64(b.y1)*pt))
			continue
		}
		switch putRead(p, line, fixes, b.line) {
		case readTwice:
			twice++
		case readJoined:
			joined++
		default:
			added = append(added, line)
			read++
		}
	}
	if read > 0 {
		notes = append(notes, fmt.Sprintf("%d rows of ink that layout analysis left out read alone", read))
	}
	if gone := dropReadAgain(p, added); len(gone) > 0 {
		notes = append(notes, fmt.Sprintf("lines over an inch tall %q left out: the rows they span were read alone as lines", gone))
	}
	if joined > 0 {
		notes = append(notes, fmt.Sprintf("%d pieces of rows that a line read only in part read alone and joined to it", joined))
	}
	if twice > 0 {
		notes = append(notes, fmt.Sprintf("%d pieces of rows beside a line, read alone, left out: a line over them read them already", twice))
	}
	if len(unread) > 0 {
		notes = append(notes, fmt.Sprintf("ink left unread at %v from the top (read alone, it made no confident text)", unread))
	}
	return notes, nil
}

// nearestEdges returns the n bands of bands (in order from the top) that
// lie nearest the top or the foot of a page h pixels tall, in order from
// the top.
func nearestEdges(bands []band, h, n int) []band {
	by := slices.Clone(bands)
	slices.SortStableFunc(by, func(a, b band) int { return min(a.y0, h-a.y1) - min(b.y0, h-b.y1) })
	by = by[:min(n, len(by))]
	slices.SortStableFunc(by, func(a, b band) int { return a.y0 - b.y0 })
	return by
}

// Where a line read alone went (see putRead).
const (
	readAdded  = iota // among the page's lines, by position
	readJoined        // to the line it is the rest of
	readTwice         // nowhere: a line over it read it already
)

// putRead puts line, a band of rows read alone, with its corrections fixes,
// into p, and says where it went. rest tells that the band is ink on a
// line's own rows beyond its ends (see lineRest). Text a line over it read
// already is left out: a rest that is half that line's (see readAlready),
// and any band that reads as the very text of a line whose box it shares
// (a skewed 发文机关标志, its box too short for the band of its rows, came
// back twice, the same text in the same box, and made one run-on
// authority). The rest of a line read in part joins it; anything else
// goes in by position.
func putRead(p *page.Page, line page.Line, fixes []page.Correction, rest bool) int {
	if rest && readAlready(p.Lines, line) || readAgainAs(p.Lines, line) {
		return readTwice
	}
	if k := besideLine(p.Lines, line); k >= 0 {
		// The rest of a line read only in part: it joins the line.
		m := &p.Lines[k]
		if line.X >= m.X {
			m.Text = joinBeside(m.Text, line.Text)
		} else {
			m.Text = joinBeside(line.Text, m.Text)
		}
		x1 := max(m.X+m.W, line.X+line.W)
		m.X = min(m.X, line.X)
		m.W = x1 - m.X
		for _, c := range fixes {
			c.Line = k
			p.Corrections = append(p.Corrections, c)
		}
		return readJoined
	}
	at := len(p.Lines)
	for k, m := range p.Lines {
		if m.Y > line.Y {
			at = k
			break
		}
	}
	p.Lines = slices.Insert(p.Lines, at, line)
	for k := range p.Corrections {
		if p.Corrections[k].Line >= at {
			p.Corrections[k].Line++
		}
	}
	for _, c := range fixes {
		c.Line = at
		p.Corrections = append(p.Corrections, c)
	}
	return readAdded
}

// dropReadAgain takes out of p the lines over an inch tall that
// lines of added, read alone, stand in, and returns their texts: large
// type that layout analysis took for a picture and read as a character
// or two (洒洒 over a joint 发文机关标志 on a 1-bit scan), where its
// lines, read alone, are the reading. Corrections follow their lines.
func dropReadAgain(p *page.Page, added []page.Line) []string {
	var gone []string
	for k := len(p.Lines) - 1; k >= 0; k-- {
		m := p.Lines[k]
		if m.Size <= 72 { // an inch, in points
			continue
		}
		if slices.ContainsFunc(added, func(l page.Line) bool { return sameLine(l, m) }) {
			// Read alone itself (a heading over an inch tall, read from
			// its band): it is the reading, and stands in for no other.
			continue
		}
		in := slices.ContainsFunc(added, func(l page.Line) bool {
			mid := l.Y - max(l.Size, 1)/2
			return mid >= m.Y-m.Size && mid <= m.Y && l.X < m.X+m.W && l.X+l.W > m.X
		})
		if !in {
			continue
		}
		gone = append(gone, m.Text)
		p.Lines = slices.Delete(p.Lines, k, k+1)
		p.Corrections = slices.DeleteFunc(p.Corrections, func(c page.Correction) bool { return c.Line == k })
		for i := range p.Corrections {
			if p.Corrections[i].Line > k {
				p.Corrections[i].Line--
			}
		}
	}
	return gone
}

// sameLine reports whether a and b are one line: the same text in the
// same place.
func sameLine(a, b page.Line) bool {
	return a.Text == b.Text && a.X == b.X && a.Y == b.Y && a.W == b.W && a.Size == b.Size
}

// readAlready reports whether l, ink beside a line read alone (see
// lineRest), is text a line over it read already: half its characters or
// more, in order, are that line's. On a skewed scan a line may be read
// twice, once whole and once in part (河南省人力资源和社会保了 and 文人 of
// one 发文机关标志): the part's rest is the whole's.
func readAlready(lines []page.Line, l page.Line) bool {
	piece := []rune(page.Squeeze(l.Text))
	return slices.ContainsFunc(lines, func(m page.Line) bool {
		return boxesOverlap(m, l) && 2*commonRunes(piece, []rune(page.Squeeze(m.Text))) >= len(piece)
	})
}

// readAgainAs reports whether l, a band read alone, is the text of a line
// of lines whose box it overlaps, spaces left out.
func readAgainAs(lines []page.Line, l page.Line) bool {
	t := page.Squeeze(l.Text)
	return slices.ContainsFunc(lines, func(m page.Line) bool {
		return boxesOverlap(m, l) && page.Squeeze(m.Text) == t
	})
}

// boxesOverlap reports whether the boxes of a and b share some of the page.
func boxesOverlap(a, b page.Line) bool {
	return min(a.X+a.W, b.X+b.W) > max(a.X, b.X) && min(a.Y, b.Y) > max(a.Y-max(a.Size, 1), b.Y-max(b.Size, 1))
}

// commonRunes returns the length of the longest run of runes a and b have
// in common in order, not necessarily together.
func commonRunes(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			default:
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// besideLine returns the index of the line of lines that shares the rows
// of l (by half the smaller's height) and stands beside it, not over it;
// -1 for none. The nearest such line wins.
func besideLine(lines []page.Line, l page.Line) int {
	best, gap := -1, 0.0
	for k, m := range lines {
		h := min(max(m.Size, 1), max(l.Size, 1))
		shared := min(m.Y, l.Y) - max(m.Y-max(m.Size, 1), l.Y-max(l.Size, 1))
		g := max(l.X-(m.X+m.W), m.X-(l.X+l.W)) // >= 0: apart
		if shared >= h/2 && g >= 0 && (best < 0 || g < gap) {
			best, gap = k, g
		}
	}
	return best
}

// joinBeside joins the texts of two pieces of one line, left then right:
// without a space between Chinese characters, with one between others.
func joinBeside(left, right string) string {
	a, _ := utf8.DecodeLastRuneInString(left)
	b, _ := utf8.DecodeRuneInString(right)
	if unicode.Is(unicode.Han, a) || unicode.Is(unicode.Han, b) {
		return left + right
	}
	return left + " " + right
}

// confidentRow reports whether q, a band of rows read alone, read as a
// line to keep: one line, read with confidence, of two letters or digits
// or more (one alone is as likely a speck); or of one Han character read
// surely, a sentence's end perhaps after it, under a line that runs on
// (above: its text): the last line of a paragraph that wrapped one
// character (日。 after …有效期至2023年11月30), its small full stop often
// not read.
func confidentRow(q page.Page, above string) bool {
	if len(q.Lines) != 1 || q.Confidence < minUnreadConf {
		return false
	}
	if wordRunes(q) >= 2 {
		return true
	}
	rs := []rune(strings.TrimRight(page.Squeeze(q.Lines[0].Text), "。！？；"))
	last, _ := utf8.DecodeLastRuneInString(above)
	runsOn := last != utf8.RuneError && (unicode.Is(unicode.Han, last) || unicode.IsDigit(last))
	return len(rs) == 1 && unicode.Is(unicode.Han, rs[0]) && q.Confidence >= minLoneConf && runsOn
}

// minLoneConf is the confidence a lone character read alone must have
// to be kept (see confidentRow).
const minLoneConf = 0.9

// lineAbove returns the text of the line of lines whose baseline is
// nearest above y (points from the top), within two of its heights; ""
// for none.
func lineAbove(lines []page.Line, y float64) string {
	text, best := "", 0.0
	for _, l := range lines {
		if l.Y <= y && y-l.Y <= 2*max(l.Size, 1) && (text == "" || l.Y > best) {
			text, best = page.Squeeze(l.Text), l.Y
		}
	}
	return text
}

// wordRunes counts the letters and digits of p's text.
func wordRunes(p page.Page) int {
	n := 0
	for _, l := range p.Lines {
		for _, r := range l.Text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
	}
	return n
}
