package searcheval

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// SuggestTarget is the p99 latency aimed for by suggestions as people
// type, at 16 clients.
const SuggestTarget = 20 * time.Millisecond

// SuggestText is one text of the suggestion benchmark: what has been typed
// into the search box so far, and the document it was typed after.
type SuggestText struct {
	Category string
	Text     string
	ID       string // the document whose title or number it was cut from
}

// The kinds of typed text, with their shares in tenths of a percent.
var suggestMix = []struct {
	name  string
	share int
}{
	{"title start", 400},   // the first 2–7 characters of a title, as typed
	{"word in title", 300}, // two to four characters from inside a title
	{"doc number", 200},    // a whole 文号 in one of the ways people spell it
	{"number start", 100},  // a 文号 typed as far as its year
}

// SuggestTexts returns set number set of n texts typed into the search box,
// cut from the corpus's documents in the mix's proportions; like Queries,
// each set is drawn from other documents, and the same arguments always
// give the same texts.
func (c *BenchCorpus) SuggestTexts(n, set int) []SuggestText {
	var cats []string
	for _, m := range suggestMix {
		for range m.share {
			cats = append(cats, m.name)
		}
	}
	out := make([]SuggestText, 0, n)
	for i := range n {
		cat := cats[(i*379)%len(cats)]
		j := i + set*n + 1_000_003 // other documents than the search mix's
		d := c.Doc((j*104_729 + 7) % c.Len())
		title := []rune(d.Title)
		if d.DocNumber == "" && (cat == "doc number" || cat == "number start") {
			cat = "title start"
		}
		var text string
		switch cat {
		case "title start":
			text = string(title[:min(len(title), 2+j%6)])
		case "word in title":
			runs := hanRuns(d.Title)
			if len(runs) == 0 {
				text = string(title[:min(len(title), 4)])
				break
			}
			r := runs[j%len(runs)]
			k := 2 + j%3
			at := (j * 7) % max(1, len(r)-k+1)
			text = string(r[at:min(len(r), at+k)])
		case "doc number":
			text = docnumSpellings[j%len(docnumSpellings)](d.DocNumber)
		case "number start":
			if k := strings.IndexRune(d.DocNumber, '〕'); k > 0 {
				text = d.DocNumber[:k+len("〕")]
			} else {
				text = string([]rune(d.DocNumber)[:min(utf8.RuneCountInString(d.DocNumber), 4)])
			}
		}
		out = append(out, SuggestText{Category: cat, Text: text, ID: d.ID})
	}
	return out
}

// SuggestStats are the figures of one run of typed texts.
type SuggestStats struct {
	LatencyStats
	// Offered is how many texts got at least one document; Found how many
	// got the document they were cut from among those offered (a title
	// start shared by more than eight titles need not).
	Offered, Found int
	// Floor is the backend's cheapest request (BenchConfig.Floor) as
	// often, from as many clients, measured right after: a yardstick of
	// what the machine's load allows. Nil without one.
	Floor *LatencyStats
}

// RunSuggestions calls archive.Suggest on idx for every text once, with
// clients concurrent callers, as the search box's endpoint does, and
// measures each call.
func RunSuggestions(ctx context.Context, idx archive.Index, texts []SuggestText, gazetteName string, clients int) (SuggestStats, error) {
	got := make([][]gazette.Hit, len(texts))
	st, lat, err := runConcurrent(ctx, len(texts), clients, func(i int) error {
		hits, err := archive.Suggest(ctx, idx, texts[i].Text, gazetteName)
		if err != nil {
			return fmt.Errorf("suggest %q: %w", texts[i].Text, err)
		}
		got[i] = hits
		return nil
	})
	out := SuggestStats{LatencyStats: st}
	if err != nil {
		return out, err
	}
	byCat := map[string][]time.Duration{}
	for i, t := range texts {
		byCat[t.Category] = append(byCat[t.Category], lat[i])
		if len(got[i]) > 0 {
			out.Offered++
		}
		if slices.ContainsFunc(got[i], func(h gazette.Hit) bool { return h.ID == t.ID }) {
			out.Found++
		}
	}
	for _, m := range suggestMix {
		if d := byCat[m.name]; len(d) > 0 {
			slices.Sort(d)
			out.Categories = append(out.Categories, CategoryLatency{Category: m.name, Queries: len(d), P50: percentile(d, 0.5), P99: percentile(d, 0.99)})
		}
	}
	return out, nil
}

