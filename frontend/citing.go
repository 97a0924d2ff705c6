package frontend

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// Citing a document (issue 20): its citation in the form GB/T 7714-2015
// gives an item of a serial read online, shown on its page (a selectable
// box that works without JavaScript; cite.js only adds a copy button) and
// answered by the API, and its export for reference managers as RIS and as
// CSL-JSON. ?article=N pins one article (第N条): the citation names it and
// its URL is the article's anchor, /documents/ID#art-N.
//
// The GB/T 7714-2015 form (4.4, 连续出版物中的析出文献, with 8.8 for the
// online carrier):
//
//	主要责任者．题名：其他题名信息［J/OL］．连续出版物题名，年（期）：页码［引用日期］．获取和访问路径．
//
// The issuing authorities are the 主要责任者 (at most three, then “等”);
// the 文号 and the article are 其他题名信息, as the standard treats a
// standard's or a patent's number; the gazette has no volumes, so the
// year is followed by the issue in parentheses (增刊 for a supplement).
// The separators are the standard's (section 7: ．，：［］（）-), written
// full width as its Chinese examples print them; the dates in brackets are
// the standard's YYYY-MM-DD (GB/T 7408), not Chinese numerals.

// citation is what a citation of a document says.
type citation struct {
	ID, Title, DocNumber string
	Kind                 gazette.Kind
	Authorities          []string
	Gazette              string
	Issue                gazette.IssueKey
	Pages                gazette.PageRange
	// Issued is the document's date: published, else signed, else the
	// day of its issue.
	Issued gazette.Date
	// Article is the article cited (第N条); 0 for the whole document.
	Article int
	// URL is the absolute permalink, with #art-N for an article.
	URL      string
	Accessed gazette.Date
}

// maxArticle bounds ?article=: the longest code (民法典) has 1,260.
const maxArticle = 9999

// newCitation is the citation of d, printed in is, with its absolute
// permalink; article 0 cites the whole document.
func newCitation(d *gazette.Document, is *gazette.Issue, permalink string, article int, accessed gazette.Date) *citation {
	c := &citation{
		ID: d.ID, Title: clean(d.Title), DocNumber: clean(d.DocNumber), Kind: d.Kind, Authorities: cleanAll(d.Authorities),
		Gazette: clean(is.Gazette), Issue: is.IssueKey, Pages: d.Pages, Issued: d.Published, Article: article,
		URL: permalink, Accessed: accessed,
	}
	if c.Issued.IsZero() {
		c.Issued = d.Signed
	}
	if c.Issued.IsZero() {
		c.Issued = gazette.DateOf(is.Published.In(gazette.ChinaTime))
	}
	if article > 0 {
		c.URL += "#art-" + strconv.Itoa(article)
	}
	return c
}

// provision is the article cited as printed, 第十三条; "" for none.
func (c *citation) provision() string {
	if c.Article == 0 {
		return ""
	}
	return "第" + gazette.ChineseNumber(c.Article) + "条"
}

// pageRange is the pages with the standard's hyphen: 3-5, or 3.
func (c *citation) pageRange() string {
	if c.Pages.Last <= c.Pages.First {
		return strconv.Itoa(c.Pages.First)
	}
	return strconv.Itoa(c.Pages.First) + "-" + strconv.Itoa(c.Pages.Last)
}

// regulation reports whether the document is a rule or normative document
// (a regulation of an administrative body), rather than a notice, decision,
// announcement or appointment.
func (c *citation) regulation() bool {
	return c.Kind == gazette.KindRule || c.Kind == gazette.KindNormative
}

// GBT7714 is the citation in the GB/T 7714-2015 form.
func (c *citation) GBT7714() string {
	var b strings.Builder
	if n := len(c.Authorities); n > 0 {
		b.WriteString(strings.Join(c.Authorities[:min(n, 3)], "，"))
		if n > 3 {
			b.WriteString("，等")
		}
		b.WriteString("．")
	}
	b.WriteString(c.Title)
	if c.DocNumber != "" {
		b.WriteString("：" + c.DocNumber)
	}
	if p := c.provision(); p != "" {
		b.WriteString("：" + p)
	}
	fmt.Fprintf(&b, "［J/OL］．%s，%d（%s）：%s［%s］．%s．", c.Gazette, c.Issue.Year, issueNumber(c.Issue), c.pageRange(), c.Accessed, c.URL)
	return b.String()
}

// risType is the RIS reference type: LEGAL (“Legal Rule or Regulation”)
// for a rule or normative document, GOVDOC (“Government Document”) for the
// rest.
func (c *citation) risType() string {
	if c.regulation() {
		return "LEGAL"
	}
	return "GOVDOC"
}

// risDate is a date as RIS writes it: 2019/04/28.
func risDate(d gazette.Date) string {
	return fmt.Sprintf("%04d/%02d/%02d", d.Year, int(d.Month), d.Day)
}

