package ocr

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Engine renders a page with pdftoppm and reads it with tesseract. It is
// safe for concurrent use; each call runs its own processes.
type Engine struct {
	pdftoppm, tesseract string
	// pdfimages and pdfinfo find a scan's own resolution; "" when not
	// installed, and every page is rendered at dpi.
	pdfimages, pdfinfo string
	lang               string
	dpi, psm           int
	// osd says tesseract has its orientation data (osd.traineddata).
	osd bool
	// digitLang reads the page numbers of a table of contents: eng where
	// installed (it reads a lone digit that chi_sim misreads as 多 or 8),
	// else lang.
	digitLang string
	// lex is what names are checked against: the built-in lexicon, with
	// the archive's authorities once SetNames gave them.
	lex atomic.Pointer[Lexicon]
	lim Limits
	// names is the tessdata folder of the second model that reads lines
	// with place names again (see readNames); "" when not installed, and
	// namesErr says why (a page with such lines says so in its Note).
	names    string
	namesErr error
}

// Options configure an Engine. Zero fields take the defaults.
type Options struct {
	// Lang is tesseract's language (default "chi_sim"; "chi_sim+eng" reads
	// more Latin text at some cost in speed).
	Lang string
	// DPI is the rendering resolution of pages that are not a scan
	// (default 200: on 300 dpi scans of 10.5 pt and 14 pt text it read as
	// well as 300 dpi or better, for about 20% less CPU; 400 dpi read worse;
	// see TestEval). A page that is one image covering most of it is
	// rendered at the image's own resolution instead (see scanDPI).
	DPI int
	// PSM is tesseract's page segmentation mode (default 3: automatic,
	// which finds columns; 6, one block, read single-column pages 0.1–0.5
	// points better in TestEval but runs columns together).
	PSM    int
	Limits Limits
}

// DefaultDPI is the resolution non-scan pages are rendered at when
// Options.DPI is zero (see Options.DPI for why).
const DefaultDPI = 200

// NewEngine finds pdftoppm and tesseract and checks that tesseract has the
// language. Missing tools or language data give an error wrapping
// ErrNotInstalled.
func NewEngine(ctx context.Context, opts Options) (*Engine, error) {
	e := &Engine{lang: cmp.Or(opts.Lang, "chi_sim"), dpi: cmp.Or(opts.DPI, DefaultDPI), psm: cmp.Or(opts.PSM, 3), lim: opts.Limits.withDefaults()}
	var err error
	if e.pdftoppm, err = lookTool("pdftoppm", "poppler-utils"); err != nil {
		return nil, err
	}
	if e.tesseract, err = lookTool("tesseract", "tesseract-ocr"); err != nil {
		return nil, err
	}
	// Optional: without them scans are rendered at DPI.
	e.pdfimages, _ = exec.LookPath("pdfimages")
	e.pdfinfo, _ = exec.LookPath("pdfinfo")
	out, err := run(ctx, e.lim, nil, e.tesseract, "--list-langs")
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for l := range strings.Lines(string(out)) {
		have[strings.TrimSpace(l)] = true
	}
	e.osd = have["osd"]
	e.digitLang = e.lang
	if have["eng"] {
		e.digitLang = "eng"
	}
	e.lex.Store(builtinLexicon())
	e.names, e.namesErr = findSecondModel()
	for _, l := range strings.Split(e.lang, "+") {
		if !have[l] {
			return nil, fmt.Errorf("ocr: tesseract language %s %w (install tesseract-ocr-%s)", l, ErrNotInstalled, strings.ReplaceAll(l, "_", "-"))
		}
	}
	return e, nil
}

// SetNames makes post-correction check names against names (the
// authorities already in the archive) besides China's administrative
// divisions and the names of government departments (see NewLexicon).
// Pages read from then on use them; it is safe while pages are read.
func (e *Engine) SetNames(names []string) {
	if len(names) > 0 {
		e.lex.Store(NewLexicon(names))
	}
}

