package searcheval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// BenchCorpus generates the benchmark's documents: real titles, 文号 and
// dates from the joined table, cycled as often as needed, with bodies of
// about BenchBodyRunes characters of real law text. Doc(i) is deterministic
// and cheap, so a large corpus is generated batch by batch, never held
// whole. It is safe for concurrent use.
type BenchCorpus struct {
	rows []titleRow
	pool []string
	keys []gazette.IssueKey // by document
	seqs []int
	// words are the two-character strings frequent in the table's titles
	// (政务, 医疗, 交通 ...), less the most frequent (关于, 人民, 通知 ...):
	// what people type, where no dictionary is at hand.
	words map[string]bool
	// bodyRunes is the length of a body (SetBodyRunes).
	bodyRunes int
	// questions are people's questions (STARD's), typed as they are.
	questions []string
}

// SetBodyRunes sets the approximate length of the documents' bodies,
// BenchBodyRunes by default: shorter bodies index much faster, for
// measuring what does not read bodies (suggestions) at a large size.
func (c *BenchCorpus) SetBodyRunes(n int) { c.bodyRunes = n }

// BenchBodyRunes is the approximate length of a benchmark document's body.
const BenchBodyRunes = 2000

// benchPerIssue is how many benchmark documents one issue holds.
const benchPerIssue = 100

// rowStep walks the table in a scattered but repeatable order; it is prime,
// so it visits every row once per lap whatever the table's size (unless the
// size is a multiple of it).
const rowStep = 7919

// NewBenchCorpus prepares n documents from the corpus folder.
func NewBenchCorpus(corpusDir string, n int) (*BenchCorpus, error) {
	rows, err := loadTitles(filepath.Join(corpusDir, DocnumsFile))
	if err != nil {
		return nil, err
	}
	laws, err := LoadLaws(filepath.Join(corpusDir, LawsDir))
	if err != nil {
		return nil, err
	}
	questions, err := STARDQuestions(filepath.Join(corpusDir, STARDFile))
	if err != nil {
		return nil, err
	}
	return newBenchCorpus(rows, lawParagraphs(laws), questions, n)
}

func newBenchCorpus(rows []titleRow, pool, questions []string, n int) (*BenchCorpus, error) {
	if n < 1 {
		return nil, fmt.Errorf("searcheval: bench: %d documents: want at least 1", n)
	}
	if len(rows) == 0 || len(pool) == 0 || len(questions) == 0 {
		return nil, errors.New("searcheval: bench: no titles, no law text or no questions")
	}
	c := &BenchCorpus{rows: rows, pool: pool, keys: make([]gazette.IssueKey, n), seqs: make([]int, n), words: titleWords(rows),
		bodyRunes: BenchBodyRunes, questions: questions}
	inYear := map[int]int{}
	for i := range n {
		y := c.row(i).published.Year
		k := inYear[y]
		inYear[y]++
		c.keys[i] = gazette.IssueKey{Year: y, Number: 1 + k/benchPerIssue}
		c.seqs[i] = 1 + k%benchPerIssue
		if c.keys[i].Number > gazette.MaxNumber {
			return nil, fmt.Errorf("searcheval: bench: %d documents need more than %d issues in %d", n, gazette.MaxNumber, y)
		}
	}
	return c, nil
}

