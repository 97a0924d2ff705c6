package pdftext

import (
	"bytes"
	"math"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Layout tolerances, as fractions of the font size.
const (
	baselineTol = 0.45 // glyphs whose baselines differ less share a line
	overprint   = 0.15 // the same character this close is fake-bold overprinting
	wordGap     = 0.2  // a wider gap between glyphs is a space (unless both are Han)
	columnGap   = 2.5  // a wider gap splits the line (table cells, column gutters); spaced titles (通  知) stay whole
)

// placed is a glyph in page coordinates: top-left origin, y down.
type placed struct {
	x, y, w, size float64
	mx, my        float64 // position in the page's main frame (differs for turned text)
	gi            int32   // index into interp.glyphs, also the drawing order
}

// byY orders by baseline, then drawing order; byX by left edge, then drawing order.
func byY(a, b placed) int {
	if a.y != b.y {
		return cmpF(a.y, b.y)
	}
	return int(a.gi - b.gi)
}

func byX(a, b placed) int {
	if a.x != b.x {
		return cmpF(a.x, b.x)
	}
	return int(a.gi - b.gi)
}

func cmpF(a, b float64) int {
	if a < b {
		return -1
	}
	return 1
}

// rotation returns the quarter turn (0, 90, 180, 270 clockwise) that makes
// most of the page's text read left to right. It is the page's /Rotate when
// the text was drawn to read upright on the rotated page, and 0 when the
// producer drew it upright on the unrotated page.
func (in *interp) rotation() int {
	var n [4]int
	for i := range in.glyphs {
		n[in.glyphs[i].dir]++
	}
	best := 0
	for q := 1; q < 4; q++ {
		if n[q] > n[best] {
			best = q
		}
	}
	if n[best] == n[in.ref.rotate/90%4] {
		return in.ref.rotate
	}
	return best * 90
}

// lines turns the collected glyphs into lines in reading order, in the
// frame given by rotation. Text turned against the page's majority (a
// margin stamp, a sideways table head) is read in its own direction and
// placed after the main text, at its position in the main frame.
func (in *interp) lines() []page.Line {
	in.rot = in.ref.rotate
	if len(in.glyphs) == 0 {
		return nil
	}
	in.rot = in.rotation()
	horiz := in.placed[:0]
	var vert, turned []placed
	for i := range in.glyphs {
		g := &in.glyphs[i]
		if g.size <= 0 || math.IsNaN(g.x+g.y+g.size) || math.IsInf(g.x+g.y+g.size, 0) {
			continue
		}
		p := placed{w: g.w, size: g.size, gi: int32(i)}
		p.x, p.y = in.place(g, in.rot)
		p.mx, p.my = p.x, p.y
		switch {
		case g.vert:
			vert = append(vert, p)
		case int(g.dir)*90 != in.rot:
			p.x, p.y = in.place(g, int(g.dir)*90)
			turned = append(turned, p)
		default:
			horiz = append(horiz, p)
		}
	}
	in.placed = horiz
	out := in.horizontal(horiz)
	out = append(out, in.vertical(vert)...)
	if len(turned) > 0 {
		// Each direction separately, so that its rows do not mix.
		slices.SortFunc(turned, func(a, b placed) int {
			return int(in.glyphs[a.gi].dir) - int(in.glyphs[b.gi].dir)
		})
		for len(turned) > 0 {
			d := in.glyphs[turned[0].gi].dir
			n := 1
			for n < len(turned) && in.glyphs[turned[n].gi].dir == d {
				n++
			}
			out = append(out, in.horizontal(turned[:n])...)
			turned = turned[n:]
		}
	}
	return out
}

// place returns a glyph's origin in the frame of a page turned clockwise by
// rot degrees: top-left origin, y down.
func (in *interp) place(g *glyph, rot int) (x, y float64) {
	mb := in.ref.mediaBox
	switch rot {
	case 90:
		return g.y - mb[1], g.x - mb[0]
	case 180:
		return mb[2] - g.x, g.y - mb[1]
	case 270:
		return mb[3] - g.y, mb[2] - g.x
	}
	return g.x - mb[0], mb[3] - g.y
}

// text appends a glyph's text to b.
func (in *interp) text(b []byte, g *glyph) []byte {
	if g.multi >= 0 {
		return append(b, in.extra[g.multi]...)
	}
	return utf8.AppendRune(b, g.r)
}

func (in *interp) horizontal(ps []placed) []page.Line {
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, byY)
	var out []page.Line
	row := in.row[:0]
	defer func() { in.row = row[:0] }()
	flush := func() {
		slices.SortFunc(row, byX)
		out = in.buildLines(out, row)
		row = row[:0]
	}
	rowY, rowSize := ps[0].y, ps[0].size
	for _, p := range ps {
		if len(row) > 0 && p.y-rowY > baselineTol*math.Min(p.size, rowSize) {
			flush()
		}
		if len(row) == 0 {
			rowY, rowSize = p.y, p.size
		}
		row = append(row, p)
	}
	if len(row) > 0 {
		flush()
	}
	return out
}

