package pdftext

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/gazette-archive/gazette/ingest/garble"
	"github.com/ledongthuc/pdf"
)

// matrix is a PDF affine matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (m applied first).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// gstate is the part of the graphics state text extraction needs.
type gstate struct {
	ctm      matrix
	font     *font
	size     float64
	tc, tw   float64
	th       float64 // horizontal scaling, 1 = 100%
	tl, rise float64
}

// glyph is one drawn character in device space (PDF user space of the page,
// y up). Text is r, or extra[multi] when it has several code points.
type glyph struct {
	x, y  float64 // origin
	w     float64 // advance along the baseline
	size  float64
	r     rune
	multi int32 // index into interp.extra, -1 if none
	bold  bool
	vert  bool  // vertical writing: advance is downwards
	dir   uint8 // writing direction, quarter turns anticlockwise (see quadrant)
}

// abort stops interpretation from inside the operator callback.
type abort struct{ err error }

// errOps is returned when a page exceeds Options.MaxOps.
var errOps = errors.New("too many content operators")

// interp runs a page's content streams and collects glyphs.
type interp struct {
	ctx    context.Context
	doc    *Doc
	ref    pageRef
	gs     gstate
	stack  []gstate
	tm     matrix
	tlm    matrix
	ops    int
	glyphs []glyph
	extra  []string
	warn   error // a stream that did not decode fully
	// raw bytes shown in undecided trap fonts, to choose their decoding
	trapBytes map[*font][]byte
	rot       int // the rotation lines() laid the page out in
	// layout scratch: glyphs in page coordinates, one baseline row
	placed, row []placed
	buf         []byte // a line's text
}

func newInterp(ctx context.Context, d *Doc, ref pageRef) *interp {
	return &interp{ctx: ctx, doc: d, ref: ref, glyphs: d.glyphs[:0], placed: d.placed[:0], row: d.row[:0], buf: d.buf[:0]}
}

func (in *interp) reset() {
	in.gs = gstate{ctm: identity, th: 1}
	in.stack = in.stack[:0]
	in.tm, in.tlm = identity, identity
	in.ops = 0
	in.glyphs = in.glyphs[:0]
	in.extra = in.extra[:0]
	in.trapBytes = nil
	in.warn = nil
}

// maxFormDepth bounds nested form XObjects (and self-reference).
const maxFormDepth = 12

// run interprets a content stream (or array of streams) with resources.
func (in *interp) run(contents, resources pdf.Value, depth int) {
	if depth == 0 {
		in.reset()
	}
	data, err := in.doc.readStream(contents)
	if err != nil && in.warn == nil {
		in.warn = err // interpret what decoded, and say so
	}
	fonts := map[string]*font{}
	lexContent(data, func(op string, a []operand) {
		in.ops++
		if in.ops > in.doc.opts.MaxOps {
			panic(abort{fmt.Errorf("%w (more than %d)", errOps, in.doc.opts.MaxOps)})
		}
		if in.ops%4096 == 0 && in.ctx.Err() != nil {
			panic(abort{in.ctx.Err()})
		}
		in.do(op, a, resources, fonts, depth)
	})
}

func num(a []operand, i int) float64 {
	if i < len(a) {
		return a[i].float()
	}
	return 0
}

