package pdftext

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// encoding says how a Type 0 font's codes are split and what they mean.
type encoding uint8

const (
	encIdentity encoding = iota // 2-byte codes that are CIDs
	encGB                       // GB 2312 / GBK / GB 18030 bytes (GB-EUC, GBK-EUC, GBKp-EUC, GBpc-EUC, GBK2K)
	encUCS2                     // UniGB-UCS2: 2-byte UCS-2
	encUTF16                    // UniGB-UTF16: UTF-16BE
	encEmbedded                 // an embedded CMap stream: code → CID
	encUnknown                  // a predefined CMap this package does not know: 2-byte codes, text unknown
)

// font is what the interpreter needs of a PDF font: how to split a string
// into codes, each code's text and its advance width.
type font struct {
	name     string
	bold     bool
	type0    bool
	vertical bool

	// Type 0 fonts.
	enc      encoding
	encMap   *cmap
	gb1      bool               // CIDSystemInfo Ordering GB1
	gidUni   map[uint16]rune    // from the embedded TrueType cmap
	cidToGID []uint16           // nil: identity
	dw       float64            // default width
	w        map[uint32]float64 // CID → width

	// Simple fonts.
	table      *byteTable
	widths     [256]float64
	widthScale float64 // glyph space → text space (0.001, or Type 3 FontMatrix)

	toUni *cmap

	// GBK trap: a simple font that may carry GBK double bytes.
	trap    trapKind
	useGBK  bool
	decided bool
}

type trapKind uint8

const (
	trapNone   trapKind = iota
	trapWeak            // no ToUnicode, 8-bit: GBK only if WinAnsi reads as garbage
	trapStrong          // and a Chinese font name: GBK unless it reads worse
)

// loadFont reads a font dictionary. Panics from the PDF library propagate
// to the page's recovery.
func loadFont(d *Doc, v pdf.Value) *font {
	f := &font{name: stripSubset(v.Key("BaseFont").Name()), widthScale: 0.001, dw: 1000}
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		data, _ := d.readStream(tu)
		f.toUni = parseCMap(data)
	}
	desc := v.Key("FontDescriptor")
	subtype := v.Key("Subtype").Name()
	if subtype == "Type0" {
		f.type0 = true
		desc = f.loadType0(d, v)
	} else {
		f.loadSimple(v, subtype, desc)
	}
	f.bold = boldName(f.name) || desc.Key("FontWeight").Float64() >= 600 || int64(desc.Key("Flags").Int64())&(1<<18) != 0
	return f
}

func (f *font) loadType0(d *Doc, v pdf.Value) pdf.Value {
	enc := v.Key("Encoding")
	desc := v.Key("DescendantFonts").Index(0)
	switch enc.Kind() {
	case pdf.Name:
		f.setPredefined(enc.Name())
	case pdf.Stream:
		data, _ := d.readStream(enc)
		f.encMap = parseCMap(data)
		if enc.Key("WMode").Int64() == 1 {
			f.encMap.wmode = 1
		}
		if u := enc.Key("UseCMap"); u.Kind() == pdf.Name {
			f.encMap.usecm = u.Name()
		}
		f.enc = encEmbedded
		if f.encMap.usecm != "" {
			f.setPredefined(f.encMap.usecm)
			if f.enc == encUnknown || f.enc == encIdentity {
				f.enc = encEmbedded
			}
		}
		f.vertical = f.vertical || f.encMap.wmode == 1
	}
	csi := desc.Key("CIDSystemInfo")
	f.gb1 = d.rc4.fixString(csi.Key("Ordering")) == "GB1" || strings.Contains(enc.Name(), "GB")
	if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
		f.dw = dw.Float64()
	}
	f.w = readW(desc.Key("W"))
	fd := desc.Key("FontDescriptor")
	if f.toUni == nil && !f.gb1 && (f.enc == encIdentity || f.enc == encEmbedded) {
		f.loadTrueTypeCmap(d, fd.Key("FontFile2"), desc.Key("CIDToGIDMap"))
	}
	return fd
}

