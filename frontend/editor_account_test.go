package frontend_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/editorial"
)

var newTokenRE = regexp.MustCompile(`value="(gzt_[A-Za-z0-9_-]+)"`)

// apiStatus calls the editor API with an API token.
func apiStatus(f *edFixture, token string) int {
	req := httptest.NewRequest("GET", "/api/v1/editor/drafts", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec.Code
}

func TestEditorAccountTokens(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ed, other := f.signIn(t, "ed.one"), f.signIn(t, "ed.two")
	if rec := ed.get("/editor/account"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "还没有令牌") {
		t.Fatalf("account page = %d: %.500s", rec.Code, rec.Body)
	}
	refused := []struct {
		name string
		form url.Values
		want int
	}{
		{"no CSRF token", url.Values{"csrf": {""}, "label": {"ci"}, "days": {"30"}}, http.StatusForbidden},
		{"another session's CSRF token", url.Values{"csrf": {other.csrf}, "label": {"ci"}, "days": {"30"}}, http.StatusForbidden},
		{"lifetime not offered", url.Values{"label": {"ci"}, "days": {"100000"}}, http.StatusUnprocessableEntity},
		{"no label", url.Values{"label": {" "}, "days": {"30"}}, http.StatusUnprocessableEntity},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if rec := ed.post("/editor/account/tokens", c.form); rec.Code != c.want {
				t.Errorf("= %d, want %d: %.300s", rec.Code, c.want, rec.Body)
			}
		})
	}
	rec := ed.post("/editor/account/tokens", url.Values{"label": {"夜间导入"}, "days": {"30"}})
	m := newTokenRE.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusCreated || m == nil {
		t.Fatalf("create token = %d, token shown: %v: %.800s", rec.Code, m != nil, rec.Body)
	}
	token := m[1]
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the page showing a new token has Cache-Control %q", cc)
	}
	if code := apiStatus(f, token); code != 200 {
		t.Errorf("the new token on the API = %d", code)
	}
	page := ed.get("/editor/account").Body.String()
	if strings.Contains(page, token) || !strings.Contains(page, "夜间导入") {
		t.Errorf("the account page shows the token again, or not its label:\n%.2000s", page)
	}
	tokens, err := f.ed.Tokens(context.Background(), editorial.Actor{User: "ed.one", Role: editorial.RoleEditor})
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens %+v, %v", tokens, err)
	}
	tk := tokens[0]
	if want := f.clock.Now().Add(30 * 24 * time.Hour); !tk.Expires.Equal(want) {
		t.Errorf("token expires %v, want %v", tk.Expires, want)
	}
	if !strings.Contains(page, "/editor/account/tokens/"+tk.ID+"/revoke") {
		t.Error("the account page has no revoke button for the token")
	}
	if strings.Contains(other.get("/editor/account").Body.String(), tk.ID) {
		t.Error("another editor's account page lists the token")
	}
	revoke := "/editor/account/tokens/" + tk.ID + "/revoke"
	if rec := other.post(revoke, url.Values{}); rec.Code != http.StatusForbidden {
		t.Errorf("another editor revoking = %d, want 403", rec.Code)
	}
	if rec := ed.post(revoke, url.Values{"csrf": {""}}); rec.Code != http.StatusForbidden {
		t.Errorf("revoke without CSRF = %d, want 403", rec.Code)
	}
	if code := apiStatus(f, token); code != 200 {
		t.Errorf("after refused revocations the token = %d, want 200", code)
	}
	if rec := ed.post(revoke, url.Values{}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/editor/account?done=revoked" {
		t.Fatalf("revoke = %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if code := apiStatus(f, token); code != http.StatusUnauthorized {
		t.Errorf("the revoked token on the API = %d, want 401", code)
	}
	if rec := ed.post(revoke, url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("revoking again = %d, want 404", rec.Code)
	}
}

