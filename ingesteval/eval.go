package ingesteval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

// Pipeline is the whole ingest of one PDF: in the command, ingest.Extract
// with the run's options.
type Pipeline func(ctx context.Context, path string) (*report.Result, error)

// PageReader is the extraction stage alone: the text of every page of a
// PDF, every printed line in reading order (running heads and page numbers
// included), each page with the extractor that produced it.
type PageReader func(ctx context.Context, path string) ([]page.Page, error)

// TextEncodings are the encodings of text-based generated issues.
var TextEncodings = []typeset.Encoding{typeset.IdentityH, typeset.GBKEUC, typeset.WinAnsiGBK, typeset.IdentityHNoToUnicode}

// Targets of the legacy PDF ingest issue.
const (
	TargetTextAccuracy = 0.99 // character accuracy, text-based pages, every encoding
	TargetScanAccuracy = 0.95 // character accuracy, clean scans
	TargetBoundaryF1   = 0.98
	TargetField        = 0.97 // title, 文号, authority, signed date, each
)

// EvalConfig configures RunEval.
type EvalConfig struct {
	// Pipeline is what is scored; required.
	Pipeline Pipeline
	// Pages, when set, is also scored page by page, against every printed
	// line of each page: the extraction's accuracy apart from splitting.
	Pages PageReader
	// CorpusDir is the shared corpus: its laws and 文号 make the second
	// source of generated issues, and its pdf/ folder the real files. ""
	// or absent: built-in texts only, no real files.
	CorpusDir string
	// FirstSeed and Seeds: the text-based issues use seeds FirstSeed,
	// FirstSeed+1, ... Seeds of them per source and encoding.
	FirstSeed uint64
	Seeds     int
	// Scans is the number of scan issues per source (seeds from FirstSeed),
	// ScanDocuments the documents in each (0: typeset's random 10–30).
	// Scans are slow: about 2 s a page to render and as much to OCR.
	Scans, ScanDocuments int
	// Documents in each text-based issue; 0: typeset's random 10–30.
	Documents int
	// Real runs the PDFs of CorpusDir/pdf through the pipeline too: those
	// RealPattern matches (see RealConfig.Pattern).
	Real        bool
	RealPattern string
	// Workers is how many issues are read at once; 0 means the number of
	// CPUs.
	Workers int
	// WorkDir keeps the generated PDFs and their truths (NAME.pdf,
	// NAME.truth.json) for a person to look at; "" means a temporary
	// directory, removed afterwards.
	WorkDir string
	// Show is how many mismatches to list.
	Show int
	Out  io.Writer
	// Progress, when set, hears about long steps.
	Progress func(what string, done, total int)
	// Originals says which agencies' originals are measured too.
	Originals OriginalsConfig
}

// The scored document fields.
const (
	FieldTitle       = "title"
	FieldDocNumber   = "文号"
	FieldAuthorities = "authority"
	FieldSigned      = "signed date"
	FieldKind        = "kind"
	FieldEffective   = "effective date"
	FieldExpires     = "expiry date"
)

// docFields are the document fields in report order; the first four have
// targets.
var docFields = []string{FieldTitle, FieldDocNumber, FieldAuthorities, FieldSigned, FieldKind, FieldEffective, FieldExpires}

// issueFields are the cover's fields.
var issueFields = []string{"year", "number", "total number", "date"}

// Count is right out of total.
type Count struct{ Right, Total int }

// Add sums two counts.
func (c Count) Add(o Count) Count { return Count{c.Right + o.Right, c.Total + o.Total} }

// Share is right / total; 0 when there is nothing.
func (c Count) Share() float64 { return ratio(c.Right, c.Total) }

