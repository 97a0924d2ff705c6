package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/meiliindex"
)

// evalCorpus is the shared corpus as seen from this package.
const evalCorpus = "../../../shared/corpus"

func needEvalCorpus(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(evalCorpus + "/laws"); err != nil {
		t.Skipf("skipping: the shared corpus is absent: %v", err)
	}
}

// runLong runs a command line like runCmd, with time for indexing.
func runLong(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	code := run(ctx, args, testEnv(vars), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// floats parses the numbers of a regexp's groups.
func floats(t *testing.T, re *regexp.Regexp, s string) []float64 {
	t.Helper()
	m := re.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("output lacks %s:\n%s", re, s)
	}
	var out []float64
	for _, g := range m[1:] {
		f, err := strconv.ParseFloat(g, 64)
		if err != nil {
			t.Fatalf("%q in %q: %v", g, m[0], err)
		}
		out = append(out, f)
	}
	return out
}

func TestEvalSearchCommand(t *testing.T) {
	needEvalCorpus(t)
	data := t.TempDir()
	code, out, errOut := runLong(t, nil, "eval-search", "--corpus", evalCorpus, "--questions", "12", "--data", data)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"STARD relevance, backend bleve", "480 laws indexed", "12 questions with document-level labels, an even sample of 1543",
		"Hand-written gazette queries, backend bleve", "300 generated gazette documents"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The questions go through archive.Search as typed: the product's path.
	f := floats(t, regexp.MustCompile(`archive\.Search, question as typed +12 +([0-9.]+) +([0-9.]+) +([0-9.]+) +([0-9]+) \(([0-9.]+)%\) +([0-9]+) +([0-9.]+) ms`), out)
	for i, name := range []string{"recall@10", "nDCG@10", "MRR@10"} {
		if f[i] < 0 || f[i] > 1 {
			t.Errorf("%s = %v, outside 0–1", name, f[i])
		}
	}
	if f[0] < 0.3 {
		t.Errorf("recall@10 %v: implausibly low for questions answered by partial matches", f[0])
	}
	if f[3] > 12 || f[5] > 12 || f[6] <= 0 {
		t.Errorf("no result %v, partial %v, latency %v ms", f[3], f[5], f[6])
	}
	all := floats(t, regexp.MustCompile(`\n +all +([0-9]+) +([0-9]+) +([0-9.]+)%`), out)
	if all[1] < 60 || all[0] > all[1] || all[2] < 90 {
		t.Errorf("hand-written set: %v of %v first (%v%%), want at least 60 queries, mostly answered", all[0], all[1], all[2])
	}
	if entries, err := os.ReadDir(data); err != nil || len(entries) != 0 {
		t.Errorf("--data %s holds %v after the run (%v): the throwaway indexes should be gone", data, entries, err)
	}
}

func TestBenchSearchCommand(t *testing.T) {
	needEvalCorpus(t)
	data := t.TempDir()
	code, out, errOut := runLong(t, nil, "bench-search", "--corpus", evalCorpus, "--docs", "500", "--queries", "50",
		"--clients", "1,16", "--batch", "100", "--data", data)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	idx := floats(t, regexp.MustCompile(`indexed 500 documents \(([0-9]+) characters each on average\) in batches of 100 in [0-9.a-zµ]+: ([0-9]+) documents/s`), out)
	if idx[0] < 1800 || idx[0] > 2400 || idx[1] <= 0 {
		t.Errorf("indexing figures %v: want about 2,000 characters a document and a positive rate", idx)
	}
	size := floats(t, regexp.MustCompile(`index size on disk: [0-9.]+ [KMG]?i?B \(([0-9]+) bytes; the bleve directory\)`), out)
	if size[0] < 500*2000 {
		t.Errorf("index of %v bytes for 500 documents of 2,000 characters: too small", size[0])
	}
	for _, clients := range []string{"1", "16"} {
		f := floats(t, regexp.MustCompile(`\n +`+clients+` +50 +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) +([0-9]+)\n`), out)
		if !(0 < f[0] && f[0] <= f[1] && f[1] <= f[2] && f[2] <= f[3]) || f[5] <= 0 || f[6] != 0 {
			t.Errorf("%s clients: p50 %v, p95 %v, p99 %v, max %v, %v queries/s, %v errors", clients, f[0], f[1], f[2], f[3], f[5], f[6])
		}
	}
	// Suggestions, 1,000 texts at each client count by default: figures
	// in order, no errors, and nearly every text offered something.
	for _, clients := range []string{"1", "16"} {
		f := floats(t, regexp.MustCompile(`\n +`+clients+` +1000 +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) +([0-9]+) +([0-9.]+)% +([0-9.]+)%\n`), out)
		if !(0 < f[0] && f[0] <= f[1] && f[1] <= f[2] && f[2] <= f[3]) || f[6] != 0 || f[7] < 90 || f[8] <= 0 {
			t.Errorf("suggestions at %s clients: p50 %v, p95 %v, p99 %v, max %v, %v errors, %v%% offered, %v%% source offered",
				clients, f[0], f[1], f[2], f[3], f[6], f[7], f[8])
		}
	}
	for _, want := range []string{"query mix: title words", "by kind of query", "target p99 ≤ 50.00 ms at 16 clients:",
		"suggestions by kind of text", "target suggestion p99 ≤ 20.00 ms at 16 clients:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if entries, err := os.ReadDir(data); err != nil || len(entries) != 0 {
		t.Errorf("--data %s holds %v after the run (%v)", data, entries, err)
	}
}

// On Meilisearch the benchmark also measures the server's cheapest search,
// as a yardstick printed beside the mix, and removes its index afterwards.
func TestBenchSearchCommandOnMeilisearch(t *testing.T) {
	needEvalCorpus(t)
	srv := archivetest.StartMeili(t)
	code, out, errOut := runLong(t, map[string]string{"GAZETTE_MEILI_URL": srv.URL, "GAZETTE_MEILI_KEY": srv.Key},
		"bench-search", "--backend-from-env", "--corpus", evalCorpus, "--docs", "200", "--queries", "40", "--clients", "1,4", "--batch", "100")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "Search benchmark, backend meilisearch") || !strings.Contains(out, "yardstick: the backend's cheapest request") {
		t.Fatalf("output lacks the backend or the yardstick:\n%s", out)
	}
	for _, clients := range []string{"1", "4"} {
		f := floats(t, regexp.MustCompile(`\n +`+clients+` +40 +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) ms +([0-9.]+) +([0-9]+) +([0-9.]+)×\n`), out)
		if !(0 < f[0] && f[0] <= f[2]) || f[6] != 0 || f[7] <= 0 {
			t.Errorf("yardstick at %s clients: p50 %v, p99 %v, %v errors, ratio %v", clients, f[0], f[2], f[6], f[7])
		}
	}
	var indexes struct {
		Results []struct{ UID string } `json:"results"`
	}
	if err := meiliRequest(context.Background(), meiliindex.Config{URL: srv.URL, Key: srv.Key}, http.MethodGet, "/indexes", nil, &indexes); err != nil || len(indexes.Results) != 0 {
		t.Errorf("indexes left on the server: %+v (%v)", indexes.Results, err)
	}
}

func TestEvalSearchErrors(t *testing.T) {
	cases := []struct {
		name string
		vars map[string]string
		args []string
		code int
		msg  string
	}{
		{"bad clients", nil, []string{"bench-search", "--clients", "1,x"}, 1, "--clients"},
		{"no documents", nil, []string{"bench-search", "--docs", "0"}, 1, "--docs 0"},
		{"negative questions", nil, []string{"eval-search", "--questions", "-1"}, 1, "--questions"},
		{"unknown flag", nil, []string{"eval-search", "--frobnicate"}, 2, ""},
		{"Meilisearch half configured", map[string]string{"GAZETTE_MEILI_KEY": "k"}, []string{"eval-search", "--backend-from-env"}, 1, "GAZETTE_MEILI_URL"},
		{"no corpus", nil, []string{"eval-search", "--corpus", "/nonexistent/corpus"}, 1, "corpus folder absent"},
		{"no corpus, bench", nil, []string{"bench-search", "--corpus", "/nonexistent/corpus", "--docs", "10"}, 1, "corpus folder absent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCmd(t, tc.vars, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tc.code, tc.msg)
			}
		})
	}
}
