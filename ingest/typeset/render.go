package typeset

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/gazette-archive/gazette/ingest/typeset/pdfw"
	"github.com/gazette-archive/gazette/ingest/typeset/ttf"
)

// encoder turns text into the bytes of one PDF font and writes that font.
type encoder interface {
	// show returns the string operand (hex) that draws s.
	show(s string) (string, error)
	// finish writes the font objects, the Type0 or simple font as ref.
	finish(pw *pdfw.Writer, ref pdfw.Ref)
}

func hexString(b []byte) string { return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">" }

// identityH embeds a TrueType subset with sequential CIDs, a CIDToGIDMap
// and a ToUnicode CMap.
type identityH struct {
	font  *ttf.Font
	cids  map[rune]uint16
	runes []rune // by CID - 1
}

func (e *identityH) show(s string) (string, error) {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		cid, ok := e.cids[r]
		if !ok {
			if len(e.runes) >= 0xFFFE {
				return "", fmt.Errorf("typeset: more than 65534 distinct characters")
			}
			e.runes = append(e.runes, r)
			cid = uint16(len(e.runes))
			e.cids[r] = cid
		}
		b = append(b, byte(cid>>8), byte(cid))
	}
	return hexString(b), nil
}

func (e *identityH) finish(pw *pdfw.Writer, ref pdfw.Ref) {
	glyphs := map[uint16]bool{}
	gidMap := make([]byte, 2*(len(e.runes)+1))
	var w strings.Builder
	w.WriteString("[1 [")
	h := fnv.New32a()
	for i, r := range e.runes {
		g := e.font.GlyphIndex(r)
		glyphs[g] = true
		gidMap[2*(i+1)], gidMap[2*(i+1)+1] = byte(g>>8), byte(g)
		fmt.Fprintf(&w, " %d", int(runeWidth(r)*1000))
		fmt.Fprintf(h, "%d,", g)
	}
	w.WriteString("]]")
	name := subsetTag(h.Sum32()) + "+" + e.font.Name
	cid, desc, file, toUni, gmap := pw.Reserve(), pw.Reserve(), pw.Reserve(), pw.Reserve(), pw.Reserve()
	pw.Object(ref, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%s] /ToUnicode %s >>", name, cid, toUni))
	pw.Object(cid, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %s /DW 1000 /W %s /CIDToGIDMap %s >>", name, desc, w.String(), gmap))
	asc, dsc, capH, bb := e.font.Metrics()
	pw.Object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 6 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %s >>", name, bb[0], bb[1], bb[2], bb[3], asc, dsc, capH, file))
	sub := e.font.Subset(glyphs)
	pw.Stream(file, "/Length1 "+strconv.Itoa(len(sub)), sub, true)
	pw.Stream(gmap, "", gidMap, true)
	uni := make([]string, len(e.runes))
	for i, r := range e.runes {
		uni[i] = fmt.Sprintf("<%04X> <%04X>", i+1, r)
	}
	pw.Stream(toUni, "", toUnicodeCMap("Adobe-Identity-UCS", uni), true)
}

// subsetTag is the six capitals that prefix a subset font's name, derived
// from a hash of its glyph set as PDF producers do, and deterministic.
func subsetTag(sum uint32) string {
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(sum%26)
		sum /= 26
	}
	return string(tag)
}

// toUnicodeCMap writes a ToUnicode CMap from bfchar pairs.
func toUnicodeCMap(name string, pairs []string) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n")
	b.WriteString("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n")
	fmt.Fprintf(&b, "/CMapName /%s def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n", name)
	for i := 0; i < len(pairs); i += 100 {
		chunk := pairs[i:min(i+100, len(pairs))]
		fmt.Fprintf(&b, "%d beginbfchar\n%s\nendbfchar\n", len(chunk), strings.Join(chunk, "\n"))
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// gbkBytes encodes s in GBK.
func gbkBytes(s string) ([]byte, error) {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("typeset: %q is not GBK: %w", s, err)
	}
	return b, nil
}

// gbkEUC is STSong-Light with the predefined CMap GBK-EUC-H.
type gbkEUC struct{}

func (gbkEUC) show(s string) (string, error) {
	b, err := gbkBytes(s)
	return hexString(b), err
}

