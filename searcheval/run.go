package searcheval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// Opener opens a fresh, empty index of the backend under test, named for
// what it will hold (laws, gazette, bench). The returned function releases
// it and removes what it stored.
type Opener func(ctx context.Context, name string) (archive.Index, func() error, error)

// ErrNoCorpus reports that the corpus folder is absent, as in a clone
// without ../shared; callers skip rather than fail.
var ErrNoCorpus = errors.New("searcheval: corpus folder absent")

// CheckCorpus returns ErrNoCorpus (wrapped) when dir lacks what the
// evaluation and the benchmark read.
func CheckCorpus(dir string) error {
	for _, p := range []string{LawsDir, STARDFile, DocnumsFile} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrNoCorpus, dir, err)
		}
	}
	return nil
}

// EvalConfig configures RunEval.
type EvalConfig struct {
	CorpusDir string // the corpus folder (../shared/corpus)
	Backend   string // a name for the report: bleve, meilisearch
	Open      Opener
	Questions int // STARD questions to score, at an even stride: 0 means all
	Out       io.Writer
	// Progress, when set, hears about long steps: what, done and total.
	Progress func(what string, done, total int)
}

// EvalReport is everything RunEval measured.
type EvalReport struct {
	Laws    int // documents in the laws index
	LawsPut time.Duration
	STARD   RelevanceScores
	Gazette int // documents in the generated gazette
	Hand    HandReport
	// Questions were scored, of AllQuestions labelled.
	Questions, AllQuestions int
}

// RunEval runs the whole relevance evaluation on fresh indexes from
// cfg.Open and prints it to cfg.Out: the STARD questions against the laws,
// then the hand-written set against the generated gazette.
func RunEval(ctx context.Context, cfg EvalConfig) (EvalReport, error) {
	var rep EvalReport
	if err := CheckCorpus(cfg.CorpusDir); err != nil {
		return rep, err
	}
	progress := func(what string) func(int, int) {
		if cfg.Progress == nil {
			return nil
		}
		return func(done, total int) { cfg.Progress(what, done, total) }
	}
	laws, err := LoadLaws(filepath.Join(cfg.CorpusDir, LawsDir))
	if err != nil {
		return rep, err
	}
	questions, err := LoadSTARD(filepath.Join(cfg.CorpusDir, STARDFile), laws.IDByPath)
	if err != nil {
		return rep, err
	}
	all := len(questions)
	questions = Sample(questions, cfg.Questions)
	rep.Laws, rep.Questions, rep.AllQuestions = len(laws.Docs), len(questions), all
	err = withIndex(ctx, cfg.Open, "laws", func(idx archive.Index) error {
		start := time.Now()
		if err := putAll(ctx, idx, laws.Docs, 50, progress("indexing laws")); err != nil {
			return err
		}
		rep.LawsPut = time.Since(start)
		rep.STARD, err = EvalSTARD(ctx, idx, questions, progress("scoring questions"))
		return err
	})
	if err != nil {
		return rep, err
	}
	printSTARD(cfg.Out, cfg.Backend, laws, rep)

	docs, err := BuildGazette(cfg.CorpusDir)
	if err != nil {
		return rep, err
	}
	hand, err := HandQueries()
	if err != nil {
		return rep, err
	}
	if err := CheckHandQueries(hand, docs); err != nil {
		return rep, fmt.Errorf("searcheval: the hand-written queries do not fit the generated gazette: %w", err)
	}
	rep.Gazette = len(docs)
	err = withIndex(ctx, cfg.Open, "gazette", func(idx archive.Index) error {
		if err := putAll(ctx, idx, docs, 100, progress("indexing gazette")); err != nil {
			return err
		}
		rep.Hand, err = EvalHand(ctx, idx, hand)
		return err
	})
	if err != nil {
		return rep, err
	}
	printHand(cfg.Out, cfg.Backend, rep)
	return rep, nil
}

// withIndex opens a fresh index, runs f on it and releases it, reporting
// the first error.
func withIndex(ctx context.Context, open Opener, name string, f func(archive.Index) error) (err error) {
	idx, release, err := open(ctx, name)
	if err != nil {
		return fmt.Errorf("searcheval: open %s index: %w", name, err)
	}
	defer func() {
		if cerr := release(); cerr != nil && err == nil {
			err = fmt.Errorf("searcheval: release %s index: %w", name, cerr)
		}
	}()
	return f(idx)
}

