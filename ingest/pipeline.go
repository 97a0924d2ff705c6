package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/gazette-archive/gazette/ingest/extract"
	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/meta"
	"github.com/gazette-archive/gazette/ingest/page"
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
func Extract(ctx context.Context, path string, opts ExtractOptions) (*Result, error) {
	er, err := extract.File(ctx, path, opts.Extract)
	if err != nil {
		return nil, err
	}
	res := &Result{Documents: []Document{}, Review: []string{}}
	for _, p := range er.Pages {
		res.Pages = append(res.Pages, PageReport{Number: p.Number, Extractor: p.Extractor, Confidence: p.Confidence, Note: p.Note, Corrections: p.Corrections})
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
func FromPages(pages []page.Page) *Result {
	res := &Result{Documents: []Document{}, Review: []string{}}
	for _, p := range pages {
		res.Pages = append(res.Pages, PageReport{Number: p.Number, Extractor: p.Extractor, Confidence: p.Confidence, Note: p.Note, Corrections: p.Corrections})
	}
	assemble(res, pages)
	return res
}

// assemble cleans the extracted pages, splits them into documents and reads
// the metadata into res: everything Extract does after the text is had.
func assemble(res *Result, extracted []page.Page) {
	pages := layout.Clean(extracted)
	is := split.Split(pages)
	cover, err := meta.IssueFromPages(pages)
	switch {
	case err != nil:
		res.Review = append(res.Review, "封面："+err.Error())
	case cover.Year == 0 || cover.Number == 0:
		res.Review = append(res.Review, "封面：未找到年份和期号（年第N期）")
	}
	res.Issue = IssueMeta{Gazette: meta.GazetteName(pages), Year: cover.Year, Number: cover.Number, TotalNumber: cover.TotalNumber, Date: cover.Date}
	for n, d := range is.Documents {
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
		res.Documents = append(res.Documents, Document{
			Title: m.Title, DocNumber: m.DocNumber, Kind: m.Kind, Section: d.Section, Authorities: m.Authorities,
			Signed: m.Signed, Effective: m.Effective, Expires: m.Expires,
			PageStart: d.PageStart, PageEnd: d.PageEnd, Text: layout.Text(body),
		})
	}
	if len(res.Documents) == 0 {
		res.Review = append(res.Review, "未找到任何文件")
	}
}
