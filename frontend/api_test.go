package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/gazette-archive/gazette/frontend"
)

// TestAPIConformsToOpenAPI checks real responses, successes and errors,
// against the OpenAPI description the server publishes.
func TestAPIConformsToOpenAPI(t *testing.T) {
	h := sharedGazette(t)
	conforms(t, h, []apiCase{
		{"issues of a year", "/api/v1/issues?year=2019", 200},
		{"issues of the latest year", "/api/v1/issues", 200},
		{"latest issue", "/api/v1/issues/latest", 200},
		{"coverage", "/api/v1/coverage", 200},
		{"one issue", "/api/v1/issues/2019/12", 200},
		{"a supplement", "/api/v1/issues/2019/s1", 200},
		{"missing issue", "/api/v1/issues/2019/99", 404},
		{"malformed issue", "/api/v1/issues/2019/x9", 400},
		{"one document", "/api/v1/documents/2019-12-2", 200},
		{"document without 文号", "/api/v1/documents/2019-12-24", 200},
		{"missing document", "/api/v1/documents/2019-12-99", 404},
		{"relations of a document that cites others", "/api/v1/documents/2019-12-2/relations", 200},
		{"relations of a cited document", "/api/v1/documents/2019-12-1/relations", 200},
		{"relations of a missing document", "/api/v1/documents/2019-12-99/relations", 404},
		{"citation", "/api/v1/documents/2019-12-2/citation", 200},
		{"citation as RIS", "/api/v1/documents/2019-12-24/citation.ris", 200},
		{"citation as CSL-JSON", "/api/v1/documents/2019-12-1/citation.json", 200},
		{"citation of an article not printed", "/api/v1/documents/2019-12-1/citation?article=5", 404},
		{"citation with an unknown parameter", "/api/v1/documents/2019-12-1/citation.json?style=apa", 400},
		{"malformed document ID", "/api/v1/documents/2019-12", 400},
		{"batch", "/api/v1/documents?ids=2019-12-1,2019-12-2,2019-12-99", 200},
		{"batch without ids", "/api/v1/documents", 400},
		{"search", "/api/v1/search?q=" + url.QueryEscape("营商环境") + "&kind=normative&per_page=5&sort=newest", 200},
		{"search by 文号", "/api/v1/search?q=" + url.QueryEscape("闽政[2019]1202号"), 200},
		{"search filters only", "/api/v1/search?year=2019&validity=repealed&from=2019-01-01&to=2019-12-31", 200},
		{"search bad page", "/api/v1/search?q=x&page=0", 400},
		{"search bad date", "/api/v1/search?q=x&from=yesterday", 400},
		{"search malformed query", "/api/v1/search?kind=rule%", 400},
		{"search semicolon", "/api/v1/search?validity=repealed;x=1", 400},
		{"issue malformed query", "/api/v1/issues/2019/12?x=%zz", 400},
		{"spec malformed query", "/api/v1/openapi.json?x=%", 400},
		{"docnum", "/api/v1/docnum/" + url.PathEscape("闽政（2019）1202号"), 200},
		{"docnum unknown", "/api/v1/docnum/" + url.PathEscape("闽政〔1999〕1号"), 404},
		{"docnum malformed", "/api/v1/docnum/hello", 400},
		{"suggest by 文号", "/api/v1/suggest?q=" + url.QueryEscape("闽政[2019]1202号"), 200},
		{"suggest title words", "/api/v1/suggest?q=" + url.QueryEscape("最低工资"), 200},
		{"suggest one character", "/api/v1/suggest?q=" + url.QueryEscape("水"), 200},
		{"suggest without q", "/api/v1/suggest", 400},
		{"suggest unknown parameter", "/api/v1/suggest?q=x&limit=20", 400},
	})
}

// apiCase is a request whose answer must have status and match the
// OpenAPI description.
type apiCase struct {
	name   string
	path   string
	status int
}

