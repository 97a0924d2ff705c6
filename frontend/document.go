package frontend

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// pdfPage is a page of the print PDF and its URL.
type pdfPage struct {
	Page int
	URL  string
}

// documentView is a document as its page shows it.
type documentView struct {
	ID, Title, DocNumber, Kind string
	Authorities                []string
	Signed, Published          string
	Effective, Expires         string
	Validity                   gazette.Validity
	ValiditySince              string
	ChangedBy                  string
	ChangedByDoc               *relatedDoc // the document ChangedBy names, by title and 文号
	IndexNumber, Topic         string
	Section                    string
	// What the agency's original prints around the text (GB/T 9704):
	// registration number, 份号, 密级, 紧急程度, 签发人, 主送, the 令's
	// signatory, attachments, 附注, 抄送, 印发机关 and 印发日期.
	Registration, CopyNumber, Secrecy, Urgency string
	Signers, Recipients, CC, Attachments       []string
	Signatory, Note                            string
	PrintedBy, PrintDate                       string
	Body                                       []template.HTML
	Pages                                      string
	FirstPage                                  int
	Version                                    int
	Issue                                      *issueView
	Citation                                   string
	Permalink                                  string
	PDFAtPage                                  string
	// MachineRead lists the pages whose text OCR read from a scan and no
	// person proofread, each with the print PDF at that page.
	MachineRead []pdfPage
	Prev, Next  *entryView
	Highlighted bool
	// Superseded marks an earlier version; CurrentVersion is the latest.
	Superseded     bool
	CurrentVersion int
	Correction     *versionView // the latest correction, if any
	Versions       []versionView
	Timeline       []changeView
	// Caused are the changes of other documents' validity this one made:
	// what it amended, repealed or made invalid.
	Caused []effectView
	// RelatesTo are the other relations this document makes (依据, 解读,
	// 引用...), RelatedBy those others make to it (relations.go);
	// HasRelations says the archive keeps relations at all.
	RelatesTo, RelatedBy []linkView
	HasRelations         bool
	// MoreRelatedBy counts citing documents beyond those listed.
	MoreRelatedBy int
	// Degraded: relations or citations could not be worked out, and the
	// page shows the document without them.
	Degraded bool
	// Cite is the citation box: GB/T 7714, RIS, CSL-JSON (citing.go).
	Cite *citeBox
	// JSONLD is the document as schema.org Legislation (jsonld.go).
	JSONLD template.JS
	// needles are the words marked in the body (?hl=).
	needles []string
	// At is the day the page reads the document as of (?at=), nil for
	// today; Ended says since when and by what a document repealed or
	// expired then is no longer in force (pointintime.go).
	At    *atView
	Ended *endView
	// Paras are the paragraphs of Body with the anchors of its chapters,
	// sections and articles; Outline lists those headings.
	Paras   []paraView
	Outline []gazette.Heading
	// AsPrinted is the page of the text as the gazette printed it, where
	// the page shows another; Compare the comparison of the versions.
	AsPrinted, Compare string
	// Proof and Record are this version's inclusion proof in the
	// transparency log and the stored record it proves; "" without a log.
	Proof, Record string
}

