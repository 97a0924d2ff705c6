package typeset

import (
	"fmt"
	"math"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

// A4 in points.
const (
	pageW = 595.28
	pageH = 841.89
)

// rule is a drawn line (running-head rule, cover band).
type rule struct {
	x1, y1, x2, y2, width float64
	red                   bool
}

// sheet is one page being set: its truth and its drawing extras.
type sheet struct {
	Page
	rules []rule
	red   map[int]bool    // lines printed in red (the cover masthead)
	tcs   map[int]float64 // character spacing of justified lines, by line index
	tzs   map[int]float64 // horizontal scaling in percent (a long masthead), by line index
	heavy map[int]bool    // lines stroked as well as filled (小标宋: mastheads, titles)
	latin bool            // ASCII drawn in Times New Roman, as word processors do
	// overlay is drawn over the text, multiplied like ink: seals and
	// handwritten signatures, as content-stream operators.
	overlay []string
	doc     int // the document at the top of a body page
}

// inked reports whether the page prints anything red: a red line or rule,
// a seal or a signature stamp.
func (s *sheet) inked() bool {
	for _, r := range s.rules {
		if r.red {
			return true
		}
	}
	return len(s.red) > 0 || len(s.overlay) > 0
}

// geometry of the text block.
type geometry struct {
	size, lh, left, tw, top, bottom float64
	// tlead is the line height of centred lines (titles) as a multiple of
	// their size.
	tlead float64
}

func newGeometry(size float64) geometry {
	cpl := math.Floor(425 / size)
	tw := cpl * size
	return geometry{size: size, lh: size * 1.75, left: math.Round((pageW-tw)/2*100) / 100, tw: tw, top: 90, bottom: pageH - 80, tlead: 1.6}
}

// width is the advance of s at size: ASCII half an em, the rest a full em,
// as in 宋体 and in every encoding written here.
func width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w * size
}

func runeWidth(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

const (
	noStart = "，。、；：？！）》」』”’…—〕】·%,.;:?!)]"
	noEnd   = "（《「『“‘〔【(["
)

func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '%'
}

// breakText breaks text into lines no wider than firstCap (the first) and
// restCap (the others), keeping closing punctuation off line starts,
// opening punctuation off line ends and digit runs whole.
func breakText(text string, size, firstCap, restCap float64) []string {
	rs := []rune(text)
	var out []string
	for start, capw := 0, firstCap; start < len(rs); capw = restCap {
		w, i := 0.0, start
		for i < len(rs) && w+runeWidth(rs[i])*size <= capw+0.01 {
			w += runeWidth(rs[i]) * size
			i++
		}
		if i == start {
			i = start + 1 // a cap narrower than one character: set it anyway
		}
		if i < len(rs) {
			j := i
			for back := 0; back < 3 && j > start+1 && (strings.ContainsRune(noStart, rs[j]) || strings.ContainsRune(noEnd, rs[j-1])); back++ {
				j--
			}
			if !strings.ContainsRune(noStart, rs[j]) && !strings.ContainsRune(noEnd, rs[j-1]) {
				i = j
			}
			if isAlnum(rs[i]) && isAlnum(rs[i-1]) {
				k := i
				for k > start && isAlnum(rs[k-1]) {
					k--
				}
				if k > start+1 && i-k < 12 {
					i = k
				}
			}
		}
		out = append(out, string(rs[start:i]))
		start = i
	}
	return out
}

// spacing is the character spacing that stretches s to w at size.
func spacing(s string, size, w float64) float64 {
	n := len([]rune(s))
	if n < 2 {
		return 0
	}
	tc := (w - width(s, size)) / float64(n-1)
	if tc < 0 || tc > size*0.6 {
		return 0
	}
	return tc
}

// bodySetter sets documents onto body pages.
type bodySetter struct {
	g        geometry
	is       *issueModel
	fakeBold bool
	newPage  bool
	pages    []*sheet
	y        float64
	section  string
	// first and last body page (0-based) of each document
	first, last []int
	// headings holds each document's heading lines as printed
	headings [][]string
}