// RIS is the citation as one RIS record (the 2011 RIS specification):
// tags of two characters, two spaces, a hyphen and a space, CRLF line
// ends, TY first and ER last, each tag as the specification defines it
// for the record's type. UTF-8.
func (c *citation) RIS() []byte {
	var b bytes.Buffer
	tag := func(t, v string) {
		if v = oneLine(v); v != "" {
			b.WriteString(t + "  - " + v + "\r\n")
		}
	}
	legal := c.risType() == "LEGAL"
	tag("TY", c.risType())
	tag("TI", c.Title)
	for _, a := range c.Authorities {
		if legal {
			tag("A2", a) // Issuing Organization
		} else {
			tag("AU", a)
		}
	}
	tag("SN", c.DocNumber) // LEGAL: Document Number; GOVDOC: Report Number
	if legal {
		tag("PB", c.Gazette)         // Publisher
		tag("DA", risDate(c.Issued)) // Date (of this edition)
		tag("SE", c.provision())     // Section Number
	} else {
		tag("T3", c.Gazette)                        // Series Title
		tag("M1", c.Issue.Label())                  // Issue
		tag("C1", strings.Join(c.Authorities, "、")) // Government Body
		tag("SE", c.provision())                    // Section
	}
	tag("PY", strconv.Itoa(c.Issue.Year))
	tag("SP", c.pageRange())
	tag("KW", c.Kind.Label())
	tag("LA", "zh-CN")
	tag("UR", c.URL)
	tag("Y2", risDate(c.Accessed)) // Access Date
	tag("N1", c.GBT7714())
	b.WriteString("ER  - \r\n")
	return b.Bytes()
}

// oneLine folds line breaks (which would end a RIS tag) into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
}

// cslName is a name in CSL-JSON: an institution is a literal.
type cslName struct {
	Literal string `json:"literal"`
}

// cslDate is a date in CSL-JSON.
type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

func newCSLDate(d gazette.Date) cslDate {
	return cslDate{DateParts: [][]int{{d.Year, int(d.Month), d.Day}}}
}

// cslItem is a citation as a CSL-JSON item (the CSL 1.0.2 input schema,
// csl-data.json): type regulation for a rule or normative document,
// document for the rest; authority the issuing authorities; number the
// 文号; container-title the gazette; section the article cited.
type cslItem struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	Title          string    `json:"title"`
	Author         []cslName `json:"author,omitempty"`
	Authority      string    `json:"authority,omitempty"`
	Number         string    `json:"number,omitempty"`
	Genre          string    `json:"genre,omitempty"`
	ContainerTitle string    `json:"container-title"`
	Issue          string    `json:"issue"`
	Page           string    `json:"page"`
	Section        string    `json:"section,omitempty"`
	Issued         cslDate   `json:"issued"`
	Accessed       cslDate   `json:"accessed"`
	URL            string    `json:"URL"`
	Language       string    `json:"language"`
	Note           string    `json:"note"`
}

// CSL is the citation as a CSL-JSON item.
func (c *citation) CSL() cslItem {
	it := cslItem{
		ID: c.ID, Type: "document", Title: c.Title, Authority: strings.Join(c.Authorities, "、"), Number: c.DocNumber,
		Genre: c.Kind.Label(), ContainerTitle: c.Gazette, Issue: issueNumber(c.Issue), Page: c.pageRange(), Section: c.provision(),
		Issued: newCSLDate(c.Issued), Accessed: newCSLDate(c.Accessed), URL: c.URL, Language: "zh-CN",
		Note: c.Issue.Label() + "，第" + c.Pages.String() + "页",
	}
	if c.regulation() {
		it.Type = "regulation"
	}
	for _, a := range c.Authorities {
		it.Author = append(it.Author, cslName{Literal: a})
	}
	return it
}

// hasArticle reports whether body holds article n as the page anchors it
// (gazette.Headings: art-N), so that a citation's #art-N always lands.
func hasArticle(body []string, n int) bool {
	want := gazette.ArticleAnchor(gazette.Article, 0, n, 0)
	return slices.ContainsFunc(gazette.Headings(body), func(h gazette.Heading) bool { return h.Anchor == want })
}

// articleParam reads the one parameter a citation takes, ?article=N
// (1–999); any other parameter is refused, not ignored.
func articleParam(c *gin.Context) (int, error) {
	vals, err := requestQuery(c)
	if err != nil {
		return 0, err
	}
	for name := range vals {
		if name != "article" {
			return 0, badQuery{name, "not a parameter of a citation: it takes article=N only", "不是引用的参数：引用只接受 article=N（第N条）"}
		}
	}
	if v, ok := vals["article"]; ok && len(v) == 1 && strings.TrimSpace(v[0]) == "" {
		return 0, badQuery{"article", "empty: give the article's number, e.g. article=13", "为空：请给出条文序号，如 article=13"}
	}
	n, err := intParam(vals, "article")
	if err != nil {
		return 0, err
	}
	if n > maxArticle {
		return 0, badRequest(fmt.Sprintf("article %d: want 1–%d", n, maxArticle))
	}
	return n, nil
}