// putAll puts docs into idx in batches.
func putAll(ctx context.Context, idx archive.Index, docs []gazette.SearchDoc, batch int, progress func(int, int)) error {
	for start := 0; start < len(docs); start += batch {
		end := min(start+batch, len(docs))
		if err := idx.Put(ctx, docs[start:end]); err != nil {
			return fmt.Errorf("searcheval: put: %w", err)
		}
		if progress != nil {
			progress(end, len(docs))
		}
	}
	return nil
}

func printSTARD(w io.Writer, backend string, laws *LawCorpus, rep EvalReport) {
	fmt.Fprintf(w, "STARD relevance, backend %s\n", backend)
	fmt.Fprintf(w, "  %d laws indexed in %s (%d with validity from db.sqlite3, %d undated)\n",
		rep.Laws, rep.LawsPut.Round(time.Millisecond), laws.WithValidity, laws.Undated)
	sample := ""
	if rep.Questions < rep.AllQuestions {
		sample = fmt.Sprintf(", an even sample of %d", rep.AllQuestions)
	}
	fmt.Fprintf(w, "  %d questions with document-level labels%s\n", rep.Questions, sample)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "search path\tquestions\trecall@10\tnDCG@10\tMRR@10\tno result\tpartial\tmean latency\t")
	s := rep.STARD
	fmt.Fprintf(tw, "archive.Search, question as typed\t%d\t%.3f\t%.3f\t%.3f\t%d (%.1f%%)\t%d\t%s\t\n", s.Questions, s.Recall10, s.NDCG10, s.MRR10,
		s.NoHits, 100*float64(s.NoHits)/float64(max(s.Questions, 1)), s.Partial, fmtDuration(s.Latency))
	tw.Flush()
	fmt.Fprintln(w, "  (the product's own search path, as the search box, the API and `gazette search` use it; latency per question)")
	fmt.Fprintln(w)
}

func printHand(w io.Writer, backend string, rep EvalReport) {
	h := rep.Hand
	fmt.Fprintf(w, "Hand-written gazette queries, backend %s\n", backend)
	fmt.Fprintf(w, "  %d generated gazette documents; %d queries; mean latency %s\n", rep.Gazette, h.Total, fmtDuration(h.Latency))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "category\texpected first\tqueries\tshare\t")
	for _, c := range h.Categories {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f%%\t\n", c.Category, c.Passed, c.Total, 100*float64(c.Passed)/float64(c.Total))
	}
	fmt.Fprintf(tw, "all\t%d\t%d\t%.1f%%\t\n", h.Passed, h.Total, 100*h.Share())
	tw.Flush()
	fails := h.Failures()
	if len(fails) == 0 {
		fmt.Fprintf(w, "  failures: none\n\n")
		return
	}
	fmt.Fprintf(w, "  failures (%d):\n", len(fails))
	for _, f := range fails {
		q := f.Query
		filters := ""
		if q.Filters != "" {
			filters = " [" + q.Filters + "]"
		}
		got := "no hits"
		switch {
		case f.Err != nil:
			got = "error: " + f.Err.Error()
		case len(f.Top) > 0:
			got = fmt.Sprintf("got %s (of %d)", strings.Join(f.Top, ", "), f.Total)
		}
		fmt.Fprintf(w, "    line %d %s: %q%s want %s (%s); %s\n", q.Line, q.Category, visible(q.Text), filters, q.Want, shorten(q.Note, 60), got)
	}
	fmt.Fprintln(w)
}