func (s *Server) document(c *gin.Context) {
	id, err := parseDocumentID(c.Param("id"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	key, seq, _ := gazette.ParseDocumentID(id)
	if canon := gazette.DocumentID(key, seq); canon != id {
		c.Redirect(http.StatusMovedPermanently, "/documents/"+canon)
		return
	}
	version, err := versionParam(c.Query("v"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	at, err := atParam(c.Query("at"))
	if err != nil {
		s.failPage(c, err)
		return
	}
	if version > 0 && !at.IsZero() {
		s.failPage(c, badRequest("v and at: give a version or a day, not both"))
		return
	}
	var needles []string
	if hl := c.Query("hl"); hl != "" {
		qt, err := gazette.ParseQueryText(hl)
		if err != nil {
			s.failPage(c, badRequest("hl: "+strings.TrimPrefix(err.Error(), "search: ")))
			return
		}
		needles = qt.Needles()
		for _, n := range qt.DocNumbers {
			needles = append(needles, n.String())
		}
	}
	// The current version changes with a correction or a validity change,
	// so it is kept briefly (and dropped at once by Invalidate); an earlier
	// version never changes.
	pc, ck, cc := s.docs, "doc:"+id, ccDocument
	if version > 0 {
		pc, ck, cc = s.cache, "doc:"+id+"?v="+strconv.Itoa(version), ccPublished
	}
	if !at.IsZero() {
		ck = "doc:" + id + "?at=" + at.String() // changes with the history, as the current version does
	}
	if len(needles) == 0 && s.cached(c, pc, ck, cc) {
		return
	}
	ctx := c.Request.Context()
	d, h, is, err := s.documentAt(ctx, id, version, at)
	if s.notYet(c, err) {
		return
	}
	if err != nil {
		s.failPage(c, err)
		return
	}
	current := len(h.Versions)
	if version == current {
		c.Redirect(http.StatusFound, d.Permalink())
		return
	}
	s.sawIssue(is)
	dv := newDocumentView(d, is, needles)
	dv.history(h, d.Version, current)
	s.relations(ctx, dv, d, h)
	s.relate(ctx, dv, d, h)
	dv.Paras, dv.Outline = paragraphs(d.Body, dv.Body)
	dv.At = newAtView(at)
	if dv.At != nil {
		// The notice of the day says which version it is; a later
		// correction is in the list of versions.
		dv.Superseded, dv.Correction = false, nil
	}
	dv.endNotice()
	if current > 1 {
		dv.AsPrinted = "/documents/" + id + "?v=1"
		dv.Compare = compareHref(id, current-1, current)
		if d.Version < current {
			dv.Compare = compareHref(id, d.Version, current)
		}
	}
	dv.Permalink = s.abs(d.Permalink())
	if s.cfg.Transparency != nil {
		dv.Proof = fmt.Sprintf("/api/v1/documents/%s/proof?v=%d", id, d.Version)
		dv.Record = fmt.Sprintf("/api/v1/documents/%s/record?v=%d", id, d.Version)
	}
	dv.Cite = s.citeBoxOf(d, is)
	dv.JSONLD = s.legislationLD(d, is, h, dv)
	v := s.view(c, dv.Title, d.Permalink())
	v.Feeds = []feedLink{{"《" + dv.Title + "》的变更", dv.Cite.Feed}}
	v.OGType = "article"
	v.Description = dv.Citation
	if dv.DocNumber != "" {
		v.Description = dv.DocNumber + "，" + dv.Citation
	}
	v.Data = dv
	if len(needles) > 0 || version > 0 || !at.IsZero() {
		v.NoIndex = true // the canonical page is the current version
	}
	if len(needles) > 0 || dv.Degraded {
		v.Query = clean(c.Query("hl"))
		s.render(c, "document", v, nil, "", ccPrivate)
		return
	}
	s.render(c, "document", v, pc, ck, cc)
}

// versionParam parses ?v=, a document version; 0 when absent.
func versionParam(raw string) (int, error) {
	if raw == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < 1 || v > 100_000 {
		return 0, badRequest("v: want a version number, 1 or more")
	}
	return v, nil
}

// versionView is one version of a document in its list of versions.
type versionView struct {
	Number  int
	Href    string
	Date    string
	Reason  string
	Current bool // the version shown
	Latest  bool
}

// changeView is one validity change on a document's timeline.
type changeView struct {
	State     gazette.Validity
	Since     string
	ChangedBy string
	By        *relatedDoc // the document ChangedBy names, by title and 文号
	Note      string
}

// history fills the notice of the latest correction, the list of versions
// and the validity timeline; shown is the version on the page.
func (dv *documentView) history(h *gazette.History, shown, current int) {
	if h == nil {
		return
	}
	dv.Superseded = shown < current
	dv.CurrentVersion = current
	if c := h.LatestCorrection(); c != nil {
		dv.Correction = &versionView{Number: current, Date: dateLabel(c.Date), Reason: clean(c.Reason)}
	}
	if len(h.Versions) > 1 {
		for _, v := range h.Versions {
			vv := versionView{Number: v.Number, Href: "/documents/" + h.ID + "?v=" + strconv.Itoa(v.Number), Current: v.Number == shown, Latest: v.Number == current}
			if v.Number == current {
				vv.Href = "/documents/" + h.ID
			}
			if v.Correction != nil {
				vv.Date, vv.Reason = dateLabel(v.Correction.Date), clean(v.Correction.Reason)
			} else {
				vv.Date = timeLabel(v.At)
			}
			dv.Versions = append(dv.Versions, vv)
		}
	}
	for _, ch := range h.Timeline() {
		cv := changeView{State: ch.State, Since: dateLabel(ch.Since), ChangedBy: ch.ChangedBy, Note: clean(ch.Note)}
		if _, _, err := gazette.ParseDocumentID(cv.ChangedBy); err != nil {
			cv.ChangedBy = ""
		}
		dv.Timeline = append(dv.Timeline, cv)
	}
}

func newDocumentView(d *gazette.Document, is *gazette.Issue, needles []string) *documentView {
	dv := &documentView{
		ID: d.ID, Title: clean(d.Title), DocNumber: clean(d.DocNumber), Kind: d.Kind.Label(),
		Signed: dateLabel(d.Signed), Published: dateLabel(d.Published), Effective: dateLabel(d.Effective), Expires: dateLabel(d.Expires),
		Validity: d.Validity.State, ValiditySince: dateLabel(d.Validity.Since), ChangedBy: d.Validity.ChangedBy,
		IndexNumber: clean(d.IndexNumber), Topic: clean(d.Topic), Section: clean(d.Section),
		Pages: d.Pages.String(), FirstPage: d.Pages.First, Version: d.Version,
		Issue: issueHead(is), Highlighted: len(needles) > 0, needles: needles,
	}
	if _, _, err := gazette.ParseDocumentID(dv.ChangedBy); err != nil {
		dv.ChangedBy = "" // only ever a link to a document of this site
	}
	for _, a := range d.Authorities {
		dv.Authorities = append(dv.Authorities, clean(a))
	}
	dv.Registration, dv.PrintedBy, dv.PrintDate = clean(d.Registration), clean(d.PrintedBy), dateLabel(d.PrintDate)
	dv.CopyNumber, dv.Secrecy, dv.Urgency = clean(d.CopyNumber), clean(d.Secrecy), clean(d.Urgency)
	dv.Signatory, dv.Note = clean(d.Signatory), clean(d.Note)
	dv.Signers, dv.Recipients, dv.CC = cleanAll(d.Signers), cleanAll(d.Recipients), cleanAll(d.CC)
	dv.Attachments = cleanAll(d.Attachments)
	for _, p := range d.Body {
		dv.Body = append(dv.Body, highlight(p, needles))
	}
	dv.Citation = fmt.Sprintf("%s %s 第%d页", clean(is.Gazette), is.Label(), d.Pages.First)
	dv.PDFAtPage = issuePath(is.IssueKey) + ".pdf#page=" + strconv.Itoa(d.Pages.First)
	for _, p := range d.MachineRead() {
		dv.MachineRead = append(dv.MachineRead, pdfPage{Page: p, URL: issuePath(is.IssueKey) + ".pdf#page=" + strconv.Itoa(p)})
	}
	for i, e := range is.Contents {
		if e.ID != d.ID {
			continue
		}
		if i > 0 {
			p := is.Contents[i-1]
			dv.Prev = &entryView{ID: p.ID, Title: clean(p.Title)}
		}
		if i+1 < len(is.Contents) {
			n := is.Contents[i+1]
			dv.Next = &entryView{ID: n.ID, Title: clean(n.Title)}
		}
	}
	return dv
}

// cleanAll cleans each of a list of names.
func cleanAll(names []string) []string {
	var out []string
	for _, n := range names {
		out = append(out, clean(n))
	}
	return out
}
