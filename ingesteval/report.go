package ingesteval

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// Totals sums the scores of several issues.
type Totals struct {
	Issues, Pages, Docs, Failed, Review int
	Text, PageText                      Chars
	WithHeading                         int // issues whose text follows the with-heading convention
	TitleApart                          int // of those, issues whose text leaves out the title
	Bounds                              Boundaries
	Fields, Issue                       map[string]Count
	Extractors                          map[page.Extractor]int
	Elapsed                             time.Duration
}

// Sum adds up issues.
func Sum(issues []IssueScore) Totals {
	t := Totals{Fields: map[string]Count{}, Issue: map[string]Count{}, Extractors: map[page.Extractor]int{}}
	for _, s := range issues {
		t.Issues++
		t.Pages += s.Pages
		t.Docs += s.Docs
		if s.Err != nil {
			t.Failed++
		}
		if len(s.Review) > 0 {
			t.Review++
		}
		if s.WithHeading {
			t.WithHeading++
		}
		if s.TitleApart {
			t.TitleApart++
		}
		t.Text, t.PageText = t.Text.Add(s.Text), t.PageText.Add(s.PageText)
		t.Bounds = t.Bounds.Add(s.Bounds)
		for k, v := range s.Fields {
			t.Fields[k] = t.Fields[k].Add(v)
		}
		for k, v := range s.Issue {
			t.Issue[k] = t.Issue[k].Add(v)
		}
		for k, v := range s.Extractors {
			t.Extractors[k] += v
		}
		t.Elapsed += s.Elapsed
	}
	return t
}

// Select returns the issues f keeps.
func Select(issues []IssueScore, f func(IssueScore) bool) []IssueScore {
	var out []IssueScore
	for _, s := range issues {
		if f(s) {
			out = append(out, s)
		}
	}
	return out
}

