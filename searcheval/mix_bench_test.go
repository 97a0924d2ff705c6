package searcheval_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/searcheval"
)

// BenchmarkMixBleve runs the benchmark's query mix (searcheval.Queries, as
// gazette bench-search runs it) on bleve, one query at a time without the
// result cache, and reports the CPU time per query (the figure that decides
// latency under load: mean, p99 and max), then p50, p95 and p99 latency at 1
// and 16 clients. The index is
// built once into GAZETTE_BENCH_DIR (kept between runs; default a temporary
// directory) with GAZETTE_BENCH_DOCS documents (default 10,000), so that
// profiles can be taken repeatedly:
//
//	GAZETTE_BENCH_DOCS=30000 GAZETTE_BENCH_DIR=/tmp/mix30k go test -run '^$' -bench MixBleve -benchtime 1x -cpuprofile cpu.prof ./searcheval
func BenchmarkMixBleve(b *testing.B) {
	needCorpusB(b)
	idx := openBenchBleve(b)
	corpus := loadBench(b, idx)
	idx.SetCacheSize(0)
	runMix(b, idx, corpus, nil)
}

// BenchmarkMixBleveCategory is BenchmarkMixBleve's CPU time per query for
// the queries of one kind of the mix only (GAZETTE_BENCH_CATEGORY, default
// exclusion), taken from sets 1 to 5 after the mix's warm-up: a kind's
// tail is measured, and profiled, without the others'.
func BenchmarkMixBleveCategory(b *testing.B) {
	needCorpusB(b)
	idx := openBenchBleve(b)
	corpus := loadBench(b, idx)
	idx.SetCacheSize(0)
	ctx := context.Background()
	if _, err := searcheval.RunQueries(ctx, idx, corpus.Queries(1000, 0)[:100], 1); err != nil {
		b.Fatal(err)
	}
	cat := cmp.Or(os.Getenv("GAZETTE_BENCH_CATEGORY"), "exclusion")
	var queries []searcheval.BenchQuery
	for set := 1; set <= 5; set++ {
		for _, q := range corpus.Queries(1000, set) {
			if q.Category == cat {
				queries = append(queries, q)
			}
		}
	}
	if len(queries) == 0 {
		b.Fatalf("no query of kind %q in the mix", cat)
	}
	cpuEach(b, "query", len(queries),
		func(i int) (string, string) { return queries[i].Category, fmt.Sprintf("%+v", queries[i].Query) },
		func(i int) error { _, err := archive.Search(ctx, idx, queries[i].Query); return err })
}