// titleWords finds the words of the titles without a dictionary, by the
// usual statistics of unsupervised Chinese word discovery: a bigram of Han
// characters is a word when it occurs in at least 20 titles, its characters
// stick together (pointwise mutual information ≥ 2) and it is free at both
// ends (the entropy of the character before it, and of the one after, is at
// least 1.5 nats; 职能配置 makes 能配 always preceded by 职). Bigrams in more
// than half of all titles (关于) are dropped: nobody searches for them. On
// the joined table this keeps about 620 words: 健康, 财政, 交通, 土地 ...
func titleWords(rows []titleRow) map[string]bool {
	type stats struct {
		titles      int
		n           int
		left, right map[rune]int
	}
	bigrams := map[string]*stats{}
	chars := map[rune]int{}
	nChars, nBigrams := 0, 0
	for _, r := range rows {
		seen := map[string]bool{}
		for _, run := range hanRuns(r.title) {
			for i, c := range run {
				chars[c]++
				nChars++
				if i+2 > len(run) {
					continue
				}
				w := string(run[i : i+2])
				st := bigrams[w]
				if st == nil {
					st = &stats{left: map[rune]int{}, right: map[rune]int{}}
					bigrams[w] = st
				}
				st.n++
				nBigrams++
				if !seen[w] {
					seen[w] = true
					st.titles++
				}
				before, after := '^', '$'
				if i > 0 {
					before = run[i-1]
				}
				if i+2 < len(run) {
					after = run[i+2]
				}
				st.left[before]++
				st.right[after]++
			}
		}
	}
	entropy := func(m map[rune]int) float64 {
		total := 0
		for _, v := range m {
			total += v
		}
		e := 0.0
		for _, v := range m {
			p := float64(v) / float64(total)
			e -= p * math.Log(p)
		}
		return e
	}
	words := map[string]bool{}
	for w, st := range bigrams {
		if st.titles < 20 || st.titles > len(rows)/2 {
			continue
		}
		rs := []rune(w)
		pmi := math.Log(float64(st.n) / float64(nBigrams) /
			(float64(chars[rs[0]]) / float64(nChars) * float64(chars[rs[1]]) / float64(nChars)))
		if pmi >= 2 && min(entropy(st.left), entropy(st.right)) >= 1.5 {
			words[w] = true
		}
	}
	return words
}

// Len is the number of documents.
func (c *BenchCorpus) Len() int { return len(c.keys) }

func (c *BenchCorpus) row(i int) titleRow {
	return c.rows[(i*rowStep)%len(c.rows)]
}

// Doc returns document i (0 ≤ i < Len). The first lap over the table uses
// each row as it is; later laps reuse titles and dates, with the serial of
// the 文号 raised by 10,000 a lap so that numbers stay distinct.
func (c *BenchCorpus) Doc(i int) gazette.SearchDoc {
	r := c.row(i)
	lap := i / len(c.rows)
	num := lapNumber(r.number, lap)
	auth := rowAuthorities(r)
	body := []string{governments[r.jurisdiction].to, "现将《" + r.title + "》有关事项发布如下，请认真贯彻执行。"}
	n := 0
	for _, p := range body {
		n += utf8.RuneCountInString(p)
	}
	for k := (i * 104_729) % len(c.pool); n < c.bodyRunes; k = (k + 1) % len(c.pool) {
		p := c.pool[k]
		if left := c.bodyRunes - n; utf8.RuneCountInString(p) > left+200 {
			p = truncateRunes(p, left)
		}
		body = append(body, p)
		n += utf8.RuneCountInString(p)
	}
	body = append(body, strings.Join(auth, " "), r.signed.Chinese())
	d := gazette.Document{
		ID: gazette.DocumentID(c.keys[i], c.seqs[i]), Issue: c.keys[i], Title: r.title, Kind: titleKind(r.title, r.number),
		DocNumber: num, Authorities: auth, Signed: r.signed, Published: r.published,
		Validity: gazette.Status{State: gazette.InForce}, Body: body,
		Pages: gazette.PageRange{First: 2*c.seqs[i] - 1, Last: 2 * c.seqs[i]}, Version: 1,
	}
	if i%9 == 8 {
		d.Validity = gazette.Status{State: gazette.Expired}
	}
	return gazette.SearchDoc{Document: d, Fingerprint: fmt.Sprintf("bench-%d", i)}
}

// lapNumber returns the 文号 of a row on a later lap over the table: its
// serial raised by 10,000 a lap, or by 1,000 where the longer serial does not
// survive a round trip through ParseDocNumber (省政府令第10149号 reads as a
// year run into a serial), or no number at all if neither does.
func lapNumber(n gazette.DocNumber, lap int) string {
	if lap == 0 {
		return n.String()
	}
	for _, step := range []int{10_000, 1_000} {
		m := n
		m.Serial += lap * step
		if p, err := gazette.ParseDocNumber(m.String()); err == nil && p == m {
			return m.String()
		}
	}
	return ""
}

// IndexStats are the figures of loading a corpus into an index.
type IndexStats struct {
	Docs    int
	Runes   int64 // characters of title and body put
	Batch   int
	Elapsed time.Duration
	// CPU is the user and system time this process used while the Puts
	// ran, background work of the index included (0 where not measured).
	// On a machine shared with other work, it moves far less than Elapsed;
	// for Meilisearch, whose work is in its own process, it is the client's.
	CPU time.Duration
	// Compact is the part of Elapsed spent merging the segments the load
	// left, as a reindex does at its end (0 for an index that does not).
	Compact time.Duration
}

