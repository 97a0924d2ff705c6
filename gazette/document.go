package gazette

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Status is a document's validity with what caused it.
type Status struct {
	State Validity `json:"state"`
	// Since is the date the state took effect; zero when unknown.
	Since Date `json:"since"`
	// ChangedBy is the ID of the document that amended, repealed or
	// otherwise changed this one, where there is one.
	ChangedBy string `json:"changed_by,omitempty"`
}

// StatusOn is what a document's own dates say of it on day: expired from
// its expiry date, not yet in force before its effective date, else in
// force. A document without dates, or a zero day, is taken as in force;
// editors correct that where its text says more.
func StatusOn(effective, expires, day Date) Status {
	switch {
	case day.IsZero():
	case !expires.IsZero() && expires.Compare(day) <= 0:
		return Status{State: Expired, Since: expires}
	case !effective.IsZero() && effective.Compare(day) > 0:
		return Status{State: NotYetInForce}
	}
	return Status{State: InForce, Since: effective}
}

// Document is one document printed in an issue: a rule, a normative
// document, a notice, an appointment...
type Document struct {
	// ID is stable and human-readable: the issue key and the 1-based
	// position in print order, e.g. "2019-12-3".
	ID    string   `json:"id"`
	Issue IssueKey `json:"issue"`
	Title string   `json:"title"`
	Kind  Kind     `json:"kind"`
	// DocNumber is the canonical 发文字号 (闽政〔2019〕14号); empty when the
	// document has none, as appointments often do.
	DocNumber   string   `json:"doc_number,omitempty"`
	Authorities []string `json:"authorities"`
	Signed      Date     `json:"signed_date"`
	Published   Date     `json:"published_date"`
	Effective   Date     `json:"effective_date"`
	Expires     Date     `json:"expiry_date"`
	Validity    Status   `json:"validity"`
	IndexNumber string   `json:"index_number,omitempty"` // 索引号
	Topic       string   `json:"topic,omitempty"`        // 主题分类
	Section     string   `json:"section,omitempty"`      // the banner it is printed under, e.g. 省政府文件
	// What an agency's original (GB/T 9704-2012) prints around its text;
	// empty where it prints none, as a gazette's reprint of the 主体 does.
	Registration string    `json:"registration_number,omitempty"` // 规范性文件统一登记号, e.g. HFGS—2016—3
	CopyNumber   string    `json:"copy_number,omitempty"`         // 份号, e.g. 000123
	Secrecy      string    `json:"secrecy,omitempty"`             // 密级和保密期限, e.g. 机密★5年
	Urgency      string    `json:"urgency,omitempty"`             // 紧急程度: 特急, 加急
	Signers      []string  `json:"signers,omitempty"`             // 签发人
	Recipients   []string  `json:"recipients,omitempty"`          // 主送机关
	Signatory    string    `json:"signatory,omitempty"`           // a 令's signature: 省长　张三
	Attachments  []string  `json:"attachments,omitempty"`         // titles of its 附件, in order
	Note         string    `json:"note,omitempty"`                // 附注, e.g. （此件公开发布）
	CC           []string  `json:"cc,omitempty"`                  // 抄送机关
	PrintedBy    string    `json:"printed_by,omitempty"`          // 印发机关
	PrintDate    Date      `json:"print_date"`                    // 印发日期
	Body         []string  `json:"body"`                          // paragraphs
	Pages        PageRange `json:"pages"`
	// Sources says, page by page, how the text was obtained: from the
	// PDF's text layer, by OCR of a scan (with its confidence), or read
	// against the original by a person. Empty for documents typed in.
	Sources []TextSource `json:"sources,omitempty"`
	// Version is 1 for the text as printed; each correction (勘误) adds one.
	Version int `json:"version"`
}

// Permalink is the document's path in the reader; it never changes.
func (d *Document) Permalink() string { return "/documents/" + d.ID }

// Entry is the document's line in its issue's table of contents.
func (d *Document) Entry() Entry {
	return Entry{ID: d.ID, Title: d.Title, DocNumber: d.DocNumber, Kind: d.Kind, Section: d.Section, Pages: d.Pages}
}

// DocumentID is the ID of the document at position seq (1-based, print order)
// in the issue key.
func DocumentID(key IssueKey, seq int) string {
	return key.String() + "-" + strconv.Itoa(seq)
}

var documentIDRE = regexp.MustCompile(`^([0-9]{4}-s?[0-9]{1,3})-([0-9]{1,4})$`)

