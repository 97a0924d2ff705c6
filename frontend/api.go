package frontend

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/gazette"
)

// Limits of the API.
const (
	maxBatchIDs = 50   // documents in one /documents?ids= call
	maxCSVRows  = 1000 // rows of one CSV export
)

// Cache classes of the API's answers (see freshness.go).
const (
	ccAPIPublished = ccPublished // an issue: never changes
	ccAPIRecent    = ccRecent    // lists and searches: change when an issue is published
	ccAPIDocument  = ccDocument  // a document's current version: a correction replaces it
)

// apiPDF is where an issue's print PDF is and what it is.
type apiPDF struct {
	URL    string `json:"url"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Pages  int    `json:"pages"`
}

// apiEntry is one line of a table of contents.
type apiEntry struct {
	gazette.Entry
	URL    string `json:"url"`
	APIURL string `json:"api_url"`
	PDFURL string `json:"pdf_url"`
}

// apiIssue is an issue as the API answers it.
type apiIssue struct {
	Key         string     `json:"key"`
	Gazette     string     `json:"gazette"`
	Label       string     `json:"label"`
	Year        int        `json:"year"`
	Number      int        `json:"number"`
	Supplement  bool       `json:"supplement"`
	TotalNumber int        `json:"total_number,omitempty"`
	Published   time.Time  `json:"published"`
	URL         string     `json:"url"`
	APIURL      string     `json:"api_url"`
	PDF         apiPDF     `json:"pdf"`
	Documents   int        `json:"document_count"`
	Contents    []apiEntry `json:"contents,omitempty"`
}

func (s *Server) apiIssue(is *gazette.Issue, withContents bool) apiIssue {
	p := issuePath(is.IssueKey)
	out := apiIssue{
		Key: is.IssueKey.String(), Gazette: is.Gazette, Label: is.Label(), Year: is.Year, Number: is.Number,
		Supplement: is.Supplement, TotalNumber: is.TotalNumber, Published: is.Published,
		URL: s.abs(p), APIURL: s.abs("/api/v1" + p),
		PDF:       apiPDF{URL: s.abs(p + ".pdf"), SHA256: is.PDF.SHA256, Size: is.PDF.Size, Pages: is.PDF.Pages},
		Documents: len(is.Contents),
	}
	if withContents {
		out.Contents = make([]apiEntry, len(is.Contents))
		for i, e := range is.Contents {
			out.Contents[i] = apiEntry{Entry: e, URL: s.abs("/documents/" + e.ID), APIURL: s.abs("/api/v1/documents/" + e.ID),
				PDFURL: s.abs(p + ".pdf#page=" + strconv.Itoa(e.Pages.First))}
		}
	}
	return out
}

// apiDocument is a document with its links and citation.
type apiDocument struct {
	gazette.Document
	Gazette  string `json:"gazette,omitempty"`
	Citation string `json:"citation"`
	URL      string `json:"url"`
	APIURL   string `json:"api_url"`
	PDFURL   string `json:"pdf_url"`
}

func (s *Server) apiDocument(d *gazette.Document) apiDocument {
	p := issuePath(d.Issue)
	return apiDocument{
		Document: *d,
		Citation: fmt.Sprintf("%s 第%d页", d.Issue.Label(), d.Pages.First),
		URL:      s.abs(d.Permalink()), APIURL: s.abs("/api/v1/documents/" + d.ID),
		PDFURL: s.abs(p + ".pdf#page=" + strconv.Itoa(d.Pages.First)),
	}
}

// writeJSON encodes v and sends it with an ETag, answering a conditional
// request with 304; with a cache, the encoded response is kept under key.
func (s *Server) writeJSON(c *gin.Context, v any, cc cacheClass, pc *pageCache, key string) {
	body, err := json.Marshal(v)
	if err != nil {
		s.fail(c, fmt.Errorf("frontend: encode: %w", err))
		return
	}
	p := newPage("application/json; charset=utf-8", append(body, '\n'))
	if pc != nil {
		s.keep(c, pc, key, p, 0, cc)
	}
	s.writePage(c, p, cc)
}

func (s *Server) apiIssues(c *gin.Context) {
	ctx := c.Request.Context()
	var year int
	if ys := c.Query("year"); ys != "" {
		y, err := parseYear(ys)
		if err != nil {
			s.fail(c, err)
			return
		}
		year = y
	} else {
		years, err := s.cfg.Archive.Years(ctx)
		if err != nil {
			s.fail(c, err)
			return
		}
		if len(years) == 0 {
			s.writeJSON(c, gin.H{"year": nil, "issues": []apiIssue{}}, ccAPIRecent, nil, "")
			return
		}
		year = years[len(years)-1]
	}
	key := "api:issues:" + strconv.Itoa(year)
	if s.cached(c, s.recent, key, ccAPIRecent) {
		return
	}
	issues, err := s.cfg.Archive.Issues(ctx, year)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]apiIssue, len(issues))
	for i := range issues {
		out[i] = s.apiIssue(&issues[i], false)
	}
	s.writeJSON(c, gin.H{"year": year, "issues": out}, ccAPIRecent, s.recent, key)
}

func (s *Server) apiLatest(c *gin.Context) {
	if s.cached(c, s.recent, "api:latest", ccAPIRecent) {
		return
	}
	is, err := s.cfg.Archive.Latest(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, s.apiIssue(is, true), ccAPIRecent, s.recent, "api:latest")
}

// apiIssueOrPDF answers /api/v1/issues/{year}/{number}[.pdf].
func (s *Server) apiIssueOrPDF(c *gin.Context) {
	number, isPDF := strings.CutSuffix(c.Param("number"), ".pdf")
	key, err := parseIssueKey(c.Param("year"), number)
	if err != nil {
		s.fail(c, err)
		return
	}
	if isPDF {
		s.servePDF(c, key, s.fail)
		return
	}
	ck := "api:issue:" + key.String()
	if s.cached(c, s.cache, ck, ccAPIPublished) {
		return
	}
	is, err := s.cfg.Archive.Issue(c.Request.Context(), key)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, s.apiIssue(is, true), ccAPIPublished, s.cache, ck)
}

// canonicalID validates a document ID and returns its canonical spelling.
func canonicalID(raw string) (string, error) {
	id, err := parseDocumentID(raw)
	if err != nil {
		return "", err
	}
	key, seq, _ := gazette.ParseDocumentID(id)
	return gazette.DocumentID(key, seq), nil
}

func (s *Server) apiDocumentByID(c *gin.Context) {
	id, err := canonicalID(c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	at, err := atParam(c.Query("at"))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answerDocument(c, id, at)
}

// answerDocument answers a document with its history: its current
// version, or with at the version and validity of that day.
func (s *Server) answerDocument(c *gin.Context, id string, at gazette.Date) {
	ck := "api:doc:" + id
	if !at.IsZero() {
		ck += "?at=" + at.String()
	}
	if s.cached(c, s.docs, ck, ccAPIDocument) {
		return
	}
	d, h, is, err := s.documentAt(c.Request.Context(), id, 0, at)
	if ny := (*archive.NotYetError)(nil); errors.As(err, &ny) {
		err = notFoundDetail(fmt.Sprintf("document %s did not yet exist on %s: the first day it did is %s", id, ny.On, ny.Existed))
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	ad := s.apiDocument(d)
	ad.Gazette = is.Gazette
	ad.Citation = is.Gazette + " " + ad.Citation
	// Related documents by title and 文号, in both directions.
	ctx := c.Request.Context()
	related := s.relatedDocs(ctx, causeIDs(d, h)...)
	caused, err := s.causedBy(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	// Who made a change is for the audit log, not the public.
	out := apiDocumentHistory{apiDocument: ad, Versions: []apiVersion{}, ValidityHistory: []apiChange{}, CausedChanges: []apiCaused{},
		AsPublishedURL: s.abs(d.Permalink() + "?v=1")}
	if len(h.Versions) == 1 {
		out.AsPublishedURL = s.abs(d.Permalink())
	}
	if !at.IsZero() {
		out.At = &at
	}
	out.Validity = apiStatus{Status: d.Validity, ChangedByDocument: s.apiRelated(related, d.Validity.ChangedBy)}
	for _, cc := range caused {
		out.CausedChanges = append(out.CausedChanges, apiCaused{State: cc.State, Since: cc.Since, Document: s.apiRelatedDoc(cc.Doc)})
	}
	pc := s.docs
	if rels, cites, err := s.apiRelationsOf(ctx, d); err == nil {
		out.Relations, out.Citations = &rels, cites
	} else if ctx.Err() == nil {
		s.cfg.Log.WarnContext(ctx, "the relations of a document cannot be worked out; answered without them", "document", id, "err", err)
		pc = nil // not kept: the next request tries again
	}
	for _, v := range h.Versions {
		av := apiVersion{Number: v.Number, At: v.At, URL: s.abs(d.Permalink() + "?v=" + strconv.Itoa(v.Number))}
		if v.Number == d.Version {
			av.URL = s.abs(d.Permalink())
		}
		if v.Correction != nil {
			av.Correction = &apiCorrection{Reason: v.Correction.Reason, Date: v.Correction.Date}
		}
		out.Versions = append(out.Versions, av)
	}
	for _, ch := range h.Timeline() {
		out.ValidityHistory = append(out.ValidityHistory, apiChange{State: ch.State, Since: ch.Since, ChangedBy: ch.ChangedBy,
			ChangedByDocument: s.apiRelated(related, ch.ChangedBy), Note: ch.Note, At: ch.At})
	}
	s.writeJSON(c, out, ccAPIDocument, pc, ck)
}

// apiVersion is one version of a document: 1 as printed, then each
// correction.
type apiVersion struct {
	Number     int            `json:"number"`
	At         time.Time      `json:"at"`
	Correction *apiCorrection `json:"correction,omitempty"`
	URL        string         `json:"url"`
}

// apiCorrection is why a version was made.
type apiCorrection struct {
	Reason string       `json:"reason"`
	Date   gazette.Date `json:"date"`
}

// apiChange is one recorded change of a document's validity.
type apiChange struct {
	State             gazette.Validity `json:"state"`
	Since             gazette.Date     `json:"since"`
	ChangedBy         string           `json:"changed_by,omitempty"`
	ChangedByDocument *apiRelated      `json:"changed_by_document,omitempty"`
	Note              string           `json:"note,omitempty"`
	At                time.Time        `json:"at"`
}

// apiRelated is another document named beside one: its ID with its title
// and 文号 (absent when it cannot be read).
type apiRelated struct {
	ID        string `json:"id"`
	Title     string `json:"title,omitempty"`
	DocNumber string `json:"doc_number,omitempty"`
	URL       string `json:"url"`
	APIURL    string `json:"api_url"`
}

// apiRelated returns the document id names, from docs; nil for no ID.
func (s *Server) apiRelated(docs map[string]relatedDoc, id string) *apiRelated {
	r, ok := docs[id]
	if !ok {
		return nil
	}
	return s.apiRelatedDoc(r)
}

func (s *Server) apiRelatedDoc(r relatedDoc) *apiRelated {
	return &apiRelated{ID: r.ID, Title: r.Title, DocNumber: r.DocNumber, URL: s.abs("/documents/" + r.ID), APIURL: s.abs("/api/v1/documents/" + r.ID)}
}

// apiStatus is a document's validity with the document that caused it.
type apiStatus struct {
	gazette.Status
	ChangedByDocument *apiRelated `json:"changed_by_document,omitempty"`
}

// apiCaused is a change of another document's validity that this one
// caused: what it amended, repealed or made invalid.
type apiCaused struct {
	State    gazette.Validity `json:"state"`
	Since    gazette.Date     `json:"since"`
	Document *apiRelated      `json:"document"`
}

// apiDocumentHistory is a document with its versions and the changes of
// its validity in the order they take effect, and the changes it caused in
// other documents. Its Validity, beside the ID of the document that
// caused it, names that document by title and 文号.
type apiDocumentHistory struct {
	apiDocument
	// At is the day the document is answered as of (?at=): its version
	// and validity then; absent for today's.
	At *gazette.Date `json:"at,omitempty"`
	// AsPublishedURL is the text as the gazette printed it, the one to
	// cite.
	AsPublishedURL  string       `json:"as_published_url"`
	Validity        apiStatus    `json:"validity"`
	Versions        []apiVersion `json:"versions"`
	ValidityHistory []apiChange  `json:"validity_history"`
	CausedChanges   []apiCaused  `json:"caused_changes"`
	// Relations are the document's relations in both directions, and
	// Citations the citations in its body (relations.go); both are absent
	// while they cannot be worked out (the search index is down), so that
	// the document itself is still answered.
	Relations *apiRelations `json:"relations,omitempty"`
	Citations []apiCitation `json:"citations,omitempty"`
}

// apiDocuments answers several documents by ID in one call.
func (s *Server) apiDocuments(c *gin.Context) {
	raw := c.Query("ids")
	if raw == "" {
		s.fail(c, badRequest("ids: give document IDs separated by commas, e.g. ids=2019-12-1,2019-12-2"))
		return
	}
	parts := strings.Split(raw, ",")
	if len(parts) > maxBatchIDs {
		s.fail(c, badRequest(fmt.Sprintf("ids: %d IDs, at most %d in one call", len(parts), maxBatchIDs)))
		return
	}
	var ids []string
	seen := map[string]bool{}
	for _, p := range parts {
		id, err := canonicalID(strings.TrimSpace(p))
		if err != nil {
			s.fail(c, err)
			return
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	ctx := c.Request.Context()
	docs := []apiDocument{}
	missing := []string{}
	for _, id := range ids {
		d, err := s.cfg.Archive.Document(ctx, id)
		switch {
		case err == nil:
			docs = append(docs, s.apiDocument(d))
		case isNotFound(err):
			missing = append(missing, id)
		default:
			s.fail(c, err)
			return
		}
	}
	// A missing document may be one scheduled, or about to be published.
	cc := ccAPIDocument
	if len(missing) > 0 {
		cc = ccRevalidate
	}
	s.writeJSON(c, gin.H{"documents": docs, "missing": missing}, cc, nil, "")
}

// apiSearchResults is a page of search results as the API answers it.
type apiSearchResults struct {
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
	Hits    []apiHit       `json:"hits"`
	Facets  gazette.Facets `json:"facets"`
	Partial bool           `json:"partial"`
	Matched []string       `json:"matched_terms"`
	// DidYouMean offers documents for a 文号 the archive lacks, one digit
	// or one agency character away, so that a client never shows a silent
	// empty page.
	DidYouMean []apiSuggestion `json:"did_you_mean,omitempty"`
}

type apiSuggestion struct {
	gazette.Suggestion
	URL    string `json:"url"`
	APIURL string `json:"api_url"`
}

type apiHit struct {
	gazette.Hit
	URL    string `json:"url"`
	APIURL string `json:"api_url"`
}

func (s *Server) apiSearch(c *gin.Context) {
	// Results change only when an issue is published: a short-lived cache
	// by query spares the index repeated work.
	key := "api:search?" + c.Request.URL.RawQuery
	if s.cached(c, s.searches, key, ccAPIRecent) {
		return
	}
	v, err := requestQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	sp, err := parseSearch(v, true)
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.runSearch(c.Request.Context(), sp.Query)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := apiSearchResults{Total: res.Total, Page: res.Page, PerPage: res.PerPage, Hits: []apiHit{}, Facets: res.Facets,
		Partial: res.Partial, Matched: res.Matched}
	if out.Matched == nil {
		out.Matched = []string{}
	}
	for _, h := range res.Hits {
		h.Snippet = string(safeSnippet(h.Snippet))
		out.Hits = append(out.Hits, apiHit{Hit: h, URL: s.abs("/documents/" + h.ID), APIURL: s.abs("/api/v1/documents/" + h.ID)})
	}
	for _, d := range res.DidYouMean {
		out.DidYouMean = append(out.DidYouMean, apiSuggestion{Suggestion: d, URL: s.abs("/documents/" + d.ID), APIURL: s.abs("/api/v1/documents/" + d.ID)})
	}
	for _, l := range []*[]gazette.FacetCount{&out.Facets.Kind, &out.Facets.Authority, &out.Facets.Year, &out.Facets.Validity} {
		if *l == nil {
			*l = []gazette.FacetCount{}
		}
	}
	s.writeJSON(c, out, ccAPIRecent, s.searches, key)
}

// apiSearchCSV exports a page of hits of a search as CSV, with a UTF-8 byte
// order mark so that spreadsheet programs read the Chinese. page and
// per_page choose the page as they do for the JSON search, but a page holds
// up to maxCSVRows hits, and that many without per_page: without either,
// the first 1,000 hits.
func (s *Server) apiSearchCSV(c *gin.Context) {
	v, err := requestQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	page, err := intParam(v, "page")
	if err != nil {
		s.fail(c, err)
		return
	}
	perPage, err := intParam(v, "per_page")
	if err != nil {
		s.fail(c, err)
		return
	}
	page, perPage = max(page, 1), cmp.Or(perPage, maxCSVRows)
	if perPage > maxCSVRows {
		s.fail(c, badRequest(fmt.Sprintf("per_page %d: a CSV page holds at most %d hits", perPage, maxCSVRows)))
		return
	}
	start := (page - 1) * perPage
	if start >= gazette.MaxResultWindow {
		s.fail(c, badRequest(fmt.Sprintf("page %d of %d hits goes past the first %d results: narrow the search", page, perPage, gazette.MaxResultWindow)))
		return
	}
	end := min(start+perPage, gazette.MaxResultWindow)
	q := url.Values{}
	for name, vals := range v {
		if name != "page" && name != "per_page" {
			q[name] = vals
		}
	}
	sp, err := parseSearch(q, false)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The hits from start to end, read a search page of MaxPerPage at a
	// time.
	sp.PerPage = gazette.MaxPerPage
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Write([]string{"id", "title", "doc_number", "kind", "authorities", "issue", "pages", "signed_date", "published_date", "validity", "url"})
	for p := start/sp.PerPage + 1; ; p++ {
		sp.Page = p
		res, err := s.runSearch(c.Request.Context(), sp.Query)
		if err != nil {
			s.fail(c, err)
			return
		}
		for i, h := range res.Hits {
			if at := (p-1)*sp.PerPage + i; at < start || at >= end {
				continue
			}
			row := []string{h.ID, h.Title, h.DocNumber, string(h.Kind), strings.Join(h.Authorities, "；"), h.Issue.Label(),
				h.Pages.String(), h.Signed.String(), h.Published.String(), string(h.Validity), s.abs("/documents/" + h.ID)}
			for i := range row {
				row[i] = gazette.CSVCell(row[i])
			}
			w.Write(row)
		}
		if len(res.Hits) < sp.PerPage || p*sp.PerPage >= res.Total || p*sp.PerPage >= end {
			break
		}
	}
	w.Flush()
	c.Header("Content-Disposition", `attachment; filename="gazette-search.csv"`)
	s.setCacheControl(c, ccAPIRecent)
	writeBytes(c, http.StatusOK, "text/csv; charset=utf-8", "", buf.Bytes(), func() []byte { return gzipBytes(buf.Bytes(), pageGzipLevel) })
}

// apiDocNumber answers a 文号 in any spelling with its canonical document.
func (s *Server) apiDocNumber(c *gin.Context) {
	raw := c.Param("number")
	n, err := gazette.ParseDocNumber(raw)
	if err != nil {
		s.fail(c, badRequest(fmt.Sprintf("document number %.60q: not a 文号 such as 闽政〔2019〕14号", raw)))
		return
	}
	res, err := s.runSearch(c.Request.Context(), gazette.Query{Text: n.String(), PerPage: 10})
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, h := range res.Hits {
		if h.DocNumber == n.String() {
			c.Header("Content-Location", "/api/v1/documents/"+h.ID)
			s.answerDocument(c, h.ID, gazette.Date{})
			return
		}
	}
	s.fail(c, fmt.Errorf("frontend: document number %s: %w", n, gazette.ErrNotFound))
}

func (s *Server) openAPI(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	a := s.openapi
	writeBytes(c, http.StatusOK, "application/json; charset=utf-8", a.etag, a.body, a.gzipped)
}
