package layout

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Align says where a line sits between the page's text margins.
type Align int

// The alignments a line can have.
const (
	// AlignLeft is flush with the left margin: a wrapped line, or a
	// paragraph in a style without first-line indent.
	AlignLeft Align = iota
	// AlignIndent is about two characters in: a paragraph's first line.
	AlignIndent
	// AlignCentre is centred between the margins: titles, 文号 lines.
	AlignCentre
	// AlignRight starts well right of the margin without being centred:
	// signature blocks and dates.
	AlignRight
)

// String names the alignment.
func (a Align) String() string {
	switch a {
	case AlignLeft:
		return "left"
	case AlignIndent:
		return "indent"
	case AlignCentre:
		return "centre"
	case AlignRight:
		return "right"
	}
	return "unknown"
}

// Paragraph is a run of lines read as one block of text.
type Paragraph struct {
	Text string `json:"text"`
	Page int    `json:"page"` // file page (1-based) of its first line
	// PageEnd is the file page of its last line: a paragraph may run on
	// to the next page.
	PageEnd int     `json:"page_end"`
	Y       float64 `json:"y"`    // baseline of its first line
	Size    float64 `json:"size"` // font size of its first line, 0 if unknown
	// Align is the alignment of its first line.
	Align Align `json:"align"`
	// Heading is set for a centred line, or a line clearly larger than the
	// body text; consecutive heading lines of one title are merged.
	Heading bool `json:"heading,omitempty"`
	Lines   int  `json:"lines"` // how many printed lines it joins
}

// Page is one cleaned page.
type Page struct {
	Number int `json:"number"` // 1-based position in the file
	// Printed is the page number printed on the page, 0 if none was found
	// or it was not an Arabic number.
	Printed int `json:"printed,omitempty"`
	// PrintedLabel is the printed page number as written after folding
	// full-width digits ("5", "iv"), empty if none was found.
	PrintedLabel string `json:"printed_label,omitempty"`
	// Lines are the page's lines without running heads, footers and page
	// numbers, in reading order.
	Lines []page.Line `json:"lines"`
	// Removed are the lines taken away as heads, footers or page numbers.
	Removed []page.Line `json:"removed,omitempty"`
	// Paragraphs are the paragraphs that start on this page; a paragraph
	// running on to the next page belongs to the page where it starts.
	Paragraphs []Paragraph `json:"paragraphs"`
	Extractor  page.Extractor
	// Aligns holds the alignment of each of Lines.
	Aligns []Align `json:"-"`
}

