package meta

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/layout"
	"github.com/gazette-archive/gazette/ingest/page"
)

// Issue is what the cover says of an issue.
type Issue struct {
	Year        int          `json:"year"`
	Number      int          `json:"number"`
	TotalNumber int          `json:"total_number,omitempty"`
	Date        gazette.Date `json:"date"`
}

// ErrNoIssue is returned (wrapped) when a cover names no issue.
var ErrNoIssue = errors.New("no issue number or date on the cover")

const num = `([0-9]{1,4}|[〇○零一二三四五六七八九十百]{1,6})`

var (
	reYearNumber = regexp.MustCompile(`([0-9]{4}|[〇○零一二三四五六七八九]{4})\s*年\s*第\s*` + num + `\s*[期号號]`)
	reTotal      = regexp.MustCompile(`[总總]\s*第\s*` + num + `\s*[期号號]`)
	reNumber     = regexp.MustCompile(`(^|[^总總\p{Han}]|[^总總])第\s*` + num + `\s*期`)
)

// ParseIssue reads the issue's year, number, total number and date from the
// text of its cover (or first pages). Missing parts stay zero; an error
// wrapping ErrNoIssue says nothing was found.
func ParseIssue(cover string) (Issue, error) {
	var is Issue
	text := foldWidth(cover)
	if m := reYearNumber.FindStringSubmatch(text); m != nil {
		is.Year, _ = smallNumber(m[1])
		is.Number, _ = smallNumber(m[2])
	}
	if m := reTotal.FindStringSubmatch(text); m != nil {
		is.TotalNumber, _ = smallNumber(m[1])
	}
	if is.Number == 0 {
		for _, m := range reNumber.FindAllStringSubmatch(text, -1) {
			if n, ok := smallNumber(m[2]); ok && n > 0 {
				is.Number = n
				break
			}
		}
	}
	if ds := FindDates(cover); len(ds) > 0 {
		is.Date = ds[0].Date
		if is.Year == 0 {
			is.Year = is.Date.Year
		}
	}
	if is.Number == 0 && is.Date.IsZero() {
		return is, fmt.Errorf("meta: cover %.40q: %w", cover, ErrNoIssue)
	}
	return is, nil
}

// IssueFromPages reads the issue from the first pages of an issue.
func IssueFromPages(pages []layout.Page) (Issue, error) {
	var b strings.Builder
	for i, p := range pages {
		if i >= 2 {
			break
		}
		for _, l := range p.Lines {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
	}
	return ParseIssue(b.String())
}

func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r == '\u3000' {
			return ' '
		}
		return r
	}, s)
}

// Document is the metadata of one document.
type Document struct {
	Title string `json:"title"`
	// DocNumber is the 文号 in gazette's canonical form, or as printed
	// where gazette does not read it; DocNumberRaw is as printed.
	DocNumber    string       `json:"doc_number"`
	DocNumberRaw string       `json:"doc_number_raw,omitempty"`
	Kind         gazette.Kind `json:"kind"`
	Authorities  []string     `json:"authorities"`
	Signed       gazette.Date `json:"signed_date"`
	Effective    gazette.Date `json:"effective_date"`
	Expires      gazette.Date `json:"expires"`
	// What an original prints around its text (see Original); empty for
	// a gazette's reprint, which prints none of it.
	Registration string       `json:"registration_number,omitempty"`
	CopyNumber   string       `json:"copy_number,omitempty"` // 份号
	Secrecy      string       `json:"secrecy,omitempty"`     // 密级和保密期限
	Urgency      string       `json:"urgency,omitempty"`     // 紧急程度
	Signers      []string     `json:"signers,omitempty"`
	Recipients   []string     `json:"recipients,omitempty"`
	Signatory    string       `json:"signatory,omitempty"` // a 令's signature: 省长　张三
	Attachments  []string     `json:"attachments,omitempty"`
	Note         string       `json:"note,omitempty"` // 附注
	CC           []string     `json:"cc,omitempty"`
	PrintedBy    string       `json:"printed_by,omitempty"`
	PrintDate    gazette.Date `json:"print_date"`
}

// headLimit is how many paragraphs at the top hold the heading, 文号 and
// date of a document.
const headLimit = 6