// runSuggestBench runs cfg.Suggestions typed texts at each client count,
// after an unmeasured warm-up of 100, each run on texts of its own.
func runSuggestBench(ctx context.Context, idx archive.Index, corpus *BenchCorpus, cfg BenchConfig, rep *BenchReport) error {
	if cfg.Suggestions < 1 {
		return nil
	}
	if _, err := RunSuggestions(ctx, idx, corpus.SuggestTexts(100, 0), "", 1); err != nil {
		return err
	}
	for i, c := range cfg.Clients {
		st, err := RunSuggestions(ctx, idx, corpus.SuggestTexts(cfg.Suggestions, 1+i), "", c)
		if err != nil {
			return err
		}
		if cfg.Floor != nil {
			floor, err := RunFloor(ctx, func(ctx context.Context) error { return cfg.Floor(ctx, idx) }, cfg.Suggestions, c)
			if err != nil {
				return err
			}
			st.Floor = &floor
		}
		rep.Suggest = append(rep.Suggest, st)
	}
	return nil
}

// printSuggest prints the suggestion runs of a benchmark.
func printSuggest(w io.Writer, runs []SuggestStats) {
	if len(runs) == 0 {
		return
	}
	fmt.Fprintln(w, "  suggestions as people type (archive.Suggest, what GET /api/v1/suggest calls):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "clients\ttexts\tp50\tp95\tp99\tmax\tmean\ttexts/s\terrors\toffered\tsource doc offered\t")
	for _, s := range runs {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%.1f\t%d\t%.1f%%\t%.1f%%\t\n", s.Clients, s.Queries, fmtDuration(s.P50), fmtDuration(s.P95),
			fmtDuration(s.P99), fmtDuration(s.Max), fmtDuration(s.Mean), s.PerSecond(), s.Errors,
			100*float64(s.Offered)/float64(max(s.Queries, 1)), 100*float64(s.Found)/float64(max(s.Queries, 1)))
	}
	tw.Flush()
	if runs[0].Floor != nil {
		fmt.Fprintln(w, "  yardstick: the backend's cheapest request, as often, from as many clients, right after each run:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "clients\trequests\tp50\tp99\tmax\terrors\tsuggestion p99 / floor p99\t")
		for _, s := range runs {
			f := s.Floor
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%d\t%.1f×\t\n", f.Clients, f.Queries, fmtDuration(f.P50), fmtDuration(f.P99),
				fmtDuration(f.Max), f.Errors, float64(s.P99)/float64(max(f.P99, 1)))
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "  suggestions by kind of text, p50 / p99:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "text\ttexts\t")
	for _, s := range runs {
		fmt.Fprintf(tw, "%d clients\t", s.Clients)
	}
	fmt.Fprintln(tw)
	for i, c := range runs[0].Categories {
		fmt.Fprintf(tw, "%s\t%d\t", c.Category, c.Queries)
		for _, s := range runs {
			if i < len(s.Categories) {
				fmt.Fprintf(tw, "%.2f / %.2f ms\t", ms(s.Categories[i].P50), ms(s.Categories[i].P99))
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, s := range runs {
		if s.FirstError != nil {
			fmt.Fprintf(w, "  first suggestion error at %d clients: %v\n", s.Clients, s.FirstError)
		}
		if s.Clients == 16 {
			verdict := "met"
			if s.P99 > SuggestTarget {
				verdict = "NOT met"
			}
			fmt.Fprintf(w, "  target suggestion p99 ≤ %s at 16 clients: %s (p99 %s)\n", fmtDuration(SuggestTarget), verdict, fmtDuration(s.P99))
		}
	}
}