func (b *bodySetter) cur() *sheet { return b.pages[len(b.pages)-1] }

func (b *bodySetter) break_(doc int) {
	b.pages = append(b.pages, &sheet{Page: Page{Kind: "body", Width: pageW, Height: pageH}, doc: doc})
	b.y = b.g.top
}

// room reports whether h more points fit on the current page.
func (b *bodySetter) room(h float64) bool { return len(b.pages) > 0 && b.y+h <= b.g.bottom }

func (b *bodySetter) line(text string, x, size, tc float64, role Role, bold bool, doc int, lh float64) {
	if !b.room(lh) {
		b.break_(doc)
	}
	b.y += lh
	p := b.cur()
	n := len([]rune(text))
	w := width(text, size) + tc*float64(max(n-1, 0))
	p.Lines = append(p.Lines, Line{Line: page.Line{Text: text, X: round2(x), Y: round2(b.y), W: round2(w), Size: size, Bold: bold}, Role: role, Doc: doc})
	if tc != 0 {
		p.tc(len(p.Lines)-1, tc)
	}
}

// tc records the character spacing of justified line i.
func (s *sheet) tc(i int, tc float64) {
	if s.tcs == nil {
		s.tcs = map[int]float64{}
	}
	s.tcs[i] = tc
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// centered sets text centred (wrapping to maxW), one line per piece.
func (b *bodySetter) centered(text string, size, maxW float64, role Role, bold bool, doc int) []string {
	lines := balance(text, size, maxW)
	for _, l := range lines {
		b.line(l, b.g.left+(b.g.tw-width(l, size))/2, size, 0, role, bold, doc, size*b.g.tlead)
	}
	return lines
}

// balance breaks a title into lines of nearly equal length.
func balance(text string, size, maxW float64) []string {
	n := int(math.Ceil(width(text, size) / maxW))
	if n <= 1 {
		return []string{text}
	}
	for w := width(text, size) / float64(n); w <= maxW; w += size {
		if ls := breakText(text, size, w, w); len(ls) <= n {
			return ls
		}
	}
	return breakText(text, size, maxW, maxW)
}

// document sets document i.
func (b *bodySetter) document(i int, d docModel) {
	g := b.g
	s := g.size
	titleSize := s * 1.5
	titleH := float64(len(d.heading))*s*1.6*1.6 + 2*titleSize*1.6 + 3*g.lh
	switch {
	case len(b.pages) == 0 || b.newPage:
		b.break_(i)
	case b.room(titleH + 2*g.lh + 3*g.lh):
		b.y += 2 * g.lh
	default:
		b.break_(i)
	}
	if len(b.cur().Lines) == 0 {
		b.cur().doc = i
	}
	if b.is.bodyBanners && d.section != b.section {
		b.line("【"+d.section+"】", g.left+(g.tw-width("【"+d.section+"】", s*1.3))/2, s*1.3, 0, RoleBanner, false, i, s*1.3*1.6)
		b.y += g.lh * 0.5
	}
	b.section = d.section
	b.first = append(b.first, len(b.pages)-1)
	var heading []string
	for _, h := range d.heading {
		heading = append(heading, b.centered(h, s*1.6, g.tw, RoleHeading, b.fakeBold, i)...)
	}
	if len(d.heading) > 0 {
		b.y += g.lh
	}
	if d.kind != gazette.KindRule {
		heading = append(heading, b.centered(d.title, titleSize, g.tw-4*s, RoleTitle, b.fakeBold, i)...)
		if d.numLine != "" {
			b.y += g.lh * 0.3
			heading = append(heading, b.centered(d.numLine, s, g.tw, RoleDocNumber, false, i)...)
		}
		b.y += g.lh
	}
	b.headings = append(b.headings, heading)
	for _, p := range d.paras {
		b.paragraph(p, i)
	}
	b.last = append(b.last, len(b.pages)-1)
}

func (b *bodySetter) paragraph(p para, doc int) {
	g := b.g
	size := g.size
	if p.scale != 0 {
		size *= p.scale
	}
	lh := size * (g.lh / g.size)
	b.y += p.gap * g.lh
	switch p.align {
	case alignCenter:
		bold := b.fakeBold && p.role == RoleTitle
		b.centered(p.text, size, g.tw-4*size, p.role, bold, doc)
	case alignRight:
		b.line(p.text, g.left+g.tw-width(p.text, size)-2*size, size, 0, p.role, false, doc, lh)
	default:
		indent := 2 * size
		if p.align == alignFlush {
			indent = 0
		}
		lines := breakText(p.text, size, g.tw-indent, g.tw)
		for k, l := range lines {
			x, w := g.left, g.tw
			if k == 0 {
				x, w = g.left+indent, g.tw-indent
			}
			tc := 0.0
			if k < len(lines)-1 {
				tc = spacing(l, size, w)
			}
			b.line(l, x, size, tc, p.role, false, doc, lh)
		}
	}
}

// tocEntry is a 目录 line waiting for its page number.
type tocEntry struct {
	page   int // index into the contents sheets
	line   int // index into that sheet's lines
	doc    int // -1 for banners
	cap    float64
	banner bool
}

// setContents lays out the 目录 on sheets of their own; page numbers are
// filled in by fillContents once the body is numbered.
func setContents(is *issueModel, g geometry) ([]*sheet, []tocEntry) {
	var sheets []*sheet
	var entries []tocEntry
	s := g.size
	y := 0.0
	newSheet := func() {
		sheets = append(sheets, &sheet{Page: Page{Kind: "contents", Width: pageW, Height: pageH}})
		y = g.top
	}
	add := func(text string, x, size float64, role Role, lh float64) {
		if y+lh > g.bottom {
			newSheet()
		}
		y += lh
		p := sheets[len(sheets)-1]
		p.Lines = append(p.Lines, Line{Line: page.Line{Text: text, X: round2(x), Y: round2(y), W: round2(width(text, size)), Size: size}, Role: role, Doc: -1})
	}
	newSheet()
	head := "目　录"
	add(head, g.left+(g.tw-width(head, s*1.8))/2, s*1.8, RoleContents, s*1.8*1.5)
	y += g.lh * 0.5
	reserve := 5 * s // leaders and a page number of up to four digits
	section := ""
	for i, d := range is.docs {
		if d.section != section {
			section = d.section
			add("【"+section+"】", g.left, s*1.1, RoleContents, g.lh*1.3)
			entries = append(entries, tocEntry{page: len(sheets) - 1, line: len(sheets[len(sheets)-1].Lines) - 1, doc: -1, banner: true})
		}
		text := d.title
		if is.tocNumbers && d.numPrint != "" {
			if strings.HasPrefix(d.numLine, "（") {
				text += d.numLine
			} else {
				text += "（" + d.numPrint + "）"
			}
		}
		lines := []string{text}
		if width(text, s) > g.tw-s-reserve {
			lines = breakText(text, s, g.tw-s, g.tw-2*s-reserve)
			if width(lines[len(lines)-1], s) > g.tw-2*s-reserve {
				lines = append(lines[:len(lines)-1], breakText(lines[len(lines)-1], s, g.tw-2*s-reserve, g.tw-2*s-reserve)...)
			}
		}
		for k, l := range lines {
			x := g.left + s
			if k > 0 {
				x = g.left + 2*s
			}
			add(l, x, s, RoleContents, g.lh)
			p := sheets[len(sheets)-1]
			if k < len(lines)-1 {
				tc := spacing(l, s, g.left+g.tw-x)
				if tc > 0 {
					p.tc(len(p.Lines)-1, tc)
					p.Lines[len(p.Lines)-1].W = round2(g.left + g.tw - x)
				}
				continue
			}
			entries = append(entries, tocEntry{page: len(sheets) - 1, line: len(p.Lines) - 1, doc: i, cap: g.left + g.tw - x})
		}
	}
	return sheets, entries
}

// fillContents appends dot leaders and the printed page number to the
// last line of every entry, stretched to end at the right margin.
func fillContents(sheets []*sheet, entries []tocEntry, is *issueModel, printed []int) {
	for _, e := range entries {
		if e.banner {
			continue
		}
		p := sheets[e.page]
		l := &p.Lines[e.line]
		num := fmt.Sprint(printed[e.doc])
		lw := width(is.leader, l.Size)
		n := int((e.cap - width(l.Text, l.Size) - width(num, l.Size) - 0.5*l.Size) / lw)
		text := l.Text + strings.Repeat(is.leader, max(n, 2)) + num
		l.Text = text
		l.W = round2(e.cap)
		if tc := spacing(text, l.Size, e.cap); tc > 0 {
			p.tc(e.line, tc)
		}
	}
}

// cover sets the cover page.
func cover(is *issueModel, g geometry) *sheet {
	c := &sheet{Page: Page{Kind: "cover", Width: pageW, Height: pageH}, red: map[int]bool{}}
	add := func(text string, size, y float64, role Role, red bool) {
		c.Lines = append(c.Lines, Line{Line: page.Line{Text: text, X: round2((pageW - width(text, size)) / 2), Y: y, W: round2(width(text, size)), Size: size}, Role: role, Doc: -1})
		if red {
			c.red[len(c.Lines)-1] = true
		}
	}
	nameSize := math.Min(40, 440/float64(len([]rune(is.name))))
	add(is.name, nameSize, 190, RoleCover, true)
	c.rules = append(c.rules, rule{g.left, 215, g.left + g.tw, 215, 2.5, true}, rule{g.left, 220, g.left + g.tw, 220, 0.8, true})
	add(fmt.Sprintf("%d年第%d期", is.year, is.num), 22, 290, RoleCover, false)
	add(fmt.Sprintf("（总第%d期）", is.total), 14, 322, RoleCover, false)
	add(arabicDate(is.date)+"出版", 12, 690, RoleCover, false)
	add("主办："+is.publisher, 12, 714, RoleCover, false)
	return c
}

// furnish adds running heads and page numbers to a numbered page.
func furnish(p *sheet, is *issueModel, g geometry, printed int, label string, section string) {
	var head []Line
	hs := 9.0
	if p.Kind == "body" {
		hy := g.top - 28
		if printed%2 == 0 {
			left := is.name
			right := fmt.Sprintf("%d年第%d期", is.year, is.num)
			head = append(head,
				Line{Line: page.Line{Text: left, X: g.left, Y: hy, W: width(left, hs), Size: hs}, Role: RoleRunningHead, Doc: -1},
				Line{Line: page.Line{Text: right, X: round2(g.left + g.tw - width(right, hs)), Y: hy, W: width(right, hs), Size: hs}, Role: RoleRunningHead, Doc: -1})
		} else {
			head = append(head, Line{Line: page.Line{Text: section, X: round2(g.left + (g.tw-width(section, hs))/2), Y: hy, W: width(section, hs), Size: hs}, Role: RoleRunningHead, Doc: -1})
		}
		p.rules = append(p.rules, rule{g.left, hy + 5, g.left + g.tw, hy + 5, 0.6, false})
	}
	if len(head) > 0 {
		// Heads come first in reading order; shift the spacing indices.
		old := p.tcs
		p.tcs = nil
		for i, tc := range old {
			p.tc(i+len(head), tc)
		}
		p.Lines = append(head, p.Lines...)
	}
	if label == "" {
		return
	}
	var text string
	switch is.pageStyle {
	case "dash":
		text = "— " + label + " —"
	case "hyphen":
		text = "-" + label + "-"
	default:
		text = label
	}
	fs := 10.5
	x := (pageW - width(text, fs)) / 2
	if is.pageOuter {
		x = g.left
		if printed%2 == 1 {
			x = g.left + g.tw - width(text, fs)
		}
	}
	p.Lines = append(p.Lines, Line{Line: page.Line{Text: text, X: round2(x), Y: round2(pageH - 48), W: width(text, fs), Size: fs}, Role: RolePageNumber, Doc: -1})
}

// roman writes n in lower-case Roman numerals.
func roman(n int) string {
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