// ParseDocumentID splits a document ID into its issue key and position.
// The error wraps ErrInvalid.
func ParseDocumentID(id string) (IssueKey, int, error) {
	m := documentIDRE.FindStringSubmatch(id)
	if m == nil {
		return IssueKey{}, 0, fmt.Errorf("document ID %q: want YEAR-NUMBER-POSITION: %w", id, ErrInvalid)
	}
	key, err := ParseIssueKey(m[1])
	if err != nil {
		return IssueKey{}, 0, fmt.Errorf("document ID %q: %w", id, err)
	}
	seq, _ := strconv.Atoi(m[2])
	if seq < 1 {
		return IssueKey{}, 0, fmt.Errorf("document ID %q: position must be at least 1: %w", id, ErrInvalid)
	}
	return key, seq, nil
}

// Limits on document fields, far above anything printed, so that hostile
// input cannot bloat records.
const (
	MaxTitleRunes     = 500
	MaxAuthorities    = 50
	MaxNamed          = 500 // recipients or cc of one document
	MaxParagraphs     = 100_000
	MaxBodyBytes      = 16 << 20
	maxShortFieldRune = 200
)

// Validate checks every field of the document and returns a ValidationError
// naming each broken rule, or nil.
func (d *Document) Validate() error {
	p := newProblems()
	key, _, err := ParseDocumentID(d.ID)
	switch {
	case err != nil:
		p.add("id", "编号有误", "%v", err)
	case key != d.Issue:
		p.add("id", "编号与所在期号不符", "%q does not belong to issue %s", d.ID, d.Issue)
	}
	checkTitle(p, d.Title)
	checkKind(p, d.Kind)
	checkDocNumberField(p, d.DocNumber)
	checkNames(p, "authorities", "发文机关", d.Authorities, MaxAuthorities)
	checkNames(p, "signers", "签发人", d.Signers, MaxAuthorities)
	checkNames(p, "recipients", "主送机关", d.Recipients, MaxNamed)
	checkNames(p, "cc", "抄送机关", d.CC, MaxNamed)
	checkNames(p, "attachments", "附件", d.Attachments, MaxNamed)
	for _, f := range []struct{ field, s string }{
		{"registration_number", d.Registration}, {"copy_number", d.CopyNumber}, {"secrecy", d.Secrecy}, {"urgency", d.Urgency},
		{"signatory", d.Signatory}, {"note", d.Note}, {"printed_by", d.PrintedBy},
	} {
		checkShort(p, f.field, f.s)
	}
	dates := []struct {
		field string
		d     Date
	}{{"signed_date", d.Signed}, {"published_date", d.Published}, {"effective_date", d.Effective}, {"expiry_date", d.Expires}, {"print_date", d.PrintDate}}
	for _, x := range dates {
		if !x.d.IsZero() && (x.d.Year < MinYear || x.d.Year > MaxYear) {
			p.add(x.field, fmt.Sprintf("年份%d不在%d—%d之间", x.d.Year, MinYear, MaxYear), "year %d outside %d–%d", x.d.Year, MinYear, MaxYear)
		}
	}
	if !d.Signed.IsZero() && !d.Published.IsZero() && d.Published.Compare(d.Signed) < 0 {
		p.add("published_date", fmt.Sprintf("%s早于成文日期%s", d.Published, d.Signed), "%s is before the signed date %s", d.Published, d.Signed)
	}
	if !d.Signed.IsZero() && !d.PrintDate.IsZero() && d.PrintDate.Compare(d.Signed) < 0 {
		p.add("print_date", fmt.Sprintf("%s早于成文日期%s", d.PrintDate, d.Signed), "%s is before the signed date %s", d.PrintDate, d.Signed)
	}
	if !d.Expires.IsZero() {
		if start := d.Effective; !start.IsZero() && d.Expires.Compare(start) <= 0 {
			p.add("expiry_date", fmt.Sprintf("%s不晚于施行日期%s", d.Expires, start), "%s is not after the effective date %s", d.Expires, start)
		}
	}
	vp := p.under("validity.")
	if !d.Validity.State.Valid() {
		vp.add("state", "不是可选的时效状态", "%q is not one of %v", d.Validity.State, Validities)
	}
	switch d.Validity.State {
	case Amended, Repealed:
		if d.Validity.ChangedBy == "" {
			vp.add("changed_by", d.Validity.State.Label()+"的文件须注明引起变更的文件", "a document %s must link the document that changed it", d.Validity.State.Label())
		}
	}
	if c := d.Validity.ChangedBy; c != "" {
		if _, _, err := ParseDocumentID(c); err != nil {
			vp.add("changed_by", "不是已发布文件的编号", "%v", err)
		} else if c == d.ID {
			vp.add("changed_by", "文件不能变更自身", "a document cannot change itself")
		}
	}
	if utf8.RuneCountInString(d.IndexNumber) > maxShortFieldRune {
		p.add("index_number", fmt.Sprintf("超过%d个字", maxShortFieldRune), "longer than %d characters", maxShortFieldRune)
	}
	if utf8.RuneCountInString(d.Topic) > maxShortFieldRune {
		p.add("topic", fmt.Sprintf("超过%d个字", maxShortFieldRune), "longer than %d characters", maxShortFieldRune)
	}
	if utf8.RuneCountInString(d.Section) > maxShortFieldRune {
		p.add("section", fmt.Sprintf("超过%d个字", maxShortFieldRune), "longer than %d characters", maxShortFieldRune)
	}
	checkSources(p, d.Sources, d.Pages)
	if len(d.Body) > MaxParagraphs {
		p.add("body", fmt.Sprintf("超过%d段", MaxParagraphs), "more than %d paragraphs", MaxParagraphs)
	}
	size := 0
	for _, para := range d.Body {
		size += len(para)
		if !utf8.ValidString(para) {
			p.add("body", "含有无法识别的字符", "not valid UTF-8")
			break
		}
	}
	if size > MaxBodyBytes {
		p.add("body", fmt.Sprintf("正文过长（%d字节，上限%d）", size, MaxBodyBytes), "%d bytes, more than %d", size, MaxBodyBytes)
	}
	checkPages(p, d.Pages, 0)
	if d.Version < 1 {
		p.add("version", "版本号应从1开始", "%d: versions start at 1", d.Version)
	}
	return p.err()
}

