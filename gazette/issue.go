package gazette

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

// IssueKey identifies an issue within one gazette: its year and its number in
// that year (年第N期), or its supplement number (增刊第N期).
type IssueKey struct {
	Year       int  `json:"year"`
	Number     int  `json:"number"`
	Supplement bool `json:"supplement,omitempty"`
}

// String is the key's stable, URL-safe form: "2019-12", or "2019-s1" for the
// first supplement of 2019. It is the prefix of every document ID.
func (k IssueKey) String() string {
	if k.Supplement {
		return fmt.Sprintf("%d-s%d", k.Year, k.Number)
	}
	return fmt.Sprintf("%d-%d", k.Year, k.Number)
}

// Label is the key as printed: 2019年第12期, or 2019年增刊第1期.
func (k IssueKey) Label() string {
	if k.Supplement {
		return fmt.Sprintf("%d年增刊第%d期", k.Year, k.Number)
	}
	return fmt.Sprintf("%d年第%d期", k.Year, k.Number)
}

// Less orders keys by year, then regular issues before supplements, then number.
func (k IssueKey) Less(o IssueKey) bool {
	if k.Year != o.Year {
		return k.Year < o.Year
	}
	if k.Supplement != o.Supplement {
		return !k.Supplement
	}
	return k.Number < o.Number
}

var issueKeyRE = regexp.MustCompile(`^([0-9]{4})-(s?)([0-9]{1,3})$`)

// ParseIssueKey parses the String form of an IssueKey. The error wraps ErrInvalid.
func ParseIssueKey(s string) (IssueKey, error) {
	m := issueKeyRE.FindStringSubmatch(s)
	if m == nil {
		return IssueKey{}, fmt.Errorf("issue key %q: want YEAR-NUMBER or YEAR-sNUMBER: %w", s, ErrInvalid)
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[3])
	k := IssueKey{Year: y, Number: n, Supplement: m[2] == "s"}
	if err := k.check(); err != nil {
		return IssueKey{}, fmt.Errorf("issue key %q: %v: %w", s, err, ErrInvalid)
	}
	return k, nil
}

// Bounds of plausible years and numbers; a gazette issues at most a few
// hundred numbers a year (weekly gazettes reach 52, some dailies more).
const (
	MinYear   = 1949
	MaxYear   = 2200
	MaxNumber = 999
)

func (k IssueKey) check() error {
	if k.Year < MinYear || k.Year > MaxYear {
		return fmt.Errorf("year %d outside %d–%d", k.Year, MinYear, MaxYear)
	}
	if k.Number < 1 || k.Number > MaxNumber {
		return fmt.Errorf("number %d outside 1–%d", k.Number, MaxNumber)
	}
	return nil
}

// PrintPDF describes the print edition of an issue, stored by its SHA-256.
type PrintPDF struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Pages  int    `json:"pages"`
}

// PageRange is an inclusive range of 1-based page numbers in an issue's PDF.
type PageRange struct {
	First int `json:"first"`
	Last  int `json:"last"`
}

// String is the range as cited: "5" or "5–9".
func (r PageRange) String() string {
	if r.First == r.Last {
		return strconv.Itoa(r.First)
	}
	return fmt.Sprintf("%d–%d", r.First, r.Last)
}

// Entry is one line of an issue's table of contents (目录).
type Entry struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	DocNumber string    `json:"doc_number,omitempty"`
	Kind      Kind      `json:"kind"`
	Section   string    `json:"section,omitempty"`
	Pages     PageRange `json:"pages"`
}

// Issue is one issue (期) of a gazette: its identity, its print PDF and its
// table of contents in print order.
type Issue struct {
	Gazette string `json:"gazette"`
	IssueKey
	// TotalNumber is the running number (总第N期); 0 when unknown.
	TotalNumber int `json:"total_number,omitempty"`
	// Published is the moment the issue is released, with the print edition.
	Published time.Time `json:"published"`
	PDF       PrintPDF  `json:"pdf"`
	Contents  []Entry   `json:"contents"`
}

