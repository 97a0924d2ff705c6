package frontend_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
)

// Faults found by attacking the server (issue 16), each with the test that
// keeps it fixed.

// multipartForm is a multipart/form-data body of fields in order, as a
// page on another site can make a browser send, and its content type.
func multipartForm(fields ...string) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	_ = mw.Close()
	return &body, mw.FormDataContentType()
}

// TestEditorCSRFWhateverTheEncoding sends the state-changing forms of the
// editor pages as multipart bodies, which another site's page can make a
// signed-in browser send: without the session's token none of them may
// act, and a multipart body where a form never sends one is refused.
// Origin: null (a sandboxed frame, a data: URL) is another site too.
func TestEditorCSRFWhateverTheEncoding(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	alice := f.signIn(t, "ed.one")
	id := alice.newDraft(t)
	etag := alice.draftETag(t, id)
	drafts := func() int {
		t.Helper()
		ds, err := f.ed.Drafts(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor})
		if err != nil {
			t.Fatal(err)
		}
		return len(ds)
	}
	before := drafts()
	forged := []struct {
		name, path string
		fields     []string
	}{
		{"create a draft", "/editor/drafts", nil},
		{"delete a draft", "/editor/drafts/" + id + "/delete", []string{"etag", etag, "confirm", "1"}},
		{"create an API token", "/editor/account/tokens", []string{"label", "evil", "days", "0"}},
		{"sign out", "/editor/signout", nil},
		{"save a draft", "/editor/drafts/" + id, []string{"etag", etag, "gazette", "假公报"}},
	}
	for _, fc := range forged {
		for _, withToken := range []bool{false, true} {
			name := fc.name + " without a token"
			fields := fc.fields
			if withToken {
				// Even with the token a multipart body is not what these
				// forms send: refused as such.
				name = fc.name + " with the token"
				fields = append([]string{"csrf", alice.csrf}, fields...)
			}
			t.Run(name, func(t *testing.T) {
				body, ctype := multipartForm(fields...)
				req := httptest.NewRequest("POST", fc.path, body)
				req.Header.Set("Content-Type", ctype)
				rec := alice.do(req)
				if rec.Code != http.StatusUnsupportedMediaType && (withToken || rec.Code != http.StatusForbidden) {
					t.Errorf("= %d, want 415 (or 403 without the token): %.200s", rec.Code, rec.Body)
				}
			})
		}
	}
	if after := drafts(); after != before {
		t.Errorf("forged requests changed the drafts: %d, were %d", after, before)
	}
	if rec := alice.get("/editor"); rec.Code != http.StatusOK {
		t.Fatalf("forged sign-out signed the editor out: %d", rec.Code)
	}
	if page := alice.get("/editor/account").Body.String(); !strings.Contains(page, "还没有令牌") {
		t.Error("a forged request created an API token")
	}
	// The upload reads its token first: a form whose first field is not
	// the session's token is refused before anything else is read.
	for _, fields := range [][]string{
		{"etag", etag, "csrf", alice.csrf},
		{"etag", etag},
		{"csrf", "", "etag", etag},
	} {
		body, ctype := multipartForm(fields...)
		req := httptest.NewRequest("POST", "/editor/drafts/"+id+"/upload", body)
		req.Header.Set("Content-Type", ctype)
		if rec := alice.do(req); rec.Code != http.StatusForbidden {
			t.Errorf("upload form %q = %d, want 403", fields, rec.Code)
		}
	}
	// Origin: null is cross-site, on sign-in and on every signed-in form.
	nullOrigin := func(cl *client, path string, form url.Values) int {
		req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "null")
		return cl.do(req).Code
	}
	if code := nullOrigin(&client{f: f}, "/editor/signin", url.Values{"name": {"ed.two"}, "password": {edPassword}}); code != http.StatusForbidden {
		t.Errorf("sign-in with Origin: null = %d, want 403", code)
	}
	if code := nullOrigin(alice, "/editor/drafts", url.Values{"csrf": {alice.csrf}}); code != http.StatusForbidden {
		t.Errorf("new draft with Origin: null = %d, want 403", code)
	}
}

// countingBody is a large request body made as it is read, counting what
// the server reads of it.
type countingBody struct {
	r    io.Reader
	read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	return n, err
}

