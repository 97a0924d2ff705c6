package frontend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/gazette-archive/gazette/editorial"
)

// TestEditorUsersPages manages accounts through /editor/users as an
// administrator, and tries the same as others.
func TestEditorUsersPages(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	admin, editor := f.signIn(t, "admin.one"), f.signIn(t, "ed.one")

	page := admin.get("/editor/users")
	if page.Code != 200 {
		t.Fatalf("users page = %d: %.300s", page.Code, page.Body)
	}
	for _, want := range []string{`href="/editor/users"`, "ed.one", "chief.one", "从未登录", `action="/editor/users/ed.one/role"`, `<label for="role-ed.one">`} {
		if !strings.Contains(page.Body.String(), want) {
			t.Errorf("users page lacks %q", want)
		}
	}
	if strings.Contains(page.Body.String(), `action="/editor/users/admin.one/role"`) {
		t.Error("the users page offers administrators a change of their own role")
	}
	if strings.Contains(editor.get("/editor").Body.String(), `href="/editor/users"`) {
		t.Error("an editor's navigation links to the users page")
	}

	steps := []struct {
		name, path string
		form       url.Values
		done       string
	}{
		{"add", "/editor/users", url.Values{"name": {"xu.jing"}, "role": {"chief"}, "password": {"Orchid-rain-7731-k"}}, "added"},
		{"role", "/editor/users/xu.jing/role", url.Values{"role": {"editor"}}, "role"},
		{"disable", "/editor/users/xu.jing/disabled", url.Values{"disabled": {"1"}}, "disabled"},
		{"enable", "/editor/users/xu.jing/disabled", url.Values{"disabled": {"0"}}, "enabled"},
		{"reset password", "/editor/users/xu.jing/password", url.Values{"password": {"Second-orchid-rain-9"}}, "password"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			// Without the CSRF token first: refused, nothing changed.
			forged := url.Values{"csrf": {""}}
			for k, v := range s.form {
				forged[k] = v
			}
			if rec := admin.post(s.path, forged); rec.Code != http.StatusForbidden {
				t.Errorf("without CSRF = %d, want 403", rec.Code)
			}
			rec := admin.post(s.path, s.form)
			if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/editor/users?done="+s.done+"&user=xu.jing" {
				t.Fatalf("= %d to %q: %.300s", rec.Code, loc, rec.Body)
			}
		})
	}
	u, err := f.ed.User(ctx, editorial.CommandLine("test"), "xu.jing")
	if err != nil || u.Role != editorial.RoleEditor || u.Disabled {
		t.Fatalf("after the steps: %+v, %v", u, err)
	}
	if rec := (&client{f: f}).post("/editor/signin", url.Values{"name": {"xu.jing"}, "password": {"Second-orchid-rain-9"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("sign in with the reset password = %d", rec.Code)
	}
	if !strings.Contains(admin.get("/editor/users?done=role&user=xu.jing").Body.String(), "已更改角色：xu.jing") {
		t.Error("the users page does not report the change")
	}

	refused := []struct {
		name string
		cl   *client
		path string
		form url.Values
		want int
	}{
		{"editor makes themselves admin", editor, "/editor/users/ed.one/role", url.Values{"role": {"admin"}}, http.StatusForbidden},
		{"editor adds an admin", editor, "/editor/users", url.Values{"name": {"evil.one"}, "role": {"admin"}, "password": {"Orchid-rain-7731-k"}}, http.StatusForbidden},
		{"editor disables an admin", editor, "/editor/users/admin.one/disabled", url.Values{"disabled": {"1"}}, http.StatusForbidden},
		{"editor resets an admin's password", editor, "/editor/users/admin.one/password", url.Values{"password": {"Orchid-rain-7731-k"}}, http.StatusForbidden},
		{"admin demotes themselves", admin, "/editor/users/admin.one/role", url.Values{"role": {"editor"}}, http.StatusUnprocessableEntity},
		{"admin disables themselves", admin, "/editor/users/admin.one/disabled", url.Values{"disabled": {"1"}}, http.StatusUnprocessableEntity},
		{"admin resets their own password here", admin, "/editor/users/admin.one/password", url.Values{"password": {"Orchid-rain-7731-k"}}, http.StatusUnprocessableEntity},
		{"name taken", admin, "/editor/users", url.Values{"name": {"ed.two"}, "role": {"editor"}, "password": {"Orchid-rain-7731-k"}}, http.StatusConflict},
		{"bad name", admin, "/editor/users", url.Values{"name": {"../x"}, "role": {"editor"}, "password": {"Orchid-rain-7731-k"}}, http.StatusUnprocessableEntity},
		{"unknown role", admin, "/editor/users/ed.two/role", url.Values{"role": {"root"}}, http.StatusUnprocessableEntity},
		{"unknown user", admin, "/editor/users/no.such/disabled", url.Values{"disabled": {"1"}}, http.StatusNotFound},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) {
			if rec := r.cl.post(r.path, r.form); rec.Code != r.want {
				t.Errorf("= %d, want %d: %.300s", rec.Code, r.want, rec.Body)
			}
		})
	}
	if rec := editor.get("/editor/users"); rec.Code != http.StatusForbidden {
		t.Errorf("editor opens the users page = %d, want 403", rec.Code)
	}
	if rec := f.signIn(t, "chief.one").get("/editor/users"); rec.Code != http.StatusForbidden {
		t.Errorf("chief opens the users page = %d, want 403", rec.Code)
	}
	if got, _ := f.ed.User(ctx, editorial.CommandLine("test"), "ed.one"); got.Role != editorial.RoleEditor {
		t.Errorf("the editor's role is now %s", got.Role)
	}
	if got, _ := f.ed.User(ctx, editorial.CommandLine("test"), "admin.one"); got.Role != editorial.RoleAdmin || got.Disabled {
		t.Errorf("the admin is now %+v", got)
	}
	entries, err := f.ed.Audit(ctx, editorial.CommandLine("test"), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]int{}
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "user.") && e.Action != "user.add" || e.Action == "user.add" && e.User != "(command line)" {
			audited[e.User+" "+e.Action+" "+e.Outcome]++
		}
	}
	for _, want := range []string{"admin.one user.add ok", "admin.one user.role ok", "admin.one user.disable ok", "admin.one user.enable ok",
		"admin.one user.passwd ok", "ed.one user.role denied", "ed.one user.add denied", "admin.one user.role denied", "admin.one user.disable denied"} {
		if audited[want] == 0 {
			t.Errorf("audit lacks %q: %v", want, audited)
		}
	}
}