// Key returns the issue's key.
func (is *Issue) Key() IssueKey { return is.IssueKey }

// Validate checks every field of the issue and returns a ValidationError
// naming each broken rule, or nil.
func (is *Issue) Validate() error {
	p := newProblems()
	if is.Gazette == "" {
		p.add("gazette", "未填写", "missing")
	} else if utf8.RuneCountInString(is.Gazette) > 100 {
		p.add("gazette", "超过100个字", "longer than 100 characters")
	}
	if is.Year < MinYear || is.Year > MaxYear {
		p.add("year", fmt.Sprintf("%d不在%d—%d之间", is.Year, MinYear, MaxYear), "%d is outside %d–%d", is.Year, MinYear, MaxYear)
	}
	if is.Number < 1 || is.Number > MaxNumber {
		p.add("number", fmt.Sprintf("%d不在1—%d之间", is.Number, MaxNumber), "%d is outside 1–%d", is.Number, MaxNumber)
	}
	if is.TotalNumber < 0 || (is.TotalNumber > 0 && !is.Supplement && is.TotalNumber < is.Number) {
		p.add("total_number", fmt.Sprintf("%d小于本年期号%d", is.TotalNumber, is.Number), "%d is smaller than the number in the year (%d)", is.TotalNumber, is.Number)
	}
	if is.Published.IsZero() {
		p.add("published", "未填写", "missing")
	} else if y := is.Published.Year(); y < is.Year-1 || y > is.Year+1 {
		p.add("published", fmt.Sprintf("%s与本期年份%d不符", is.Published.Format(time.DateOnly), is.Year), "%s is not in or next to the issue's year %d", is.Published.Format(time.DateOnly), is.Year)
	}
	if !isSHA256Hex(is.PDF.SHA256) {
		p.add("pdf.sha256", "尚未上传印刷版 PDF", "want 64 lower-case hex digits, got %q", is.PDF.SHA256)
	}
	if is.PDF.Size <= 0 {
		p.add("pdf.size", "尚未上传印刷版 PDF", "must be positive")
	}
	if is.PDF.Pages < 1 {
		p.add("pdf.pages", "印刷版 PDF 没有页面", "must be at least 1")
	}
	if len(is.Contents) == 0 {
		p.add("contents", "一期至少要有一篇文件", "an issue holds at least one document")
	}
	seen := map[string]bool{}
	prevFirst := 0
	for i, e := range is.Contents {
		ep := p.under(fmt.Sprintf("contents[%d].", i))
		if want := DocumentID(is.IssueKey, i+1); e.ID != want {
			ep.add("id", "编号与期号和顺序不符", "%q, want %q (issue key and position in print order)", e.ID, want)
		}
		if seen[e.ID] {
			ep.add("id", "编号重复", "%q appears twice", e.ID)
		}
		seen[e.ID] = true
		checkTitle(ep, e.Title)
		checkKind(ep, e.Kind)
		checkDocNumberField(ep, e.DocNumber)
		checkPages(ep, e.Pages, is.PDF.Pages)
		if e.Pages.First < prevFirst {
			ep.add("pages", fmt.Sprintf("起页%d早于上一篇（第%d页），请按印刷顺序排列", e.Pages.First, prevFirst), "starts on page %d, before the previous document (page %d): contents must be in print order", e.Pages.First, prevFirst)
		}
		prevFirst = e.Pages.First
	}
	return p.err()
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func checkPages(p problems, r PageRange, pdfPages int) {
	switch {
	case r.First < 1:
		p.add("pages", "起页应不小于1", "first page %d: pages start at 1", r.First)
	case r.Last < r.First:
		p.add("pages", fmt.Sprintf("止页%d小于起页%d", r.Last, r.First), "last page %d before first page %d", r.Last, r.First)
	case pdfPages > 0 && r.Last > pdfPages:
		p.add("pages", fmt.Sprintf("止页%d超出 PDF 的%d页", r.Last, pdfPages), "last page %d beyond the PDF's %d pages", r.Last, pdfPages)
	}
}