// filler is an endless run of one byte.
type filler byte

func (f filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// bigBody is head, size bytes of 'a' and tail.
func bigBody(head string, size int64, tail string) *countingBody {
	return &countingBody{r: io.MultiReader(strings.NewReader(head), io.LimitReader(filler('a'), size), strings.NewReader(tail))}
}

// TestEditorBodyLimits sends bodies larger than the routes take: each is
// refused (413, or 415 for a multipart body where no form is multipart)
// after reading little of it, and an anonymous one is never read before
// the refusal, so no one can make the server spool 80 MB to disk.
func TestEditorBodyLimits(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ed := f.signIn(t, "ed.one")
	id := ed.newDraft(t)
	token, _, err := f.ed.CreateToken(context.Background(), editorial.Actor{User: "admin.one", Role: editorial.RoleAdmin, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := editorSpec(t, f.srv)
	const huge = 80 << 20
	mp := "--XYZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n"
	cases := []struct {
		name          string
		cl            *client
		method, path  string
		ctype, bearer string
		head, tail    string
		size          int64
		chunked       bool
		want          int
		maxRead       int64
	}{
		{"anonymous multipart sign-in", &client{f: f}, "POST", "/editor/signin", "multipart/form-data; boundary=XYZ", "", mp, "\r\n--XYZ--\r\n", huge, false, http.StatusUnsupportedMediaType, 0},
		{"anonymous 80 MB sign-in form", &client{f: f}, "POST", "/editor/signin", "application/x-www-form-urlencoded", "", "name=ed.one&password=", "", huge, false, http.StatusRequestEntityTooLarge, 0},
		{"anonymous 1 MB sign-in form, chunked", &client{f: f}, "POST", "/editor/signin", "application/x-www-form-urlencoded", "", "name=ed.one&password=", "", 1 << 20, true, http.StatusRequestEntityTooLarge, 64 << 10},
		{"anonymous 80 MB upload", &client{f: f}, "POST", "/editor/drafts/" + id + "/upload", "multipart/form-data; boundary=XYZ", "", mp, "\r\n--XYZ--\r\n", huge, false, http.StatusSeeOther, 0},
		{"anonymous 80 MB draft form", &client{f: f}, "POST", "/editor/drafts/" + id, "application/x-www-form-urlencoded", "", "title=", "", huge, false, http.StatusRequestEntityTooLarge, 0},
		{"anonymous 80 MB PDF to the API", &client{f: f}, "PUT", "/api/v1/editor/drafts/" + id + "/pdf", "application/pdf", "", "%PDF-1.4\n", "", huge, false, http.StatusUnauthorized, 0},
		{"signed-in 1 MB token form", ed, "POST", "/editor/account/tokens", "application/x-www-form-urlencoded", "", "csrf=" + ed.csrf + "&days=0&label=", "", 1 << 20, false, http.StatusRequestEntityTooLarge, 0},
		{"signed-in 1 MB token form, chunked", ed, "POST", "/editor/account/tokens", "application/x-www-form-urlencoded", "", "csrf=" + ed.csrf + "&days=0&label=", "", 1 << 20, true, http.StatusRequestEntityTooLarge, 128 << 10},
		{"API multipart user", &client{f: f}, "POST", "/api/v1/editor/users", "multipart/form-data; boundary=XYZ", token, mp, "\r\n--XYZ--\r\n", 100, false, http.StatusUnsupportedMediaType, 0},
		{"API 1 MB user", &client{f: f}, "POST", "/api/v1/editor/users", "application/json", token, `{"name":"x","password":"`, `"}`, 1 << 20, false, http.StatusRequestEntityTooLarge, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := bigBody(tc.head, tc.size, tc.tail)
			req := httptest.NewRequest(tc.method, tc.path, body)
			req.ContentLength = int64(len(tc.head)+len(tc.tail)) + tc.size
			if tc.chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", tc.ctype)
			if tc.bearer != "" {
				req.Header.Set("Authorization", "Bearer "+tc.bearer)
			}
			rec := tc.cl.do(req)
			if rec.Code != tc.want {
				t.Errorf("= %d, want %d: %.200s", rec.Code, tc.want, rec.Body)
			}
			if strings.HasPrefix(tc.path, "/api/") {
				checkSpec(t, spec, req, nil, rec)
			}
			if body.read > tc.maxRead {
				t.Errorf("the server read %d bytes of the body, want at most %d", body.read, tc.maxRead)
			}
		})
	}
	// A long document still fits the draft form.
	if rec := ed.upload("/editor/drafts/"+id+"/upload", ed.csrf, ed.draftETag(t, id), []byte("%PDF-1.4\n")); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload = %d: %.300s", rec.Code, rec.Body)
	}
	form := draftForm(t, ed.get("/editor/drafts/"+id+"?doc=1").Body.String())
	form.Set("op", "save")
	form.Set("d0.body", strings.Repeat("第一条　为了规范测试工作，制定本办法。\n", 20_000)) // 1.2 MB
	if rec := ed.post("/editor/drafts/"+id, form); rec.Code != http.StatusSeeOther {
		t.Errorf("saving a long document = %d: %.300s", rec.Code, rec.Body)
	}
}

// TestEditorTokensEndWithPassword changes an editor's password on the
// account page, and disables another through the API: the API tokens of
// both stop working.
func TestEditorTokensEndWithPassword(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	token := func(name string, role editorial.Role) string {
		tk, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: name, Role: role, Addr: "test"}, "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		if code := apiStatus(f, tk); code != http.StatusOK {
			t.Fatalf("a new token = %d", code)
		}
		return tk
	}
	mine, theirs, admin := token("ed.one", editorial.RoleEditor), token("ed.two", editorial.RoleEditor), token("admin.one", editorial.RoleAdmin)
	ed := f.signIn(t, "ed.one")
	const newPassword = "Ferry-quiet-orchard-58"
	if rec := ed.post("/editor/account/password", url.Values{"current": {edPassword}, "password": {newPassword}, "confirm": {newPassword}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("change password = %d", rec.Code)
	}
	if code := apiStatus(f, mine); code != http.StatusUnauthorized {
		t.Errorf("a token after its owner changed the password = %d, want 401", code)
	}
	spec := editorSpec(t, f.srv)
	if rec := apiCall(t, f, spec, admin, "PATCH", "/api/v1/editor/users/ed.two", "", map[string]any{"disabled": true}); rec.Code != http.StatusOK {
		t.Fatalf("disable = %d: %.300s", rec.Code, rec.Body)
	}
	if rec := apiCall(t, f, spec, admin, "PATCH", "/api/v1/editor/users/ed.two", "", map[string]any{"disabled": false}); rec.Code != http.StatusOK {
		t.Fatalf("enable = %d: %.300s", rec.Code, rec.Body)
	}
	if code := apiStatus(f, theirs); code != http.StatusUnauthorized {
		t.Errorf("a token after its owner was disabled and enabled = %d, want 401", code)
	}
}

