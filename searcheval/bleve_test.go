package searcheval_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/searcheval"
)

// corpusDir is the shared corpus, relative to this package.
const corpusDir = "../../shared/corpus"

// needCorpus skips the test when the shared corpus is absent, as in a clone
// without ../shared.
func needCorpus(t *testing.T) {
	t.Helper()
	if err := searcheval.CheckCorpus(corpusDir); errors.Is(err, searcheval.ErrNoCorpus) {
		t.Skipf("skipping: %v", err)
	}
}

// openBleve is the Opener the tests inject: a fresh bleve index in a
// temporary directory of the test.
func openBleve(t *testing.T) searcheval.Opener {
	return func(ctx context.Context, name string) (archive.Index, func() error, error) {
		idx, err := bleveindex.Open(filepath.Join(t.TempDir(), name))
		if err != nil {
			return nil, nil, err
		}
		return idx, idx.Close, nil
	}
}

// handFloor is the share of hand-written queries that must rank their
// document first on bleve. Measured: 88 of 88; the floor leaves room for
// four failures.
const handFloor = 0.95

func TestHandQueriesBleve(t *testing.T) {
	needCorpus(t)
	ctx := context.Background()
	docs, err := searcheval.BuildGazette(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	queries, err := searcheval.HandQueries()
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) < 60 {
		t.Errorf("%d hand-written queries, want at least 60", len(queries))
	}
	if err := searcheval.CheckHandQueries(queries, docs); err != nil {
		t.Fatal(err)
	}
	idx, release, err := openBleve(t)(ctx, "gazette")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := idx.Put(ctx, docs); err != nil {
		t.Fatal(err)
	}
	rep, err := searcheval.EvalHand(ctx, idx, queries)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Categories {
		t.Logf("%-10s %d/%d", c.Category, c.Passed, c.Total)
	}
	for _, f := range rep.Failures() {
		t.Logf("failure: line %d %s %q [%s] want %s, got %v (of %d) %v", f.Query.Line, f.Query.Category, f.Query.Text, f.Query.Filters, f.Query.Want, f.Top, f.Total, f.Err)
	}
	t.Logf("expected document first: %d/%d (%.1f%%)", rep.Passed, rep.Total, 100*rep.Share())
	if rep.Share() < handFloor {
		t.Errorf("expected document first for %.1f%% of the hand-written queries, below the floor of %.1f%%", 100*rep.Share(), 100*handFloor)
	}
}

// stardFloor is the recall@10 that archive.Search on bleve must reach on an
// even sample of 30 STARD questions, each typed as it is (few, because
// indexing the laws is slow under the race detector). Before partial
// matches, the questions found nothing at all.
const stardFloor = 0.60

func TestSTARDBleve(t *testing.T) {
	needCorpus(t)
	ctx := context.Background()
	laws, err := searcheval.LoadLaws(filepath.Join(corpusDir, searcheval.LawsDir))
	if err != nil {
		t.Fatal(err)
	}
	questions, err := searcheval.LoadSTARD(filepath.Join(corpusDir, searcheval.STARDFile), laws.IDByPath)
	if err != nil {
		t.Fatal(err)
	}
	idx, release, err := openBleve(t)(ctx, "laws")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := idx.Put(ctx, laws.Docs); err != nil {
		t.Fatal(err)
	}
	s, err := searcheval.EvalSTARD(ctx, idx, searcheval.Sample(questions, 30), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("recall@10 %.3f  nDCG@10 %.3f  MRR@10 %.3f  no result %d  partial %d", s.Recall10, s.NDCG10, s.MRR10, s.NoHits, s.Partial)
	if s.Recall10 < stardFloor {
		t.Errorf("recall@10 %.3f, below the floor %.2f", s.Recall10, stardFloor)
	}
}

func TestRunBenchBleve(t *testing.T) {
	needCorpus(t)
	var out strings.Builder
	rep, err := searcheval.RunBench(context.Background(), searcheval.BenchConfig{
		CorpusDir: corpusDir, Backend: "bleve", Open: openBleve(t),
		Docs: 150, Queries: 40, Clients: []int{1, 4}, Batch: 64,
		Size: func(ctx context.Context, idx archive.Index) (int64, string, error) { return 1234, "a test figure", nil },
		Out:  &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Index.Docs != 150 || rep.Index.DocsPerSecond() <= 0 || rep.Size != 1234 || len(rep.Search) != 2 {
		t.Errorf("report %+v", rep)
	}
	for _, s := range rep.Search {
		if s.Queries != 40 || s.Errors != 0 || s.P99 <= 0 {
			t.Errorf("%d clients: %+v (first error %v)", s.Clients, s, s.FirstError)
		}
	}
	wants := []string{"Search benchmark, backend bleve", "indexed 150 documents", "1234 bytes; a test figure", "p99", "queries/s"}
	if runtime.GOOS == "linux" { // where the CPU time is measured
		if rep.Index.CPU <= 0 {
			t.Errorf("CPU time of indexing %v", rep.Index.CPU)
		}
		wants = append(wants, "CPU time of this process while indexing")
	}
	for _, want := range wants {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
