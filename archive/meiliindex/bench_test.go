//go:build linux

package meiliindex_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/meiliindex"
	"github.com/gazette-archive/gazette/gazette"
)

// lawsDir holds the real laws of ../shared/corpus (see its README).
const lawsDir = "../../../shared/corpus/laws"

// loadLaws reads the real laws as gazette documents, one per file, in
// issues of 20; it skips the benchmark when the corpus is absent.
func loadLaws(b *testing.B) ([]gazette.SearchDoc, int) {
	b.Helper()
	var paths []string
	err := filepath.WalkDir(lawsDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		b.Skipf("real laws not available (%v): the corpus lives in ../shared/corpus beside the project", err)
	}
	slices.Sort(paths)
	var docs []gazette.SearchDoc
	runes := 0
	for i, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		title := strings.TrimSuffix(filepath.Base(p), ".md")
		var body []string
		for _, line := range strings.Split(string(raw), "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "" || strings.HasPrefix(line, "<!--"):
			case strings.HasPrefix(line, "# "):
				title = strings.TrimPrefix(line, "# ")
			default:
				body = append(body, line)
			}
		}
		key := gazette.IssueKey{Year: 2000 + i/480, Number: 1 + i/20%24}
		kind := gazette.KindNormative
		if strings.Contains(p, "部门规章") {
			kind = gazette.KindRule
		}
		d := gazette.SearchDoc{
			Document: gazette.Document{
				ID: gazette.DocumentID(key, 1+i%20), Issue: key, Title: title, Kind: kind,
				Authorities: []string{filepath.Base(filepath.Dir(p))},
				Published:   gazette.Date{Year: key.Year, Month: time.Month(1 + key.Number%12), Day: 1 + i%28},
				Validity:    gazette.Status{State: gazette.InForce}, Body: body,
				Pages: gazette.PageRange{First: 1, Last: 2}, Version: 1,
			},
			Fingerprint: "fp",
		}
		docs = append(docs, d)
		runes += len([]rune(strings.Join(body, "")))
	}
	return docs, runes
}

// BenchmarkPutLaws indexes the real laws (488 documents, 3.4 million
// characters) into a fresh index in batches of 100 and reports the rate.
func BenchmarkPutLaws(b *testing.B) {
	docs, runes := loadLaws(b)
	for b.Loop() {
		b.StopTimer()
		idx, err := meiliindex.New(ctx, newConfig(b))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		for i := 0; i < len(docs); i += 100 {
			if err := idx.Put(ctx, docs[i:min(i+100, len(docs))]); err != nil {
				b.Fatal(err)
			}
		}
		el := time.Since(start).Seconds()
		b.ReportMetric(float64(len(docs))/el, "docs/s")
		b.ReportMetric(float64(runes)/el/1000, "kchars/s")
	}
}

// BenchmarkSearchLaws runs typical queries on the real laws, one
// sub-benchmark each, and reports the latency of Index.Search as seen by
// the caller, snippets included.
func BenchmarkSearchLaws(b *testing.B) {
	docs, _ := loadLaws(b)
	idx, err := meiliindex.New(ctx, newConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	if err := idx.Put(ctx, docs); err != nil {
		b.Fatal(err)
	}
	queries := []struct {
		name string
		q    gazette.Query
	}{
		{"term", gazette.Query{Text: "合同"}},
		{"two-terms", gazette.Query{Text: "劳动合同 解除"}},
		{"infix", gazette.Query{Text: "处理"}},
		{"phrase", gazette.Query{Text: `"依法追究刑事责任"`}},
		{"exclusion", gazette.Query{Text: "行政处罚 -罚款"}},
		{"one-character", gazette.Query{Text: "法"}},
		{"long-sentence", gazette.Query{Text: "人民法院应当在立案之日起五日内将起诉状副本发送被告"}},
		{"newest", gazette.Query{Text: "合同", Sort: gazette.SortNewest}},
		{"filters", gazette.Query{Text: "责任", Kinds: []gazette.Kind{gazette.KindRule}, From: gazette.Date{Year: 2000, Month: 6, Day: 1}}},
		{"no-words", gazette.Query{}},
		{"eleven-terms", gazette.Query{Text: "公司 股东 董事 监事 经理 财务 会计 审计 利润 分配 清算"}},
		{"page-5-of-50", gazette.Query{Text: "违法", Page: 5, PerPage: 50}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := idx.Search(ctx, q.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