var (
	reKindSuffix     = regexp.MustCompile(`(` + strings.Join(kindSuffixes, "|") + `)$`)
	reOrderNo        = regexp.MustCompile(`^[(（]?第\s*([0-9]{1,6}|[〇零一二三四五六七八九十百]{1,6})\s*[号號][)）]?$`)
	reLabelled       = regexp.MustCompile(`^(?:主\s*旨|事\s*由|标\s*题|標\s*題)\s*[:：]\s*`)
	rePromulgateVerb = regexp.MustCompile(`^[^。]{0,80}?(?:公布|发布|發布|施行)`)
	// rePerson is a signature of a person: the office, and the name after
	// the space between them, which a scan may read as a stray mark
	// (省长”王利立), as it may the space before the office (”省长”秦俊芳).
	rePerson = regexp.MustCompile(`^[“”"'‘’·・]?((?:代理)?(?:省长|省長|市长|市長|主席|区长|區長|州长|县长|縣長|部长|部長|局长|局長|主任委员|主任委員|委员长|委員長|署长|署長|院长|院長|总经理|總經理|主任|厅长|廳長|处长|處長))\s*[“”"'‘’·・]?\s*(\p{Han}{2,4})$`)
)

// kindSuffixes are the kinds a bare heading ends in (福建省人民政府令, 經濟部公告).
var kindSuffixes = []string{"令", "公告", "通告", "書函", "书函", "函", "公示送達", "公示送达", "通知", "通報", "通报", "決定", "决定", "批復", "批复"}

