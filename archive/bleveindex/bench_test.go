package bleveindex_test

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/gazette"
)

// Benchmarks. They index documents of about 2,000 characters cut from the
// real laws in ../shared/corpus (synthetic prose when it is absent) under
// real titles and document numbers, then search them.
//
//	go test -run '^$' -bench . -benchtime 1x ./archive/bleveindex
//	GAZETTE_BENCH_DOCS=100000 GAZETTE_BENCH_DIR=/tmp/bleve100k go test -run '^$' -bench Search -benchtime 2000x -timeout 2h ./archive/bleveindex
//
// GAZETTE_BENCH_DOCS sets the size of the searched index (default 10,000);
// GAZETTE_BENCH_DIR keeps it between runs (it is built when absent).

const corpusDir = "../../../shared/corpus"

// needLaws skips a test that needs text as varied as real laws: in a clone
// without ../shared, benchDocs cuts every document from one repeated
// paragraph, in which no phrase is rare.
func needLaws(t *testing.T) {
	t.Helper()
	if m := loadMaterial(); len(m.texts) < 2 {
		t.Skipf("skipping: no laws in %s/laws (the shared corpus is absent); the documents would all be one repeated paragraph", corpusDir)
	}
}

// material is the text benchmark documents are cut from.
type material struct {
	texts  [][]rune // law bodies
	titles []string
	nums   []string
}

var loadMaterial = sync.OnceValue(func() material {
	var m material
	filepath.WalkDir(filepath.Join(corpusDir, "laws"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			if b, err := os.ReadFile(path); err == nil {
				s := string(b)
				if _, after, ok := strings.Cut(s, "<!-- INFO END -->"); ok {
					s = after
				}
				if r := []rune(s); len(r) > 3000 {
					m.texts = append(m.texts, r)
				}
			}
		}
		return nil
	})
	if f, err := os.Open(filepath.Join(corpusDir, "docnum", "joined_title_docnum_dates.tsv.gz")); err == nil {
		defer f.Close()
		if z, err := gzip.NewReader(f); err == nil {
			sc := bufio.NewScanner(z)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				cols := strings.Split(sc.Text(), "\t")
				if len(cols) > 2 && cols[1] != "title" {
					m.titles = append(m.titles, cols[1])
					if n, err := gazette.ParseDocNumber(cols[2]); err == nil {
						m.nums = append(m.nums, n.String())
					}
				}
			}
		}
	}
	if len(m.texts) == 0 {
		m.texts = [][]rune{[]rune(strings.Join(archivetest.LongBody(200_000, "完。"), "\n"))}
	}
	if len(m.titles) == 0 {
		m.titles = archivetest.SampleTitles
	}
	return m
})

var benchAuthorities = []string{
	"福建省人民政府", "福建省人民政府办公厅", "福建省司法厅", "福建省财政厅", "福建省教育厅", "福建省公安厅",
	"福建省自然资源厅", "福建省生态环境厅", "福建省住房和城乡建设厅", "福建省交通运输厅", "福建省农业农村厅",
	"福建省商务厅", "福建省卫生健康委员会", "福建省应急管理厅", "福建省市场监督管理局", "福建省医疗保障局",
}

// benchDocs returns n documents, the same for the same n.
func benchDocs(n int) []gazette.SearchDoc {
	m := loadMaterial()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	docs := make([]gazette.SearchDoc, n)
	for i := range docs {
		year := 2000 + i%25
		key := gazette.IssueKey{Year: year, Number: 1 + (i/25)%24}
		seq := 1 + i/(25*24)
		text := m.texts[rng.IntN(len(m.texts))]
		start := rng.IntN(len(text) - 2000)
		body := strings.Split(string(text[start:start+2000]), "\n")
		pub := gazette.Date{Year: year, Month: time.Month(1 + key.Number/2%12), Day: 1 + rng.IntN(28)}
		d := gazette.Document{
			ID: gazette.DocumentID(key, seq), Issue: key, Title: m.titles[rng.IntN(len(m.titles))],
			Kind:        gazette.Kinds[rng.IntN(len(gazette.Kinds))],
			Authorities: []string{benchAuthorities[rng.IntN(len(benchAuthorities))]},
			Signed:      pub, Published: pub, Validity: gazette.Status{State: gazette.Validities[rng.IntN(len(gazette.Validities))]},
			Body: body, Pages: gazette.PageRange{First: 1 + seq, Last: 2 + seq}, Version: 1,
		}
		if len(m.nums) > 0 && i%3 != 0 {
			d.DocNumber = m.nums[rng.IntN(len(m.nums))]
		}
		if i%7 == 0 {
			d.Authorities = append(d.Authorities, benchAuthorities[(i/7)%len(benchAuthorities)])
			slices.Sort(d.Authorities)
			d.Authorities = slices.Compact(d.Authorities)
		}
		docs[i] = gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("%064x", i)}
	}
	return docs
}

// BenchmarkPut indexes b.N documents in calls of 1,000 and reports the
// rate, the CPU time per document (steadier than the rate on a shared
// machine) and the size on disk per document. The CPU time includes the
// merges bleve runs in the background while the documents go in.
//
//	go test -run '^$' -bench Put -benchtime 5000x -cpuprofile /tmp/put.prof ./archive/bleveindex
func BenchmarkPut(b *testing.B) {
	docs := benchDocs(max(b.N, 1000))
	dir := b.TempDir()
	idx, err := bleveindex.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; i < b.N; i += 1000 {
		if err := idx.Put(ctx, docs[i:min(i+1000, b.N)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "docs/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/doc")
	b.StopTimer()
	var size int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				size += fi.Size()
			}
		}
		return nil
	})
	b.ReportMetric(float64(size)/1024/float64(b.N), "KiB/doc")
}