// Page renders page n (1-based) of the PDF at path and reads its text. The
// page's confidence is tesseract's mean word confidence, weighted by length.
//
// The page is rendered in colour, turned by its /Rotate, at a scan's own
// resolution (see scanDPI) or the configured one, and at most maxOCRSide
// pixels long. A page with red ink is read twice (see separateInks): the
// black text with the red dropped out, and the red heading on its own. A
// page that reads as turned (lines taller than wide, or a low confidence)
// is turned upright as tesseract's orientation detection says and read
// again. A page with rows of leader dots (a table of contents) is read
// again without them, its page numbers read apart (see dropLeaderDots).
// Rows of ink that no line read covers are read alone (see readUnread).
// A date line, a 印发 line and a 文号 line are read again alone (see
// rereadDates), and lines with place names by a second model (see
// Names).
// Then every line is post-corrected (see correctLine), each change
// recorded in Page.Corrections. Page.Note says what was done.
func (e *Engine) Page(ctx context.Context, path string, n int) (page.Page, error) {
	f := e.Names()
	p, err := f.Page(ctx, path, n)
	if err != nil {
		return p, err
	}
	pages := []page.Page{p}
	f.Read(ctx, pages)
	if err := ctx.Err(); err != nil {
		return page.Page{}, fmt.Errorf("ocr: read place names of page %d of %s: %w", n, path, err)
	}
	return pages[0], nil
}

// page is Page without the second model's readings: it returns the lines
// with place names cut out for it to read (see Names).
func (e *Engine) page(ctx context.Context, path string, n int) (page.Page, []nameCut, error) {
	dir, err := os.MkdirTemp("", "gazette-ocr")
	if err != nil {
		return page.Page{}, nil, fmt.Errorf("ocr: %w", err)
	}
	defer os.RemoveAll(dir)
	fail := func(what string, err error) (page.Page, []nameCut, error) {
		return page.Page{}, nil, fmt.Errorf("ocr: %s page %d of %s: %w", what, n, path, err)
	}
	img, dpi, err := e.render(ctx, dir, path, n)
	if err != nil {
		return fail("render", err)
	}
	main, red, plain, notes := inksOf(img, dpi)
	img = nil
	psm := e.psm
	p, err := e.read(ctx, dir, "page", main, dpi)
	if err != nil {
		return fail("read", err)
	}
	if e.psm != 6 && countRunes(p) < minBlockRunes && darkShare(main) > minInk {
		// Automatic layout analysis can take a sparse page of seals and
		// a few lines for a picture and find no text: read it as one block.
		q, err := e.readPSM(ctx, dir, "block", main, dpi, 6)
		if err != nil {
			return fail("read", err)
		}
		if countRunes(q) > countRunes(p) {
			p, psm = q, 6
			notes = append(notes, "read as one block: layout analysis found no text")
		}
	}
	if p.Confidence < showThroughConf {
		// Tesseract's threshold, set by a page of little dark text and
		// much light grey, takes the back of the sheet showing through
		// for text and reads it as garbage (a page that is one 附注 over
		// an attachment's back): read again with the light grey gone.
		if front, ok := dropShowThrough(main); ok {
			q, err := e.readPSM(ctx, dir, "front", front, dpi, psm)
			if err != nil {
				return fail("read", err)
			}
			if q.Confidence > p.Confidence+0.1 {
				p, main = q, front
				notes = append(notes, "read again without the light grey of the back of the sheet showing through")
			}
		}
	}
	if turn, note := e.orientation(ctx, dir, main, dpi, p); turn != 0 {
		q, err := e.read(ctx, dir, "turned", main.rotate(turn), dpi)
		if err != nil {
			return fail("read", err)
		}
		// Kept unless it reads markedly worse: a page read sideways can
		// score well, but its lines run down the page.
		if q.Confidence >= p.Confidence-0.05 {
			p, main = q, main.rotate(turn)
			if red != nil {
				red = red.rotate(turn)
			}
			if plain != nil {
				plain = plain.rotate(turn)
			}
			notes = append(notes, note)
		}
	}
	if rows := dropLeaderDots(main, dpi); len(rows) > 0 {
		// A table of contents: read again without its leaders, and the
		// page numbers after them apart (see dropLeaderDots).
		nums := cutLeaderNumbers(main, rows, dpi)
		q, err := e.readPSM(ctx, dir, "contents", main, dpi, psm)
		if err != nil {
			return fail("read", err)
		}
		texts, err := e.readNumbers(ctx, dir, nums, dpi)
		if err != nil {
			return fail("read page numbers of", err)
		}
		p = q
		put := withLeaderNumbers(&p, rows, texts, dpi)
		notes = append(notes, fmt.Sprintf("contents: %d rows of leader dots whitened, %d page numbers after them read apart", len(rows), put))
	}
	switch n, err := e.rereadCondensed(ctx, dir, &p, main, dpi); {
	case err != nil && ctx.Err() != nil:
		return fail("read condensed rows of", err)
	case err != nil:
		notes = append(notes, fmt.Sprintf("rows of large type that read short not read again: %v", err))
	case n > 0:
		notes = append(notes, fmt.Sprintf("%d rows of large type that read short read again stretched, as condensed type", n))
	}
	switch more, err := e.readUnread(ctx, dir, &p, main, dpi); {
	case err != nil && ctx.Err() != nil:
		return fail("read rows left out of", err)
	case err != nil:
		notes = append(notes, fmt.Sprintf("rows of ink left out by layout analysis not read again: %v", err))
	default:
		notes = append(notes, more...)
	}
	switch n, err := e.rereadDates(ctx, dir, &p, main, plain, dpi); {
	case err != nil && ctx.Err() != nil:
		return fail("read date lines of", err)
	case err != nil:
		// A second opinion that failed (a tesseract run that crashed or
		// timed out) is no reason to lose the page: it keeps its lines as
		// first read, and says so.
		notes = append(notes, fmt.Sprintf("date, 印发, 文号 or registration lines not read again: %v", err))
	case n == 1:
		notes = append(notes, "a date, 印发, 文号 or registration line read again alone")
	case n > 1:
		notes = append(notes, fmt.Sprintf("%d date, 印发, 文号 or registration lines read again alone", n))
	}
	cuts := nameCuts(p, main, dpi)
	if red != nil {
		rp, err := e.read(ctx, dir, "red", red, dpi)
		if err != nil {
			return fail("read red ink of", err)
		}
		redCuts := nameCuts(rp, red, dpi)
		var blackAt, redAt []int
		p, blackAt, redAt = mergeRed(p, rp)
		for i := range cuts {
			cuts[i].line = blackAt[cuts[i].line]
		}
		for _, c := range redCuts {
			c.line = redAt[c.line]
			cuts = append(cuts, c)
		}
	}
	p.Number = n
	p.Note = strings.Join(notes, "; ")
	return p, cuts, nil
}

