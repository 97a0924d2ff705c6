//go:build linux

package searcheval_test

import (
	"context"
	"testing"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/searcheval"
)

// TestHandQueriesAgree runs the hand-written set on bleve and on a real
// Meilisearch server: each backend must rank every query's document first,
// so both agree on the first document (issue 17, item 6).
func TestHandQueriesAgree(t *testing.T) {
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
	srv := archivetest.StartMeili(t)
	backends := []struct {
		name string
		open func() (archive.Index, func() error, error)
	}{
		{"bleve", func() (archive.Index, func() error, error) { return openBleve(t)(ctx, "gazette") }},
		{"meilisearch", func() (archive.Index, func() error, error) {
			idx, err := meiliindex.New(ctx, meiliindex.Config{URL: srv.URL, Key: srv.Key, Index: "hand"})
			return idx, func() error { return nil }, err
		}},
	}
	first := make([]map[int]string, len(backends)) // by query line
	for i, b := range backends {
		idx, release, err := b.open()
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		if err := idx.Put(ctx, docs); err != nil {
			t.Fatalf("%s: put: %v", b.name, err)
		}
		rep, err := searcheval.EvalHand(ctx, idx, queries)
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		if err := release(); err != nil {
			t.Errorf("%s: release: %v", b.name, err)
		}
		first[i] = map[int]string{}
		for _, r := range rep.Results {
			if len(r.Top) > 0 {
				first[i][r.Query.Line] = r.Top[0]
			}
		}
		for _, f := range rep.Failures() {
			t.Errorf("%s: line %d %s %q [%s]: want %s first, got %v (of %d) %v", b.name, f.Query.Line, f.Query.Category,
				f.Query.Text, f.Query.Filters, f.Query.Want, f.Top, f.Total, f.Err)
		}
		t.Logf("%s: expected document first for %d of %d queries", b.name, rep.Passed, rep.Total)
	}
	for _, q := range queries {
		if a, b := first[0][q.Line], first[1][q.Line]; a != b {
			t.Errorf("line %d %q: bleve ranks %q first, Meilisearch %q", q.Line, q.Text, a, b)
		}
	}
}