// citationOf reads the citation of the published document id (its current
// version), pinned to an article when article > 0: a document without
// that article is a 404 saying so.
func (s *Server) citationOf(ctx context.Context, id string, article int) (*citation, error) {
	d, _, is, err := s.cfg.Archive.DocumentPage(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	s.sawIssue(is)
	if article > 0 && !hasArticle(d.Body, article) {
		return nil, notFoundDetail(fmt.Sprintf("document %s has no article %d (第%s条)", id, article, gazette.ChineseNumber(article)))
	}
	return newCitation(d, is, s.abs(d.Permalink()), article, today()), nil
}

// citeRequest reads the document and article of a citation request.
func (s *Server) citeRequest(c *gin.Context) (*citation, bool) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	article, err := articleParam(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	cit, err := s.citationOf(c.Request.Context(), id, article)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return cit, true
}

// Media types of the exports.
const (
	risType     = "application/x-research-info-systems; charset=utf-8"
	cslJSONType = "application/vnd.citationstyles.csl+json"
)

// citeFilename is the name an export is saved under: 2019-12-3.ris, or
// 2019-12-3-art13.ris for an article.
func citeFilename(c *citation, ext string) string {
	name := c.ID
	if c.Article > 0 {
		name += "-art" + strconv.Itoa(c.Article)
	}
	return name + ext
}

// citeRIS answers GET /documents/{id}/citation.ris (and the same in the
// API): the citation as a RIS record, to save and import.
func (s *Server) citeRIS(c *gin.Context) {
	cit, ok := s.citeRequest(c)
	if !ok {
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+citeFilename(cit, ".ris")+`"`)
	s.writePage(c, newPage(risType, cit.RIS()), ccDocument)
}

// citeCSL answers GET /documents/{id}/citation.json (and the same in the
// API): the citation as CSL-JSON, an array of one item.
func (s *Server) citeCSL(c *gin.Context) {
	cit, ok := s.citeRequest(c)
	if !ok {
		return
	}
	s.writeData(c, cslJSONType, []cslItem{cit.CSL()}, citeFilename(cit, ".json"))
}

// citeText answers GET /documents/{id}/citation.txt: the GB/T 7714
// citation as plain text, what the page's form for citing one article
// leads to without JavaScript.
func (s *Server) citeText(c *gin.Context) {
	cit, ok := s.citeRequest(c)
	if !ok {
		return
	}
	s.writePage(c, newPage("text/plain; charset=utf-8", []byte(cit.GBT7714()+"\n")), ccDocument)
}

// apiCitationAnswer is GET /api/v1/documents/{id}/citation.
type apiCitationAnswer struct {
	ID        string  `json:"id"`
	Article   int     `json:"article,omitempty"`
	Provision string  `json:"provision,omitempty"`
	URL       string  `json:"url"`
	Accessed  string  `json:"accessed"`
	GBT7714   string  `json:"gbt7714"`
	RISURL    string  `json:"ris_url"`
	CSLURL    string  `json:"csl_json_url"`
	CSL       cslItem `json:"csl"`
}

// apiCitation answers the citation of a document in every form.
func (s *Server) apiCitation(c *gin.Context) {
	cit, ok := s.citeRequest(c)
	if !ok {
		return
	}
	q := ""
	if cit.Article > 0 {
		q = "?article=" + strconv.Itoa(cit.Article)
	}
	base := s.abs("/api/v1/documents/" + cit.ID + "/citation")
	s.writeData(c, "application/json; charset=utf-8", apiCitationAnswer{
		ID: cit.ID, Article: cit.Article, Provision: cit.provision(), URL: cit.URL, Accessed: cit.Accessed.String(),
		GBT7714: cit.GBT7714(), RISURL: base + ".ris" + q, CSLURL: base + ".json" + q, CSL: cit.CSL(),
	}, "")
}

// writeData encodes v as JSON of media type ctype and sends it, kept by
// caches as a document's current version is; a filename makes it a
// download.
func (s *Server) writeData(c *gin.Context, ctype string, v any, filename string) {
	body, err := json.Marshal(v)
	if err != nil {
		s.fail(c, fmt.Errorf("frontend: encode citation: %w", err))
		return
	}
	if filename != "" {
		c.Header("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	s.writePage(c, newPage(ctype, append(body, '\n')), ccDocument)
}

// citeBox is the citation box of a document's page.
type citeBox struct {
	Text, RIS, CSL, TXT, Feed string
	Accessed                  string
}

// citeBoxOf is the citation box of the page of d, printed in is.
func (s *Server) citeBoxOf(d *gazette.Document, is *gazette.Issue) *citeBox {
	cit := newCitation(d, is, s.abs(d.Permalink()), 0, today())
	p := "/documents/" + d.ID + "/citation"
	return &citeBox{Text: cit.GBT7714(), RIS: p + ".ris", CSL: p + ".json", TXT: p + ".txt", Feed: documentFeedPath(d.ID), Accessed: cit.Accessed.String()}
}