// inksOf takes a colour page apart (see separateInks): the grey page to
// read, with red ink dropped out where it has any, the red text to read
// apart (nil when none) and a note saying what was done. A grey page
// whose seals it dropped, by their grey or by their ring, comes back as
// scanned too (plain; nil otherwise): a date line under a seal is read
// from it again (see rereadDates).
func inksOf(img *raster, dpi int) (main, red, plain *raster, notes []string) {
	in, ok := separateInks(img, dpi)
	if !ok {
		g := img.gray()
		plain = &raster{w: g.w, h: g.h, ch: 1, pix: slices.Clone(g.pix)}
		switch n := len(dropGreySeals(g, dpi)); {
		case n == 1:
			notes = append(notes, "seal dropped out by its grey (1 seal)")
		case n > 1:
			notes = append(notes, fmt.Sprintf("seals dropped out by their grey (%d seals)", n))
		default:
			// No grey to tell a seal by (a 1-bit scan): by its ring.
			// plain keeps the seal: whitening the ring takes the strokes
			// of a date under it too, so its line is read both ways.
			if n := len(dropBlackSeals(g, dpi)); n > 0 {
				notes = append(notes, fmt.Sprintf("black seal ring and star whitened (%d seals)", n))
			} else {
				plain = nil
			}
		}
		return g, nil, plain, notes
	}
	note := "red ink dropped out"
	switch {
	case in.seals == 1:
		note += " (1 seal)"
	case in.seals > 1:
		note += fmt.Sprintf(" (%d seals)", in.seals)
	}
	if in.red != nil {
		note += ", red text read apart"
	}
	return in.black, in.red, nil, []string{note}
}

// A page that automatic layout analysis reads fewer than minBlockRunes
// characters from, though more than minInk of it is ink, is read again as
// one block of text.
const (
	minBlockRunes = 8
	minInk        = 0.002
)

// A page read with less confidence than showThroughConf (0..1) is read
// again without its light grey where that outweighs its dark ink (see
// dropShowThrough).
const showThroughConf = 0.5