// buildLines appends the lines of one baseline row (sorted by x): drops
// overprinted duplicates, inserts spaces at word gaps and splits at column
// gaps.
func (in *interp) buildLines(out []page.Line, row []placed) []page.Line {
	// The text is built in scratch reused from line to line, and copied
	// out once, trimmed, at the end of each.
	b := in.buf[:0]
	defer func() { in.buf = b[:0] }()
	var line page.Line
	// kept only needs the last few glyphs and the last one's extent
	kept := make([]placed, 0, 8)
	var first placed
	start := func(p placed) {
		first = p
		b = b[:0]
		kept = kept[:0]
		line = page.Line{X: p.mx, Y: p.my, Size: p.size, Bold: in.glyphs[p.gi].bold}
	}
	finish := func() {
		if len(kept) == 0 {
			return
		}
		last := kept[len(kept)-1]
		line.W = last.x + last.w - first.x
		line.Text = string(bytes.TrimSpace(b))
		if line.Text != "" {
			out = append(out, line)
		}
	}
	// A space is held back until the next glyph shows whether it sits
	// between two Han characters, where Chinese never has one.
	pending := false
	for i, p := range row {
		if i == 0 {
			start(p)
		}
		g := &in.glyphs[p.gi]
		// Fake bold: the same character drawn again almost on top.
		dup := false
		for j := len(kept) - 1; j >= 0 && j >= len(kept)-4; j-- {
			k := kept[j]
			tol := overprint * math.Max(k.size, p.size)
			if math.Abs(p.x-k.x) < tol && math.Abs(p.y-k.y) < tol && sameText(in, &in.glyphs[k.gi], g) {
				dup = true
				break
			}
		}
		if dup {
			line.Bold = true
			continue
		}
		if isSpace(g) {
			pending = len(kept) > 0
			continue
		}
		if len(kept) > 0 {
			prev := kept[len(kept)-1]
			gap := p.x - (prev.x + prev.w)
			size := math.Max(prev.size, p.size)
			if gap > columnGap*size {
				finish()
				start(p)
				pending = false
			} else {
				if gap > wordGap*size {
					pending = true
				}
				if pending && !(hanLike(&in.glyphs[prev.gi]) && hanLike(g)) {
					b = append(b, ' ')
				}
			}
		}
		pending = false
		b = in.text(b, g)
		line.Size = math.Max(line.Size, p.size)
		line.Bold = line.Bold || g.bold
		if len(kept) == cap(kept) {
			kept = kept[:copy(kept, kept[len(kept)-4:])]
		}
		kept = append(kept, p)
	}
	finish()
	return out
}

func sameText(in *interp, a, b *glyph) bool {
	if a.multi >= 0 || b.multi >= 0 {
		return a.multi >= 0 && b.multi >= 0 && in.extra[a.multi] == in.extra[b.multi]
	}
	return a.r == b.r
}

func isSpace(g *glyph) bool {
	return g.multi < 0 && (g.r == ' ' || g.r == '\u00a0')
}

// hanLike reports whether a glyph is a Han character or CJK punctuation,
// between which Chinese puts no spaces.
func hanLike(g *glyph) bool {
	if g.multi >= 0 {
		return false
	}
	r := g.r
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}

// vertical builds columns of vertical writing, right to left, each read top
// to bottom, as one line each.
func (in *interp) vertical(ps []placed) []page.Line {
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, func(a, b placed) int { return -byX(a, b) })
	var out []page.Line
	var col []placed
	flush := func() {
		slices.SortFunc(col, byY)
		b := in.buf[:0]
		l := page.Line{X: col[0].x, Y: col[0].y, Size: col[0].size, W: col[0].size}
		var prev *placed
		for i := range col {
			p := &col[i]
			if prev != nil && sameText(in, &in.glyphs[prev.gi], &in.glyphs[p.gi]) && math.Abs(p.y-prev.y) < overprint*p.size {
				l.Bold = true
				continue
			}
			b = in.text(b, &in.glyphs[p.gi])
			prev = p
		}
		in.buf = b[:0]
		l.Text = string(bytes.TrimSpace(b))
		if l.Text != "" {
			out = append(out, l)
		}
		col = col[:0]
	}
	colX := ps[0].x
	for _, p := range ps {
		if len(col) > 0 && colX-p.x > 0.5*p.size {
			flush()
		}
		if len(col) == 0 {
			colX = p.x
		}
		col = append(col, p)
	}
	flush()
	return out
}
