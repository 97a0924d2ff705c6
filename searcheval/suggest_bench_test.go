package searcheval_test

import (
	"cmp"
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/searcheval"
)

// BenchmarkSuggestBleve measures suggestions as people type
// (searcheval.SuggestTexts through archive.Suggest, as bench-search runs
// them) on bleve: the CPU time of each on its calling thread, by kind of
// text, the costliest texts, then p50, p95 and p99 latency at 1 and 16
// clients. The index is built as for BenchmarkMixBleve, into
// GAZETTE_BENCH_DIR with GAZETTE_BENCH_DOCS documents; suggestions read
// titles and 文号 only, so GAZETTE_BENCH_BODY (characters per body)
// makes a large index quicker to build:
//
//	GAZETTE_BENCH_DOCS=100000 GAZETTE_BENCH_BODY=200 GAZETTE_BENCH_DIR=/tmp/sug100k go test -run '^$' -bench SuggestBleve -benchtime 1x -cpuprofile cpu.prof ./searcheval
func BenchmarkSuggestBleve(b *testing.B) {
	needCorpusB(b)
	dir := os.Getenv("GAZETTE_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	idx, err := bleveindex.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	corpus := loadBench(b, idx)
	ctx := context.Background()
	// The first suggestion builds what later ones read; not measured.
	if _, err := searcheval.RunSuggestions(ctx, idx, corpus.SuggestTexts(100, 0), "", 1); err != nil {
		b.Fatal(err)
	}
	texts := corpus.SuggestTexts(1000, 1)
	cpu := map[string][]time.Duration{}
	var all []time.Duration
	type timed struct {
		t   searcheval.SuggestText
		cpu time.Duration
	}
	var each []timed
	runtime.LockOSThread()
	b.ResetTimer()
	for b.Loop() {
		for _, t := range texts {
			c0 := threadCPU()
			if _, err := archive.Suggest(ctx, idx, t.Text, ""); err != nil {
				b.Fatal(err)
			}
			d := threadCPU() - c0
			cpu[t.Category] = append(cpu[t.Category], d)
			all = append(all, d)
			each = append(each, timed{t, d})
		}
	}
	b.StopTimer()
	runtime.UnlockOSThread()
	for cat, ds := range cpu {
		slices.Sort(ds)
		b.Logf("CPU per suggestion, %s: mean %v, p50 %v, p99 %v, max %v", cat, mean(ds), ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1])
		b.ReportMetric(ms(mean(ds)), strings.ReplaceAll(cat, " ", "-")+"-cpu-ms")
	}
	slices.SortFunc(each, func(a, b timed) int { return cmp.Compare(b.cpu, a.cpu) })
	for _, e := range each[:min(len(each), 8)] {
		b.Logf("costliest: %v CPU, %s %q", e.cpu, e.t.Category, e.t.Text)
	}
	slices.Sort(all)
	b.ReportMetric(ms(mean(all)), "cpu-ms/text")
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-cpu-ms")
	for i, clients := range []int{1, 16} {
		st, err := searcheval.RunSuggestions(ctx, idx, corpus.SuggestTexts(1000, 2+i), "", clients)
		if err != nil || st.Errors > 0 {
			b.Fatalf("%d clients: %v (first error %v)", clients, err, st.FirstError)
		}
		at := "@" + strconv.Itoa(clients)
		b.ReportMetric(ms(st.P50), "p50-ms"+at)
		b.ReportMetric(ms(st.P95), "p95-ms"+at)
		b.ReportMetric(ms(st.P99), "p99-ms"+at)
	}
}
