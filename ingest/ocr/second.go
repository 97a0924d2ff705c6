package ocr

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/draw"

	"github.com/gazette-archive/gazette/ingest/page"
)

// A second opinion on place names. A rare character of a place's name is
// misread the same way in most readings of a file (岚州省 read 岗州省 ten
// times, 岚州省 three), so the file's readings alone settle on the
// misreading (see CheckNames). A second model, trained apart, misreads
// other characters: the npm package @tesseract.js-data/chi_sim's tessdata
// (with its own LSTM) read 岚州 and 苍梧 where Debian's chi_sim read 岗州
// and 苑梧. It garbles body text more, so it reads only the lines that
// hold a name (see nameSpots), and only to vote: its readings stay on
// the line (page.Line.Readings) beside the text, and CheckNames counts
// them with the first model's. The lines of a page are cut out, brought
// to one height and stacked into one image; a file's pages' images are
// read in one run (or a few, see Names): loading the model is most of
// the cost.

// secondModelDir is the folder under the tools cache that scripts/tools.sh
// installs the second model's chi_sim.traineddata in.
const secondModelDir = "tessdata-names"

// findSecondModel returns the tessdata folder of the second model: in
// $GAZETTE_TOOLS, else in ~/.cache/gazette/bin (where scripts/tools.sh
// installs it). err says where it looked when it is in neither.
func findSecondModel() (string, error) {
	var looked []string
	for _, root := range []string{os.Getenv("GAZETTE_TOOLS"), cacheTools()} {
		if root == "" {
			continue
		}
		dir := filepath.Join(root, secondModelDir)
		if st, err := os.Stat(filepath.Join(dir, "chi_sim.traineddata")); err == nil && st.Size() > 0 {
			return dir, nil
		}
		looked = append(looked, dir)
	}
	return "", fmt.Errorf("second chi_sim model %w (looked in %s; make tools installs it)", ErrNotInstalled, strings.Join(looked, ", "))
}

// cacheTools is ~/.cache/gazette/bin, or "" without a home.
func cacheTools() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".cache", "gazette", "bin")
}

// nameHeight is the height, in pixels, each line is brought to before it
// is read again: tesseract's LSTM reads lines at about this size.
const nameHeight = 64

// maxNamePixels bounds the pixels of the lines a file's pages hold for
// the second model before they are read (see Names.add): a hundred lines
// or more (a line's crop is 40,000 to 120,000 pixels), read in one run.
// More would hold more memory and run longer for little gain, the
// model's load being shared by so many lines already.
const maxNamePixels = 8 << 20

// nameCut is a line that holds a place's name, cut out of its page and
// brought to nameHeight: line is its index among the lines of page page
// (see Names.add), or -1 for a line the page dropped (see mergeRed),
// read with the others all the same: a line's reading depends on the
// others stacked with it (see readNames).
type nameCut struct {
	page, line int
	img        *raster
}

// nameCuts cuts out the lines of p, read from img at dpi, that hold a
// place's name (see nameSpots).
func nameCuts(p page.Page, img *raster, dpi int) []nameCut {
	lines := map[int]bool{}
	for _, s := range nameSpots([]page.Page{p}) {
		if s.votes {
			lines[s.line] = true
		}
	}
	px := float64(dpi) / 72
	var out []nameCut
	for li, l := range p.Lines {
		h := l.Size * px
		if !lines[li] || h <= 0 {
			continue
		}
		b := box{int(l.X*px - h), int(l.Y*px - 1.4*h), int((l.X+l.W)*px + h), int(l.Y*px + 0.4*h)}
		c := img.crop(b)
		if c == nil {
			continue
		}
		dropRules(c)
		c = tightLine(c)
		if c == nil || c.h == 0 {
			continue
		}
		out = append(out, nameCut{line: li, img: resize(c, float64(2*nameHeight)/float64(max(1, b.y1-b.y0)))})
	}
	return out
}

