package typeset

import (
	"strings"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/page"
)

// Truth is what a perfect reader of the generated PDF would recover. It is
// JSON-serialisable.
type Truth struct {
	Seed     uint64   `json:"seed"`
	Encoding Encoding `json:"encoding"`
	// Form is what was typeset: a gazette issue, or one agency's original
	// (GB/T 9704-2012), whose issue fields below are then empty and whose
	// one document is Documents[0].
	Form Form `json:"form"`
	// Scan is how the pages were degraded, for the Scan encoding.
	Scan *ScanStyle `json:"scan,omitempty"`
	// Gazette is the publication's name as on the cover: 福建省人民政府公报.
	Gazette string `json:"gazette"`
	// Publisher is the issuing office (主办) printed on the cover.
	Publisher   string       `json:"publisher"`
	Year        int          `json:"year"`
	Number      int          `json:"number"`       // 年第N期
	TotalNumber int          `json:"total_number"` // 总第N期
	Date        gazette.Date `json:"date"`
	// PageStyle names the page-number style printed at the foot: "dash"
	// (— 5 —), "hyphen" (-5-), "plain" (5).
	PageStyle string `json:"page_style"`
	// FrontMatter says how cover and contents are numbered: "none"
	// (unnumbered, body from 1), "roman" (contents i, ii; body from 1) or
	// "continuous" (printed numbers continue the year's running count).
	FrontMatter string        `json:"front_matter"`
	Contents    []ContentLine `json:"contents"`
	Documents   []Document    `json:"documents"`
	Pages       []Page        `json:"pages"`
	// Notes says what was left out and why (a scan without pdftoppm, ...).
	Notes []string `json:"notes,omitempty"`
}

// ContentLine is one entry of the 目录: a section banner or a document.
type ContentLine struct {
	Banner bool   `json:"banner,omitempty"` // a section banner such as 【省政府文件】
	Text   string `json:"text"`             // banner, or the entry's title as listed
	// Document is the 0-based index into Truth.Documents; -1 for banners.
	Document int `json:"document"`
	// Page is the printed page number listed; FilePage the 1-based page of
	// the PDF file it points to.
	Page     int `json:"page,omitempty"`
	FilePage int `json:"file_page,omitempty"`
}

// Document is the truth about one document of the issue.
type Document struct {
	Seq     int    `json:"seq"`     // 1-based, print order
	Section string `json:"section"` // banner without brackets: 省政府文件
	Title   string `json:"title"`
	// DocNumberPrinted is the 文号 exactly as printed (spelling included);
	// DocNumber its canonical form (gazette.NormalizeDocNumber). Both are
	// empty for documents without one.
	DocNumberPrinted string       `json:"doc_number_printed"`
	DocNumber        string       `json:"doc_number"`
	Kind             gazette.Kind `json:"kind"`
	Authorities      []string     `json:"authorities"`
	Signed           gazette.Date `json:"signed_date"`
	Effective        gazette.Date `json:"effective_date"`
	Expires          gazette.Date `json:"expiry_date"`
	// FilePages is the range of 1-based file pages; PrintedPages the same
	// pages by their printed numbers.
	FilePages    gazette.PageRange `json:"file_pages"`
	PrintedPages gazette.PageRange `json:"printed_pages"`
	// Heading holds the lines printed above the text: the 令 heading, the
	// title (as wrapped) and the 文号 line.
	Heading []string `json:"heading"`
	// Paragraphs is the body as printed after the heading: text, signature
	// lines, date, 抄送/印发 lines, one entry per paragraph, unwrapped.
	Paragraphs []string `json:"paragraphs"`

	// The fields below are those of an agency's original (GB/T 9704-2012):
	// set for FormOriginal, and where a gazette issue prints them (抄送,
	// 印发). Heading then holds the whole 版头 (the marks, the 发文机关标志
	// lines, the 文号 and 签发人 lines) and the title lines; Paragraphs every
	// later line (正文, 附件说明, signatures, date, 附注, attachments, 版记).

	// Registration is the 规范性文件 registration number (统一登记号)
	// printed above the heading: HFGS—2016—3, GZ0320150155.
	Registration string `json:"registration,omitempty"`
	// CopyNumber (份号), Secrecy (密级和保密期限) and Urgency (紧急程度)
	// are the marks at the top left of the first page.
	CopyNumber string `json:"copy_number,omitempty"`
	Secrecy    string `json:"secrecy,omitempty"`
	Urgency    string `json:"urgency,omitempty"`
	// Masthead is the red 发文机关标志 as printed, one entry per line
	// (joint issuers stacked), with its 文件 suffix or its 令.
	Masthead []string `json:"masthead,omitempty"`
	// Signers are the 签发人 of a report to a higher body (上行文).
	Signers []string `json:"signers,omitempty"`
	// Recipients are the 主送机关, as listed before the colon.
	Recipients []string `json:"recipients,omitempty"`
	// Signatory is the signature of a decree (令): 省长　张三.
	Signatory string `json:"signatory,omitempty"`
	// Seals names the bodies whose red seals are printed over the
	// signature, in order.
	Seals []string `json:"seals,omitempty"`
	// Note is the 附注, e.g. （此件公开发布）.
	Note string `json:"note,omitempty"`
	// Attachments are the titles of the attachments (附件1…n), which are
	// part of the document; AttachmentPages their first file pages.
	Attachments     []string `json:"attachments,omitempty"`
	AttachmentPages []int    `json:"attachment_pages,omitempty"`
	// CC is the 抄送 list of the 版记; PrintedBy and PrintedOn its 印发机关
	// and 印发日期.
	CC        []string     `json:"cc,omitempty"`
	PrintedBy string       `json:"printed_by,omitempty"`
	PrintedOn gazette.Date `json:"printed_on,omitzero"`
}

