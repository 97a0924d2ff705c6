package typeset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/typeset/ttf"
)

var (
	fontOnce sync.Once
	font     *ttf.Font
	fontErr  error
)

// testFont loads the CJK font once for all tests, or skips.
func testFont(t testing.TB) *ttf.Font {
	t.Helper()
	fontOnce.Do(func() { font, fontErr = LoadFont() })
	if fontErr != nil {
		t.Skipf("no CJK TrueType font: %v", fontErr)
	}
	return font
}

var (
	latinOnce    sync.Once
	latinFont    *ttf.Font
	latinFontErr error
)

// testLatinFont loads the Latin font once for all tests, or skips.
func testLatinFont(t testing.TB) *ttf.Font {
	t.Helper()
	latinOnce.Do(func() { latinFont, latinFontErr = LoadLatinFont() })
	if latinFontErr != nil {
		t.Skipf("no Latin TrueType font: %v", latinFontErr)
	}
	return latinFont
}

func generate(t testing.TB, opts Options) *Result {
	t.Helper()
	if opts.Font == nil && (opts.Encoding == "" || opts.Encoding == IdentityH || opts.Encoding == Scan || opts.Form == FormOriginal) {
		opts.Font = testFont(t)
	}
	if opts.LatinFont == nil && opts.Form == FormOriginal {
		opts.LatinFont = testLatinFont(t)
	}
	r, err := Generate(context.Background(), opts)
	if errors.Is(err, ErrNoRenderer) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return r
}

func TestDeterministic(t *testing.T) {
	for _, enc := range []Encoding{IdentityH, GBKEUC, WinAnsiGBK} {
		t.Run(string(enc), func(t *testing.T) {
			a := generate(t, Options{Seed: 7, Encoding: enc, Documents: 12})
			b := generate(t, Options{Seed: 7, Encoding: enc, Documents: 12})
			if !bytes.Equal(a.PDF, b.PDF) {
				t.Fatal("same seed gave different bytes")
			}
			c := generate(t, Options{Seed: 8, Encoding: enc, Documents: 12})
			if bytes.Equal(a.PDF, c.PDF) {
				t.Fatal("different seeds gave the same bytes")
			}
		})
	}
}

// TestSameTextEveryEncoding: content depends on the seed only.
func TestSameTextEveryEncoding(t *testing.T) {
	a := generate(t, Options{Seed: 3, Encoding: IdentityH})
	b := generate(t, Options{Seed: 3, Encoding: GBKEUC})
	ja, _ := json.Marshal(a.Truth.Pages)
	jb, _ := json.Marshal(b.Truth.Pages)
	if !bytes.Equal(ja, jb) {
		t.Fatal("page truth differs between encodings of one seed")
	}
}

func TestTruthConsistent(t *testing.T) {
	cases := []struct {
		name string
		opts Options
	}{
		{"default", Options{Seed: 1}},
		{"new page per document", Options{Seed: 2, NewPagePerDoc: true, FakeBold: true}},
		{"thirty documents", Options{Seed: 3, Documents: 30}},
		{"ten documents", Options{Seed: 4, Documents: 10}},
	}
	for seed := uint64(10); seed < 22; seed++ {
		cases = append(cases, struct {
			name string
			opts Options
		}{"seed " + strconv.FormatUint(seed, 10), Options{Seed: seed, Encoding: GBKEUC}})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := generate(t, tc.opts)
			checkTruth(t, r.Truth)
		})
	}
}

