package ingesteval

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// OriginalVariant is one way a generated original is written: a text
// encoding, or a scan style.
type OriginalVariant struct {
	Name     string
	Encoding typeset.Encoding
	Scan     typeset.ScanStyle
}

// OriginalVariants are the variants originals are measured in: every text
// encoding, and scans as they come from agencies: grey with the back of the
// sheet showing through, colour (red kept red) on a dirty platen, 1-bit
// CCITT, turned by /Rotate 90 with more skew, and /Rotate 270 with colour
// pages where there is red ink and 1-bit pages elsewhere.
var OriginalVariants = []OriginalVariant{
	{Name: "identity-h", Encoding: typeset.IdentityH},
	{Name: "gbk-euc-h", Encoding: typeset.GBKEUC},
	{Name: "winansi-gbk", Encoding: typeset.WinAnsiGBK},
	{Name: "identity-h-no-tounicode", Encoding: typeset.IdentityHNoToUnicode},
	{Name: "scan-grey-bleed", Encoding: typeset.Scan, Scan: typeset.ScanStyle{BleedThrough: true}},
	{Name: "scan-colour-speckle", Encoding: typeset.Scan, Scan: typeset.ScanStyle{Mode: typeset.ScanColour, Speckle: true}},
	{Name: "scan-1bit", Encoding: typeset.Scan, Scan: typeset.ScanStyle{Mode: typeset.ScanBilevel, Speckle: true}},
	{Name: "scan-rotate90-skew", Encoding: typeset.Scan, Scan: typeset.ScanStyle{Rotate: 90, Skew: 2.5}},
	{Name: "scan-rotate270-mixed", Encoding: typeset.Scan, Scan: typeset.ScanStyle{Mode: typeset.ScanMixed, Rotate: 270, BleedThrough: true}},
}

// Defaults of OriginalsConfig.
const (
	DefaultOriginals     = 8 // per source and text variant
	DefaultScanOriginals = 2 // per source and scan variant
)

// OriginalsConfig says which generated agencies' originals (GB/T 9704
// 红头文件 and decrees, typeset.FormOriginal) RunEval measures besides the
// gazette issues: text originals when EvalConfig.Seeds > 0, scans when
// EvalConfig.Scans > 0, seeds from EvalConfig.FirstSeed, from the same
// sources as the issues.
type OriginalsConfig struct {
	// PerText is the number per source and text variant; 0 means
	// DefaultOriginals. PerScan the number per source and scan variant; 0
	// means DefaultScanOriginals.
	PerText, PerScan int
	// Off measures no originals.
	Off bool
}

// OriginalScore is how the pipeline did on one generated original. Its
// fields are scored on the document that starts the file (the original is
// one document, attachments included), whatever its title: Bounds.Found
// counts the documents the pipeline made of it.
type OriginalScore struct {
	IssueScore
	Variant string
	// CoverEmpty reports that the result's issue fields (year, number,
	// date) are empty, as they must be for a file without a gazette cover.
	CoverEmpty bool
	// Own counts the fields only an original prints (ownFields), each
	// where the truth or the result has a value.
	Own map[string]Count
}

// ownFields are the fields of an original beside those a gazette reprint
// also has, in the order they are printed.
var ownFields = []string{"登记号", "份号", "密级", "紧急程度", "签发人", "主送", "签署", "附件", "附注", "抄送", "印发机关", "印发日期"}