// visible shows invisible characters as \uXXXX.
func visible(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// fmtDuration prints a duration in milliseconds with two decimals.
func fmtDuration(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// BenchConfig configures RunBench.
type BenchConfig struct {
	CorpusDir string
	Backend   string
	Open      Opener
	Docs      int   // documents to index
	Queries   int   // queries in the mix
	Clients   []int // concurrent clients, one run each
	Batch     int   // documents per Put
	// Size, when set, measures the index on disk after loading: bytes and
	// a word on how it was measured.
	Size func(ctx context.Context, idx archive.Index) (int64, string, error)
	// Floor, when set, is the cheapest request the backend serves (for
	// Meilisearch, an empty search returning one ID): run as often as the
	// mix at each client count, its latency is the yardstick the mix's is
	// printed beside.
	Floor func(ctx context.Context, idx archive.Index) error
	// Suggestions is how many typed texts to offer suggestions for at each
	// client count, after the searches (SuggestTexts); 0: none.
	Suggestions int
	// SuggestOnly skips the search runs: only indexing and suggestions.
	SuggestOnly bool
	// BodyRunes, when set, is the length of the generated bodies instead
	// of BenchBodyRunes (BenchCorpus.SetBodyRunes).
	BodyRunes int
	Out       io.Writer
	Progress  func(what string, done, total int)
}

// BenchReport is everything RunBench measured.
type BenchReport struct {
	Index   IndexStats
	Size    int64 // -1 when unknown
	SizeHow string
	Search  []LatencyStats
	Floor   []LatencyStats // with BenchConfig.Floor, one per client count
	Suggest []SuggestStats // with BenchConfig.Suggestions, one per client count
	Mix     map[string]int
}

// LatencyTarget is the p99 search latency aimed for at 16 clients.
const LatencyTarget = 50 * time.Millisecond

// RunBench indexes cfg.Docs generated documents into a fresh index, then
// runs the query mix once per client count, after one unmeasured warm-up
// pass of 100 queries, and prints the figures. The warm-up and each run get
// their own set of queries in the same mix (see BenchCorpus.Queries), so
// that no run measures a cache the previous one filled.
func RunBench(ctx context.Context, cfg BenchConfig) (BenchReport, error) {
	rep := BenchReport{Size: -1, Mix: map[string]int{}}
	if err := CheckCorpus(cfg.CorpusDir); err != nil {
		return rep, err
	}
	if cfg.Batch == 0 {
		cfg.Batch = 1000
	}
	corpus, err := NewBenchCorpus(cfg.CorpusDir, cfg.Docs)
	if err != nil {
		return rep, err
	}
	if cfg.BodyRunes > 0 {
		corpus.SetBodyRunes(cfg.BodyRunes)
	}
	// One set of queries for the warm-up and one for each run.
	sets := make([][]BenchQuery, 1+len(cfg.Clients))
	for i := range sets {
		sets[i] = corpus.Queries(cfg.Queries, i)
	}
	for _, q := range sets[0] {
		rep.Mix[q.Category]++
	}
	var progress func(int, int)
	if cfg.Progress != nil {
		progress = func(done, total int) { cfg.Progress("indexing", done, total) }
	}
	err = withIndex(ctx, cfg.Open, "bench", func(idx archive.Index) error {
		rep.Index, err = IndexBench(ctx, idx, corpus, cfg.Batch, progress)
		if err != nil {
			return err
		}
		if cfg.Size != nil {
			if rep.Size, rep.SizeHow, err = cfg.Size(ctx, idx); err != nil {
				rep.Size, rep.SizeHow = -1, "unknown: "+err.Error()
			}
		}
		if cfg.SuggestOnly {
			return runSuggestBench(ctx, idx, corpus, cfg, &rep)
		}
		if _, err := RunQueries(ctx, idx, sets[0][:min(100, len(sets[0]))], 1); err != nil {
			return err
		}
		for i, c := range cfg.Clients {
			st, err := RunQueries(ctx, idx, sets[1+i], c)
			if err != nil {
				return err
			}
			rep.Search = append(rep.Search, st)
			if cfg.Floor != nil {
				if st, err = RunFloor(ctx, func(ctx context.Context) error { return cfg.Floor(ctx, idx) }, cfg.Queries, c); err != nil {
					return err
				}
				rep.Floor = append(rep.Floor, st)
			}
		}
		return runSuggestBench(ctx, idx, corpus, cfg, &rep)
	})
	if err != nil {
		return rep, err
	}
	printBench(cfg.Out, cfg.Backend, rep)
	return rep, nil
}

func printBench(w io.Writer, backend string, rep BenchReport) {
	ix := rep.Index
	fmt.Fprintf(w, "Search benchmark, backend %s\n", backend)
	fmt.Fprintf(w, "  indexed %d documents (%.0f characters each on average) in batches of %d in %s: %.0f documents/s\n",
		ix.Docs, float64(ix.Runes)/float64(max(ix.Docs, 1)), ix.Batch, ix.Elapsed.Round(time.Millisecond), ix.DocsPerSecond())
	if ix.Compact > 0 {
		fmt.Fprintf(w, "  of which merging the segments the load left, as a reindex ends: %s\n", ix.Compact.Round(time.Millisecond))
	}
	if ix.CPU > 0 {
		fmt.Fprintf(w, "  CPU time of this process while indexing: %s, %.2f ms a document\n",
			ix.CPU.Round(time.Millisecond), float64(ix.CPU.Microseconds())/1000/float64(max(ix.Docs, 1)))
	}
	if rep.Size >= 0 {
		fmt.Fprintf(w, "  index size on disk: %s (%d bytes; %s)\n", fmtBytes(rep.Size), rep.Size, rep.SizeHow)
	} else {
		fmt.Fprintf(w, "  index size on disk: %s\n", rep.SizeHow)
	}
	var mix []string
	for _, m := range benchMix {
		if n := rep.Mix[m.name]; n > 0 {
			mix = append(mix, fmt.Sprintf("%s %d", m.name, n))
		}
	}
	fmt.Fprintf(w, "  query mix: %s\n", strings.Join(mix, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\tqueries\tp50\tp95\tp99\tmax\tmean\tqueries/s\terrors\t")
	for _, s := range rep.Search {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t\n", s.Clients, s.Queries, fmtDuration(s.P50), fmtDuration(s.P95),
			fmtDuration(s.P99), fmtDuration(s.Max), fmtDuration(s.Mean), s.PerSecond(), s.Errors)
	}
	tw.Flush()
	if len(rep.Floor) > 0 {
		fmt.Fprintln(w, "  yardstick: the backend's cheapest request (an empty search for one ID, no facets), as often, from as many clients:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "clients\trequests\tp50\tp95\tp99\tmax\tmean\trequests/s\terrors\tmix p99 / floor p99\t")
		for i, s := range rep.Floor {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t%.1f×\t\n", s.Clients, s.Queries, fmtDuration(s.P50), fmtDuration(s.P95),
				fmtDuration(s.P99), fmtDuration(s.Max), fmtDuration(s.Mean), s.PerSecond(), s.Errors, float64(rep.Search[i].P99)/float64(max(s.P99, 1)))
		}
		tw.Flush()
	}
	if len(rep.Search) > 0 {
		fmt.Fprintln(w, "  by kind of query, p50 / p99:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "query\tqueries\t")
		for _, s := range rep.Search {
			fmt.Fprintf(tw, "%d clients\t", s.Clients)
		}
		fmt.Fprintln(tw)
		for i, c := range rep.Search[0].Categories {
			fmt.Fprintf(tw, "%s\t%d\t", c.Category, c.Queries)
			for _, s := range rep.Search {
				if i < len(s.Categories) {
					fmt.Fprintf(tw, "%.1f / %.1f ms\t", ms(s.Categories[i].P50), ms(s.Categories[i].P99))
				}
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}
	for _, s := range rep.Floor {
		if s.FirstError != nil {
			fmt.Fprintf(w, "  first error of the yardstick at %d clients: %v\n", s.Clients, s.FirstError)
		}
	}
	for _, s := range rep.Search {
		if s.FirstError != nil {
			fmt.Fprintf(w, "  first error at %d clients: %v\n", s.Clients, s.FirstError)
		}
		if s.Clients == 16 {
			verdict := "met"
			if s.P99 > LatencyTarget {
				verdict = "NOT met"
			}
			fmt.Fprintf(w, "  target p99 ≤ %s at 16 clients: %s (p99 %s)\n", fmtDuration(LatencyTarget), verdict, fmtDuration(s.P99))
		}
	}
	printSuggest(w, rep.Suggest)
	fmt.Fprintln(w)
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
