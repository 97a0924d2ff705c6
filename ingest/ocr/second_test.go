package ocr

import (
	"context"
	"image"
	"image/draw"
	"image/png"
	"os"
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
// model, as Engine.Page does, and its lines with names with the second.
func readPNG(t *testing.T, e *Engine, file string) page.Page {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, image.Point{}, draw.Src)
	r := &raster{w: g.Rect.Dx(), h: g.Rect.Dy(), ch: 1, pix: g.Pix}
	ctx, dir := context.Background(), t.TempDir()
	p, err := e.read(ctx, dir, "page", r, 200)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.readNames(ctx, dir, []nameInk{{&p, r, 200}}); err != nil {
		t.Fatal(err)
	}
	return p
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

// The heading, 文号, title and a body line of a notice scanned at 200 dpi
// (a generated original, turned and skewed): Debian's chi_sim reads its
// province 岚州省 as 岗州省 in the title and loses it from the heading;
// the second model reads 岚州省 in each. The file's readings settle on
// 岚州省: the title and the heading take it, and the signature keeps it
// (the first model's readings alone settle on 岗州省).
func TestSecondOpinionOutvotesAMisreading(t *testing.T) {
	e := secondEngine(t)
	var pages []page.Page
	for _, f := range []string{"heading", "number", "title", "signature"} {
		pages = append(pages, readPNG(t, e, "testdata/names-notice-"+f+".png"))
	}
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
	pages := []page.Page{readPNG(t, e, "testdata/names-decree.png")}
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
