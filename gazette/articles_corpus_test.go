package gazette

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// articleTarget is the share of the articles printed in the laws corpus
// (a line opening 第N条 or 第N条之M) that Headings must give an anchor.
const articleTarget = 0.995

var articleLineRE = regexp.MustCompile(`^第[〇零一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?[ \x{3000}]`)

// TestHeadingsOnTheLawsCorpus reads every law of the shared corpus's laws
// folder ($GAZETTE_CORPUS/laws, else ../../shared/corpus/laws) and counts
// the articles Headings anchors, chapters and sections beside them.
func TestHeadingsOnTheLawsCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "laws")
	if env := os.Getenv("GAZETTE_CORPUS"); env != "" {
		dir = filepath.Join(env, "laws")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("laws corpus not found at %s: set GAZETTE_CORPUS to the corpus root to run this evaluation", dir)
	}
	var files, printed, anchored, chapters, sections int
	var worst []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, text, ok := strings.Cut(string(raw), "<!-- INFO END -->")
		if !ok {
			return nil
		}
		var body []string
		n := 0
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(strings.TrimLeft(line, "#"))
			if line == "" {
				continue
			}
			body = append(body, line)
			if articleLineRE.MatchString(line) {
				n++
			}
		}
		files++
		printed += n
		got := 0
		for _, h := range Headings(body) {
			switch h.Kind {
			case Article:
				got++
			case Chapter:
				chapters++
			case Section:
				sections++
			}
		}
		anchored += got
		if got < n && len(worst) < 5 {
			rel, _ := filepath.Rel(dir, path)
			worst = append(worst, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	share := float64(anchored) / float64(max(printed, 1))
	t.Logf("%d laws: %d of %d articles anchored (%.4f), %d chapters, %d sections; laws with articles left out: %v",
		files, anchored, printed, share, chapters, sections, worst)
	if share < articleTarget {
		t.Errorf("%.4f of the articles anchored, want at least %.3f", share, articleTarget)
	}
}