// Text is the document's body: its paragraphs joined by newlines.
func (d Document) Text() string { return strings.Join(d.Paragraphs, "\n") }

// Role is what a printed line is.
type Role string

// The roles of printed lines.
const (
	RoleCover       Role = "cover"
	RoleRunningHead Role = "running_head"
	RolePageNumber  Role = "page_number"
	RoleContents    Role = "contents" // the 目录 heading and its entries
	RoleBanner      Role = "banner"
	RoleHeading     Role = "heading" // 令 heading lines
	RoleTitle       Role = "title"
	RoleDocNumber   Role = "doc_number"
	RoleBody        Role = "body"
	RoleSignature   Role = "signature" // authority and date lines, right-aligned
	RoleCC          Role = "cc"        // 抄送, 印发 lines
	// RoleMark is a mark above an original's heading: 份号, 密级,
	// 紧急程度, the registration number.
	RoleMark Role = "mark"
	// RoleSigner is the 签发人 line beside a report's 文号.
	RoleSigner Role = "signer"
	// RoleAttachment is the 附件N label at the top of an attachment.
	RoleAttachment Role = "attachment"
)

// Line is one printed line with its role.
type Line struct {
	page.Line
	Role Role `json:"role"`
	// Doc is the 0-based document the line belongs to, -1 for none.
	Doc int `json:"doc"`
}

// Page is the truth about one page of the file.
type Page struct {
	Index   int     `json:"index"`   // 1-based page of the file
	Kind    string  `json:"kind"`    // cover, contents, body, attachment
	Printed string  `json:"printed"` // the page number as printed ("" none): 5, ii
	Width   float64 `json:"width"`
	Height  float64 `json:"height"`
	Lines   []Line  `json:"lines"`
	// Text is the page's text as extraction should give it: every line but
	// running heads and page numbers, in reading order, joined by newlines.
	Text string `json:"text"`
	// Rotate is the page's /Rotate (scans only): the image is stored
	// turned so that the page shows upright when it is honoured.
	Rotate int `json:"rotate,omitempty"`
	// Seals are the red seals drawn over the page's text (not in Lines:
	// they are drawings, not text).
	Seals []Seal `json:"seals,omitempty"`
}

// Seal is a red seal on a page: a circle with a star and the body's name
// around its upper rim, printed over the signature and date.
type Seal struct {
	Text string `json:"text"`
	// X, Y are the centre (points from the top left, as Line), R the
	// radius.
	X float64 `json:"x"`
	Y float64 `json:"y"`
	R float64 `json:"r"`
}

// Furniture reports whether a line is a running head or page number,
// which extraction removes.
func (l Line) Furniture() bool { return l.Role == RoleRunningHead || l.Role == RolePageNumber }

// bodyText joins every line but running heads and page numbers.
func (p Page) bodyText() string {
	var b strings.Builder
	for _, l := range p.Lines {
		if l.Furniture() {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text)
	}
	return b.String()
}

// AllText is every printed line of the page, furniture included, joined by
// newlines: what a text extractor that keeps everything should give.
func (p Page) AllText() string {
	var b strings.Builder
	for i, l := range p.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text)
	}
	return b.String()
}