// compacter is an index that merges the segments a bulk load left
// (bleveindex), as archive.Reindex has it do.
type compacter interface {
	Compact(ctx context.Context) error
}

// DocsPerSecond is the indexing rate.
func (s IndexStats) DocsPerSecond() float64 {
	return float64(s.Docs) / max(s.Elapsed.Seconds(), 1e-9)
}

// IndexBench puts every document of c into idx in batches of batch, calling
// progress (if not nil) after each. The time counted is the time Put takes,
// generation excluded; since Put returns only once its documents are
// searchable, the last batch's wait for the engine is included.
func IndexBench(ctx context.Context, idx archive.Index, c *BenchCorpus, batch int, progress func(done, total int)) (IndexStats, error) {
	if batch < 1 {
		return IndexStats{}, fmt.Errorf("searcheval: bench: batch %d: want at least 1", batch)
	}
	st := IndexStats{Batch: batch}
	docs := make([]gazette.SearchDoc, 0, batch)
	for start := 0; start < c.Len(); start += batch {
		docs = docs[:0]
		for i := start; i < min(start+batch, c.Len()); i++ {
			d := c.Doc(i)
			st.Runes += int64(utf8.RuneCountInString(d.Title) + bodyRunes(d.Body))
			docs = append(docs, d)
		}
		t := time.Now()
		cpu0, ok0 := processCPU()
		if err := idx.Put(ctx, docs); err != nil {
			return st, fmt.Errorf("searcheval: bench: put documents %d–%d: %w", start, start+len(docs)-1, err)
		}
		st.Elapsed += time.Since(t)
		if cpu1, ok1 := processCPU(); ok0 && ok1 {
			st.CPU += cpu1 - cpu0
		}
		st.Docs += len(docs)
		if progress != nil {
			progress(st.Docs, c.Len())
		}
	}
	if x, ok := idx.(compacter); ok {
		t := time.Now()
		cpu0, ok0 := processCPU()
		if err := x.Compact(ctx); err != nil {
			return st, fmt.Errorf("searcheval: bench: %w", err)
		}
		st.Compact = time.Since(t)
		st.Elapsed += st.Compact
		if cpu1, ok1 := processCPU(); ok0 && ok1 {
			st.CPU += cpu1 - cpu0
		}
	}
	return st, nil
}

// BenchQuery is one query of the benchmark's mix.
type BenchQuery struct {
	Category string
	Query    gazette.Query
}

// The categories of the query mix, with their shares in tenths of a
// percent (they add up to 1000).
var benchMix = []struct {
	name  string
	share int
}{
	{"title words", 150},
	{"question", 100},
	{"infix word", 150},
	{"phrase", 150},
	{"doc number", 150},
	{"words+filters", 150},
	{"facets only", 100},
	{"exclusion", 50},
}

// docnumSpellings turn a canonical 文号 into the ways people type it.
var docnumSpellings = []func(string) string{
	func(s string) string { return s },
	func(s string) string { return strings.NewReplacer("〔", "[", "〕", "]").Replace(s) },
	func(s string) string { return strings.NewReplacer("〔", "(", "〕", ")").Replace(s) },
	func(s string) string { return strings.NewReplacer("〔", "（", "〕", "）").Replace(s) },
	func(s string) string { return toFullWidthDigits(s) },
	func(s string) string { return strings.NewReplacer("〔", " 〔", "〕", "〕 ").Replace(s) },
}

func toFullWidthDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, s)
}