func TestEditorChangePassword(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ed := f.signIn(t, "ed.one")
	const newPassword = "Ferry-quiet-orchard-58"
	refused := []struct {
		name string
		form url.Values
		want int
	}{
		{"no CSRF token", url.Values{"csrf": {""}, "current": {edPassword}, "password": {newPassword}, "confirm": {newPassword}}, http.StatusForbidden},
		{"confirmation differs", url.Values{"current": {edPassword}, "password": {newPassword}, "confirm": {newPassword + "x"}}, http.StatusUnprocessableEntity},
		{"wrong current password", url.Values{"current": {"not-the-password-1"}, "password": {newPassword}, "confirm": {newPassword}}, http.StatusUnauthorized},
		{"too short", url.Values{"current": {edPassword}, "password": {"short-1"}, "confirm": {"short-1"}}, http.StatusUnprocessableEntity},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if rec := ed.post("/editor/account/password", c.form); rec.Code != c.want {
				t.Errorf("= %d, want %d: %.300s", rec.Code, c.want, rec.Body)
			}
		})
	}
	if rec := ed.get("/editor"); rec.Code != 200 {
		t.Fatalf("after refused changes the session = %d, want still signed in", rec.Code)
	}
	rec := ed.post("/editor/account/password", url.Values{"current": {edPassword}, "password": {newPassword}, "confirm": {newPassword}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/editor/signin") {
		t.Fatalf("change password = %d to %q: %.300s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if sc := rec.Header().Get("Set-Cookie"); !strings.Contains(sc, "Max-Age=0") {
		t.Errorf("the session cookie is not cleared: %q", sc)
	}
	if rec := ed.get("/editor"); rec.Code != http.StatusSeeOther {
		t.Errorf("the old session after the change = %d, want a redirect to sign in", rec.Code)
	}
	anon := &client{f: f}
	if rec := anon.post("/editor/signin", url.Values{"name": {"ed.one"}, "password": {edPassword}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("sign in with the old password = %d, want 401", rec.Code)
	}
	if rec := anon.post("/editor/signin", url.Values{"name": {"ed.one"}, "password": {newPassword}}); rec.Code != http.StatusSeeOther {
		t.Errorf("sign in with the new password = %d, want 303", rec.Code)
	}
	entries, err := f.ed.Audit(context.Background(), editorial.CommandLine("test"), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Action == "user.passwd" {
			got = append(got, e.User+":"+e.Outcome)
		}
	}
	// The wrong current password is refused and audited; the too-short
	// one fails validation before anything changes.
	if want := "ed.one:denied ed.one:ok"; strings.Join(got, " ") != want {
		t.Errorf("audit of password changes: %v, want %s", got, want)
	}
}

// TestEditorChangePasswordLockout guesses the current password from a
// signed-in session: after as many wrong guesses as sign-in allows, even
// the right one is refused, and so is signing in, until the lockout ends.
func TestEditorChangePasswordLockout(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ed := f.signIn(t, "ed.one")
	const newPassword = "Ferry-quiet-orchard-58"
	change := func(current string) int {
		return ed.post("/editor/account/password", url.Values{"current": {current}, "password": {newPassword}, "confirm": {newPassword}}).Code
	}
	for i := range editorial.DefaultMaxFailures {
		if code := change("guess-" + strings.Repeat("x", 10+i)); code != http.StatusUnauthorized {
			t.Fatalf("guess %d = %d, want 401", i+1, code)
		}
	}
	if code := change(edPassword); code != http.StatusTooManyRequests {
		t.Errorf("the right password after %d wrong guesses = %d, want 429", editorial.DefaultMaxFailures, code)
	}
	if rec := (&client{f: f}).post("/editor/signin", url.Values{"name": {"ed.one"}, "password": {edPassword}}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("sign-in while locked = %d, want 429", rec.Code)
	}
	f.clock.Set(f.clock.Now().Add(editorial.DefaultLockout + time.Minute))
	ed = f.signIn(t, "ed.one")
	if code := change(edPassword); code != http.StatusSeeOther {
		t.Errorf("after the lockout = %d, want 303", code)
	}
}
