package split_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/split"
	"github.com/gazette-archive/gazette/ingest/split/splittest"
)

// corpus is the shared real material, relative to the module root.
var corpus = filepath.Join("..", "..", "..", "shared", "corpus")

// startTolerance is how far, in points, a found start may sit from the true
// one (OCR-like pages move lines by up to 2.5 points).
const startTolerance = 4.0

// boundaries counts matched document starts.
type boundaries struct{ found, truth, matched int }

func (b *boundaries) add(o boundaries) {
	b.found += o.found
	b.truth += o.truth
	b.matched += o.matched
}

func (b boundaries) prf() (p, r, f float64) {
	if b.found > 0 {
		p = float64(b.matched) / float64(b.found)
	}
	if b.truth > 0 {
		r = float64(b.matched) / float64(b.truth)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// scoreIssue splits one issue and matches its starts to the truth.
func scoreIssue(t *testing.T, g splittest.GoldIssue) (boundaries, split.Issue) {
	t.Helper()
	is := split.Split(layout.Clean(g.Pages))
	b := boundaries{found: len(is.Documents), truth: len(g.Docs)}
	used := make([]bool, len(is.Documents))
	for _, gd := range g.Docs {
		for k, d := range is.Documents {
			if used[k] || d.PageStart != gd.StartPage || math.Abs(d.Paragraphs[0].Y-gd.StartY) > startTolerance {
				continue
			}
			used[k] = true
			b.matched++
			break
		}
	}
	if testing.Verbose() && len(is.Contents) > 0 && len(is.Contents) != len(g.Docs) {
		t.Logf("%s: contents has %d entries, truth %d documents", g.Name, len(is.Contents), len(g.Docs))
		for _, e := range is.Contents {
			t.Logf("   entry %q p%d", e.Title, e.Printed)
		}
	}
	if testing.Verbose() && b.matched < b.truth {
		for k, d := range is.Documents {
			if !used[k] {
				t.Logf("%s: extra start p%d %q (%s)", g.Name, d.PageStart, d.Paragraphs[0].Text, d.Source)
			}
		}
	}
	return b, is
}

// loadEval loads every evaluation issue in every variant, or skips.
func loadEval(t *testing.T) map[string][]splittest.GoldIssue {
	t.Helper()
	if raceEnabled {
		t.Skip("evaluation skipped under -race (too slow); run: go test ./ingest/split ./ingest/meta -run Eval -v")
	}
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("shared corpus not present at %s (%v): skipping the evaluation", corpus, err)
	}
	rows, err := splittest.LoadDocnum(corpus)
	if err != nil {
		t.Fatal(err)
	}
	laws, err := splittest.LoadLawParagraphs(corpus, 120)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]splittest.GoldIssue{}
	for _, v := range splittest.Variants {
		ey, err := splittest.EY(filepath.Join(corpus, "ey-gazette"), v)
		if err != nil {
			t.Fatal(err)
		}
		out["ey-gazette/"+v.Name] = ey
		out["synthetic/"+v.Name] = splittest.Synthetic(rows, laws, 6, 1, v)
	}
	return out
}

// TestEvalBoundaries prints document-boundary precision, recall and F1 over
// the real Taiwan gazette issues and synthetic mainland issues, in every
// variant, and fails below the floors.
func TestEvalBoundaries(t *testing.T) {
	sets := loadEval(t)
	var total boundaries
	for _, name := range sortedKeys(sets) {
		var b boundaries
		for _, g := range sets[name] {
			ib, _ := scoreIssue(t, g)
			b.add(ib)
		}
		p, r, f := b.prf()
		fmt.Printf("boundaries %-34s issues %2d  docs %4d  found %4d  P %.3f  R %.3f  F1 %.3f\n", name, len(sets[name]), b.truth, b.found, p, r, f)
		total.add(b)
		// Floors are regression guards just under what is measured; the
		// issue's target (F1 ≥ 0.98) is printed beside the total.
		if f < 0.90 {
			t.Errorf("%s: boundary F1 %.3f below the floor 0.90", name, f)
		}
	}
	p, r, f := total.prf()
	verdict := "met"
	if f < 0.98 {
		verdict = "NOT MET"
	}
	fmt.Printf("boundaries %-34s           docs %4d  found %4d  P %.3f  R %.3f  F1 %.3f  (target 0.98: %s)\n", "ALL", total.truth, total.found, p, r, f, verdict)
	if f < 0.97 {
		t.Errorf("overall boundary F1 %.3f below the floor 0.97", f)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	for i := 1; i < len(k); i++ {
		for j := i; j > 0 && k[j] < k[j-1]; j-- {
			k[j], k[j-1] = k[j-1], k[j]
		}
	}
	return k
}