// dropShowThrough returns a copy of a grey page with its light grey
// (from showThroughKeep of the paper's tone) whitened, where more
// of its ink is light grey than dark: text is printed dark, the back of
// the sheet showing through is light. ok is false where the page has no
// dark ink (a faded page is all light grey: its text) or less light grey
// than dark.
func dropShowThrough(img *raster) (*raster, bool) {
	if img == nil || img.ch != 1 {
		return nil, false
	}
	paper := median(img.pix)
	cut, light := byte(float64(paper)*showThroughInk), byte(float64(paper)*showThroughLight)
	dark, grey := 0, 0
	for _, v := range img.pix {
		switch {
		case v < cut:
			dark++
		case v < light:
			grey++
		}
	}
	if dark < len(img.pix)/2000 || grey <= dark {
		return nil, false
	}
	// Whitened from a tone between the two: the grey edges of dark
	// strokes stay with them (the thin ） of a 附注 went with a cut at
	// the dark ink's own).
	keep := byte(float64(paper) * showThroughKeep)
	out := &raster{w: img.w, h: img.h, ch: 1, pix: slices.Clone(img.pix)}
	for i, v := range out.pix {
		if v >= keep {
			out.pix[i] = paper
		}
	}
	return out, true
}

// showThroughInk is the share of the paper's tone under which ink is
// the page's own: the back's shows through lighter.
// showThroughKeep that under which a tone is kept when the light grey is
// whitened; showThroughLight that under which a tone is ink at all, not
// the paper's grain.
const (
	showThroughInk   = 0.6
	showThroughKeep  = 0.7
	showThroughLight = 0.9
)

// countRunes counts the characters of a page's lines, spaces left out.
func countRunes(p page.Page) int {
	n := 0
	for _, l := range p.Lines {
		n += utf8.RuneCountInString(strings.ReplaceAll(l.Text, " ", ""))
	}
	return n
}

// darkShare is the share of a grey raster's pixels that are dark.
func darkShare(img *raster) float64 {
	dark := 0
	for _, v := range img.pix {
		if v < 128 {
			dark++
		}
	}
	return float64(dark) / float64(max(1, len(img.pix)))
}

// maxOCRSide bounds the long side of the image tesseract reads, in pixels:
// an A3 page at 400 dpi fits; a poster-sized page is read at less.
const maxOCRSide = 7000

// render draws page n in colour (PPM) at the resolution it is read at,
// and returns the image and that resolution.
func (e *Engine) render(ctx context.Context, dir, path string, n int) (*raster, int, error) {
	dpi, side, ok := e.scanDPI(ctx, path, n)
	if !ok {
		dpi = e.dpi
	}
	return e.renderAt(ctx, dir, path, n, dpi, side)
}

// renderAt draws page n in colour at dpi, or less where the page's long
// side (side points; 0 when unknown) would exceed maxOCRSide pixels.
func (e *Engine) renderAt(ctx context.Context, dir, path string, n, dpi int, side float64) (*raster, int, error) {
	if side > 0 && float64(dpi)*side/72 > maxOCRSide {
		dpi = max(1, int(maxOCRSide*72/side))
	}
	ns := strconv.Itoa(n)
	root := filepath.Join(dir, "render")
	if _, err := run(ctx, e.lim, nil, e.pdftoppm, "-f", ns, "-l", ns, "-r", strconv.Itoa(dpi), "-singlefile", path, root); err != nil {
		return nil, 0, err
	}
	raw, err := os.ReadFile(root + ".ppm")
	if err != nil {
		return nil, 0, fmt.Errorf("no image: %w", err)
	}
	img, err := parsePNM(raw)
	if err != nil {
		return nil, 0, err
	}
	return img, dpi, nil
}

// read runs tesseract on a grey raster and turns its TSV into a page with
// corrected lines.
func (e *Engine) read(ctx context.Context, dir, name string, img *raster, dpi int) (page.Page, error) {
	return e.readPSM(ctx, dir, name, img, dpi, e.psm)
}