// IssueScore is how the pipeline did on one generated issue.
type IssueScore struct {
	Source   string // builtin, corpus
	Encoding typeset.Encoding
	Seed     uint64
	File     string
	Pages    int // in the truth
	Docs     int // in the truth
	// Err is the pipeline's error; the issue then scores nothing right.
	Err    error
	Review []string
	// Text is the documents' text, all documents in order, against the
	// truth's documents in order (WithHeading and TitleApart say which
	// convention the pipeline follows, see scoreText). PageText is the page
	// reader's.
	Text        Chars
	WithHeading bool
	TitleApart  bool
	PageText    Chars
	Extractors  map[page.Extractor]int // pages by the path that produced them
	Bounds      Boundaries
	Fields      map[string]Count // document fields, over the true documents
	Issue       map[string]Count
	Mismatches  []string
	Elapsed     time.Duration // the pipeline's wall clock
}

// EvalReport is everything RunEval measured.
type EvalReport struct {
	Issues  []IssueScore
	Skipped []string // encodings or sources not generated, with why
	Real    []RealScore
	// RealDocs are the real government documents scored field by field
	// against the truth read by eye (CorpusDir/pdf/real-docs).
	RealDocs []DocScore

	// Originals are the generated agencies' originals (see
	// EvalConfig.Originals).
	Originals []OriginalScore
}

// job is one issue to generate and score.
type job struct {
	source string
	src    typeset.Source
	opts   typeset.Options
}

func (j job) name() string {
	return fmt.Sprintf("%s-%s-%d", j.source, j.opts.Encoding, j.opts.Seed)
}

// RunEval generates the issues, runs each through the pipeline, scores it
// and prints the report to cfg.Out; then, with cfg.Real, the real corpus.
func RunEval(ctx context.Context, cfg EvalConfig) (EvalReport, error) {
	var rep EvalReport
	if cfg.Pipeline == nil {
		return rep, errors.New("ingesteval: no pipeline to evaluate")
	}
	if cfg.Seeds < 0 || cfg.Scans < 0 || cfg.Seeds+cfg.Scans == 0 && !cfg.Real {
		return rep, fmt.Errorf("ingesteval: %d seeds and %d scans, no real files: want something to evaluate", cfg.Seeds, cfg.Scans)
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	cfg.Workers = workers
	dir, cleanup, err := workDir(cfg.WorkDir, "gazette-eval-ingest-")
	if err != nil {
		return rep, err
	}
	defer cleanup()

	if cfg.Seeds+cfg.Scans > 0 {
		if err := runGenerated(ctx, cfg, dir, &rep); err != nil {
			return rep, err
		}
		if err := runOriginals(ctx, cfg, dir, &rep); err != nil {
			return rep, err
		}
	}
	if cfg.Real {
		real, err := RunReal(ctx, RealConfig{Dir: filepath.Join(cfg.CorpusDir, "pdf"), Pattern: cfg.RealPattern, Pipeline: cfg.Pipeline, Pages: cfg.Pages, Workers: workers, Out: cfg.Out, Progress: cfg.Progress})
		if err != nil && !errors.Is(err, ErrNoCorpus) {
			return rep, err
		}
		if err != nil {
			fmt.Fprintf(cfg.Out, "Real PDFs: skipped: %v\n\n", err)
		}
		rep.Real = real
		docs, err := RunRealDocs(ctx, RealConfig{Dir: filepath.Join(cfg.CorpusDir, "pdf", "real-docs"), Pattern: cfg.RealPattern, Pipeline: cfg.Pipeline, Workers: workers, Out: cfg.Out, Progress: cfg.Progress})
		if err != nil && !errors.Is(err, ErrNoCorpus) {
			return rep, err
		}
		if err != nil {
			fmt.Fprintf(cfg.Out, "Real documents: skipped: %v\n\n", err)
		}
		rep.RealDocs = docs
	}
	return rep, nil
}

// runGenerated generates the issues, scores each and prints the report.
func runGenerated(ctx context.Context, cfg EvalConfig, dir string, rep *EvalReport) error {
	workers := cfg.Workers
	font, err := typeset.LoadFont()
	if err != nil {
		// IdentityH and scans fail to generate and are reported skipped;
		// the legacy encodings need no font file.
		font = nil
	}
	sources := []struct {
		name string
		src  typeset.Source
	}{{"builtin", typeset.Builtin()}}
	if cfg.CorpusDir != "" {
		if _, err := os.Stat(filepath.Join(cfg.CorpusDir, "laws")); err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("corpus source: %s absent", filepath.Join(cfg.CorpusDir, "laws")))
		} else if src, err := typeset.Corpus(cfg.CorpusDir); err != nil {
			return fmt.Errorf("ingesteval: %w", err)
		} else {
			sources = append(sources, struct {
				name string
				src  typeset.Source
			}{"corpus", src})
		}
	}
	var jobs []job
	for _, s := range sources {
		for _, enc := range TextEncodings {
			for i := range cfg.Seeds {
				seed := cfg.FirstSeed + uint64(i)
				// Fake bold and a page per document on some seeds, fixed by
				// the seed so runs compare.
				jobs = append(jobs, job{s.name, s.src, typeset.Options{Seed: seed, Source: s.src, Encoding: enc, Documents: cfg.Documents,
					FakeBold: seed%2 == 1, NewPagePerDoc: seed%3 == 0, Font: font}})
			}
		}
		for i := range cfg.Scans {
			seed := cfg.FirstSeed + uint64(i)
			jobs = append(jobs, job{s.name, s.src, typeset.Options{Seed: seed, Source: s.src, Encoding: typeset.Scan, Documents: cfg.ScanDocuments,
				FakeBold: seed%2 == 1, NewPagePerDoc: seed%3 == 0, Font: font}})
		}
	}

	scores := make([]*IssueScore, len(jobs))
	skipped := make([]string, len(jobs))
	err = forEach(ctx, len(jobs), workers, func(i int) {
		sc, skip, err := runJob(ctx, cfg, dir, jobs[i])
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
			cfg.Progress("generated issues", done, len(jobs))
		}
	})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, sc := range scores {
		if sc != nil {
			rep.Issues = append(rep.Issues, *sc)
		} else if !seen[skipped[i]] {
			seen[skipped[i]] = true
			rep.Skipped = append(rep.Skipped, skipped[i])
		}
	}
	printEval(cfg, *rep)
	return nil
}