func checkTruth(t *testing.T, tr Truth) {
	t.Helper()
	if n := len(tr.Documents); n < 10 || n > 30 {
		t.Errorf("%d documents, want 10–30", n)
	}
	if tr.Pages[0].Kind != "cover" || !strings.Contains(tr.Pages[0].Text, "总第"+strconv.Itoa(tr.TotalNumber)+"期") ||
		!strings.Contains(tr.Pages[0].Text, strconv.Itoa(tr.Year)+"年第"+strconv.Itoa(tr.Number)+"期") {
		t.Errorf("cover text %q lacks 年第N期 or 总第N期", tr.Pages[0].Text)
	}
	prevLast := 0
	docs := 0
	for i, c := range tr.Contents {
		if c.Banner {
			continue
		}
		docs++
		d := tr.Documents[c.Document]
		if c.Page != d.PrintedPages.First || c.FilePage != d.FilePages.First {
			t.Errorf("contents %d: page %d/file %d, document starts at %v/%v", i, c.Page, c.FilePage, d.PrintedPages, d.FilePages)
		}
		if got := tr.Pages[c.FilePage-1].Printed; got != strconv.Itoa(c.Page) {
			t.Errorf("contents %d: file page %d is printed %q, 目录 says %d", i, c.FilePage, got, c.Page)
		}
	}
	if docs != len(tr.Documents) {
		t.Errorf("目录 lists %d documents of %d", docs, len(tr.Documents))
	}
	for i, d := range tr.Documents {
		if d.FilePages.First < prevLast || d.FilePages.Last < d.FilePages.First {
			t.Errorf("document %d: pages %v after %d", i, d.FilePages, prevLast)
		}
		prevLast = d.FilePages.Last
		if d.DocNumberPrinted != "" {
			if c, err := gazette.NormalizeDocNumber(d.DocNumberPrinted); err != nil || c != d.DocNumber {
				t.Errorf("document %d: 文号 %q canonical %q, got %q, %v", i, d.DocNumberPrinted, d.DocNumber, c, err)
			}
		}
		if d.Kind == gazette.KindRule && !strings.HasSuffix(d.DocNumber, "号") {
			t.Errorf("rule %d without 令 number: %q", i, d.DocNumber)
		}
		if !d.Kind.Valid() || len(d.Authorities) == 0 || d.Signed.IsZero() {
			t.Errorf("document %d: kind %q authorities %v signed %v", i, d.Kind, d.Authorities, d.Signed)
		}
		if !d.Expires.IsZero() && d.Expires.Compare(d.Effective) <= 0 {
			t.Errorf("document %d: expires %v before effective %v", i, d.Expires, d.Effective)
		}
		// The body text is exactly what its pages carry, line by line.
		// Heading lines (banner, 令 heading, title, 文号) come first; every
		// later line of the document belongs to a paragraph.
		var lines strings.Builder
		inHeading := true
		nHeading := 0
		for _, p := range tr.Pages[d.FilePages.First-1 : d.FilePages.Last] {
			for _, l := range p.Lines {
				if l.Doc != i || l.Role == RoleBanner {
					continue
				}
				if inHeading && (l.Role == RoleHeading || l.Role == RoleTitle || l.Role == RoleDocNumber) && d.Kind != gazette.KindRule ||
					inHeading && l.Role == RoleHeading {
					nHeading++
					continue
				}
				inHeading = false
				lines.WriteString(l.Text)
			}
		}
		if nHeading != len(d.Heading) {
			t.Errorf("document %d: %d heading lines printed, truth has %d", i, nHeading, len(d.Heading))
		}
		if want := strings.Join(d.Paragraphs, ""); lines.String() != want {
			t.Errorf("document %d: page lines do not spell the paragraphs\n got %q\nwant %q", i, lines.String(), want)
		}
	}
	for _, p := range tr.Pages {
		for _, l := range p.Lines {
			if l.X < 0 || l.X+l.W > p.Width+0.01 || l.Y < 0 || l.Y > p.Height {
				t.Errorf("page %d: line %q outside the page (x %v w %v y %v)", p.Index, l.Text, l.X, l.W, l.Y)
			}
		}
	}
}

func TestPdfinfoAndSizes(t *testing.T) {
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo (poppler-utils) not installed")
	}
	for _, enc := range []Encoding{IdentityH, GBKEUC, WinAnsiGBK, IdentityHNoToUnicode} {
		t.Run(string(enc), func(t *testing.T) {
			if enc == IdentityHNoToUnicode {
				if _, err := os.Stat(DefaultGB1Path); err != nil {
					t.Skip("poppler-data's Adobe-GB1 table not installed")
				}
			}
			r := generate(t, Options{Seed: 5, Encoding: enc, FakeBold: true})
			path := filepath.Join(t.TempDir(), "issue.pdf")
			if err := os.WriteFile(path, r.PDF, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdfinfo", path).CombinedOutput()
			if err != nil || bytes.Contains(out, []byte("Error")) {
				t.Fatalf("pdfinfo: %v\n%s", err, out)
			}
			if !strings.Contains(strings.Join(strings.Fields(string(out)), " "), "Pages: "+strconv.Itoa(len(r.Truth.Pages))+" ") {
				t.Errorf("pdfinfo pages differ from truth (%d):\n%s", len(r.Truth.Pages), out)
			}
			perPage := len(r.PDF) / len(r.Truth.Pages)
			if perPage > 60_000 && enc != IdentityH || len(r.PDF) > 3_000_000 {
				t.Errorf("%d bytes for %d pages", len(r.PDF), len(r.Truth.Pages))
			}
		})
	}
}