// editorSpec loads the OpenAPI document the server publishes, for the
// editor API's requests and responses.
func editorSpec(t *testing.T, h http.Handler) routers.Router {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("spec is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: publicURL + "/api/v1"}}
	// Bodies that are not JSON: PDFs both ways, the audit log's lines.
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.FileBodyDecoder)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

// apiCall sends one editor API request with a token and checks the
// request and the response against the spec.
func apiCall(t *testing.T, f *edFixture, spec routers.Router, token, method, path, ifMatch string, body any) *httptest.ResponseRecorder {
	t.Helper()
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(method, publicURL+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	checkSpec(t, spec, req, raw, rec)
	return rec
}

// checkSpec checks an editor API request that succeeded, and every
// response, against the spec; raw is the request's body.
func checkSpec(t *testing.T, spec routers.Router, req *http.Request, raw []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	r := req.Clone(context.Background())
	r.URL, _ = url.Parse(publicURL + req.URL.RequestURI())
	r.Body = io.NopCloser(bytes.NewReader(raw))
	route, params, err := spec.FindRoute(r)
	if err != nil {
		t.Errorf("%s %s: not in the spec: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if rec.Code < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: request does not match the spec: %v", req.Method, req.URL.Path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s: response does not match the spec: %v\n%.500s", req.Method, req.URL.Path, err, rec.Body)
	}
}

func TestEditorUsersAPI(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	spec := editorSpec(t, f.srv)
	token := func(name string, role editorial.Role) string {
		tk, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: name, Role: role, Addr: "test"}, "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	admin, editor := token("admin.one", editorial.RoleAdmin), token("ed.one", editorial.RoleEditor)

	rec := apiCall(t, f, spec, admin, "GET", "/api/v1/editor/users", "", nil)
	var list struct{ Users []map[string]any }
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != 200 || len(list.Users) != len(edUsers) {
		t.Fatalf("list = %d %v: %.300s", rec.Code, err, rec.Body)
	}
	for _, u := range list.Users {
		if _, ok := u["password_hash"]; ok {
			t.Errorf("the API shows a password hash: %v", u)
		}
		if u["name"] == "admin.one" && u["last_sign_in"] != nil {
			t.Errorf("admin.one never signed in, yet %v", u["last_sign_in"])
		}
	}
	rec = apiCall(t, f, spec, admin, "POST", "/api/v1/editor/users", "", map[string]string{"name": "he.ping", "role": "chief", "password": "Orchid-rain-7731-k"})
	if rec.Code != http.StatusCreated || rec.Header().Get("Location") != "/api/v1/editor/users/he.ping" {
		t.Fatalf("add = %d %q: %.300s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	rec = apiCall(t, f, spec, admin, "PATCH", "/api/v1/editor/users/he.ping", "", map[string]any{"role": "editor", "disabled": true})
	var u struct {
		Role     string
		Disabled bool
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &u); err != nil || rec.Code != 200 || u.Role != "editor" || !u.Disabled {
		t.Fatalf("patch = %d %+v: %.300s", rec.Code, u, rec.Body)
	}
	if rec := apiCall(t, f, spec, admin, "PUT", "/api/v1/editor/users/he.ping/password", "", map[string]string{"password": "Another-orchid-55x"}); rec.Code != http.StatusNoContent {
		t.Errorf("reset password = %d: %.300s", rec.Code, rec.Body)
	}
	if rec := apiCall(t, f, spec, admin, "GET", "/api/v1/editor/users/he.ping", "", nil); rec.Code != 200 {
		t.Errorf("get user = %d", rec.Code)
	}

	refused := []struct {
		name, token, method, path string
		body                      any
		want                      int
	}{
		{"editor lists users", editor, "GET", "/api/v1/editor/users", nil, http.StatusForbidden},
		{"editor makes themselves admin", editor, "PATCH", "/api/v1/editor/users/ed.one", map[string]any{"role": "admin"}, http.StatusForbidden},
		{"editor adds an admin", editor, "POST", "/api/v1/editor/users", map[string]string{"name": "evil.one", "role": "admin", "password": "Orchid-rain-7731-k"}, http.StatusForbidden},
		{"editor resets an admin's password", editor, "PUT", "/api/v1/editor/users/admin.one/password", map[string]string{"password": "Orchid-rain-7731-k"}, http.StatusForbidden},
		{"admin disables themselves", admin, "PATCH", "/api/v1/editor/users/admin.one", map[string]any{"disabled": true}, http.StatusUnprocessableEntity},
		{"empty change", admin, "PATCH", "/api/v1/editor/users/ed.one", map[string]any{}, http.StatusUnprocessableEntity},
		{"misspelt field", admin, "PATCH", "/api/v1/editor/users/ed.one", map[string]any{"rol": "admin"}, http.StatusUnprocessableEntity},
		{"unknown user", admin, "GET", "/api/v1/editor/users/no.such", nil, http.StatusNotFound},
		{"weak password", admin, "POST", "/api/v1/editor/users", map[string]string{"name": "weak.one", "role": "editor", "password": "short"}, http.StatusUnprocessableEntity},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) {
			if rec := apiCall(t, f, spec, r.token, r.method, r.path, "", r.body); rec.Code != r.want {
				t.Errorf("= %d, want %d: %.300s", rec.Code, r.want, rec.Body)
			}
		})
	}
	if got, _ := f.ed.User(ctx, editorial.CommandLine("test"), "ed.one"); got.Role != editorial.RoleEditor {
		t.Errorf("ed.one is now %s", got.Role)
	}
	// A demoted administrator's token loses the rights at once.
	if err := f.ed.AddUser(ctx, editorial.CommandLine("test"), "admin.two", editorial.RoleAdmin, edPassword); err != nil {
		t.Fatal(err)
	}
	second := token("admin.two", editorial.RoleAdmin)
	if rec := apiCall(t, f, spec, admin, "PATCH", "/api/v1/editor/users/admin.two", "", map[string]any{"role": "editor"}); rec.Code != 200 {
		t.Fatalf("demote = %d", rec.Code)
	}
	if rec := apiCall(t, f, spec, second, "GET", "/api/v1/editor/users", "", nil); rec.Code != http.StatusForbidden {
		t.Errorf("the demoted admin's token = %d, want 403", rec.Code)
	}
}
