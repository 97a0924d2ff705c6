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
	var out []Question
	err := readSTARD(file, func(rec stardRecord) error {
		q := Question{ID: rec.QueryID, Text: rec.Query}
		for _, p := range rec.RelevantDocs {
			id, ok := idByPath[p]
			if !ok {
				return fmt.Errorf("searcheval: stard: question %d names %q, which is not in the laws corpus", rec.QueryID, p)
			}
			if !slices.Contains(q.Relevant, id) {
				q.Relevant = append(q.Relevant, id)
			}
		}
		if len(q.Relevant) > 0 {
			out = append(out, q)
		}
		return nil
	})
	return out, err
}

// stardRecord is one line of STARDFile.
type stardRecord struct {
	QueryID      int      `json:"query_id"`
	Query        string   `json:"query"`
	RelevantDocs []string `json:"relevant_docs"`
}

// readSTARD calls each with every record of the STARD file, in order.
func readSTARD(file string, each func(rec stardRecord) error) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("searcheval: stard: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var rec stardRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("searcheval: stard: line %d: %w", line, err)
		}
		if err := each(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("searcheval: stard: %w", err)
	}
	return nil
}

// STARDQuestions returns the text of every STARD question, as people typed
// them: the questions of the search benchmark's mix.
func STARDQuestions(file string) ([]string, error) {
	var out []string
	err := readSTARD(file, func(rec stardRecord) error {
		if q := strings.TrimSpace(rec.Query); q != "" {
			out = append(out, q)
		}
		return nil
	})
	return out, err
}

// RelevanceScores are the figures of the STARD questions, each typed as it
// is into archive.Search, the one search path of the search box, the API and
// the command line: a question that too few documents match word for word
// gets its partial matches there, as a reader would. Rates are means over
// the questions scored.
type RelevanceScores struct {
	Questions int
	Recall10  float64       // share of a question's relevant documents in the top 10
	NDCG10    float64       // binary-gain nDCG over the top 10
	MRR10     float64       // 1/rank of the first relevant document in the top 10, else 0
	NoHits    int           // questions for which search returned nothing
	Partial   int           // questions answered with partial matches (Results.Partial)
	Refused   int           // questions the engine refused (gazette.ErrInvalid)
	Latency   time.Duration // mean time per question
}

// EvalSTARD scores the questions against idx, which must hold the laws
// corpus, one search at a time. progress, if not nil, hears after each
// question.
func EvalSTARD(ctx context.Context, idx archive.Index, questions []Question, progress func(done, total int)) (RelevanceScores, error) {
	var s RelevanceScores
	var took time.Duration
	for _, q := range questions {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		start := time.Now()
		res, err := archive.Search(ctx, idx, gazette.Query{Text: q.Text, PerPage: 10})
		took += time.Since(start)
		switch {
		case errors.Is(err, gazette.ErrInvalid):
			s.Refused++
			s.score(nil, q.Relevant)
		case err != nil:
			return s, fmt.Errorf("searcheval: stard question %d: %w", q.ID, err)
		default:
			if res.Partial {
				s.Partial++
			}
			s.score(hitIDs(res.Hits), q.Relevant)
		}
		if progress != nil {
			progress(s.Questions, len(questions))
		}
	}
	if s.Questions > 0 {
		s.Recall10 /= float64(s.Questions)
		s.NDCG10 /= float64(s.Questions)
		s.MRR10 /= float64(s.Questions)
		s.Latency = took / time.Duration(s.Questions)
	}
	return s, nil
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
