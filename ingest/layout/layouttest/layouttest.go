package layouttest

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os/exec"
	"strings"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Poppler reads the positioned lines of every page of a PDF with
// `pdftotext -bbox-layout`. It returns exec.ErrNotFound (wrapped) when
// pdftotext is not installed.
func Poppler(ctx context.Context, path string) ([]page.Page, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, fmt.Errorf("layouttest: %w", err)
	}
	out, err := exec.CommandContext(ctx, bin, "-bbox-layout", path, "-").Output()
	if err != nil {
		return nil, fmt.Errorf("layouttest: pdftotext %s: %w", path, err)
	}
	return ParseBBoxLayout(out)
}

type xWord struct {
	XMin float64 `xml:"xMin,attr"`
	YMin float64 `xml:"yMin,attr"`
	XMax float64 `xml:"xMax,attr"`
	YMax float64 `xml:"yMax,attr"`
	Text string  `xml:",chardata"`
}

type xLine struct {
	Words []xWord `xml:"word"`
}

type xPage struct {
	Width  float64 `xml:"width,attr"`
	Height float64 `xml:"height,attr"`
	Lines  []xLine `xml:"flow>block>line"`
}

// ParseBBoxLayout turns pdftotext's -bbox-layout XHTML into pages.
func ParseBBoxLayout(data []byte) ([]page.Page, error) {
	var doc struct {
		Pages []xPage `xml:"body>doc>page"`
	}
	d := xml.NewDecoder(strings.NewReader(string(data)))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("layouttest: parse bbox layout: %w", err)
	}
	if len(doc.Pages) == 0 {
		return nil, errors.New("layouttest: parse bbox layout: no pages")
	}
	var pages []page.Page
	for i, xp := range doc.Pages {
		p := page.Page{Number: i + 1, Width: xp.Width, Height: xp.Height, Extractor: page.Poppler, Confidence: 0.9}
		for _, xl := range xp.Lines {
			if len(xl.Words) == 0 {
				continue
			}
			var b strings.Builder
			var heights []float64
			x0, x1, yMax := math.Inf(1), 0.0, 0.0
			for k, w := range xl.Words {
				h := w.YMax - w.YMin
				heights = append(heights, h)
				if k > 0 && w.XMin-xl.Words[k-1].XMax > 0.2*h {
					b.WriteByte(' ')
				}
				b.WriteString(w.Text)
				x0, x1, yMax = min(x0, w.XMin), max(x1, w.XMax), max(yMax, w.YMax)
			}
			size := heights[len(heights)/2]
			p.Lines = append(p.Lines, page.Line{Text: b.String(), X: x0, Y: yMax - 0.12*size, W: x1 - x0, Size: size})
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// Style is how a block is set.
type Style int

// The block styles of a gazette page.
const (
	Body    Style = iota // a paragraph: first line indented two characters
	Title                // centred, larger
	Centre               // centred, body size: 文号 lines, 令 numbers
	Right                // right-aligned four characters from the margin: signatures, dates
	Flush                // flush left, body size, no indent (TOC lines, list lines)
	Banner               // a section banner 【…】, centred, larger, bold
	NewPage              // not printed: the next block starts on a new page
)

// Block is a piece of text to set.
type Block struct {
	Text  string
	Style Style
}

// Options shape the typesetting.
type Options struct {
	// Head returns the running head for a printed page number; empty for
	// none. Odd and even pages may differ.
	Head func(printed int) string
	// Foot returns the footer line (usually the page number), or "".
	Foot func(printed int) string
	// FirstPrinted is the printed number of the first page; pages before
	// FrontPages are unnumbered front matter (cover, 目录).
	FirstPrinted int
	FrontPages   int
	// NoSizes leaves Line.Size at 0, as some extractors do.
	NoSizes bool
	// Jitter moves every position by up to this many points at random, as
	// OCR does.
	Jitter float64
	// Seed drives the jitter.
	Seed uint64
}

// Placement says where a block landed.
type Placement struct {
	Page int     // file page, 1-based
	Y    float64 // baseline of its first line
}

const (
	pageW, pageH      = 595.0, 842.0
	marginL, marginR  = 80.0, 515.0
	marginT, marginB  = 90.0, 770.0
	bodySize          = 15.0
	titleSize         = 21.0
	lineGap           = 1.75
	headY, footY      = 55.0, 805.0
	headSize          = 10.5
	rightIndentChars  = 4
	titleMaxFraction  = 0.85
	halfWidthFraction = 0.5
)

// width of s in points at size.
func width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x2E80 {
			w += halfWidthFraction * size
		} else {
			w += size
		}
	}
	return w
}