// openBenchBleve opens the bleve index in GAZETTE_BENCH_DIR (default a
// temporary directory), closed when the benchmark ends.
func openBenchBleve(b *testing.B) *bleveindex.Index {
	dir := os.Getenv("GAZETTE_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	idx, err := bleveindex.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	return idx
}

// loadBench returns the corpus of GAZETTE_BENCH_DOCS documents (default
// 10,000), with bodies of about GAZETTE_BENCH_BODY characters (default
// searcheval.BenchBodyRunes), and indexes it into idx unless idx holds
// that many already, and has idx build its suggestion table.
func loadBench(b *testing.B, idx archive.Index) *searcheval.BenchCorpus {
	n := 10_000
	if s := os.Getenv("GAZETTE_BENCH_DOCS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	corpus, err := searcheval.NewBenchCorpus(corpusDir, n)
	if err != nil {
		b.Fatal(err)
	}
	if s := os.Getenv("GAZETTE_BENCH_BODY"); s != "" {
		runes, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		corpus.SetBodyRunes(runes)
	}
	ctx := context.Background()
	if fps, err := idx.Fingerprints(ctx); err != nil {
		b.Fatal(err)
	} else if len(fps) != n {
		st, err := searcheval.IndexBench(ctx, idx, corpus, 10_000, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("indexed %d documents: %.0f docs/s", st.Docs, st.DocsPerSecond())
	}
	// A serving archive has its suggestion table, which lean searches take
	// their hits from (bleve), built by its first suggestion: built here
	// before anything is measured, not alongside.
	if _, err := idx.Suggest(ctx, "通知", 1); err != nil {
		b.Fatal(err)
	}
	return corpus
}

// runMix measures the query mix on idx as gazette bench-search runs it:
// after its warm-up (100 queries of set 0, unmeasured), the CPU time per
// query of set 1 (bench-search's run at 1 client) on this process's
// calling thread, plus that of the server process otherCPU reads (nil when
// the index is in process); then the CPU time of each query of set 2
// (bench-search's run at 16 clients) as it comes, replayed through
// searcheval.SimulateGate for the latency 16 clients would see on a quiet
// machine of this many CPUs (the figure to judge by where other work
// shares the machine); then the latency measured at 1 and 16 clients, on
// sets 3 and 4.
func runMix(b *testing.B, idx archive.Index, corpus *searcheval.BenchCorpus, otherCPU func() time.Duration) {
	ctx := context.Background()
	if _, err := searcheval.RunQueries(ctx, idx, corpus.Queries(1000, 0)[:100], 1); err != nil {
		b.Fatal(err)
	}
	queries := corpus.Queries(1000, 1)
	var server time.Duration
	if otherCPU != nil {
		server = otherCPU()
	}
	self := processSelfCPU()
	all := cpuEach(b, "query", len(queries),
		func(i int) (string, string) { return queries[i].Category, fmt.Sprintf("%+v", queries[i].Query) },
		func(i int) error { _, err := archive.Search(ctx, idx, queries[i].Query); return err })
	self = processSelfCPU() - self
	b.Logf("this process's CPU per query (every thread: the search, the collector, the HTTP client), mean: %v", self/time.Duration(len(all)))
	b.ReportMetric(ms(self/time.Duration(len(all))), "process-cpu-ms/query")
	if otherCPU != nil {
		server = otherCPU() - server
		b.Logf("server CPU per query, mean: %v", server/time.Duration(len(all)))
		b.ReportMetric(ms(server/time.Duration(len(all))), "server-cpu-ms/query")
	}
	if otherCPU == nil {
		simulate16(b, idx, corpus.Queries(1000, 2))
	}
	// Then the latency of other sets of the mix from 1 and 16 clients, as
	// gazette bench-search measures it.
	for i, clients := range []int{1, 16} {
		st, err := searcheval.RunQueries(ctx, idx, corpus.Queries(1000, 3+i), clients)
		if err != nil || st.Errors > 0 {
			b.Fatalf("%d clients: %v (first error %v)", clients, err, st.FirstError)
		}
		for _, c := range st.Categories {
			b.Logf("%d clients, %s: p50 %v, p99 %v", clients, c.Category, c.P50, c.P99)
		}
		at := "@" + strconv.Itoa(clients)
		b.ReportMetric(ms(st.P50), "p50-ms"+at)
		b.ReportMetric(ms(st.P95), "p95-ms"+at)
		b.ReportMetric(ms(st.P99), "p99-ms"+at)
	}
}

// simulate16 runs queries one at a time as they come, measuring the CPU
// time of each on the calling thread, and reports the latency
// searcheval.SimulateGate predicts for them at 16 clients through a gate
// of GOMAXPROCS slots (the index's default): each query's CPU time scaled
// by the process's CPU time over the queries' own (the collector's share
// of the cores), and unscaled.
func simulate16(b *testing.B, idx archive.Index, queries []searcheval.BenchQuery) {
	ctx := context.Background()
	cpu := make([]time.Duration, len(queries))
	var own time.Duration
	runtime.LockOSThread()
	self := processSelfCPU()
	for i, q := range queries {
		c0 := threadCPU()
		if _, err := archive.Search(ctx, idx, q.Query); err != nil {
			b.Fatal(err)
		}
		cpu[i] = threadCPU() - c0
		own += cpu[i]
	}
	self = processSelfCPU() - self
	runtime.UnlockOSThread()
	scale := float64(self) / float64(max(own, 1))
	scaled := make([]time.Duration, len(cpu))
	for i, d := range cpu {
		scaled[i] = time.Duration(float64(d) * scale)
	}
	sorted := slices.Sorted(slices.Values(cpu))
	b.Logf("set at 16 clients, CPU per query as it comes: mean %v, p99 %v, max %v; process CPU over the queries' own %.2f",
		mean(sorted), sorted[len(sorted)*99/100], sorted[len(sorted)-1], scale)
	b.ReportMetric(ms(mean(sorted)), "cpu-ms/query@16set")
	for _, run := range []struct {
		name string
		cpu  []time.Duration
	}{{"sim", scaled}, {"sim-unscaled", cpu}} {
		st, err := searcheval.SimulateGate(run.cpu, 16, runtime.GOMAXPROCS(0))
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s, 16 clients, %d slots: p50 %v, p95 %v, p99 %v, max %v", run.name, runtime.GOMAXPROCS(0), st.P50, st.P95, st.P99, st.Max)
		b.ReportMetric(ms(st.P50), run.name+"-p50-ms@16")
		b.ReportMetric(ms(st.P99), run.name+"-p99-ms@16")
	}
}

// cpuEach calls do for items 0 to n-1 in turn, b.N times, and measures the
// CPU time of each call on the calling thread, locked to it: the call's own
// work, without what other threads (the collector's) do meanwhile. It logs
// the CPU time by category and the costliest items (describe names both of
// an item), reports the mean and p99 per unit, and returns every figure,
// sorted.
func cpuEach(b *testing.B, unit string, n int, describe func(i int) (category, label string), do func(i int) error) []time.Duration {
	cpu := map[string][]time.Duration{}
	var all []time.Duration
	type timed struct {
		i   int
		cpu time.Duration
	}
	var each []timed
	runtime.LockOSThread()
	b.ResetTimer()
	for b.Loop() {
		for i := range n {
			c0 := threadCPU()
			if err := do(i); err != nil {
				b.Fatal(err)
			}
			d := threadCPU() - c0
			cat, _ := describe(i)
			cpu[cat] = append(cpu[cat], d)
			all = append(all, d)
			each = append(each, timed{i, d})
		}
	}
	b.StopTimer()
	runtime.UnlockOSThread()
	for cat, ds := range cpu {
		slices.Sort(ds)
		b.Logf("CPU per %s, %s: mean %v, p50 %v, p99 %v, max %v", unit, cat, mean(ds), ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1])
		b.ReportMetric(ms(mean(ds)), strings.ReplaceAll(cat, " ", "-")+"-cpu-ms")
	}
	slices.SortFunc(each, func(a, b timed) int { return cmp.Compare(b.cpu, a.cpu) })
	for _, e := range each[:min(len(each), 8)] {
		cat, label := describe(e.i)
		b.Logf("costliest: %v CPU, %s %s", e.cpu, cat, label)
	}
	slices.Sort(all)
	b.ReportMetric(ms(mean(all)), "cpu-ms/"+unit)
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-cpu-ms")
	b.ReportMetric(ms(all[len(all)-1]), "max-cpu-ms")
	return all
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func mean(ds []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(max(len(ds), 1))
}

func needCorpusB(b *testing.B) {
	b.Helper()
	if err := searcheval.CheckCorpus(corpusDir); err != nil {
		b.Skipf("skipping: %v", err)
	}
}

// processSelfCPU is the user and system CPU time of this process so far.
func processSelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// threadCPU is the CPU time the calling thread has used (the clock
// CLOCK_THREAD_CPUTIME_ID, Linux); steadier than wall time on a shared
// machine, and finer than getrusage's ticks.
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// BenchmarkQuestionsBleve measures only the questions of the mix (the
// partial matches, the dearest path of a search) on bleve, as
// BenchmarkMixBleve does, without the latency runs: CPU per question, for
// profiling that path alone on the index GAZETTE_BENCH_DIR holds.
func BenchmarkQuestionsBleve(b *testing.B) {
	needCorpusB(b)
	idx := openBenchBleve(b)
	corpus := loadBench(b, idx)
	idx.SetCacheSize(0)
	var qs []searcheval.BenchQuery
	for _, q := range corpus.Queries(1000, 1) {
		if q.Category == "question" {
			qs = append(qs, q)
		}
	}
	ctx := context.Background()
	cpuEach(b, "question", len(qs),
		func(i int) (string, string) { return qs[i].Category, qs[i].Query.Text },
		func(i int) error { _, err := archive.Search(ctx, idx, qs[i].Query); return err })
}
