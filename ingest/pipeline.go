package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/meta"
	"github.com/gazette-archive/gazette/ingest/page"
	"github.com/gazette-archive/gazette/ingest/report"
	"github.com/gazette-archive/gazette/ingest/split"
)

// ExtractOptions configure Extract: how the text is had (limits of the
// decoding child, the fallbacks this machine has).
type ExtractOptions struct {
	Extract extract.Options
}

// maxReviewPages is how many pages needing review are named one by one
// before the rest are counted.
const maxReviewPages = 5

// Extract reads the PDF at path into an issue: the text of every page by the
// best path available (text layer in a child process, poppler, OCR), the
// pages cleaned of running heads and page numbers, the issue split into its
// documents and their metadata read. What stops the file from being
// published as it is goes into Result.Review. It fails only when no page
// can be had at all or ctx ends.
func Extract(ctx context.Context, path string, opts ExtractOptions) (*report.Result, error) {
	er, err := extract.File(ctx, path, opts.Extract)
	if err != nil {
		return nil, err
	}
	res := &report.Result{Documents: []report.Document{}, Review: []string{}}
	for _, p := range er.Pages {
		res.Pages = append(res.Pages, report.PageReport{Number: p.Number, Extractor: p.Extractor, Confidence: p.Confidence, Note: p.Note, Corrections: p.Corrections})
	}
	if er.Truncated {
		res.Review = append(res.Review, fmt.Sprintf("已达页数上限：只读取了前%d页", len(er.Pages)))
	}
	if bad := er.NeedsReview(); len(bad) > 0 {
		var named []string
		for _, n := range bad[:min(len(bad), maxReviewPages)] {
			named = append(named, fmt.Sprintf("第%d页：%s", n, er.Pages[n-1].Note))
		}
		if len(bad) > maxReviewPages {
			named = append(named, fmt.Sprintf("另有%d页", len(bad)-maxReviewPages))
		}
		res.Review = append(res.Review, fmt.Sprintf("%d页（共%d页）未能读出文字（%s）", len(bad), len(er.Pages), strings.Join(named, "；")))
	}

	assemble(res, er.Pages)
	return res, nil
}

// FromPages makes a result of pages already extracted (by extract.File, or
// kept from an earlier run): what Extract does after the text is had, page
// reports included.
func FromPages(pages []page.Page) *report.Result {
	res := &report.Result{Documents: []report.Document{}, Review: []string{}}
	for _, p := range pages {
		res.Pages = append(res.Pages, report.PageReport{Number: p.Number, Extractor: p.Extractor, Confidence: p.Confidence, Note: p.Note, Corrections: p.Corrections})
	}
	assemble(res, pages)
	return res
}

// assemble cleans the extracted pages, splits them into documents and reads
// the metadata into res: everything Extract does after the text is had. A
// file with no gazette cover, contents or running heads is read as one
// agency original (its attachments part of it), with the issue's fields
// left null and the reason given.
func assemble(res *report.Result, extracted []page.Page) {
	pages := layout.Clean(extracted)
	is := split.Split(pages)
	cover, coverErr := meta.IssueFromPages(pages)
	name := meta.GazetteName(pages)
	single := len(is.Contents) == 0 && name == "" && cover.Number == 0 && len(is.Documents) > 0
	if single {
		if merged, ok := oneOriginal(is); ok {
			is.Front, is.Documents = nil, []split.Document{merged}
		} else {
			single = false
			res.Review = append(res.Review, fmt.Sprintf("没有公报封面和目录，却分出%d篇各有文号的文件：请确认是否为一期公报", len(is.Documents)))
		}
	}
	switch {
	case single:
		res.Issue.Reason = "单个文件：没有公报封面（年第N期）、目录和刊名，期次字段为空"
	case coverErr != nil:
		res.Review = append(res.Review, "封面："+coverErr.Error())
	case cover.Year == 0 || cover.Number == 0:
		res.Review = append(res.Review, "封面：未找到年份和期号（年第N期）")
	}
	if !single {
		res.Issue = report.IssueMeta{Gazette: name, Year: cover.Year, Number: cover.Number, TotalNumber: cover.TotalNumber, Date: cover.Date}
		res.Review = append(res.Review, unplaced(pages, is)...)
	}
	for n, d := range is.Documents {
		// A 主送 line joined to the title, and a 令's number joined to its
		// heading, are cut off before anything reads either: the title field, the text without the title and the
		// recipients all see the same two paragraphs.
		d.Paragraphs = meta.SplitSalutation(meta.SplitOrderHeading(d.Paragraphs))
		m := meta.Extract(d.Title, d.Paragraphs)
		// The title is a field of its own: the text goes on without the
		// lines that print it, however many pieces extraction cut it into.
		body := d.Paragraphs
		if from, to := meta.TitleParagraphs(m.Title, body); to > from {
			body = append(body[:from:from], body[to:]...)
		}
		if why := meta.TitleReview(m.Title, body); why != "" {
			res.Review = append(res.Review, fmt.Sprintf("第%d篇《%s》（第%d页）：%s", n+1, m.Title, d.PageStart, why))
		}
		doc := report.Document{
			Title: m.Title, DocNumber: m.DocNumber, Kind: m.Kind, Section: d.Section, Authorities: m.Authorities,
			Signed: m.Signed, Effective: m.Effective, Expires: m.Expires,
			Registration: m.Registration, CopyNumber: m.CopyNumber, Secrecy: m.Secrecy, Urgency: m.Urgency,
			Signers: m.Signers, Recipients: m.Recipients, Signatory: m.Signatory, Attachments: m.Attachments, Note: m.Note, CC: m.CC,
			PrintedBy: m.PrintedBy, PrintDate: m.PrintDate,
			PageStart: d.PageStart, PageEnd: d.PageEnd, Text: layout.Text(body),
		}
		for _, p := range body {
			doc.ParagraphPages = append(doc.ParagraphPages, gazette.PageRange{First: p.Page, Last: max(p.Page, p.PageEnd)})
		}
		doc.Why = whyNull(doc)
		if doc.DocNumber == "" && len(doc.Authorities) == 0 && doc.Signed.IsZero() {
			res.Review = append(res.Review, fmt.Sprintf("第%d篇《%s》（第%d页）：不像公文（没有文号、发文机关和成文日期），只读出文字和标题", n+1, m.Title, d.PageStart))
		}
		res.Documents = append(res.Documents, doc)
	}
	if len(res.Documents) == 0 {
		res.Review = append(res.Review, "未找到任何文件")
	}
}

