package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	stduritemplate "github.com/std-uritemplate/std-uritemplate/go/v2"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// schemaProps are the properties schema.org defines for the types the
// pages use (https://schema.org/Legislation and the others, each with
// what it inherits from CreativeWork and Thing; only those a page may
// use are listed): a property not here is not schema.org's.
var schemaProps = func() map[string][]string {
	thing := []string{"@context", "@type", "@id", "name", "url", "identifier", "description", "sameAs", "alternateName"}
	work := append(slices.Clone(thing), "inLanguage", "datePublished", "dateModified", "version", "isPartOf", "encoding",
		"isBasedOn", "citation", "keywords", "expires", "publisher", "author", "headline", "exampleOfWork")
	return map[string][]string{
		"Legislation": append(slices.Clone(work), "legislationIdentifier", "legislationDate", "legislationDateVersion",
			"legislationDateOfApplicability", "legislationLegalForce", "legislationPassedBy", "legislationResponsible",
			"legislationType", "legislationJurisdiction", "legislationChanges", "legislationAmends", "legislationRepeals",
			"legislationCorrects", "legislationCommences", "legislationConsolidates", "legislationApplies", "legislationTransposes"),
		"PublicationIssue": append(slices.Clone(work), "issueNumber", "pagination", "pageStart", "pageEnd"),
		"Periodical":       append(slices.Clone(work), "issn"),
		"Organization":     slices.Clone(thing),
		"LegislationObject": append(slices.Clone(work), "contentUrl", "encodingFormat", "contentSize",
			"legislationLegalValue"),
	}
}()

// legalForces are schema.org's LegalForceStatus values.
var legalForces = []string{"https://schema.org/InForce", "https://schema.org/NotInForce", "https://schema.org/PartiallyInForce"}

// exprRE is an RFC 6570 expression: its operator, then its variables.
var exprRE = regexp.MustCompile(`\{[+#./;?&]?([^}]*)\}`)

var ldRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// pageLD returns the JSON-LD of a document page, checking there is one
// block and that it parses.
func pageLD(t *testing.T, h http.Handler, path string) map[string]any {
	t.Helper()
	body := page(t, h, path)
	m := ldRE.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("%s has %d JSON-LD blocks", path, len(m))
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[0][1]), &ld); err != nil {
		t.Fatalf("%s: JSON-LD does not parse: %v\n%.300s", path, err, m[0][1])
	}
	checkTypes(t, ld)
	return ld
}

// checkTypes checks that every object with a @type uses only properties
// schema.org gives that type, recursively.
func checkTypes(t *testing.T, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if typ, ok := v["@type"].(string); ok {
			props, known := schemaProps[typ]
			if !known {
				t.Errorf("type %q is not one the pages use", typ)
			}
			for k := range v {
				if !slices.Contains(props, k) {
					t.Errorf("%s has no property %q in schema.org", typ, k)
				}
			}
		}
		for _, x := range v {
			checkTypes(t, x)
		}
	case []any:
		for _, x := range v {
			checkTypes(t, x)
		}
	}
}

// refs lists the @id of each object of a property.
func refs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m["@id"].(string))
		}
	}
	return out
}

