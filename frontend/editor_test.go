package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/archive"
	"github.com/gazette-archive/gazette/archive/archivetest"
	"github.com/gazette-archive/gazette/archive/bleveindex"
	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/frontend"
	"github.com/gazette-archive/gazette/frontend/frontendtest"
	"github.com/gazette-archive/gazette/gazette"
	"github.com/gazette-archive/gazette/ingest/report"
)

// testClock is a settable time source shared by the archive and editorial.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// edFixture is a whole server with the editor pages, over in-memory storage
// shared by the archive and editorial as in `gazette serve`, and a search
// index, so that the embargo can be checked everywhere.
type edFixture struct {
	srv   *frontend.Server
	arch  *archive.Archive
	ed    *editorial.Service
	clock *testClock
	store archive.Blobs
}

// blobs is the fixture's storage, for planting records as a bug or a
// damaged disk would leave them.
func (f *edFixture) blobs() archive.Blobs { return f.store }

const edPassword = "Qx7-lantern-harbor-91"

var edUsers = map[string]editorial.Role{"ed.one": editorial.RoleEditor, "ed.two": editorial.RoleEditor, "chief.one": editorial.RoleChief, "admin.one": editorial.RoleAdmin}

// edSplit stands in for the ingest pipeline: two documents of issue
// 2026年第5期, found in any uploaded PDF.
func edSplit(ctx context.Context, path string) (*report.Result, error) {
	raw, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(raw, []byte("%PDF-")) {
		return nil, fmt.Errorf("edSplit: not the spooled PDF: %v", err)
	}
	if bytes.Contains(raw, []byte("%DAMAGED")) {
		// As the pipeline fails on a PDF whose text layer and page count
		// cannot be read.
		return nil, fmt.Errorf("extract: %s: worker: pdftext %s: decode failed after 0 pages: malformed PDF (and no page count: pdfinfo: exit status 1)", path, path)
	}
	return &report.Result{
		Issue: report.IssueMeta{Gazette: "福建省人民政府公报", Year: 2026, Number: 5, TotalNumber: 1300, Date: gazette.Date{Year: 2026, Month: 3, Day: 10}},
		Documents: []report.Document{
			{Title: "福建省人民政府关于印发禁运测试办法的通知", DocNumber: "闽政〔2026〕5号", Kind: gazette.KindNormative,
				Authorities: []string{"福建省人民政府"}, Signed: gazette.Date{Year: 2026, Month: 3, Day: 1}, PageStart: 1, PageEnd: 1,
				Text: "各市、县（区）人民政府：\n现将《禁运测试办法》印发给你们，请认真贯彻执行。"},
			{Title: "福建省人民政府关于某某同志任职的通知", Kind: gazette.KindAppointment,
				Authorities: []string{"福建省人民政府"}, PageStart: 2, PageEnd: 2, Text: "任命某某为某某厅厅长。"},
		},
		Pages: make([]report.PageReport, 2),
	}, nil
}