// hasKindSuffix is reKindSuffix.MatchString, without the pattern's cost of
// trying every position.
func hasKindSuffix(s string) bool {
	for _, w := range kindSuffixes {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// Extract reads a document's metadata from its paragraphs. contentsTitle
// is the document's title in the issue's table of contents, or "": it is
// used where the page prints only an authority and a kind (經濟部公告) or no
// heading at all.
func Extract(contentsTitle string, paras []layout.Paragraph) Document {
	title := contentsTitle
	var d Document
	if len(paras) == 0 {
		d.Title = title
		d.Kind = gazette.KindOther
		return d
	}
	// An original's 版头 and 版记 are read apart: the title is looked for
	// under the 版头, the signature above the 版记.
	o := Masthead(paras)
	Record(paras, &o)
	if o.MastheadEnd >= len(paras) {
		o.MastheadEnd = 0
	}
	all := paras
	paras = paras[o.MastheadEnd:]
	bodyEnd := max(0, o.RecordStart-o.MastheadEnd)
	top := newHeadLines(paras)
	head, headEnd := heading(paras, top)
	head = strayTail(strayLead(head))
	order := strings.HasSuffix(page.Squeeze(head), "令")
	// 文号: the 版头's, else the number line near the top, else the 令
	// heading's number.
	if o.HasNumber {
		d.DocNumberRaw, d.DocNumber = o.DocNumber.Raw, o.DocNumber.Canonical
	}
	for i := 0; i < len(paras) && i < headLimit && d.DocNumberRaw == ""; i++ {
		l := top.at(i)
		t := l.squeezed
		if l.number {
			n := l.numbers[0]
			d.DocNumberRaw, d.DocNumber = n.Raw, n.Canonical
			break
		}
		if order && l.orderNo {
			raw := page.Squeeze(head) + t
			d.DocNumberRaw = raw
			if n, err := gazette.ParseDocNumber(strings.Trim(raw, "()（）")); err == nil {
				d.DocNumber = n.String()
			}
			break
		}
	}
	if d.DocNumber == "" {
		d.DocNumber = d.DocNumberRaw
	}
	bare := bareHeading(head)
	promulgates := false
	if headEnd < len(paras) {
		_, promulgates = Promulgated(promulgation(headEnd, paras))
	}
	switch {
	case bare && title != "" && !(order && promulgates):
		// The page prints only authority and kind (經濟部公告): the
		// issue's contents carry the document's real title.
		d.Title = title
	default:
		d.Title = documentTitle(head, headEnd, paras)
	}
	if d.Title == "" {
		d.Title = title
	}
	// A title never ends in a full stop: one there is a speck or the
	// line's end a scan read as one. Nothing is lost: it is punctuation,
	// and the text keeps the line as read.
	d.Title = strings.TrimRightFunc(d.Title, func(r rune) bool { return r == '。' || r == '．' || unicode.IsSpace(r) })
	d.Title = issuerGaps(innerStops(d.Title))
	if title != "" && d.Title != title && !endsAsTitle(d.Title) {
		// The page's heading stops short where the contents' title goes
		// on: the heading was cut (its rest set as text), the contents'
		// is whole.
		if h, c := letters(d.Title), letters(title); len(h) < len(c) && hasRunePrefix(c, h) {
			d.Title = title
		}
	}
	var topDate gazette.Date
	for i := 0; i < len(paras) && i < headLimit; i++ {
		if l := top.at(i); l.date {
			topDate = l.dates[0].Date
			break
		}
	}
	body := paras[min(headEnd, len(paras)):max(min(headEnd, len(paras)), bodyEnd)]
	auth, signed, signedAt := signatureAt(body)
	if bare {
		// A heading naming its authority (福建省人民政府令, 經濟部公告)
		// outranks a signature block, which may belong to an attachment.
		auth = headingAuthority(head, d.Title)
		if !topDate.IsZero() {
			signed = topDate
		}
	}
	if signed.IsZero() && len(o.Issuers) > 0 {
		signed, signedAt = issuerDate(body, o.Issuers)
	}
	if signed.IsZero() && o.MastheadEnd > 0 {
		signed, signedAt = loneDate(body)
	}
	d.Signed = signed
	if d.Signed.IsZero() {
		d.Signed = topDate
	}
	switch {
	case len(o.Issuers) > 0:
		// The 发文机关标志 names every issuer, in order, where seals
		// often stand for the signatures.
		d.Authorities = agree(o.Issuers, headingAuthority(head, d.Title), auth, officeOf(o.PrintedBy))
		d.Title = titleAgrees(d.Title, headingAuthority(head, d.Title), d.Authorities)
	default:
		d.Authorities = auth
		// A signature under a seal whose place was read as no place's
		// name (将全客人民政府), or lost its front (江省人民政府), is the
		// issuer the title names, the rest of the name alike (苍梧省人民
		// 政府关于…, 澜江省人民政府关于…).
		if h := headingAuthority(head, d.Title); len(auth) == 1 && len(h) == 1 &&
			(placeMisread(auth[0], h[0]) && !placeEnd(auth[0]) && placeEnd(h[0]) || lostFront(auth[0], h[0])) {
			d.Authorities = h
		}
	}
	if len(d.Authorities) == 0 {
		d.Authorities = headingAuthority(head, d.Title)
	}
	if len(d.Authorities) == 0 && o.unreadMark != "" {
		// Nothing else names the issuer: the mark misread, settled by
		// the 版记's printer.
		if a := markByPrinter(o.unreadMark, o.PrintedBy); a != "" {
			d.Authorities = []string{a}
		}
	}
	// A place's name the title's type misread where the text prints it
	// right (see textSpelling), and the 版记's office as its body was
	// settled.
	var prose strings.Builder
	for _, p := range body {
		// Sentences of the text, not its headings, nor a signature
		// under a seal.
		if !p.Heading && p.Align != layout.AlignCentre && p.Align != layout.AlignRight && strings.ContainsAny(p.Text, "，。；") {
			prose.WriteString(page.Squeeze(p.Text))
		}
	}
	if read, printed := textSpelling(page.Squeeze(d.Title), prose.String(), d.Authorities); read != "" {
		d.Title = strings.ReplaceAll(d.Title, read, printed)
		for k, a := range d.Authorities {
			d.Authorities[k] = strings.ReplaceAll(a, read, printed)
		}
		o.PrintedBy = strings.ReplaceAll(o.PrintedBy, read, printed)
	}
	if read, printed := personSpelling(d.Title, prose.String()); read != "" {
		d.Title = strings.Replace(d.Title, read, printed, 1)
	}
	o.PrintedBy = officeAgrees(o.PrintedBy, d.Authorities)
	// The name of the document a title issues as the body prints it.
	if read, printed := quotedSpelling(d.Title, body); read != "" {
		d.Title = strings.Replace(d.Title, read, printed, 1)
	}
	text := layout.Text(all)
	d.Effective, _ = Effective(text, d.Signed)
	from := d.Effective
	if from.IsZero() {
		from = d.Signed
	}
	d.Expires, _ = Expiry(text, from)
	d.Kind = KindOf(d.Title, d.DocNumber, order)

	d.Registration, d.Signers = o.Registration, o.Signers
	d.CopyNumber, d.Secrecy, d.Urgency = o.Copy, o.Secrecy, o.Urgency
	if signedAt > 0 {
		d.Signatory = signatory(body[max(0, signedAt-4):signedAt])
	}
	d.Attachments = Attachments(body)
	d.CC, d.PrintedBy, d.PrintDate = o.CC, o.PrintedBy, o.PrintDate
	// The 主送 may wrap over lines that layout did not join (a scan).
	addressed, misread := "", "" // misread: the addressees before a mark a scan read for the colon
	for k := headEnd; k < len(paras) && k < headEnd+3 && !strings.ContainsAny(addressed, "：:。"); k++ {
		addressed = layout.JoinLines(addressed, paras[k].Text)
		if t := page.Squeeze(addressed); salutation(t) {
			_, w := utf8.DecodeLastRuneInString(t)
			misread = t[:len(t)-w] + "："
			if k == headEnd && !strings.ContainsAny(t[len(t)-w:], "，,") {
				break // ending in the semicolon read for the colon: the salutation whole
			}
		}
	}
	if misread != "" && !strings.ContainsAny(addressed, "：:") {
		// No colon came (a comma read for it, the text run on after): the
		// longest run of addressees before the mark.
		addressed = misread
	}
	d.Recipients = Recipients(addressed)
	if d.Recipients == nil {
		// The colon lost and the text run on after the addressees, on
		// the 主送's line or the next: the addressees up to where the
		// text opens.
		run := ""
		for k := headEnd; k < len(paras) && k < headEnd+5 && !strings.ContainsAny(run, "。：:"); k++ {
			run = layout.JoinLines(run, paras[k].Text)
		}
		if t := page.Squeeze(run); !strings.ContainsAny(t, "：:") {
			if k := lostColon(t, salutation); k > 0 {
				d.Recipients = Recipients(t[:k] + "：")
			}
		}
	}
	if d.Recipients == nil && headEnd+1 < len(paras) {
		// A scan lost the colon at the end of a 主送 of its own
		// (…，省直各部门): a first paragraph of addressees only, the
		// text after it.
		if t := page.Squeeze(paras[headEnd].Text); t != "" && salutation(t+"：") {
			d.Recipients = Recipients(t + "：")
		}
	}
	if signedAt >= 0 {
		d.Note = Note(body[signedAt+1 : min(len(body), signedAt+4)])
		if d.Note == "" {
			// On a scan the 附注, set left, may come before the
			// signature set right, which layout read after it.
			d.Note = Note(body[max(0, signedAt-4):signedAt])
		}
	}
	if d.Note == "" {
		if at := attachmentStart(body); at > 0 {
			// No signature read (under its seal): the 附注 closes
			// the 主体, before the attachments.
			d.Note = Note(body[max(0, at-4):at])
		}
	}
	if d.Note == "" {
		d.Note = Note(body[max(0, len(body)-3):])
	}
	if d.Registration == "" {
		d.Registration = registrationIn(d.Note)
	}
	return d
}

// headLine is what Extract asks of a paragraph at the top of a document,
// worked out once: the same few paragraphs are asked about in turn for the
// heading, the 文号 and the date, and the patterns cost more than the rest.
type headLine struct {
	squeezed string
	numbers  []DocNumber // the numbers found, when number is set
	number   bool        // a 文号 line
	dates    []Date      // the dates found, when date is set
	date     bool        // a date line
	orderNo  bool        // a 令 number line (第208号)
}

// headLines holds the headLine of each paragraph at the top, made on demand.
type headLines struct {
	paras []layout.Paragraph
	lines [headLimit]*headLine
}

func newHeadLines(paras []layout.Paragraph) *headLines { return &headLines{paras: paras} }

// at returns paragraph i's headLine; i < headLimit.
func (h *headLines) at(i int) *headLine {
	if h.lines[i] == nil {
		t := page.Squeeze(h.paras[i].Text)
		l := &headLine{squeezed: t}
		if n, ok := orderNumber(t); ok {
			l.squeezed, l.orderNo = n, true
		}
		l.numbers, l.number = docNumberLine(t)
		l.dates, l.date = dateLine(t)
		h.lines[i] = l
	}
	return h.lines[i]
}

// orderNumber returns a 令's number line (第127号), squeezed, without the
// marks a scan read beside it from speckle (”第127号); ok is false for
// other lines.
func orderNumber(t string) (string, bool) {
	n := strings.TrimFunc(t, func(r rune) bool { return strings.ContainsRune(specks, r) })
	return n, reOrderNo.MatchString(n)
}

// specks are the marks OCR reads speckle as, beside a line: no 令 number
// begins or ends with one.
const specks = "“”\"'‘’`。，、；：.,;:·-‐–—_~～|｜"

// heading returns the heading at the top of a document (its heading
// paragraphs joined) and the index of the first paragraph after the title
// area.
func heading(paras []layout.Paragraph, top *headLines) (string, int) {
	h := ""
	first := 0
	if len(paras) > 1 && strayLine(top.at(0).squeezed) {
		first = 1 // speckle or the back of the sheet read above the title
	}
	i := first
	for ; i < len(paras) && i < first+3; i++ {
		l := top.at(i)
		if l.number || l.date || l.orderNo {
			break
		}
		if i > first && looseNumberLine(l.squeezed) {
			break // a 文号 line gazette cannot read (a scan's misread bracket)
		}
		if i > first && !paras[i].Heading && !(paras[i].Align == layout.AlignCentre) {
			break
		}
		if i > first && utf8.RuneCountInString(h) > 60 {
			break
		}
		if i > first && (strings.ContainsAny(l.squeezed, "：:") || salutation(l.squeezed) || addressees(h, l.squeezed)) {
			// A label (预算主管部门：…) under the title, or the 主送 line
			// (its colon read as a semicolon on a scan): never a line of it.
			break
		}
		h = layout.JoinLines(h, paras[i].Text)
	}
	// A title that stops short (…关于进一步加强城) goes on in the next
	// paragraph when layout did not take that for a heading line (a scan,
	// a page without positions) and it ends the title as titles end.
	if i > first && i < first+3 && i < len(paras) && !endsAsTitle(h) && titleRest(h, paras[i]) {
		h = layout.JoinLines(h, paras[i].Text)
		i++
	}
	// Skip the number and date lines under the heading.
	for ; i < len(paras) && i < headLimit; i++ {
		if l := top.at(i); !l.number && !l.date && !l.orderNo {
			break
		}
	}
	return h, i
}

// strayLine reports whether a line (squeezed) at the top of a scan's text
// is no line of its title: a few characters ending in a dash or a bar, as
// OCR reads speckle or the back of the sheet showing through.
func strayLine(t string) bool {
	r, _ := utf8.DecodeLastRuneInString(t)
	return t != "" && utf8.RuneCountInString(t) <= 5 && strings.ContainsRune("-—–_~|丨/\\", r)
}

// bareHeading reports whether a heading is only an authority and a kind
// (福建省人民政府令, 內政部令, 經濟部公告) with no subject of its own.
func bareHeading(h string) bool {
	h = page.Squeeze(h)
	return hasKindSuffix(h) && !strings.Contains(h, "关于") && !strings.Contains(h, "關於") &&
		utf8.RuneCountInString(h) <= 24
}

// strayTail drops a stroke a scan read after a heading from the edge of
// large type or a speck (岚州省人民政府令|): no title ends in one.
func strayTail(head string) string {
	return strings.TrimRightFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("|｜\\", r)
	})
}