func (in *interp) do(op string, a []operand, res pdf.Value, fonts map[string]*font, depth int) {
	gs := &in.gs
	switch op {
	case "q":
		if len(in.stack) < 1024 {
			in.stack = append(in.stack, *gs)
		}
	case "Q":
		if n := len(in.stack); n > 0 {
			*gs = in.stack[n-1]
			in.stack = in.stack[:n-1]
		}
	case "cm":
		if len(a) == 6 {
			var m matrix
			for i := range m {
				m[i] = num(a, i)
			}
			gs.ctm = m.mul(gs.ctm)
		}
	case "BT":
		in.tm, in.tlm = identity, identity
	case "Tf":
		if len(a) == 2 {
			gs.font = in.font(a[0].s, res, fonts)
			gs.size = a[1].float()
		}
	case "Tc":
		gs.tc = num(a, 0)
	case "Tw":
		gs.tw = num(a, 0)
	case "Tz":
		gs.th = num(a, 0) / 100
	case "TL":
		gs.tl = num(a, 0)
	case "Ts":
		gs.rise = num(a, 0)
	case "Td":
		in.tlm = matrix{1, 0, 0, 1, num(a, 0), num(a, 1)}.mul(in.tlm)
		in.tm = in.tlm
	case "TD":
		gs.tl = -num(a, 1)
		in.tlm = matrix{1, 0, 0, 1, num(a, 0), num(a, 1)}.mul(in.tlm)
		in.tm = in.tlm
	case "Tm":
		if len(a) == 6 {
			for i := range in.tlm {
				in.tlm[i] = num(a, i)
			}
			in.tm = in.tlm
		}
	case "T*":
		in.nextLine()
	case "Tj":
		if len(a) >= 1 {
			in.show(a[len(a)-1].s)
		}
	case "'":
		in.nextLine()
		if len(a) >= 1 {
			in.show(a[len(a)-1].s)
		}
	case "\"":
		if len(a) == 3 {
			gs.tw, gs.tc = num(a, 0), num(a, 1)
			in.nextLine()
			in.show(a[2].s)
		}
	case "TJ":
		if len(a) >= 1 && a[len(a)-1].kind == opArray {
			for _, x := range a[len(a)-1].arr {
				switch x.kind {
				case opString:
					in.show(x.s)
				case opNum:
					in.advance(-x.num / 1000 * gs.size * gs.th)
				}
			}
		}
	case "Do":
		if len(a) >= 1 && depth < maxFormDepth {
			xo := res.Key("XObject").Key(a[0].s)
			if xo.Kind() == pdf.Stream && xo.Key("Subtype").Name() == "Form" {
				saved, savedStack := *gs, len(in.stack)
				savedTm, savedTlm := in.tm, in.tlm
				if m := xo.Key("Matrix"); m.Kind() == pdf.Array && m.Len() == 6 {
					var fm matrix
					for i := range fm {
						fm[i] = m.Index(i).Float64()
					}
					gs.ctm = fm.mul(gs.ctm)
				}
				r := xo.Key("Resources")
				if r.Kind() != pdf.Dict {
					r = res
				}
				in.run(xo, r, depth+1)
				*gs = saved
				in.stack = in.stack[:min(savedStack, len(in.stack))]
				in.tm, in.tlm = savedTm, savedTlm
			}
		}
	}
}

func (in *interp) nextLine() {
	in.tlm = matrix{1, 0, 0, 1, 0, -in.gs.tl}.mul(in.tlm)
	in.tm = in.tlm
}

// advance moves the text matrix along the writing direction by tx (text
// space units).
func (in *interp) advance(tx float64) {
	if in.gs.font != nil && in.gs.font.vertical {
		in.tm = matrix{1, 0, 0, 1, 0, -tx}.mul(in.tm)
		return
	}
	in.tm = matrix{1, 0, 0, 1, tx, 0}.mul(in.tm)
}

// font returns the font named in the resources, loading it once per
// document when it is an indirect object.
func (in *interp) font(name string, res pdf.Value, local map[string]*font) *font {
	if f, ok := local[name]; ok {
		return f
	}
	fd := res.Key("Font")
	v := fd.Key(name)
	if v.Kind() != pdf.Dict {
		local[name] = nil
		return nil
	}
	// Only an indirect font has its own object number; a direct one
	// carries its container's and must not be cached under it.
	k, ok := keyOf(v)
	if pk, pok := keyOf(fd); ok && pok && pk == k {
		ok = false
	}
	if ok {
		if f, ok := in.doc.fonts[k]; ok {
			local[name] = f
			return f
		}
	}
	f := loadFont(in.doc, v)
	if ok && len(in.doc.fonts) < 4096 {
		in.doc.fonts[k] = f
	}
	local[name] = f
	return f
}

