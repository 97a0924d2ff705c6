package editorial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// TestQualityPerBatch estimates the error rate of each year and of each
// batch: a proof counts towards its year and towards the batch whose
// issues (ingested, or published from its review queue) hold it.
func TestQualityPerBatch(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, archivetest.NewMemBlobs(), nil)
	// Two drafts in the review queue of batch A: one published since.
	queue := func(number int) *Draft {
		t.Helper()
		res := &report.Result{Issue: report.IssueMeta{Year: 1987, Number: number, Date: gazette.Date{Year: 1987, Month: 3, Day: number}},
			Documents: []report.Document{{Title: "关于某某的通知", Kind: gazette.KindNormative, PageStart: 1, PageEnd: 1, Text: "正文"}},
			Pages:     []report.PageReport{{Number: 1, Extractor: "ocr", Confidence: 0.5}}}
		pdf := []byte("%PDF-1.4\n% issue " + string(rune('0'+number)) + "\n")
		d, err := f.svc.QueueForReview(ctx, CommandLine("ingest"), "x.pdf", pdf, res)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	published, waiting := queue(7), queue(8)
	published.State = StatePublished
	if _, err := f.svc.putJSON(ctx, draftKey(published.ID), published, gazette.PutOptions{IfMatch: published.ETag}); err != nil {
		t.Fatal(err)
	}
	status := func(id, owner string, issues, drafts []string) {
		t.Helper()
		st := report.BatchStatus{ID: id, Owner: owner, Paths: []string{"/archive/" + id}, Started: f.clock.Now(), Updated: f.clock.Now(),
			State: report.BatchFinished, Files: 3, Ingested: len(issues), Review: len(drafts), Issues: issues, Drafts: drafts}
		raw, _ := json.Marshal(st)
		if _, err := f.blobs.Put(ctx, report.StatusKey(id, owner), bytes.NewReader(raw), int64(len(raw)), gazette.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	status("a", "m1:1", []string{"1987-2", "1987-3"}, []string{published.ID, waiting.ID, "0123456789abcdef0123456789abcdef"})
	status("b", "m2:2", []string{"1986-1", "not-a-key"}, nil)
	proof := func(doc, read, printed string) {
		t.Helper()
		key, _, _ := gazette.ParseDocumentID(doc)
		if err := f.svc.RecordProof(ctx, f.admin, gazette.Proof{Year: key.Year, Document: doc, Paragraph: 0, Read: read, Printed: printed}); err != nil {
			t.Fatal(err)
		}
	}
	proof("1987-2-1", "一二三四五六七八九十", "一二三四五六七八九十") // batch a, no error
	proof("1987-7-1", "一二三四五六七八九土", "一二三四五六七八九十") // batch a through its published draft, 1 error
	proof("1987-5-1", "甲乙丙丁戊己庚辛壬葵", "甲乙丙丁戊己庚辛壬癸") // 1987 but no batch's, 1 error
	proof("1986-1-1", "子丑寅卯辰巳午未申酉", "子丑寅卯辰巳午未申酉") // batch b
	q, err := f.svc.Quality(ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Years) != 2 || q.Years[0].Year != 1987 || q.Years[0].Paragraphs != 3 || q.Years[0].Errors != 2 || q.Years[1].Year != 1986 || q.Years[1].Paragraphs != 1 {
		t.Errorf("years %+v", q.Years)
	}
	byID := map[string]BatchQuality{}
	for _, b := range q.Batches {
		byID[b.ID] = b
	}
	a, b := byID["a"], byID["b"]
	want := []gazette.IssueKey{{Year: 1987, Number: 2}, {Year: 1987, Number: 3}, {Year: 1987, Number: 7}}
	if !slices.Equal(a.Issues, want) || a.InReview != 1 || a.Paragraphs != 2 || a.Chars != 20 || a.Errors != 1 || a.Rate != 0.05 || a.Low > a.Rate || a.High < a.Rate {
		t.Errorf("batch a %+v, want issues %v, 1 in review, 2 paragraphs with 1 error in 20 characters", a, want)
	}
	if !slices.Equal(b.Issues, []gazette.IssueKey{{Year: 1986, Number: 1}}) || b.Paragraphs != 1 || b.Errors != 0 {
		t.Errorf("batch b %+v", b)
	}
	keys, err := f.svc.BatchIssues(ctx, f.admin, "a")
	if err != nil || !slices.Equal(keys, want) {
		t.Errorf("BatchIssues(a) = %v, %v", keys, err)
	}
	if _, err := f.svc.BatchIssues(ctx, f.admin, "zz"); !errors.Is(err, gazette.ErrNotFound) {
		t.Errorf("BatchIssues of no batch: %v", err)
	}
	if _, err := f.svc.Quality(ctx, Actor{User: "stranger"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("Quality without a role: %v", err)
	}
}
