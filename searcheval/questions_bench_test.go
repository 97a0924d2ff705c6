package searcheval_test

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/searcheval"
)

// BenchmarkQuestionBreakdownBleve tells where the CPU time of the costliest
// questions of the mix goes on bleve. The queries gazette bench-search runs
// before its run at 16 clients (its warm-up and its run at 1 client) are
// run first, unmeasured; then each question of the 16 clients' set is run
// as it comes (what bench-search meets: block maxima of words not met
// before are read then) and again, warm, warmRuns times (the least CPU
// time counts), with every search of the index it makes timed on the
// calling thread, and sorted by role: the
// exact search, the count of the documents the filters let through (N), the
// exact first page run again, one search per term (by the term's length and
// whether any document holds it), the snippets of the page shown, and what
// the archive does between them (the candidates and their ranking). It logs
// the 20 costliest questions with their searches, and the share of each
// role over them and over all questions.
func BenchmarkQuestionBreakdownBleve(b *testing.B) {
	const warmRuns = 5
	needCorpusB(b)
	idx := openBenchBleve(b)
	corpus := loadBench(b, idx)
	idx.SetCacheSize(0)
	ctx := context.Background()
	before := append(corpus.Queries(1000, 0)[:100], corpus.Queries(1000, 1)...)
	for _, q := range before {
		if _, err := archive.Search(ctx, idx, q.Query); err != nil {
			b.Fatal(err)
		}
	}
	var qs []searcheval.BenchQuery
	for _, q := range corpus.Queries(1000, 2) {
		if q.Category == "question" {
			qs = append(qs, q)
		}
	}
	ti := &timedIndex{Index: idx}
	type run struct {
		text  string
		cpu   time.Duration
		calls []timedCall
	}
	var runs []run
	var first []time.Duration
	var firstRuns []run
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for b.Loop() {
		runs, first, firstRuns = runs[:0], first[:0], firstRuns[:0]
		for _, q := range qs {
			// labelled for profiles (pprof -tagfocus pass=warm)
			pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("pass", "first")))
			ti.calls = nil
			c0 := threadCPU()
			if _, err := archive.Search(ctx, ti, q.Query); err != nil {
				b.Fatal(err)
			}
			d := threadCPU() - c0
			first = append(first, d)
			firstRuns = append(firstRuns, run{q.Query.Text, d, ti.calls})
			pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("pass", "warm")))
			// Warm, the least of a few runs: what other work on the
			// machine adds to one is left out.
			var best run
			for i := range warmRuns {
				ti.calls = nil
				c0 = threadCPU()
				if _, err := archive.Search(ctx, ti, q.Query); err != nil {
					b.Fatal(err)
				}
				if d := threadCPU() - c0; i == 0 || d < best.cpu {
					best = run{q.Query.Text, d, ti.calls}
				}
			}
			runs = append(runs, best)
		}
		pprof.SetGoroutineLabels(ctx)
	}
	b.StopTimer()
	slices.Sort(first)
	b.Logf("as they come: mean %v, p99 %v, max %v", mean(first), first[len(first)*99/100], first[len(first)-1])
	b.ReportMetric(ms(mean(first)), "first-cpu-ms/question")
	b.ReportMetric(ms(first[len(first)*99/100]), "first-p99-cpu-ms")
	b.ReportMetric(ms(first[len(first)-1]), "first-max-cpu-ms")
	slices.SortFunc(runs, func(a, b run) int { return cmp.Compare(b.cpu, a.cpu) })
	sum := func(rs []run) (total time.Duration, byRole map[string]time.Duration, calls map[string]int) {
		byRole, calls = map[string]time.Duration{}, map[string]int{}
		for _, r := range rs {
			total += r.cpu
			var searched time.Duration
			for _, c := range r.calls {
				byRole[c.role] += c.cpu
				calls[c.role]++
				searched += c.cpu
			}
			byRole["archive (between searches)"] += r.cpu - searched
		}
		return total, byRole, calls
	}
	report := func(name string, rs []run) {
		total, byRole, calls := sum(rs)
		var roles []string
		for r := range byRole {
			roles = append(roles, r)
		}
		slices.SortFunc(roles, func(a, b string) int { return cmp.Compare(byRole[b], byRole[a]) })
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s: %d questions, mean %v", name, len(rs), total/time.Duration(len(rs)))
		for _, r := range roles {
			fmt.Fprintf(&sb, "\n    %-34s %5.1f%%  %3d searches, %v each", r, 100*float64(byRole[r])/float64(total), calls[r],
				byRole[r]/time.Duration(max(calls[r], 1)))
		}
		b.Log(sb.String())
	}
	slices.SortFunc(firstRuns, func(a, b run) int { return cmp.Compare(b.cpu, a.cpu) })
	report("all questions as they come", firstRuns)
	report("the 20 costliest as they come", firstRuns[:min(20, len(firstRuns))])
	report("all questions, warm", runs)
	report("the 20 costliest, warm", runs[:min(20, len(runs))])
	for _, r := range append(firstRuns[:min(10, len(firstRuns))], runs[:min(20, len(runs))]...) {
		var sb strings.Builder
		fmt.Fprintf(&sb, "%v CPU, %d searches: %s", r.cpu, len(r.calls), r.text)
		for _, c := range r.calls {
			fmt.Fprintf(&sb, "\n    %8v %-26s total %6d  %s", c.cpu, c.role, c.total, c.text)
		}
		b.Log(sb.String())
	}
	all := make([]time.Duration, len(runs))
	for i, r := range runs {
		all[i] = r.cpu
	}
	slices.Sort(all)
	b.ReportMetric(ms(mean(all)), "cpu-ms/question")
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-cpu-ms")
	b.ReportMetric(ms(all[len(all)-1]), "max-cpu-ms")
}

// timedIndex times every search of the index it wraps on the calling
// thread, and names its role in a partial match (see archive.partialSearch).
type timedIndex struct {
	*bleveindex.Index
	calls []timedCall
}

type timedCall struct {
	role, text string
	total      int
	cpu        time.Duration
}

func (t *timedIndex) Search(ctx context.Context, q gazette.Query) (gazette.Results, error) {
	c0 := threadCPU()
	res, err := t.Index.Search(ctx, q)
	d := threadCPU() - c0
	var role string
	switch {
	case len(t.calls) == 0:
		role = "exact"
	case len(q.IDs) > 0:
		role = "snippets of the page"
	case q.Lean && q.PerPage == 1:
		role = "N (the filters' documents)"
	case !q.Lean:
		role = "exact first page again"
	default:
		qt, _ := gazette.ParseQueryText(q.Text)
		term := strings.Join(qt.Terms, " ")
		switch n := utf8.RuneCountInString(term); {
		case n == 2:
			role = "term of 2 (a bigram)"
		case n == 3:
			role = "term of 3 (2 bigrams' phrase)"
		case n == 4:
			role = "term of 4 (a 4-gram)"
		default:
			role = fmt.Sprintf("term of %d", n)
		}
		if res.Total == 0 {
			role += ", none"
		} else if res.Total > 5000 {
			role += ", common"
		}
	}
	t.calls = append(t.calls, timedCall{role, q.Text, res.Total, d})
	return res, err
}