// checkNames checks a list of names (authorities, signers, recipients):
// at most limit, none empty, padded, over-long or listed twice.
func checkNames(p problems, field, label string, names []string, limit int) {
	if len(names) > limit {
		p.add(field, fmt.Sprintf("%s不能超过%d个", label, limit), "more than %d", limit)
	}
	seen := map[string]bool{}
	for i, a := range names {
		switch {
		case strings.TrimSpace(a) != a || a == "":
			p.add(fmt.Sprintf("%s[%d]", field, i), "为空或前后有空格", "empty or padded with spaces: %q", a)
		case utf8.RuneCountInString(a) > maxShortFieldRune:
			p.add(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("超过%d个字", maxShortFieldRune), "longer than %d characters", maxShortFieldRune)
		case !utf8.ValidString(a):
			p.add(fmt.Sprintf("%s[%d]", field, i), "含有无法识别的字符", "not valid UTF-8")
		case seen[a]:
			p.add(fmt.Sprintf("%s[%d]", field, i), "“"+a+"”重复", "%q listed twice", a)
		}
		seen[a] = true
	}
}

// checkShort checks a one-line field: no spaces around it, no line break,
// not over-long.
func checkShort(p problems, field, s string) {
	switch {
	case strings.TrimSpace(s) != s:
		p.add(field, "前后有空格", "padded with spaces: %q", s)
	case strings.ContainsAny(s, "\r\n"):
		p.add(field, "不能分行", "contains a line break")
	case utf8.RuneCountInString(s) > maxShortFieldRune:
		p.add(field, fmt.Sprintf("超过%d个字", maxShortFieldRune), "longer than %d characters", maxShortFieldRune)
	case !utf8.ValidString(s):
		p.add(field, "含有无法识别的字符", "not valid UTF-8")
	}
}

func checkTitle(p problems, title string) {
	switch n := utf8.RuneCountInString(title); {
	case strings.TrimSpace(title) == "":
		p.add("title", "未填写", "missing")
	case n > MaxTitleRunes:
		p.add("title", fmt.Sprintf("%d个字，超过上限%d", n, MaxTitleRunes), "%d characters, more than %d", n, MaxTitleRunes)
	case !utf8.ValidString(title):
		p.add("title", "含有无法识别的字符", "not valid UTF-8")
	}
}

func checkDocNumberField(p problems, s string) {
	if s == "" {
		return
	}
	n, err := ParseDocNumber(s)
	switch {
	case err != nil:
		p.add("doc_number", "不是有效的文号（应如 闽政〔2019〕14号）", "%v", err)
	case n.String() != s:
		p.add("doc_number", "应写作 "+n.String(), "%q is not in canonical form %q", s, n.String())
	}
}
