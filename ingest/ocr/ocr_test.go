package ocr

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/ingest/ocr/scantest"
	"github.com/gazette-archive/gazette/ingest/page"
)

var evalOCR = flag.Bool("ocr-eval", false, "measure OCR accuracy and throughput over law texts from ../shared/corpus (slow)")

// sample is gazette-like body text: the input the tests set, render and read back.
const sample = `福建省人民政府关于印发福建省政府公报管理办法的通知
闽政〔2019〕14号
各市、县（区）人民政府，平潭综合实验区管委会，省人民政府各部门、各直属机构：
现将《福建省政府公报管理办法》印发给你们，请认真贯彻执行。
第一条　为了规范政府公报的编辑、出版和发行工作，根据国务院有关规定，结合本省实际，制定本办法。
第二条　本办法所称政府公报，是指由省人民政府办公厅主办，刊登规章和规范性文件的政府出版物。
第三条　政府公报刊登的规章和规范性文件文本为标准文本，与正式文本具有同等效力。
本办法自二〇一九年五月一日起施行，有效期五年。`

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
}

// scanPDF writes an image-only PDF of lines rendered at dpi and degraded
// by deg degrees of rotation and noise sigma.
func scanPDF(t testing.TB, lines []string, size float64, dpi int, deg, sigma float64) string {
	t.Helper()
	ctx := context.Background()
	img, err := scantest.Render(ctx, scantest.TextPDF([][]string{lines}, size), 1, dpi)
	if err != nil {
		t.Fatal(err)
	}
	if deg != 0 || sigma != 0 {
		img = scantest.Degrade(img, deg, sigma, sigma/5000, 7)
	}
	path := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(path, scantest.ImagePDF([]*image.Gray{img}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func sampleLines() []string {
	var lines []string
	for l := range strings.Lines(sample) {
		lines = append(lines, scantest.Wrap(l, 30)...)
	}
	return lines
}

func TestEnginePage(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	ctx := context.Background()
	e, err := NewEngine(ctx, Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	tests := []struct {
		name       string
		deg, sigma float64
		minAcc     float64
	}{
		{name: "clean scan", minAcc: 0.95},
		{name: "rotated noisy scan", deg: 1.0, sigma: 10, minAcc: 0.85},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := scanPDF(t, sampleLines(), 14, 300, tc.deg, tc.sigma)
			p, err := e.Page(ctx, path, 1)
			if err != nil {
				t.Fatal(err)
			}
			acc := scantest.CharAccuracy(sample, p.PlainText())
			t.Logf("accuracy %.4f, confidence %.3f\n%s", acc, p.Confidence, p.PlainText())
			if acc < tc.minAcc {
				t.Errorf("character accuracy %.4f, want at least %.2f", acc, tc.minAcc)
			}
			if p.Extractor != page.OCR || p.Number != 1 || p.Confidence <= 0 || p.Confidence > 1 {
				t.Errorf("page = number %d, extractor %q, confidence %v", p.Number, p.Extractor, p.Confidence)
			}
			if p.Width < 590 || p.Width > 600 || p.Height < 837 || p.Height > 847 {
				t.Errorf("page size %.1f×%.1f pt, want A4", p.Width, p.Height)
			}
			if len(p.Lines) == 0 || p.Lines[0].X < 60 || p.Lines[0].X > 84 || p.Lines[0].Y < 72 || p.Lines[0].Y > 110 {
				t.Errorf("first line at (%.1f, %.1f), want near the 72 pt margin", p.Lines[0].X, p.Lines[0].Y)
			}
		})
	}
}

func TestPopplerPage(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	p, err := NewPoppler(Limits{})
	if err != nil {
		t.Fatal(err)
	}
	lines := sampleLines()
	path := filepath.Join(t.TempDir(), "text.pdf")
	if err := os.WriteFile(path, scantest.TextPDF([][]string{{"第一页"}, lines}, 14), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n, err := p.PageCount(ctx, path)
	if err != nil || n != 2 {
		t.Fatalf("PageCount = %d, %v; want 2", n, err)
	}
	pg, err := p.Page(ctx, path, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pg.PlainText(), strings.Join(lines, "\n"); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
	if pg.Number != 2 || pg.Extractor != page.Poppler || pg.Width != scantest.PageWidth {
		t.Errorf("page = %+v", pg)
	}
	if _, err := p.Page(ctx, path, 3); err == nil {
		t.Error("page 3 of 2: no error")
	}
}

func TestParseTSV(t *testing.T) {
	const head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
	tests := []struct {
		name    string
		tsv     string
		want    []string
		conf    float64
		wantErr bool
	}{
		{name: "han words joined, lines split", tsv: head +
			"1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n" +
			"5\t1\t1\t1\t1\t1\t300\t300\t50\t60\t90\t福建\n" +
			"5\t1\t1\t1\t1\t2\t360\t300\t50\t60\t80\t省\n" +
			"5\t1\t1\t1\t2\t1\t300\t400\t50\t60\t70\tGB/T\n" +
			"5\t1\t1\t1\t2\t2\t360\t400\t50\t60\t70\t9704\n",
			want: []string{"福建省", "GB/T 9704"}, conf: (90*2 + 80 + 70*4 + 70*4) / 11.0 / 100},
		{name: "empty page", tsv: head + "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n", want: nil},
		{name: "no page row", tsv: head, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parseTSV([]byte(tc.tsv), 300, nil)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			var got []string
			for _, l := range p.Lines {
				got = append(got, l.Text)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("lines = %q, want %q", got, tc.want)
			}
			if d := p.Confidence - tc.conf; d > 1e-9 || d < -1e-9 {
				t.Errorf("confidence = %v, want %v", p.Confidence, tc.conf)
			}
			if p.Width < 595 || p.Width > 596 {
				t.Errorf("width = %v pt, want 595.2 (2480 px at 300 dpi)", p.Width)
			}
		})
	}
}

func TestNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := NewEngine(context.Background(), Options{}); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("NewEngine without tools: %v, want ErrNotInstalled", err)
	}
	if _, err := NewPoppler(Limits{}); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("NewPoppler without tools: %v, want ErrNotInstalled", err)
	}
}

