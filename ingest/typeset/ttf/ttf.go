package ttf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sort"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Font is a loaded TrueType font. It is safe for concurrent use once
// loaded: every method reads only.
type Font struct {
	// Name is the PostScript-safe name used as the PDF BaseFont.
	Name   string
	tables map[string][]byte
	sf     *sfnt.Font
	upem   int
	nglyph int
	long   bool // loca format: 32-bit offsets
}

// Load reads the font at index in the file at path (index 0 for a .ttf).
func Load(path string, index int) (*Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ttf: %w", err)
	}
	f, err := Parse(b, index)
	if err != nil {
		return nil, fmt.Errorf("ttf: %s: %w", path, err)
	}
	return f, nil
}

var errFormat = errors.New("not a TrueType font")

// Parse reads the font at index from the bytes of a .ttf or .ttc file.
func Parse(b []byte, index int) (*Font, error) {
	off := 0
	if len(b) >= 12 && string(b[:4]) == "ttcf" {
		n := int(binary.BigEndian.Uint32(b[8:]))
		if index < 0 || index >= n || 12+4*(index+1) > len(b) {
			return nil, fmt.Errorf("font index %d of %d: %w", index, n, errFormat)
		}
		off = int(binary.BigEndian.Uint32(b[12+4*index:]))
	}
	if off+12 > len(b) {
		return nil, errFormat
	}
	if v := binary.BigEndian.Uint32(b[off:]); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("sfnt version %#x: %w", v, errFormat)
	}
	num := int(binary.BigEndian.Uint16(b[off+4:]))
	tables := make(map[string][]byte, num)
	for i := range num {
		r := off + 12 + 16*i
		if r+16 > len(b) {
			return nil, errFormat
		}
		tag := string(b[r : r+4])
		o, n := int(binary.BigEndian.Uint32(b[r+8:])), int(binary.BigEndian.Uint32(b[r+12:]))
		if o < 0 || n < 0 || o+n > len(b) {
			return nil, fmt.Errorf("table %q out of range: %w", tag, errFormat)
		}
		tables[tag] = b[o : o+n]
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"} {
		if tables[t] == nil {
			return nil, fmt.Errorf("no %q table: %w", t, errFormat)
		}
	}
	head := tables["head"]
	if len(head) < 54 || len(tables["maxp"]) < 6 {
		return nil, errFormat
	}
	f := &Font{
		tables: tables,
		upem:   int(binary.BigEndian.Uint16(head[18:])),
		long:   binary.BigEndian.Uint16(head[50:]) == 1,
		nglyph: int(binary.BigEndian.Uint16(tables["maxp"][4:])),
	}
	aligned := build(tables)
	sf, err := sfnt.Parse(aligned)
	if err != nil {
		return nil, fmt.Errorf("sfnt: %w", err)
	}
	f.sf = sf
	var buf sfnt.Buffer
	name, err := sf.Name(&buf, sfnt.NameIDPostScript)
	if err != nil || name == "" {
		name = "CJKFont"
	}
	f.Name = psName(name)
	return f, nil
}