// conforms checks the answers of h to cases, successes and errors,
// against the OpenAPI description h publishes.
func conforms(t *testing.T, h http.Handler, cases []apiCase) {
	t.Helper()
	rec := do(h, "GET", "/api/v1/openapi.json")
	if rec.Code != 200 {
		t.Fatalf("openapi.json: %d", rec.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("spec is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: "http://gazette.test/api/v1"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://gazette.test"+tc.path, nil)
			rec := do(h, "GET", tc.path)
			if rec.Code != tc.status {
				t.Fatalf("GET %s = %d, want %d: %s", tc.path, rec.Code, tc.status, rec.Body)
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatalf("no route in the spec for %s: %v", tc.path, err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{MultiError: true}}
			if tc.status == 200 {
				if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
					t.Errorf("request does not match the spec: %v", err)
				}
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
				Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response does not match the spec: %v\n%.500s", err, rec.Body)
			}
		})
	}
}

func TestAPIContent(t *testing.T) {
	h := sharedGazette(t)
	var d struct {
		ID, Title, Citation, URL string
		DocNumber                string `json:"doc_number"`
		PDFURL                   string `json:"pdf_url"`
		Body                     []string
	}
	rec := do(h, "GET", "/api/v1/docnum/"+url.PathEscape("闽政 [2019] 1202号"))
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil || rec.Code != 200 {
		t.Fatalf("docnum lookup = %d %v: %s", rec.Code, err, rec.Body)
	}
	if d.ID != "2019-12-2" || d.DocNumber != "闽政〔2019〕1202号" || d.Citation != "福建省人民政府公报 2019年第12期 第3页" ||
		d.URL != "http://gazette.test/documents/2019-12-2" || d.PDFURL != "http://gazette.test/issues/2019/12.pdf#page=3" || len(d.Body) == 0 {
		t.Errorf("docnum lookup answered %+v", d)
	}
	var batch struct {
		Documents []struct{ ID string }
		Missing   []string
	}
	rec = do(h, "GET", "/api/v1/documents?ids=2019-12-3,2019-12-1,2019-012-03,2019-12-99")
	json.Unmarshal(rec.Body.Bytes(), &batch)
	if len(batch.Documents) != 2 || batch.Documents[0].ID != "2019-12-3" || batch.Documents[1].ID != "2019-12-1" || len(batch.Missing) != 1 {
		t.Errorf("batch = %+v", batch)
	}
	many := strings.Repeat("2019-12-1,", 51)
	if rec := do(h, "GET", "/api/v1/documents?ids="+strings.TrimSuffix(many, ",")); rec.Code != 400 {
		t.Errorf("batch of 51 = %d, want 400", rec.Code)
	}
	var res struct {
		Total int
		Hits  []struct {
			ID, Snippet string
		}
		Facets struct{ Kind []struct{ Value string } }
	}
	rec = do(h, "GET", "/api/v1/search?q="+url.QueryEscape("营商环境")+"&kind=rule&kind=normative")
	json.Unmarshal(rec.Body.Bytes(), &res)
	if res.Total == 0 || len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Snippet, "<mark>") {
		t.Errorf("search = %+v", res)
	}
	for _, f := range res.Facets.Kind {
		if f.Value != "rule" && f.Value != "normative" {
			t.Errorf("kind filter let %q through", f.Value)
		}
	}
}

func TestAPICachingAndCORS(t *testing.T) {
	h := sharedGazette(t)
	for _, path := range []string{"/api/v1/documents/2019-12-2", "/api/v1/issues/2019/12", "/api/v1/search?q=x", "/api/v1/issues/latest"} {
		rec := do(h, "GET", path)
		etag := rec.Header().Get("ETag")
		if rec.Code != 200 || etag == "" || rec.Header().Get("Cache-Control") == "" {
			t.Errorf("GET %s = %d, ETag %q, Cache-Control %q", path, rec.Code, etag, rec.Header().Get("Cache-Control"))
			continue
		}
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q", path, got)
		}
		if rec := do(h, "GET", path, "If-None-Match", etag); rec.Code != 304 || rec.Body.Len() != 0 {
			t.Errorf("GET %s with If-None-Match = %d (%d bytes), want 304", path, rec.Code, rec.Body.Len())
		}
		if rec := do(h, "GET", path, "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "gzip" && rec.Body.Len() > 512 {
			t.Errorf("GET %s: not compressed for a client that accepts gzip", path)
		}
	}
	rec := do(h, "OPTIONS", "/api/v1/search", "Origin", "https://example.org", "Access-Control-Request-Method", "GET")
	if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Methods") == "" {
		t.Errorf("preflight = %d %v", rec.Code, rec.Header())
	}
}

