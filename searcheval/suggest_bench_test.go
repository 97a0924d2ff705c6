package searcheval_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/searcheval"
)

// BenchmarkSuggestBleve measures suggestions as people type
// (searcheval.SuggestTexts through archive.Suggest, as bench-search runs
// them) on bleve: the CPU time of each on its calling thread, by kind of
// text, the costliest texts, then p50, p95 and p99 latency at 1 and 16
// clients, each beside the p50 and p99 of the index's cheapest request
// measured right after (the machine's load shows in both). The index is
// built as for BenchmarkMixBleve, into GAZETTE_BENCH_DIR with GAZETTE_BENCH_DOCS documents; suggestions read
// titles and 文号 only, so GAZETTE_BENCH_BODY (characters per body)
// makes a large index quicker to build:
//
//	GAZETTE_BENCH_DOCS=100000 GAZETTE_BENCH_BODY=200 GAZETTE_BENCH_DIR=/tmp/sug100k go test -run '^$' -bench SuggestBleve -benchtime 1x -cpuprofile cpu.prof ./searcheval
func BenchmarkSuggestBleve(b *testing.B) {
	needCorpusB(b)
	idx := openBenchBleve(b)
	corpus := loadBench(b, idx)
	ctx := context.Background()
	// The first suggestion builds what later ones read; not measured.
	if _, err := searcheval.RunSuggestions(ctx, idx, corpus.SuggestTexts(100, 0), "", 1); err != nil {
		b.Fatal(err)
	}
	texts := corpus.SuggestTexts(1000, 1)
	cpuEach(b, "text", len(texts),
		func(i int) (string, string) { return texts[i].Category, strconv.Quote(texts[i].Text) },
		func(i int) error { _, err := archive.Suggest(ctx, idx, texts[i].Text, ""); return err })
	for i, clients := range []int{1, 16} {
		st, err := searcheval.RunSuggestions(ctx, idx, corpus.SuggestTexts(1000, 2+i), "", clients)
		if err != nil || st.Errors > 0 {
			b.Fatalf("%d clients: %v (first error %v)", clients, err, st.FirstError)
		}
		for _, c := range st.Categories {
			b.Logf("%d clients, %s: p50 %.2f ms, p99 %.2f ms", clients, c.Category, ms(c.P50), ms(c.P99))
		}
		at := "@" + strconv.Itoa(clients)
		b.ReportMetric(ms(st.P50), "p50-ms"+at)
		b.ReportMetric(ms(st.P95), "p95-ms"+at)
		b.ReportMetric(ms(st.P99), "p99-ms"+at)
		// The yardstick, right after: the index's cheapest request (Get of
		// one document) as often, from as many clients. What it shows of
		// the latency is the machine's load, not the suggestions'.
		id := corpus.Doc(0).ID
		floor, err := searcheval.RunFloor(ctx, func(ctx context.Context) error { _, err := idx.Get(ctx, id); return err }, len(texts), clients)
		if err != nil || floor.Errors > 0 {
			b.Fatalf("yardstick at %d clients: %v (first error %v)", clients, err, floor.FirstError)
		}
		b.ReportMetric(ms(floor.P50), "floor-p50-ms"+at)
		b.ReportMetric(ms(floor.P99), "floor-p99-ms"+at)
	}
}
