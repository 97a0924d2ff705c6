package frontend_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
)

// A RIS record is text: the conformance test of the API (api_test.go)
// reads it as a string, as it reads a file.
func init() {
	openapi3filter.RegisterBodyDecoder("application/x-research-info-systems", openapi3filter.FileBodyDecoder)
}

// citeGazette serves 2019年第12期 with 4 documents, the rule (2019-12-1)
// printed as thirteen articles, 第一条 to 第十三条.
func citeGazette(t *testing.T) http.Handler {
	t.Helper()
	s := frontendtest.Sample(frontendtest.Issue2019, 4)
	rule := &s.Documents[0]
	rule.Body = nil
	for i := 1; i <= 13; i++ {
		rule.Body = append(rule.Body, fmt.Sprintf("第%s条　本条规定第%d项事项。", gazette.ChineseNumber(i), i))
	}
	a := archive.New(archivetest.NewMemBlobs(), nil, nil)
	if err := frontendtest.Publish(context.Background(), a, s); err != nil {
		t.Fatal(err)
	}
	srv, err := frontend.New(frontend.Config{Archive: a, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// chinaToday is the access date a citation made now carries.
func chinaToday() string { return time.Now().In(gazette.ChinaTime).Format(time.DateOnly) }

type citationAnswer struct {
	ID, URL, Accessed, Provision string
	Article                      int
	GBT7714                      string `json:"gbt7714"`
	RISURL                       string `json:"ris_url"`
	CSLURL                       string `json:"csl_json_url"`
	CSL                          map[string]any
}

func getCitation(t *testing.T, h http.Handler, path string) citationAnswer {
	t.Helper()
	rec := do(h, "GET", path)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s = %d %s: %s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var a citationAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCitationGBT7714 checks the citation text for each kind of document,
// whole and pinned to an article.
func TestCitationGBT7714(t *testing.T) {
	h := citeGazette(t)
	today := chinaToday()
	cases := []struct {
		name, path, want string
	}{
		{"a rule", "/api/v1/documents/2019-12-1/citation",
			"福建省人民政府．福建省行政执法程序规定：省政府令第1201号［J/OL］．福建省人民政府公报，2019（12）：2［" + today + "］．http://gazette.test/documents/2019-12-1．"},
		{"an article of a rule", "/api/v1/documents/2019-12-1/citation?article=13",
			"福建省人民政府．福建省行政执法程序规定：省政府令第1201号：第十三条［J/OL］．福建省人民政府公报，2019（12）：2［" + today + "］．http://gazette.test/documents/2019-12-1#art-13．"},
		{"a normative document over two pages", "/api/v1/documents/2019-12-2/citation",
			"福建省人民政府．福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知：闽政〔2019〕1202号［J/OL］．福建省人民政府公报，2019（12）：3-4［" + today + "］．http://gazette.test/documents/2019-12-2．"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := getCitation(t, h, tc.path)
			if a.Accessed != today {
				t.Skipf("the day changed in China during the test (%s, %s)", a.Accessed, today)
			}
			if a.GBT7714 != tc.want {
				t.Errorf("GB/T 7714 citation\n got %s\nwant %s", a.GBT7714, tc.want)
			}
			// Full-width punctuation only, but for the URL's and the
			// date's own characters and the page range's hyphen.
			if bad := regexp.MustCompile(`[.,:;\[\]()]`).FindString(strings.Split(strings.Split(a.GBT7714, "［J/OL］")[0], "http")[0]); bad != "" {
				t.Errorf("half-width %q in the citation's Chinese part: %s", bad, a.GBT7714)
			}
			if !strings.HasSuffix(a.RISURL, ".ris"+strings.TrimPrefix(tc.path, strings.Split(tc.path, "?")[0])) {
				t.Errorf("ris_url %q does not carry the article", a.RISURL)
			}
		})
	}
	// Page view: the citation box is there without JavaScript, the
	// exports and the feed are linked, and the page offers the feed.
	body := page(t, h, "/documents/2019-12-2")
	for _, want := range []string{
		`<p class="cite-text" id="cite-text" data-accessed="` + today + `"`,
		`福建省人民政府．福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知：闽政〔2019〕1202号［J/OL］．`,
		`href="/documents/2019-12-2/citation.ris" download`, `href="/documents/2019-12-2/citation.json" download`,
		`<form class="cite-article" action="/documents/2019-12-2/citation.txt" method="get">`,
		`<a class="btn" href="/feeds/documents/2019-12-2.atom" type="application/atom+xml">`,
		`<link rel="alternate" type="application/atom+xml" title="《福建省人民政府关于印发福建省深化“放管服”改革优化营商环境行动计划的通知》的变更" href="/feeds/documents/2019-12-2.atom">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the document page lacks %q", want)
		}
	}
	// The form's answer without JavaScript: the article's citation as text.
	rec := do(h, "GET", "/documents/2019-12-1/citation.txt?article=2")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") || !strings.Contains(rec.Body.String(), "：第二条［J/OL］") || !strings.Contains(rec.Body.String(), "#art-2．") {
		t.Errorf("citation.txt?article=2 = %d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}

// TestCitationRefusals: a malformed or unknown parameter is 400, an
// article the document does not have and a document that is not
// published 404, in the reader and the API alike.
func TestCitationRefusals(t *testing.T) {
	h := citeGazette(t)
	cases := []struct {
		name, query string
		status      int
		detail      string
	}{
		{"article 14 of 13", "?article=14", 404, "no article 14 (第十四条)"},
		{"article of a document without articles", "", 404, ""},
		{"article 0", "?article=0", 400, "at least 1"},
		{"article in words", "?article=" + "%E5%8D%81%E4%B8%89", 400, "positive whole number"},
		{"article too big", "?article=10000", 400, "1–9999"},
		{"article twice", "?article=1&article=2", 400, "more than once"},
		{"article empty", "?article=", 400, "empty"},
		{"unknown parameter", "?article=1&style=apa", 400, "style"},
		{"malformed query", "?article=1%", 400, ""},
	}
	for _, tc := range cases {
		for _, base := range []string{"/documents/2019-12-1/citation.ris", "/documents/2019-12-1/citation.json", "/api/v1/documents/2019-12-1/citation"} {
			path := base + tc.query
			if tc.name == "article of a document without articles" {
				path = strings.Replace(base, "2019-12-1", "2019-12-2", 1) + "?article=1"
			}
			t.Run(tc.name+base, func(t *testing.T) {
				rec := do(h, "GET", path)
				if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.detail) {
					t.Errorf("GET %s = %d, want %d with %q: %s", path, rec.Code, tc.status, tc.detail, rec.Body)
				}
			})
		}
	}
	for _, path := range []string{"/documents/2019-12-9/citation.ris", "/api/v1/documents/2019-12-9/citation", "/documents/2018-24-1/citation.json"} {
		if rec := do(h, "GET", path); rec.Code != 404 {
			t.Errorf("GET %s of a document not published = %d, want 404", path, rec.Code)
		}
	}
	if rec := do(h, "GET", "/documents/2019-12/citation.ris"); rec.Code != 400 {
		t.Errorf("malformed ID = %d, want 400", rec.Code)
	}
}

// risRecord is a RIS record read by the rules of the 2011 specification,
// independently of the writer: each line a tag of an upper-case letter
// and a letter or digit, two spaces, a hyphen, a space and the value, CRLF
// ends; TY first, ER last.
func risRecord(t *testing.T, body []byte) (tags []string, values map[string][]string) {
	t.Helper()
	if !bytes.HasSuffix(body, []byte("ER  - \r\n")) {
		t.Fatalf("the record does not end with ER: %q", body)
	}
	values = map[string][]string{}
	line := regexp.MustCompile(`^([A-Z][A-Z0-9])  - (.*)$`)
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
			return i + 2, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return 0, nil, fmt.Errorf("a line without CRLF: %q", data)
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("not a RIS line: %q", sc.Text())
		}
		if strings.ContainsAny(m[2], "\r\n") {
			t.Fatalf("a value over two lines: %q", m[2])
		}
		tags = append(tags, m[1])
		values[m[1]] = append(values[m[1]], m[2])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if tags[0] != "TY" || tags[len(tags)-1] != "ER" {
		t.Fatalf("tags %v: want TY first and ER last", tags)
	}
	return tags, values
}

// risFields are the tags the 2011 RIS specification defines for the two
// reference types written, with what each means there.
var risFields = map[string]map[string]string{
	"LEGAL": {"TY": "type", "TI": "Title", "A2": "Issuing Organization", "SN": "Document Number", "PB": "Publisher",
		"DA": "Date of Code Edition", "SE": "Section Number", "PY": "Year", "SP": "Pages", "KW": "Keywords", "LA": "Language",
		"UR": "URL", "Y2": "Access Date", "N1": "Notes", "ER": "end"},
	"GOVDOC": {"TY": "type", "TI": "Title", "AU": "Author", "SN": "Report Number", "T3": "Series Title", "M1": "Issue",
		"C1": "Government Body", "SE": "Section", "PY": "Year", "SP": "Pages", "KW": "Keywords", "LA": "Language",
		"UR": "URL", "Y2": "Access Date", "N1": "Notes", "ER": "end"},
}

func TestCitationRIS(t *testing.T) {
	h := citeGazette(t)
	today := strings.ReplaceAll(chinaToday(), "-", "/")
	cases := []struct {
		name, path, ty, file string
		want                 map[string]string
	}{
		{"rule, an article", "/documents/2019-12-1/citation.ris?article=13", "LEGAL", "2019-12-1-art13.ris", map[string]string{
			"TI": "福建省行政执法程序规定", "A2": "福建省人民政府", "SN": "省政府令第1201号", "PB": "福建省人民政府公报", "SE": "第十三条",
			"PY": "2019", "SP": "2", "UR": "http://gazette.test/documents/2019-12-1#art-13", "Y2": today, "KW": "政府规章"}},
		{"normative document, in the API", "/api/v1/documents/2019-12-2/citation.ris", "LEGAL", "2019-12-2.ris", map[string]string{
			"SN": "闽政〔2019〕1202号", "SP": "3-4", "UR": "http://gazette.test/documents/2019-12-2"}},
		{"decision", "/documents/2019-12-3/citation.ris", "GOVDOC", "2019-12-3.ris", map[string]string{
			"AU": "福建省人民政府", "C1": "福建省人民政府", "SN": "闽政〔2019〕1203号", "T3": "福建省人民政府公报", "M1": "2019年第12期", "KW": "决定"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "GET", tc.path)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-research-info-systems; charset=utf-8" {
				t.Fatalf("GET %s = %d %q", tc.path, rec.Code, rec.Header().Get("Content-Type"))
			}
			if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="`+tc.file+`"` {
				t.Errorf("Content-Disposition %q", cd)
			}
			tags, values := risRecord(t, rec.Body.Bytes())
			if values["TY"][0] != tc.ty {
				t.Fatalf("TY %q, want %s", values["TY"][0], tc.ty)
			}
			for _, tag := range tags {
				if _, ok := risFields[tc.ty][tag]; !ok {
					t.Errorf("tag %s is not a field of %s in the RIS specification", tag, tc.ty)
				}
			}
			for tag, want := range tc.want {
				if got := values[tag]; len(got) != 1 || got[0] != want {
					t.Errorf("%s = %q, want %q", tag, got, want)
				}
			}
			if n := values["N1"]; len(n) != 1 || !strings.Contains(n[0], "［J/OL］") {
				t.Errorf("N1 does not carry the GB/T 7714 citation: %q", n)
			}
		})
	}
}

// cslProperties are the properties of a CSL-JSON item in the CSL 1.0.2
// input schema (csl-data.json) and the types it allows for them; the
// schema allows no others (additionalProperties: false).
var cslProperties = map[string]string{
	"id": "string|number", "type": "string", "title": "string", "author": "names", "authority": "string", "number": "string|number",
	"genre": "string", "container-title": "string", "issue": "string|number", "page": "string|number", "section": "string",
	"issued": "date", "accessed": "date", "URL": "string", "language": "string", "note": "string",
	// in the schema, never written here
	"DOI": "string", "ISSN": "string", "volume": "string|number", "publisher": "string", "jurisdiction": "string", "source": "string",
	"status": "string", "collection-title": "string", "chapter-number": "string|number", "edition": "string|number", "editor": "names",
}

var cslTypes = []string{"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter", "classic",
	"collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "figure", "graphic", "hearing", "interview",
	"legal_case", "legislation", "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
	"performance", "periodical", "personal_communication", "post", "post-weblog", "regulation", "report", "review", "review-book",
	"software", "song", "speech", "standard", "thesis", "treaty", "webpage"}

// checkCSLItem checks an item, decoded without the writer's types,
// against the schema: required id and type, a type of the enumeration,
// known properties of the right JSON types, names as objects of name
// parts, dates as date-parts of one or two arrays of one to three parts.
func checkCSLItem(t *testing.T, it map[string]any) {
	t.Helper()
	for _, req := range []string{"id", "type"} {
		if _, ok := it[req]; !ok {
			t.Errorf("item lacks %q", req)
		}
	}
	if ty, _ := it["type"].(string); !slices.Contains(cslTypes, ty) {
		t.Errorf("type %q is not a CSL type", it["type"])
	}
	for k, v := range it {
		want, ok := cslProperties[k]
		if !ok {
			t.Errorf("property %q is not in the CSL schema", k)
			continue
		}
		switch want {
		case "string":
			if _, ok := v.(string); !ok {
				t.Errorf("%s = %v, want a string", k, v)
			}
		case "string|number":
			switch v.(type) {
			case string, float64:
			default:
				t.Errorf("%s = %v, want a string or a number", k, v)
			}
		case "names":
			names, ok := v.([]any)
			for _, n := range names {
				m, isObj := n.(map[string]any)
				if !isObj || len(m) == 0 {
					ok = false
				}
				for part := range m {
					if !slices.Contains([]string{"family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle"}, part) {
						ok = false
					}
				}
			}
			if !ok {
				t.Errorf("%s = %v, want an array of names", k, v)
			}
		case "date":
			d, ok := v.(map[string]any)
			parts, _ := d["date-parts"].([]any)
			if !ok || len(parts) < 1 || len(parts) > 2 {
				t.Errorf("%s = %v, want date-parts", k, v)
				continue
			}
			for _, p := range parts {
				if ps, _ := p.([]any); len(ps) < 1 || len(ps) > 3 {
					t.Errorf("%s: date part %v", k, p)
				}
			}
		}
	}
}

func TestCitationCSLJSON(t *testing.T) {
	h := citeGazette(t)
	y, m, d := time.Now().In(gazette.ChinaTime).Date()
	cases := []struct {
		name, path string
		want       map[string]any
	}{
		{"rule, an article", "/documents/2019-12-1/citation.json?article=13", map[string]any{
			"id": "2019-12-1", "type": "regulation", "title": "福建省行政执法程序规定", "authority": "福建省人民政府", "number": "省政府令第1201号",
			"container-title": "福建省人民政府公报", "issue": "12", "page": "2", "section": "第十三条", "genre": "政府规章",
			"URL": "http://gazette.test/documents/2019-12-1#art-13", "language": "zh-CN"}},
		{"normative document, in the API", "/api/v1/documents/2019-12-2/citation.json", map[string]any{
			"type": "regulation", "number": "闽政〔2019〕1202号", "page": "3-4", "URL": "http://gazette.test/documents/2019-12-2"}},
		{"decision", "/documents/2019-12-3/citation.json", map[string]any{"type": "document", "number": "闽政〔2019〕1203号"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "GET", tc.path)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vnd.citationstyles.csl+json" {
				t.Fatalf("GET %s = %d %q: %s", tc.path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			var items []map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &items); err != nil || len(items) != 1 {
				t.Fatalf("not an array of one CSL item: %v %s", err, rec.Body)
			}
			it := items[0]
			checkCSLItem(t, it)
			for k, want := range tc.want {
				if it[k] != want {
					t.Errorf("%s = %v, want %v", k, it[k], want)
				}
			}
			if got := fmt.Sprint(it["accessed"]); got != fmt.Sprintf("map[date-parts:[[%d %d %d]]]", y, int(m), d) {
				t.Errorf("accessed = %s", got)
			}
			if got := fmt.Sprint(it["author"]); !strings.HasPrefix(got, "[map[literal:福建省人民政府") {
				t.Errorf("author = %s", got)
			}
		})
	}
}
