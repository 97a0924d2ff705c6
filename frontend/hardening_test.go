package frontend_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/editorial"
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