// show draws a string in the current font.
func (in *interp) show(s string) {
	gs := &in.gs
	f := gs.font
	if f == nil {
		return
	}
	if f.trap != trapNone && !f.decided {
		if in.trapBytes == nil {
			in.trapBytes = map[*font][]byte{}
		}
		in.trapBytes[f] = append(in.trapBytes[f], s...)
	}
	for len(s) > 0 {
		r, multi, w, n, space := f.decode(s)
		s = s[n:]
		trm := matrix{gs.size * gs.th, 0, 0, gs.size, 0, gs.rise}.mul(in.tm).mul(gs.ctm)
		var tx float64
		if f.vertical {
			tx = w*f.widthScale*gs.size + gs.tc
		} else {
			tx = (w*f.widthScale*gs.size + gs.tc) * gs.th
			if space {
				tx += gs.tw * gs.th
			}
		}
		if r >= 0 {
			g := glyph{x: trm[4], y: trm[5], r: r, multi: -1, bold: f.bold, vert: f.vertical, dir: quadrant(trm[0], trm[1])}
			g.size = math.Hypot(trm[2], trm[3])
			if f.vertical {
				g.w = tx / math.Max(gs.th, 1e-6) * math.Hypot(in.tm[2], in.tm[3]) * math.Hypot(gs.ctm[2], gs.ctm[3])
			} else {
				g.w = tx * math.Hypot(in.tm[0], in.tm[1]) * math.Hypot(gs.ctm[0], gs.ctm[1])
			}
			if multi != "" {
				g.multi = int32(len(in.extra))
				in.extra = append(in.extra, multi)
			}
			in.glyphs = append(in.glyphs, g)
		}
		in.advance(tx)
	}
}

// quadrant returns the writing direction of a text-space x axis (a, b) in
// device space, to the nearest quarter turn: 0 rightwards, 1 up, 2 left,
// 3 down.
func quadrant(a, b float64) uint8 {
	switch {
	case math.Abs(a) >= math.Abs(b) && a >= 0:
		return 0
	case math.Abs(a) >= math.Abs(b):
		return 2
	case b > 0:
		return 1
	}
	return 3
}

// minTrapBytes is the evidence needed to decide a trap font's decoding: a
// few GBK characters' worth of high bytes.
const minTrapBytes = 8

// decideTrapFonts chooses, for each font that may carry GBK bytes under a
// single-byte encoding, the decoding package garble prefers. It reports
// whether any font switched to GBK, in which case the page must be run
// again.
func (in *interp) decideTrapFonts() bool {
	changed := false
	for f, raw := range in.trapBytes {
		high := 0
		for _, b := range raw {
			if b >= 0x80 {
				high++
			}
		}
		if high < minTrapBytes && !(f.trap == trapStrong && high >= 2) {
			continue
		}
		var win, gbk strings.Builder
		for _, b := range raw {
			if r := f.table[b]; r != 0 {
				win.WriteRune(r)
			} else {
				win.WriteRune(0xFFFD)
			}
		}
		g := &font{table: f.table, useGBK: true, widthScale: f.widthScale}
		for s := string(raw); len(s) > 0; {
			r, _, _, n, _ := g.decodeSimple(s)
			s = s[n:]
			if r >= 0 {
				gbk.WriteRune(r)
			}
		}
		sw, sg := garble.Of(win.String()), garble.Of(gbk.String())
		use := false
		switch f.trap {
		case trapStrong:
			use = sg.Bad <= sw.Bad
		case trapWeak:
			use = sw.Garbled && !sg.Garbled && sg.Bad < sw.Bad
		}
		f.decided = true
		if use {
			f.useGBK = true
			changed = true
		}
	}
	in.trapBytes = nil
	return changed
}