// Names reads the pages of one file as Engine.Page does, but leaves their
// lines with place names to be read again by the second model in a few
// runs for the whole file, not one a page: loading the model is most of
// a run's cost. It holds the lines' crops only, never a page's raster,
// and reads them once they come to maxNamePixels; Read reads the rest
// and puts each reading on its line. Its Page is safe for concurrent use.
type Names struct {
	e     *Engine
	mu    sync.Mutex
	todo  [][]nameCut        // each page's lines not read yet
	px    int                // their pixels
	pages map[int]*nameReads // by page number
}

// nameReads is what became of the lines of a page cut out to be read
// again: the second model's reading by line, or why they were not read.
type nameReads struct {
	texts map[int]string
	err   error
}

// Names returns an empty Names for the pages of one file.
func (e *Engine) Names() *Names {
	return &Names{e: e, pages: map[int]*nameReads{}}
}

// Page reads page n of the PDF at path as Engine.Page does, but without
// the second model's readings, which Read puts on its lines.
func (f *Names) Page(ctx context.Context, path string, n int) (page.Page, error) {
	p, cuts, err := f.e.page(ctx, path, n)
	if err != nil {
		return p, err
	}
	f.add(ctx, n, cuts)
	return p, nil
}

// add keeps the cuts of page n, and reads every page's kept once they
// come to maxNamePixels.
func (f *Names) add(ctx context.Context, n int, cuts []nameCut) {
	f.mu.Lock()
	r := &nameReads{texts: map[int]string{}}
	f.pages[n] = r
	switch {
	case len(cuts) == 0:
	case f.e.names == "":
		r.err = f.e.namesErr
	default:
		f.todo = append(f.todo, cuts)
		for i, c := range cuts {
			cuts[i].page = n
			f.px += c.img.w * c.img.h
		}
	}
	var full [][]nameCut
	if f.px >= maxNamePixels {
		full, f.todo, f.px = f.todo, nil, 0
	}
	f.mu.Unlock()
	f.read(ctx, full)
}

// read reads pages' cuts with the second model and keeps what it read, or
// why it could not, with their pages.
func (f *Names) read(ctx context.Context, pages [][]nameCut) {
	if len(pages) == 0 {
		return
	}
	texts, err := f.e.readNames(ctx, pages)
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, cuts := range pages {
		for k, c := range cuts {
			r := f.pages[c.page]
			switch {
			case err != nil:
				r.err = err
			case c.line >= 0 && texts[i][k] != "":
				r.texts[c.line] = texts[i][k]
			}
		}
	}
}

// Read reads the lines still kept of those of pages read by OCR (pages
// of the file another path read need none), appends each line's reading
// to its Readings and says in each page's Note how many of its lines were
// read again, or why they were not. Call it once every Page has
// returned. A run ended by ctx leaves pages unread; the caller sees ctx
// ended.
func (f *Names) Read(ctx context.Context, pages []page.Page) {
	ocred := map[int]bool{}
	for _, p := range pages {
		if p.Extractor == page.OCR {
			ocred[p.Number] = true
		}
	}
	f.mu.Lock()
	todo := slices.DeleteFunc(f.todo, func(cuts []nameCut) bool { return !ocred[cuts[0].page] })
	f.todo, f.px = nil, 0
	f.mu.Unlock()
	f.read(ctx, todo)
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range pages {
		p := &pages[i]
		r := f.pages[p.Number]
		if !ocred[p.Number] || r == nil {
			continue
		}
		var note string
		switch {
		case r.err != nil:
			note = fmt.Sprintf("lines with place names not read again by the second model: %v", r.err)
		case len(r.texts) > 0:
			for li, text := range r.texts {
				p.Lines[li].Readings = append(p.Lines[li].Readings, text)
			}
			note = fmt.Sprintf("%d lines with place names read again by the second model", len(r.texts))
		}
		switch {
		case note == "":
		case p.Note == "":
			p.Note = note
		default:
			p.Note += "; " + note
		}
	}
}

