package searcheval

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// HandQuery is one hand-written gazette-style query with the document it
// must rank first.
type HandQuery struct {
	Line     int // in the query file
	Category string
	Text     string // the query text as written in the file, escapes resolved
	Filters  string // as written: kind=rule; year=2019 ...
	Query    gazette.Query
	Want     string // document ID
	Note     string
}

//go:embed testdata/gazette_queries.tsv
var handQueriesTSV string

// HandQueries returns the built-in hand-written set
// (searcheval/testdata/gazette_queries.tsv), for the gazette BuildGazette
// generates.
func HandQueries() ([]HandQuery, error) { return ParseHandQueries(handQueriesTSV) }

var escapeRE = regexp.MustCompile(`\\u[0-9a-fA-F]{4}`)

// ParseHandQueries reads a query file: one query a line, tab-separated
// category, query text, filters, expected document ID and a note; blank
// lines and lines starting with # are skipped. In the query text \uXXXX
// stands for that character (zero-width spaces cannot be seen otherwise).
// Filters are ;-separated key=value pairs: kind, authority, validity, topic
// and year (repeatable), issue (2019-12), from and to (2019-04-28), date
// (signed, published, effective, expiry), sort, and gazette (the name of the
// gazette searched, 河南省人民政府公报, which short forms of 文号 resolve
// against).
func ParseHandQueries(text string) ([]HandQuery, error) {
	var out []HandQuery
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 4 {
			return nil, fmt.Errorf("searcheval: queries line %d: want category, query, filters, expected ID[, note], got %d columns", i+1, len(cols))
		}
		h := HandQuery{Line: i + 1, Category: cols[0], Filters: cols[2], Want: strings.TrimSpace(cols[3])}
		if len(cols) > 4 {
			h.Note = cols[4]
		}
		h.Text = escapeRE.ReplaceAllStringFunc(cols[1], func(m string) string {
			n, _ := strconv.ParseUint(m[2:], 16, 32)
			return string(rune(n))
		})
		h.Query.Text = h.Text
		if err := parseFilters(&h.Query, h.Filters); err != nil {
			return nil, fmt.Errorf("searcheval: queries line %d: %w", i+1, err)
		}
		if err := h.Query.Normalize(); err != nil {
			return nil, fmt.Errorf("searcheval: queries line %d: %w", i+1, err)
		}
		if _, _, err := gazette.ParseDocumentID(h.Want); err != nil {
			return nil, fmt.Errorf("searcheval: queries line %d: %w", i+1, err)
		}
		out = append(out, h)
	}
	return out, nil
}

func parseFilters(q *gazette.Query, s string) error {
	for _, f := range strings.Split(s, ";") {
		f = strings.TrimSpace(f)
		if f == "" || f == "-" {
			continue
		}
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return fmt.Errorf("filter %q: want key=value", f)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "kind":
			kind, err := gazette.ParseKind(v)
			if err != nil {
				return err
			}
			q.Kinds = append(q.Kinds, kind)
		case "validity":
			st, err := gazette.ParseValidity(v)
			if err != nil {
				return err
			}
			q.Validity = append(q.Validity, st)
		case "authority":
			q.Authorities = append(q.Authorities, v)
		case "topic":
			q.Topics = append(q.Topics, v)
		case "year":
			y, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("year %q: %w", v, err)
			}
			q.Years = append(q.Years, y)
		case "issue":
			key, err := gazette.ParseIssueKey(v)
			if err != nil {
				return err
			}
			q.Issue = &key
		case "from", "to":
			d, err := gazette.ParseDate(v)
			if err != nil {
				return err
			}
			if k == "from" {
				q.From = d
			} else {
				q.To = d
			}
		case "date":
			q.DateField = gazette.DateField(v)
		case "sort":
			q.Sort = gazette.Sort(v)
		case "gazette":
			q.Gazette = v // the gazette searched, for short forms of 文号
		default:
			return fmt.Errorf("filter %q: unknown key %q", f, k)
		}
	}
	return nil
}

// HandResult is the outcome of one hand-written query.
type HandResult struct {
	Query HandQuery
	Top   []string // the first hits' IDs, at most 5; with no hits, the did-you-mean documents'
	Total int
	Err   error // an error from the search; the query then failed
}

// OK reports whether the expected document came first.
func (r HandResult) OK() bool { return r.Err == nil && len(r.Top) > 0 && r.Top[0] == r.Query.Want }

// CategoryScore is the first-hit share of one category.
type CategoryScore struct {
	Category string
	Passed   int
	Total    int
}

// HandReport is the outcome of the hand-written set on one index.
type HandReport struct {
	Results    []HandResult
	Categories []CategoryScore // in order of first appearance in the file
	Passed     int
	Total      int
	Latency    time.Duration // mean per query
}

// Share is the fraction of queries answered with the expected document first.
func (r HandReport) Share() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Passed) / float64(r.Total)
}

// Failures lists the queries that did not rank their document first.
func (r HandReport) Failures() []HandResult {
	var out []HandResult
	for _, res := range r.Results {
		if !res.OK() {
			out = append(out, res)
		}
	}
	return out
}

// EvalHand runs each query through archive.Search on idx, which must hold
// the documents BuildGazette made. A search error counts as a failure and is
// reported with it, except a context error, which ends the run.
func EvalHand(ctx context.Context, idx archive.Index, queries []HandQuery) (HandReport, error) {
	var rep HandReport
	var spent time.Duration
	for _, h := range queries {
		start := time.Now()
		res, err := archive.Search(ctx, idx, h.Query)
		spent += time.Since(start)
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		r := HandResult{Query: h, Err: err}
		if err == nil {
			r.Total = res.Total
			r.Top = hitIDs(res.Hits[:min(5, len(res.Hits))])
			if len(res.Hits) == 0 {
				// A mistyped 文号: the page offers its did-you-mean
				// documents in place of hits, so they are scored.
				for _, d := range res.DidYouMean[:min(5, len(res.DidYouMean))] {
					r.Top = append(r.Top, d.ID)
				}
			}
		}
		rep.Results = append(rep.Results, r)
		i := slices.IndexFunc(rep.Categories, func(c CategoryScore) bool { return c.Category == h.Category })
		if i < 0 {
			rep.Categories = append(rep.Categories, CategoryScore{Category: h.Category})
			i = len(rep.Categories) - 1
		}
		rep.Categories[i].Total++
		rep.Total++
		if r.OK() {
			rep.Categories[i].Passed++
			rep.Passed++
		}
	}
	if rep.Total > 0 {
		rep.Latency = spent / time.Duration(rep.Total)
	}
	return rep, nil
}

// CheckHandQueries reports queries whose expected document is not in docs:
// a query file out of step with the generated gazette.
func CheckHandQueries(queries []HandQuery, docs []gazette.SearchDoc) error {
	ids := map[string]bool{}
	for _, d := range docs {
		ids[d.ID] = true
	}
	var errs []error
	for _, h := range queries {
		if !ids[h.Want] {
			errs = append(errs, fmt.Errorf("line %d: expected document %s is not in the gazette", h.Line, h.Want))
		}
	}
	return errors.Join(errs...)
}
