package editorial

import (
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// TestFromResultOriginal fills a draft from an uploaded agency original:
// one document with its fields prefilled, what the original prints around
// its text included, and the draft's issue number kept, since an original
// names no issue.
func TestFromResultOriginal(t *testing.T) {
	key := gazette.IssueKey{Year: 2015, Number: 12}
	d := &Draft{Issue: gazette.Issue{Gazette: "惠州市人民政府公报", IssueKey: key}}
	signed := gazette.Date{Year: 2015, Month: 11, Day: 5}
	r := &report.Result{
		Issue: report.IssueMeta{Reason: "单个文件：没有公报封面（年第N期）、目录和刊名，期次字段为空"},
		Documents: []report.Document{{
			Title: "惠州市人民政府关于印发《惠州市社会基本医疗保险办法》的通知", DocNumber: "惠府〔2015〕158号", Kind: gazette.KindNormative,
			Authorities: []string{"惠州市人民政府"}, Signed: signed, Registration: "HFGS—2015—31",
			Recipients: []string{"各县、区人民政府", "市政府各部门、各直属机构"}, CC: []string{"市人大常委会办公室"},
			PrintedBy: "惠州市人民政府办公室", PrintDate: signed, PageStart: 1, PageEnd: 44, Text: "各县、区人民政府：\n现印发给你们。",
		}},
		Pages: make([]report.PageReport, 44),
	}
	fromResult(d, r, gazette.PrintPDF{SHA256: strings.Repeat("ab", 32), Size: 1000}, time.Date(2024, 3, 1, 9, 0, 0, 0, gazette.ChinaTime))
	if d.Issue.IssueKey != key || len(d.Review) != 0 {
		t.Errorf("issue %s, review %q: want the draft's number kept and nothing to review", d.Issue.Key(), d.Review)
	}
	if len(d.Documents) != 1 {
		t.Fatalf("%d documents, want 1", len(d.Documents))
	}
	doc := d.Documents[0]
	if doc.ID != "2015-12-1" || doc.DocNumber != "惠府〔2015〕158号" || doc.Signed != signed || doc.Registration != "HFGS—2015—31" ||
		doc.PrintedBy != "惠州市人民政府办公室" || doc.PrintDate != signed || len(doc.Recipients) != 2 || len(doc.CC) != 1 || d.Issue.PDF.Pages != 44 {
		t.Errorf("document %+v", doc)
	}
}

// TestValidityOneRule: a draft made from an upload and the same result
// published by ingest judge validity alike, on the later of the issue's
// date and today: a historical original past its expiry is expired, an
// issue dated ahead is judged on its own day.
func TestValidityOneRule(t *testing.T) {
	now := time.Date(2024, 3, 1, 9, 0, 0, 0, gazette.ChinaTime)
	for _, tc := range []struct {
		name            string
		issue, eff, exp gazette.Date
		want            gazette.Validity
	}{
		{"historical, expired since", gazette.Date{Year: 2015, Month: 11, Day: 5}, gazette.Date{Year: 2015, Month: 12, Day: 1}, gazette.Date{Year: 2020, Month: 12, Day: 1}, gazette.Expired},
		{"dated ahead, in force on its day", gazette.Date{Year: 2030, Month: 1, Day: 1}, gazette.Date{Year: 2030, Month: 1, Day: 1}, gazette.Date{}, gazette.InForce},
	} {
		r := &report.Result{
			Issue:     report.IssueMeta{Gazette: "惠州市人民政府公报", Year: tc.issue.Year, Number: 1, Date: tc.issue},
			Documents: []report.Document{{Title: "某办法", Kind: gazette.KindRule, Effective: tc.eff, Expires: tc.exp, PageStart: 1, PageEnd: 1, Text: "第一条"}},
			Pages:     make([]report.PageReport, 1),
		}
		d := &Draft{Issue: gazette.Issue{Gazette: "惠州市人民政府公报", IssueKey: gazette.IssueKey{Year: tc.issue.Year, Number: 1}}}
		fromResult(d, r, gazette.PrintPDF{SHA256: strings.Repeat("ab", 32), Size: 1000}, now)
		_, docs, err := r.Publishable(gazette.PrintPDF{SHA256: strings.Repeat("ab", 32), Size: 1000, Pages: 1}, "", now)
		if err != nil {
			t.Fatal(err)
		}
		if got, ing := d.Documents[0].Validity.State, docs[0].Validity.State; got != tc.want || ing != tc.want {
			t.Errorf("%s: draft %s, ingest %s; want %s for both", tc.name, got, ing, tc.want)
		}
	}
}