func printEval(cfg EvalConfig, rep EvalReport) {
	w := cfg.Out
	fmt.Fprintln(w, "Ingest evaluation: generated issues (ingest/typeset) through the pipeline, scored against their truth")
	fmt.Fprintf(w, "  text-based: %d seeds from %d per source and encoding; scans: %d per source", cfg.Seeds, cfg.FirstSeed, cfg.Scans)
	if cfg.ScanDocuments > 0 {
		fmt.Fprintf(w, " of %d documents", cfg.ScanDocuments)
	}
	fmt.Fprintln(w)
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "  skipped: %s\n", s)
	}
	if len(rep.Issues) == 0 {
		fmt.Fprintln(w, "  no issue was generated")
		fmt.Fprintln(w)
		return
	}
	pages := cfg.Pages != nil
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "source\tencoding\tissues\tpages\tdocs\ttext acc\t"
	if pages {
		head += "page acc\t"
	}
	head += "bound P\tR\tF1\t" + strings.Join(docFields[:4], "\t") + "\treview\tfailed\ts/page\t"
	fmt.Fprintln(tw, head)
	row := func(source, enc string, t Totals) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t", source, enc, t.Issues, t.Pages, t.Docs, fmtAcc(t.Text))
		if pages {
			fmt.Fprintf(tw, "%s\t", fmtAcc(t.PageText))
		}
		b := t.Bounds
		fmt.Fprintf(tw, "%s\t%s\t%s\t", pct(b.Precision()), pct(b.Recall()), pct(b.F1()))
		for _, f := range docFields[:4] {
			fmt.Fprintf(tw, "%s\t", pct(t.Fields[f].Share()))
		}
		fmt.Fprintf(tw, "%d\t%d\t%.2f\t\n", t.Review, t.Failed, t.Elapsed.Seconds()/float64(max(t.Pages, 1)))
	}
	encs := append(slices.Clone(TextEncodings), typeset.Scan)
	var sources []string
	for _, s := range rep.Issues {
		if !slices.Contains(sources, s.Source) {
			sources = append(sources, s.Source)
		}
	}
	for _, enc := range encs {
		of := Select(rep.Issues, func(s IssueScore) bool { return s.Encoding == enc })
		if len(of) == 0 {
			continue
		}
		for _, src := range sources {
			if sel := Select(of, func(s IssueScore) bool { return s.Source == src }); len(sel) > 0 {
				row(src, string(enc), Sum(sel))
			}
		}
		if len(sources) > 1 {
			row("both", string(enc), Sum(of))
		}
	}
	text := Select(rep.Issues, func(s IssueScore) bool { return s.Encoding != typeset.Scan })
	if len(text) > 0 {
		row("all", "text-based", Sum(text))
	}
	tw.Flush()
	all := Sum(rep.Issues)
	fmt.Fprintf(w, "  text acc: character accuracy of the documents' text, all documents of an issue in order against the truth's,\n")
	fmt.Fprintf(w, "    1 − edit distance / reference characters, NFKC-folded, whitespace and leader runs ignored (%d of %d issues closer to the\n", all.WithHeading, all.Issues)
	fmt.Fprintf(w, "    reference that includes each document's heading lines, %d of them with the title put back in front of a text that\n", all.TitleApart)
	fmt.Fprintf(w, "    leaves it to the title field; the rest to the one without heading lines)\n")
	if pages {
		fmt.Fprintf(w, "  page acc: the extraction stage alone, each page against every line the truth prints on it\n")
	}
	fmt.Fprintf(w, "  boundaries: a found document matches a true one when it starts on the same file page and its title is\n")
	fmt.Fprintf(w, "    ≥ %.0f%% similar (folded); one to one. Fields are exact (folded; authorities as a set) over all true\n", 100*TitleMatch)
	fmt.Fprintf(w, "    documents: a document not found counts as wrong in every field\n")
	fmt.Fprintf(w, "  s/page: the pipeline's wall clock per page, with %d issues read at once\n", max(cfg.Workers, 1))

	fmt.Fprintln(w, "  targets:")
	for _, enc := range encs {
		of := Select(rep.Issues, func(s IssueScore) bool { return s.Encoding == enc })
		if len(of) == 0 {
			continue
		}
		target := TargetTextAccuracy
		if enc == typeset.Scan {
			target = TargetScanAccuracy
		}
		t := Sum(of)
		fmt.Fprintf(w, "    %-24s text accuracy %s (target ≥ %.0f%%): %s\n", enc, fmtAcc(t.Text), 100*target, verdict(t.Text.Texts > 0 && t.Text.Capped == 0 && t.Text.Accuracy() >= target))
	}
	fmt.Fprintf(w, "    %-24s boundary F1 %s (target ≥ %.0f%%): %s\n", "all", pct(all.Bounds.F1()), 100*TargetBoundaryF1, verdict(all.Bounds.F1() >= TargetBoundaryF1))
	for _, f := range docFields[:4] {
		c := all.Fields[f]
		fmt.Fprintf(w, "    %-24s %s %s (%d/%d; target ≥ %.0f%%): %s\n", "all", f, pct(c.Share()), c.Right, c.Total, 100*TargetField, verdict(c.Share() >= TargetField))
	}
	fmt.Fprint(w, "  other document fields:")
	for _, f := range docFields[4:] {
		c := all.Fields[f]
		fmt.Fprintf(w, " %s %s (%d/%d);", f, pct(c.Share()), c.Right, c.Total)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "  issue fields (cover):")
	for _, f := range issueFields {
		c := all.Issue[f]
		fmt.Fprintf(w, " %s %d/%d;", f, c.Right, c.Total)
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, "  pages by extractor:")
	for _, enc := range encs {
		if of := Select(rep.Issues, func(s IssueScore) bool { return s.Encoding == enc }); len(of) > 0 {
			fmt.Fprintf(w, " %s: %s;", enc, fmtExtractors(Sum(of).Extractors))
		}
	}
	fmt.Fprintln(w)

	var fails []string
	for _, s := range rep.Issues {
		name := fmt.Sprintf("%s %s seed %d", s.Source, s.Encoding, s.Seed)
		if s.Err != nil {
			fails = append(fails, name+": pipeline failed: "+s.Err.Error())
		}
		if len(s.Review) > 0 {
			fails = append(fails, name+": needs review: "+strings.Join(s.Review, "; "))
		}
		for _, m := range s.Mismatches {
			fails = append(fails, name+": "+m)
		}
	}
	switch {
	case len(fails) == 0:
		fmt.Fprintln(w, "  mismatches: none")
	case cfg.Show > 0:
		fmt.Fprintf(w, "  mismatches (%d; the first %d):\n", len(fails), min(cfg.Show, len(fails)))
		for _, f := range fails[:min(cfg.Show, len(fails))] {
			fmt.Fprintf(w, "    %s\n", shorten(f, 240))
		}
	default:
		fmt.Fprintf(w, "  mismatches: %d (list them with --show N)\n", len(fails))
	}
	if cfg.WorkDir != "" {
		fmt.Fprintf(w, "  generated files and truths kept in %s\n", cfg.WorkDir)
	}
	fmt.Fprintln(w)
}

func pct(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
