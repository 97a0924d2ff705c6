package editorial

import (
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest"
)

// TestFromResultOriginal fills a draft from an uploaded agency original:
// one document with its fields prefilled, what the original prints around
// its text included, and the draft's issue number kept, since an original
// names no issue.
func TestFromResultOriginal(t *testing.T) {
	key := gazette.IssueKey{Year: 2015, Number: 12}
	d := &Draft{Issue: gazette.Issue{Gazette: "惠州市人民政府公报", IssueKey: key}}
	signed := gazette.Date{Year: 2015, Month: 11, Day: 5}
	r := &ingest.Result{
		Issue: ingest.IssueMeta{Reason: "单个文件：没有公报封面（年第N期）、目录和刊名，期次字段为空"},
		Documents: []ingest.Document{{
			Title: "惠州市人民政府关于印发《惠州市社会基本医疗保险办法》的通知", DocNumber: "惠府〔2015〕158号", Kind: gazette.KindNormative,
			Authorities: []string{"惠州市人民政府"}, Signed: signed, Registration: "HFGS—2015—31",
			Recipients: []string{"各县、区人民政府", "市政府各部门、各直属机构"}, CC: []string{"市人大常委会办公室"},
			PrintedBy: "惠州市人民政府办公室", PrintDate: signed, PageStart: 1, PageEnd: 44, Text: "各县、区人民政府：\n现印发给你们。",
		}},
		Pages: make([]ingest.PageReport, 44),
	}
	fromResult(d, r, gazette.PrintPDF{SHA256: strings.Repeat("ab", 32), Size: 1000})
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