// strayLead drops what a scan read before a heading from speckle: marks
// no title begins with (。，、；：, a dash or a stroke: -广东省…), and an
// opening quote that nothing in the heading closes (“关于… with no ”).
func strayLead(head string) string {
	t := strings.TrimLeftFunc(head, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("。，、；：.,;:·-‐–—_~～|｜'`", r)
	})
	for _, q := range []struct{ open, close string }{{"“", "”"}, {"\"", "\""}, {"‘", "’"}} {
		if rest, ok := strings.CutPrefix(t, q.open); ok && !strings.Contains(rest, q.close) {
			t = strings.TrimLeftFunc(rest, unicode.IsSpace)
		}
	}
	return t
}

// documentTitle builds the title: the heading itself, or for a bare heading
// the rule a 令 promulgates (《…》已经…通过，现予公布) or the heading and the
// subject under it (內政部令：修正「…」條文), as gazettes list them.
func documentTitle(head string, headEnd int, paras []layout.Paragraph) string {
	head = strings.TrimSpace(head)
	if !bareHeading(head) || headEnd >= len(paras) {
		return head
	}
	first := strings.TrimSpace(paras[headEnd].Text)
	if rule, ok := Promulgated(promulgation(headEnd, paras)); ok && strings.HasSuffix(page.Squeeze(head), "令") {
		return rule
	}
	subject := reLabelled.ReplaceAllString(page.Squeeze(first), "")
	if i := strings.Index(subject, "。"); i >= 0 {
		subject = subject[:i]
	}
	subject = strings.TrimRight(subject, "，,；; ")
	if subject == "" || utf8.RuneCountInString(subject) > 200 {
		return head
	}
	return page.Squeeze(head) + "：" + subject
}