func TestAPIRateLimit(t *testing.T) {
	cases := []struct {
		name    string
		proxies []string
		// xff gives each request a different X-Forwarded-For.
		xff     bool
		limited bool
	}{
		{"one client is limited", nil, false, true},
		{"a spoofed X-Forwarded-For does not escape the limit", nil, true, true},
		{"clients behind a trusted proxy are told apart", []string{"192.0.2.0/24"}, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newGazette(t, frontend.Config{APIRate: 1, APIBurst: 3, TrustedProxies: tc.proxies})
			limited := false
			for i := range 5 {
				req, _ := http.NewRequest("GET", "/api/v1/issues/2019/12", nil)
				req.RemoteAddr = "192.0.2.1:1234"
				if tc.xff {
					req.Header.Set("X-Forwarded-For", "203.0.113."+string(rune('1'+i)))
				}
				rec := newRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code == 429 {
					limited = true
					if rec.Header().Get("Retry-After") == "" || rec.Header().Get("Content-Type") != "application/problem+json" {
						t.Errorf("429 without Retry-After or problem+json: %v", rec.Header())
					}
				}
			}
			if limited != tc.limited {
				t.Errorf("limited = %v, want %v", limited, tc.limited)
			}
			// Pages are not rate-limited.
			if rec := do(h, "GET", "/issues/2019/12"); rec.Code != 200 {
				t.Errorf("reader page = %d", rec.Code)
			}
		})
	}
}

func TestPDF(t *testing.T) {
	h := sharedGazette(t)
	for _, path := range []string{"/issues/2019/12.pdf", "/api/v1/issues/2019/12.pdf", "/issues/2019/s1.pdf"} {
		t.Run(path, func(t *testing.T) {
			rec := do(h, "GET", path)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
				t.Fatalf("GET %s = %d %q", path, rec.Code, rec.Header().Get("Content-Type"))
			}
			etag, lm := rec.Header().Get("ETag"), rec.Header().Get("Last-Modified")
			if etag == "" || lm == "" || rec.Header().Get("Accept-Ranges") != "bytes" {
				t.Errorf("ETag %q Last-Modified %q Accept-Ranges %q", etag, lm, rec.Header().Get("Accept-Ranges"))
			}
			if r := do(h, "GET", path, "Range", "bytes=0-4"); r.Code != 206 || r.Body.String() != "%PDF-" {
				t.Errorf("Range = %d %q", r.Code, r.Body)
			}
			if r := do(h, "GET", path, "If-None-Match", etag); r.Code != 304 {
				t.Errorf("If-None-Match = %d", r.Code)
			}
			if r := do(h, "GET", path, "If-Modified-Since", lm); r.Code != 304 {
				t.Errorf("If-Modified-Since = %d", r.Code)
			}
		})
	}
	if rec := do(h, "GET", "/issues/2019/77.pdf"); rec.Code != 404 {
		t.Errorf("missing PDF = %d", rec.Code)
	}
}

func TestSearchCSV(t *testing.T) {
	h := sharedGazette(t)
	rec := do(h, "GET", "/api/v1/search.csv?q="+url.QueryEscape("营商环境"))
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "\uFEFFid,title,doc_number") {
		t.Fatalf("CSV = %d %q %.80q", rec.Code, rec.Header().Get("Content-Type"), body)
	}
	lines := strings.Count(body, "\n")
	var res struct{ Total int }
	json.Unmarshal(do(h, "GET", "/api/v1/search?q="+url.QueryEscape("营商环境")).Body.Bytes(), &res)
	if lines != res.Total+1 {
		t.Errorf("CSV has %d lines, want %d hits and a header", lines, res.Total)
	}
	if !strings.Contains(body, "闽政〔2019〕1202号") {
		t.Error("CSV lacks a 文号")
	}
}