// scoreOwn scores the fields only an original prints, folded (lists in
// order): a field counts where the truth or the result has a value.
func scoreOwn(sc *OriginalScore, td typeset.Document, got report.Document) {
	sc.Own = map[string]Count{}
	list := func(xs []string) string { return foldString(strings.Join(xs, "|")) }
	date := func(d gazette.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	pairs := [][2]string{
		{foldString(got.Registration), foldString(td.Registration)},
		{got.CopyNumber, td.CopyNumber},
		{foldString(got.Secrecy), foldString(td.Secrecy)},
		{got.Urgency, td.Urgency},
		{list(got.Signers), list(td.Signers)},
		{list(got.Recipients), list(td.Recipients)},
		{foldString(got.Signatory), foldString(td.Signatory)},
		{list(got.Attachments), list(td.Attachments)},
		{foldString(got.Note), foldString(td.Note)},
		{list(got.CC), list(td.CC)},
		{foldString(got.PrintedBy), foldString(td.PrintedBy)},
		{date(got.PrintDate), date(td.PrintedOn)},
	}
	for i, p := range pairs {
		if p[0] == "" && p[1] == "" {
			continue
		}
		c := sc.Own[ownFields[i]]
		c.Total++
		if p[0] == p[1] {
			c.Right++
		} else {
			sc.Mismatches = append(sc.Mismatches, fmt.Sprintf("%s %q, want %q", ownFields[i], p[0], p[1]))
		}
		sc.Own[ownFields[i]] = c
	}
}

// originalJob is one original to generate and score.
type originalJob struct {
	source  string
	variant OriginalVariant
	opts    typeset.Options
}

func (j originalJob) name() string {
	return fmt.Sprintf("original-%s-%s-%d", j.source, j.variant.Name, j.opts.Seed)
}

// runOriginals generates the originals cfg asks for, runs each through
// the pipeline, scores it and prints the report.
func runOriginals(ctx context.Context, cfg EvalConfig, dir string, rep *EvalReport) error {
	oc := cfg.Originals
	perText, perScan := 0, 0
	if cfg.Seeds > 0 {
		perText = cmp.Or(oc.PerText, DefaultOriginals)
	}
	if cfg.Scans > 0 {
		perScan = cmp.Or(oc.PerScan, DefaultScanOriginals)
	}
	if oc.Off || perText+perScan == 0 {
		return nil
	}
	font, err := typeset.LoadFont()
	if err != nil {
		font = nil // IdentityH and scans are then reported skipped
	}
	sources := []struct {
		name string
		src  typeset.Source
	}{{"builtin", typeset.Builtin()}}
	if cfg.CorpusDir != "" {
		if _, err := os.Stat(filepath.Join(cfg.CorpusDir, "laws")); err == nil {
			src, err := typeset.Corpus(cfg.CorpusDir)
			if err != nil {
				return fmt.Errorf("ingesteval: %w", err)
			}
			sources = append(sources, struct {
				name string
				src  typeset.Source
			}{"corpus", src})
		}
	}
	var jobs []originalJob
	for _, s := range sources {
		for _, v := range OriginalVariants {
			n := perText
			if v.Encoding == typeset.Scan {
				n = perScan
			}
			for i := range n {
				seed := cfg.FirstSeed + uint64(i)
				jobs = append(jobs, originalJob{s.name, v, typeset.Options{Seed: seed, Source: s.src, Form: typeset.FormOriginal,
					Encoding: v.Encoding, Scan: v.Scan, FakeBold: seed%2 == 1, Font: font}})
			}
		}
	}
	scores := make([]*OriginalScore, len(jobs))
	skipped := make([]string, len(jobs))
	err = forEach(ctx, len(jobs), cfg.Workers, func(i int) {
		sc, skip, err := runOriginal(ctx, cfg, dir, jobs[i])
		switch {
		case err != nil:
			skipped[i] = err.Error()
		case skip != "":
			skipped[i] = skip
		default:
			scores[i] = sc
		}
	}, func(done int) {
		if cfg.Progress != nil {
			cfg.Progress("generated originals", done, len(jobs))
		}
	})
	if err != nil {
		return err
	}
	var skips []string
	for i, sc := range scores {
		if sc != nil {
			rep.Originals = append(rep.Originals, *sc)
		} else if !slices.Contains(skips, skipped[i]) {
			skips = append(skips, skipped[i])
		}
	}
	printOriginals(cfg, perText, perScan, rep.Originals, skips)
	return nil
}

// runOriginal generates one original, writes it and its truth, runs the
// pipeline and scores it.
func runOriginal(ctx context.Context, cfg EvalConfig, dir string, j originalJob) (*OriginalScore, string, error) {
	sc := &OriginalScore{IssueScore: IssueScore{Source: j.source, Encoding: j.opts.Encoding, Seed: j.opts.Seed}, Variant: j.variant.Name}
	genErr, err := runScored(ctx, cfg, filepath.Join(dir, j.name()+".pdf"), j.opts, &sc.IssueScore, func(truth typeset.Truth, res *report.Result) {
		scoreOriginal(sc, truth, res)
	})
	switch {
	case err != nil:
		return nil, "", err
	case genErr != nil:
		return nil, fmt.Sprintf("originals %s %s: not generated: %v", j.source, j.variant.Name, genErr), nil
	}
	return sc, "", nil
}

// scoreOriginal scores a result against an original's truth into sc: the
// text of all documents against the original's, and the fields of the
// document that starts on the first page (or the first document).
func scoreOriginal(sc *OriginalScore, truth typeset.Truth, res *report.Result) {
	sc.Review = res.Review
	sc.Extractors = map[page.Extractor]int{}
	for _, p := range res.Pages {
		sc.Extractors[p.Extractor]++
	}
	td := truth.Documents[0]
	got, found := report.Document{}, false
	for _, d := range res.Documents {
		if !found || d.PageStart < got.PageStart {
			got, found = d, true
		}
	}
	sc.Text, sc.TitleApart = scoreOriginalText(td, res, got.Title)
	sc.WithHeading = true
	sc.Bounds = Boundaries{Found: len(res.Documents), Truth: 1}
	if len(res.Documents) == 1 && got.PageStart == td.FilePages.First && got.PageEnd == td.FilePages.Last {
		sc.Bounds.Matched = 1
	} else {
		sc.Mismatches = append(sc.Mismatches, fmt.Sprintf("%d documents, want the original whole (pages %d–%d) as one", len(res.Documents), td.FilePages.First, td.FilePages.Last))
	}
	sc.Fields = map[string]Count{}
	check := func(field string, ok bool, g, w any) {
		c := sc.Fields[field]
		c.Total++
		if ok {
			c.Right++
		} else if found {
			sc.Mismatches = append(sc.Mismatches, fmt.Sprintf("%s %q, want %q", field, fmt.Sprint(g), fmt.Sprint(w)))
		}
		sc.Fields[field] = c
	}
	check(FieldTitle, found && foldString(got.Title) == foldString(td.Title), got.Title, td.Title)
	check(FieldDocNumber, found && foldString(got.DocNumber) == foldString(td.DocNumber), got.DocNumber, td.DocNumber)
	check(FieldAuthorities, found && sameSet(got.Authorities, td.Authorities), got.Authorities, td.Authorities)
	check(FieldSigned, found && got.Signed == td.Signed, got.Signed, td.Signed)
	check(FieldKind, found && got.Kind == td.Kind, got.Kind, td.Kind)
	check(FieldEffective, found && got.Effective == td.Effective, got.Effective, td.Effective)
	check(FieldExpires, found && got.Expires == td.Expires, got.Expires, td.Expires)
	if found {
		scoreOwn(sc, td, got)
	} else {
		sc.Mismatches = append(sc.Mismatches, "no document")
	}
	iss := res.Issue
	sc.CoverEmpty = iss.Year == 0 && iss.Number == 0 && iss.TotalNumber == 0 && iss.Date == (gazette.Date{})
	if !sc.CoverEmpty {
		sc.Mismatches = append(sc.Mismatches, fmt.Sprintf("issue fields set on a file without a cover: %d年第%d期 (总第%d期) %v", iss.Year, iss.Number, iss.TotalNumber, iss.Date))
	}
}

// scoreOriginalText compares the text of all documents with the
// original's every printed line, 版头 included: as is, or, for a pipeline
// that leaves the title to its field (titleApart), against the text
// without the title lines, the title field then scored in their place
// (an original's title sits under its 版头, not in front of it).
func scoreOriginalText(td typeset.Document, res *report.Result, title string) (c Chars, titleApart bool) {
	var docs []string
	for _, d := range res.Documents {
		docs = append(docs, d.Text)
	}
	got := joinNonEmpty(docs...)
	c = CompareText(got, joinNonEmpty(joinNonEmpty(td.Heading...), td.Text()))
	for k := 1; k <= len(td.Heading); k++ {
		n := len(td.Heading) - k
		if foldString(strings.Join(td.Heading[n:], "")) != foldString(td.Title) {
			continue
		}
		apart := CompareText(got, joinNonEmpty(joinNonEmpty(td.Heading[:n]...), td.Text())).Add(CompareText(title, td.Title))
		apart.Texts--
		if apart.Errors < c.Errors {
			return apart, true
		}
		break
	}
	return c, false
}

func printOriginals(cfg EvalConfig, perText, perScan int, scores []OriginalScore, skipped []string) {
	w := cfg.Out
	fmt.Fprintln(w, "Ingest evaluation: generated agencies' originals (GB/T 9704 红头文件 and 令, ingest/typeset FormOriginal), one document each")
	fmt.Fprintf(w, "  %d per source and text variant, %d per source and scan variant, seeds from %d; the same seed is the same original in every variant\n", perText, perScan, cfg.FirstSeed)
	for _, s := range skipped {
		fmt.Fprintf(w, "  skipped: %s\n", s)
	}
	if len(scores) == 0 {
		fmt.Fprintln(w, "  no original was generated")
		fmt.Fprintln(w)
		return
	}
	pages := cfg.Pages != nil
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "source\tvariant\toriginals\tpages\ttext acc\t"
	if pages {
		head += "page acc\t"
	}
	head += "whole\t" + strings.Join(docFields[:5], "\t") + "\tno cover\treview\tfailed\ts/page\t"
	fmt.Fprintln(tw, head)
	row := func(source, variant string, of []OriginalScore) {
		var issues []IssueScore
		cover := 0
		for _, s := range of {
			issues = append(issues, s.IssueScore)
			if s.CoverEmpty {
				cover++
			}
		}
		t := Sum(issues)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t", source, variant, t.Issues, t.Pages, fmtAcc(t.Text))
		if pages {
			fmt.Fprintf(tw, "%s\t", fmtAcc(t.PageText))
		}
		fmt.Fprintf(tw, "%s\t", pct(ratio(t.Bounds.Matched, t.Bounds.Truth)))
		for _, f := range docFields[:5] {
			fmt.Fprintf(tw, "%s\t", pct(t.Fields[f].Share()))
		}
		fmt.Fprintf(tw, "%d/%d\t%d\t%d\t%.2f\t\n", cover, t.Issues, t.Review, t.Failed, t.Elapsed.Seconds()/float64(max(t.Pages, 1)))
	}
	var sources []string
	for _, s := range scores {
		if !slices.Contains(sources, s.Source) {
			sources = append(sources, s.Source)
		}
	}
	sel := func(f func(OriginalScore) bool) []OriginalScore {
		var out []OriginalScore
		for _, s := range scores {
			if f(s) {
				out = append(out, s)
			}
		}
		return out
	}
	for _, v := range OriginalVariants {
		of := sel(func(s OriginalScore) bool { return s.Variant == v.Name })
		if len(of) == 0 {
			continue
		}
		for _, src := range sources {
			if these := sel(func(s OriginalScore) bool { return s.Variant == v.Name && s.Source == src }); len(these) > 0 {
				row(src, v.Name, these)
			}
		}
		if len(sources) > 1 {
			row("both", v.Name, of)
		}
	}
	if text := sel(func(s OriginalScore) bool { return s.Encoding != typeset.Scan }); len(text) > 0 {
		row("all", "text-based", text)
	}
	if scans := sel(func(s OriginalScore) bool { return s.Encoding == typeset.Scan }); len(scans) > 0 {
		row("all", "scans", scans)
	}
	row("all", "all", scores)
	tw.Flush()
	fmt.Fprintln(w, "  whole: the original came back as one document over all its pages (attachments included); the fields are scored on the")
	fmt.Fprintln(w, "    document that starts the file, exact (folded; authorities as a set); no cover: the result's issue fields left empty")
	printOwn(w, sel(func(s OriginalScore) bool { return s.Encoding != typeset.Scan }), sel(func(s OriginalScore) bool { return s.Encoding == typeset.Scan }))
	var issues []IssueScore
	for _, s := range scores {
		issues = append(issues, s.IssueScore)
	}
	all := Sum(issues)
	fmt.Fprintln(w, "  targets:")
	for _, f := range docFields[:4] {
		c := all.Fields[f]
		fmt.Fprintf(w, "    %-24s %s %s (%d/%d; target ≥ %.0f%%): %s\n", "originals", f, pct(c.Share()), c.Right, c.Total, 100*TargetField, verdict(c.Share() >= TargetField))
	}
	var fails []string
	for _, s := range scores {
		name := fmt.Sprintf("%s %s seed %d", s.Source, s.Variant, s.Seed)
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
	printMismatches(w, fails, cfg.Show)
	if cfg.WorkDir != "" {
		fmt.Fprintf(w, "  generated originals and truths kept in %s (original-SOURCE-VARIANT-SEED.pdf)\n", cfg.WorkDir)
	}
	fmt.Fprintln(w)
}

// printMismatches lists the first show mismatches.
func printMismatches(w io.Writer, fails []string, show int) {
	switch {
	case len(fails) == 0:
		fmt.Fprintln(w, "  mismatches: none")
	case show > 0:
		fmt.Fprintf(w, "  mismatches (%d; the first %d):\n", len(fails), min(show, len(fails)))
		for _, f := range fails[:min(show, len(fails))] {
			fmt.Fprintf(w, "    %s\n", shorten(f, 240))
		}
	default:
		fmt.Fprintf(w, "  mismatches: %d (list them with --show N)\n", len(fails))
	}
}

// printOwn prints the accuracy of the fields only an original prints, for
// text-based originals and for scans, each with how many were scored.
func printOwn(w io.Writer, text, scans []OriginalScore) {
	fmt.Fprintln(w, "  the original's own fields (exact, folded; scored where the truth or the result has one: right/scored):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\t"+strings.Join(ownFields, "\t")+"\t")
	for _, g := range []struct {
		name string
		of   []OriginalScore
	}{{"text-based", text}, {"scans", scans}} {
		if len(g.of) == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t", g.name)
		for _, f := range ownFields {
			var c Count
			for _, s := range g.of {
				c = c.Add(s.Own[f])
			}
			if c.Total == 0 {
				fmt.Fprint(tw, "–\t")
				continue
			}
			fmt.Fprintf(tw, "%d/%d\t", c.Right, c.Total)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}
