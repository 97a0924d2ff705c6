package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"time"
)

// ErrNoPage means a page number outside the document: below 1 or past its
// last page.
var ErrNoPage = errors.New("no such page")

// Bounds of Renderer.PNG.
const (
	// MaxRenderDPI is the highest resolution PNG accepts.
	MaxRenderDPI = 600
	// MaxRenderSide is the most pixels an image may have on its long side;
	// a larger page is rendered at a lower resolution to fit. It keeps a
	// hostile page box (a PDF page may be 200 inches square, more with
	// UserUnit) from asking for gigabytes of pixels.
	MaxRenderSide = 4096
)

// Renderer draws pages of a PDF as PNG images with poppler's pdftoppm,
// for people to read (the editors' review desk shows the page beside the
// fields read from it). Each page runs pdfinfo and pdftoppm as processes
// of their own under the Limits, at most GOMAXPROCS at a time, so an
// untrusted PDF can cost time and memory but never the caller's process.
// It is safe for concurrent use.
type Renderer struct {
	pdftoppm, pdfinfo string
	lim               Limits
	slots             chan struct{}
}

// NewRenderer finds pdftoppm and pdfinfo; missing tools give an error
// wrapping ErrNotInstalled. Zero fields of lim take a renderer's defaults:
// 30 s per process (someone is waiting for the image) and 32 MiB of PNG,
// then Limits' own for memory.
func NewRenderer(lim Limits) (*Renderer, error) {
	if lim.Timeout <= 0 {
		lim.Timeout = 30 * time.Second
	}
	if lim.MaxOutput <= 0 {
		lim.MaxOutput = 32 << 20
	}
	r := &Renderer{lim: lim.withDefaults(), slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))}
	var err error
	if r.pdftoppm, err = lookTool("pdftoppm", "poppler-utils"); err != nil {
		return nil, err
	}
	if r.pdfinfo, err = lookTool("pdfinfo", "poppler-utils"); err != nil {
		return nil, err
	}
	return r, nil
}

// PNG renders page n (1-based) of the PDF at path as a PNG image at dpi
// dots per inch (1 to MaxRenderDPI), within the page's crop box (what a
// PDF viewer shows, without printer's marks) and turned by its /Rotate; a
// page whose long side would exceed MaxRenderSide pixels is rendered at
// the resolution that fits. Errors: ErrNoPage for a page the PDF does not
// have; a malformed PDF, a timeout or a tool's failure otherwise. It waits
// for a free slot, or until ctx ends.
func (r *Renderer) PNG(ctx context.Context, path string, n, dpi int) ([]byte, error) {
	if n < 1 {
		return nil, fmt.Errorf("ocr: render page %d of %s: %w", n, path, ErrNoPage)
	}
	if dpi < 1 || dpi > MaxRenderDPI {
		return nil, fmt.Errorf("ocr: render page %d of %s: resolution %d dpi outside 1 to %d", n, path, dpi, MaxRenderDPI)
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("ocr: render page %d of %s: %w", n, path, ctx.Err())
	}
	ns := strconv.Itoa(n)
	info, err := run(ctx, r.lim, nil, r.pdfinfo, "-f", ns, "-l", ns, path)
	if err != nil {
		// pdfinfo refuses a page range past the end; say so plainly
		// rather than with its exit status.
		if pages, perr := r.pageCount(ctx, path); perr == nil && n > pages {
			return nil, fmt.Errorf("ocr: render page %d of %s: it has %d pages: %w", n, path, pages, ErrNoPage)
		}
		return nil, fmt.Errorf("ocr: render page %d of %s: %w", n, path, err)
	}
	w, h, ok := pageSize(info)
	if !ok {
		return nil, fmt.Errorf("ocr: render page %d of %s: pdfinfo gives no page size", n, path)
	}
	dpi, err = fitSide(dpi, max(w, h))
	if err != nil {
		return nil, fmt.Errorf("ocr: render page %d of %s: %w", n, path, err)
	}
	// Without an output root, -singlefile writes the one image to stdout.
	png, err := run(ctx, r.lim, nil, r.pdftoppm, "-f", ns, "-l", ns, "-r", strconv.Itoa(dpi), "-cropbox", "-png", "-singlefile", path)
	if err != nil {
		return nil, fmt.Errorf("ocr: render page %d of %s: %w", n, path, err)
	}
	if !bytes.HasPrefix(png, pngSignature) {
		return nil, fmt.Errorf("ocr: render page %d of %s: pdftoppm wrote no PNG image", n, path)
	}
	return png, nil
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pageCount asks pdfinfo how many pages the PDF has.
func (r *Renderer) pageCount(ctx context.Context, path string) (int, error) {
	out, err := run(ctx, r.lim, nil, r.pdfinfo, path)
	if err != nil {
		return 0, err
	}
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		return 0, errors.New("no page count")
	}
	return strconv.Atoi(string(m[1]))
}

// fitSide lowers dpi so that a page whose long side is side points comes
// out at most MaxRenderSide pixels long.
func fitSide(dpi int, side float64) (int, error) {
	if !(side > 0) || math.IsInf(side, 0) {
		return 0, fmt.Errorf("page size %v pt", side)
	}
	fit := math.Floor(MaxRenderSide * 72 / side)
	if fit < 1 {
		return 0, fmt.Errorf("page of %.0f pt is too large to render", side)
	}
	return int(min(float64(dpi), fit)), nil
}