// BenchmarkAnalysis analyses the text of benchmark documents as Put does,
// one document per op.
func BenchmarkAnalysis(b *testing.B) {
	docs := benchDocs(1000)
	texts := make([]string, len(docs))
	for i, d := range docs {
		texts[i] = strings.Join(d.Body, "\n")
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	i := 0
	for b.Loop() {
		bleveindex.AnalyzeText(texts[i%len(texts)])
		i++
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// benchIndex opens (building it if needed) the index the search benchmarks use.
func benchIndex(b *testing.B) *bleveindex.Index {
	n := 10_000
	if s := os.Getenv("GAZETTE_BENCH_DOCS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	dir := os.Getenv("GAZETTE_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	idx, err := bleveindex.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	if fps, err := idx.Fingerprints(ctx); err != nil {
		b.Fatal(err)
	} else if len(fps) != n {
		docs := benchDocs(n)
		start := time.Now()
		for i := 0; i < n; i += 1000 {
			if err := idx.Put(ctx, docs[i:min(i+1000, n)]); err != nil {
				b.Fatal(err)
			}
		}
		el := time.Since(start)
		b.Logf("indexed %d documents in %v: %.0f docs/s", n, el.Round(time.Millisecond), float64(n)/el.Seconds())
	}
	return idx
}

// benchQueries is a mix of what readers and legal staff type.
func benchQueries() []gazette.Query {
	texts := []string{
		"政务公开", "行政许可", "安全生产", "环境保护", "土地管理", "税收", "教育", "医疗保障", "应急预案",
		"知识产权", "营商环境", "食品安全", `"行政处罚"`, "管理办法 -废止", "处理", "公开", "工程", "人民法院 审判",
		"合同 违约 赔偿", "劳动合同", "消费者权益保护", "未成年人", "个人信息", "2018年", "第十二条", "国务院 规定",
		"税", "诉讼", "“不动产登记”", "著作权 -专利", "交通事故", "建设工程 质量", "监督管理 部门 职责",
	}
	var qs []gazette.Query
	for i, t := range texts {
		q := gazette.Query{Text: t}
		switch i % 4 {
		case 1:
			q.Kinds = []gazette.Kind{gazette.KindRule, gazette.KindNormative}
		case 2:
			q.Years = []int{2010 + i%10}
		case 3:
			q.Sort = gazette.SortNewest
		}
		qs = append(qs, q)
	}
	qs = append(qs,
		gazette.Query{},
		gazette.Query{Authorities: []string{"福建省司法厅"}, Sort: gazette.SortNewest},
		gazette.Query{Validity: []gazette.Validity{gazette.InForce}, From: gazette.Date{Year: 2015, Month: 1, Day: 1}},
		gazette.Query{Text: "管理", Page: 5},
	)
	for i := range qs {
		if err := qs[i].Normalize(); err != nil {
			panic(err)
		}
	}
	return qs
}

// BenchmarkSearch runs the query mix from 16 concurrent clients and
// reports latency percentiles, without the result cache (every query does
// the work) and with it (the mix repeats, as readers do).
func BenchmarkSearch(b *testing.B) {
	idx := benchIndex(b)
	b.Run("uncached", func(b *testing.B) { idx.SetCacheSize(0); searchLoad(b, idx) })
	b.Run("cached", func(b *testing.B) { idx.SetCacheSize(256); searchLoad(b, idx) })
}

func searchLoad(b *testing.B, idx *bleveindex.Index) {
	qs := benchQueries()
	for _, q := range qs { // warm up, and check every query works
		if _, err := idx.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var mu sync.Mutex
	var lat []time.Duration
	var next int64
	b.SetParallelism(max(1, 16/runtimeProcs()))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			mu.Lock()
			q := qs[next%int64(len(qs))]
			next++
			mu.Unlock()
			start := time.Now()
			if _, err := idx.Search(ctx, q); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
	}
}

// BenchmarkQueries times each query of the mix alone, to find slow ones.
func BenchmarkQueries(b *testing.B) {
	idx := benchIndex(b)
	idx.SetCacheSize(0)
	for _, q := range benchQueries() {
		b.Run(fmt.Sprintf("%q/%v/%d", q.Text, q.Sort, len(q.Kinds)+len(q.Years)), func(b *testing.B) { timeQuery(b, idx, q) })
	}
}

// BenchmarkPhrases times phrases of four characters and more, which the
// 4-gram fields serve (analysis.go), alone and among other words, and
// phrases of less common words, some of which have a bigram too rare for
// its 4-grams to be kept (commonSet) and are read through bigrams.
//
//	GAZETTE_BENCH_DOCS=20000 GAZETTE_BENCH_DIR=/tmp/bleve20k go test -run '^$' -bench Phrases ./archive/bleveindex
func BenchmarkPhrases(b *testing.B) {
	idx := benchIndex(b)
	idx.SetCacheSize(0)
	for _, text := range []string{
		"第十二条", "人民政府", "监督管理", "第二十八条", `"不动产登记"`, "消费者权益保护", "县级以上地方人民政府",
		"行政许可 第十二条", "人民政府 县级以上地方人民政府",
		"危险化学品", "集体经济组织", "个人所得税", "突发事件应对", "建设用地使用权", "未成年人保护",
	} {
		q := gazette.Query{Text: text}
		if err := q.Normalize(); err != nil {
			b.Fatal(err)
		}
		b.Run(text, func(b *testing.B) { timeQuery(b, idx, q) })
	}
}

// timeQuery runs q alone and reports its CPU time and number of hits.
func timeQuery(b *testing.B, idx *bleveindex.Index, q gazette.Query) {
	cpu0 := cpuTime()
	var hits int
	for b.Loop() {
		res, err := idx.Search(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		hits = res.Total
	}
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(hits), "hits")
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