func TestNotInstalledLanguage(t *testing.T) {
	needTools(t, "pdftoppm", "tesseract")
	_, err := NewEngine(context.Background(), Options{Lang: "chi_sim+klingon_x"})
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "klingon_x") {
		t.Errorf("NewEngine with a missing language: %v, want ErrNotInstalled naming it", err)
	}
}

func TestRunTimeout(t *testing.T) {
	needTools(t, "sleep")
	start := time.Now()
	_, err := run(context.Background(), Limits{Timeout: 200 * time.Millisecond}.withDefaults(), nil, "sleep", "10")
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("run sleep 10 = %v, want a timeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s to time out", d)
	}
}

// TestEval prints OCR character accuracy and throughput for several
// resolutions, segmentation modes and scan qualities, over pages of real
// law text. Run: go test ./ingest/ocr -run TestEval -ocr-eval -v -timeout 30m
func TestEval(t *testing.T) {
	if !*evalOCR {
		t.Skip("evaluation: pass -ocr-eval")
	}
	needTools(t, "pdftoppm", "tesseract")
	pages := lawPages(t, 3)
	ctx := context.Background()
	type scan struct {
		name       string
		deg, sigma float64
	}
	for _, size := range []float64{10.5, 14} {
		for _, sc := range []scan{{"clean", 0, 0}, {"rotated 1° + noise", 1, 12}} {
			paths := make([]string, len(pages))
			for i, lines := range pages {
				// Scanned at 300 dpi whatever the OCR resolution, as an archive's scans are.
				paths[i] = scanPDF(t, lines, size, 300, sc.deg, sc.sigma)
			}
			for _, dpi := range []int{200, 300} {
				for _, psm := range []int{3, 6} {
					e, err := NewEngine(ctx, Options{DPI: dpi, PSM: psm})
					if err != nil {
						t.Fatal(err)
					}
					accs := make([]float64, len(pages))
					cpu0 := childCPU()
					start := time.Now()
					var wg sync.WaitGroup
					sem := make(chan struct{}, runtime.NumCPU())
					for i := range pages {
						wg.Go(func() {
							sem <- struct{}{}
							defer func() { <-sem }()
							p, err := e.Page(ctx, paths[i], 1)
							if err != nil {
								t.Error(err)
								return
							}
							accs[i] = scantest.CharAccuracy(strings.Join(pages[i], ""), p.PlainText())
						})
					}
					wg.Wait()
					el := time.Since(start)
					cpu := (childCPU() - cpu0) / time.Duration(len(pages))
					var sum float64
					for _, a := range accs {
						sum += a
					}
					// Wall-clock throughput depends on what else the machine
					// runs; CPU time per page does not, and gives the rate
					// on all cores when nothing else does.
					fmt.Printf("%4.1fpt %-20s dpi %d psm %d: accuracy %.4f over %d pages; %.1f pages/min wall on %d cores; %.2f CPU s/page = %.1f pages/min on %d idle cores\n",
						size, sc.name, dpi, psm, sum/float64(len(pages)), len(pages), float64(len(pages))/el.Minutes(), runtime.NumCPU(),
						cpu.Seconds(), float64(runtime.NumCPU())*60/cpu.Seconds(), runtime.NumCPU())
				}
			}
		}
	}
}

