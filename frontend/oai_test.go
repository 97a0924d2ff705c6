package frontend_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/fsblobs"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// The tests of /oai read every answer with a parse of their own (a tree
// built from encoding/xml's tokens, with namespaces resolved), apart from
// the types the server encodes with, and check it as a harvester would:
// Sickle and pyoaiharvest page through ListRecords until the
// resumptionToken is empty, stop at an <error>, and read header status
// and setSpec.

const (
	oaiNS   = "http://www.openarchives.org/OAI/2.0/"
	oaiDCNS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
	dcNS    = "http://purl.org/dc/elements/1.1/"
)

// xnode is an element of a parsed answer.
type xnode struct {
	name  xml.Name
	attrs map[string]string // by local name
	kids  []*xnode
	text  string
}

// parseXML parses an answer into a tree, failing on anything not
// well-formed.
func parseXML(t testing.TB, body []byte) *xnode {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("answer is not well-formed XML: %v\n%.500s", err, body)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: tok.Name, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
					n.attrs[a.Name.Local] = a.Value
				}
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root != nil {
				t.Fatal("two root elements")
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if root == nil {
		t.Fatal("no root element")
	}
	return root
}

// all returns the children of n named local in namespace ns.
func (n *xnode) all(ns, local string) []*xnode {
	var out []*xnode
	for _, k := range n.kids {
		if k.name.Space == ns && k.name.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// one returns the only child of n named local in ns.
func (n *xnode) one(t testing.TB, ns, local string) *xnode {
	t.Helper()
	k := n.all(ns, local)
	if len(k) != 1 {
		t.Fatalf("<%s> has %d <%s> (in %s), want 1", n.name.Local, len(k), local, ns)
	}
	return k[0]
}

// texts returns the text of each child named local in ns.
func (n *xnode) texts(ns, local string) []string {
	var out []string
	for _, k := range n.all(ns, local) {
		out = append(out, k.text)
	}
	return out
}

// oaiDo sends a GET (or, with post, a form POST) to /oai and parses the
// answer, checking what every answer has: 200, XML, the root element in
// the OAI namespace, a responseDate in UTC seconds, and the request
// element with the base URL.
func oaiDo(t testing.TB, h http.Handler, query string, post bool) *xnode {
	t.Helper()
	var req *http.Request
	if post {
		req = httptest.NewRequest("POST", "/oai", strings.NewReader(query))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest("GET", "/oai?"+query, nil)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("%s /oai?%s = %d: %.300s", req.Method, query, rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") || !strings.Contains(ct, "utf-8") {
		t.Fatalf("Content-Type %q", ct)
	}
	root := parseXML(t, rec.Body.Bytes())
	if root.name != (xml.Name{Space: oaiNS, Local: "OAI-PMH"}) {
		t.Fatalf("root element %v", root.name)
	}
	if sl := root.attrs["schemaLocation"]; sl != oaiNS+" http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd" {
		t.Errorf("schemaLocation %q", sl)
	}
	rd := root.one(t, oaiNS, "responseDate").text
	if at, err := time.Parse("2006-01-02T15:04:05Z", rd); err != nil || time.Since(at) > time.Minute {
		t.Errorf("responseDate %q: %v", rd, err)
	}
	if r := root.one(t, oaiNS, "request"); r.text != publicURL+"/oai" {
		t.Errorf("request element %q", r.text)
	}
	if kids := root.kids; len(kids) < 3 || kids[0].name.Local != "responseDate" || kids[1].name.Local != "request" {
		t.Errorf("elements out of order: %v", kids)
	}
	return root
}

// oaiErrorCode is the code of the answer's error, "" for none.
func oaiErrorCode(root *xnode) string {
	errs := root.all(oaiNS, "error")
	if len(errs) == 0 {
		return ""
	}
	return errs[0].attrs["code"]
}

// oaiOK fails when the answer is an error.
func oaiOK(t testing.TB, h http.Handler, query string) *xnode {
	t.Helper()
	root := oaiDo(t, h, query, false)
	if code := oaiErrorCode(root); code != "" {
		t.Fatalf("/oai?%s: error %s: %s", query, code, root.all(oaiNS, "error")[0].text)
	}
	return root
}

// harvested is one item of a list as a harvester keeps it.
type harvested struct {
	id, datestamp string
	sets          []string
	record        *xnode // the record element, for ListRecords
}

// harvest pages through a list verb as Sickle does, following each
// resumptionToken until an empty one, and checks the paging attributes.
// It returns the items and how many pages it took.
func harvest(t *testing.T, h http.Handler, verb, args string) ([]harvested, int) {
	t.Helper()
	items, pages, _ := harvestDated(t, h, verb, args)
	return items, pages
}

// harvestDated is harvest, and the responseDate of the harvest: that of
// its first page, which no later page's may pass (oai_stamps.go).
func harvestDated(t *testing.T, h http.Handler, verb, args string) ([]harvested, int, string) {
	t.Helper()
	var items []harvested
	query := "verb=" + verb + "&" + args
	var size = -1
	date := ""
	for pages := 1; ; pages++ {
		root := oaiDo(t, h, query, false)
		rd := root.one(t, oaiNS, "responseDate").text
		if date == "" {
			date = rd
		} else if rd > date {
			t.Errorf("page %d answers responseDate %s, after the first page's %s", pages, rd, date)
		}
		if code := oaiErrorCode(root); code != "" {
			if code == "noRecordsMatch" && pages == 1 {
				return nil, 0, date
			}
			t.Fatalf("page %d of %s: error %s", pages, query, code)
		}
		list := root.one(t, oaiNS, verb)
		var headers []*xnode
		if verb == "ListRecords" {
			for _, r := range list.all(oaiNS, "record") {
				hd := r.one(t, oaiNS, "header")
				headers = append(headers, hd)
				items = append(items, harvested{record: r})
			}
		} else {
			headers = list.all(oaiNS, "header")
			for range headers {
				items = append(items, harvested{})
			}
		}
		for i, hd := range headers {
			it := &items[len(items)-len(headers)+i]
			it.id = hd.one(t, oaiNS, "identifier").text
			it.datestamp = hd.one(t, oaiNS, "datestamp").text
			it.sets = hd.texts(oaiNS, "setSpec")
		}
		toks := list.all(oaiNS, "resumptionToken")
		if len(toks) == 0 {
			if pages > 1 {
				t.Fatalf("page %d ends a list answered in parts without an empty resumptionToken", pages)
			}
			return items, pages, date
		}
		tok := toks[0]
		if c, err := strconv.Atoi(tok.attrs["cursor"]); err != nil || c != len(items)-len(headers) {
			t.Errorf("page %d: cursor %q, want %d", pages, tok.attrs["cursor"], len(items)-len(headers))
		}
		if s, ok := tok.attrs["completeListSize"]; ok {
			n, err := strconv.Atoi(s)
			if err != nil || (size >= 0 && n != size) {
				t.Errorf("page %d: completeListSize %q changed from %d", pages, s, size)
			}
			size = n
		}
		if tok.text == "" {
			if size >= 0 && size != len(items) {
				t.Errorf("completeListSize %d, harvested %d", size, len(items))
			}
			return items, pages, date
		}
		if exp, err := time.Parse("2006-01-02T15:04:05Z", tok.attrs["expirationDate"]); err != nil || !exp.After(time.Now()) {
			t.Errorf("page %d: expirationDate %q", pages, tok.attrs["expirationDate"])
		}
		query = "verb=" + verb + "&resumptionToken=" + url.QueryEscape(tok.text)
		if pages > 100 {
			t.Fatal("the list never ends")
		}
	}
}

// oaiIDs lists the document IDs of harvested items.
func oaiIDs(t *testing.T, items []harvested) []string {
	t.Helper()
	var ids []string
	for _, it := range items {
		id, ok := strings.CutPrefix(it.id, "oai:gazette.test:")
		if !ok {
			t.Fatalf("identifier %q is not oai:gazette.test:<id>", it.id)
		}
		ids = append(ids, id)
	}
	return ids
}

// oaiGazette is a server over enough documents for several pages: the
// sample gazette and two long issues.
func oaiGazette(t *testing.T) (*frontend.Server, *archive.Archive, []archivetest.Sample) {
	t.Helper()
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	samples := append(frontendtest.Gazette(),
		frontendtest.Sample(gazette.IssueKey{Year: 2021, Number: 3}, 80),
		frontendtest.Sample(gazette.IssueKey{Year: 2021, Number: 4}, 90))
	if err := frontendtest.Publish(context.Background(), a, samples...); err != nil {
		t.Fatal(err)
	}
	s, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s, a, samples
}

func TestOAIIdentify(t *testing.T) {
	h, _, _ := oaiGazette(t)
	for _, post := range []bool{false, true} {
		root := oaiDo(t, h, "verb=Identify", post)
		if code := oaiErrorCode(root); code != "" {
			t.Fatal(code)
		}
		if v := root.one(t, oaiNS, "request").attrs["verb"]; v != "Identify" {
			t.Errorf("request verb %q", v)
		}
		id := root.one(t, oaiNS, "Identify")
		want := map[string]string{"baseURL": publicURL + "/oai", "protocolVersion": "2.0", "deletedRecord": "persistent",
			"granularity": "YYYY-MM-DDThh:mm:ssZ", "adminEmail": "webmaster@gazette.test", "repositoryName": "福建省人民政府公报"}
		for name, v := range want {
			if got := id.one(t, oaiNS, name).text; got != v {
				t.Errorf("%s = %q, want %q", name, got, v)
			}
		}
		// The order the schema prescribes.
		var order []string
		for _, k := range id.kids {
			order = append(order, k.name.Local)
		}
		if want := "repositoryName baseURL protocolVersion adminEmail earliestDatestamp deletedRecord granularity description"; strings.Join(order, " ") != want {
			t.Errorf("Identify's elements: %v", order)
		}
		// The earliest datestamp is the earliest of any record.
		items, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc")
		earliest := items[0].datestamp
		for _, it := range items {
			earliest = min(earliest, it.datestamp)
		}
		if got := id.one(t, oaiNS, "earliestDatestamp").text; got != earliest {
			t.Errorf("earliestDatestamp %s, earliest record %s", got, earliest)
		}
		desc := id.one(t, oaiNS, "description").one(t, "http://www.openarchives.org/OAI/2.0/oai-identifier", "oai-identifier")
		if rid := desc.one(t, desc.name.Space, "repositoryIdentifier").text; rid != "gazette.test" {
			t.Errorf("repositoryIdentifier %q", rid)
		}
		sample := desc.one(t, desc.name.Space, "sampleIdentifier").text
		if r := oaiOK(t, h, "verb=GetRecord&metadataPrefix=oai_dc&identifier="+url.QueryEscape(sample)); len(r.all(oaiNS, "GetRecord")) != 1 {
			t.Errorf("the sample identifier %s does not resolve", sample)
		}
	}
}

// TestOAIAdminEmail gives harvesters the configured address, and refuses
// one that is not a bare address.
func TestOAIAdminEmail(t *testing.T) {
	h := newGazette(t, frontend.Config{AdminEmail: "archive@gazette.example"})
	if got := oaiOK(t, h, "verb=Identify").one(t, oaiNS, "Identify").one(t, oaiNS, "adminEmail").text; got != "archive@gazette.example" {
		t.Errorf("adminEmail %q", got)
	}
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	for _, bad := range []string{"archive", "Archive <archive@gazette.example>", "a@b, c@d"} {
		if _, err := frontend.New(frontend.Config{Archive: a, AdminEmail: bad}); err == nil {
			t.Errorf("admin e-mail %q accepted", bad)
		}
	}
}

func TestOAIListMetadataFormats(t *testing.T) {
	h := sharedGazette(t)
	for _, q := range []string{"verb=ListMetadataFormats", "verb=ListMetadataFormats&identifier=oai:gazette.test:2019-12-2"} {
		f := oaiOK(t, h, q).one(t, oaiNS, "ListMetadataFormats").one(t, oaiNS, "metadataFormat")
		if p := f.one(t, oaiNS, "metadataPrefix").text; p != "oai_dc" {
			t.Errorf("metadataPrefix %q", p)
		}
		if ns := f.one(t, oaiNS, "metadataNamespace").text; ns != oaiDCNS {
			t.Errorf("metadataNamespace %q", ns)
		}
		if s := f.one(t, oaiNS, "schema").text; s != "http://www.openarchives.org/OAI/2.0/oai_dc.xsd" {
			t.Errorf("schema %q", s)
		}
	}
}

// TestOAIErrors asks what the specification calls errors, each answered
// 200 with its code; after badVerb and badArgument the request element
// carries no attributes.
func TestOAIErrors(t *testing.T) {
	h := sharedGazette(t)
	tok := url.QueryEscape(firstToken(t))
	cases := []struct{ name, query, code string }{
		{"no verb", "", "badVerb"},
		{"no verb but arguments", "metadataPrefix=oai_dc", "badVerb"},
		{"unknown verb", "verb=ListEverything", "badVerb"},
		{"verb in the wrong case", "verb=identify", "badVerb"},
		{"repeated verb", "verb=Identify&verb=Identify", "badVerb"},
		{"Identify with an argument", "verb=Identify&metadataPrefix=oai_dc", "badArgument"},
		{"unknown argument", "verb=ListRecords&metadataPrefix=oai_dc&colour=red", "badArgument"},
		{"missing metadataPrefix", "verb=ListRecords", "badArgument"},
		{"missing metadataPrefix, ListIdentifiers", "verb=ListIdentifiers&from=2019-01-01", "badArgument"},
		{"repeated argument", "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc", "badArgument"},
		{"repeated set", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:2019&set=year:2018", "badArgument"},
		{"GetRecord without identifier", "verb=GetRecord&metadataPrefix=oai_dc", "badArgument"},
		{"GetRecord without metadataPrefix", "verb=GetRecord&identifier=oai:gazette.test:2019-12-2", "badArgument"},
		{"ListSets with a set", "verb=ListSets&set=year:2019", "badArgument"},
		{"resumptionToken is exclusive", "verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=" + tok, "badArgument"},
		{"resumptionToken with from", "verb=ListIdentifiers&from=2019-01-01&resumptionToken=" + tok, "badArgument"},
		{"malformed from", "verb=ListRecords&metadataPrefix=oai_dc&from=2019-13-01", "badArgument"},
		{"from in another format", "verb=ListRecords&metadataPrefix=oai_dc&from=2019-01-01T00:00Z", "badArgument"},
		{"from finer than the granularity", "verb=ListRecords&metadataPrefix=oai_dc&from=2019-01-01T00:00:00.5Z", "badArgument"},
		{"from and until of different granularity", "verb=ListRecords&metadataPrefix=oai_dc&from=2019-01-01&until=2020-01-01T00:00:00Z", "badArgument"},
		{"from after until", "verb=ListRecords&metadataPrefix=oai_dc&from=2020-01-02&until=2020-01-01", "badArgument"},
		{"set not a setSpec", "verb=ListRecords&metadataPrefix=oai_dc&set=year%202019", "badArgument"},
		{"set of no dimension", "verb=ListRecords&metadataPrefix=oai_dc&set=colour:red", "badArgument"},
		{"unknown kind", "verb=ListRecords&metadataPrefix=oai_dc&set=kind:poem", "badArgument"},
		{"year not a year", "verb=ListRecords&metadataPrefix=oai_dc&set=year:19", "badArgument"},
		{"authority not base64url", "verb=ListRecords&metadataPrefix=oai_dc&set=authority:***", "badArgument"},
		{"query that does not parse", "verb=Identify&x=%zz", "badArgument"},
		{"unknown format, ListRecords", "verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"},
		{"unknown format, ListIdentifiers", "verb=ListIdentifiers&metadataPrefix=mods", "cannotDisseminateFormat"},
		{"unknown format, GetRecord", "verb=GetRecord&metadataPrefix=mods&identifier=oai:gazette.test:2019-12-2", "cannotDisseminateFormat"},
		{"unknown document", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:2019-12-999", "idDoesNotExist"},
		{"unpublished issue", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:2030-1-1", "idDoesNotExist"},
		{"another repository", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:example.org:2019-12-2", "idDoesNotExist"},
		{"not an identifier", "verb=GetRecord&metadataPrefix=oai_dc&identifier=2019-12-2", "idDoesNotExist"},
		{"identifier XML cannot carry", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:%00%FF%1B%3C%26%22]]%3E", "idDoesNotExist"},
		{"from XML cannot carry", "verb=ListRecords&metadataPrefix=oai_dc&from=%00%FF%3C", "badArgument"},
		{"formats of an unknown document", "verb=ListMetadataFormats&identifier=oai:gazette.test:1999-1-1", "idDoesNotExist"},
		{"nothing since", "verb=ListRecords&metadataPrefix=oai_dc&from=2150-01-01", "noRecordsMatch"},
		{"nothing until", "verb=ListIdentifiers&metadataPrefix=oai_dc&until=2000-01-01T00:00:00Z", "noRecordsMatch"},
		{"empty year", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:1990", "noRecordsMatch"},
		{"unknown authority", "verb=ListIdentifiers&metadataPrefix=oai_dc&set=authority:" + base64.RawURLEncoding.EncodeToString([]byte("火星省人民政府")), "noRecordsMatch"},
		{"garbage token", "verb=ListRecords&resumptionToken=abc", "badResumptionToken"},
		{"altered token", "verb=ListIdentifiers&resumptionToken=" + url.QueryEscape(alter(firstToken(t))), "badResumptionToken"},
		{"token of another verb", "verb=ListRecords&resumptionToken=" + tok, "badResumptionToken"},
		{"token to ListSets", "verb=ListSets&resumptionToken=" + tok, "badResumptionToken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, post := range []bool{false, true} {
				root := oaiDo(t, h, tc.query, post)
				if code := oaiErrorCode(root); code != tc.code {
					t.Fatalf("post %v: error %q, want %q", post, code, tc.code)
				}
				e := root.one(t, oaiNS, "error")
				if strings.TrimSpace(e.text) == "" {
					t.Error("the error says nothing")
				}
				if len(root.kids) != 3 {
					t.Errorf("an error answer has %d elements, want responseDate, request, error", len(root.kids))
				}
				attrs := root.one(t, oaiNS, "request").attrs
				if tc.code == "badVerb" || tc.code == "badArgument" {
					if len(attrs) != 0 {
						t.Errorf("request attributes %v after %s", attrs, tc.code)
					}
				} else if attrs["verb"] == "" {
					t.Errorf("request attributes %v: the verb is missing", attrs)
				}
			}
		})
	}
}

// firstToken is the resumptionToken of the first page of ListIdentifiers
// on a server with more documents than a page.
func firstToken(t *testing.T) string {
	t.Helper()
	h, _, _ := oaiGazette(t)
	root := oaiOK(t, h, "verb=ListIdentifiers&metadataPrefix=oai_dc")
	tok := root.one(t, oaiNS, "ListIdentifiers").one(t, oaiNS, "resumptionToken").text
	if tok == "" {
		t.Fatal("no resumptionToken on the first page")
	}
	// The shared gazette issued no such token, yet a token is the
	// server's own only if it was signed for this site: the same public
	// URL, so a token from one replica is good on another.
	if root := oaiDo(t, sharedGazette(t), "verb=ListIdentifiers&resumptionToken="+url.QueryEscape(tok), false); oaiErrorCode(root) != "" {
		t.Fatalf("a token of the same site is refused by another server: %s", oaiErrorCode(root))
	}
	return tok
}

// alter changes one character of a token's payload.
func alter(tok string) string {
	b := []byte(tok)
	i := len(b) / 3
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestOAIHarvest harvests everything as Sickle does, in pages, with both
// list verbs, and checks that every published document comes once, in
// datestamp order, with its Dublin Core.
func TestOAIHarvest(t *testing.T) {
	h, _, samples := oaiGazette(t)
	var want []string
	for _, s := range samples {
		for _, d := range s.Documents {
			want = append(want, d.ID)
		}
	}
	slices.Sort(want)
	for _, verb := range []string{"ListRecords", "ListIdentifiers"} {
		items, pages := harvest(t, h, verb, "metadataPrefix=oai_dc")
		if pages != (len(want)+99)/100 {
			t.Errorf("%s: %d pages for %d records", verb, pages, len(want))
		}
		got := oaiIDs(t, items)
		for i := 1; i < len(items); i++ {
			if items[i].datestamp < items[i-1].datestamp {
				t.Errorf("%s: datestamps out of order at %d", verb, i)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%s harvested %d documents, want %d", verb, len(got), len(want))
		}
		if verb == "ListIdentifiers" {
			continue
		}
		for _, it := range items {
			dc := it.record.one(t, oaiNS, "metadata").one(t, oaiDCNS, "dc")
			for _, f := range []string{"title", "creator", "publisher", "date", "type", "identifier", "source", "language"} {
				if len(dc.all(dcNS, f)) == 0 {
					t.Fatalf("%s has no dc:%s", it.id, f)
				}
			}
		}
	}
	// POST answers as GET does.
	get := oaiOK(t, h, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:2019")
	post := oaiDo(t, h, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:2019", true)
	g, p := get.one(t, oaiNS, "ListIdentifiers"), post.one(t, oaiNS, "ListIdentifiers")
	if len(g.all(oaiNS, "header")) != len(p.all(oaiNS, "header")) || len(g.all(oaiNS, "header")) == 0 {
		t.Errorf("GET gave %d headers, POST %d", len(g.all(oaiNS, "header")), len(p.all(oaiNS, "header")))
	}
	// A POST in another encoding is refused as a bad argument.
	req := httptest.NewRequest("POST", "/oai", strings.NewReader(`{"verb":"Identify"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if code := oaiErrorCode(parseXML(t, rec.Body.Bytes())); code != "badArgument" {
		t.Errorf("JSON POST: %q", code)
	}
}

// TestOAIGetRecord checks the Dublin Core of one document, field by field,
// against what was published.
func TestOAIGetRecord(t *testing.T) {
	h := sharedGazette(t)
	s := frontendtest.Sample(frontendtest.Issue2019, 24)
	d := s.Documents[1] // repealed by the third
	rec := oaiOK(t, h, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:"+d.ID).one(t, oaiNS, "GetRecord").one(t, oaiNS, "record")
	hd := rec.one(t, oaiNS, "header")
	if _, ok := hd.attrs["status"]; ok {
		t.Error("a published document is not deleted")
	}
	sets := hd.texts(oaiNS, "setSpec")
	wantSets := []string{"year:2019", "kind:" + string(d.Kind), "authority:" + base64.RawURLEncoding.EncodeToString([]byte(d.Authorities[0]))}
	if !slices.Equal(sets, wantSets) {
		t.Errorf("setSpecs %v, want %v", sets, wantSets)
	}
	dc := rec.one(t, oaiNS, "metadata").one(t, oaiDCNS, "dc")
	if sl := dc.attrs["schemaLocation"]; !strings.HasPrefix(sl, oaiDCNS+" ") {
		t.Errorf("oai_dc schemaLocation %q", sl)
	}
	want := map[string][]string{
		"title":      {d.Title},
		"creator":    d.Authorities,
		"publisher":  {s.Issue.Gazette},
		"date":       {d.Signed.String()},
		"type":       {d.Kind.Label()},
		"identifier": {d.DocNumber, publicURL + "/documents/" + d.ID},
		"language":   {"zh"},
		"relation":   {publicURL + "/documents/" + s.Documents[2].ID},
	}
	for f, w := range want {
		if got := dc.texts(dcNS, f); !slices.Equal(got, w) {
			t.Errorf("dc:%s = %q, want %q", f, got, w)
		}
	}
	if src := dc.texts(dcNS, "source"); len(src) != 1 || !strings.Contains(src[0], s.Issue.Label()) || !strings.Contains(src[0], publicURL+"/issues/2019/12") {
		t.Errorf("dc:source %q", src)
	}
	// Every dc element is in the dc namespace.
	for _, k := range dc.kids {
		if k.name.Space != dcNS {
			t.Errorf("element %v in oai_dc", k.name)
		}
	}
}

// TestOAISets lists the sets and harvests by each dimension.
func TestOAISets(t *testing.T) {
	h, _, samples := oaiGazette(t)
	root := oaiOK(t, h, "verb=ListSets")
	names := map[string]string{}
	for _, s := range root.one(t, oaiNS, "ListSets").all(oaiNS, "set") {
		spec := s.one(t, oaiNS, "setSpec").text
		names[spec] = s.one(t, oaiNS, "setName").text
	}
	count := func(keep func(d gazette.Document) bool) []string {
		var ids []string
		for _, s := range samples {
			for _, d := range s.Documents {
				if keep(d) {
					ids = append(ids, d.ID)
				}
			}
		}
		slices.Sort(ids)
		return ids
	}
	authority := "福建省财政厅"
	aspec := "authority:" + base64.RawURLEncoding.EncodeToString([]byte(authority))
	cases := []struct {
		spec, name string
		keep       func(d gazette.Document) bool
	}{
		{"year:2019", "2019年", func(d gazette.Document) bool { return d.Issue.Year == 2019 }},
		{"year:2021", "2021年", func(d gazette.Document) bool { return d.Issue.Year == 2021 }},
		{"kind:rule", "政府规章", func(d gazette.Document) bool { return d.Kind == gazette.KindRule }},
		{"kind:appointment", "人事任免", func(d gazette.Document) bool { return d.Kind == gazette.KindAppointment }},
		{aspec, authority, func(d gazette.Document) bool { return slices.Contains(d.Authorities, authority) }},
		{"year", "按年份", func(gazette.Document) bool { return true }},
		{"authority", "按发文机关", func(d gazette.Document) bool { return len(d.Authorities) > 0 }},
	}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			if names[tc.spec] != tc.name {
				t.Errorf("ListSets names %s %q, want %q", tc.spec, names[tc.spec], tc.name)
			}
			want := count(tc.keep)
			if len(want) == 0 {
				t.Fatal("the fixture has no such document")
			}
			items, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc&set="+url.QueryEscape(tc.spec))
			got := oaiIDs(t, items)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("set %s: %d documents, want %d", tc.spec, len(got), len(want))
			}
			for _, it := range items {
				if !strings.Contains(tc.spec, ":") {
					continue
				}
				if !slices.Contains(it.sets, tc.spec) {
					t.Errorf("%s is listed in %s but its header says %v", it.id, tc.spec, it.sets)
				}
			}
		})
	}
}

// TestOAIFromUntil changes two documents after publication (a
// correction, a validity change) and harvests by date: their datestamps
// move to the change, from and until are inclusive at both
// granularities.
func TestOAIFromUntil(t *testing.T) {
	h, a, samples := oaiGazette(t)
	ctx := context.Background()
	all, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc")
	// Publishing the fixture may take more than a second (under -race).
	earliest, published := all[0].datestamp, all[len(all)-1].datestamp
	time.Sleep(1100 * time.Millisecond) // datestamps are seconds
	d := samples[0].Documents[0]
	// The correction adds an issuing authority: the sets follow, though
	// the server read the document's sets before.
	joint := "福建省司法厅"
	inJoint := func() bool {
		items, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc&set="+url.QueryEscape("authority:"+base64.RawURLEncoding.EncodeToString([]byte(joint))))
		return slices.Contains(oaiIDs(t, items), d.ID)
	}
	if inJoint() {
		t.Fatalf("%s is listed under %s before the correction", d.ID, joint)
	}
	d.Title += "（更正）"
	d.Authorities = append(slices.Clone(d.Authorities), joint)
	if _, err := a.Correct(ctx, d.ID, d, gazette.Correction{Reason: "标题有误", Date: gazette.Date{Year: 2026, Month: 1, Day: 2}, By: "editor"}); err != nil {
		t.Fatal(err)
	}
	h.Invalidate() // as the editors' desk does after a change
	if !inJoint() {
		t.Errorf("%s is not listed under %s after the correction", d.ID, joint)
	}
	time.Sleep(1100 * time.Millisecond)
	other := samples[3].Documents[4].ID
	if _, err := a.SetValidity(ctx, other, gazette.ValidityChange{State: gazette.Expired, Since: gazette.Date{Year: 2025, Month: 1, Day: 1}, By: "editor", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	h.Invalidate()
	stamps := map[string]string{}
	items, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc")
	for i, id := range oaiIDs(t, items) {
		stamps[id] = items[i].datestamp
	}
	corrected, changed := stamps[d.ID], stamps[other]
	if !(published < corrected && corrected < changed) {
		t.Fatalf("datestamps: published %s, corrected %s, validity changed %s", published, corrected, changed)
	}
	if ids := oaiIDs(t, items); ids[len(ids)-2] != d.ID || ids[len(ids)-1] != other {
		t.Errorf("the changed documents are not last: %v", ids[len(ids)-2:])
	}
	ids := func(args string) []string {
		items, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc&"+args)
		out := oaiIDs(t, items)
		slices.Sort(out)
		return out
	}
	others := len(stamps) - 2
	day := published[:10]
	cases := []struct {
		args string
		want int
		has  []string
	}{
		{"from=" + corrected, 2, []string{d.ID, other}},
		{"from=" + changed, 1, []string{other}},
		{"from=" + corrected + "&until=" + corrected, 1, []string{d.ID}},
		{"until=" + published, others, nil},
		{"until=" + corrected, others + 1, []string{d.ID}},
		{"from=" + earliest + "&until=" + changed, len(stamps), nil},
		{"from=" + day + "&until=" + day, len(stamps), nil}, // all happened today (UTC)
		{"from=" + day, len(stamps), nil},
	}
	if changed[:10] != day || earliest[:10] != day {
		t.Skip("the test crossed midnight UTC")
	}
	for _, tc := range cases {
		got := ids(tc.args)
		if len(got) != tc.want {
			t.Errorf("%s: %d records, want %d", tc.args, len(got), tc.want)
		}
		for _, id := range tc.has {
			if !slices.Contains(got, id) {
				t.Errorf("%s: %s missing", tc.args, id)
			}
		}
	}
	// The record is the corrected text.
	rec := oaiOK(t, h, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:"+d.ID)
	title := rec.one(t, oaiNS, "GetRecord").one(t, oaiNS, "record").one(t, oaiNS, "metadata").one(t, oaiDCNS, "dc").texts(dcNS, "title")
	if !slices.Equal(title, []string{d.Title}) {
		t.Errorf("title %q, want the corrected %q", title, d.Title)
	}
}

// TestOAIEmbargo schedules an issue: before its moment it has no record
// at all, withdrawn it never has one, and published it appears.
func TestOAIEmbargo(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	clock := now
	a := archive.New(archivetest.NewMemBlobs(), nil, nil, archive.WithClock(func() time.Time { return clock }))
	if err := frontendtest.Publish(ctx, a, frontendtest.Sample(frontendtest.Issue2019, 3)); err != nil {
		t.Fatal(err)
	}
	h, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	schedule := func(key gazette.IssueKey) archivetest.Sample {
		s := frontendtest.Sample(key, 4)
		s.Issue.Published = now.Add(time.Hour)
		if err := a.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
			t.Fatal(err)
		}
		return s
	}
	withdrawn := schedule(gazette.IssueKey{Year: 2026, Number: 7})
	due := schedule(gazette.IssueKey{Year: 2026, Number: 8})
	// onlyScheduled: nothing of 2026 is published.
	leaks := func(s archivetest.Sample, onlyScheduled bool) {
		t.Helper()
		items, _ := harvest(t, h, "ListRecords", "metadataPrefix=oai_dc")
		for _, id := range oaiIDs(t, items) {
			if strings.HasPrefix(id, s.Issue.Key().String()+"-") {
				t.Fatalf("%s of the scheduled issue %s is harvested", id, s.Issue.Key())
			}
		}
		if r := oaiDo(t, h, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:"+s.Documents[0].ID, false); oaiErrorCode(r) != "idDoesNotExist" {
			t.Fatalf("GetRecord of a scheduled document: %q", oaiErrorCode(r))
		}
		if !onlyScheduled {
			return
		}
		if r := oaiDo(t, h, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=year:2026", false); oaiErrorCode(r) != "noRecordsMatch" {
			t.Fatalf("the scheduled year: %q", oaiErrorCode(r))
		}
		for _, s := range oaiOK(t, h, "verb=ListSets").one(t, oaiNS, "ListSets").all(oaiNS, "set") {
			if s.one(t, oaiNS, "setSpec").text == "year:2026" {
				t.Fatal("ListSets names the year of a scheduled issue only")
			}
		}
	}
	leaks(withdrawn, true)
	leaks(due, true)
	if err := a.Unschedule(ctx, withdrawn.Issue.Key()); err != nil {
		t.Fatal(err)
	}
	clock = now.Add(2 * time.Hour)
	if keys, err := a.PublishDue(ctx, clock); err != nil || len(keys) != 1 {
		t.Fatalf("PublishDue = %v, %v", keys, err)
	}
	h.Invalidate() // as serve's publisher does

	leaks(withdrawn, false)
	items, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc&set=year:2026")
	if ids := oaiIDs(t, items); len(ids) != 4 || !strings.HasPrefix(ids[0], due.Issue.Key().String()+"-") {
		t.Errorf("after its moment the issue's records are %v", ids)
	}
	for _, it := range items {
		if at, err := time.Parse("2006-01-02T15:04:05Z", it.datestamp); err != nil || at.Before(now.Add(time.Hour).Truncate(time.Second)) {
			t.Errorf("%s datestamp %s is before its release", it.id, it.datestamp)
		}
	}
}

// TestOAIWellFormedByXmllint has libxml2 read the answers too, where it is
// installed.
func TestOAIWellFormedByXmllint(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint (libxml2-utils) is not installed")
	}
	h := sharedGazette(t)
	for _, q := range []string{"verb=Identify", "verb=ListSets", "verb=ListRecords&metadataPrefix=oai_dc", "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:2017-6-1", "verb=Nope"} {
		rec := do(h, "GET", "/oai?"+q)
		cmd := exec.Command(xmllint, "--noout", "--nonet", "-")
		cmd.Stdin = rec.Body
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: xmllint: %v\n%s", q, err, out)
		}
	}
}

// checkOAIHarvest harvests every record of a server over the sample
// gazette and its hostile issue, published since start: each document
// once, dated by its commit in storage, its XML well-formed.
func checkOAIHarvest(t *testing.T, h http.Handler, start time.Time) {
	t.Helper()
	var want []string
	for _, s := range append(frontendtest.Gazette(), frontendtest.Hostile()) {
		for _, d := range s.Documents {
			want = append(want, d.ID)
		}
	}
	slices.Sort(want)
	items, _ := harvest(t, h, "ListRecords", "metadataPrefix=oai_dc")
	got := oaiIDs(t, items)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("harvested %d documents, want %d", len(got), len(want))
	}
	for _, it := range items {
		at, err := time.Parse("2006-01-02T15:04:05Z", it.datestamp)
		if err != nil || at.Before(start.Truncate(time.Second)) || at.After(time.Now()) {
			t.Errorf("%s: datestamp %s, published after %s", it.id, it.datestamp, start.UTC().Format(time.RFC3339))
		}
	}
}

// fsGazette is oaiGazette on local storage, its listings counted, with
// the archive another replica would open over the same storage.
func fsGazette(t *testing.T) (*frontend.Server, *countingBlobs, *archive.Archive) {
	t.Helper()
	fs, err := fsblobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	blobs := &countingBlobs{Blobs: fs}
	samples := append(frontendtest.Gazette(),
		frontendtest.Sample(gazette.IssueKey{Year: 2021, Number: 3}, 80),
		frontendtest.Sample(gazette.IssueKey{Year: 2021, Number: 4}, 90))
	if err := frontendtest.Publish(t.Context(), archive.New(blobs, nil, nil), samples...); err != nil {
		t.Fatal(err)
	}
	s, err := frontend.New(frontend.Config{Archive: archive.New(blobs, nil, nil), PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s, blobs, archive.New(blobs, nil, nil)
}

// TestOAIListingsPerHarvest counts what answering costs storage: a
// harvest of several pages lists the archive once (one reading of every
// stamp: manifests, histories, links), not once per page, and GetRecord
// lists none of it.
func TestOAIListingsPerHarvest(t *testing.T) {
	h, blobs, _ := fsGazette(t)
	// A fresh server reads the newest issue once, on its first request,
	// to learn the gazette's name: that is not the harvest's cost.
	do(h, "GET", "/robots.txt")
	for _, verb := range []string{"ListRecords", "ListIdentifiers"} {
		before, start := blobs.whole.Load(), time.Now()
		items, pages := harvest(t, h, verb, "metadataPrefix=oai_dc")
		if pages < 3 || len(items) < 200 {
			t.Fatalf("%s: %d items in %d pages: the fixture is too small to tell", verb, len(items), pages)
		}
		// A reading is 4 listings, and a slow machine may need a second
		// one when the harvest outlasts what the stamps are kept for.
		readings := 1 + int(time.Since(start)/(10*time.Second))
		if n := blobs.whole.Load() - before; n > int64(4*readings) {
			t.Errorf("%s: %d pages listed the archive %d times (%.1f a page), want %d at most", verb, pages, n, float64(n)/float64(pages), 4*readings)
		}
	}
	before := blobs.whole.Load()
	oaiOK(t, h, "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:gazette.test:2021-3-7")
	if n := blobs.whole.Load() - before; n != 0 {
		t.Errorf("GetRecord listed the archive %d times", n)
	}
}

// TestOAIHarvestFromResponseDate publishes an issue on another replica
// between two harvests, after this server read the stamps it answers the
// first from: the first harvest does not list the issue, and the second,
// from the first's responseDate, does.
func TestOAIHarvestFromResponseDate(t *testing.T) {
	h, _, other := fsGazette(t)
	// The stamps are read now and kept.
	first, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc")
	s := frontendtest.Sample(gazette.IssueKey{Year: 2022, Number: 1}, 5)
	if err := frontendtest.Publish(t.Context(), other, s); err != nil {
		t.Fatal(err)
	}
	// Long enough that a responseDate of the clock, however shifted back
	// to allow for storage's, would come after the publication.
	time.Sleep(3100 * time.Millisecond)
	again, _, date := harvestDated(t, h, "ListIdentifiers", "metadataPrefix=oai_dc")
	if len(again) != len(first) {
		t.Fatalf("the second harvest has %d records, the first %d: the stamps were read again, the test tells nothing", len(again), len(first))
	}
	// Something published here drops the stamps kept, as the TTL would.
	h.Invalidate()
	items, _ := harvest(t, h, "ListIdentifiers", "metadataPrefix=oai_dc&from="+date)
	got := oaiIDs(t, items)
	for _, d := range s.Documents {
		if !slices.Contains(got, d.ID) {
			t.Errorf("%s, published on another replica before the harvest whose responseDate was %s, is not listed from it", d.ID, date)
		}
	}
}
