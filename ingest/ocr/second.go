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
// to one height and stacked into one image, read in one run: loading the
// model is most of the cost.

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

// nameInk is a page read and the grey raster its lines were read from.
type nameInk struct {
	p   *page.Page
	img *raster
	dpi int
}

// nameHeight is the height, in pixels, each line is brought to before it
// is read again: tesseract's LSTM reads lines at about this size.
const nameHeight = 64

// readNames reads the lines of each page in inks that hold a place's
// name again with the second model, all in one run, and appends each
// line's reading to its Readings. It returns how many lines it read.
func (e *Engine) readNames(ctx context.Context, dir string, inks []nameInk) (int, error) {
	type cut struct {
		l      *page.Line
		img    *raster
		y0, y1 int // the crop's rows in the stack
	}
	var cuts []cut
	width := 0
	for _, in := range inks {
		px := float64(in.dpi) / 72
		lines := map[int]bool{}
		for _, s := range nameSpots([]page.Page{*in.p}) {
			if s.votes {
				lines[s.line] = true
			}
		}
		for li := range in.p.Lines {
			l := &in.p.Lines[li]
			h := l.Size * px
			if !lines[li] || h <= 0 {
				continue
			}
			b := box{int(l.X*px - h), int(l.Y*px - 1.4*h), int((l.X+l.W)*px + h), int(l.Y*px + 0.4*h)}
			c := in.img.crop(b)
			if c == nil {
				continue
			}
			dropRules(c)
			c = tightLine(c)
			if c == nil || c.h == 0 {
				continue
			}
			c = resize(c, float64(2*nameHeight)/float64(max(1, b.y1-b.y0)))
			cuts = append(cuts, cut{l: l, img: c})
			width = max(width, c.w)
		}
	}
	if len(cuts) == 0 {
		return 0, nil
	}
	if e.names == "" {
		return 0, e.namesErr
	}
	gap := nameHeight
	height := gap
	for i := range cuts {
		cuts[i].y0 = height
		height += cuts[i].img.h
		cuts[i].y1 = height
		height += gap
	}
	width += 2 * gap
	stack := &raster{w: width, h: height, ch: 1, pix: bytes.Repeat([]byte{255}, width*height)}
	for _, c := range cuts {
		for y := range c.img.h {
			copy(stack.pix[(c.y0+y)*width+gap:], c.img.pix[y*c.img.w:(y+1)*c.img.w])
		}
	}
	file := filepath.Join(dir, "names.pgm")
	if err := os.WriteFile(file, stack.pgm(), 0o600); err != nil {
		return 0, err
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	tsv, err := run(ctx, e.lim, env, e.tesseract, file, "stdout", "--tessdata-dir", e.names, "-l", "chi_sim", "--psm", "6",
		// Its folder has no configs/tsv: TSV is asked for by its variables.
		"-c", "tessedit_create_tsv=1", "-c", "tessedit_create_txt=0")
	if err != nil {
		return 0, err
	}
	words := make([][]word, len(cuts))
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
		if text == "" || conf < 0 {
			continue
		}
		mid := v[7] + v[9]/2
		if k := slices.IndexFunc(cuts, func(c cut) bool { return mid >= c.y0 && mid < c.y1 }); k >= 0 {
			words[k] = append(words[k], word{left: v[6], conf: conf, text: text})
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read tesseract output: %w", err)
	}
	lex := e.lex.Load()
	read := 0
	for k, ws := range words {
		if len(ws) == 0 {
			continue
		}
		slices.SortStableFunc(ws, func(a, b word) int { return a.left - b.left })
		texts := make([]string, len(ws))
		confs := make([]float64, len(ws))
		for i, w := range ws {
			texts[i], confs[i] = w.text, w.conf
		}
		text, rc := joinConf(texts, confs)
		r := newReading(chinesePunct(text), rc)
		correctLine(r, lex, false)
		if s := r.String(); strings.TrimSpace(s) != "" {
			cuts[k].l.Readings = append(cuts[k].l.Readings, s)
			read++
		}
	}
	return read, nil
}

// resize returns a grey raster scaled by f (Catmull-Rom): a heading in
// large type and a title's line come to one height.
func resize(r *raster, f float64) *raster {
	w, h := max(1, int(float64(r.w)*f+0.5)), max(1, int(float64(r.h)*f+0.5))
	dst := image.NewGray(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), r.image(), r.image().Bounds(), draw.Src, nil)
	return &raster{w: w, h: h, ch: 1, pix: dst.Pix}
}
