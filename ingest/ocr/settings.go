package ocr

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/gazette-archive/gazette/ingest/page"
)

// Settings say exactly how PageWith reads a page: an archivist's choice
// for a page the first reading got wrong.
type Settings struct {
	DPI int // rendering resolution, 1 to 1200
	PSM int // tesseract's page segmentation mode, 3 to 13
	// Rotation turns the rendered page clockwise before it is read: 0, 90,
	// 180 or 270 degrees.
	Rotation int
}

// PageWith reads page n (1-based) of the PDF at path as s says: rendered
// at s.DPI (less only where the page is too large for maxOCRSide), turned
// s.Rotation degrees clockwise, read with page segmentation mode s.PSM.
// Unlike Page it chooses nothing itself: no scan resolution, no
// orientation detection, no second reading as one block, so what the
// archivist asked for is what is read. Red ink is taken apart and every
// line post-corrected as in Page. Settings out of range fail with an
// error; so does a page the PDF does not have (pdftoppm's failure).
func (e *Engine) PageWith(ctx context.Context, path string, n int, s Settings) (page.Page, error) {
	switch {
	case s.DPI < 1 || s.DPI > 1200:
		return page.Page{}, fmt.Errorf("ocr: resolution %d dpi outside 1–1200", s.DPI)
	case s.PSM < 3 || s.PSM > 13:
		return page.Page{}, fmt.Errorf("ocr: page segmentation mode %d outside 3–13", s.PSM)
	case s.Rotation%90 != 0:
		return page.Page{}, fmt.Errorf("ocr: rotation %d° is not a quarter turn", s.Rotation)
	}
	dir, err := os.MkdirTemp("", "gazette-ocr")
	if err != nil {
		return page.Page{}, fmt.Errorf("ocr: %w", err)
	}
	defer os.RemoveAll(dir)
	fail := func(what string, err error) (page.Page, error) {
		return page.Page{}, fmt.Errorf("ocr: %s page %d of %s: %w", what, n, path, err)
	}
	var side float64
	if e.pdfinfo != "" {
		ns := strconv.Itoa(n)
		if info, err := run(ctx, e.lim, nil, e.pdfinfo, "-f", ns, "-l", ns, path); err == nil {
			if w, h, ok := pageSize(info); ok {
				side = max(w, h)
			}
		}
	}
	img, dpi, err := e.renderAt(ctx, dir, path, n, s.DPI, side)
	if err != nil {
		return fail("render", err)
	}
	main, red, _, notes := inksOf(img, dpi)
	img = nil
	if s.Rotation%360 != 0 {
		main = main.rotate(s.Rotation)
		if red != nil {
			red = red.rotate(s.Rotation)
		}
		notes = append(notes, fmt.Sprintf("turned %d° clockwise as asked", ((s.Rotation%360)+360)%360))
	}
	p, err := e.readPSM(ctx, dir, "page", main, dpi, s.PSM)
	if err != nil {
		return fail("read", err)
	}
	if red != nil {
		rp, err := e.readPSM(ctx, dir, "red", red, dpi, s.PSM)
		if err != nil {
			return fail("read red ink of", err)
		}
		p, _, _ = mergeRed(p, rp)
	}
	if dpi != s.DPI {
		notes = append(notes, fmt.Sprintf("rendered at %d dpi, the most the page's size allows", dpi))
	}
	p.Number = n
	p.Note = strings.Join(notes, "; ")
	return p, nil
}