// TestPdftotextAccuracy: poppler reads the IdentityH and GBKEUC issues as
// their truth says.
func TestPdftotextAccuracy(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	for _, enc := range []Encoding{IdentityH, GBKEUC} {
		t.Run(string(enc), func(t *testing.T) {
			r := generate(t, Options{Seed: 11, Encoding: enc, FakeBold: false})
			acc := pdftotextAccuracy(t, r)
			t.Logf("%s: character accuracy %.4f over %d pages", enc, acc, len(r.Truth.Pages))
			if acc < 0.995 {
				t.Errorf("accuracy %.4f < 0.995", acc)
			}
		})
	}
}

// pdftotextAccuracy runs pdftotext page by page and returns 1 − edit
// distance / length over all pages, whitespace ignored.
func pdftotextAccuracy(t testing.TB, r *Result) float64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "issue.pdf")
	if err := os.WriteFile(path, r.PDF, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	errs, total := 0, 0
	for i, p := range r.Truth.Pages {
		want := []rune(stripSpace(p.AllText()))
		got := []rune{}
		if i < len(pages) {
			got = []rune(stripSpace(pages[i]))
		}
		errs += scantest.EditDistance(got, want)
		total += len(want)
	}
	return 1 - float64(errs)/float64(max(total, 1))
}

// stripSpace drops whitespace and folds full-width ASCII forms to ASCII:
// poppler reads GBK-EUC-H single bytes (CIDs 814–907) as full-width
// characters (２０１５), which is how real GBK-era files extract too.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFF01 + 0x21
		}
		return r
	}, s)
}

// TestSamples writes sample PDFs, truths and PNGs to $TYPESET_OUT for a
// person to look at; it does nothing without the variable.
func TestSamples(t *testing.T) {
	dir := os.Getenv("TYPESET_OUT")
	if dir == "" {
		t.Skip("set TYPESET_OUT=dir to write sample issues")
	}
	for _, enc := range Encodings {
		r := generate(t, Options{Seed: 42, Encoding: enc, FakeBold: true})
		base := filepath.Join(dir, "sample-"+string(enc))
		if err := os.WriteFile(base+".pdf", r.PDF, 0o644); err != nil {
			t.Fatal(err)
		}
		j, _ := json.MarshalIndent(r.Truth, "", "  ")
		if err := os.WriteFile(base+".json", j, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCorpusSource(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus not at %s: %v", dir, err)
	}
	src, err := Corpus(dir)
	if err != nil {
		t.Fatalf("Corpus: %v", err)
	}
	for seed := uint64(1); seed <= 4; seed++ {
		r := generate(t, Options{Seed: seed, Source: src, Encoding: GBKEUC})
		checkTruth(t, r.Truth)
		if acc := pdftotextAccuracy(t, r); acc < 0.995 {
			t.Errorf("seed %d: pdftotext accuracy %.4f", seed, acc)
		}
	}
}

func TestScan(t *testing.T) {
	r := generate(t, Options{Seed: 9, Encoding: Scan, Documents: 10, ScanDPI: 72})
	if len(r.Truth.Pages) == 0 || !bytes.Contains(r.PDF, []byte("/DCTDecode")) || bytes.Contains(r.PDF, []byte("/Font")) {
		t.Fatalf("scan: %d pages, want image-only pages", len(r.Truth.Pages))
	}
}

func BenchmarkGenerate1000Pages(b *testing.B) {
	f := testFont(b)
	for _, pages := range []int{50, 1000} {
		b.Run(strconv.Itoa(pages), func(b *testing.B) {
			for b.Loop() {
				tr, err := Write(context.Background(), io.Discard, Options{Seed: 1, Font: f, MinPages: pages})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(tr.Pages)), "pages")
			}
		})
	}
}