func (gbkEUC) finish(pw *pdfw.Writer, ref pdfw.Ref) {
	cid, desc := pw.Reserve(), pw.Reserve()
	pw.Object(ref, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [%s] >>", cid))
	pw.Object(cid, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor %s /DW 1000 /W [1 95 500 814 939 500 7712 7716 500] >>", desc))
	pw.Object(desc, "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
}

// winAnsiGBK is the GBK-era trap: a simple TrueType font declaring
// WinAnsiEncoding whose strings are GBK.
type winAnsiGBK struct{ name string }

func (winAnsiGBK) show(s string) (string, error) {
	b, err := gbkBytes(s)
	return hexString(b), err
}

func (e winAnsiGBK) finish(pw *pdfw.Writer, ref pdfw.Ref) {
	desc := pw.Reserve()
	widths := strings.TrimSpace(strings.Repeat("500 ", 224))
	pw.Object(ref, fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /%s /FirstChar 32 /LastChar 255 /Widths [%s] /Encoding /WinAnsiEncoding /FontDescriptor %s >>", e.name, widths, desc))
	pw.Object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [-8 -145 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 80 >>", e.name))
}

// winAnsiNames are the font names seen in GBK-era files: SimSun, and 宋体
// and 仿宋_GB2312 written as their GBK bytes.
var winAnsiNames = []string{"SimSun", "#CB#CE#CC#E5", "FangSong_GB2312", "#B7#C2#CB#CE_GB2312", "SimSun,Bold"}

// gb1 is a Type0 Identity-H font whose CIDs are Adobe-GB1 CIDs, without
// ToUnicode and not embedded.
type gb1 struct {
	cid     map[rune]uint16
	name    string
	subtype string
}

// loadGB1 reads poppler-data's Adobe-GB1 CID to Unicode table (line N is
// CID N) and reverses it, keeping the lowest CID of each character.
func loadGB1(path string) (map[rune]uint16, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("typeset: Adobe-GB1 table (poppler-data): %w", err)
	}
	defer f.Close()
	m := make(map[rune]uint16, 30000)
	sc := bufio.NewScanner(f)
	for cid := 0; sc.Scan(); cid++ {
		u, err := strconv.ParseUint(strings.TrimSpace(sc.Text()), 16, 32)
		if err != nil || u == 0 || cid > 0xFFFF {
			continue
		}
		if _, ok := m[rune(u)]; !ok {
			m[rune(u)] = uint16(cid)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("typeset: read %s: %w", path, err)
	}
	if len(m) < 1000 {
		return nil, fmt.Errorf("typeset: %s: only %d characters: not an Adobe-GB1 table", path, len(m))
	}
	return m, nil
}

func (e *gb1) show(s string) (string, error) {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		c, ok := e.cid[r]
		if !ok {
			return "", fmt.Errorf("typeset: %q has no Adobe-GB1 CID", r)
		}
		b = append(b, byte(c>>8), byte(c))
	}
	return hexString(b), nil
}

func (e *gb1) finish(pw *pdfw.Writer, ref pdfw.Ref) {
	cid, desc := pw.Reserve(), pw.Reserve()
	pw.Object(ref, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%s] >>", e.name, cid))
	pw.Object(cid, fmt.Sprintf("<< /Type /Font /Subtype /%s /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor %s /DW 1000 /W [1 95 500 814 939 500 7712 7716 500] >>", e.subtype, e.name, desc))
	pw.Object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>", e.name))
}

// newEncoder builds the encoder for opts.Encoding (not Scan).
func newEncoder(opts Options, rng *rand.Rand, enc Encoding) (encoder, error) {
	switch enc {
	case IdentityH:
		f := opts.Font
		if f == nil {
			var err error
			if f, err = LoadFont(); err != nil {
				return nil, err
			}
		}
		return &identityH{font: f, cids: map[rune]uint16{}}, nil
	case GBKEUC:
		return gbkEUC{}, nil
	case WinAnsiGBK:
		return winAnsiGBK{name: winAnsiNames[rng.IntN(len(winAnsiNames))]}, nil
	case IdentityHNoToUnicode:
		m, err := loadGB1(opts.GB1Path)
		if err != nil {
			return nil, err
		}
		names := []struct{ name, subtype string }{{"SimSun", "CIDFontType2"}, {"STSong-Light", "CIDFontType0"}, {"FangSong", "CIDFontType2"}}
		n := names[rng.IntN(len(names))]
		return &gb1{cid: m, name: n.name, subtype: n.subtype}, nil
	}
	return nil, fmt.Errorf("typeset: no text encoder for %q", enc)
}

// writePDF streams the sheets to w as a PDF with text in enc, and the
// ASCII of sheets set in the Word manner in opts.LatinFont.
func writePDF(ctx context.Context, w io.Writer, pl *plan, enc encoder, opts Options) error {
	var latin *wordLatin
	for _, s := range pl.sheets {
		if s.latin && latin == nil {
			f := opts.LatinFont
			if f == nil {
				var err error
				if f, err = LoadLatinFont(); err != nil {
					return err
				}
			}
			latin = &wordLatin{font: f, used: map[rune]bool{}}
		}
	}
	pw := pdfw.New(w)
	catalog, pages, font, info := pw.Reserve(), pw.Reserve(), pw.Reserve(), pw.Reserve()
	var latinRef pdfw.Ref
	if latin != nil {
		latinRef = pw.Reserve()
	}
	var kids []string
	var cs bytes.Buffer
	for _, s := range pl.sheets {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("typeset: %w", err)
		}
		cs.Reset()
		if err := content(&cs, s, enc, latin, opts.FakeBold); err != nil {
			return err
		}
		c, p := pw.Reserve(), pw.Reserve()
		pw.Stream(c, "", cs.Bytes(), true)
		gs := ""
		if len(s.overlay) > 0 {
			gs = " /ExtGState << /Ink << /BM /Multiply >> >>"
		}
		fonts := "/F1 " + font.String()
		if s.latin {
			fonts += " /F2 " + latinRef.String()
		}
		pw.Object(p, fmt.Sprintf("<< /Type /Page /Parent %s /MediaBox [0 0 %.2f %.2f] /Resources << /Font << %s >>%s /ProcSet [/PDF /Text] >> /Contents %s >>", pages, pageW, pageH, fonts, gs, c))
		kids = append(kids, p.String())
		if err := pw.Err(); err != nil {
			return fmt.Errorf("typeset: write: %w", err)
		}
	}
	enc.finish(pw, font)
	if latin != nil {
		latin.finish(pw, latinRef)
	}
	pw.Object(pages, fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", len(kids), strings.Join(kids, " ")))
	pw.Object(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %s >>", pages))
	pw.Object(info, infoDict(pl))
	if err := pw.Close(catalog, info); err != nil {
		return fmt.Errorf("typeset: %w", err)
	}
	return nil
}

func infoDict(pl *plan) string {
	d := pl.date
	return fmt.Sprintf("<< /Title %s /Producer (gazette typeset) /CreationDate (D:%04d%02d%02d090000+08'00') >>",
		pdfw.UTF16Text(pl.title), d.Year, int(d.Month), d.Day)
}

// content writes the drawing operators of one page.
func content(b *bytes.Buffer, s *sheet, enc encoder, latin *wordLatin, fakeBold bool) error {
	for _, r := range s.rules {
		if r.red {
			b.WriteString("0.8 0 0 RG ")
		}
		fmt.Fprintf(b, "%.2f w %.2f %.2f m %.2f %.2f l S\n", r.width, r.x1, pageH-r.y1, r.x2, pageH-r.y2)
		if r.red {
			b.WriteString("0 G\n")
		}
	}
	if len(s.Lines) > 0 {
		if err := text(b, s, enc, latin, fakeBold); err != nil {
			return err
		}
	}
	if len(s.overlay) > 0 {
		b.WriteString("q /Ink gs\n")
		for _, o := range s.overlay {
			b.WriteString(o)
		}
		b.WriteString("Q\n")
	}
	return nil
}

// text writes the text object of one page. On a sheet set in the Word
// manner (latin), runs of ASCII are drawn in /F2 (latin), each run placed
// by its own matrix, as word processors write 2015年 in two fonts.
func text(b *bytes.Buffer, s *sheet, enc encoder, latin *wordLatin, fakeBold bool) error {
	b.WriteString("BT\n")
	font, size, tc, tz := "", -1.0, 0.0, 100.0
	// Lines are drawn in reading order, as word processors do.
	setFont := func(latin bool, sz float64) {
		f := "/F1"
		if latin {
			f = "/F2"
		}
		if f != font || sz != size {
			font, size = f, sz
			fmt.Fprintf(b, "%s %.2f Tf\n", font, size)
		}
	}
	for i, l := range s.Lines {
		rs := runs(l.Text, s.latin)
		setFont(rs[0].latin, l.Size)
		if t := s.tcs[i]; t != tc {
			tc = t
			fmt.Fprintf(b, "%.3f Tc\n", tc)
		}
		if z, ok := s.tzs[i]; ok && z != tz || !ok && tz != 100 {
			tz = cmp.Or(z, 100)
			fmt.Fprintf(b, "%.1f Tz\n", tz)
		}
		red, heavy := s.red[i], s.heavy[i]
		if red {
			b.WriteString("0.8 0 0 rg\n")
		}
		if heavy {
			// Filled and stroked: the heavy strokes of 小标宋.
			if red {
				b.WriteString("0.8 0 0 RG ")
			}
			fmt.Fprintf(b, "2 Tr %.2f w\n", l.Size*0.03)
		}
		x := l.X
		for _, r := range rs {
			var str string
			if r.latin {
				str = latin.show(r.text)
			} else {
				var err error
				if str, err = enc.show(r.text); err != nil {
					return err
				}
			}
			setFont(r.latin, l.Size)
			fmt.Fprintf(b, "1 0 0 1 %.2f %.2f Tm %s Tj\n", x, pageH-l.Y, str)
			if l.Bold && fakeBold {
				fmt.Fprintf(b, "1 0 0 1 %.2f %.2f Tm %s Tj\n", x+0.3, pageH-l.Y, str)
			}
			n := float64(len([]rune(r.text)))
			x += (width(r.text, l.Size) + tc*n) * tz / 100
		}
		if heavy {
			b.WriteString("0 Tr 0 G\n")
		}
		if red {
			b.WriteString("0 g\n")
		}
	}
	b.WriteString("ET\n")
	return nil
}

// run is a piece of a line in one font.
type run struct {
	text  string
	latin bool
}

// runs cuts a line into runs of ASCII and of the rest when latin is set;
// otherwise it is one run.
func runs(line string, latin bool) []run {
	if !latin || line == "" {
		return []run{{text: line}}
	}
	var out []run
	start := 0
	for i, r := range line {
		if i > start && (r < 0x80) != (line[start] < 0x80) {
			out = append(out, run{text: line[start:i], latin: line[start] < 0x80})
			start = i
		}
	}
	if start < len(line) {
		out = append(out, run{text: line[start:], latin: line[start] < 0x80})
	}
	return out
}

// wordLatin is /F2 of sheets set in the Word manner, as word processors
// write Times New Roman: a simple TrueType font, WinAnsi, its subset
// embedded. Every character is half an em wide, as the layout sets it.
type wordLatin struct {
	font *ttf.Font
	used map[rune]bool
}

// show returns the string operand that draws s, ASCII only (runs cuts
// lines so).
func (l *wordLatin) show(s string) string {
	for _, r := range s {
		l.used[r] = true
	}
	return pdfw.Text(s)
}

func (l *wordLatin) finish(pw *pdfw.Writer, ref pdfw.Ref) {
	glyphs := map[uint16]bool{}
	h := fnv.New32a()
	for c := rune(32); c <= 126; c++ {
		if l.used[c] {
			g := l.font.GlyphIndex(c)
			glyphs[g] = true
			fmt.Fprintf(h, "%d,", g)
		}
	}
	name := subsetTag(h.Sum32()) + "+" + l.font.Name
	desc, file := pw.Reserve(), pw.Reserve()
	pw.Object(ref, fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /%s /FirstChar 32 /LastChar 126 /Widths [%s] /Encoding /WinAnsiEncoding /FontDescriptor %s >>",
		name, strings.TrimSpace(strings.Repeat("500 ", 95)), desc))
	asc, dsc, capH, bb := l.font.Metrics()
	// Flags 34: serif, not symbolic, so that readers find glyphs through
	// WinAnsi names and the font's Unicode cmap.
	pw.Object(desc, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 34 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 82 /FontFile2 %s >>", name, bb[0], bb[1], bb[2], bb[3], asc, dsc, capH, file))
	sub := l.font.SubsetSimple(glyphs)
	pw.Stream(file, "/Length1 "+strconv.Itoa(len(sub)), sub, true)
}