// promulgation is the sentence that begins at paragraph at under a 令's
// heading: it may wrap over lines that layout did not join (a scan), so
// it reads on into the next two before giving up.
func promulgation(at int, paras []layout.Paragraph) string {
	sentence := strings.TrimSpace(paras[at].Text)
	for k := at + 1; k < len(paras) && k <= at+2 && !strings.Contains(sentence, "。"); k++ {
		sentence = layout.JoinLines(sentence, paras[k].Text)
	}
	return sentence
}

// Promulgated returns the rule a 令's text promulgates: the title quoted
// in 《…》已经…通过，现予公布，自…起施行, nested quotes included
// (《云南省实施〈中华人民共和国国防教育法〉办法》).
func Promulgated(text string) (string, bool) {
	for _, q := range Quoted(text) {
		if !strings.HasPrefix(text[q.Start:], "《") {
			continue
		}
		if n := utf8.RuneCountInString(q.Text); n < 2 || n > 120 {
			continue
		}
		if rePromulgateVerb.MatchString(text[q.End:]) {
			return strayClose(q.Text), true
		}
	}
	return "", false
}

// strayClose drops a closing bracket that ends s and closes nothing in it:
// a mark a scan read before the 》 (…办法）》), never part of a title.
func strayClose(s string) string {
	for _, pair := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(s, pair[1]) && strings.Count(s, pair[0]) < strings.Count(s, pair[1]) {
			return strings.TrimSuffix(s, pair[1])
		}
	}
	return s
}