// workDir returns dir, created if need be, or a new temporary directory
// that the returned function removes.
func workDir(dir, pattern string) (string, func(), error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", nil, fmt.Errorf("ingesteval: %w", err)
		}
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", nil, fmt.Errorf("ingesteval: %w", err)
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// runJob generates one issue, writes it and its truth, runs the pipeline
// and scores it. A generation failure that the machine causes (no font, no
// renderer) is a skip, reported once per encoding.
func runJob(ctx context.Context, cfg EvalConfig, dir string, j job) (*IssueScore, string, error) {
	sc := &IssueScore{Source: j.source, Encoding: j.opts.Encoding, Seed: j.opts.Seed}
	genErr, err := runScored(ctx, cfg, filepath.Join(dir, j.name()+".pdf"), j.opts, sc, func(truth typeset.Truth, res *report.Result) {
		scoreIssue(sc, truth, res)
	})
	switch {
	case err != nil:
		return nil, "", err
	case genErr != nil:
		return nil, fmt.Sprintf("%s %s: not generated: %v", j.source, j.opts.Encoding, genErr), nil
	}
	return sc, "", nil
}

// runScored generates a file at path from opts and its truth, runs the
// pipeline on it, times it, scores the result with score and, when
// cfg.Pages is set, the extraction stage page by page, all into sc. genErr
// says why the file could not be generated (a skip, not a failure); err is
// ctx's error when the run was canceled.
func runScored(ctx context.Context, cfg EvalConfig, path string, opts typeset.Options, sc *IssueScore, score func(typeset.Truth, *report.Result)) (genErr, err error) {
	truth, err := writeIssue(ctx, path, opts)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return err, nil
	}
	sc.File, sc.Pages, sc.Docs = path, len(truth.Pages), len(truth.Documents)
	start := time.Now()
	res, err := cfg.Pipeline(ctx, path)
	sc.Elapsed = time.Since(start)
	if err == nil && res == nil {
		err = errors.New("the pipeline returned no result")
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		sc.Err = err
		res = &report.Result{}
	}
	score(truth, res)
	if cfg.Pages != nil {
		pages, err := cfg.Pages(ctx, path)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			sc.Mismatches = append(sc.Mismatches, fmt.Sprintf("page reader failed: %v", err))
		}
		sc.PageText = scorePages(truth, pages)
	}
	return nil, nil
}

