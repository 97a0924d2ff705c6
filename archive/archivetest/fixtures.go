package archivetest

import (
	"bytes"
	"fmt"
	"time"

	"github.com/gazette-archive/gazette/gazette"
)

// Sample is a valid issue ready to publish: the issue, its print PDF and its
// documents in print order.
type Sample struct {
	Issue     gazette.Issue
	PDF       []byte
	Documents []gazette.Document
}

// SampleTitles are real titles of provincial normative documents, used to
// make fixtures that look like a gazette.
var SampleTitles = []string{
	"福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知",
	"福建省人民政府办公厅关于加强政务公开工作的实施意见",
	"福建省人民政府关于公布取消和下放一批行政许可事项的决定",
	"福建省人民政府办公厅关于印发福建省突发事件应急预案管理办法的通知",
	"福建省人民政府关于任免工作人员的通知",
	"福建省人民政府关于同意设立福州新区行政审批局的批复",
}

// NewSample builds a valid issue with n documents (n ≥ 1). Different
// arguments give different issues; the same arguments give identical ones.
func NewSample(year, number, n int) Sample {
	key := gazette.IssueKey{Year: year, Number: number}
	loc := gazette.ChinaTime
	published := time.Date(year, time.Month(1+(number-1)%12), 15, 9, 0, 0, 0, loc)
	var pdf bytes.Buffer
	fmt.Fprintf(&pdf, "%%PDF-1.7\n%% sample print edition of %s\n", key.Label())
	for range 200 {
		fmt.Fprintf(&pdf, "%d 0 obj << /Issue (%s) >> endobj\n", number, key)
	}
	pdf.WriteString("%%EOF\n")

	docs := make([]gazette.Document, n)
	page := 2
	for i := range docs {
		title := SampleTitles[i%len(SampleTitles)]
		d := gazette.Document{
			ID:          gazette.DocumentID(key, i+1),
			Issue:       key,
			Title:       title,
			Kind:        gazette.KindNormative,
			DocNumber:   fmt.Sprintf("闽政〔%d〕%d号", year, number*10+i+1),
			Authorities: []string{"福建省人民政府"},
			Signed:      gazette.Date{Year: year, Month: published.Month(), Day: 1},
			Published:   gazette.Date{Year: year, Month: published.Month(), Day: 15},
			Validity:    gazette.Status{State: gazette.InForce},
			Body: []string{
				"各市、县（区）人民政府，平潭综合实验区管委会，省人民政府各部门、各直属机构：",
				fmt.Sprintf("现将《%s》印发给你们，请认真贯彻执行。", title),
				"本通知自印发之日起施行。",
			},
			Pages:   gazette.PageRange{First: page, Last: page + 1},
			Version: 1,
		}
		if i%5 == 4 {
			d.Kind, d.DocNumber, d.Signed = gazette.KindAppointment, "", gazette.Date{}
		}
		docs[i] = d
		page += 2
	}
	return Sample{
		Issue: gazette.Issue{
			Gazette:     "福建省人民政府公报",
			IssueKey:    key,
			TotalNumber: (year-2000)*24 + number,
			Published:   published,
			PDF:         gazette.PrintPDF{Pages: page},
		},
		PDF:       pdf.Bytes(),
		Documents: docs,
	}
}
