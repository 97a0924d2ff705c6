package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

func TestResultJSONNulls(t *testing.T) {
	r := Result{
		Issue:     IssueMeta{Year: 2019, Number: 12},
		Documents: []Document{{Title: "关于某某同志职务任免的通知", Kind: gazette.KindAppointment, PageStart: 3, PageEnd: 3}},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"total_number":null`, `"date":null`, `"gazette":null`, `"doc_number":null`, `"signed_date":null`, `"effective_date":null`, `"year":2019`, `"page_start":3`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s:\n%s", want, s)
		}
	}
	if strings.Count(s, `"doc_number"`) != 1 {
		t.Errorf("doc_number written twice: %s", s)
	}
}

func TestPublishable(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	base := func() Result {
		return Result{
			Issue: IssueMeta{Year: 2019, Number: 12, TotalNumber: 612, Date: gazette.Date{Year: 2019, Month: 6, Day: 30}},
			Documents: []Document{
				{Title: "某省人民政府关于印发某办法的通知", DocNumber: "某政〔2019〕14号", Kind: gazette.KindNormative, Authorities: []string{"某省人民政府"},
					Signed: gazette.Date{Year: 2019, Month: 6, Day: 1}, Effective: gazette.Date{Year: 2019, Month: 7, Day: 1}, Expires: gazette.Date{Year: 2024, Month: 6, Day: 30},
					PageStart: 3, PageEnd: 5, Text: "第一段。\n\n第二段。"},
				{Title: "某省人民政府关于明年施行的规定", Kind: gazette.KindRule, Authorities: []string{"某省人民政府"}, Effective: gazette.Date{Year: 2027, Month: 1, Day: 1}, PageStart: 6, PageEnd: 6, Text: "正文。"},
			},
		}
	}
	r := base()
	r.Pages = []PageReport{{Number: 1, Extractor: page.Text}, {Number: 3, Extractor: page.Text}, {Number: 4, Extractor: page.OCR, Confidence: 0.88},
		{Number: 5, Extractor: page.None}, {Number: 6, Extractor: page.Poppler}}
	is, docs, err := r.Publishable(gazette.PrintPDF{SHA256: strings.Repeat("a", 64), Size: 10, Pages: 6}, "默认公报", now)
	if err != nil {
		t.Fatal(err)
	}
	if is.Gazette != "默认公报" || is.Key().String() != "2019-12" || len(is.Contents) != 2 || is.Contents[1].ID != "2019-12-2" {
		t.Errorf("issue: %+v", is)
	}
	if got := is.Published.Format(time.RFC3339); got != "2019-06-30T00:00:00+08:00" {
		t.Errorf("published %s, want the issue date in China time", got)
	}
	if docs[0].Validity.State != gazette.Expired || docs[0].Validity.Since != docs[0].Expires {
		t.Errorf("a document past its 有效期: %+v", docs[0].Validity)
	}
	if docs[1].Validity.State != gazette.NotYetInForce {
		t.Errorf("a document effective next year: %+v", docs[1].Validity)
	}
	// How each page was read goes with the document that holds it; a page
	// no path read has no source.
	if got := fmt.Sprint(docs[0].Sources, docs[1].Sources); got != "[{3 text-layer 0  0001-01-01 00:00:00 +0000 UTC} {4 ocr 0.88  0001-01-01 00:00:00 +0000 UTC}] [{6 poppler 0  0001-01-01 00:00:00 +0000 UTC}]" {
		t.Errorf("sources %s", got)
	}
	if len(docs[0].Body) != 2 {
		t.Errorf("body = %q, want two paragraphs without the blank line", docs[0].Body)
	}

	r = base()
	r.Review = []string{"page 2: needs OCR"}
	if _, _, err := r.Publishable(gazette.PrintPDF{}, "x", now); !errors.Is(err, gazette.ErrInvalid) {
		t.Errorf("a result needing review was publishable: %v", err)
	}
	r = base()
	r.Documents[0].Title = ""
	if _, _, err := r.Publishable(gazette.PrintPDF{SHA256: strings.Repeat("a", 64), Size: 10, Pages: 6}, "x", now); !errors.Is(err, gazette.ErrInvalid) || !strings.Contains(err.Error(), "title") {
		t.Errorf("a document without a title: %v", err)
	}
}

// TestAttach makes one issue of single documents: pages counted through,
// each file's review kept with its position, and the issue named by the
// caller; an original alone is not publishable until an issue is named.
func TestAttach(t *testing.T) {
	one := &Result{Issue: IssueMeta{Reason: "单个文件"}, Documents: []Document{{Title: "甲", PageStart: 1, PageEnd: 3}},
		Pages: []PageReport{{Number: 1}, {Number: 2}, {Number: 3}}}
	two := &Result{Issue: IssueMeta{Reason: "单个文件"}, Documents: []Document{{Title: "乙", PageStart: 1, PageEnd: 2, Text: "一\n二",
		ParagraphPages: []gazette.PageRange{{First: 1, Last: 2}, {First: 2, Last: 2}}}},
		Pages: []PageReport{{Number: 1}, {Number: 2}}, Review: []string{"第1篇《乙》：不像公文"}}
	if _, _, err := one.Publishable(gazette.PrintPDF{}, "公报", time.Now()); err == nil || !strings.Contains(err.Error(), "--issue") {
		t.Errorf("an original alone: %v, want an error naming --issue", err)
	}
	key := gazette.IssueKey{Year: 2015, Number: 12}
	r := Attach(key, gazette.Date{Year: 2015, Month: 12, Day: 31}, "东莞市人民政府公报", []*Result{one, two})
	if r.Issue.Year != 2015 || r.Issue.Number != 12 || r.Issue.Gazette != "东莞市人民政府公报" || r.Issue.Reason != "" {
		t.Errorf("issue %+v", r.Issue)
	}
	if len(r.Documents) != 2 || r.Documents[1].PageStart != 4 || r.Documents[1].PageEnd != 5 || len(r.Pages) != 5 || r.Pages[4].Number != 5 {
		t.Errorf("documents %+v, pages %+v", r.Documents, r.Pages)
	}
	if pp := r.Documents[1].ParagraphPages; len(pp) != 2 || pp[0] != (gazette.PageRange{First: 4, Last: 5}) || pp[1] != (gazette.PageRange{First: 5, Last: 5}) {
		t.Errorf("paragraph pages %+v, want counted through as the pages", pp)
	}
	if two.Documents[0].ParagraphPages[0].First != 1 {
		t.Error("Attach changed the paragraph pages of the result it was given")
	}
	if len(r.Review) != 1 || !strings.HasPrefix(r.Review[0], "第2个文件：") {
		t.Errorf("review %q", r.Review)
	}
}
