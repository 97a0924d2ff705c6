package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/typeset"
)

func TestDemoDates(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	got := demoDates(now, 5)
	want := []string{"2026-10-10", "2026-10-25", "2026-11-10", "2026-11-25"}
	if len(got) != 5 || got[0].String() != "2026-09-25" {
		t.Fatalf("demoDates = %v", got)
	}
	for i, w := range want {
		if got[i+1].String() != w {
			t.Errorf("demoDates[%d] = %s, want %s", i+1, got[i+1], w)
		}
	}
	if d := demoDates(time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC), 2); d[0].String() != "2026-12-10" || d[1].String() != "2026-12-25" {
		t.Errorf("across a year: %v", d)
	}
}

// TestDemo loads the demo through the real pipeline (decoding child
// included) and checks that a newcomer sees one gazette's recent issues.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	blobs, err := fsblobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	arch := archive.New(blobs, nil, slog.New(slog.DiscardHandler))
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	opts := ingest.BatchOptions{
		Extract: func(ctx context.Context, path string) (*report.Result, error) {
			return ingest.Extract(ctx, path, ingest.ExtractOptions{Extract: extract.Options{}})
		},
		Publish: publisher{arch}, Ledger: blobs, Workers: 2, Now: func() time.Time { return now },
	}
	reports, err := loadDemo(ctx, now, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.Outcome != ingest.Ingested {
			t.Errorf("%s: %s: %s", filepath.Base(r.Path), r.Outcome, r.Reason)
		}
	}
	latest, err := arch.Latest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if latest.Key() != (gazette.IssueKey{Year: 2026, Number: 22}) || !strings.HasSuffix(latest.Gazette, "人民政府公报") || latest.TotalNumber == 0 {
		t.Errorf("latest issue: %s %q total %d", latest.Key(), latest.Gazette, latest.TotalNumber)
	}
	if n := len(latest.Contents); n < 10 {
		t.Errorf("latest issue has %d documents, want a real issue's 10 or more", n)
	}
	names := map[string]bool{}
	for _, y := range []int{2026} {
		issues, err := arch.Issues(ctx, y)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range issues {
			names[is.Gazette] = true
		}
	}
	if len(names) != 1 {
		t.Errorf("the demo issues belong to %d gazettes (%v), want one", len(names), names)
	}
	doc, err := arch.Document(ctx, latest.Contents[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title == "" || len(doc.Body) < 2 || doc.Pages.First == 0 {
		b, _ := json.Marshal(doc)
		t.Errorf("first document of the latest issue is thin: %s", b)
	}
}

// TestExtractCommand runs `gazette extract` on a generated issue and checks
// the JSON a user gets: the issue, its documents and how pages were read.
func TestExtractCommand(t *testing.T) {
	res, err := typeset.Generate(context.Background(), typeset.Options{Seed: 7, Encoding: typeset.GBKEUC})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "issue.pdf")
	if err := os.WriteFile(path, res.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, nil, "", "extract", "--no-ocr", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Issue struct {
			Year, Number, TotalNumber int
			Date                      *string
		}
		Documents []struct {
			Title      string  `json:"title"`
			DocNumber  *string `json:"doc_number"`
			SignedDate *string `json:"signed_date"`
			PageStart  int     `json:"page_start"`
			PageEnd    int     `json:"page_end"`
			Text       string  `json:"text"`
		}
		Pages []struct {
			Number     int     `json:"number"`
			Extractor  string  `json:"extractor"`
			Confidence float64 `json:"confidence"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	tr := res.Truth
	if out.Issue.Year != tr.Year || out.Issue.Number != tr.Number || out.Issue.Date == nil || *out.Issue.Date != tr.Date.String() {
		t.Errorf("issue = %+v, want %d年第%d期 of %s", out.Issue, tr.Year, tr.Number, tr.Date)
	}
	if len(out.Documents) != len(tr.Documents) {
		t.Fatalf("%d documents, want %d", len(out.Documents), len(tr.Documents))
	}
	for i, d := range out.Documents {
		w := tr.Documents[i]
		if d.Title != w.Title || d.PageStart != w.FilePages.First || d.PageEnd != w.FilePages.Last {
			t.Errorf("document %d: %q pages %d–%d, want %q pages %d–%d", i+1, d.Title, d.PageStart, d.PageEnd, w.Title, w.FilePages.First, w.FilePages.Last)
		}
		if w.DocNumber == "" && d.DocNumber != nil {
			t.Errorf("document %d: doc_number %q, want null", i+1, *d.DocNumber)
		}
	}
	if len(out.Pages) != len(tr.Pages) || out.Pages[0].Extractor != "text" || out.Pages[0].Confidence <= 0 {
		t.Errorf("pages: %d, first %+v", len(out.Pages), out.Pages[0])
	}
}
