package pdftext

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// BenchmarkCorpusFile reports pages per second on the largest real
// multi-page files of the corpus.
func BenchmarkCorpusFile(b *testing.B) {
	for _, name := range []string{"pdfplumber__federal-register-2020-17221.pdf", "pdfplumber__issue-67-example.pdf"} {
		path := filepath.Join(corpusPDF, name)
		b.Run(name, func(b *testing.B) {
			pages := 0
			for b.Loop() {
				ps, err := ExtractFile(context.Background(), path, Options{})
				if err != nil {
					b.Skipf("%s: %v", name, err)
				}
				pages += len(ps)
			}
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// manyPages builds an n-page file of gazette-like text in a GBK-EUC-H font
// (about 1,000 characters a page, 30 lines).
func manyPages(n int) []byte {
	var b pdfBuilder
	desc := b.add("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>")
	font := b.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [%d 0 R] >>", desc))
	line := hexStr(gbkBytes("第一条为了规范政府公报的编辑出版工作提高公报质量根据有关法律法规制定本办法"))
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 14 TL 72 780 Td\n")
	for range 30 {
		content.WriteString(line + " Tj T*\n")
	}
	content.WriteString("ET")
	c := b.add(stream("", content.String()))
	root := b.reserve()
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", b.add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>", root, c)))
	}
	b.set(root, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> >>", strings.Join(kids, " "), n, font))
	return b.bytes(b.add(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", root)))
}

// BenchmarkPages shows the cost per page at 50 and 1,000 pages: it must not
// grow with the page count (the page tree is walked once, fonts are decoded
// once per file). Compare the ns/page metric of the two runs.
func BenchmarkPages(b *testing.B) {
	for _, n := range []int{50, 1000} {
		data := manyPages(n)
		b.Run(fmt.Sprintf("%d pages", n), func(b *testing.B) {
			b.ReportAllocs()
			pages := 0
			for b.Loop() {
				d, err := Open(context.Background(), bytes.NewReader(data), int64(len(data)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				err = d.Pages(context.Background(), func(p page.Page) error {
					pages++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(pages), "ns/page")
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkPdftotext times poppler's pdftotext on the same 1,000-page file,
// as a yardstick beside BenchmarkPages (skipped where it is not installed).
func BenchmarkPdftotext(b *testing.B) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		b.Skip("pdftotext not installed")
	}
	name := filepath.Join(b.TempDir(), "many.pdf")
	if err := os.WriteFile(name, manyPages(1000), 0o644); err != nil {
		b.Fatal(err)
	}
	pages := 0
	for b.Loop() {
		if out, err := exec.Command(bin, "-q", name, os.DevNull).CombinedOutput(); err != nil {
			b.Fatalf("pdftotext: %v: %s", err, out)
		}
		pages += 1000
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkTypeset decodes a generated 1,000-page gazette issue
// (ingest/typeset) in each text encoding, the file bench-ingest times, and
// reports pages per CPU-second beside pages per second: the machine is
// shared, so CPU time is the steadier figure.
func BenchmarkTypeset(b *testing.B) {
	font, err := typeset.LoadFont()
	if err != nil {
		b.Skipf("typeset: %v", err)
	}
	for _, enc := range []typeset.Encoding{typeset.IdentityH, typeset.GBKEUC} {
		res, err := typeset.Generate(context.Background(), typeset.Options{Seed: 1, Encoding: enc, MinPages: 1000, Font: font})
		if err != nil {
			b.Fatalf("%s: %v", enc, err)
		}
		b.Run(string(enc), func(b *testing.B) {
			b.ReportAllocs()
			pages := 0
			cpu0 := cpuTime()
			for b.Loop() {
				ps, err := Extract(context.Background(), bytes.NewReader(res.PDF), int64(len(res.PDF)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				pages += len(ps)
			}
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(pages)/cpu.Seconds(), "pages/cpu-s")
			}
		})
	}
}

// cpuTime is the user and system time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