// headingAuthority takes the authority from a bare heading (經濟部公告 →
// 經濟部) or from the words before 关于 in a title; joint authorities are
// separated by spaces there.
func headingAuthority(head, title string) []string {
	if bareHeading(head) {
		if a := reKindSuffix.ReplaceAllString(page.Squeeze(head), ""); a != "" {
			return []string{a}
		}
	}
	for _, w := range []string{"关于", "關於"} {
		if i := strings.Index(title, w); i > 0 {
			// An authority's name quotes nothing: 云南省实施《最高人民法院
			// 关于…》办法 names a rule, not its issuer.
			if strings.ContainsAny(title[:i], "《》〈〉「」“”") {
				return nil
			}
			return strings.Fields(title[:i])
		}
	}
	return nil
}

// Signature reads the signature block of a document body: the authority
// lines before the first date line that closes a block of short lines
// (several authorities for joint documents). A 令 signed by a person (省长
// 某某) yields no authority here: its heading names the government. Both
// are zero when no date closes a signature block.
func Signature(paras []layout.Paragraph) (authorities []string, signed gazette.Date) {
	authorities, signed, _ = signatureAt(paras)
	return authorities, signed
}

// issuerDate finds the 成文日期 of an original whose signature block
// layout could not place (a scan: lines set left, seals read as stray
// marks between the names): the first date line straight after a line
// that names one of the issuers its 版头 gives.
func issuerDate(paras []layout.Paragraph, issuers []string) (gazette.Date, int) {
	for i := 1; i < len(paras); i++ {
		if countable(paras[i].Text, maxDateLine) > maxDateLine {
			continue
		}
		dates, ok := dateLine(page.Squeeze(paras[i].Text))
		if !ok {
			continue
		}
		prev := string(letters(paras[i-1].Text))
		for _, is := range issuers {
			if n := string(letters(is)); n != "" && strings.Contains(prev, n) {
				return dates[0].Date, i
			}
		}
	}
	return gazette.Date{}, -1
}