// wrap breaks s into lines no wider than first (for the first line) and
// rest (after it) at size.
func wrap(s string, size, first, rest float64) []string {
	var lines []string
	var cur strings.Builder
	limit := first
	w := 0.0
	runes := []rune(s)
	for i, r := range runes {
		rw := width(string(r), size)
		if w+rw > limit+0.01 && cur.Len() > 0 && !noBreakBefore(runes, i) {
			lines = append(lines, cur.String())
			cur.Reset()
			w, limit = 0, rest
		}
		cur.WriteRune(r)
		w += rw
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// Typeset sets blocks on pages and returns the pages and where each block
// landed (NewPage blocks land where the next block does).
func Typeset(blocks []Block, opt Options) ([]page.Page, []Placement) {
	rng := rand.New(rand.NewPCG(opt.Seed, 7))
	var pages []page.Page
	var cur *page.Page
	y := 0.0
	newPage := func() {
		pages = append(pages, page.Page{Number: len(pages) + 1, Width: pageW, Height: pageH, Extractor: page.Text, Confidence: 1})
		cur = &pages[len(pages)-1]
		y = marginT
	}
	newPage()
	put := func(text string, x, size float64) {
		if y > marginB {
			newPage()
		}
		cur.Lines = append(cur.Lines, page.Line{Text: text, X: x, Y: y, W: width(text, size), Size: size})
		y += size * lineGap
	}
	places := make([]Placement, len(blocks))
	text := marginR - marginL
	for i, b := range blocks {
		if b.Style == NewPage {
			if len(cur.Lines) > 0 {
				newPage()
			}
			places[i] = Placement{Page: cur.Number, Y: y}
			continue
		}
		size := bodySize
		if b.Style == Title || b.Style == Banner {
			size = titleSize
		}
		var lines []string
		switch b.Style {
		case Body:
			lines = wrap(b.Text, size, text-2*size, text)
		case Title, Banner:
			lines = wrap(b.Text, size, text*titleMaxFraction, text*titleMaxFraction)
		default:
			lines = wrap(b.Text, size, text, text)
		}
		// Keep a title with at least two lines after it.
		if need := float64(len(lines)+2) * size * lineGap; (b.Style == Title || b.Style == Banner) && y+need > marginB && len(cur.Lines) > 0 {
			newPage()
		}
		if y > marginB {
			newPage()
		}
		places[i] = Placement{Page: cur.Number, Y: y}
		for k, l := range lines {
			x := marginL
			switch {
			case b.Style == Body && k == 0:
				x += 2 * size
			case b.Style == Title, b.Style == Banner, b.Style == Centre:
				x = marginL + (text-width(l, size))/2
			case b.Style == Right:
				x = marginR - rightIndentChars*size - width(l, size)
			}
			put(l, x, size)
		}
		if b.Style == Title || b.Style == Banner {
			y += 0.6 * size
		}
	}
	for i := range pages {
		p := &pages[i]
		printed := 0
		if i >= opt.FrontPages {
			printed = opt.FirstPrinted + i - opt.FrontPages
		}
		if opt.Head != nil && printed > 0 {
			if h := opt.Head(printed); h != "" {
				p.Lines = append([]page.Line{{Text: h, X: marginL + (text-width(h, headSize))/2, Y: headY, W: width(h, headSize), Size: headSize}}, p.Lines...)
			}
		}
		if opt.Foot != nil && printed > 0 {
			if f := opt.Foot(printed); f != "" {
				x := marginL + (text-width(f, headSize))/2
				p.Lines = append(p.Lines, page.Line{Text: f, X: x, Y: footY, W: width(f, headSize), Size: headSize})
			}
		}
		for j := range p.Lines {
			l := &p.Lines[j]
			if opt.NoSizes {
				l.Size = 0
			}
			if opt.Jitter > 0 {
				l.X += (rng.Float64()*2 - 1) * opt.Jitter
				l.Y += (rng.Float64()*2 - 1) * opt.Jitter
				l.W += (rng.Float64()*2 - 1) * opt.Jitter
			}
		}
	}
	return pages, places
}

// noBreakBefore applies the usual line-breaking rules (禁则): no line starts
// with closing punctuation, and a number or a Latin word is not split
// (it hangs into the margin instead).
func noBreakBefore(r []rune, i int) bool {
	if strings.ContainsRune("，。、；：！？）》」』】〕”’)]}.,;:!?%", r[i]) {
		return true
	}
	prev := r[i-1]
	isWord := func(c rune) bool {
		return c < 0x80 && (c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')
	}
	return isWord(prev) && isWord(r[i]) || strings.ContainsRune("（《「『【〔“‘([{", prev)
}