// Text returns the paragraphs' text, one paragraph a line.
func Text(ps []Paragraph) string {
	n := len(ps)
	for _, p := range ps {
		n += len(p.Text)
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// Paragraphs returns the paragraphs of all pages in order.
func Paragraphs(pages []Page) []Paragraph {
	n := 0
	for _, p := range pages {
		n += len(p.Paragraphs)
	}
	out := make([]Paragraph, 0, n)
	for _, p := range pages {
		out = append(out, p.Paragraphs...)
	}
	return out
}

// Clean removes running heads, footers and page numbers from pages, records
// each page's printed number and rebuilds the paragraphs. It never fails:
// lines without geometry are split into paragraphs by their punctuation and
// length alone.
func Clean(pages []page.Page) []Page {
	out := make([]Page, len(pages))
	for i, p := range pages {
		out[i] = Page{Number: p.Number, Extractor: p.Extractor}
		if out[i].Number == 0 {
			out[i].Number = i + 1
		}
		for _, l := range p.Lines {
			l.Text = strings.TrimSpace(strings.ToValidUTF8(l.Text, "\uFFFD"))
			if l.Text == "" {
				continue
			}
			l.X, l.Y, l.W, l.Size = finite(l.X), finite(l.Y), finite(l.W), finite(l.Size)
			out[i].Lines = append(out[i].Lines, l)
		}
		if p.Extractor == page.OCR {
			out[i].Lines = joinPieces(out[i].Lines)
		}
	}
	removeFurniture(out, pages)
	buildParagraphs(out)
	return out
}

// pieceWindow is how many lines after a line OCR may return a piece of it
// at: the engine reads a line cut by a gap as blocks of their own, and the
// lines between may be the block's other lines.
const pieceWindow = 3

// joinPieces joins the pieces OCR cut one printed line into where the
// line has a gap in it (wide glyphs of a title, a seal, the back of the
// sheet showing through): lines on one baseline that follow each other
// within a character's width, however the engine ordered them (a title's
// second line came back as 办法的通知 before 苍梧省预算绩效管理). The joined
// line stands where its first piece stood; pieces set further apart (joint
// signatures side by side, table cells) stay lines of their own.
func joinPieces(lines []page.Line) []page.Line {
	gone := make([]bool, len(lines))
	out := lines[:0:0]
	for i := range lines {
		if gone[i] {
			continue
		}
		a := lines[i]
		for joined := true; joined; {
			joined = false
			for j := i + 1; j < len(lines) && j <= i+pieceWindow; j++ {
				if gone[j] || !sameBaseline(a, lines[j]) {
					continue
				}
				if l, ok := joinPiece(a, lines[j]); ok {
					a, gone[j], joined = l, true, true
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// joinPiece joins b to a when it stands just right or just left of it on
// their baseline: the gap between them at most a character's width, and
// they do not overlap by more than half of one.
func joinPiece(a, b page.Line) (page.Line, bool) {
	if a.W <= 0 || b.W <= 0 {
		return a, false
	}
	cw := max(a.Size, b.Size)
	if cw <= 0 {
		cw = max(a.W/max(units(a.Text), 1), b.W/max(units(b.Text), 1))
	}
	left, right := a, b
	if b.X < a.X {
		left, right = b, a
	}
	gap := right.X - (left.X + left.W)
	if gap > cw || gap < -cw/2 {
		return a, false
	}
	text := left.Text
	last, _ := utf8.DecodeLastRuneInString(text)
	first, _ := utf8.DecodeRuneInString(right.Text)
	if isLatinWord(last) && isLatinWord(first) {
		text += " "
	}
	return page.Line{Text: text + right.Text, X: left.X, Y: a.Y, W: right.X + right.W - left.X,
		Size: max(a.Size, b.Size), Bold: a.Bold && b.Bold}, true
}

func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0
	}
	return f
}

// metrics are one page's text box and character size.
type metrics struct {
	geom  bool    // positions are known
	cw    float64 // width of one Han character
	left  float64 // left text margin
	right float64 // right text margin
	pitch float64 // usual distance between baselines
}

// units is a line's width in Han characters: half-width runes count half.
func units(s string) float64 {
	u := 0.0
	for _, r := range s {
		switch {
		case r == ' ':
			u += 0.3
		case r < 0x2E80 || r >= 0xFF61 && r <= 0xFFDC:
			u += 0.5
		default:
			u++
		}
	}
	return u
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// quantile returns the q-quantile of v (0 for none).
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// pageMetrics measures a page; ok is false when it has too few long lines
// to trust its margins alone.
func pageMetrics(lines []page.Line) (m metrics, ok bool) {
	var sizes, widths []float64
	withW := 0
	for _, l := range lines {
		if l.W > 0 {
			withW++
		}
		if l.Size > 0 {
			sizes = append(sizes, l.Size)
		}
		if u := units(l.Text); u >= 4 && l.W > 0 {
			widths = append(widths, l.W/u)
		}
	}
	m.geom = withW*2 >= len(lines) && withW > 0
	if !m.geom {
		return m, false
	}
	m.cw = median(widths)
	if m.cw == 0 {
		m.cw = median(sizes)
	}
	if m.cw == 0 {
		m.cw = 10
	}
	minX, maxR := math.Inf(1), 0.0
	for _, l := range lines {
		minX = min(minX, l.X)
		maxR = max(maxR, l.X+l.W)
	}
	var long []page.Line
	for _, l := range lines {
		if l.W >= 0.6*(maxR-minX) {
			long = append(long, l)
		}
	}
	minLong := math.Inf(1)
	for _, l := range long {
		minLong = min(minLong, l.X)
	}
	var lefts, rights []float64
	body := median(sizes)
	for _, l := range long {
		if l.X <= minLong+0.7*m.cw {
			lefts = append(lefts, l.X)
		}
		// Justified text ends at the right margin, a title set larger
		// ends wherever it is centred to: on a page of short lines
		// (appointments) it would pass for the margin, and every title
		// then for a signature set to the right.
		if l.X+l.W >= maxR-1.5*m.cw && (body == 0 || l.Size <= 1.2*body) {
			rights = append(rights, l.X+l.W)
		}
	}
	m.left, m.right = median(lefts), median(rights)
	var gaps []float64
	for i := 1; i < len(lines); i++ {
		if d := lines[i].Y - lines[i-1].Y; d > 0.5*m.cw {
			gaps = append(gaps, d)
		}
	}
	m.pitch = median(gaps)
	return m, len(long) >= 3 && len(rights) > 0
}

// buildParagraphs classifies every line and groups lines into paragraphs
// across the whole issue, so a paragraph may run on to the next page.
func buildParagraphs(pages []Page) {
	all := make([]metrics, len(pages))
	good := make([]bool, len(pages))
	var lefts, rights, pitches, sizes []float64
	for i, p := range pages {
		all[i], good[i] = pageMetrics(p.Lines)
		if good[i] {
			lefts = append(lefts, all[i].left)
			rights = append(rights, all[i].right)
			pitches = append(pitches, all[i].pitch)
		}
		for _, l := range p.Lines {
			if l.Size > 0 {
				sizes = append(sizes, l.Size)
			}
		}
	}
	body := median(sizes)
	// Pages of tables or short lines understate the right margin: the
	// issue's margin is near the widest pages', and a page far inside it
	// borrows it.
	globalRight := quantile(rights, 0.9)
	for i := range pages {
		m := &all[i]
		if good[i] && m.right < globalRight-4*m.cw {
			good[i] = false
		}
		if m.geom && !good[i] && len(lefts) > 0 {
			// Too few full lines to see the margins (a short last page):
			// borrow the usual margins.
			m.left, m.right = median(lefts), globalRight
			if m.pitch == 0 {
				m.pitch = median(pitches)
			}
		}
	}
	var b builder
	b.body = body
	for i := range pages {
		p := &pages[i]
		m := all[i]
		lens := lineLengths(p.Lines)
		p.Aligns = make([]Align, len(p.Lines))
		for j, l := range p.Lines {
			align, heading := classify(l, m, body)
			p.Aligns[j] = align
			short := false
			if m.geom {
				short = m.right-(l.X+l.W) > 1.5*m.cw
			} else {
				short = utf8.RuneCountInString(l.Text) < int(0.75*float64(lens))
			}
			b.add(i, p, l, align, heading, short, m)
		}
	}
	b.flush()
	for _, para := range b.out {
		i := para.page
		pages[i].Paragraphs = append(pages[i].Paragraphs, para.Paragraph)
	}
}

// lineLengths is the length in runes of a page's long lines, used to tell
// short lines where positions are unknown.
func lineLengths(lines []page.Line) int {
	var n []float64
	for _, l := range lines {
		n = append(n, float64(utf8.RuneCountInString(l.Text)))
	}
	if len(n) == 0 {
		return 0
	}
	slices.Sort(n)
	return int(n[len(n)*9/10])
}

// classify places a line between the margins and says whether it is a
// heading.
func classify(l page.Line, m metrics, body float64) (Align, bool) {
	larger := l.Size > 0 && body > 0 && l.Size >= 1.15*body
	if !m.geom || m.right <= m.left {
		return AlignLeft, larger
	}
	dx := l.X - m.left
	end := l.X + l.W
	gapR := m.right - end
	mid := (l.X + end) / 2
	centred := math.Abs(mid-(m.left+m.right)/2) <= max(1.5*m.cw, 0.04*(m.right-m.left))
	switch {
	case dx < 1.0*m.cw:
		return AlignLeft, larger
	case dx > 1.5*m.cw && math.Abs(dx-gapR) < 0.8*m.cw:
		// As far in from the right as from the left: a wrapped title's
		// first line, centred.
		return AlignCentre, true
	case dx < 3.2*m.cw && (gapR < 1.5*m.cw || !centred || !larger):
		return AlignIndent, larger
	case centred && gapR > 1.0*m.cw:
		return AlignCentre, true
	}
	return AlignRight, larger
}

type placed struct {
	Paragraph
	page int // index into pages
}

// builder accumulates lines into paragraphs.
type builder struct {
	out     []placed
	cur     *placed
	text    []byte // cur's text while it has more than one line, reused
	joined  bool   // text holds cur's text
	body    float64
	prev    page.Line
	prevPg  int
	prevAl  Align
	prevHd  bool
	short   bool // the previous line ended short of the right margin
	hasPrev bool
}

func (b *builder) add(idx int, p *Page, l page.Line, align Align, heading, short bool, m metrics) {
	pi := p.Number
	newPara := !b.hasPrev
	if b.hasPrev {
		samePage := b.prevPg == pi
		switch {
		case heading && b.prevHd && samePage && mergeHeading(b.prev, l, m) && !(align == AlignIndent && b.prevAl == AlignLeft):
			// An indented line under one set from the margin opens a
			// paragraph: a wrapped title goes on centred or from the
			// margin. (On a scan whose show-through swells the line
			// boxes, the 主送 and the text read as large as a title.)
			newPara = false
		case heading || b.prevHd:
			newPara = true
		case align == AlignIndent || align == AlignCentre || align == AlignRight:
			newPara = true
		case b.prevAl == AlignCentre || b.prevAl == AlignRight:
			newPara = true
		case b.short:
			newPara = true
		case !m.geom && ownLine(l.Text):
			// Without positions nothing shows that a 文号 or date line
			// stands apart from the title above it.
			newPara = true
		case !m.geom && endsSentence(b.prev.Text):
			newPara = true
		case samePage && m.pitch > 0 && l.Y-b.prev.Y > 1.8*m.pitch:
			newPara = true
		case b.body > 0 && l.Size > 0 && b.prev.Size > 0 && math.Abs(l.Size-b.prev.Size) > 0.15*b.body:
			newPara = true
		}
	}
	if newPara {
		b.flush()
		b.cur = &placed{page: idx, Paragraph: Paragraph{
			Text: l.Text, Page: p.Number, PageEnd: p.Number, Y: l.Y, Size: l.Size, Align: align, Heading: heading, Lines: 1,
		}}
	} else {
		if !b.joined {
			b.text, b.joined = append(b.text[:0], b.cur.Text...), true
		}
		b.text = appendLine(b.text, l.Text)
		b.cur.Lines++
		b.cur.PageEnd = p.Number
	}
	b.prev, b.prevPg, b.prevAl, b.prevHd, b.short, b.hasPrev = l, pi, align, heading, short, true
}

func (b *builder) flush() {
	if b.cur != nil {
		if b.joined {
			b.cur.Text, b.joined = string(b.text), false
		}
		b.cur.Text = ArticleSpace(b.cur.Text)
		b.out = append(b.out, *b.cur)
		b.cur = nil
	}
}

// mergeHeading reports whether heading line l continues the heading of prev
// (a title wrapped over two lines) rather than starting a new block. A line
// ending in 号 or 日 is a 文号 or date line, and a 【…】 line a section
// banner: those stay apart.
func mergeHeading(prev, l page.Line, m metrics) bool {
	if standalone(l.Text) || standalone(prev.Text) {
		return false
	}
	if prev.Size > 0 && l.Size > 0 && math.Abs(prev.Size-l.Size) > 0.1*max(prev.Size, l.Size) {
		return false
	}
	if m.geom && m.pitch > 0 && l.Y-prev.Y > 2.2*max(m.pitch, prev.Size) {
		return false
	}
	// A title wraps only when its line is full: a short heading line
	// (a section banner, a 令 heading) is a block of its own.
	return !m.geom || prev.W >= 0.6*(m.right-m.left)
}

func standalone(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "【") {
		return true
	}
	// Every form reStandalone matches ends in 号, 號 or 日: the pattern,
	// which tries every position, runs on those lines alone.
	if !strings.HasSuffix(s, "号") && !strings.HasSuffix(s, "號") && !strings.HasSuffix(s, "日") {
		return false
	}
	return reStandalone.MatchString(page.Squeeze(s))
}

// ownLine reports whether s is a 文号 or date line and nothing more: short,
// and standalone. A body line that merely ends in a date (…自2019年5月1日 /
// 起施行) is longer.
func ownLine(s string) bool {
	return standalone(s) && utf8.RuneCountInString(page.Squeeze(s)) <= 16
}

// reStandalone matches a 文号 line (〔2019〕14号, 第208号) or a date line
// at the end of a heading line.
var reStandalone = regexp.MustCompile(`[〔\[［(（][0-9〇一二三四五六七八九]{4}[〕\]］)）]第?[0-9]+[号號]$|第[0-9〇零一二三四五六七八九十百]+[号號]$|年[0-9〇零一二三四五六七八九十]{1,3}月[0-9〇零一二三四五六七八九十]{1,3}日$`)

// endsSentence reports whether s ends with punctuation that closes a
// sentence or introduces a list.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return strings.ContainsRune("。！？；：!?;:", r)
}

// JoinLines joins a wrapped line to the text before it the Chinese way: no
// space where either side is Han or full-width punctuation, one space
// between Latin words, and a line-end hyphen between two letters removed.
func JoinLines(a, b string) string {
	return string(appendLine([]byte(a), b))
}

// appendLine joins line b to the text a as JoinLines does, in place: a
// paragraph of many lines is built in one buffer, not copied at every line.
func appendLine(a []byte, b string) []byte {
	a = bytes.TrimRight(a, " \t")
	b = strings.TrimLeft(b, " \t")
	if len(a) == 0 || b == "" {
		return append(a, b...)
	}
	last, _ := utf8.DecodeLastRune(a)
	first, _ := utf8.DecodeRuneInString(b)
	if last == '-' && len(a) > 1 {
		before, _ := utf8.DecodeLastRune(a[:len(a)-1])
		if isLatinLetter(before) && isLatinLetter(first) {
			return append(a[:len(a)-1], b...)
		}
		return append(a, b...)
	}
	if unicode.IsDigit(last) && unicode.IsDigit(first) {
		return append(a, b...) // a number wrapped in the middle
	}
	if isLatinWord(last) && isLatinWord(first) || last == ',' && isLatinWord(first) {
		a = append(a, ' ')
	}
	return append(a, b...)
}

func isLatinLetter(r rune) bool { return r < 0x2E80 && unicode.IsLetter(r) }

func isLatinWord(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '.' || r == ')' || r == '%'
}
