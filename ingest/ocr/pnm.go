package ocr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"strconv"
)

// raster is a rendered page: 8-bit samples, one (grey) or three (RGB) per
// pixel, rows top to bottom. It is what pdftoppm writes as PGM or PPM, and
// what tesseract reads back from a PGM.
type raster struct {
	w, h, ch int
	pix      []byte // len w*h*ch
}

// parsePNM decodes a binary PGM (P5) or PPM (P6) image with 8-bit samples,
// the two forms pdftoppm writes.
func parsePNM(raw []byte) (*raster, error) {
	if len(raw) < 2 || raw[0] != 'P' || (raw[1] != '5' && raw[1] != '6') {
		return nil, errors.New("not a binary PGM or PPM image")
	}
	ch := 1
	if raw[1] == '6' {
		ch = 3
	}
	rest := raw[2:]
	var f [3]int
	for i := 0; i < 3; {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) > 0 && rest[0] == '#' {
			j := bytes.IndexByte(rest, '\n')
			if j < 0 {
				return nil, errors.New("PNM header cut short")
			}
			rest = rest[j+1:]
			continue
		}
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(string(rest[:j]))
		if err != nil {
			return nil, fmt.Errorf("PNM header: %w", err)
		}
		f[i], rest, i = n, rest[j:], i+1
	}
	if len(rest) == 0 {
		return nil, errors.New("PNM header cut short")
	}
	rest = rest[1:] // the one whitespace byte before the samples
	w, h, maxval := f[0], f[1], f[2]
	switch {
	case maxval != 255:
		return nil, fmt.Errorf("PNM maxval %d, want 255", maxval)
	case w <= 0 || h <= 0 || w > 1<<16 || h > 1<<16:
		return nil, fmt.Errorf("PNM size %d×%d", w, h)
	case len(rest) < w*h*ch:
		return nil, fmt.Errorf("PNM has %d bytes of samples, want %d", len(rest), w*h*ch)
	}
	return &raster{w: w, h: h, ch: ch, pix: rest[:w*h*ch]}, nil
}

// pgm encodes a grey raster as a binary PGM.
func (r *raster) pgm() []byte {
	if r.ch != 1 {
		panic("ocr: pgm of a colour raster")
	}
	head := fmt.Sprintf("P5\n%d %d\n255\n", r.w, r.h)
	out := make([]byte, 0, len(head)+len(r.pix))
	return append(append(out, head...), r.pix...)
}

// gray returns the image as grey levels: itself when grey, luminance
// (ITU-R BT.601) otherwise.
func (r *raster) gray() *raster {
	if r.ch == 1 {
		return r
	}
	g := &raster{w: r.w, h: r.h, ch: 1, pix: make([]byte, r.w*r.h)}
	for i := range g.pix {
		p := r.pix[3*i : 3*i+3]
		g.pix[i] = byte((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2]) + 500) / 1000)
	}
	return g
}

// rotate returns a grey raster turned clockwise by deg, a multiple of 90.
func (r *raster) rotate(deg int) *raster {
	deg = ((deg % 360) + 360) % 360
	if deg == 0 || r.ch != 1 {
		return r
	}
	w, h := r.w, r.h
	out := &raster{w: w, h: h, ch: 1, pix: make([]byte, w*h)}
	if deg != 180 {
		out.w, out.h = h, w
	}
	for y := range h {
		row := r.pix[y*w : (y+1)*w]
		for x, v := range row {
			switch deg {
			case 90: // (x, y) goes to (h-1-y, x)
				out.pix[x*out.w+h-1-y] = v
			case 180:
				out.pix[(h-1-y)*w+w-1-x] = v
			case 270: // (x, y) goes to (y, w-1-x)
				out.pix[(w-1-x)*out.w+y] = v
			}
		}
	}
	return out
}

// shrink returns a grey raster reduced by a whole factor k, each pixel the
// mean of a k×k block.
func (r *raster) shrink(k int) *raster {
	if k <= 1 || r.ch != 1 {
		return r
	}
	out := &raster{w: r.w / k, h: r.h / k, ch: 1}
	out.pix = make([]byte, out.w*out.h)
	for y := range out.h {
		for x := range out.w {
			sum := 0
			for dy := range k {
				row := r.pix[(y*k+dy)*r.w+x*k:]
				for dx := range k {
					sum += int(row[dx])
				}
			}
			out.pix[y*out.w+x] = byte(sum / (k * k))
		}
	}
	return out
}

// enlarge returns a grey raster k times the size, each pixel a k×k block.
func (r *raster) enlarge(k int) *raster {
	if k <= 1 || r.ch != 1 {
		return r
	}
	out := &raster{w: r.w * k, h: r.h * k, ch: 1, pix: make([]byte, r.w*k*r.h*k)}
	for y := range out.h {
		src := r.pix[(y/k)*r.w : (y/k+1)*r.w]
		row := out.pix[y*out.w : (y+1)*out.w]
		for x := range row {
			row[x] = src[x/k]
		}
	}
	return out
}

// image returns a grey raster as an image.Gray sharing its pixels (for
// tests and debugging).
func (r *raster) image() *image.Gray {
	if r.ch != 1 {
		r = r.gray()
	}
	return &image.Gray{Pix: r.pix, Stride: r.w, Rect: image.Rect(0, 0, r.w, r.h)}
}

// crop returns the part of a grey raster within b, cut to the raster;
// nil when nothing of b lies on it.
func (r *raster) crop(b box) *raster {
	b = box{max(0, b.x0), max(0, b.y0), min(r.w, b.x1), min(r.h, b.y1)}
	if r.ch != 1 || b.x1 <= b.x0 || b.y1 <= b.y0 {
		return nil
	}
	out := &raster{w: b.x1 - b.x0, h: b.y1 - b.y0, ch: 1}
	out.pix = make([]byte, out.w*out.h)
	for y := range out.h {
		copy(out.pix[y*out.w:(y+1)*out.w], r.pix[(b.y0+y)*r.w+b.x0:])
	}
	return out
}

// scale returns a grey raster k times the size, interpolated (bilinear):
// unlike enlarge's blocks, the edges of strokes stay smooth, as they would
// be scanned at the higher resolution.
func (r *raster) scale(k int) *raster {
	if k <= 1 || r.ch != 1 {
		return r
	}
	out := &raster{w: r.w * k, h: r.h * k, ch: 1, pix: make([]byte, r.w*k*r.h*k)}
	for y := range out.h {
		fy := (float64(y)+0.5)/float64(k) - 0.5
		y0 := min(max(0, int(fy)), r.h-1)
		y1 := min(y0+1, r.h-1)
		wy := min(max(fy-float64(y0), 0), 1)
		for x := range out.w {
			fx := (float64(x)+0.5)/float64(k) - 0.5
			x0 := min(max(0, int(fx)), r.w-1)
			x1 := min(x0+1, r.w-1)
			wx := min(max(fx-float64(x0), 0), 1)
			top := float64(r.pix[y0*r.w+x0])*(1-wx) + float64(r.pix[y0*r.w+x1])*wx
			bottom := float64(r.pix[y1*r.w+x0])*(1-wx) + float64(r.pix[y1*r.w+x1])*wx
			out.pix[y*out.w+x] = byte(top*(1-wy) + bottom*wy + 0.5)
		}
	}
	return out
}