// Queries returns set number set of the fixed mix of n queries over the
// corpus's documents: title words (one or two words of a title), an infix
// word (a word from inside a body), a "phrase" (the first four to six
// characters of a clause of a body), a 文号 in one of six spellings, a word
// with kind and date-range filters, filters alone (authority and year, or
// nothing: the facets of everything), a word with an exclusion, and a
// question as people type it (STARD's: 最低工资标准是多少). Every
// set has the same kinds of query in the same order, drawn from other
// documents, so that a run on one set is never served from a cache filled by
// a run on another. The same n, set and corpus always give the same queries.
func (c *BenchCorpus) Queries(n, set int) []BenchQuery {
	var cats []string
	for _, m := range benchMix {
		for range m.share {
			cats = append(cats, m.name)
		}
	}
	out := make([]BenchQuery, 0, n)
	for i := range n {
		cat := cats[(i*379)%len(cats)] // scattered, in the mix's proportions
		j := i + set*n                 // the document and the words vary by set
		d := c.Doc((j*104_729 + 7) % c.Len())
		title := hanRuns(d.Title)
		body := hanRuns(strings.Join(d.Body[2:len(d.Body)-2], "\n"))
		var q gazette.Query
		switch cat {
		case "title words":
			q.Text = c.word(title, j)
			if w := c.word(title, j+1); w != q.Text {
				q.Text += " " + w
			}
		case "infix word":
			q.Text = c.word(body, j)
		case "phrase":
			r := body[(j*31)%len(body)] // a clause: runs split at punctuation
			q.Text = `"` + string(r[:min(len(r), 4+j%3)]) + `"`
		case "doc number":
			q.Text = docnumSpellings[j%len(docnumSpellings)](d.DocNumber)
		case "words+filters":
			q.Text = c.word(title, j)
			q.Kinds = []gazette.Kind{d.Kind}
			q.From = gazette.Date{Year: d.Published.Year - 1, Month: 1, Day: 1}
			q.To = gazette.Date{Year: d.Published.Year + 1, Month: 12, Day: 31}
		case "facets only":
			if j%2 == 0 {
				q.Authorities = d.Authorities[:1]
				q.Years = []int{d.Issue.Year}
			}
		case "exclusion":
			q.Text = c.word(title, j) + " -" + c.word(body, j+1)
		case "question":
			// Few documents hold every word of a question: most go on
			// to the partial matches, the dearest path of a search.
			q.Text = c.questions[(j*7_919)%len(c.questions)]
		}
		out = append(out, BenchQuery{Category: cat, Query: q})
	}
	return out
}

// hanRuns returns the runs of at least four Han characters in s.
func hanRuns(s string) [][]rune {
	var out [][]rune
	var cur []rune
	for _, r := range s + " " {
		if unicode.Is(unicode.Han, r) {
			cur = append(cur, r)
			continue
		}
		if len(cur) >= 4 {
			out = append(out, cur)
		}
		cur = nil
	}
	return out
}

// word returns one of the words in runs, chosen by i: the first word at or
// after a position i picks, or else two characters at that position.
func (c *BenchCorpus) word(runs [][]rune, i int) string {
	var all []string
	for _, r := range runs {
		for k := 0; k+2 <= len(r); k++ {
			all = append(all, string(r[k:k+2]))
		}
	}
	if len(all) == 0 {
		return "规定"
	}
	start := (i * 17) % len(all)
	for k := range all {
		if w := all[(start+k)%len(all)]; c.words[w] {
			return w
		}
	}
	return all[start]
}

// LatencyStats are the figures of one run of the query mix.
type LatencyStats struct {
	Clients       int
	Queries       int
	Errors        int
	FirstError    error
	P50, P95, P99 time.Duration
	Max, Mean     time.Duration
	Elapsed       time.Duration
	// Categories break the latencies down by kind of query, in the mix's order.
	Categories []CategoryLatency
}

// CategoryLatency is the latency of one kind of query in a run.
type CategoryLatency struct {
	Category string
	Queries  int
	P50, P99 time.Duration
}

// PerSecond is the throughput: queries completed per second of wall time.
func (s LatencyStats) PerSecond() float64 {
	return float64(s.Queries) / max(s.Elapsed.Seconds(), 1e-9)
}

