package searcheval_test

import (
	"cmp"
	"context"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/meiliindex"
)

// BenchmarkMixMeili is BenchmarkMixBleve on the Meilisearch server at
// GAZETTE_MEILI_URL (key GAZETTE_MEILI_KEY), in the index
// GAZETTE_BENCH_INDEX (default "bench-mix"), kept between runs and built
// when its size differs from GAZETTE_BENCH_DOCS or its documents are in an
// older format of the adapter. With GAZETTE_MEILI_PID it
// also reports the server's CPU time per query:
//
//	GAZETTE_MEILI_URL=http://127.0.0.1:7700 GAZETTE_MEILI_PID=$(pgrep meilisearch) \
//	GAZETTE_BENCH_DOCS=10000 go test -run '^$' -bench MixMeili -benchtime 1x ./searcheval
func BenchmarkMixMeili(b *testing.B) {
	needCorpusB(b)
	url := os.Getenv("GAZETTE_MEILI_URL")
	if url == "" {
		b.Skip("skipping: GAZETTE_MEILI_URL is not set")
	}
	ctx := context.Background()
	name := cmp.Or(os.Getenv("GAZETTE_BENCH_INDEX"), "bench-mix")
	idx, err := meiliindex.New(ctx, meiliindex.Config{URL: url, Key: os.Getenv("GAZETTE_MEILI_KEY"), Index: name})
	if err != nil {
		b.Fatal(err)
	}
	// Records of an older format of the adapter report an empty
	// fingerprint: drop them all, so that loadBench builds the index anew.
	fps, err := idx.Fingerprints(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var stale []string
	for id, fp := range fps {
		if fp == "" {
			stale = append(stale, id)
		}
	}
	if len(stale) > 0 {
		b.Logf("%d of %d documents in an older format: rebuilding", len(stale), len(fps))
		if err := idx.Delete(ctx, slices.Collect(maps.Keys(fps))); err != nil {
			b.Fatal(err)
		}
	}
	corpus := loadBench(b, idx)
	var server func() time.Duration
	if pid := os.Getenv("GAZETTE_MEILI_PID"); pid != "" {
		server = func() time.Duration { return processCPU(b, pid) }
	}
	runMix(b, idx, corpus, server)
}

// processCPU is the user and system CPU time of process pid so far, from
// /proc/pid/stat (in clock ticks of 10 ms).
func processCPU(b *testing.B, pid string) time.Duration {
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