// TestEditorDamagedPDF uploads a PDF the pipeline cannot read, on the page
// and through the API: a 422 saying so, not a 500.
func TestEditorDamagedPDF(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ed := f.signIn(t, "ed.one")
	id := ed.newDraft(t)
	damaged := []byte("%PDF-1.4\n%DAMAGED\n1 0 obj <<")
	rec := ed.upload("/editor/drafts/"+id+"/upload", ed.csrf, ed.draftETag(t, id), damaged)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "无法读取") {
		t.Errorf("upload page = %d: %.1500s", rec.Code, rec.Body)
	}
	tk, _, err := f.ed.CreateToken(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := editorSpec(t, f.srv)
	req := httptest.NewRequest("PUT", "/api/v1/editor/drafts/"+id+"/pdf", bytes.NewReader(damaged))
	req.Header.Set("Authorization", "Bearer "+tk)
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("If-Match", etagOf(t, f, tk, id))
	rec = httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkSpec(t, spec, req, damaged, rec)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("API upload = %d: %.300s", rec.Code, rec.Body)
	}
}

// etagOf is the ETag header of draft id as the API gives it.
func etagOf(t *testing.T, f *edFixture, token, id string) string {
	t.Helper()
	req := httptest.NewRequest("GET", "/api/v1/editor/drafts/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" {
		t.Fatalf("draft %s = %d without ETag", id, rec.Code)
	}
	return rec.Header().Get("ETag")
}

// rawAPICall sends one editor API request with a raw body and checks it
// against the spec.
func rawAPICall(t *testing.T, f *edFixture, spec routers.Router, token, method, path, ifMatch, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkSpec(t, spec, req, []byte(body), rec)
	return rec
}

// TestEditorAPISaveWithoutIssue saves a draft with a body that is null, or
// otherwise holds no issue: refused, and the draft keeps its year and
// number.
func TestEditorAPISaveWithoutIssue(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	tk, _, err := f.ed.CreateToken(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := editorSpec(t, f.srv)
	rec := rawAPICall(t, f, spec, tk, "POST", "/api/v1/editor/drafts", "", "")
	var d struct {
		ID    string `json:"id"`
		Issue struct {
			Year   int `json:"year"`
			Number int `json:"number"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil || rec.Code != http.StatusCreated || d.Issue.Year == 0 {
		t.Fatalf("create = %d %v: %.300s", rec.Code, err, rec.Body)
	}
	etag := rec.Header().Get("ETag")
	for _, body := range []string{"null", " null ", "{}", `{"documents":[]}`, `{"issue":null}`, "[]", `"x"`, "7"} {
		t.Run(body, func(t *testing.T) {
			rec := rawAPICall(t, f, spec, tk, "PUT", "/api/v1/editor/drafts/"+d.ID, etag, body)
			if rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest {
				t.Errorf("= %d, want 422: %.300s", rec.Code, rec.Body)
			}
		})
	}
	after, err := f.ed.Draft(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor}, d.ID)
	if err != nil || after.Issue.Year != d.Issue.Year || after.Issue.Number != d.Issue.Number {
		t.Errorf("the draft after refused saves: %+v, %v; want %d年第%d期", after.Issue.IssueKey, err, d.Issue.Year, d.Issue.Number)
	}
}

// TestEditorAPIPreconditions sends the editor API's conditional requests
// without If-Match (428) and with a stale one (412); the pages, whose
// forms carry the ETag, keep answering 409 with a link to reload.
func TestEditorAPIPreconditions(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	tk, _, err := f.ed.CreateToken(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := editorSpec(t, f.srv)
	rec := rawAPICall(t, f, spec, tk, "POST", "/api/v1/editor/drafts", "", "")
	var d struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	stale := rec.Header().Get("ETag")
	body := `{"issue":{"gazette":"福建省人民政府公报","year":2026,"number":9}}`
	if rec := rawAPICall(t, f, spec, tk, "PUT", "/api/v1/editor/drafts/"+d.ID, stale, body); rec.Code != http.StatusOK {
		t.Fatalf("save = %d: %.300s", rec.Code, rec.Body)
	}
	calls := []struct{ name, method, path, body string }{
		{"save", "PUT", "/api/v1/editor/drafts/" + d.ID, body},
		{"submit", "POST", "/api/v1/editor/drafts/" + d.ID + "/submit", ""},
		{"withdraw", "POST", "/api/v1/editor/drafts/" + d.ID + "/withdraw", ""},
		{"delete", "DELETE", "/api/v1/editor/drafts/" + d.ID, ""},
	}
	for _, c := range calls {
		for _, tc := range []struct {
			ifMatch string
			want    int
		}{{"", http.StatusPreconditionRequired}, {stale, http.StatusPreconditionFailed}, {`"bm90IG91cnM"`, http.StatusPreconditionFailed}} {
			t.Run(fmt.Sprintf("%s If-Match %q", c.name, tc.ifMatch), func(t *testing.T) {
				if rec := rawAPICall(t, f, spec, tk, c.method, c.path, tc.ifMatch, c.body); rec.Code != tc.want {
					t.Errorf("= %d, want %d: %.300s", rec.Code, tc.want, rec.Body)
				}
			})
		}
	}
	// The PDF upload too.
	for _, tc := range []struct {
		ifMatch string
		want    int
	}{{"", http.StatusPreconditionRequired}, {stale, http.StatusPreconditionFailed}} {
		req := httptest.NewRequest("PUT", "/api/v1/editor/drafts/"+d.ID+"/pdf", strings.NewReader("%PDF-1.4\n"))
		req.Header.Set("Authorization", "Bearer "+tk)
		req.Header.Set("Content-Type", "application/pdf")
		if tc.ifMatch != "" {
			req.Header.Set("If-Match", tc.ifMatch)
		}
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		checkSpec(t, spec, req, []byte("%PDF-1.4\n"), rec)
		if rec.Code != tc.want {
			t.Errorf("upload with If-Match %q = %d, want %d", tc.ifMatch, rec.Code, tc.want)
		}
	}
}

// TestMethodNotAllowed asks known paths with methods they do not take:
// 405 with the methods they do take in Allow; unknown paths stay 404, also
// under /api/v1, where every path answers OPTIONS for CORS.
func TestMethodNotAllowed(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	id := strings.Repeat("ab", 16)
	cases := []struct {
		method, path string
		allow        []string // nil: 404
	}{
		{"POST", "/", []string{"GET", "HEAD"}},
		{"DELETE", "/issues/2019/12", []string{"GET", "HEAD"}},
		{"PUT", "/issues/2019/12.pdf", []string{"GET", "HEAD"}},
		{"POST", "/search", []string{"GET", "HEAD"}},
		{"PUT", "/api/v1/issues", []string{"GET", "HEAD", "OPTIONS"}},
		{"POST", "/api/v1/search.csv", []string{"GET", "HEAD", "OPTIONS"}},
		{"PUT", "/editor/signin", []string{"GET", "HEAD", "POST"}},
		{"GET", "/editor/drafts/" + id + "/submit", []string{"POST"}},
		{"POST", "/api/v1/editor/drafts/" + id, []string{"GET", "PUT", "DELETE", "OPTIONS"}},
		{"GET", "/nope", nil},
		{"POST", "/nope", nil},
		{"GET", "/api/v1/nope", nil},
		{"DELETE", "/api/v1/nope/deeper", nil},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := (&client{f: f}).do(httptest.NewRequest(tc.method, tc.path, nil))
			if tc.allow == nil {
				if rec.Code != http.StatusNotFound || rec.Header().Get("Allow") != "" {
					t.Errorf("= %d, Allow %q; want 404 without Allow", rec.Code, rec.Header().Get("Allow"))
				}
				return
			}
			if rec.Code != http.StatusMethodNotAllowed {
				t.Fatalf("= %d, want 405: %.200s", rec.Code, rec.Body)
			}
			allow := strings.Split(rec.Header().Get("Allow"), ", ")
			for _, m := range tc.allow {
				if !slices.Contains(allow, m) {
					t.Errorf("Allow %q lacks %s", rec.Header().Get("Allow"), m)
				}
			}
			if slices.Contains(allow, tc.method) || len(allow) != len(tc.allow) {
				t.Errorf("Allow %q, want %v", rec.Header().Get("Allow"), tc.allow)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	// A browser gets a page.
	req := httptest.NewRequest("POST", "/years", nil)
	req.Header.Set("Accept", "text/html")
	if rec := (&client{f: f}).do(req); rec.Code != http.StatusMethodNotAllowed || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("POST /years from a browser = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	// CORS preflights still answer.
	pre := httptest.NewRequest("OPTIONS", "/api/v1/issues", nil)
	pre.Header.Set("Origin", "https://example.org")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	if rec := (&client{f: f}).do(pre); rec.Code >= 300 {
		t.Errorf("preflight = %d", rec.Code)
	}
}

// TestPDFRangesAndETag asks for the print PDF with many byte ranges: more
// than a few are answered with the whole file (as nginx and Apache do),
// never a multipart answer many times the file's size. The PDF's ETag is
// the SHA-256 the API publishes for it.
func TestPDFRangesAndETag(t *testing.T) {
	h := newGazette(t, frontend.Config{})
	var issue struct {
		PDF struct {
			SHA256 string `json:"sha256"`
			Size   int64  `json:"size"`
		} `json:"pdf"`
	}
	if rec := do(h, "GET", "/api/v1/issues/2019/12"); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &issue) != nil || issue.PDF.SHA256 == "" {
		t.Fatalf("issue = %d: %.300s", rec.Code, rec.Body)
	}
	many := func(n int) string {
		r := make([]string, n)
		for i := range r {
			r[i] = fmt.Sprintf("%d-%d", i%7, i%7)
		}
		return "bytes=" + strings.Join(r, ",")
	}
	for _, path := range []string{"/issues/2019/12.pdf", "/api/v1/issues/2019/12.pdf"} {
		t.Run(path, func(t *testing.T) {
			rec := do(h, "GET", path)
			if rec.Code != 200 || int64(rec.Body.Len()) != issue.PDF.Size {
				t.Fatalf("= %d with %d bytes, want the %d of the PDF", rec.Code, rec.Body.Len(), issue.PDF.Size)
			}
			etag := rec.Header().Get("ETag")
			if etag != `"`+issue.PDF.SHA256+`"` {
				t.Errorf("ETag %s, want the SHA-256 the API publishes, %q", etag, issue.PDF.SHA256)
			}
			if rec := do(h, "GET", path, "If-None-Match", etag); rec.Code != http.StatusNotModified {
				t.Errorf("If-None-Match with the ETag = %d, want 304", rec.Code)
			}
			if rec := do(h, "GET", path, "Range", "bytes=0-9", "If-Range", etag); rec.Code != http.StatusPartialContent || rec.Body.Len() != 10 {
				t.Errorf("If-Range with the ETag = %d with %d bytes, want 206 with 10", rec.Code, rec.Body.Len())
			}
			if rec := do(h, "GET", path, "Range", "bytes=0-1,4-5,9-10"); rec.Code != http.StatusPartialContent || !strings.HasPrefix(rec.Header().Get("Content-Type"), "multipart/byteranges") {
				t.Errorf("three ranges = %d %q, want 206 multipart/byteranges", rec.Code, rec.Header().Get("Content-Type"))
			}
			for _, n := range []int{11, 5000} {
				rec := do(h, "GET", path, "Range", many(n))
				if rec.Code != http.StatusOK || int64(rec.Body.Len()) != issue.PDF.Size {
					t.Errorf("%d ranges = %d with %d bytes, want 200 with the whole %d", n, rec.Code, rec.Body.Len(), issue.PDF.Size)
				}
			}
		})
	}
}

// TestSearchCSVPages checks that search.csv exports the page of hits that
// page and per_page ask for, the same hits as the JSON search's page, and
// the first 1,000 hits without them.
func TestSearchCSVPages(t *testing.T) {
	h := sharedGazette(t)
	ids := func(path string) []string {
		t.Helper()
		rec := do(h, "GET", path)
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d: %.300s", path, rec.Code, rec.Body)
		}
		if strings.Contains(path, ".csv") {
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\uFEFF"))).ReadAll()
			if err != nil || len(rows) == 0 || rows[0][0] != "id" {
				t.Fatalf("GET %s: %v %q", path, err, rows)
			}
			var out []string
			for _, r := range rows[1:] {
				out = append(out, r[0])
			}
			return out
		}
		var res struct {
			Total int
			Hits  []struct{ ID string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, hit := range res.Hits {
			out = append(out, hit.ID)
		}
		return out
	}
	all := ids("/api/v1/search.csv?sort=newest")
	if len(all) < 8 {
		t.Fatalf("only %d hits to page through", len(all))
	}
	for _, q := range []string{"per_page=3", "page=2&per_page=3", "page=3&per_page=3", "page=2&per_page=20", "per_page=100"} {
		t.Run(q, func(t *testing.T) {
			got, want := ids("/api/v1/search.csv?sort=newest&"+q), ids("/api/v1/search?sort=newest&"+q)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("CSV %v, JSON %v", got, want)
			}
		})
	}
	if got := ids("/api/v1/search.csv?sort=newest&page=2&per_page=1000"); len(got) != 0 {
		t.Errorf("page 2 of 1,000 holds %d hits", len(got))
	}
	for _, bad := range []string{"per_page=0", "per_page=1001", "page=0", "page=x", "page=11&per_page=1000"} {
		if rec := do(h, "GET", "/api/v1/search.csv?"+bad); rec.Code != http.StatusBadRequest {
			t.Errorf("%s = %d, want 400", bad, rec.Code)
		}
	}
}
