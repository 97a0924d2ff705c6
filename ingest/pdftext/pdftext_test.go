package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbkBytes(s string) string {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return string(b)
}

// gb1CIDs returns the Adobe-GB1 CIDs of s as a 2-byte-per-code string.
func gb1CIDs(s string) string {
	rev := map[rune]int{}
	for cid, r := range gb1Table() {
		if _, ok := rev[r]; !ok && r != 0 {
			rev[r] = cid
		}
	}
	var b strings.Builder
	for _, r := range s {
		cid := rev[r]
		b.WriteByte(byte(cid >> 8))
		b.WriteByte(byte(cid))
	}
	return b.String()
}

func extractBytes(t *testing.T, data []byte) []page.Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pages, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return pages
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths %s >>"

func simpleFont(b *pdfBuilder) string {
	return fmt.Sprintf("/F1 %d 0 R", b.add(fmt.Sprintf(helvetica, widths(95, 500))))
}

func TestExtractFonts(t *testing.T) {
	toUnicode := func(b *pdfBuilder) string {
		cmap := `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0001> <4E2D>
<0002> <D840DC00>
endbfchar
2 beginbfrange
<0003> <0004> <6587>
<0010> <0012> [<56FD> <5BB6> <0041>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end`
		tu := b.add(stream("", cmap))
		desc := b.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
		return fmt.Sprintf("/F1 %d 0 R", b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", desc, tu)))
	}
	predefined := func(enc, ordering string) func(b *pdfBuilder) string {
		return func(b *pdfBuilder) string {
			desc := b.add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (%s) /Supplement 4 >> /DW 1000 >>", ordering))
			return fmt.Sprintf("/F1 %d 0 R", b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /%s /DescendantFonts [%d 0 R] >>", enc, desc)))
		}
	}
	winAnsiChinese := func(name string) func(b *pdfBuilder) string {
		return func(b *pdfBuilder) string {
			return fmt.Sprintf("/F1 %d 0 R", b.add(fmt.Sprintf("<< /Type /Font /Subtype /TrueType /BaseFont /%s /Encoding /WinAnsiEncoding /FirstChar 0 /LastChar 255 /Widths %s >>", name, widths(256, 500))))
		}
	}
	const long = "中华人民共和国政府信息公开条例第一条为了保障公民依法获取政府信息"
	ucs2 := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			b.WriteByte(byte(r >> 8))
			b.WriteByte(byte(r))
		}
		return b.String()
	}
	tests := []struct {
		name    string
		fonts   func(b *pdfBuilder) string
		content string
		want    string
	}{
		{"simple WinAnsi", simpleFont, "BT /F1 12 Tf 72 700 Td (Caf\xe9 au lait) Tj ET", "Café au lait"},
		{"TJ kerning makes a word gap", simpleFont, "BT /F1 10 Tf 72 700 Td [(Hello) -600 (World) 20 (s)] TJ ET", "Hello Worlds"},
		{"ToUnicode bfchar, bfrange, array, surrogates", toUnicode, "BT /F1 12 Tf 72 700 Td <0001000200030004001000110012> Tj ET", "中\U00020000文斈国家A"},
		{"GBK-EUC-H", predefined("GBK-EUC-H", "GB1"), "BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("关于2019年的通知")) + " Tj ET", "关于2019年的通知"},
		{"GBKp-EUC-H", predefined("GBKp-EUC-H", "GB1"), "BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("我们都是黑体字")) + " Tj ET", "我们都是黑体字"},
		{"GB-EUC-H", predefined("GB-EUC-H", "GB1"), "BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("省人民政府")) + " Tj ET", "省人民政府"},
		{"UniGB-UCS2-H", predefined("UniGB-UCS2-H", "GB1"), "BT /F1 12 Tf 72 700 Td " + hexStr(ucs2("闽政〔2019〕14号")) + " Tj ET", "闽政〔2019〕14号"},
		{"UniGB-UTF16-H surrogates", predefined("UniGB-UTF16-H", "GB1"), "BT /F1 12 Tf 72 700 Td <4E2DD840DC00> Tj ET", "中\U00020000"},
		{"Identity-H Adobe-GB1 without ToUnicode", predefined("Identity-H", "GB1"), "BT /F1 12 Tf 72 700 Td " + hexStr(gb1CIDs("福建省人民政府令")) + " Tj ET", "福建省人民政府令"},
		{"Identity-H unknown collection is U+FFFD", predefined("Identity-H", "Japan1"), "BT /F1 12 Tf 72 700 Td <0456> Tj ET", "\uFFFD"},
		{"WinAnsi carrying GBK, Chinese font name", winAnsiChinese("SimSun"), "BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("全世界无产者，联合起来")) + " Tj ET", "全世界无产者，联合起来"},
		{"WinAnsi carrying GBK, GBK-encoded name", winAnsiChinese("#CB#CE#CC#E5"), "BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("通知")) + " Tj ET", "通知"},
		{"WinAnsi carrying GBK, unknown name, garble decides", winAnsiChinese("F0"), "BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes(long)) + " Tj ET", long},
		{"WinAnsi Latin stays Latin under a Chinese name", winAnsiChinese("SimSun"), "BT /F1 12 Tf 72 700 Td (R\xe9sum\xe9 na\xefve caf\xe9 d\xe9j\xe0 vu) Tj ET", "Résumé naïve café déjà vu"},
		{"fake bold overprint removed", predefined("GBK-EUC-H", "GB1"),
			"BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("公告")) + " Tj ET BT /F1 12 Tf 72.4 700.3 Td " + hexStr(gbkBytes("公告")) + " Tj ET", "公告"},
		{"no space between Han across a gap", predefined("GBK-EUC-H", "GB1"),
			"BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("目")) + " Tj 30 0 Td " + hexStr(gbkBytes("录")) + " Tj ET", "目录"},
		{"explicit space between Han dropped", predefined("GBK-EUC-H", "GB1"),
			"BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("通 知")) + " Tj ET", "通知"},
		{"space between Han and Latin at a gap", predefined("GBK-EUC-H", "GB1"),
			"BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("附件")) + " Tj 40 0 Td (A) Tj ET", "附件 A"},
		{"lines top to bottom whatever the drawing order", simpleFont,
			"BT /F1 12 Tf 72 600 Td (second) Tj ET BT /F1 12 Tf 72 700 Td (first) Tj ET", "first\nsecond"},
		{"T* and TL", simpleFont, "BT /F1 12 Tf 14 TL 72 700 Td (one) Tj T* (two) Tj (three) ' ET", "one\ntwo\nthree"},
		{"superscript stays on its line", simpleFont, "BT /F1 12 Tf 72 700 Td (x) Tj 4 Ts (2) Tj ET", "x2"},
		{"text turned against the page is read in its own direction", simpleFont,
			"BT /F1 12 Tf 72 700 Td (main text) Tj 0 Tw ET BT /F1 8 Tf 0 1 -1 0 30 200 Tm (stamp) Tj ET BT /F1 12 Tf 72 680 Td (more) Tj ET", "main text\nmore\nstamp"},
		{"q/Q restores the matrix", simpleFont, "q 1 0 0 1 0 -100 cm Q BT /F1 12 Tf 72 700 Td (a) Tj ET BT /F1 12 Tf 72 650 Td (b) Tj ET", "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := extractBytes(t, onePage(tt.fonts, tt.content))
			if len(pages) != 1 {
				t.Fatalf("got %d pages, want 1", len(pages))
			}
			if got := pages[0].PlainText(); got != tt.want {
				t.Errorf("text = %q, want %q (note %q)", got, tt.want, pages[0].Note)
			}
		})
	}
}

func TestLineGeometry(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    page.Line
	}{
		{"size from Tf and matrix", "BT /F1 10 Tf 2 0 0 2 100 500 Tm (ab) Tj ET",
			page.Line{Text: "ab", X: 100, Y: 342, W: 20, Size: 20}},
		{"size from cm", "1.5 0 0 1.5 0 0 cm BT /F1 8 Tf 10 100 Td (ab) Tj ET",
			page.Line{Text: "ab", X: 15, Y: 692, W: 12, Size: 12}},
		{"horizontal scaling and char spacing", "BT /F1 10 Tf 50 Tz 1 Tc 100 500 Td (ab) Tj ET",
			page.Line{Text: "ab", X: 100, Y: 342, W: 6, Size: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := extractBytes(t, onePage(simpleFont, tt.content))
			if len(pages[0].Lines) != 1 {
				t.Fatalf("lines = %+v, want one", pages[0].Lines)
			}
			got := pages[0].Lines[0]
			if got.Text != tt.want.Text || !near(got.X, tt.want.X) || !near(got.Y, tt.want.Y) || !near(got.W, tt.want.W) || !near(got.Size, tt.want.Size) {
				t.Errorf("line = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 0.01 && b-a < 0.01 }

func TestBold(t *testing.T) {
	gbk := func(b *pdfBuilder) string {
		desc := b.add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> >>")
		bold := b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
		return fmt.Sprintf("/F1 %d 0 R /F2 %d 0 R", b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [%d 0 R] >>", desc)), bold)
	}
	content := "BT /F1 12 Tf 72 700 Td " + hexStr(gbkBytes("公告")) + " Tj ET BT /F1 12 Tf 72.5 700 Td " + hexStr(gbkBytes("公告")) + " Tj ET " +
		"BT /F1 12 Tf 72 600 Td " + hexStr(gbkBytes("正文")) + " Tj ET BT /F2 12 Tf 72 500 Td (Title) Tj ET"
	pages := extractBytes(t, onePage(gbk, content))
	want := []struct {
		text string
		bold bool
	}{{"公告", true}, {"正文", false}, {"Title", true}}
	if len(pages[0].Lines) != len(want) {
		t.Fatalf("lines = %+v", pages[0].Lines)
	}
	for i, w := range want {
		if l := pages[0].Lines[i]; l.Text != w.text || l.Bold != w.bold {
			t.Errorf("line %d = %q bold=%v, want %q bold=%v", i, l.Text, l.Bold, w.text, w.bold)
		}
	}
}

// multiPage builds a file whose page tree is given as object bodies by fn.
func TestPageTree(t *testing.T) {
	font := fmt.Sprintf(helvetica, widths(95, 500))
	tests := []struct {
		name    string
		build   func() []byte
		opts    Options
		want    []string // page texts
		wantErr error
	}{
		{"inherited resources, media box and rotation", func() []byte {
			var b pdfBuilder
			f := b.add(font)
			c1 := b.add(stream("", "BT /F1 12 Tf 72 700 Td (one) Tj ET"))
			c2 := b.add(stream("", "BT /F1 12 Tf 72 700 Td (two) Tj ET"))
			root := b.reserve()
			mid := b.reserve()
			p1 := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>", mid, c1))
			p2 := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R /Rotate 90 >>", root, c2))
			b.set(mid, fmt.Sprintf("<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R] /Count 1 >>", root, p1))
			b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> >>", mid, p2, f))
			return b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
		}, Options{}, []string{"one", "two"}, nil},
		{"text drawn turned on a rotated page reads upright", func() []byte {
			var b pdfBuilder
			f := b.add(font)
			c := b.add(stream("", "BT /F1 12 Tf 0 1 -1 0 300 100 Tm (landscape table) Tj ET BT /F1 12 Tf 0 1 -1 0 320 100 Tm (second row) Tj ET"))
			root := b.reserve()
			p := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R /Rotate 90 /Resources << /Font << /F1 %d 0 R >> >> >>", root, c, f))
			b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 /MediaBox [0 0 595 842] >>", p))
			return b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
		}, Options{}, []string{"landscape table\nsecond row"}, nil},
		{"cyclic tree", func() []byte {
			var b pdfBuilder
			root := b.reserve()
			mid := b.reserve()
			b.set(mid, fmt.Sprintf("<< /Type /Pages /Parent %d 0 R /Kids [%d 0 R] /Count 1 >>", root, root))
			b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", mid))
			return b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
		}, Options{}, nil, ErrBadPageTree},
		{"page budget", func() []byte {
			var b pdfBuilder
			c := b.add(stream("", "BT /F1 12 Tf 72 700 Td (x) Tj ET"))
			root := b.reserve()
			var kids []string
			for range 5 {
				kids = append(kids, fmt.Sprintf("%d 0 R", b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>", root, c))))
			}
			b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count 5 /MediaBox [0 0 595 842] >>", strings.Join(kids, " ")))
			return b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
		}, Options{MaxPages: 3}, []string{"", "", ""}, nil}, // no font: pages read but empty
		{"no pages", func() []byte {
			var b pdfBuilder
			return b.bytes(b.add("<< /Type /Catalog >>"))
		}, Options{}, nil, ErrBadPageTree},
		{"form XObject text", func() []byte {
			var b pdfBuilder
			f := b.add(font)
			form := b.add(stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 0 -100] /Resources << /Font << /F9 %d 0 R >> >>", f), "BT /F9 12 Tf 72 700 Td (in form) Tj ET"))
			c := b.add(stream("", "BT /F1 12 Tf 72 700 Td (page) Tj ET /X1 Do"))
			root := b.reserve()
			p := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> /XObject << /X1 %d 0 R >> >> >>", root, c, f, form))
			b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 /MediaBox [0 0 595 842] >>", p))
			return b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
		}, Options{}, []string{"page\nin form"}, nil},
		{"self-referencing form is bounded", func() []byte {
			var b pdfBuilder
			f := b.add(font)
			form := b.reserve()
			b.set(form, stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> /XObject << /X1 %d 0 R >> >>", f, form), "/X1 Do"))
			c := b.add(stream("", "BT /F1 12 Tf 72 700 Td (page) Tj ET /X1 Do"))
			root := b.reserve()
			p := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> /XObject << /X1 %d 0 R >> >> >>", root, c, f, form))
			b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 /MediaBox [0 0 595 842] >>", p))
			return b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
		}, Options{}, []string{"page"}, nil},
		{"empty page needs review", func() []byte {
			return onePage(func(*pdfBuilder) string { return "" }, "0 0 m 100 100 l S")
		}, Options{}, []string{""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.build()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			pages, err := Extract(ctx, bytes.NewReader(data), int64(len(data)), tt.opts)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d, err := Open(ctx, bytes.NewReader(data), int64(len(data)), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.opts.MaxPages > 0 && tt.opts.MaxPages < 5; d.Truncated() != want {
				t.Errorf("Truncated = %v, want %v", d.Truncated(), want)
			}
			if len(pages) != len(tt.want) {
				t.Fatalf("got %d pages, want %d", len(pages), len(tt.want))
			}
			for i, p := range pages {
				if got := p.PlainText(); got != tt.want[i] {
					t.Errorf("page %d = %q, want %q", i+1, got, tt.want[i])
				}
				if p.Number != i+1 {
					t.Errorf("page %d numbered %d", i+1, p.Number)
				}
				if tt.want[i] == "" && (!p.NeedsReview() || p.Note == "") {
					t.Errorf("empty page %d: extractor %q note %q, want none with a note", i+1, p.Extractor, p.Note)
				}
			}
		})
	}
}

func TestRotatedPageSize(t *testing.T) {
	var b pdfBuilder
	c := b.add(stream("", ""))
	root := b.reserve()
	p := b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R /MediaBox [0 0 595 842] /Rotate 270 >>", root, c))
	b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", p))
	data := b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
	pages := extractBytes(t, data)
	if pages[0].Width != 842 || pages[0].Height != 595 {
		t.Errorf("size = %vx%v, want 842x595", pages[0].Width, pages[0].Height)
	}
}

func TestGarbledPageIsFlagged(t *testing.T) {
	// Identity-H without ToUnicode, an unknown collection and no font file:
	// the text is unknown and the page must say so.
	fonts := func(b *pdfBuilder) string {
		desc := b.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>")
		return fmt.Sprintf("/F1 %d 0 R", b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [%d 0 R] >>", desc)))
	}
	data := onePage(fonts, "BT /F1 12 Tf 72 700 Td <00030004000500060007000800090010> Tj ET")
	pages := extractBytes(t, data)
	p := pages[0]
	if p.Confidence > 0.3 || !strings.Contains(p.Note, "garbled") {
		t.Errorf("confidence %v note %q, want low confidence and a garbled note", p.Confidence, p.Note)
	}
	// Unscored, the same page keeps its text for the caller to judge.
	pages, err := Extract(context.Background(), bytes.NewReader(data), int64(len(data)), Options{NoScore: true})
	if err != nil {
		t.Fatal(err)
	}
	if q := pages[0]; q.Confidence != 0 || q.Note != "" || q.Extractor != page.Text || q.PlainText() != p.PlainText() {
		t.Errorf("NoScore: %+v, want the text of %+v unjudged", q, p)
	}
}

func TestPagesStreamsAndStops(t *testing.T) {
	var b pdfBuilder
	f := b.add(fmt.Sprintf(helvetica, widths(95, 500)))
	root := b.reserve()
	var kids []string
	for i := range 4 {
		c := b.add(stream("", fmt.Sprintf("BT /F1 12 Tf 72 700 Td (page %d) Tj ET", i+1)))
		kids = append(kids, fmt.Sprintf("%d 0 R", b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>", root, c))))
	}
	b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count 4 /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> >>", strings.Join(kids, " "), f))
	data := b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
	d, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	var seen []string
	err = d.Pages(context.Background(), func(p page.Page) error {
		seen = append(seen, p.PlainText())
		if p.Number == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || strings.Join(seen, ",") != "page 1,page 2" {
		t.Errorf("err %v, seen %q", err, seen)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.Page(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if _, err := d.Page(context.Background(), 5); err == nil {
		t.Error("page 5 of 4: no error")
	}
}

func TestPreflight(t *testing.T) {
	tail := func(body string, at int) string {
		return body + fmt.Sprintf("startxref\n%d\n%%%%EOF\n", at)
	}
	table := "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n"
	at := len(table)
	tests := []struct {
		name string
		data string
		ok   bool
	}{
		{"normal table", tail(table+"xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 >>\n"+pad, at), true},
		{"huge subsection start", tail(table+"xref\n0 1\n0000000000 65535 f \n4294967296 3\n0000000009 00000 n \ntrailer\n<< /Size 2 >>\n"+pad, at), false},
		{"header glued to an entry, NUL as space", tail(table+"xref\n0 2\n0000000000 65536 f\x00\x000000000016 00000 n  00000004294967296 3\n"+pad, at), false},
		{"comment inside the table", tail(table+"xref %x\n0 1 %y\n0000000000 65535 f \n99999999 1\n0000000009 00000 n \n"+pad, at), false},
		{"huge /Size in trailer", tail(table+"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 2147483647 >>\n"+pad, at), false},
		{"huge /Prev table", tail(table+"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev 0 >>\n"+pad, at), true},
		{"xref stream with huge /Index", tail(table+"2 0 obj\n<< /Type /XRef /Size 3 /Index [0 1 4000000000 2] /W [1 2 1] /Length 0 >>\nstream\nendstream\n"+pad, at), false},
		{"numbers elsewhere are ignored", tail(table+"3 0 obj\n<< /Length 10 >>\nstream\n4294967296 3\nendstream\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\n"+pad, at+len("3 0 obj\n<< /Length 10 >>\nstream\n4294967296 3\nendstream\n")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := preflight(strings.NewReader(tt.data), int64(len(tt.data)))
			if (err == nil) != tt.ok {
				t.Errorf("preflight = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrXref) {
				t.Errorf("err %v is not ErrXref", err)
			}
		})
	}
}

// pad keeps the startxref line within the last 100 bytes but the test
// bodies longer than that.
var pad = strings.Repeat("%pad\n", 30)

func TestIdentityHEmbeddedTrueTypeCmap(t *testing.T) {
	sf, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	var cids strings.Builder
	for _, r := range "Hello" {
		gid, err := sf.GlyphIndex(&buf, r)
		if err != nil || gid == 0 {
			t.Fatalf("no glyph for %q", r)
		}
		cids.WriteByte(byte(gid >> 8))
		cids.WriteByte(byte(gid))
	}
	fonts := func(b *pdfBuilder) string {
		ff := b.add(stream("", string(goregular.TTF)))
		fd := b.add(fmt.Sprintf("<< /Type /FontDescriptor /FontName /GoRegular /Flags 32 /FontFile2 %d 0 R >>", ff))
		desc := b.add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GoRegular /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 500 >>", fd))
		return fmt.Sprintf("/F1 %d 0 R", b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /GoRegular /Encoding /Identity-H /DescendantFonts [%d 0 R] >>", desc)))
	}
	pages := extractBytes(t, onePage(fonts, "BT /F1 12 Tf 72 700 Td "+hexStr(cids.String())+" Tj ET"))
	if got := pages[0].PlainText(); got != "Hello" {
		t.Errorf("text = %q, want Hello", got)
	}
}

func TestContentLexer(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // operators with operand kinds
	}{
		{"numbers names strings", "/F1 12 Tf (a\\(b\\)\\101) Tj <48 49> Tj", "Tf[n:F1 12] Tj[s:a(b)A] Tj[s:HI]"},
		{"arrays", "[(A) -120.5 (B)] TJ", "TJ[[s:A -120.5 s:B]]"},
		{"inline image skipped", "BI /W 2 /H 2 ID \x00EI\xffBT EI\nQ", "Q[]"},
		{"dictionary operand", "/P <</MCID 0>> BDC EMC", "BDC[n:P ?] EMC[]"},
		{"comments and odd numbers", "% hello\n--5 4.- Td", "Td[-5 4]"},
		{"escaped name", "/A#20B Tf", "Tf[n:A B]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out []string
			lexContent([]byte(tt.in), func(op string, args []operand) {
				var parts []string
				for _, a := range args {
					parts = append(parts, fmtOperand(a))
				}
				out = append(out, op+"["+strings.Join(parts, " ")+"]")
			})
			if got := strings.Join(out, " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func fmtOperand(a operand) string {
	switch a.kind {
	case opNum:
		return fmt.Sprint(a.num)
	case opString:
		return "s:" + a.s
	case opName:
		return "n:" + a.s
	case opArray:
		var parts []string
		for _, x := range a.arr {
			parts = append(parts, fmtOperand(x))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return "?"
}

func TestDirectFontsAreNotConfused(t *testing.T) {
	// Two direct font dictionaries in one resource object share its object
	// number; each must keep its own encoding.
	fonts := func(b *pdfBuilder) string {
		return "/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >> /F2 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [65 /alpha.sc /Euro] >> >>"
	}
	pages := extractBytes(t, onePage(fonts, "BT /F1 12 Tf 72 700 Td (AB) Tj ET BT /F2 12 Tf 72 600 Td (AB) Tj ET"))
	if got := pages[0].PlainText(); got != "AB\nA€" {
		t.Errorf("text = %q, want %q", got, "AB\nA€")
	}
}