// oneOriginal makes one document of a file without cover or contents: the
// text before the first start that split found (the 版头) and every later
// start (attachments, a decree's rule, the headings of a long text) belong
// to it. ok is false when two or more of the parts carry a 文号 of their
// own at the top: separate documents, not one original.
func oneOriginal(is split.Issue) (split.Document, bool) {
	numbered := 0
	var paras []layout.Paragraph
	paras = append(paras, is.Front...)
	for _, d := range is.Documents {
		if m := meta.Extract(d.Title, d.Paragraphs); m.DocNumber != "" {
			numbered++
		}
		paras = append(paras, d.Paragraphs...)
	}
	if numbered > 1 {
		return split.Document{}, false
	}
	d := is.Documents[0]
	d.Paragraphs = paras
	d.Section = ""
	d.PageStart = paras[0].Page
	for _, p := range paras {
		d.PageEnd = max(d.PageEnd, p.Page, p.PageEnd)
	}
	return d, true
}

// unplaced names the pages whose text is in no document: not the cover
// (the pages before the contents, or the first page) nor the contents,
// yet before the first document or between documents. Nothing is dropped
// in silence.
func unplaced(pages []layout.Page, is split.Issue) []string {
	placed := map[int]bool{}
	for _, n := range is.ContentsPages {
		placed[n] = true
	}
	firstContents := 2
	if len(is.ContentsPages) > 0 {
		firstContents = is.ContentsPages[0]
	}
	for n := 1; n < firstContents; n++ {
		placed[n] = true // the cover and what comes before the contents
	}
	for _, d := range is.Documents {
		for _, p := range d.Paragraphs {
			for n := p.Page; n <= max(p.Page, p.PageEnd); n++ {
				placed[n] = true
			}
		}
	}
	var missing []string
	for _, p := range pages {
		if !placed[p.Number] && len(p.Paragraphs) > 0 {
			missing = append(missing, fmt.Sprintf("%d", p.Number))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("第%s页的文字不属于任何文件（不是封面或目录，也没有找到从这些页开始的文件）", strings.Join(missing, "、"))}
}

// whyNull says why each of the main fields a document leaves empty is
// empty, for the editor who fills it in.
func whyNull(d report.Document) map[string]string {
	why := map[string]string{}
	if d.DocNumber == "" {
		why["doc_number"] = "未找到发文字号（人事任免、附件、非公文可能没有）"
	}
	if len(d.Authorities) == 0 {
		why["authorities"] = "未找到发文机关（没有发文机关标志、署名或标题中的机关名）"
	}
	if d.Signed.IsZero() {
		why["signed_date"] = "未找到成文日期（署名下没有日期，或日期在印章图像中）"
	}
	if len(why) == 0 {
		return nil
	}
	return why
}