// loneDate finds the 成文日期 of an original whose signature a scan read
// past knowing (1广市。环境F: under a seal): the first line after the text
// that is one date alone, set to the right as the 成文日期 is.
func loneDate(paras []layout.Paragraph) (gazette.Date, int) {
	for i := 1; i < len(paras); i++ {
		if paras[i].Align != layout.AlignRight || countable(paras[i].Text, maxDateLine) > maxDateLine {
			continue
		}
		if dates, ok := dateLine(page.Squeeze(paras[i].Text)); ok && len(dates) == 1 {
			return dates[0].Date, i
		}
	}
	return gazette.Date{}, -1
}

// indentedText reports whether an indented line (squeezed) is the text
// rather than a signature that layout took for indented (a signature set
// a little right of the text's indent, as some originals place it): a
// longer line, a heading of the text (一、总则), anything not named as
// authorities and people are.
func indentedText(s string) bool {
	return utf8.RuneCountInString(s) > 20 || strings.ContainsRune(s, '、') || !authorityLike(s) && !rePerson.MatchString(s)
}

// signatureAt is Signature, with the index of the date line (-1 for none).
func signatureAt(paras []layout.Paragraph) (authorities []string, signed gazette.Date, at int) {
	// Where positions are known a signature block is set to the right.
	placed := false
	for _, p := range paras {
		placed = placed || p.Align != layout.AlignLeft
	}
	for i, p := range paras {
		if i == 0 || countable(p.Text, maxDateLine) > maxDateLine {
			continue // not a date line, and squeezing a long paragraph is dear
		}
		t := page.Squeeze(p.Text)
		dates, ok := dateLine(t)
		if !ok {
			continue
		}
		var names []string
		person := false
		for k := i - 1; k >= 0 && k >= i-4; k-- {
			s := page.Squeeze(paras[k].Text)
			r, _ := utf8.DecodeLastRuneInString(s)
			if s == "" || utf8.RuneCountInString(s) > 30 || strings.ContainsRune("。；：，、！？", r) ||
				placed && (paras[k].Align == layout.AlignLeft || paras[k].Align == layout.AlignIndent && indentedText(s)) {
				break
			}
			if IsDateLine(s) || strings.ContainsAny(s, "0123456789") {
				break // an authority is never a date or a number
			}
			if strings.Contains(s, "施行") || strings.Contains(s, "之日起") {
				break // the text's last sentence, its full stop lost on a scan (本通知自印发之日起施行)
			}
			if rePerson.MatchString(s) {
				person = true
				continue
			}
			// Marks the seal over the name left in its reading (苍梧省人民
			// 政府“) are no part of it.
			// A character or two is the seal's ring or star read as text
			// (光), no body's name.
			if s = strings.TrimFunc(s, sealMark); utf8.RuneCountInString(s) >= 3 {
				names = append([]string{s}, names...)
			}
		}
		if len(names) == 0 && !person {
			continue
		}
		return names, dates[0].Date, i
	}
	return nil, gazette.Date{}, -1
}

