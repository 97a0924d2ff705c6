package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

// Result is what extraction makes of one PDF: the issue named on its cover,
// the documents it carries and how each page's text was obtained. It is the
// JSON that `gazette extract` prints.
type Result struct {
	Issue     IssueMeta    `json:"issue"`
	Documents []Document   `json:"documents"`
	Pages     []PageReport `json:"pages"`
	// Review lists why a person must look at the file before it is
	// published; empty when it can be published as it is.
	Review []string `json:"review"`
}

// IssueMeta is what the cover says about the issue. Absent values are zero
// (null in JSON).
type IssueMeta struct {
	Gazette     string       `json:"gazette,omitempty"` // 福建省人民政府公报
	Year        int          `json:"year"`
	Number      int          `json:"number"`
	Supplement  bool         `json:"supplement,omitempty"` // 增刊
	TotalNumber int          `json:"total_number"`
	Date        gazette.Date `json:"date"`
	// Reason says why the fields above are null: the file is not a
	// gazette issue but a single document (an agency's original).
	Reason string `json:"reason,omitempty"`
}

// Document is one document found in the issue.
type Document struct {
	Title       string       `json:"title"`
	DocNumber   string       `json:"doc_number"` // canonical; "" when it has none
	Kind        gazette.Kind `json:"kind"`
	Section     string       `json:"section,omitempty"`
	Authorities []string     `json:"authorities"`
	Signed      gazette.Date `json:"signed_date"`
	Effective   gazette.Date `json:"effective_date"`
	Expires     gazette.Date `json:"expiry_date"`
	// What an agency's original prints around its text (GB/T 9704):
	// registration number, 签发人, 主送, 抄送, 印发机关 and 印发日期;
	// null where it prints none.
	Registration string       `json:"registration_number"`
	CopyNumber   string       `json:"copy_number"` // 份号
	Secrecy      string       `json:"secrecy"`     // 密级
	Urgency      string       `json:"urgency"`     // 紧急程度
	Signers      []string     `json:"signers"`
	Recipients   []string     `json:"recipients"`
	Signatory    string       `json:"signatory"`   // a 令's: 省长　张三
	Attachments  []string     `json:"attachments"` // titles of its 附件
	Note         string       `json:"note"`        // 附注
	CC           []string     `json:"cc"`
	PrintedBy    string       `json:"printed_by"`
	PrintDate    gazette.Date `json:"print_date"`
	PageStart    int          `json:"page_start"`
	PageEnd      int          `json:"page_end"`
	Text         string       `json:"text"` // paragraphs separated by newlines
	// ParagraphPages gives, for each paragraph of Text in order, the
	// pages its lines were printed on (a paragraph may run on to the next
	// page). It lets a page be read again and its text put back in place.
	ParagraphPages []gazette.PageRange `json:"paragraph_pages,omitempty"`
	// Why says, for each of doc_number, authorities and signed_date
	// left null, why it is.
	Why map[string]string `json:"why_null,omitempty"`
}

// PageReport tells which path produced a page's text, how sure it is, and
// what post-correction changed in what that path read.
type PageReport struct {
	Number      int               `json:"number"`
	Extractor   page.Extractor    `json:"extractor"`
	Confidence  float64           `json:"confidence"`
	Note        string            `json:"note,omitempty"`
	Corrections []page.Correction `json:"corrections,omitempty"`
}

// Publishable turns a result into the issue and documents the archive
// publishes. defaultGazette names the gazette when the cover does not; now
// decides the validity of documents whose text dates it (有效期, 自…起施行).
// It fails with gazette.ErrInvalid naming what is missing.
func (r *Result) Publishable(pdf gazette.PrintPDF, defaultGazette string, now time.Time) (gazette.Issue, []gazette.Document, error) {
	if len(r.Review) > 0 {
		return gazette.Issue{}, nil, fmt.Errorf("ingest: needs review: %s: %w", strings.Join(r.Review, "; "), gazette.ErrInvalid)
	}
	key := gazette.IssueKey{Year: r.Issue.Year, Number: r.Issue.Number, Supplement: r.Issue.Supplement}
	if key.Year == 0 && key.Number == 0 && r.Issue.Reason != "" {
		return gazette.Issue{}, nil, fmt.Errorf("ingest: %s: name the issue it belongs to (gazette ingest --issue YEAR-NUMBER): %w", r.Issue.Reason, gazette.ErrInvalid)
	}
	name := r.Issue.Gazette
	if name == "" {
		name = defaultGazette
	}
	issue := gazette.Issue{Gazette: name, IssueKey: key, TotalNumber: r.Issue.TotalNumber, PDF: pdf}
	if !r.Issue.Date.IsZero() {
		issue.Published = r.Issue.Date.Time(gazette.ChinaTime)
	}
	docs := make([]gazette.Document, len(r.Documents))
	day := ValidityDay(r.Issue.Date, now)
	for i, d := range r.Documents {
		docs[i] = d.Domain(day, r.Pages)
		docs[i].ID, docs[i].Issue, docs[i].Published, docs[i].Version = gazette.DocumentID(key, i+1), key, r.Issue.Date, 1
		issue.Contents = append(issue.Contents, gazette.Entry{
			ID: docs[i].ID, Title: d.Title, DocNumber: d.DocNumber, Kind: d.Kind, Section: d.Section, Pages: docs[i].Pages,
		})
	}
	if err := issue.Validate(); err != nil {
		return gazette.Issue{}, nil, fmt.Errorf("ingest: %w", err)
	}
	for i := range docs {
		if err := docs[i].Validate(); err != nil {
			return gazette.Issue{}, nil, fmt.Errorf("ingest: document %d: %w", i+1, err)
		}
	}
	return issue, docs, nil
}

