package frontend

import (
	"encoding/json"
	"html/template"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/gazette-archive/gazette/gazette"
)

// Machine-readable documents: every document page carries schema.org
// Legislation as JSON-LD (a data block, which no browser runs, so the
// Content-Security-Policy that allows no inline script allows it), and the
// URIs of works, versions, dates and issues are published as RFC 6570
// templates at /.well-known/gazette-uris, in the manner of ELI: a work is
// a document whatever its corrections, a version (expression) one text of
// it, a date the work as it stood that day.

// legalForce maps a validity to schema.org's LegalForceStatus. An amended
// document is in force as amended; schema.org has no value for repealed or
// expired, which are NotInForce (the relation says why).
var legalForce = map[gazette.Validity]string{
	gazette.InForce:       "https://schema.org/InForce",
	gazette.Amended:       "https://schema.org/InForce",
	gazette.Repealed:      "https://schema.org/NotInForce",
	gazette.Expired:       "https://schema.org/NotInForce",
	gazette.NotYetInForce: "https://schema.org/NotInForce",
}

// relationProperty is the schema.org property of a relation a document
// makes: the Legislation properties where schema.org has one, else
// CreativeWork's isBasedOn and citation.
var relationProperty = map[gazette.RelationType]string{
	gazette.Amends:     "legislationAmends",
	gazette.Repeals:    "legislationRepeals",
	gazette.Corrects:   "legislationCorrects",
	gazette.Ends:       "legislationChanges",
	gazette.BasedOn:    "isBasedOn",
	gazette.Interprets: "citation",
	gazette.Forwards:   "citation",
	gazette.Cites:      "citation",
}

type ldRef struct {
	ID string `json:"@id"`
}

// legislationLD is document d's page as schema.org Legislation, in JSON
// whose <, > and & are escaped (json.Marshal's default), so that nothing
// in it can close the script element that holds it.
func (s *Server) legislationLD(d *gazette.Document, is *gazette.Issue, h *gazette.History, dv *documentView) template.JS {
	work := s.abs(d.Permalink())
	issueURL := s.abs(issuePath(is.IssueKey))
	ld := map[string]any{
		"@context":               "https://schema.org",
		"@type":                  "Legislation",
		"@id":                    work,
		"url":                    work,
		"name":                   clean(d.Title),
		"legislationType":        d.Kind.Label(),
		"inLanguage":             "zh",
		"version":                strconv.Itoa(d.Version),
		"datePublished":          gazette.DateOf(is.Published.In(gazette.ChinaTime)).String(),
		"legislationDateVersion": gazette.DateOf(is.Published.In(gazette.ChinaTime)).String(),
		"isPartOf": map[string]any{
			"@type":         "PublicationIssue",
			"@id":           issueURL,
			"url":           issueURL,
			"name":          is.Label(),
			"issueNumber":   issueNumber(is.IssueKey),
			"datePublished": gazette.DateOf(is.Published.In(gazette.ChinaTime)).String(),
			"pagination":    d.Pages.String(),
			"isPartOf":      map[string]any{"@type": "Periodical", "name": clean(is.Gazette), "url": s.abs("/")},
		},
		"encoding": map[string]any{
			"@type":                 "LegislationObject",
			"contentUrl":            s.abs(dv.PDFAtPage),
			"encodingFormat":        "application/pdf",
			"legislationLegalValue": "https://schema.org/OfficialLegalValue",
		},
	}
	// A version's date is the issue's for the text as printed, the
	// correction notice's for a corrected one.
	if v := d.Version; v >= 1 && v <= len(h.Versions) {
		if c := h.Versions[v-1].Correction; c != nil && !c.Date.IsZero() {
			ld["legislationDateVersion"] = c.Date.String()
		}
	}
	if dv.Superseded {
		// An earlier version is a text of the work, not the work.
		version := s.abs(d.Permalink() + "?v=" + strconv.Itoa(d.Version))
		ld["@id"], ld["url"], ld["exampleOfWork"] = version, version, ldRef{work}
	}
	if d.DocNumber != "" {
		ld["legislationIdentifier"] = d.DocNumber
	}
	if !d.Signed.IsZero() {
		ld["legislationDate"] = d.Signed.String()
	}
	if !d.Effective.IsZero() {
		ld["legislationDateOfApplicability"] = d.Effective.String()
	}
	if !d.Expires.IsZero() {
		ld["expires"] = d.Expires.String()
	}
	if f, ok := legalForce[d.Validity.State]; ok {
		ld["legislationLegalForce"] = f
	}
	if len(d.Authorities) > 0 {
		var orgs []map[string]string
		for _, a := range d.Authorities {
			orgs = append(orgs, map[string]string{"@type": "Organization", "name": clean(a)})
		}
		ld["legislationPassedBy"] = orgs
	}
	if d.Topic != "" {
		ld["keywords"] = clean(d.Topic)
	}
	for _, l := range dv.RelatesTo {
		p, ok := relationProperty[l.Type]
		if !ok || l.Doc.ID == "" {
			continue
		}
		refs, _ := ld[p].([]ldRef)
		ref := ldRef{s.abs("/documents/" + l.Doc.ID)}
		if !containsRef(refs, ref) {
			ld[p] = append(refs, ref)
		}
	}
	b, err := json.Marshal(ld)
	if err != nil { // strings, maps and slices only: cannot fail
		return ""
	}
	return template.JS(b)
}

// issueNumber is an issue's number within its year, as citations and
// schema.org's issueNumber print it: 12, or 增刊1 for the first supplement.
func issueNumber(k gazette.IssueKey) string {
	if k.Supplement {
		return "增刊" + strconv.Itoa(k.Number)
	}
	return strconv.Itoa(k.Number)
}

func containsRef(refs []ldRef, r ldRef) bool {
	for _, x := range refs {
		if x == r {
			return true
		}
	}
	return false
}

// uriTemplate is one published URI template.
type uriTemplate struct {
	Name        string `json:"name"`
	Template    string `json:"template"`
	Description string `json:"description"`
}

// uriTemplates answers /.well-known/gazette-uris: the site's stable URIs as
// RFC 6570 templates.
func (s *Server) uriTemplates(c *gin.Context) {
	b := s.abs("")
	doc := map[string]any{
		"description": "Stable URIs of the gazette's works (documents), versions (texts: 1 as printed, one more per correction), dates (a document as it stood on a day) and issues, as RFC 6570 URI templates. id is a document ID, YEAR-NUMBER-POSITION (2019-12-3; a supplement's number is sN: 2019-s1-2); v a version number; at a date YYYY-MM-DD; year and number an issue's (number sN for a supplement); docnum a 文号 in any spelling.",
		"templates": []uriTemplate{
			{"work", b + "/documents/{id}", "a document, its current text (the work)"},
			{"version", b + "/documents/{id}{?v}", "one version of a document's text: 1 as printed, each correction one more"},
			{"date", b + "/documents/{id}{?at}", "a document as it stood on a date"},
			{"data", b + "/api/v1/documents/{id}", "a document as JSON, with its versions and validity history"},
			{"docnum", b + "/api/v1/docnum/{docnum}", "the documents a 文号 names"},
			{"issue", b + "/issues/{year}/{number}", "an issue with its table of contents"},
			{"issue-pdf", b + "/issues/{year}/{number}.pdf", "an issue's print PDF"},
			{"oai-record", b + "/oai?verb=GetRecord&metadataPrefix=oai_dc{&identifier}", "a document's OAI-PMH record; identifier is oai:" + s.base.Hostname() + ":{id}"},
		},
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(200, doc)
}