// childCPU is the user and system time of this process's finished children.
func childCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lawPages returns n pages of 30 lines of 30 characters (fits A4 at 14 pt) from the law texts
// in ../shared/corpus/laws.
func lawPages(t *testing.T, n int) [][]string {
	t.Helper()
	root := filepath.Join("..", "..", "..", "shared", "corpus", "laws")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpus absent (%s): %v", root, err)
	}
	var text strings.Builder
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") || text.Len() > n*30*30*4*3 {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		_, body, ok := strings.Cut(string(b), "<!-- INFO END -->")
		if ok {
			text.WriteString(strings.NewReplacer("#", "", "*", "").Replace(body))
		}
		return nil
	})
	lines := scantest.Wrap(text.String(), 30)
	var pages [][]string
	for i := 0; i+30 <= len(lines) && len(pages) < n; i += 30 {
		pages = append(pages, lines[i:i+30])
	}
	if len(pages) < n {
		t.Fatalf("only %d pages of law text", len(pages))
	}
	return pages
}

func TestDropLeaders(t *testing.T) {
	body := func(text string, conf float64) word { return word{w: 28, h: 28, conf: conf, text: text} }
	tests := []struct {
		name  string
		words []word
		want  string
	}{
		{name: "confident text kept", words: []word{body("河南", 96), body("省", 95), {w: 28, h: 4, conf: 96, text: "一"}}, want: "河南省一"},
		{name: "unsure text of normal shape kept", words: []word{body("河南", 96), body("的", 40)}, want: "河南的"},
		{name: "flat unsure mark dropped", words: []word{body("河南", 96), {w: 14, h: 5, conf: 0, text: "注"}}, want: "河南"},
		{name: "stretched unsure word dropped", words: []word{body("通知", 96), {w: 842, h: 26, conf: 34, text: "ee"}, body("2", 93)}, want: "通知2"},
		{name: "nothing confident: all kept", words: []word{{w: 14, h: 5, conf: 10, text: "注"}}, want: "注"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got strings.Builder
			for _, w := range dropLeaders(tc.words) {
				got.WriteString(w.text)
			}
			if got.String() != tc.want {
				t.Errorf("dropLeaders kept %q, want %q", got.String(), tc.want)
			}
		})
	}
}