func newEditorGazette(t *testing.T, publicURL string) *edFixture {
	t.Helper()
	ctx := context.Background()
	clk := &testClock{t: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	idx, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	blobs := archivetest.NewMemBlobs()
	arch := archive.New(blobs, idx, nil, archive.WithClock(clk.Now))
	if err := frontendtest.Publish(ctx, arch, frontendtest.Sample(frontendtest.Issue2019, 4)); err != nil {
		t.Fatal(err)
	}
	ed, err := editorial.New(editorial.Config{Blobs: blobs, Archive: arch, Split: edSplit, Now: clk.Now, TempDir: t.TempDir(),
		Argon: editorial.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range edUsers {
		if err := ed.AddUser(ctx, editorial.CommandLine("test"), name, role, edPassword); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := frontend.New(frontend.Config{Archive: arch, Editorial: ed, PublicURL: publicURL, APIRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &edFixture{srv: srv, arch: arch, ed: ed, clock: clk, store: blobs}
}

// client is one browser: its cookie and the CSRF token of its session.
type client struct {
	f      *edFixture
	cookie *http.Cookie
	csrf   string
	last   *httptest.ResponseRecorder // the sign-in's answer
}

func (f *edFixture) signIn(t *testing.T, name string) *client {
	t.Helper()
	cl := &client{f: f}
	rec := cl.post("/editor/signin", url.Values{"name": {name}, "password": {edPassword}, "next": {"/editor"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in %s = %d: %.300s", name, rec.Code, rec.Body)
	}
	cl.cookie = sessionCookie(t, rec)
	cl.csrf = editorial.CSRFToken(cl.cookie.Value)
	cl.last = rec
	return cl
}

// deviceCookie is the device cookie a sign-in set.
func deviceCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if strings.HasSuffix(c.Name, "gazette-device") && c.Value != "" {
			return c
		}
	}
	t.Fatalf("no device cookie set: %v", rec.Header()["Set-Cookie"])
	return nil
}

func sessionCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if strings.HasSuffix(c.Name, "gazette-session") && c.Value != "" {
			return c
		}
	}
	t.Fatalf("no session cookie set: %v", rec.Header()["Set-Cookie"])
	return nil
}

func (cl *client) do(req *http.Request) *httptest.ResponseRecorder {
	if cl.cookie != nil {
		req.AddCookie(cl.cookie)
	}
	rec := httptest.NewRecorder()
	cl.f.srv.ServeHTTP(rec, req)
	return rec
}

func (cl *client) get(path string) *httptest.ResponseRecorder {
	return cl.do(httptest.NewRequest("GET", path, nil))
}

// post sends a form; the session's CSRF token is added unless the form
// has one (even empty).
func (cl *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	if _, ok := form["csrf"]; !ok && cl.csrf != "" {
		form.Set("csrf", cl.csrf)
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cl.do(req)
}

// upload posts a multipart form with the fields first and then the PDF.
func (cl *client) upload(path, csrf, etag string, pdf []byte) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", csrf)
	_ = mw.WriteField("etag", etag)
	fw, _ := mw.CreateFormFile("pdf", "issue.pdf")
	_, _ = fw.Write(pdf)
	_ = mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return cl.do(req)
}

var etagField = regexp.MustCompile(`name="etag" value="([^"]*)"`)

// draftETag reads the ETag the draft page's forms carry.
func (cl *client) draftETag(t *testing.T, id string) string {
	t.Helper()
	rec := cl.get("/editor/drafts/" + id)
	m := etagField.FindStringSubmatch(rec.Body.String())
	if rec.Code != 200 || m == nil {
		t.Fatalf("draft page %s = %d, no ETag: %.300s", id, rec.Code, rec.Body)
	}
	return htmlUnescape(m[1])
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&#43;", "+", "&amp;", "&", "&#39;", "'").Replace(s)
}

// newDraft creates a draft as cl and returns its ID.
func (cl *client) newDraft(t *testing.T) string {
	t.Helper()
	rec := cl.post("/editor/drafts", url.Values{})
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/editor/drafts/") {
		t.Fatalf("new draft = %d %q: %.300s", rec.Code, loc, rec.Body)
	}
	return strings.TrimPrefix(loc, "/editor/drafts/")
}

func TestEditorRoutesRefuseAnonymous(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	anon := &client{f: f}
	draft := strings.Repeat("ab", 16)
	pages := []struct{ method, path string }{
		{"GET", "/editor"},
		{"POST", "/editor/signout"},
		{"POST", "/editor/drafts"},
		{"GET", "/editor/drafts/" + draft},
		{"POST", "/editor/drafts/" + draft},
		{"POST", "/editor/drafts/" + draft + "/upload"},
		{"GET", "/editor/drafts/" + draft + "/print.pdf"},
		{"POST", "/editor/drafts/" + draft + "/submit"},
		{"POST", "/editor/drafts/" + draft + "/approve"},
		{"POST", "/editor/drafts/" + draft + "/reject"},
		{"POST", "/editor/drafts/" + draft + "/schedule"},
		{"POST", "/editor/drafts/" + draft + "/delete"},
		{"POST", "/editor/drafts/" + draft + "/reschedule"},
		{"POST", "/editor/drafts/" + draft + "/unschedule"},
		{"GET", "/editor/users"},
		{"POST", "/editor/users"},
		{"POST", "/editor/users/admin.one/role"},
		{"POST", "/editor/users/admin.one/disabled"},
		{"POST", "/editor/users/admin.one/password"},
		{"GET", "/editor/documents?id=2019-12-1"},
		{"GET", "/editor/documents/2019-12-1"},
		{"POST", "/editor/documents/2019-12-1/correct"},
		{"POST", "/editor/documents/2019-12-1/validity"},
		{"POST", "/editor/documents/2019-12-1/relations"},
		{"GET", "/editor/citations"},
		{"GET", "/editor/coverage"},
		{"GET", "/editor/batches"},
		{"GET", "/editor/quality"},
		{"POST", "/editor/quality/proofs"},
		{"GET", "/editor/batches/0123456789abcdef"},
		{"POST", "/editor/coverage"},
		{"GET", "/editor/audit"},
		{"GET", "/editor/audit.csv"},
		{"GET", "/editor/account"},
		{"POST", "/editor/account/password"},
		{"POST", "/editor/account/tokens"},
		{"POST", "/editor/account/tokens/0123456789abcdef/revoke"},
	}
	for _, p := range pages {
		t.Run("page "+p.method+" "+p.path, func(t *testing.T) {
			rec := anon.do(httptest.NewRequest(p.method, p.path, strings.NewReader("")))
			if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/editor/signin") {
				t.Errorf("= %d to %q, want 303 to the sign-in page", rec.Code, rec.Header().Get("Location"))
			}
		})
	}
	// A signed-in browser's cookie is no credential for the API.
	browser := f.signIn(t, "admin.one")
	apis := []struct{ method, path string }{
		{"GET", "/api/v1/editor/drafts"},
		{"POST", "/api/v1/editor/drafts"},
		{"GET", "/api/v1/editor/drafts/" + draft},
		{"PUT", "/api/v1/editor/drafts/" + draft},
		{"DELETE", "/api/v1/editor/drafts/" + draft},
		{"PUT", "/api/v1/editor/drafts/" + draft + "/pdf"},
		{"GET", "/api/v1/editor/drafts/" + draft + "/pdf"},
		{"POST", "/api/v1/editor/drafts/" + draft + "/submit"},
		{"POST", "/api/v1/editor/drafts/" + draft + "/approve"},
		{"POST", "/api/v1/editor/drafts/" + draft + "/schedule"},
		{"POST", "/api/v1/editor/documents/2019-12-1/corrections"},
		{"POST", "/api/v1/editor/documents/2019-12-1/validity"},
		{"POST", "/api/v1/editor/documents/2019-12-1/relations"},
		{"POST", "/api/v1/editor/documents/2019-12-1/relations/withdraw"},
		{"GET", "/api/v1/editor/citations"},
		{"GET", "/api/v1/editor/audit"},
		{"POST", "/api/v1/editor/drafts/" + draft + "/reschedule"},
		{"POST", "/api/v1/editor/drafts/" + draft + "/unschedule"},
		{"GET", "/api/v1/editor/users"},
		{"POST", "/api/v1/editor/users"},
		{"GET", "/api/v1/editor/users/admin.one"},
		{"PATCH", "/api/v1/editor/users/admin.one"},
		{"PUT", "/api/v1/editor/users/admin.one/password"},
	}
	creds := []struct {
		name   string
		header string
		c      *client
	}{
		{"no credentials", "", anon},
		{"session cookie only", "", browser},
		{"malformed token", "Bearer nonsense", anon},
		{"unknown token", "Bearer gzt_" + strings.Repeat("A", 43), anon},
		{"basic auth", "Basic YWRtaW4ub25lOnB3", anon},
	}
	for _, p := range apis {
		for _, cr := range creds {
			t.Run("api "+p.method+" "+p.path+" "+cr.name, func(t *testing.T) {
				req := httptest.NewRequest(p.method, p.path, strings.NewReader("{}"))
				if cr.header != "" {
					req.Header.Set("Authorization", cr.header)
				}
				rec := cr.c.do(req)
				if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
					t.Errorf("= %d, want 401 with WWW-Authenticate: %.200s", rec.Code, rec.Body)
				}
			})
		}
	}
}

func TestEditorRoutesRefuseUnderPrivileged(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	editor := f.signIn(t, "ed.one")
	id := editor.newDraft(t)
	etag := editor.draftETag(t, id)
	token, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: "ed.one", Role: editorial.RoleEditor, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name, method, path string
		form               url.Values
	}{
		{"approve needs a chief", "POST", "/editor/drafts/" + id + "/approve", url.Values{"etag": {etag}}},
		{"reject needs a chief", "POST", "/editor/drafts/" + id + "/reject", url.Values{"etag": {etag}, "reason": {"no"}}},
		{"audit log needs an admin", "GET", "/editor/audit", nil},
		{"audit export needs an admin", "GET", "/editor/audit.csv", nil},
		{"reschedule needs a chief", "POST", "/editor/drafts/" + id + "/reschedule", url.Values{"etag": {etag}, "release": {"2026-12-01T09:00"}}},
		{"unschedule needs a chief", "POST", "/editor/drafts/" + id + "/unschedule", url.Values{"etag": {etag}}},
		{"users page needs an admin", "GET", "/editor/users", nil},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var rec *httptest.ResponseRecorder
			if p.method == "GET" {
				rec = editor.get(p.path)
			} else {
				rec = editor.post(p.path, p.form)
			}
			if rec.Code != http.StatusForbidden {
				t.Errorf("%s %s = %d, want 403: %.300s", p.method, p.path, rec.Code, rec.Body)
			}
		})
	}
	apis := []struct{ name, method, path string }{
		{"approve", "POST", "/api/v1/editor/drafts/" + id + "/approve"},
		{"reject", "POST", "/api/v1/editor/drafts/" + id + "/reject"},
		{"audit", "GET", "/api/v1/editor/audit"},
		{"reschedule", "POST", "/api/v1/editor/drafts/" + id + "/reschedule"},
		{"unschedule", "POST", "/api/v1/editor/drafts/" + id + "/unschedule"},
		{"users", "GET", "/api/v1/editor/users"},
	}
	for _, p := range apis {
		t.Run("api "+p.name, func(t *testing.T) {
			req := httptest.NewRequest(p.method, p.path, strings.NewReader(`{"reason":"x"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("If-Match", `"x"`)
			rec := (&client{f: f}).do(req)
			if rec.Code != http.StatusForbidden {
				t.Errorf("= %d, want 403: %.300s", rec.Code, rec.Body)
			}
		})
	}
	// The author, even a chief, never approves their own draft.
	chief := f.signIn(t, "chief.one")
	own := chief.newDraft(t)
	rec := chief.post("/editor/drafts/"+own+"/approve", url.Values{"etag": {chief.draftETag(t, own)}})
	if rec.Code != http.StatusForbidden {
		t.Errorf("chief approving their own draft = %d, want 403", rec.Code)
	}
}

func TestEditorCSRF(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	alice, bob := f.signIn(t, "ed.one"), f.signIn(t, "ed.two")
	cases := []struct {
		name   string
		csrf   string
		origin string
		want   int
	}{
		{"missing token", "", "", http.StatusForbidden},
		{"wrong token", "AAAA" + alice.csrf[4:], "", http.StatusForbidden},
		{"another session's token", bob.csrf, "", http.StatusForbidden},
		{"right token from another site", alice.csrf, "https://evil.example", http.StatusForbidden},
		{"right token", alice.csrf, "", http.StatusSeeOther},
		{"right token, same origin", alice.csrf, publicURL, http.StatusSeeOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/editor/drafts", strings.NewReader(url.Values{"csrf": {tc.csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if rec := alice.do(req); rec.Code != tc.want {
				t.Errorf("= %d, want %d: %.200s", rec.Code, tc.want, rec.Body)
			}
		})
	}
	id := alice.newDraft(t)
	etag := alice.draftETag(t, id)
	for _, csrf := range []string{"", bob.csrf} {
		if rec := alice.upload("/editor/drafts/"+id+"/upload", csrf, etag, []byte("%PDF-1.4\n")); rec.Code != http.StatusForbidden {
			t.Errorf("upload with CSRF %q = %d, want 403", csrf, rec.Code)
		}
	}
	if d, err := f.ed.Draft(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor}, id); err != nil || d.Issue.PDF.SHA256 != "" {
		t.Errorf("a forged upload reached the draft: %v %+v", err, d.Issue.PDF)
	}
	// Signing out needs the token too, so no other site can sign anyone out.
	if rec := alice.post("/editor/signout", url.Values{"csrf": {""}}); rec.Code != http.StatusForbidden {
		t.Errorf("sign out without token = %d, want 403", rec.Code)
	}
}

func TestEditorSessionCookie(t *testing.T) {
	cases := []struct {
		name, publicURL, cookie string
		secure                  bool
	}{
		{"http", "http://gazette.test", "gazette-session", false},
		{"https", "https://gazette.example.org", "__Host-gazette-session", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newEditorGazette(t, tc.publicURL)
			cl := f.signIn(t, "ed.one")
			c := cl.cookie
			if c.Name != tc.cookie || c.Secure != tc.secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %+v", c)
			}
		})
	}
}

func TestEditorSessionFixation(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	// An attacker signs in and plants their session token in the victim's
	// browser; the victim then signs in with it present.
	attacker := f.signIn(t, "ed.two")
	planted := attacker.cookie.Value
	victim := &client{f: f, cookie: &http.Cookie{Name: "gazette-session", Value: planted}}
	rec := victim.post("/editor/signin", url.Values{"name": {"ed.one"}, "password": {edPassword}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in = %d", rec.Code)
	}
	fresh := sessionCookie(t, rec)
	if fresh.Value == planted {
		t.Fatal("the planted session token was kept")
	}
	if rec := (&client{f: f, cookie: &http.Cookie{Name: "gazette-session", Value: planted}}).get("/editor"); rec.Code != http.StatusSeeOther {
		t.Errorf("the planted token still works after sign-in: %d", rec.Code)
	}
	victim.cookie = fresh
	if rec := victim.get("/editor"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "ed.one") {
		t.Errorf("the new session does not work: %d", rec.Code)
	}
	// A made-up token is no session either.
	made := &client{f: f, cookie: &http.Cookie{Name: "gazette-session", Value: strings.Repeat("A", 43)}}
	if rec := made.get("/editor"); rec.Code != http.StatusSeeOther {
		t.Errorf("a made-up token was accepted: %d", rec.Code)
	}
}

// TestEditorSignInLockout has a stranger guess an editor's password: the
// name is throttled for the stranger, with Retry-After, as an unknown name
// is after as many failures, while the editor's browser, which signed in
// before, signs in with the right password.
func TestEditorSignInLockout(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	editor := f.signIn(t, "ed.one")
	device := deviceCookie(t, editor.last)
	anon := &client{f: f}
	for _, name := range []string{"ed.one", "no.such.editor"} {
		var last *httptest.ResponseRecorder
		for range editorial.DefaultMaxFailures + 1 {
			last = anon.post("/editor/signin", url.Values{"name": {name}, "password": {"wrong-password-123"}})
		}
		if last.Code != http.StatusTooManyRequests || last.Header().Get("Retry-After") != "1" {
			t.Errorf("%s after %d failures = %d, Retry-After %q; want 429, 1", name, editorial.DefaultMaxFailures+1, last.Code, last.Header().Get("Retry-After"))
		}
		if rec := anon.post("/editor/signin", url.Values{"name": {name}, "password": {edPassword}}); rec.Code != http.StatusTooManyRequests {
			t.Errorf("%s: right password while throttled = %d, want 429", name, rec.Code)
		}
	}
	browser := &client{f: f, cookie: device}
	rec := browser.post("/editor/signin", url.Values{"name": {"ed.one"}, "password": {edPassword}})
	if rec.Code != http.StatusSeeOther {
		t.Errorf("the editor's browser while strangers are throttled = %d, want 303: %.300s", rec.Code, rec.Body)
	}
	if c := deviceCookie(t, rec); c.Value != device.Value || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.MaxAge <= 0 && c.Expires.IsZero() {
		t.Errorf("device cookie after sign-in: %+v", c)
	}
	if rec := anon.post("/editor/signin", url.Values{"name": {"ed.two"}, "password": {"nope-nope-nope"}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("wrong password = %d, want 401", rec.Code)
	}
	// The next= of the sign-in form never leads to another site.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/editor\\@evil"} {
		rec := anon.post("/editor/signin", url.Values{"name": {"chief.one"}, "password": {edPassword}, "next": {next}})
		if loc := rec.Header().Get("Location"); loc != "/editor" {
			t.Errorf("next=%q led to %q", next, loc)
		}
	}
}

// publicPlaces are every public place an issue can show: pages, API,
// search, feeds, the sitemap and PDF URLs, each with what shows it there.
func publicPlaces(key gazette.IssueKey, id, title, word, docnum string) map[string]string {
	p := fmt.Sprintf("/issues/%d/%d", key.Year, key.Number)
	year := fmt.Sprintf("/years/%d", key.Year)
	return map[string]string{
		"/": p, "/years": year, year: p, p: title, p + ".pdf": "%PDF", "/documents/" + id: title,
		"/search?q=" + url.QueryEscape(word):   title,
		"/search?q=" + url.QueryEscape(docnum): "/documents/" + id, // a 文号 found redirects to its document
		"/feeds/issues.atom":                   p, "/feeds/documents.atom": title, "/sitemap.xml": p,
		"/api/v1/issues": p, "/api/v1/issues?year=" + fmt.Sprint(key.Year): p, "/api/v1/issues/latest": p,
		"/api/v1" + p: title, "/api/v1" + p + ".pdf": "%PDF",
		"/api/v1/documents/" + id: title, "/api/v1/documents?ids=" + id: title, "/api/v1/search?q=" + url.QueryEscape(word): title,
		"/api/v1/search.csv?q=" + url.QueryEscape(word): title, "/api/v1/docnum/" + url.PathEscape(docnum): title,
	}
}

// shows reports whether a public response shows the issue: a success
// carrying the marker, or a redirect to it.
func shows(rec *httptest.ResponseRecorder, marker string) bool {
	switch rec.Code {
	case http.StatusOK:
		return strings.Contains(rec.Body.String(), marker)
	case http.StatusFound, http.StatusSeeOther, http.StatusMovedPermanently:
		return strings.Contains(rec.Header().Get("Location"), marker)
	}
	return false
}

// TestEditorEmbargo schedules an issue and checks that nothing of it is
// public anywhere until PublishDue runs past its moment, and then
// everything is.
func TestEditorEmbargo(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	key := gazette.IssueKey{Year: 2026, Number: 5}
	s := frontendtest.Sample(key, 3)
	const title = "福建省人民政府关于禁运期间测试事项的通知"
	s.Documents[0].Title = title
	s.Documents[0].DocNumber = "闽政〔2026〕77号"
	embargoRun(t, f, s, publicPlaces(key, s.Documents[0].ID, title, "禁运期间测试", s.Documents[0].DocNumber))
}

// embargoRun schedules s two hours before its moment, the caches warmed
// at places first, and checks that no place shows its marker until
// PublishDue runs past the moment, and then every place does.
func embargoRun(t *testing.T, f *edFixture, s archivetest.Sample, places map[string]string) {
	t.Helper()
	ctx := context.Background()
	release := s.Issue.Published
	f.clock.Set(release.Add(-2 * time.Hour))
	anon := &client{f: f}
	// Warm the caches before scheduling: they must not hide the issue later.
	for p := range places {
		anon.get(p)
	}
	if err := f.arch.Schedule(ctx, s.Issue, bytes.NewReader(s.PDF), s.Documents); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, want bool) {
		t.Helper()
		for p, marker := range places {
			if got := shows(anon.get(p), marker); got != want {
				t.Errorf("GET %s shows the issue: %v, want %v", p, got, want)
			}
		}
	}
	t.Run("before the moment", func(t *testing.T) {
		if keys, err := f.arch.PublishDue(ctx, release.Add(-time.Second)); err != nil || len(keys) != 0 {
			t.Fatalf("PublishDue before the moment published %v, %v", keys, err)
		}
		check(t, false)
	})
	t.Run("after the moment", func(t *testing.T) {
		f.clock.Set(release.Add(time.Minute))
		keys, err := f.arch.PublishDue(ctx, release.Add(time.Second))
		if err != nil || len(keys) != 1 {
			t.Fatalf("PublishDue = %v, %v", keys, err)
		}
		f.srv.Invalidate() // as `gazette serve` does after a publication
		check(t, true)
	})
}

// TestEditorWorkflow takes an issue from a new draft to publication and a
// correction through the editor pages, as two people.
func TestEditorWorkflow(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	editor, chief := f.signIn(t, "ed.one"), f.signIn(t, "chief.one")

	if rec := editor.get("/editor"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "2026年第1期") {
		t.Errorf("drafts page does not suggest the next number: %d %.500s", rec.Code, rec.Body)
	}
	id := editor.newDraft(t)
	etag := editor.draftETag(t, id)
	if rec := editor.upload("/editor/drafts/"+id+"/upload", editor.csrf, etag, []byte("%PDF-1.4\n% test\n")); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload = %d: %.500s", rec.Code, rec.Body)
	}
	page := editor.get("/editor/drafts/" + id).Body.String()
	if !strings.Contains(page, "2026年第5期 · 草稿") {
		t.Errorf("draft page heading does not say what the issue is: %.1500s", page)
	}
	doc1 := editor.get("/editor/drafts/" + id + "?doc=1").Body.String()
	for _, want := range []string{"禁运测试办法", "闽政〔2026〕5号", "/editor/drafts/" + id + "/print.pdf#page=1"} {
		if !strings.Contains(doc1, want) {
			t.Errorf("draft page of 第1篇 after upload lacks %q", want)
		}
	}
	if rec := editor.get("/editor/drafts/" + id + "?doc=9"); rec.Code != http.StatusNotFound {
		t.Errorf("?doc=9 of a 2-document draft = %d, want 404", rec.Code)
	}
	if rec := editor.get("/editor/drafts/" + id + "/print.pdf"); rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "%PDF") {
		t.Errorf("draft PDF = %d", rec.Code)
	}
	// The natural order: fix a field and save with the release time still
	// empty. The draft saves, and the desk keeps working for everyone.
	form := draftForm(t, page)
	form.Set("release", "")
	form.Set("total", "1300")
	form.Set("op", "save")
	if rec := editor.post("/editor/drafts/"+id, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save without a release time = %d: %.500s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/editor", "/editor/drafts/" + id, "/editor/drafts/" + id + "?doc=1"} {
		if rec := editor.get(path); rec.Code != 200 {
			t.Fatalf("%s after a save without a release time = %d", path, rec.Code)
		}
	}
	// A value that cannot be read: nothing saved, the form comes back as
	// typed with the reason in Chinese beside the field.
	form = draftForm(t, editor.get("/editor/drafts/"+id).Body.String())
	form.Set("number", "五")
	form.Set("op", "save")
	rec := editor.post("/editor/drafts/"+id, form)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `value="五"`) || !strings.Contains(rec.Body.String(), "“五”不是整数") {
		t.Errorf("save of an unreadable number = %d: %.2000s", rec.Code, rec.Body)
	}
	stale := editor.draftETag(t, id)
	form = draftForm(t, editor.get("/editor/drafts/"+id+"?doc=2").Body.String())
	form.Set("op", "save")
	form.Set("d1.title", "福建省人民政府关于某某同志任职的通知（已核对）")
	if rec := editor.post("/editor/drafts/"+id, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save = %d: %.500s", rec.Code, rec.Body)
	}
	// A second save from the same, now stale, form is a conflict with a
	// way back.
	form.Set("d1.title", "覆盖")
	rec = editor.post("/editor/drafts/"+id, form)
	if rec.Code != http.StatusPreconditionFailed || !strings.Contains(rec.Body.String(), `href="/editor/drafts/`+id+`"`) {
		t.Errorf("stale save = %d, want 412 with a reload link: %.500s", rec.Code, rec.Body)
	}
	if etag := editor.draftETag(t, id); etag == stale {
		t.Error("the ETag did not change on save")
	}
	// Reorder: the appointment first, then back.
	for _, step := range []struct{ doc, op string }{{"2", "up:2"}, {"1", "down:1"}} {
		form := draftForm(t, editor.get("/editor/drafts/"+id+"?doc="+step.doc).Body.String())
		form.Set("op", step.op)
		if rec := editor.post("/editor/drafts/"+id, form); rec.Code != http.StatusSeeOther {
			t.Fatalf("%s = %d: %.300s", step.op, rec.Code, rec.Body)
		}
	}
	if got := editor.get("/editor/drafts/" + id + "?doc=2").Body.String(); !strings.Contains(got, "（已核对）") {
		t.Error("after moving up and down, 第2篇 is not the appointment")
	}
	if rec := editor.post("/editor/drafts/"+id+"/submit", url.Values{"etag": {editor.draftETag(t, id)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("submit = %d: %.500s", rec.Code, rec.Body)
	}
	// Locked once submitted.
	if got := editor.get("/editor/drafts/" + id).Body.String(); !strings.Contains(got, "2026年第5期 · 待审核") || strings.Contains(got, "上传并拆分") || !strings.Contains(got, "撤回修改") {
		t.Errorf("a submitted draft's page: %.3000s", got)
	}
	// The author cannot approve, and is told why.
	if got := editor.get("/editor/drafts/" + id).Body.String(); !strings.Contains(got, "审核需由主编进行") {
		t.Errorf("the author is not told why there is no approval")
	}
	if rec := chief.post("/editor/drafts/"+id+"/approve", url.Values{"etag": {chief.draftETag(t, id)}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("approve = %d: %.500s", rec.Code, rec.Body)
	}
	// No release time yet: an editor cannot schedule; the chief chooses
	// the moment, and a moment past is refused in Chinese.
	if rec := editor.post("/editor/drafts/"+id+"/schedule", url.Values{"etag": {editor.draftETag(t, id)}}); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "请先选择发布时间") {
		t.Errorf("editor schedules without a moment = %d: %.1500s", rec.Code, rec.Body)
	}
	if rec := chief.post("/editor/drafts/"+id+"/schedule", url.Values{"etag": {chief.draftETag(t, id)}, "release": {"2026-02-27T09:00"}}); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "立即发布") {
		t.Errorf("schedule in the past = %d: %.1500s", rec.Code, rec.Body)
	}
	if rec := chief.post("/editor/drafts/"+id+"/schedule", url.Values{"etag": {chief.draftETag(t, id)}, "release": {"2026-03-10T09:00"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("schedule = %d: %.500s", rec.Code, rec.Body)
	}
	anon := &client{f: f}
	if rec := anon.get("/documents/2026-5-1"); rec.Code != http.StatusNotFound {
		t.Errorf("scheduled document before release = %d", rec.Code)
	}
	release := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC) // 09:00 in China
	if keys, _ := f.arch.PublishDue(ctx, release.Add(-time.Minute)); len(keys) != 0 {
		t.Fatalf("published before the release: %v", keys)
	}
	f.clock.Set(release.Add(time.Minute))
	if keys, err := f.arch.PublishDue(ctx, f.clock.Now()); err != nil || len(keys) != 1 {
		t.Fatalf("PublishDue = %v %v", keys, err)
	}
	f.srv.Invalidate()
	if home := anon.get("/").Body.String(); !strings.Contains(home, "2026年第5期") {
		t.Error("the published issue is not on the home page")
	}
	if doc := anon.get("/documents/2026-5-2").Body.String(); !strings.Contains(doc, "（已核对）") {
		t.Error("the edited title was not published")
	}

	// A correction through the editor page; nine days later the sessions
	// have long expired.
	editor = f.signIn(t, "ed.one")
	edit := editor.get("/editor/documents/2026-5-1")
	if edit.Code != 200 {
		t.Fatalf("correction page = %d", edit.Code)
	}
	cf := url.Values{"version": {"1"}, "title": {"福建省人民政府关于印发禁运测试办法的通知"}, "kind": {"normative"}, "docnum": {"闽政〔2026〕5号"},
		"authorities": {"福建省人民政府"}, "signed": {"2026-03-01"}, "body": {"各市、县（区）人民政府：\n现将《禁运测试办法》印发给你们，请认真遵照执行。"},
		"reason": {"第二段“贯彻”应为“遵照”"}, "date": {"2026-03-12"}}
	if rec := editor.post("/editor/documents/2026-5-1/correct", cf); rec.Code != http.StatusSeeOther {
		t.Fatalf("correct = %d: %.500s", rec.Code, rec.Body)
	}
	if rec := editor.post("/editor/documents/2026-5-1/correct", cf); rec.Code != http.StatusPreconditionFailed || !strings.Contains(rec.Body.String(), `href="/editor/documents/2026-5-1"`) {
		t.Errorf("a correction from a stale version = %d, want 412 with a reload link: %.500s", rec.Code, rec.Body)
	}
	doc := anon.get("/documents/2026-5-1").Body.String()
	for _, want := range []string{"请认真遵照执行", "勘误", "第二段“贯彻”应为“遵照”", "2026年3月12日", `href="/documents/2026-5-1?v=1"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("corrected document page lacks %q", want)
		}
	}
	old := anon.get("/documents/2026-5-1?v=1").Body.String()
	if !strings.Contains(old, "请认真贯彻执行") || !strings.Contains(old, "已被勘误取代") || !strings.Contains(old, `name="robots" content="noindex"`) {
		t.Errorf("version 1 is not shown as superseded:\n%.2000s", old)
	}
	if rec := anon.get("/documents/2026-5-1?v=2"); rec.Code != http.StatusFound {
		t.Errorf("?v= of the current version = %d, want a redirect to the page", rec.Code)
	}
	for _, bad := range []string{"0", "x", "9"} {
		if rec := anon.get("/documents/2026-5-1?v=" + bad); rec.Code != http.StatusBadRequest && rec.Code != http.StatusNotFound {
			t.Errorf("?v=%s = %d", bad, rec.Code)
		}
	}
	if feed := anon.get("/feeds/corrections.atom").Body.String(); !strings.Contains(feed, "禁运测试办法") || !strings.Contains(feed, "贯彻") {
		t.Errorf("corrections feed:\n%.1000s", feed)
	}

	// A validity change, linked to the document that made it.
	if rec := editor.post("/editor/documents/2026-5-1/validity", url.Values{"state": {"repealed"}, "since": {"2026-03-11"}, "changed_by": {"2019-12-1"}, "note": {"被新办法取代"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("validity = %d: %.500s", rec.Code, rec.Body)
	}
	doc = anon.get("/documents/2026-5-1").Body.String()
	for _, want := range []string{"时效变更", "已废止", `href="/documents/2019-12-1"`, "被新办法取代"} {
		if !strings.Contains(doc, want) {
			t.Errorf("document page after the validity change lacks %q", want)
		}
	}
	var api struct {
		Version  int `json:"version"`
		Versions []struct {
			Number     int `json:"number"`
			Correction *struct {
				Reason string `json:"reason"`
			} `json:"correction"`
		} `json:"versions"`
		ValidityHistory []struct {
			State     string `json:"state"`
			ChangedBy string `json:"changed_by"`
		} `json:"validity_history"`
	}
	rec = anon.get("/api/v1/documents/2026-5-1")
	if err := json.Unmarshal(rec.Body.Bytes(), &api); err != nil {
		t.Fatal(err)
	}
	if api.Version != 2 || len(api.Versions) != 2 || api.Versions[1].Correction == nil || len(api.ValidityHistory) != 1 || api.ValidityHistory[0].ChangedBy != "2019-12-1" {
		t.Errorf("API document: %+v", api)
	}
	if strings.Contains(rec.Body.String(), "ed.one") {
		t.Error("the API names the editor who made the change")
	}

	// The audit log, for administrators.
	admin := f.signIn(t, "admin.one")
	audit := admin.get("/editor/audit?from=2026-01-01&to=2026-12-31")
	for _, want := range []string{"draft.approve", "chief.one", "draft.schedule", "document.correct", "document.validity", "document/2026-5-1"} {
		if !strings.Contains(audit.Body.String(), want) {
			t.Errorf("audit page lacks %q", want)
		}
	}
	if rec := admin.get("/editor/audit.csv?from=2026-01-01&to=2026-12-31"); rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "time,user,role") {
		t.Errorf("audit CSV = %d %.200s", rec.Code, rec.Body)
	}
}

var fieldRE = regexp.MustCompile(`<(input|textarea|select)[^>]*name="([^"]+)"[^>]*>`)
var valueRE = regexp.MustCompile(`value="([^"]*)"`)
var selectedRE = regexp.MustCompile(`<option value="([^"]*)" selected>`)

// draftForm reads the draft editing form's current values from its page,
// as a browser would submit them.
func draftForm(t *testing.T, page string) url.Values {
	t.Helper()
	start := strings.Index(page, `class="ed-form`)
	if start < 0 {
		t.Fatalf("no draft form in %.500s", page)
	}
	form := page[start:]
	form = form[:strings.Index(form, "</form>")]
	vals := url.Values{}
	for _, m := range fieldRE.FindAllStringSubmatchIndex(form, -1) {
		tag, name := form[m[2]:m[3]], form[m[4]:m[5]]
		el := form[m[0]:m[1]]
		switch tag {
		case "input":
			if strings.Contains(el, `type="checkbox"`) && !strings.Contains(el, "checked") {
				continue
			}
			if v := valueRE.FindStringSubmatch(el); v != nil {
				vals.Set(name, htmlUnescape(v[1]))
			} else {
				vals.Set(name, "")
			}
		case "textarea":
			rest := form[m[1]:]
			vals.Set(name, htmlUnescape(rest[:strings.Index(rest, "</textarea>")]))
		case "select":
			rest := form[m[1]:]
			rest = rest[:strings.Index(rest, "</select>")]
			if v := selectedRE.FindStringSubmatch(rest); v != nil {
				vals.Set(name, v[1])
			}
		}
	}
	return vals
}

// TestEditorAPI runs the workflow through the JSON API with tokens.
func TestEditorAPI(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	tok := func(user string) string {
		t.Helper()
		tk, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: user, Role: edUsers[user], Addr: "test"}, "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	edTok, chiefTok := tok("ed.one"), tok("chief.one")
	spec := editorSpec(t, f.srv)
	// Every call, refusals included, is checked against the OpenAPI
	// document.
	call := func(token, method, path, ifMatch, ctype string, body []byte) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		checkSpec(t, spec, req, body, rec)
		return rec
	}
	rec := call(edTok, "POST", "/api/v1/editor/drafts", "", "", nil)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create = %d: %s", rec.Code, rec.Body)
	}
	var d struct {
		ID        string             `json:"id"`
		ETag      string             `json:"etag"`
		State     string             `json:"state"`
		Issue     gazette.Issue      `json:"issue"`
		Documents []gazette.Document `json:"documents"`
	}
	read := func(rec *httptest.ResponseRecorder) {
		t.Helper()
		if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil || rec.Header().Get("ETag") != d.ETag {
			t.Fatalf("draft answer %d: %v %s", rec.Code, err, rec.Body)
		}
	}
	read(rec)
	if rec := call(edTok, "PUT", "/api/v1/editor/drafts/"+d.ID+"/pdf", `"stale"`, "application/pdf", []byte("%PDF-1.4\n")); rec.Code != http.StatusPreconditionFailed {
		t.Errorf("upload with a stale ETag = %d, want 412", rec.Code)
	}
	rec = call(edTok, "PUT", "/api/v1/editor/drafts/"+d.ID+"/pdf", d.ETag, "application/pdf", []byte("%PDF-1.4\n"))
	if rec.Code != 200 {
		t.Fatalf("upload = %d: %s", rec.Code, rec.Body)
	}
	read(rec)
	if len(d.Documents) != 2 {
		t.Fatalf("documents after upload: %d", len(d.Documents))
	}
	d.Issue.Published = time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	body, _ := json.Marshal(d)
	if rec := call(edTok, "PUT", "/api/v1/editor/drafts/"+d.ID, "", "application/json", body); rec.Code != http.StatusPreconditionRequired {
		t.Errorf("save without If-Match = %d, want 428", rec.Code)
	}
	first := d.ETag
	rec = call(edTok, "PUT", "/api/v1/editor/drafts/"+d.ID, d.ETag, "application/json", body)
	if rec.Code != 200 {
		t.Fatalf("save = %d: %s", rec.Code, rec.Body)
	}
	read(rec)
	if rec := call(edTok, "PUT", "/api/v1/editor/drafts/"+d.ID, first, "application/json", body); rec.Code != http.StatusPreconditionFailed {
		t.Errorf("a second save from the same version = %d, want 412", rec.Code)
	}
	for _, step := range []struct{ token, action string }{{edTok, "submit"}, {chiefTok, "approve"}, {edTok, "schedule"}} {
		rec := call(step.token, "POST", "/api/v1/editor/drafts/"+d.ID+"/"+step.action, d.ETag, "", nil)
		if rec.Code != 200 {
			t.Fatalf("%s = %d: %s", step.action, rec.Code, rec.Body)
		}
		read(rec)
	}
	if d.State != string(editorial.StateScheduled) {
		t.Errorf("state %s, want scheduled", d.State)
	}
	if rec := call(edTok, "POST", "/api/v1/editor/drafts/"+d.ID+"/approve", d.ETag, "", nil); rec.Code != http.StatusForbidden {
		t.Errorf("an editor approving = %d, want 403", rec.Code)
	}
	if rec := call(chiefTok, "POST", "/api/v1/editor/drafts/"+d.ID+"/submit", d.ETag, "", nil); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("submitting a scheduled draft = %d, want 422", rec.Code)
	}
	f.clock.Set(d.Issue.Published.Add(time.Minute))
	if keys, err := f.arch.PublishDue(ctx, f.clock.Now()); err != nil || len(keys) != 1 {
		t.Fatalf("PublishDue = %v %v", keys, err)
	}
	corr, _ := json.Marshal(map[string]any{"reason": "错字", "date": "2026-03-12", "document": func() gazette.Document {
		doc, err := f.arch.Document(ctx, "2026-5-2")
		if err != nil {
			t.Fatal(err)
		}
		doc.Body = []string{"任命某某为某某厅副厅长。"}
		return *doc
	}()})
	if rec := call(edTok, "POST", "/api/v1/editor/documents/2026-5-2/corrections", "", "application/json", corr); rec.Code != http.StatusCreated {
		t.Fatalf("correction = %d: %s", rec.Code, rec.Body)
	}
	if rec := call(edTok, "POST", "/api/v1/editor/documents/2026-5-2/validity", "", "application/json", []byte(`{"state":"repealed","since":"2026-04-01"}`)); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("repeal without the repealing document = %d, want 422: %s", rec.Code, rec.Body)
	}
	if rec := call(edTok, "POST", "/api/v1/editor/documents/2026-5-2/validity", "", "application/json", []byte(`{"state":"expired","since":"2026-04-01"}`)); rec.Code != http.StatusCreated {
		t.Errorf("expiry = %d: %s", rec.Code, rec.Body)
	}
	// The correction and the expiry are in the audit log, by the token's
	// owner; the refused repeal changed nothing and is not.
	entries, err := f.ed.Audit(ctx, editorial.CommandLine("test"), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Object == "document/2026-5-2" {
			got = append(got, e.Action+":"+e.User+":"+e.Outcome)
		}
	}
	if want := "document.correct:ed.one:ok document.validity:ed.one:ok"; strings.Join(got, " ") != want {
		t.Errorf("audit of the document: %v, want %s", got, want)
	}
}