// readNames reads pages' cuts with the second model in one run, and
// returns what it read of each cut ("" for a line it read nothing of).
// Each page's cuts are stacked into an image of their own: tesseract
// reads each image of a run apart, but the lines of one image together
// (a line read among another page's lines may read otherwise).
func (e *Engine) readNames(ctx context.Context, pages [][]nameCut) ([][]string, error) {
	dir, err := os.MkdirTemp("", "gazette-names")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	gap := nameHeight
	y0 := make([][]int, len(pages)) // the first row of each cut in its stack
	var list strings.Builder
	for i, cuts := range pages {
		width, height := 0, gap
		for _, c := range cuts {
			width = max(width, c.img.w)
			y0[i] = append(y0[i], height)
			height += c.img.h + gap
		}
		width += 2 * gap
		stack := &raster{w: width, h: height, ch: 1, pix: bytes.Repeat([]byte{255}, width*height)}
		for k, c := range cuts {
			for y := range c.img.h {
				copy(stack.pix[(y0[i][k]+y)*width+gap:], c.img.pix[y*c.img.w:(y+1)*c.img.w])
			}
		}
		file := filepath.Join(dir, fmt.Sprintf("names-%d.pgm", i))
		if err := os.WriteFile(file, stack.pgm(), 0o600); err != nil {
			return nil, err
		}
		list.WriteString(file + "\n")
	}
	// A text file for an image is a list of images to tesseract.
	file := filepath.Join(dir, "names.txt")
	if err := os.WriteFile(file, []byte(list.String()), 0o600); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	tsv, err := run(ctx, e.lim, env, e.tesseract, file, "stdout", "--tessdata-dir", e.names, "-l", "chi_sim", "--psm", "6",
		// Its folder has no configs/tsv: TSV is asked for by its variables.
		"-c", "tessedit_create_tsv=1", "-c", "tessedit_create_txt=0")
	if err != nil {
		return nil, err
	}
	words := make([][][]word, len(pages))
	for i, cuts := range pages {
		words[i] = make([][]word, len(cuts))
	}
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for i := 0; sc.Scan(); i++ {
		f := strings.Split(sc.Text(), "\t")
		if i == 0 || len(f) < 12 || f[0] != "5" {
			continue
		}
		var v [10]int
		for j := range 10 {
			v[j], _ = strconv.Atoi(f[j])
		}
		conf, _ := strconv.ParseFloat(f[10], 64)
		text := strings.TrimSpace(f[11])
		pi := v[1] - 1 // page_num counts the images from 1
		if text == "" || conf < 0 || pi < 0 || pi >= len(pages) {
			continue
		}
		mid := v[7] + v[9]/2
		for k, c := range pages[pi] {
			if mid >= y0[pi][k] && mid < y0[pi][k]+c.img.h {
				words[pi][k] = append(words[pi][k], word{left: v[6], conf: conf, text: text})
				break
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read tesseract output: %w", err)
	}
	lex := e.lex.Load()
	texts := make([][]string, len(pages))
	for i := range pages {
		texts[i] = make([]string, len(pages[i]))
		for k, ws := range words[i] {
			if len(ws) == 0 {
				continue
			}
			slices.SortStableFunc(ws, func(a, b word) int { return a.left - b.left })
			ts := make([]string, len(ws))
			confs := make([]float64, len(ws))
			for j, w := range ws {
				ts[j], confs[j] = w.text, w.conf
			}
			text, rc := joinConf(ts, confs)
			r := newReading(chinesePunct(text), rc)
			correctLine(r, lex, false)
			if s := r.String(); strings.TrimSpace(s) != "" {
				texts[i][k] = s
			}
		}
	}
	return texts, nil
}

// resize returns a grey raster scaled by f (Catmull-Rom): a heading in
// large type and a title's line come to one height.
func resize(r *raster, f float64) *raster {
	w, h := max(1, int(float64(r.w)*f+0.5)), max(1, int(float64(r.h)*f+0.5))
	dst := image.NewGray(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), r.image(), r.image().Bounds(), draw.Src, nil)
	return &raster{w: w, h: h, ch: 1, pix: dst.Pix}
}