// innerStops drops from a title the full stops between two Han
// characters: a title holds no sentence, and a speck where its lines
// wrap is read as one (…加强城。乡居民…).
func innerStops(title string) string {
	rs := []rune(title)
	out := rs[:0:0]
	for i, r := range rs {
		if (r == '。' || r == '．') && i > 0 && i+1 < len(rs) && unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// sealMark reports whether r is a mark a seal's ink over a signature is
// read as beside the name: a quote, a dash, a dot or a star.
func sealMark(r rune) bool {
	return strings.ContainsRune("“”\"'‘’-—–一·.．*★☆@", r)
}

var (
	reEffective = regexp.MustCompile(`自([^，。；自]{2,30}?)起?(?:施行|实施|實施|执行|執行|生效)`)
	reExpiryTo  = regexp.MustCompile(`有效期(?:限)?(?:至|到|截至)([^，。；]{6,20}?日)`)
	reExpiryFor = regexp.MustCompile(`有效期(?:限)?(?:为|為)?([0-9]{1,2}|[一二两兩三四五六七八九十]{1,3})\s*(年|个月|個月)`)
)

// Effective reads the effective date from the text: 自2019年5月1日起施行,
// or the signed date for 自公布之日起施行, 自印发之日起施行, 自即日起生效.
func Effective(text string, signed gazette.Date) (gazette.Date, bool) {
	for _, m := range reEffective.FindAllStringSubmatch(text, -1) {
		inner := m[1]
		if ds := FindDates(inner); len(ds) > 0 {
			return ds[0].Date, true
		}
		for _, w := range []string{"公布之日", "发布之日", "發布之日", "印发之日", "印發之日", "发文之日", "即日", "公布日", "发布日", "發布日", "下发之日"} {
			if strings.Contains(inner, w) && !signed.IsZero() {
				return signed, true
			}
		}
	}
	return gazette.Date{}, false
}

// Expiry reads the expiry from the text: 有效期至2024年12月31日, or 有效期5年
// (有效期为五年) counted from from, ending the day before the anniversary.
func Expiry(text string, from gazette.Date) (gazette.Date, bool) {
	if m := reExpiryTo.FindStringSubmatch(text); m != nil {
		if ds := FindDates(m[1]); len(ds) > 0 {
			return ds[0].Date, true
		}
	}
	if m := reExpiryFor.FindStringSubmatch(text); m != nil && !from.IsZero() {
		n, ok := smallNumber(strings.NewReplacer("两", "二", "兩", "二").Replace(m[1]))
		if !ok || n == 0 {
			return gazette.Date{}, false
		}
		t := from.Time(time.UTC)
		if m[2] == "年" {
			t = t.AddDate(n, 0, -1)
		} else {
			t = t.AddDate(0, n, -1)
		}
		return gazette.DateOf(t), true
	}
	return gazette.Date{}, false
}

// KindOf classifies a document by its title's last word, its 文号 and
// whether it is a 令:
//
//	令, or a 文号 of the order kind (…令第N号)            rule
//	任免, 任职, 免职, 聘任 in the title                     appointment
//	…印发/转发/发布…的通知                                  normative
//	意见, 办法, 规定, 细则, 规则, 方案, 条例, 要点, 标准       normative
//	通知, 通报, 函                                          notice
//	决定, 批复, 命令, 决议                                  decision
//	公告, 通告, 公示送达                                    announcement
//	anything else                                           other
func KindOf(title, docNumber string, order bool) gazette.Kind {
	t := reQualifier.ReplaceAllString(page.Squeeze(title), "")
	if n, err := gazette.ParseDocNumber(docNumber); order || err == nil && n.Kind == gazette.DocNumberOrder {
		return gazette.KindRule
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	ends := func(words ...string) bool {
		for _, w := range words {
			if strings.HasSuffix(t, w) {
				return true
			}
		}
		return false
	}
	// A bare heading with its subject (內政部令：修正…) is classed by the heading.
	if i := strings.IndexAny(t, "：:"); i > 0 {
		h := t[:i]
		switch {
		case strings.HasSuffix(h, "令"):
			return gazette.KindRule
		case ends2(h, "公告", "通告"):
			return gazette.KindAnnouncement
		case ends2(h, "函", "書函", "书函"):
			return gazette.KindNotice
		}
	}
	switch {
	case has("任免", "任职", "任職", "免职", "免職", "聘任"):
		return gazette.KindAppointment
	case ends("通知", "通報", "通报") && has("印发", "印發", "转发", "轉發", "发布", "發布"):
		return gazette.KindNormative
	case ends("意见", "意見", "办法", "辦法", "规定", "規定", "细则", "細則", "规则", "規則", "方案", "条例", "條例", "要点", "要點", "标准", "標準"):
		return gazette.KindNormative
	case ends("通知", "通報", "通报", "函"):
		return gazette.KindNotice
	case ends("决定", "決定", "批复", "批復", "命令", "决议", "決議"):
		return gazette.KindDecision
	case ends("公告", "通告", "公示送达", "公示送達"):
		return gazette.KindAnnouncement
	}
	return gazette.KindOther
}

func ends2(s string, words ...string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

var reQualifier = regexp.MustCompile(`[(（][^()（）]{1,12}[)）]$`)
