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

// maxUnreadRows bounds the bands read again per page: a page with more is
// a picture or a table that layout analysis read as it should.
const maxUnreadRows = 8

// minUnreadConf is the confidence (0..1) a band read alone must have for
// its text to join the page: lower, it is more likely speckle, a rule or
// the back of the sheet showing through than a line.
const minUnreadConf = 0.7

// shortRun is the widest a run of ink is, in band heights, that is read as
// one word when it reads as no line.
const shortRun = 4

// band is a run of pixel rows [y0, y1), and the runs of its columns
// [x0, x1) that hold ink enough for a character, apart from specks.
type band struct {
	y0, y1 int
	parts  []box
}

// unreadRows returns the bands of rows of img (grey, at dpi) that hold ink
// as a line of text does, between a small character's height and half an
// inch tall, with ink enough for a character or two, that none of lines
// (positions in points) covers by half its height or more.
func unreadRows(img *raster, dpi int, lines []page.Line) []band {
	if img == nil || img.ch != 1 || dpi <= 0 {
		return nil
	}
	w, h := img.w, img.h
	// Columns dark down a third of the page or more are a rule, a border
	// or the scanner's edge, not text: they would join every row.
	cols := make([]int, w)
	for y := range h {
		for x, v := range img.pix[y*w : (y+1)*w] {
			if v < 128 {
				cols[x]++
			}
		}
	}
	dark := make([]int, h) // dark pixels of each row, outside those columns
	for y := range h {
		for x, v := range img.pix[y*w : (y+1)*w] {
			if v < 128 && cols[x] < h/3 {
				dark[y]++
			}
		}
	}
	minRow := max(3, dpi/60) // dark pixels in a row for it to hold ink: a speck or two do not
	minH, maxH := dpi/12, dpi/2
	pt := 72 / float64(dpi)
	var out []band
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
		if bh < minH || bh > maxH || ink < bh*bh/4 {
			continue // a rule, speckle, a picture; or too little ink for a character or two
		}
		// Covered where a line read overlaps half the band or more: the
		// box of a line that speckle or a neighbour's ascenders made
		// tall reaches into the row above without having read it (the
		// first line of a title, gone from the page).
		var over []page.Line
		for _, l := range lines {
			top, bottom := (l.Y-max(l.Size, 1))/pt, l.Y/pt
			if min(bottom, float64(y))-max(top, float64(y0)) >= float64(bh)/2 {
				over = append(over, l)
			}
		}
		b := band{y0: y0, y1: y}
		b.parts = beyond(inkRuns(img, cols, b), over, pt, bh)
		if len(b.parts) > 0 {
			out = append(out, b)
		}
	}
	return out
}

// beyond returns the runs of ink of a band that none of the lines read
// on its rows (over) covers: runs well beyond each line's left or right
// end, by more than the band's height (bh, pixels). A line may read only
// part of its row (the last words of a title's line lost, 加强 read of
// 加强城乡居民饮用水水源保护工作的通知): the rest is unread ink all the
// same. With no line over the band, every run is.
func beyond(runs []box, over []page.Line, pt float64, bh int) []box {
	var out []box
	for _, r := range runs {
		covered := slices.ContainsFunc(over, func(l page.Line) bool {
			x0, x1 := l.X/pt, (l.X+l.W)/pt
			return float64(r.x1) >= x0-float64(bh) && float64(r.x0) <= x1+float64(bh)
		})
		if !covered {
			out = append(out, r)
		}
	}
	return out
}

// inkRuns returns the runs of b's columns that hold ink, outside the
// columns of a rule or border (cols: dark pixels down the page, of h), a
// gap wider than 1.5 times the band's height apart: the words of a line
// are closer, a speck beside it farther (第104号 … 四). A run with less
// ink than a small character is a speck and left out.
func inkRuns(img *raster, cols []int, b band) []box {
	w, h, bh := img.w, img.h, b.y1-b.y0
	ink := make([]int, w)
	for y := b.y0; y < b.y1; y++ {
		for x, v := range img.pix[y*w : (y+1)*w] {
			if v < 128 && cols[x] < h/3 {
				ink[x]++
			}
		}
	}
	var runs []box
	gap := bh * 3 / 2
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
		if n >= bh*bh/8 {
			runs = append(runs, box{x0, b.y0, last + 1, b.y1})
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
	bands := unreadRows(img, dpi, p.Lines)
	if len(bands) == 0 {
		return nil, nil
	}
	if len(bands) > maxUnreadRows {
		return []string{fmt.Sprintf("%d rows of ink that no line read covers left unread: more than %d, as a picture or a table has", len(bands), maxUnreadRows)}, nil
	}
	pt := 72 / float64(dpi)
	read, joined := 0, 0
	var unread []string
	for _, b := range bands {
		// A margin of half the band's height: the band is cut where rows
		// hold enough ink, and a character's thin ends reach beyond.
		pad := max(dpi/20, (b.y1-b.y0)/2)
		var line page.Line
		var fixes []page.Correction
		for _, r := range b.parts {
			x0, y0 := max(0, r.x0-pad), max(0, r.y0-pad)
			crop := img.crop(box{x0, y0, min(img.w, r.x1+pad), min(img.h, r.y1+pad)})
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
			joined++
			continue
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
		read++
	}
	var notes []string
	if read > 0 {
		notes = append(notes, fmt.Sprintf("%d rows of ink that layout analysis left out read alone", read))
	}
	if joined > 0 {
		notes = append(notes, fmt.Sprintf("%d pieces of rows that a line read only in part read alone and joined to it", joined))
	}
	if len(unread) > 0 {
		notes = append(notes, fmt.Sprintf("ink left unread at %v from the top (read alone, it made no confident text)", unread))
	}
	return notes, nil
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