// psName keeps the characters a PDF name may carry without escapes.
func psName(s string) string {
	var b []byte
	for _, c := range []byte(s) {
		if c > ' ' && c < 127 && !bytes.ContainsRune([]byte("()<>[]{}/%#"), rune(c)) {
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		return "CJKFont"
	}
	return string(b)
}

// GlyphIndex returns the glyph for r, 0 (.notdef) when the font has none.
func (f *Font) GlyphIndex(r rune) uint16 {
	var buf sfnt.Buffer
	g, err := f.sf.GlyphIndex(&buf, r)
	if err != nil {
		return 0
	}
	return uint16(g)
}

// Advance returns the advance width of glyph g in thousandths of an em.
func (f *Font) Advance(g uint16) int {
	var buf sfnt.Buffer
	a, err := f.sf.GlyphAdvance(&buf, sfnt.GlyphIndex(g), fixed.I(1000), font.HintingNone)
	if err != nil {
		return 1000
	}
	return a.Round()
}

// Segment is one piece of a glyph outline, in ems with y pointing up and
// the origin at the pen position on the baseline: Op 'M' moves to P[0],
// 'L' draws a line to P[0], 'C' a cubic Bézier curve through the control
// points P[0], P[1] to P[2]. Quadratic TrueType curves are raised to cubic
// ones, as PDF paths need.
type Segment struct {
	Op byte
	P  [3][2]float64
}

// Outline returns the outline of r's glyph, nil when the font has none or
// it cannot be read.
func (f *Font) Outline(r rune) []Segment {
	var buf sfnt.Buffer
	g, err := f.sf.GlyphIndex(&buf, r)
	if err != nil || g == 0 {
		return nil
	}
	const ppem = 1 << 12
	segs, err := f.sf.LoadGlyph(&buf, g, fixed.I(ppem), nil)
	if err != nil {
		return nil
	}
	pt := func(p fixed.Point26_6) [2]float64 {
		return [2]float64{float64(p.X) / 64 / ppem, -float64(p.Y) / 64 / ppem}
	}
	out := make([]Segment, 0, len(segs))
	var cur [2]float64
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			cur = pt(s.Args[0])
			out = append(out, Segment{Op: 'M', P: [3][2]float64{cur}})
		case sfnt.SegmentOpLineTo:
			cur = pt(s.Args[0])
			out = append(out, Segment{Op: 'L', P: [3][2]float64{cur}})
		case sfnt.SegmentOpQuadTo:
			q, e := pt(s.Args[0]), pt(s.Args[1])
			c1 := [2]float64{cur[0] + 2*(q[0]-cur[0])/3, cur[1] + 2*(q[1]-cur[1])/3}
			c2 := [2]float64{e[0] + 2*(q[0]-e[0])/3, e[1] + 2*(q[1]-e[1])/3}
			out = append(out, Segment{Op: 'C', P: [3][2]float64{c1, c2, e}})
			cur = e
		case sfnt.SegmentOpCubeTo:
			cur = pt(s.Args[2])
			out = append(out, Segment{Op: 'C', P: [3][2]float64{pt(s.Args[0]), pt(s.Args[1]), cur}})
		}
	}
	return out
}

// Metrics returns ascent, descent (negative), cap height and the font
// bounding box in thousandths of an em, for the PDF FontDescriptor.
func (f *Font) Metrics() (ascent, descent, capHeight int, bbox [4]int) {
	scale := func(v int16) int { return int(v) * 1000 / max(f.upem, 1) }
	h := f.tables["head"]
	for i := range 4 {
		bbox[i] = scale(int16(binary.BigEndian.Uint16(h[36+2*i:])))
	}
	hh := f.tables["hhea"]
	if len(hh) >= 8 {
		ascent = scale(int16(binary.BigEndian.Uint16(hh[4:])))
		descent = scale(int16(binary.BigEndian.Uint16(hh[6:])))
	}
	return ascent, descent, ascent * 7 / 10, bbox
}

// Subset returns a font file keeping only the outlines of glyphs (and the
// components they use) with their original glyph ids, so a PDF can map
// CIDs to glyphs with /CIDToGIDMap /Identity. Other glyphs become empty.
func (f *Font) Subset(glyphs map[uint16]bool) []byte { return f.subset(glyphs, false) }

// SubsetSimple is Subset for a simple TrueType font (/Subtype /TrueType):
// the font keeps its cmap, through which a PDF reader finds the glyph of
// each character code.
func (f *Font) SubsetSimple(glyphs map[uint16]bool) []byte { return f.subset(glyphs, true) }