// setPredefined interprets the name of a predefined CMap.
func (f *font) setPredefined(name string) {
	f.vertical = strings.HasSuffix(name, "-V")
	switch strings.TrimSuffix(strings.TrimSuffix(name, "-H"), "-V") {
	case "Identity":
		f.enc = encIdentity
	case "GB-EUC", "GBpc-EUC", "GBK-EUC", "GBKp-EUC", "GBK2K", "GBT-EUC", "GBTpc-EUC":
		f.enc = encGB
	case "UniGB-UCS2":
		f.enc = encUCS2
	case "UniGB-UTF16":
		f.enc = encUTF16
	default:
		f.enc = encUnknown
	}
}

// readW reads a CID font's /W array: c [w1 w2 ...] or c1 c2 w.
func readW(a pdf.Value) map[uint32]float64 {
	if a.Kind() != pdf.Array {
		return nil
	}
	w := map[uint32]float64{}
	for i := 0; i < a.Len(); {
		first := a.Index(i)
		if i+1 >= a.Len() {
			break
		}
		next := a.Index(i + 1)
		if next.Kind() == pdf.Array {
			c := uint32(first.Int64())
			for j := 0; j < next.Len() && j < 65536; j++ {
				w[c+uint32(j)] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= a.Len() {
			break
		}
		lo, hi, width := first.Int64(), next.Int64(), a.Index(i+2).Float64()
		for c := lo; c <= hi && c-lo < 65536 && c >= 0; c++ {
			w[uint32(c)] = width
		}
		i += 3
	}
	return w
}

// loadTrueTypeCmap builds GID → Unicode from an embedded TrueType font's
// cmap, the last resort for Identity-H fonts without ToUnicode.
func (f *font) loadTrueTypeCmap(d *Doc, ff, c2g pdf.Value) {
	if ff.Kind() != pdf.Stream {
		return
	}
	data, err := d.readStream(ff)
	if err != nil || len(data) == 0 {
		return
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return
	}
	var buf sfnt.Buffer
	f.gidUni = map[uint16]rune{}
	for r := rune(0x20); r <= 0xFFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		gid, err := sf.GlyphIndex(&buf, r)
		if err != nil || gid == 0 {
			continue
		}
		if _, ok := f.gidUni[uint16(gid)]; !ok {
			f.gidUni[uint16(gid)] = r
		}
	}
	if c2g.Kind() == pdf.Stream {
		b, err := d.readStream(c2g)
		if err == nil {
			f.cidToGID = make([]uint16, len(b)/2)
			for i := range f.cidToGID {
				f.cidToGID[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			}
		}
	}
}

func (f *font) loadSimple(v pdf.Value, subtype string, desc pdf.Value) {
	if subtype == "Type3" {
		if m := v.Key("FontMatrix"); m.Kind() == pdf.Array && m.Len() == 6 {
			f.widthScale = m.Index(0).Float64()
		}
	}
	table := winAnsi
	if subtype == "Type1" || subtype == "MMType1" {
		table = standard
	}
	enc := v.Key("Encoding")
	if enc.Kind() == pdf.Name {
		if t := baseEncoding(enc.Name()); t != nil {
			table = t
		}
	} else if enc.Kind() == pdf.Dict {
		if t := baseEncoding(enc.Key("BaseEncoding").Name()); t != nil {
			table = t
		}
		if d := enc.Key("Differences"); d.Kind() == pdf.Array {
			t := *table
			c := 0
			for i := 0; i < d.Len(); i++ {
				x := d.Index(i)
				switch x.Kind() {
				case pdf.Integer:
					c = int(x.Int64())
				case pdf.Name:
					if c >= 0 && c < 256 {
						if r, ok := glyphRune(x.Name()); ok {
							t[c] = r
						}
						// A name with no meaning (G065, g12, cid45)
						// keeps the base encoding's character for the
						// code, as other extractors do; garble catches
						// the cases where that is wrong.
					}
					c++
				}
			}
			table = &t
		}
	}
	f.table = table

	missing := desc.Key("MissingWidth").Float64()
	ws := v.Key("Widths")
	first := int(v.Key("FirstChar").Int64())
	if ws.Kind() == pdf.Array {
		for i := range f.widths {
			f.widths[i] = missing
		}
		for i := 0; i < ws.Len(); i++ {
			if c := first + i; c >= 0 && c < 256 {
				f.widths[c] = ws.Index(i).Float64()
			}
		}
	} else {
		// The standard 14 fonts carry no widths: estimate.
		for i := range f.widths {
			f.widths[i] = 500
		}
		f.widths[' '] = 250
		if strings.Contains(f.name, "Courier") {
			for i := range f.widths {
				f.widths[i] = 600
			}
		}
	}
	if f.toUni == nil {
		f.trap = trapWeak
		if chineseFontName(f.name) {
			f.trap = trapStrong
		}
	}
}

// stripSubset drops a subset tag (ABCDEF+).
func stripSubset(name string) string {
	if len(name) > 7 && name[6] == '+' {
		return name[7:]
	}
	return name
}

func boldName(name string) bool {
	l := strings.ToLower(name)
	for _, s := range []string{"bold", "black", "heavy", "semibold", "demi"} {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// chineseFontNames are fragments of the names of common Chinese fonts, as
// PDF producers write them (pinyin, English, or GB2312 suffixes).
var chineseFontNames = []string{
	"simsun", "nsimsun", "simhei", "simfang", "fangsong", "simkai", "kaiti", "stsong", "stkaiti",
	"stfangsong", "stheiti", "stxihei", "stzhongsong", "yahei", "songti", "heiti", "gb2312",
	"gbk", "dengxian", "simli", "lisu", "youyuan", "fzsong", "fzhei", "fzkai", "fzfs", "fzxbs",
	"fzshusong", "fzxiaobiaosong", "xiaobiaosong", "hyshusong", "adobesong", "adobeheiti",
	"adobefangsong", "adobekaiti", "mingliu", "pmingliu", "sourcehansans", "sourcehanserif",
	"notosanscjk", "notoserifcjk", "notosanssc", "notoserifsc", "huawen",
}

// chineseFontName reports whether a font name names a Chinese font: a known
// fragment, or non-ASCII bytes (a GBK-encoded name such as #CB#CE#CC#E5).
func chineseFontName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			return true
		}
	}
	l := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(name))
	for _, s := range chineseFontNames {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// decode splits the first code off s and returns its text (r, or s2 when
// several code points), its advance in glyph units, its length n, and
// whether it is the single-byte code 32 (which word spacing applies to).
func (f *font) decode(s string) (r rune, multi string, w float64, n int, space bool) {
	if !f.type0 {
		return f.decodeSimple(s)
	}
	var c uint32
	switch f.enc {
	case encGB:
		n = gbLen(s)
		c = code(s[:n])
	case encUTF16:
		n = 2
		if len(s) >= 4 && s[0] >= 0xD8 && s[0] <= 0xDB {
			n = 4
		}
		n = min(n, len(s))
		c = code(s[:n])
	case encEmbedded:
		c, n = f.encMap.next(s, 2)
	default:
		n = min(2, len(s))
		c = code(s[:n])
	}
	space = n == 1 && s[0] == ' '

	// CID, for widths and the character collection.
	cid, haveCID := c, true
	switch f.enc {
	case encGB:
		cid, haveCID = gbCID(s[:n])
	case encUCS2, encUTF16, encUnknown:
		haveCID = false
	case encEmbedded:
		if x, _, ok := f.encMap.lookup(c); ok {
			cid = uint32(x)
		} else {
			haveCID = false
		}
	}
	w = f.dw
	if haveCID {
		if x, ok := f.w[cid]; ok {
			w = x
		}
	} else if n == 1 {
		w = f.dw / 2
	}
	if f.vertical {
		w = 1000 // default vertical advance (DW2 [880 -1000])
	}

	if f.toUni != nil {
		if r, multi, ok := f.toUni.lookup(c); ok && (r != 0 || multi != "") {
			return r, multi, w, n, space
		}
	}
	switch f.enc {
	case encGB:
		return gbRune(s[:n]), "", w, n, space
	case encUCS2:
		return rune(c), "", w, n, space
	case encUTF16:
		if n == 4 {
			return utf16.DecodeRune(rune(c>>16), rune(c&0xFFFF)), "", w, n, space
		}
		return rune(c), "", w, n, space
	}
	if haveCID {
		if f.gb1 && cid < uint32(len(gb1Table())) {
			if r := gb1Table()[cid]; r != 0 {
				return r, "", w, n, space
			}
		}
		if f.gidUni != nil {
			gid := uint16(cid)
			if f.cidToGID != nil {
				gid = 0
				if int(cid) < len(f.cidToGID) {
					gid = f.cidToGID[cid]
				}
			}
			if r, ok := f.gidUni[gid]; ok {
				return r, "", w, n, space
			}
		}
	}
	return 0xFFFD, "", w, n, space
}

func (f *font) decodeSimple(s string) (r rune, multi string, w float64, n int, space bool) {
	b := s[0]
	if f.useGBK && b >= 0x81 && b != 0xFF && len(s) >= 2 && s[1] >= 0x40 && s[1] != 0x7F && s[1] != 0xFF {
		w = f.widths[b] + f.widths[s[1]]
		if w == 0 {
			w = 1000
		}
		return gbRune(s[:2]), "", w, 2, false
	}
	w = f.widths[b]
	if f.toUni != nil {
		if r, multi, ok := f.toUni.lookup(uint32(b)); ok && (r != 0 || multi != "") {
			return r, multi, w, 1, b == ' '
		}
	}
	r = f.table[b]
	if r == 0 {
		r = winAnsi[b]
	}
	if r == 0 {
		r = 0xFFFD
		if b < 0x20 {
			r = -1 // a control code with no glyph meaning: drop
		}
	}
	return r, "", w, 1, b == ' '
}

// gbLen is the length of the GB code at the start of s: ASCII is one byte,
// GBK two, GB 18030 four (second byte a digit).
func gbLen(s string) int {
	if s[0] <= 0x80 || s[0] == 0xFF || len(s) < 2 {
		return 1
	}
	if len(s) >= 4 && s[1] >= 0x30 && s[1] <= 0x39 {
		return 4
	}
	return 2
}

// gbCID returns the Adobe-GB1 CID of a one-byte code of the GB CMaps (all
// put ASCII at CID 1–95 or 814–907, space at 1 or 7716); two-byte codes
// have no CID here and take the default width.
func gbCID(b string) (uint32, bool) {
	if len(b) != 1 || b[0] < 0x20 || b[0] > 0x7E {
		return 0, false
	}
	return uint32(b[0]) - 31, true
}

// gbRune decodes one GB code (1, 2 or 4 bytes) to a code point.
func gbRune(b string) rune {
	switch len(b) {
	case 1:
		if b[0] < 0x80 {
			return rune(b[0])
		}
		return 0xFFFD
	case 2:
		hi, lo := b[0], b[1]
		if hi < 0x81 || hi > 0xFE || lo < 0x40 || lo > 0xFE {
			return 0xFFFD
		}
		return gbkTable()[int(hi-0x81)*191+int(lo-0x40)]
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes([]byte(b))
	if err != nil {
		return 0xFFFD
	}
	rs := bytes.Runes(out)
	if len(rs) != 1 {
		return 0xFFFD
	}
	return rs[0]
}

// gbkTable decodes every two-byte GBK code once (lead 0x81–0xFE, trail
// 0x40–0xFE), so decoding a glyph is an index. Each decoding child builds
// it for its first GBK font: the codes go through the decoder in one pass,
// a newline after each so that an invalid one cannot run into the next,
// which costs a tenth of decoding them one by one.
var gbkTable = sync.OnceValue(func() []rune {
	const leads, trails = 0xFE - 0x81 + 1, 0xFE - 0x40 + 1
	in := make([]byte, 0, leads*trails*3)
	for hi := 0x81; hi <= 0xFE; hi++ {
		for lo := 0x40; lo <= 0xFE; lo++ {
			in = append(in, byte(hi), byte(lo), '\n')
		}
	}
	t := make([]rune, leads*trails)
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(in)
	if err != nil {
		// The decoder replaces what it cannot read; it fails on nothing.
		panic("pdftext: GB 18030 decoder: " + err.Error())
	}
	i := 0
	for line := range bytes.SplitSeq(out, []byte{'\n'}) {
		if i == len(t) {
			break
		}
		t[i] = 0xFFFD
		if rs := bytes.Runes(line); len(rs) == 1 {
			t[i] = rs[0]
		}
		i++
	}
	return t
})

// gb1Table is the Adobe-GB1 CID → Unicode table as runes.
var gb1Table = sync.OnceValue(func() []rune { return []rune(adobeGB1) })