// TestLegislationJSONLD reads the schema.org Legislation of document pages
// against what was published.
func TestLegislationJSONLD(t *testing.T) {
	h := sharedGazette(t)
	s := frontendtest.Sample(frontendtest.Issue2019, 24)
	repealed, repealer := s.Documents[1], s.Documents[2]
	ld := pageLD(t, h, "/documents/"+repealed.ID)
	want := map[string]any{
		"@context":              "https://schema.org",
		"@type":                 "Legislation",
		"@id":                   publicURL + "/documents/" + repealed.ID,
		"name":                  repealed.Title,
		"legislationIdentifier": repealed.DocNumber,
		"legislationDate":       repealed.Signed.String(),
		"legislationType":       repealed.Kind.Label(),
		"legislationLegalForce": "https://schema.org/NotInForce",
		"inLanguage":            "zh",
		"datePublished":         "2019-12-15",
	}
	for k, w := range want {
		if ld[k] != w {
			t.Errorf("%s = %v, want %v", k, ld[k], w)
		}
	}
	passed, _ := ld["legislationPassedBy"].([]any)
	if len(passed) != 1 || passed[0].(map[string]any)["@type"] != "Organization" || passed[0].(map[string]any)["name"] != repealed.Authorities[0] {
		t.Errorf("legislationPassedBy %v", ld["legislationPassedBy"])
	}
	issue, _ := ld["isPartOf"].(map[string]any)
	if issue["@type"] != "PublicationIssue" || issue["issueNumber"] != "12" || issue["@id"] != publicURL+"/issues/2019/12" {
		t.Errorf("isPartOf %v", issue)
	}
	if p, _ := issue["isPartOf"].(map[string]any); p["@type"] != "Periodical" || p["name"] != s.Issue.Gazette {
		t.Errorf("the issue isPartOf %v", issue["isPartOf"])
	}
	enc, _ := ld["encoding"].(map[string]any)
	pdf, _ := enc["contentUrl"].(string)
	if enc["encodingFormat"] != "application/pdf" || !strings.HasPrefix(pdf, publicURL+"/issues/2019/12.pdf#page=") {
		t.Errorf("encoding %v", enc)
	}
	if rec := do(h, "GET", strings.TrimPrefix(strings.Split(pdf, "#")[0], publicURL)); rec.Code != 200 {
		t.Errorf("the encoding's PDF: %d", rec.Code)
	}
	// 依据 in its text: isBasedOn the rule it names.
	if got := refs(ld["isBasedOn"]); !slices.Contains(got, publicURL+"/documents/"+s.Documents[0].ID) {
		t.Errorf("isBasedOn %v", got)
	}
	// The repealing document says what it repealed.
	ld = pageLD(t, h, "/documents/"+repealer.ID)
	if got := refs(ld["legislationRepeals"]); !slices.Equal(got, []string{publicURL + "/documents/" + repealed.ID}) {
		t.Errorf("legislationRepeals %v", got)
	}
	if !slices.Contains(legalForces, ld["legislationLegalForce"].(string)) || ld["legislationLegalForce"] != "https://schema.org/InForce" {
		t.Errorf("legislationLegalForce %v", ld["legislationLegalForce"])
	}
	// A supplement's number is not a regular issue's.
	supp := frontendtest.Sample(frontendtest.Supp2019, 6).Documents[0]
	if issue, _ := pageLD(t, h, "/documents/"+supp.ID)["isPartOf"].(map[string]any); issue["issueNumber"] != "增刊1" {
		t.Errorf("a supplement's issueNumber %v", issue["issueNumber"])
	}
	// An appointment has no 文号 and no signed date: no such property.
	for _, d := range s.Documents {
		if d.DocNumber == "" {
			ld := pageLD(t, h, "/documents/"+d.ID)
			if _, ok := ld["legislationIdentifier"]; ok {
				t.Errorf("%s has no 文号 but JSON-LD gives one", d.ID)
			}
			break
		}
	}
}

// TestLegislationJSONLDHostile reads the pages of documents whose fields
// carry markup: the JSON-LD still parses, gives the text back whole, and
// nothing in it closes the script element.
func TestLegislationJSONLDHostile(t *testing.T) {
	h := sharedGazette(t)
	hostile := frontendtest.Hostile()
	for _, d := range hostile.Documents {
		body := page(t, h, "/documents/"+d.ID)
		m := ldRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no JSON-LD", d.ID)
		}
		if strings.Contains(strings.ToLower(m[1]), "<") {
			t.Errorf("%s: JSON-LD carries a raw '<'", d.ID)
		}
		ld := pageLD(t, h, "/documents/"+d.ID)
		if ld["name"] != d.Title && !strings.Contains(d.Title, "\u202e") {
			t.Errorf("%s: name %q, want %q", d.ID, ld["name"], d.Title)
		}
	}
	// The policy still allows no inline script: the block is data.
	rec := do(h, "GET", "/documents/"+hostile.Documents[0].ID, "Accept", "text/html")
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
}

