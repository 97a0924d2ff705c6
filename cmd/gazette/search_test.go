package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/archive/fsblobs"
)

// publishedData publishes sample issues into a fresh data directory the way
// `gazette serve` lays it out, and returns the directory.
func publishedData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	blobs, err := fsblobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleveindex.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(blobs, idx, nil)
	for n := 1; n <= 2; n++ {
		s := archivetest.NewSample(2019, n, 5)
		if _, err := a.Publish(context.Background(), s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	blobs.Close()
	return dir
}

func TestSearchCommand(t *testing.T) {
	data := publishedData(t)
	code, out, errOut := runCmd(t, nil, "", "search", "--data", data, "--json", "政务公开")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			ID        string `json:"id"`
			Title     string `json:"title"`
			DocNumber string `json:"doc_number"`
			Issue     struct {
				Year   int `json:"year"`
				Number int `json:"number"`
			} `json:"issue"`
			Snippet string `json:"snippet"`
		} `json:"hits"`
		Facets struct {
			Kind []struct {
				Value string `json:"value"`
				Count int    `json:"count"`
			} `json:"kind"`
		} `json:"facets"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, out)
	}
	if res.Total != 2 || len(res.Hits) != 2 || len(res.Facets.Kind) == 0 {
		t.Fatalf("found %+v, want the two 政务公开 documents with facets", res)
	}
	h := res.Hits[0]
	if h.ID == "" || !strings.Contains(h.Title, "政务公开") || h.DocNumber == "" || h.Issue.Year != 2019 || h.Issue.Number == 0 {
		t.Errorf("hit lacks fields: %+v", h)
	}

	// A 文号 in another spelling, flags after the words, and the text form.
	code, out, errOut = runCmd(t, nil, "", "search", "闽政[2019]22号", "--data", data)
	if code != 0 || !strings.HasPrefix(out, "1 documents") || !strings.Contains(out, "2019-2-2") || !strings.Contains(out, "闽政〔2019〕22号") {
		t.Errorf("文号 search: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCmd(t, nil, "", "search", "--data", data, "--kind", "人事任免", "--json")
	if code != 0 || !strings.Contains(out, `"total":2`) {
		t.Errorf("--kind 人事任免: exit %d, %s", code, out)
	}
	code, out, _ = runCmd(t, nil, "", "search", "--data", data, "--json", "--from", "2019年2月1日", "--to", "2019-02-28", "--kind", "normative")
	if code != 0 || !strings.Contains(out, `"total":4`) {
		t.Errorf("date range: exit %d, %s", code, out)
	}

	for name, args := range map[string][]string{
		"malformed date": {"--from", "2019-13-45", "政务"},
		"unknown kind":   {"--kind", "law", "政务"},
		"huge query":     {strings.Repeat("政务公开", 100)},
		"absurd page":    {"--page", "999999999", "政务"},
		"bad issue":      {"--issue", "../../etc", "政务"},
	} {
		code, _, errOut := runCmd(t, nil, "", append([]string{"search", "--data", data}, args...)...)
		if code != 1 || !strings.Contains(errOut, "invalid") && !strings.Contains(errOut, "--") {
			t.Errorf("%s: exit %d, %q; want exit 1 with a clear message", name, code, errOut)
		}
	}
}

func TestReindexCommand(t *testing.T) {
	data := publishedData(t)
	code, out, errOut := runCmd(t, nil, "", "reindex", "--data", data, "--check", "--dry-run")
	if code != 0 || !strings.Contains(out, `"documents":10`) {
		t.Fatalf("check of a consistent index: exit %d %s %s", code, out, errOut)
	}
	// Lose the index, as after a disk failure or a backend switch.
	if err := os.RemoveAll(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, nil, "", "reindex", "--data", data, "--check", "--dry-run")
	if code != 1 || !strings.Contains(out, `"missing":["2019-1-1"`) {
		t.Errorf("check of an empty index: exit %d, %s; want exit 1 listing missing documents", code, out)
	}
	code, out, errOut = runCmd(t, nil, "", "reindex", "--data", data)
	if code != 0 || !strings.Contains(out, `"documents":10`) || !strings.Contains(errOut, `"progress":"indexing"`) {
		t.Errorf("rebuild: exit %d, %s, progress %q", code, out, errOut)
	}
	if code, out, _ = runCmd(t, nil, "", "search", "--data", data, "--json", "政务公开"); code != 0 || !strings.Contains(out, `"total":2`) {
		t.Errorf("search after rebuild: %d %s", code, out)
	}
}

func TestIndexInAnOldLayoutIsRebuilt(t *testing.T) {
	data := publishedData(t)
	// Replace the index by a bleve index in a layout bleveindex does not
	// recognise, as an older version of Gazette would have left it.
	dir := filepath.Join(data, "index")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	old, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	old.Close()
	code, out, errOut := runCmd(t, nil, "", "reindex", "--data", data)
	if code != 0 || !strings.Contains(out, `"documents":10`) {
		t.Fatalf("reindex over an old index: exit %d, %s %s", code, out, errOut)
	}
	if code, out, _ = runCmd(t, nil, "", "search", "--data", data, "--json", "政务公开"); code != 0 || !strings.Contains(out, `"total":2`) {
		t.Errorf("search after rebuild: %d %s", code, out)
	}
}
