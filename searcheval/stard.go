package searcheval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// Question is one STARD question with the documents that answer it.
type Question struct {
	ID       int
	Text     string
	Relevant []string // document IDs
}

// LoadSTARD reads stard/derived_query_to_lawrefbook_docs.jsonl and maps each
// question's law files to document IDs through idByPath. A question naming a
// file that is not in idByPath is an error: the labels and the corpus must
// agree.
func LoadSTARD(file string, idByPath map[string]string) ([]Question, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("searcheval: stard: %w", err)
	}
	defer f.Close()
	var out []Question
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var rec struct {
			QueryID      int      `json:"query_id"`
			Query        string   `json:"query"`
			RelevantDocs []string `json:"relevant_docs"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("searcheval: stard: line %d: %w", line, err)
		}
		q := Question{ID: rec.QueryID, Text: rec.Query}
		for _, p := range rec.RelevantDocs {
			id, ok := idByPath[p]
			if !ok {
				return nil, fmt.Errorf("searcheval: stard: question %d names %q, which is not in the laws corpus", rec.QueryID, p)
			}
			if !slices.Contains(q.Relevant, id) {
				q.Relevant = append(q.Relevant, id)
			}
		}
		if len(q.Relevant) > 0 {
			out = append(out, q)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("searcheval: stard: %w", err)
	}
	return out, nil
}

// Keyword extraction. Our query syntax ANDs its terms and matches each as a
// substring, which is right for a search box and wrong for a layperson's
// question: the question as one query almost never occurs verbatim. A real
// search box facing such questions needs an OR retrieval, which the index
// does not offer; the evaluation builds it on top, as a caller would:
//
//  1. The question is folded (gazette.FoldSearchText) and cut into runs of
//     Han characters and runs of letters and digits; punctuation, symbols
//     and spaces separate runs.
//  2. Function words are cut out of Han runs: multi-character ones first
//     (什么 怎么 如何 是否 能否 可以 应该 需要 ...), then single characters
//     that rarely sit inside a content word (的 了 吗 呢 吧 么 是 在 我 你 他 谁 ...).
//  3. Pieces of 2–4 Han characters are kept whole, longer pieces become their
//     overlapping bigrams (个体工商户 → 个体 体工 工商 商户), single characters
//     are dropped; letter and digit runs of 2 or more are kept.
//  4. Duplicates go; at most MaxKeywords remain, in order of appearance.
//
// Each keyword is then searched on its own (one archive.Search per keyword,
// KeywordDepth hits deep), and the ranked lists are fused by reciprocal-rank
// fusion: score(d) = Σ w_k / (60 + rank_k(d)). Plain RRF has w_k = 1;
// IDF-weighted RRF has w_k = ln(1 + N/total_k), where total_k is the number
// of documents the keyword matched and N the corpus size, so that a keyword
// found everywhere (规定, 法律) counts for little.

// MaxKeywords caps the keywords, hence the searches, per question.
const MaxKeywords = 24

// KeywordDepth is how many hits each keyword search contributes to the fusion.
const KeywordDepth = 30

// rrfK is the constant of reciprocal-rank fusion (Cormack et al., 2009).
const rrfK = 60

var stopWords = []string{
	"为什么", "怎么办", "怎么样", "有没有", "是不是", "会不会", "要不要", "能不能", "可不可以",
	"什么", "怎么", "怎样", "如何", "是否", "能否", "可否", "可以", "能够", "应该", "哪些", "哪个",
	"多少", "需要", "还是", "或者", "如果", "但是", "因为", "所以", "请问", "已经", "没有", "这个",
	"那个", "这些", "那些", "自己", "一个", "时候", "情况", "问题", "吗", "呢", "吧", "啊",
}

// stopChars split Han runs: function characters that rarely occur inside a
// content word.
const stopChars = "的了吗呢吧啊么是在我你他她它谁哪怎"

// Keywords turns a natural-language question into search keywords, as
// documented above.
func Keywords(question string) []string {
	s := gazette.FoldSearchText(question)
	for _, w := range stopWords {
		s = strings.ReplaceAll(s, w, " ")
	}
	var out []string
	add := func(k string) {
		if len(out) < MaxKeywords && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	addHan := func(rs []rune) {
		switch {
		case len(rs) < 2:
		case len(rs) <= 4:
			add(string(rs))
		default:
			for i := 0; i+1 < len(rs); i++ {
				add(string(rs[i : i+2]))
			}
		}
	}
	var han, word []rune
	flush := func() {
		addHan(han)
		if len(word) >= 2 {
			add(string(word))
		}
		han, word = han[:0], word[:0]
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r) && !strings.ContainsRune(stopChars, r):
			if len(word) > 0 {
				flush()
			}
			han = append(han, r)
		case !unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if len(han) > 0 {
				flush()
			}
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// Retrieval is one way of turning a question into searches.
type Retrieval string

// The retrievals the STARD evaluation compares.
const (
	// RawQuestion searches the question as typed, in one query: what our
	// AND-of-substrings semantics give a layperson.
	RawQuestion Retrieval = "question as one query"
	// KeywordsRRF searches each keyword and fuses by plain RRF.
	KeywordsRRF Retrieval = "keywords, RRF"
	// KeywordsIDF searches each keyword and fuses by IDF-weighted RRF.
	KeywordsIDF Retrieval = "keywords, IDF-weighted RRF"
)

// RelevanceScores are the figures of one retrieval over a question set.
// Rates are means over the questions scored.
type RelevanceScores struct {
	Retrieval Retrieval
	Questions int
	Recall10  float64 // share of a question's relevant documents in the top 10
	NDCG10    float64 // binary-gain nDCG over the top 10
	MRR10     float64 // 1/rank of the first relevant document in the top 10, else 0
	NoHits    int     // questions for which the retrieval returned nothing
	Refused   int     // questions the engine refused (gazette.ErrInvalid)
	Searches  int     // archive.Search calls made
	// Latency is the mean time per question, all its searches included.
	Latency time.Duration
}

// EvalSTARD scores the questions against idx, which must hold the laws
// corpus of n documents, for each Retrieval, one search at a time. The
// keyword retrievals share their searches, so they share their latency.
// progress, if not nil, hears after each question.
func EvalSTARD(ctx context.Context, idx archive.Index, questions []Question, n int, progress func(done, total int)) ([]RelevanceScores, error) {
	raw := RelevanceScores{Retrieval: RawQuestion}
	rrf := RelevanceScores{Retrieval: KeywordsRRF}
	idf := RelevanceScores{Retrieval: KeywordsIDF}
	var rawTime, kwTime time.Duration
	for _, q := range questions {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := time.Now()
		res, err := archive.Search(ctx, idx, gazette.Query{Text: q.Text, PerPage: 10})
		rawTime += time.Since(start)
		raw.Searches++
		switch {
		case errors.Is(err, gazette.ErrInvalid):
			raw.Refused++
			raw.score(nil, q.Relevant)
		case err != nil:
			return nil, fmt.Errorf("searcheval: stard question %d: %w", q.ID, err)
		default:
			raw.score(hitIDs(res.Hits), q.Relevant)
		}

		start = time.Now()
		plain, weighted := map[string]float64{}, map[string]float64{}
		for _, k := range Keywords(q.Text) {
			res, err := archive.Search(ctx, idx, gazette.Query{Text: k, PerPage: KeywordDepth})
			rrf.Searches++
			if errors.Is(err, gazette.ErrInvalid) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("searcheval: stard question %d, keyword %q: %w", q.ID, k, err)
			}
			w := math.Log(1 + float64(n)/float64(max(res.Total, 1)))
			for i, h := range res.Hits {
				plain[h.ID] += 1 / float64(rrfK+i+1)
				weighted[h.ID] += w / float64(rrfK+i+1)
			}
		}
		kwTime += time.Since(start)
		rrf.score(topByScore(plain, 10), q.Relevant)
		idf.score(topByScore(weighted, 10), q.Relevant)
		if progress != nil {
			progress(raw.Questions, len(questions))
		}
	}
	idf.Searches = rrf.Searches
	out := []RelevanceScores{raw, rrf, idf}
	for i := range out {
		s := &out[i]
		if s.Questions > 0 {
			s.Recall10 /= float64(s.Questions)
			s.NDCG10 /= float64(s.Questions)
			s.MRR10 /= float64(s.Questions)
		}
	}
	if len(questions) > 0 {
		out[0].Latency = rawTime / time.Duration(len(questions))
		out[1].Latency = kwTime / time.Duration(len(questions))
		out[2].Latency = out[1].Latency
	}
	return out, nil
}

// Sample returns n of the questions taken at an even stride (the file groups
// questions by topic, so its first n are not representative), or all of
// them when n is 0 or at least their number.
func Sample(questions []Question, n int) []Question {
	if n <= 0 || n >= len(questions) {
		return questions
	}
	out := make([]Question, n)
	for i := range out {
		out[i] = questions[i*len(questions)/n]
	}
	return out
}

// score adds one question's ranking to the running sums.
func (s *RelevanceScores) score(ranked, relevant []string) {
	s.Questions++
	if len(ranked) == 0 {
		s.NoHits++
		return
	}
	ranked = ranked[:min(len(ranked), 10)]
	found, dcg := 0, 0.0
	first := 0
	for i, id := range ranked {
		if slices.Contains(relevant, id) {
			found++
			dcg += 1 / math.Log2(float64(i+2))
			if first == 0 {
				first = i + 1
			}
		}
	}
	ideal := 0.0
	for i := range min(len(relevant), 10) {
		ideal += 1 / math.Log2(float64(i+2))
	}
	s.Recall10 += float64(found) / float64(len(relevant))
	if ideal > 0 {
		s.NDCG10 += dcg / ideal
	}
	if first > 0 {
		s.MRR10 += 1 / float64(first)
	}
}

func hitIDs(hits []gazette.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// topByScore returns the n IDs of highest score, ties broken by ID so that
// runs are repeatable.
func topByScore(scores map[string]float64, n int) []string {
	ids := make([]string, 0, len(scores))
	for id := range scores {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		if sa, sb := scores[a], scores[b]; sa != sb {
			if sa > sb {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return ids[:min(n, len(ids))]
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// shorten cuts s to at most n runes, marking a cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