// RunQueries runs every query once through archive.Search on idx, with
// clients concurrent callers taking the next query as each finishes, and
// measures each call. Failed searches are counted, not fatal; a cancelled
// context ends the run.
func RunQueries(ctx context.Context, idx archive.Index, queries []BenchQuery, clients int) (LatencyStats, error) {
	st, lat, err := runConcurrent(ctx, len(queries), clients, func(i int) error {
		_, err := archive.Search(ctx, idx, queries[i].Query)
		if err != nil {
			return fmt.Errorf("%s query %+v: %w", queries[i].Category, queries[i].Query, err)
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	byCat := map[string][]time.Duration{}
	for i, q := range queries {
		byCat[q.Category] = append(byCat[q.Category], lat[i])
	}
	for _, m := range benchMix {
		if d := byCat[m.name]; len(d) > 0 {
			slices.Sort(d)
			st.Categories = append(st.Categories, CategoryLatency{Category: m.name, Queries: len(d), P50: percentile(d, 0.5), P99: percentile(d, 0.99)})
		}
	}
	return st, nil
}

// RunFloor calls floor n times from clients concurrent callers and
// measures each call, as RunQueries does: the latency of the cheapest
// request a backend serves, a yardstick for the mix's.
func RunFloor(ctx context.Context, floor func(context.Context) error, n, clients int) (LatencyStats, error) {
	st, _, err := runConcurrent(ctx, n, clients, func(int) error { return floor(ctx) })
	return st, err
}

// runConcurrent calls do(i) for i in [0, n) from clients goroutines, each
// taking the next i as it finishes, and returns the statistics and each
// call's latency. Failed calls are counted, not fatal; a cancelled context
// ends the run.
func runConcurrent(ctx context.Context, n, clients int, do func(i int) error) (LatencyStats, []time.Duration, error) {
	if clients < 1 {
		return LatencyStats{}, nil, fmt.Errorf("searcheval: bench: %d clients: want at least 1", clients)
	}
	lat := make([]time.Duration, n)
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				t := time.Now()
				errs[i] = do(i)
				lat[i] = time.Since(t)
			}
		})
	}
	wg.Wait()
	st := LatencyStats{Clients: clients, Queries: n, Elapsed: time.Since(start)}
	if err := ctx.Err(); err != nil {
		return st, nil, err
	}
	var sum time.Duration
	for i, err := range errs {
		sum += lat[i]
		if err != nil {
			st.Errors++
			if st.FirstError == nil {
				st.FirstError = err
			}
		}
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	if n > 0 {
		st.P50, st.P95, st.P99 = percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99)
		st.Max, st.Mean = sorted[n-1], sum/time.Duration(n)
	}
	return st, lat, nil
}

// percentile returns the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	k := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

// SimulateGate predicts the latency of a run of RunQueries at clients
// clients from each query's CPU time alone, cpu in the run's order: the
// clients take the next query as each finishes (a closed loop, no pause
// between queries), and the index's admission gate (archive/admit) runs at
// most servers searches at once, the others waiting in arrival order, each
// taking its CPU time once admitted. On a machine shared with other work,
// where measured latency says more about the neighbours than the index,
// the CPU times a run measures on one thread tell what a quiet machine
// would show. It leaves out the collector's share of the cores: scale cpu
// by the process's CPU time over the searches' own to count it. Checked
// against bench-search on a quiet machine of 2 CPUs at 100,000 documents
// (p50 18.7 ms, p99 70.1 ms at 16 clients), the CPU times of the same set
// measured on the shared machine gave p50 17–18 ms but p99 38–48 ms: the
// median holds, the tail is about a third low (what a search meets beside
// another on the other core, the collector's bursts), so it tells whether a
// change moves the tail, not the tail itself.
func SimulateGate(cpu []time.Duration, clients, servers int) (LatencyStats, error) {
	if clients < 1 || servers < 1 {
		return LatencyStats{}, fmt.Errorf("searcheval: bench: simulate %d clients, %d servers: want at least 1 of each", clients, servers)
	}
	n := len(cpu)
	st := LatencyStats{Clients: clients, Queries: n}
	if n == 0 {
		return st, nil
	}
	clientFree := make([]time.Duration, clients) // when each client asks next
	serverFree := make([]time.Duration, servers) // when each slot is free
	lat := make([]time.Duration, n)
	var sum time.Duration
	for i, d := range cpu {
		// The client that finished first takes query i: queries arrive at
		// the gate in their order, so the gate's queue is in that order too.
		c := slices.Index(clientFree, slices.Min(clientFree))
		s := slices.Index(serverFree, slices.Min(serverFree))
		arrive := clientFree[c]
		end := max(arrive, serverFree[s]) + d
		serverFree[s], clientFree[c] = end, end
		lat[i] = end - arrive
		sum += lat[i]
		st.Elapsed = max(st.Elapsed, end)
	}
	slices.Sort(lat)
	st.P50, st.P95, st.P99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
	st.Max, st.Mean = lat[n-1], sum/time.Duration(n)
	return st, nil
}