// Attach makes one issue of files that are single documents (agency
// originals, see IssueMeta.Reason), in the order given: the issue key,
// date and gazette name come from the caller, each file's documents and
// pages follow the previous file's, page numbers counted through, as in
// the print PDF made by joining the files in the same order. What any
// file needs reviewed is kept, prefixed with the file's position.
func Attach(key gazette.IssueKey, date gazette.Date, name string, results []*Result) *Result {
	out := &Result{
		Issue:     IssueMeta{Gazette: name, Year: key.Year, Number: key.Number, Supplement: key.Supplement, Date: date},
		Documents: []Document{},
		Review:    []string{},
	}
	offset := 0
	for i, r := range results {
		for _, rv := range r.Review {
			out.Review = append(out.Review, fmt.Sprintf("第%d个文件：%s", i+1, rv))
		}
		for _, d := range r.Documents {
			d.PageStart += offset
			d.PageEnd += offset
			d.ParagraphPages = slices.Clone(d.ParagraphPages)
			for i := range d.ParagraphPages {
				d.ParagraphPages[i].First += offset
				d.ParagraphPages[i].Last += offset
			}
			out.Documents = append(out.Documents, d)
		}
		for _, p := range r.Pages {
			p.Number += offset
			out.Pages = append(out.Pages, p)
		}
		offset += len(r.Pages)
	}
	return out
}

func paragraphs(text string) []string {
	var out []string
	for p := range strings.SplitSeq(text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ValidityDay is the day a result's documents are judged on (see
// gazette.StatusOn): the issue's date or today, whichever is later. A
// historical issue loaded now is judged as of today; an issue dated ahead,
// as of the day it appears.
func ValidityDay(issueDate gazette.Date, now time.Time) gazette.Date {
	today := gazette.DateOf(now.In(gazette.ChinaTime))
	if issueDate.Compare(today) > 0 {
		return issueDate
	}
	return today
}

// Domain is the document as the archive keeps it, its validity what its
// own dates say on day; the caller sets its ID, issue, publication date
// and version.
func (d Document) Domain(day gazette.Date, pages []PageReport) gazette.Document {
	return gazette.Document{
		Title: d.Title, Kind: d.Kind, DocNumber: d.DocNumber, Section: d.Section,
		Authorities: slices.Clone(d.Authorities),
		Signed:      d.Signed, Effective: d.Effective, Expires: d.Expires,
		Validity:     gazette.StatusOn(d.Effective, d.Expires, day),
		Registration: d.Registration, CopyNumber: d.CopyNumber, Secrecy: d.Secrecy, Urgency: d.Urgency,
		Signers: slices.Clone(d.Signers), Recipients: slices.Clone(d.Recipients), Signatory: d.Signatory,
		Attachments: slices.Clone(d.Attachments), Note: d.Note, CC: slices.Clone(d.CC),
		PrintedBy: d.PrintedBy, PrintDate: d.PrintDate,
		Body:    paragraphs(d.Text),
		Pages:   gazette.PageRange{First: d.PageStart, Last: d.PageEnd},
		Sources: sources(pages, d.PageStart, d.PageEnd),
	}
}

// sources says how the text of pages first to last was read, from the
// pages' reports; pages the reports do not cover are left out.
func sources(pages []PageReport, first, last int) []gazette.TextSource {
	var out []gazette.TextSource
	for _, p := range pages {
		if p.Number < first || p.Number > last {
			continue
		}
		if s, ok := p.Source(); ok {
			out = append(out, s)
		} // else not read at all: the page needs review, and says so
	}
	return out
}

// Source says how the page's text was read, as the archive records it;
// ok is false when no path read it.
func (p PageReport) Source() (s gazette.TextSource, ok bool) {
	s.Page = p.Number
	switch p.Extractor {
	case page.Text:
		s.Method = gazette.TextLayer
	case page.Poppler:
		s.Method = gazette.Poppler
	case page.OCR:
		s.Method, s.Confidence = gazette.OCR, min(1, max(0, p.Confidence))
	default:
		return gazette.TextSource{Page: p.Number}, false
	}
	return s, true
}

// nullable is nil for a zero value, so JSON says null for "absent".
func nullable[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// MarshalJSON writes absent values as null.
func (m IssueMeta) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Gazette     *string      `json:"gazette"`
		Year        *int         `json:"year"`
		Number      *int         `json:"number"`
		Supplement  bool         `json:"supplement,omitempty"`
		TotalNumber *int         `json:"total_number"`
		Date        gazette.Date `json:"date"`
		Reason      string       `json:"reason,omitempty"`
	}{nullable(m.Gazette), nullable(m.Year), nullable(m.Number), m.Supplement, nullable(m.TotalNumber), m.Date, m.Reason})
}

// MarshalJSON writes a missing 文号 and the fields an original did not
// print as null.
func (d Document) MarshalJSON() ([]byte, error) {
	type plain Document // without this method
	return json.Marshal(struct {
		plain
		DocNumber    *string `json:"doc_number"`
		Registration *string `json:"registration_number"`
		CopyNumber   *string `json:"copy_number"`
		Secrecy      *string `json:"secrecy"`
		Urgency      *string `json:"urgency"`
		Signatory    *string `json:"signatory"`
		Note         *string `json:"note"`
		PrintedBy    *string `json:"printed_by"`
	}{plain(d), nullable(d.DocNumber), nullable(d.Registration), nullable(d.CopyNumber), nullable(d.Secrecy), nullable(d.Urgency),
		nullable(d.Signatory), nullable(d.Note), nullable(d.PrintedBy)})
}