// writeIssue generates an issue into path and its truth beside it, as
// NAME.truth.json.
func writeIssue(ctx context.Context, path string, opts typeset.Options) (typeset.Truth, error) {
	f, err := os.Create(path)
	if err != nil {
		return typeset.Truth{}, fmt.Errorf("ingesteval: %w", err)
	}
	truth, err := typeset.Write(ctx, f, opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return typeset.Truth{}, err
	}
	b, err := json.MarshalIndent(truth, "", " ")
	if err != nil {
		return typeset.Truth{}, fmt.Errorf("ingesteval: truth: %w", err)
	}
	if err := os.WriteFile(TruthPath(path), b, 0o644); err != nil {
		return typeset.Truth{}, fmt.Errorf("ingesteval: %w", err)
	}
	return truth, nil
}

// TruthPath is where the truth of a generated issue is written: beside the
// PDF, NAME.truth.json.
func TruthPath(pdf string) string {
	return pdf[:len(pdf)-len(filepath.Ext(pdf))] + ".truth.json"
}

// scoreIssue scores a result against the truth into sc.
func scoreIssue(sc *IssueScore, truth typeset.Truth, res *report.Result) {
	sc.Review = res.Review
	sc.Extractors = map[page.Extractor]int{}
	for _, p := range res.Pages {
		sc.Extractors[p.Extractor]++
	}
	sc.Text, sc.WithHeading, sc.TitleApart = scoreText(truth, res)

	found := make([]span, len(res.Documents))
	for i, d := range res.Documents {
		found[i] = span{d.PageStart, d.Title}
	}
	want := make([]span, len(truth.Documents))
	for i, d := range truth.Documents {
		want[i] = span{d.FilePages.First, d.Title}
	}
	match := matchStarts(found, want)
	sc.Bounds = Boundaries{Found: len(found), Truth: len(want)}
	sc.Fields = map[string]Count{}
	miss := func(format string, args ...any) {
		sc.Mismatches = append(sc.Mismatches, fmt.Sprintf(format, args...))
	}
	for ti, td := range truth.Documents {
		fi := match[ti]
		if fi >= 0 {
			sc.Bounds.Matched++
		} else {
			miss("document %d (file page %d, %s): not found", ti+1, td.FilePages.First, td.Title)
		}
		var got report.Document
		if fi >= 0 {
			got = res.Documents[fi]
		}
		check := func(field string, ok bool, g, w any) {
			c := sc.Fields[field]
			c.Total++
			if ok {
				c.Right++
			} else if fi >= 0 {
				miss("document %d (file page %d): %s %q, want %q", ti+1, td.FilePages.First, field, fmt.Sprint(g), fmt.Sprint(w))
			}
			sc.Fields[field] = c
		}
		found := fi >= 0
		check(FieldTitle, found && foldString(got.Title) == foldString(td.Title), got.Title, td.Title)
		check(FieldDocNumber, found && foldString(got.DocNumber) == foldString(td.DocNumber), got.DocNumber, td.DocNumber)
		check(FieldAuthorities, found && sameSet(got.Authorities, td.Authorities), got.Authorities, td.Authorities)
		check(FieldSigned, found && got.Signed == td.Signed, got.Signed, td.Signed)
		check(FieldKind, found && got.Kind == td.Kind, got.Kind, td.Kind)
		check(FieldEffective, found && got.Effective == td.Effective, got.Effective, td.Effective)
		check(FieldExpires, found && got.Expires == td.Expires, got.Expires, td.Expires)
	}
	for fi, d := range res.Documents {
		if !containsInt(match, fi) {
			miss("found document at file page %d (%s) matches no true one", d.PageStart, d.Title)
		}
	}
	sc.Issue = map[string]Count{}
	issue := func(field string, ok bool, g, w any) {
		c := Count{Total: 1}
		if ok {
			c.Right = 1
		} else {
			miss("issue %s %v, want %v", field, g, w)
		}
		sc.Issue[field] = c
	}
	got := res.Issue
	issue("year", got.Year == truth.Year, got.Year, truth.Year)
	issue("number", got.Number == truth.Number, got.Number, truth.Number)
	issue("total number", got.TotalNumber == truth.TotalNumber, got.TotalNumber, truth.TotalNumber)
	issue("date", got.Date == truth.Date, got.Date, truth.Date)
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// scoreText compares the documents' text, all of them in order, with the
// truth's. The whole issue is compared at once, so that a wrong boundary
// (text given to the neighbouring document) costs nothing here: it is the
// boundary score's to count. The reference is every document's printed
// lines from its first heading line (令 heading, title, 文号) to its last
// (signature, date, 抄送), or the same without the heading lines, whichever
// the output is closer to: pipelines differ in whether a document's text
// repeats what it carries as fields. A pipeline that keeps the title out
// of the text (it is a field of its own: titleApart) is scored on its text
// with the title put back in front of it wherever the text does not hold
// it, against the reference with heading lines, so that the title's
// characters count as they do for the others. Cover, contents, section
// banners between documents, running heads and page numbers are in
// neither.
func scoreText(truth typeset.Truth, res *report.Result) (c Chars, withHeading, titleApart bool) {
	var got, titled, with, without []string
	for _, d := range res.Documents {
		got = append(got, d.Text)
		titled = append(titled, titledText(d))
	}
	for _, d := range truth.Documents {
		head := joinNonEmpty(d.Heading...)
		with = append(with, joinNonEmpty(head, d.Text()))
		without = append(without, d.Text())
	}
	a := CompareText(joinNonEmpty(got...), joinNonEmpty(with...))
	b := CompareText(joinNonEmpty(titled...), joinNonEmpty(with...))
	n := CompareText(joinNonEmpty(got...), joinNonEmpty(without...))
	switch {
	case n.Errors < a.Errors && n.Errors < b.Errors:
		return n, false, false
	case b.Errors < a.Errors:
		return b, true, true
	}
	return a, true, false
}

// titledText is a document's text with its title in front, unless the
// text holds the title already (it repeats its heading, or a 令 prints its
// rule's title after the promulgation).
func titledText(d report.Document) string {
	if strings.Contains(foldString(d.Text), foldString(d.Title)) {
		return d.Text
	}
	return joinNonEmpty(d.Title, d.Text)
}

// scorePages compares each page's text with every line the truth prints
// on it. A missing page counts all its characters; text on pages the truth
// lacks counts as errors too.
func scorePages(truth typeset.Truth, pages []page.Page) Chars {
	byNumber := map[int]page.Page{}
	for _, p := range pages {
		byNumber[p.Number] = p
	}
	var c Chars
	for _, tp := range truth.Pages {
		c = c.Add(CompareText(byNumber[tp.Index].PlainText(), tp.AllText()))
		delete(byNumber, tp.Index)
	}
	for _, p := range byNumber {
		c.Errors += len(Fold(p.PlainText()))
	}
	return c
}

// forEach runs do(i) for i in [0, n) on up to workers goroutines, stopping
// early when ctx ends, and calls progress with the count done after each,
// one call at a time. Each do(i) must write only its own i's results.
func forEach(ctx context.Context, n, workers int, do func(i int), progress func(done int)) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	sem := make(chan struct{}, max(workers, 1))
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			do(i)
			mu.Lock()
			defer mu.Unlock()
			done++
			progress(done)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ingesteval: %w", err)
	}
	return nil
}