// readPSM is read with tesseract's page segmentation mode psm.
func (e *Engine) readPSM(ctx context.Context, dir, name string, img *raster, dpi, psm int) (page.Page, error) {
	file := filepath.Join(dir, name+".pgm")
	if err := os.WriteFile(file, img.pgm(), 0o600); err != nil {
		return page.Page{}, err
	}
	// One thread per tesseract: pages run in parallel instead, which uses
	// the cores better than tesseract's OpenMP.
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	tsv, err := run(ctx, e.lim, env, e.tesseract, file, "stdout", "-l", e.lang, "--psm", strconv.Itoa(psm), "--dpi", strconv.Itoa(dpi), "tsv")
	if err != nil {
		return page.Page{}, err
	}
	return parseTSV(tsv, float64(dpi), e.lex.Load())
}

// word is one row of tesseract's TSV at word level.
type word struct {
	block, par, line int
	left, top, w, h  int
	conf             float64
	text             string
}

// parseTSV turns tesseract's TSV into a page: words grouped into lines by
// their block, paragraph and line numbers, boxes converted from pixels at
// dpi to points from the top-left corner.
func parseTSV(tsv []byte, dpi float64, lex *Lexicon) (page.Page, error) {
	var p page.Page
	pt := 72 / dpi
	var words []word
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for i := 0; sc.Scan(); i++ {
		f := strings.Split(sc.Text(), "\t")
		if i == 0 || len(f) < 11 {
			continue // header, or a row cut short
		}
		var v [10]int
		for j := range 10 {
			v[j], _ = strconv.Atoi(f[j])
		}
		conf, _ := strconv.ParseFloat(f[10], 64)
		text := ""
		if len(f) > 11 {
			text = strings.TrimSpace(f[11])
		}
		switch v[0] {
		case 1: // the page
			p.Width, p.Height = float64(v[8])*pt, float64(v[9])*pt
		case 5:
			if text != "" && conf >= 0 {
				words = append(words, word{block: v[2], par: v[3], line: v[4], left: v[6], top: v[7], w: v[8], h: v[9], conf: conf, text: text})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return p, fmt.Errorf("read tesseract output: %w", err)
	}
	if p.Width == 0 {
		return p, fmt.Errorf("tesseract output has no page row")
	}
	p.Extractor = page.OCR
	words = dropLeaders(words)
	var confSum, weight float64
	quoting := false // a 《 is open at the end of the line before
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && words[j].block == words[i].block && words[j].par == words[i].par && words[j].line == words[i].line {
			j++
		}
		lw := words[i:j]
		texts := make([]string, len(lw))
		confs := make([]float64, len(lw))
		x0, x1, top, bottom := lw[0].left, lw[0].left+lw[0].w, lw[0].top, lw[0].top+lw[0].h
		for k, w := range lw {
			texts[k], confs[k] = w.text, w.conf
			x0, x1 = min(x0, w.left), max(x1, w.left+w.w)
			top, bottom = min(top, w.top), max(bottom, w.top+w.h)
			n := float64(len([]rune(w.text)))
			confSum += w.conf * n
			weight += n
		}
		text, rc := joinConf(texts, confs)
		r := newReading(chinesePunct(text), rc)
		correctLine(r, lex, quoting)
		quoting = quotingAfter(r.String(), quoting)
		for _, c := range r.fixes {
			c.Line = len(p.Lines)
			p.Corrections = append(p.Corrections, c)
		}
		p.Lines = append(p.Lines, page.Line{
			Text: r.String(),
			X:    float64(x0) * pt, Y: float64(bottom) * pt, W: float64(x1-x0) * pt,
			Size: float64(bottom-top) * pt,
		})
		i = j
	}
	if weight > 0 {
		p.Confidence = confSum / weight / 100
	}
	fixNesting(&p)
	return p, nil
}

// dropLeaders removes what tesseract makes of the dot leaders of a table
// of contents and of rules: "words" it is unsure of (confidence under 50)
// that are far flatter than the page's text, or far wider than their
// characters ("ee" stretched over a whole leader). They would otherwise
// put Latin garbage between a title and its page number.
func dropLeaders(words []word) []word {
	var hs []int
	for _, w := range words {
		if w.conf >= 80 {
			hs = append(hs, w.h)
		}
	}
	if len(hs) == 0 {
		return words
	}
	slices.Sort(hs)
	med := hs[len(hs)/2]
	out := words[:0]
	for _, w := range words {
		flat := 2*w.h < med
		wide := w.w > 3*med*utf8.RuneCountInString(w.text)
		if w.conf < 50 && (flat || wide) {
			continue
		}
		out = append(out, w)
	}
	return out
}
