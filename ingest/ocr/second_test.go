package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/ingest/page"
)

// secondEngine is an engine with the second model, or the test skipped
// where it is not installed (make tools installs it).
func secondEngine(t *testing.T) *Engine {
	t.Helper()
	needTools(t, "tesseract")
	e, err := NewEngine(context.Background(), Options{})
	if err != nil {
		t.Skipf("OCR not available: %v", err)
	}
	if e.names == "" {
		t.Skipf("no second opinion on names: %v", e.namesErr)
	}
	return e
}

// readPNG reads a grey crop of a scan (at 200 dpi, upright) with the first
// model, as Engine.Page does, as page n, and leaves its lines with names
// with f for the second.
func readPNG(t *testing.T, f *Names, file string, n int) page.Page {
	t.Helper()
	fh, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, image.Point{}, draw.Src)
	r := &raster{w: g.Rect.Dx(), h: g.Rect.Dy(), ch: 1, pix: g.Pix}
	ctx := context.Background()
	p, err := f.e.read(ctx, t.TempDir(), "page", r, 200)
	if err != nil {
		t.Fatal(err)
	}
	p.Number = n
	f.add(ctx, n, nameCuts(p, r, 200))
	return p
}

// readPNGs reads files as the pages of one file, the second model's
// readings put on their lines.
func readPNGs(t *testing.T, e *Engine, files ...string) []page.Page {
	t.Helper()
	f := e.Names()
	var pages []page.Page
	for i, file := range files {
		pages = append(pages, readPNG(t, f, file, i+1))
	}
	f.Read(context.Background(), pages)
	return pages
}

// lineWith returns the first line of pages that holds s, or "".
func lineWith(pages []page.Page, s string) string {
	for _, p := range pages {
		for _, l := range p.Lines {
			if t := strings.ReplaceAll(l.Text, " ", ""); strings.Contains(t, s) {
				return t
			}
		}
	}
	return ""
}

func agreed(pages []page.Page) []page.Correction {
	var out []page.Correction
	for _, p := range pages {
		for _, c := range p.Corrections {
			if c.Rule == RuleAgree {
				out = append(out, c)
			}
		}
	}
	return out
}

// notice is the heading, 文号, title and signature of a notice.
var notice = []string{"testdata/names-notice-heading.png", "testdata/names-notice-number.png", "testdata/names-notice-title.png", "testdata/names-notice-signature.png"}

// The heading, 文号, title and a body line of a notice scanned at 200 dpi
// (a generated original, turned and skewed): Debian's chi_sim reads its
// province 岚州省 as 岗州省 in the title and loses it from the heading;
// the second model reads 岚州省 in each. The file's readings settle on
// 岚州省: the title and the heading take it, and the signature keeps it
// (the first model's readings alone settle on 岗州省).
func TestSecondOpinionOutvotesAMisreading(t *testing.T) {
	e := secondEngine(t)
	pages := readPNGs(t, e, notice...)
	CheckNames(pages)
	for _, want := range []string{"岚州省住房和城乡建设厅文件", "岚建〔2018〕17号", "岚州省住房和城乡建设厅关于印发", "岚州省预算绩效管理办法的通知"} {
		if got := lineWith(pages, want); got == "" {
			t.Errorf("no line %s; read:\n%s", want, dump(pages))
		}
	}
	fixes := agreed(pages)
	if !slices.ContainsFunc(fixes, func(c page.Correction) bool {
		return strings.Contains(c.From, "岗州省") && strings.Contains(c.To, "岚州省") && c.Confidence > 0
	}) {
		t.Errorf("no correction of 岗州省 recorded: %+v", fixes)
	}
}

// A decree's heading in large type and its first line, from a grey scan
// with the back page bleeding through: the first model loses 苍梧 from the
// heading and reads 敬梧 in the title, the second reads 苍梧 once. No
// character of the name's front is read twice; 苍梧 is a division's stem
// the lexicon knows (苍梧县), so it settles the name, and the heading gets
// it back.
func TestSecondOpinionSettledByTheLexicon(t *testing.T) {
	e := secondEngine(t)
	pages := readPNGs(t, e, "testdata/names-decree.png")
	CheckNames(pages)
	for _, want := range []string{"苍梧省人民政府令", "《苍梧省城市供水管理办法》"} {
		if got := lineWith(pages, want); got == "" {
			t.Errorf("no line %s; read:\n%s", want, dump(pages))
		}
	}
	if n := len(agreed(pages)); n < 2 {
		t.Errorf("%d corrections recorded, want 2 or more: %+v", n, agreed(pages))
	}
}