// TestURITemplates expands every published template with values of the
// sample gazette, by an RFC 6570 implementation of its own, and follows
// each URI through the router.
func TestURITemplates(t *testing.T) {
	h := sharedGazette(t)
	rec := do(h, "GET", "/.well-known/gazette-uris")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("/.well-known/gazette-uris = %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		Templates []struct{ Name, Template, Description string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	s := frontendtest.Sample(frontendtest.Issue2019, 24)
	d := s.Documents[1]
	values := map[string]string{
		"id": d.ID, "v": "1", "at": "2020-01-01", "year": "2019", "number": "12",
		"docnum": d.DocNumber, "identifier": "oai:gazette.test:" + d.ID,
	}
	names := map[string]bool{}
	for _, tp := range doc.Templates {
		names[tp.Name] = true
		t.Run(tp.Name, func(t *testing.T) {
			vals := stduritemplate.Substitutions{}
			for _, expr := range exprRE.FindAllStringSubmatch(tp.Template, -1) {
				for _, name := range strings.Split(expr[1], ",") {
					name = strings.TrimSuffix(strings.Split(name, ":")[0], "*")
					v, ok := values[name]
					if !ok {
						t.Fatalf("no test value for {%s}", name)
					}
					vals[name] = v
				}
			}
			uri, err := stduritemplate.Expand(tp.Template, vals)
			if err != nil {
				t.Fatalf("%q is not an RFC 6570 template: %v", tp.Template, err)
			}
			path, ok := strings.CutPrefix(uri, publicURL)
			if !ok || tp.Description == "" {
				t.Fatalf("%s: %q is not on the site or has no description", tp.Name, uri)
			}
			for hops := 0; ; hops++ {
				rec := do(h, "GET", path, "Accept", "text/html")
				if rec.Code == 301 || rec.Code == 302 {
					path = rec.Header().Get("Location")
					if hops > 3 {
						t.Fatalf("%s: redirects without end", uri)
					}
					continue
				}
				if rec.Code != 200 {
					t.Fatalf("%s = %d: %.200s", uri, rec.Code, rec.Body)
				}
				if strings.HasPrefix(path, "/oai") && strings.Contains(rec.Body.String(), "<error") {
					t.Fatalf("%s: %.300s", uri, rec.Body)
				}
				break
			}
		})
	}
	for _, n := range []string{"work", "version", "date", "issue"} {
		if !names[n] {
			t.Errorf("no %s template", n)
		}
	}
}

// TestLegislationJSONLDVersions corrects a document: its page gives the
// new version and the date of the correction; the page of the version as
// printed is that text, an example of the work.
func TestLegislationJSONLDVersions(t *testing.T) {
	ctx := context.Background()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	s := frontendtest.Sample(frontendtest.Issue2019, 3)
	if err := frontendtest.Publish(ctx, a, s); err != nil {
		t.Fatal(err)
	}
	d := s.Documents[0]
	d.Title += "（更正）"
	fixed := gazette.Date{Year: 2020, Month: 3, Day: 4}
	if _, err := a.Correct(ctx, d.ID, d, gazette.Correction{Reason: "标题有误", Date: fixed, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	work := publicURL + "/documents/" + d.ID
	ld := pageLD(t, h, "/documents/"+d.ID)
	if ld["@id"] != work || ld["version"] != "2" || ld["legislationDateVersion"] != fixed.String() || ld["name"] != d.Title {
		t.Errorf("the current version: @id %v, version %v, legislationDateVersion %v, name %v", ld["@id"], ld["version"], ld["legislationDateVersion"], ld["name"])
	}
	ld = pageLD(t, h, "/documents/"+d.ID+"?v=1")
	of, _ := ld["exampleOfWork"].(map[string]any)
	if ld["@id"] != work+"?v=1" || ld["version"] != "1" || of["@id"] != work || ld["name"] != s.Documents[0].Title {
		t.Errorf("the version as printed: @id %v, version %v, exampleOfWork %v, name %v", ld["@id"], ld["version"], ld["exampleOfWork"], ld["name"])
	}
}
