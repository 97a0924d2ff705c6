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
	lim                Limits
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
	for _, l := range strings.Split(e.lang, "+") {
		if !have[l] {
			return nil, fmt.Errorf("ocr: tesseract language %s %w (install tesseract-ocr-%s)", l, ErrNotInstalled, strings.ReplaceAll(l, "_", "-"))
		}
	}
	return e, nil
}

// Page renders page n (1-based) of the PDF at path and reads its text. The
// page's confidence is tesseract's mean word confidence, weighted by length.
func (e *Engine) Page(ctx context.Context, path string, n int) (page.Page, error) {
	dir, err := os.MkdirTemp("", "gazette-ocr")
	if err != nil {
		return page.Page{}, fmt.Errorf("ocr: %w", err)
	}
	defer os.RemoveAll(dir)
	ns := strconv.Itoa(n)
	root := filepath.Join(dir, "page")
	dpi, ok := e.scanDPI(ctx, path, n)
	if !ok {
		dpi = e.dpi
	}
	if _, err := run(ctx, e.lim, nil, e.pdftoppm, "-f", ns, "-l", ns, "-r", strconv.Itoa(dpi), "-gray", "-singlefile", path, root); err != nil {
		return page.Page{}, fmt.Errorf("ocr: render page %d of %s: %w", n, path, err)
	}
	img := root + ".pgm"
	if _, err := os.Stat(img); err != nil {
		return page.Page{}, fmt.Errorf("ocr: render page %d of %s: no image: %w", n, path, err)
	}
	// One thread per tesseract: pages run in parallel instead, which uses
	// the cores better than tesseract's OpenMP.
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	tsv, err := run(ctx, e.lim, env, e.tesseract, img, "stdout", "-l", e.lang, "--psm", strconv.Itoa(e.psm), "--dpi", strconv.Itoa(dpi), "tsv")
	if err != nil {
		return page.Page{}, fmt.Errorf("ocr: read page %d of %s: %w", n, path, err)
	}
	p, err := parseTSV(tsv, float64(dpi))
	if err != nil {
		return page.Page{}, fmt.Errorf("ocr: page %d of %s: %w", n, path, err)
	}
	p.Number = n
	return p, nil
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
func parseTSV(tsv []byte, dpi float64) (page.Page, error) {
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
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && words[j].block == words[i].block && words[j].par == words[i].par && words[j].line == words[i].line {
			j++
		}
		lw := words[i:j]
		texts := make([]string, len(lw))
		x0, x1, top, bottom := lw[0].left, lw[0].left+lw[0].w, lw[0].top, lw[0].top+lw[0].h
		for k, w := range lw {
			texts[k] = w.text
			x0, x1 = min(x0, w.left), max(x1, w.left+w.w)
			top, bottom = min(top, w.top), max(bottom, w.top+w.h)
			n := float64(len([]rune(w.text)))
			confSum += w.conf * n
			weight += n
		}
		p.Lines = append(p.Lines, page.Line{
			Text: fixReading(chinesePunct(joinWords(texts))),
			X:    float64(x0) * pt, Y: float64(bottom) * pt, W: float64(x1-x0) * pt,
			Size: float64(bottom-top) * pt,
		})
		i = j
	}
	if weight > 0 {
		p.Confidence = confSum / weight / 100
	}
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