func dump(pages []page.Page) string {
	var b strings.Builder
	for _, p := range pages {
		for _, l := range p.Lines {
			b.WriteString(l.Text + " " + strings.Join(l.Readings, " | ") + "\n")
		}
	}
	return b.String()
}

// The lines with names of a file's pages are read in one run of the second
// model, not one a page, and each reading lands on its own page's line as
// a run for that page alone reads it.
func TestSecondOpinionOneRunAFile(t *testing.T) {
	e := secondEngine(t)
	count := countNameRuns(t, e)
	files := append(notice, "testdata/names-decree.png")
	pages := readPNGs(t, e, files...)
	if n := count(); n != 1 {
		t.Fatalf("%d runs of the second model for %d pages, want 1", n, len(files))
	}
	withNames := 0
	for i, file := range files {
		alone := readPNGs(t, e, file)[0]
		if len(alone.Lines) != len(pages[i].Lines) {
			t.Fatalf("%s: %d lines read alone, %d with the file", file, len(alone.Lines), len(pages[i].Lines))
		}
		read := 0
		for li, l := range pages[i].Lines {
			if !slices.Equal(l.Readings, alone.Lines[li].Readings) {
				t.Errorf("%s line %d %s: readings %q with the file, %q alone", file, li, l.Text, l.Readings, alone.Lines[li].Readings)
			}
			read += len(l.Readings)
		}
		want := ""
		if read > 0 {
			withNames++
			want = fmt.Sprintf("%d lines with place names read again by the second model", read)
		}
		if pages[i].Note != want {
			t.Errorf("%s: note %q, want %q", file, pages[i].Note, want)
		}
	}
	if withNames < 3 {
		t.Errorf("%d pages with lines read again, want 3 or more", withNames)
	}
}

// Lines held past maxNamePixels are read then, not kept for Read: a file
// of many pages holds little.
func TestSecondOpinionBounded(t *testing.T) {
	e := secondEngine(t)
	count := countNameRuns(t, e)
	f := e.Names()
	ctx := context.Background()
	blank := func(px int) []nameCut { // a white crop 2048 pixels wide
		h := (px + 2047) / 2048
		return []nameCut{{img: &raster{w: 2048, h: h, ch: 1, pix: bytes.Repeat([]byte{255}, 2048*h)}}}
	}
	f.add(ctx, 1, blank(maxNamePixels/2))
	if n := count(); n != 0 {
		t.Fatalf("%d runs of the second model under maxNamePixels, want none", n)
	}
	f.add(ctx, 2, blank(maxNamePixels/2))
	if n := count(); n != 1 || len(f.todo) != 0 {
		t.Fatalf("%d runs of the second model past maxNamePixels, %d pages held, want 1 run and none held", n, len(f.todo))
	}
	f.add(ctx, 3, blank(nameHeight*nameHeight))
	pages := make([]page.Page, 3)
	for i := range pages {
		pages[i] = page.Page{Number: i + 1, Extractor: page.OCR, Lines: []page.Line{{Text: "澜江省人民政府"}}}
	}
	f.Read(ctx, pages)
	if n := count(); n != 2 {
		t.Errorf("%d runs of the second model, want 2", n)
	}
	for _, p := range pages {
		if p.Note != "" || len(p.Lines[0].Readings) > 0 {
			t.Errorf("page %d of blank lines: note %q, readings %q", p.Number, p.Note, p.Lines[0].Readings)
		}
	}
}

// countNameRuns puts tesseract behind a script that counts the runs of
// the second model, and returns how many there were so far.
func countNameRuns(t *testing.T, e *Engine) func() int {
	t.Helper()
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	script := filepath.Join(dir, "tesseract")
	sh := "#!/bin/sh\ncase \"$*\" in *" + secondModelDir + "*) echo >>" + runs + ";; esac\nexec " + e.tesseract + " \"$@\"\n"
	if err := os.WriteFile(script, []byte(sh), 0o700); err != nil {
		t.Fatal(err)
	}
	e.tesseract = script
	return func() int {
		b, err := os.ReadFile(runs)
		if errors.Is(err, os.ErrNotExist) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(string(b), "\n")
	}
}
