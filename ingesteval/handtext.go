package ingesteval

import (
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"text/tabwriter"

	"github.com/gazette-archive/gazette/ingest/page"
)

// handText holds hand-checked text of scanned pages of the real documents
// (see handtext/README.md): handtext/FILE.pN.txt is page N of FILE.pdf.
//
//go:embed handtext/*.txt
var handText embed.FS

// TargetHandAccuracy is the character accuracy real scans must reach
// against their hand-checked text.
const TargetHandAccuracy = 0.97

// HandScore is the extraction stage on one hand-checked page.
type HandScore struct {
	File        string
	Page        int
	Chars       Chars
	Extractor   page.Extractor
	Confidence  float64
	Corrections []page.Correction
	Err         error
}

var handName = regexp.MustCompile(`^(.+)\.p([0-9]+)\.txt$`)

// RunHandText reads each file of dir (the real documents' folder) that has
// hand-checked pages with pages, scores each such page against its text
// and prints the table to out, with the corrections post-correction made
// on each page. Files absent from dir are skipped; it returns ErrNoCorpus
// (wrapped) when dir is absent.
func RunHandText(ctx context.Context, dir string, pages PageReader, out io.Writer) ([]HandScore, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNoCorpus, dir, err)
	}
	names, err := handText.ReadDir("handtext")
	if err != nil {
		return nil, fmt.Errorf("ingesteval: hand-checked text: %w", err)
	}
	want := map[string]map[int]string{} // file → page → text
	for _, n := range names {
		m := handName.FindStringSubmatch(n.Name())
		if m == nil {
			continue
		}
		b, err := handText.ReadFile(path.Join("handtext", n.Name()))
		if err != nil {
			return nil, fmt.Errorf("ingesteval: hand-checked text: %w", err)
		}
		pn, _ := strconv.Atoi(m[2])
		if want[m[1]] == nil {
			want[m[1]] = map[int]string{}
		}
		want[m[1]][pn] = string(b)
	}
	files := make([]string, 0, len(want))
	for f := range want {
		files = append(files, f)
	}
	slices.Sort(files)
	var scores []HandScore
	for _, f := range files {
		pdf := filepath.Join(dir, f+".pdf")
		if _, err := os.Stat(pdf); err != nil {
			continue
		}
		got, err := pages(ctx, pdf)
		if ctx.Err() != nil {
			return scores, ctx.Err()
		}
		pns := make([]int, 0, len(want[f]))
		for pn := range want[f] {
			pns = append(pns, pn)
		}
		slices.Sort(pns)
		for _, pn := range pns {
			s := HandScore{File: f, Page: pn, Err: err}
			if err == nil && pn <= len(got) {
				p := got[pn-1]
				s.Chars = CompareText(p.PlainText(), want[f][pn])
				s.Extractor, s.Confidence, s.Corrections = p.Extractor, p.Confidence, p.Corrections
			} else if err == nil {
				s.Err = fmt.Errorf("the file gave %d pages", len(got))
			}
			scores = append(scores, s)
		}
	}
	printHand(out, scores)
	return scores, nil
}

func printHand(w io.Writer, scores []HandScore) {
	fmt.Fprintln(w, "Real scans against hand-checked text (ingesteval/handtext): the extraction stage, page by page")
	fmt.Fprintln(w, "  accuracy: 1 − edit distance / reference characters, NFKC-folded, whitespace and leader runs ignored")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "file\tpage\textractor\tconfidence\taccuracy\tcorrections\t")
	var all Chars
	for _, s := range scores {
		if s.Err != nil {
			fmt.Fprintf(tw, "%s\t%d\tfailed: %v\t\t\t\t\n", s.File, s.Page, s.Err)
			continue
		}
		all = all.Add(s.Chars)
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.2f\t%s\t%d\t\n", s.File, s.Page, s.Extractor, s.Confidence, fmtAcc(s.Chars), len(s.Corrections))
	}
	fmt.Fprintf(tw, "all\t\t\t\t%s\t\t\n", fmtAcc(all))
	tw.Flush()
	if all.Texts > 0 {
		verdict := "met"
		if all.Accuracy() < TargetHandAccuracy {
			verdict = "NOT met"
		}
		fmt.Fprintf(w, "  target: character accuracy %.2f%% (target ≥ %.0f%%): %s\n", 100*all.Accuracy(), 100*TargetHandAccuracy, verdict)
	}
	for _, s := range scores {
		for _, c := range s.Corrections {
			fmt.Fprintf(w, "  %s p%d line %d: %s %q → %q (confidence %.2f)\n", s.File, s.Page, c.Line+1, c.Rule, c.From, c.To, c.Confidence)
		}
	}
	fmt.Fprintln(w)
}