func (f *Font) subset(glyphs map[uint16]bool, cmap bool) []byte {
	keep := map[uint16]bool{0: true}
	var queue []uint16
	for g := range glyphs {
		queue = append(queue, g)
	}
	for len(queue) > 0 {
		g := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if keep[g] || int(g) >= f.nglyph {
			continue
		}
		keep[g] = true
		queue = append(queue, f.components(f.glyph(g))...)
	}
	ids := make([]int, 0, len(keep))
	for g := range keep {
		ids = append(ids, int(g))
	}
	sort.Ints(ids)
	var glyf bytes.Buffer
	loca := make([]byte, 4*(f.nglyph+1))
	next := 0
	for g := range f.nglyph {
		binary.BigEndian.PutUint32(loca[4*g:], uint32(glyf.Len()))
		if next < len(ids) && ids[next] == g {
			next++
			glyf.Write(f.glyph(uint16(g)))
			for glyf.Len()%4 != 0 {
				glyf.WriteByte(0)
			}
		}
	}
	binary.BigEndian.PutUint32(loca[4*f.nglyph:], uint32(glyf.Len()))
	head := bytes.Clone(f.tables["head"])
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, unused by PDF readers
	post := make([]byte, 32)                 // version 3: no glyph names
	binary.BigEndian.PutUint32(post, 0x00030000)
	t := map[string][]byte{
		"head": head, "hhea": f.tables["hhea"], "maxp": f.tables["maxp"], "hmtx": f.tables["hmtx"],
		"loca": loca, "glyf": glyf.Bytes(), "post": post,
	}
	for _, opt := range []string{"cvt ", "fpgm", "prep", "OS/2", "name"} {
		if v := f.tables[opt]; v != nil {
			t[opt] = v
		}
	}
	if cmap {
		t["cmap"] = f.tables["cmap"]
	}
	return build(t)
}

// glyph returns the glyf data of g, nil for an empty glyph.
func (f *Font) glyph(g uint16) []byte {
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	var a, b int
	if f.long {
		if 4*int(g)+8 > len(loca) {
			return nil
		}
		a, b = int(binary.BigEndian.Uint32(loca[4*int(g):])), int(binary.BigEndian.Uint32(loca[4*int(g)+4:]))
	} else {
		if 2*int(g)+4 > len(loca) {
			return nil
		}
		a, b = 2*int(binary.BigEndian.Uint16(loca[2*int(g):])), 2*int(binary.BigEndian.Uint16(loca[2*int(g)+2:]))
	}
	if a >= b || b > len(glyf) {
		return nil
	}
	return glyf[a:b]
}

// components lists the glyphs a composite glyph refers to.
func (f *Font) components(d []byte) []uint16 {
	if len(d) < 10 || int16(binary.BigEndian.Uint16(d)) >= 0 {
		return nil
	}
	const (
		argWords  = 0x0001
		haveScale = 0x0008
		more      = 0x0020
		xyScale   = 0x0040
		twoByTwo  = 0x0080
	)
	var out []uint16
	for p := 10; p+4 <= len(d); {
		flags := binary.BigEndian.Uint16(d[p:])
		out = append(out, binary.BigEndian.Uint16(d[p+2:]))
		p += 4
		if flags&argWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&xyScale != 0:
			p += 4
		case flags&twoByTwo != 0:
			p += 8
		}
		if flags&more == 0 {
			break
		}
	}
	return out
}

// build writes an sfnt file from tables, each on a four-byte boundary.
func build(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	n := len(tags)
	es := 0
	for 1<<(es+1) <= n {
		es++
	}
	var out bytes.Buffer
	hdr := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(hdr, 0x00010000)
	binary.BigEndian.PutUint16(hdr[4:], uint16(n))
	binary.BigEndian.PutUint16(hdr[6:], uint16(16<<es))
	binary.BigEndian.PutUint16(hdr[8:], uint16(es))
	binary.BigEndian.PutUint16(hdr[10:], uint16(16*n-16<<es))
	off := len(hdr)
	for i, t := range tags {
		d := tables[t]
		r := hdr[12+16*i:]
		copy(r, t)
		binary.BigEndian.PutUint32(r[4:], checksum(d))
		binary.BigEndian.PutUint32(r[8:], uint32(off))
		binary.BigEndian.PutUint32(r[12:], uint32(len(d)))
		off += (len(d) + 3) &^ 3
	}
	out.Grow(off)
	out.Write(hdr)
	for _, t := range tags {
		d := tables[t]
		out.Write(d)
		for range (4 - len(d)%4) % 4 {
			out.WriteByte(0)
		}
	}
	return out.Bytes()
}

func checksum(d []byte) uint32 {
	var s uint32
	for i := 0; i < len(d); i += 4 {
		var w [4]byte
		copy(w[:], d[i:])
		s += binary.BigEndian.Uint32(w[:])
	}
	return s
}
