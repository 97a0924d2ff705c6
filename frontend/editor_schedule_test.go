package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// edRelease is the release moment scheduledDraft gives its issue:
// 2026-03-10 09:00 in China.
var edRelease = time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)

// scheduledDraft takes a draft of 2026年第5期 (edSplit's) through the pages
// to scheduled for edRelease and returns its ID.
func scheduledDraft(t *testing.T, f *edFixture, editor, chief *client) string {
	t.Helper()
	id := editor.newDraft(t)
	if rec := editor.upload("/editor/drafts/"+id+"/upload", editor.csrf, editor.draftETag(t, id), []byte("%PDF-1.4\n% test\n")); rec.Code != http.StatusSeeOther {
		t.Fatalf("upload = %d: %.300s", rec.Code, rec.Body)
	}
	form := draftForm(t, editor.get("/editor/drafts/"+id).Body.String())
	form.Set("release", edRelease.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04"))
	form.Set("op", "save")
	steps := []struct {
		cl   *client
		path string
		form url.Values
	}{
		{editor, "/editor/drafts/" + id, form},
		{editor, "/editor/drafts/" + id + "/submit", nil},
		{chief, "/editor/drafts/" + id + "/approve", nil},
		{editor, "/editor/drafts/" + id + "/schedule", nil},
	}
	for _, s := range steps {
		if s.form == nil {
			s.form = url.Values{"etag": {s.cl.draftETag(t, id)}}
		}
		if rec := s.cl.post(s.path, s.form); rec.Code != http.StatusSeeOther {
			t.Fatalf("%s = %d: %.500s", s.path, rec.Code, rec.Body)
		}
	}
	return id
}

// embargoed checks that 2026年第5期 shows, or does not show, in every public
// place.
func embargoed(t *testing.T, f *edFixture, public bool) {
	t.Helper()
	f.srv.Invalidate()
	anon := &client{f: f}
	for p, marker := range publicPlaces(gazette.IssueKey{Year: 2026, Number: 5}, "2026-5-1", "福建省人民政府关于印发禁运测试办法的通知", "禁运测试办法", "闽政〔2026〕5号") {
		if got := shows(anon.get(p), marker); got != public {
			t.Errorf("GET %s shows the issue: %v, want %v", p, got, public)
		}
	}
}

// TestEditorReschedule moves a scheduled issue's release through the
// draft page: nothing is public at the old moment, everything at the new.
func TestEditorReschedule(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	editor, chief := f.signIn(t, "ed.one"), f.signIn(t, "chief.one")
	id := scheduledDraft(t, f, editor, chief)
	page := chief.get("/editor/drafts/" + id).Body.String()
	if !strings.Contains(page, `action="/editor/drafts/`+id+`/reschedule"`) || !strings.Contains(page, `<label for="new-release">`) {
		t.Fatalf("the chief's draft page has no reschedule form:\n%.3000s", page)
	}
	if strings.Contains(editor.get("/editor/drafts/"+id).Body.String(), "/reschedule") {
		t.Error("an editor's draft page offers rescheduling")
	}
	later := "2026-03-12T09:00"
	newRelease := time.Date(2026, 3, 12, 1, 0, 0, 0, time.UTC)
	refused := []struct {
		name string
		cl   *client
		form url.Values
		want int
	}{
		{"no CSRF token", chief, url.Values{"csrf": {""}, "etag": {chief.draftETag(t, id)}, "release": {later}}, http.StatusForbidden},
		{"an editor", editor, url.Values{"etag": {editor.draftETag(t, id)}, "release": {later}}, http.StatusForbidden},
		{"stale form", chief, url.Values{"etag": {"stale"}, "release": {later}}, http.StatusPreconditionFailed},
		{"into the past", chief, url.Values{"etag": {chief.draftETag(t, id)}, "release": {"2026-02-01T09:00"}}, http.StatusUnprocessableEntity},
		{"not a time", chief, url.Values{"etag": {chief.draftETag(t, id)}, "release": {"soon"}}, http.StatusUnprocessableEntity},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) {
			if rec := r.cl.post("/editor/drafts/"+id+"/reschedule", r.form); rec.Code != r.want {
				t.Errorf("= %d, want %d: %.300s", rec.Code, r.want, rec.Body)
			}
		})
	}
	if rec := chief.post("/editor/drafts/"+id+"/reschedule", url.Values{"etag": {chief.draftETag(t, id)}, "release": {later}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("reschedule = %d: %.500s", rec.Code, rec.Body)
	}
	if page := chief.get("/editor/drafts/" + id).Body.String(); !strings.Contains(page, "2026-03-12 09:00") {
		t.Error("the draft page does not show the new moment")
	}
	f.clock.Set(edRelease.Add(time.Minute))
	if keys, err := f.arch.PublishDue(ctx, f.clock.Now()); err != nil || len(keys) != 0 {
		t.Fatalf("PublishDue at the old moment = %v, %v", keys, err)
	}
	t.Run("after the old moment", func(t *testing.T) { embargoed(t, f, false) })
	f.clock.Set(newRelease.Add(-time.Second))
	if keys, _ := f.arch.PublishDue(ctx, f.clock.Now()); len(keys) != 0 {
		t.Fatalf("published a second early: %v", keys)
	}
	f.clock.Set(newRelease)
	if keys, err := f.arch.PublishDue(ctx, f.clock.Now()); err != nil || len(keys) != 1 {
		t.Fatalf("PublishDue at the new moment = %v, %v", keys, err)
	}
	t.Run("at the new moment", func(t *testing.T) { embargoed(t, f, true) })
	chief = f.signIn(t, "chief.one") // days later: the session has expired
	// Published: no more rescheduling or withdrawing.
	for _, action := range []string{"reschedule", "unschedule"} {
		rec := chief.post("/editor/drafts/"+id+"/"+action, url.Values{"etag": {chief.draftETag(t, id)}, "release": {"2026-04-01T09:00"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s after publication = %d, want 422: %.300s", action, rec.Code, rec.Body)
		}
	}
	entries, err := f.ed.Audit(ctx, editorial.CommandLine("test"), time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.Action == "draft.reschedule" && e.Outcome == editorial.OutcomeOK {
			got = append(got, e.User+": "+e.Detail)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "chief.one: 2026年第5期 from 2026-03-10T01:00:00Z to 2026-03-12T01:00:00Z") {
		t.Errorf("audited reschedules: %q", got)
	}
}

// TestEditorUnschedule withdraws a scheduled issue through the API: it is
// never published at its old moment; scheduled again for a new one, it is
// published then.
func TestEditorUnschedule(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	spec := editorSpec(t, f.srv)
	id := scheduledDraft(t, f, f.signIn(t, "ed.one"), f.signIn(t, "chief.one"))
	token := func(name string, role editorial.Role) string {
		tk, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: name, Role: role, Addr: "test"}, "ci", 0)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	chief, editor := token("chief.one", editorial.RoleChief), token("ed.one", editorial.RoleEditor)
	etag := func() string {
		rec := apiCall(t, f, spec, editor, "GET", "/api/v1/editor/drafts/"+id, "", nil)
		return rec.Header().Get("ETag")
	}
	state := func(rec interface{ Bytes() []byte }) string {
		var d struct{ State string }
		json.Unmarshal(rec.Bytes(), &d)
		return d.State
	}
	if rec := apiCall(t, f, spec, editor, "POST", "/api/v1/editor/drafts/"+id+"/unschedule", etag(), nil); rec.Code != http.StatusForbidden {
		t.Errorf("editor unschedules = %d, want 403", rec.Code)
	}
	if rec := apiCall(t, f, spec, chief, "POST", "/api/v1/editor/drafts/"+id+"/unschedule", `"stale"`, nil); rec.Code != http.StatusPreconditionFailed {
		t.Errorf("unschedule with a stale ETag = %d, want 412", rec.Code)
	}
	rec := apiCall(t, f, spec, chief, "POST", "/api/v1/editor/drafts/"+id+"/unschedule", etag(), nil)
	if rec.Code != 200 || state(rec.Body) != "approved" {
		t.Fatalf("unschedule = %d: %.500s", rec.Code, rec.Body)
	}
	if s, err := f.arch.Scheduled(ctx); err != nil || len(s) != 0 {
		t.Errorf("the archive still holds %v, %v", s, err)
	}
	for _, at := range []time.Time{edRelease, edRelease.Add(24 * time.Hour)} {
		f.clock.Set(at)
		if keys, err := f.arch.PublishDue(ctx, at); err != nil || len(keys) != 0 {
			t.Fatalf("PublishDue at %v = %v, %v", at, keys, err)
		}
	}
	t.Run("withdrawn", func(t *testing.T) { embargoed(t, f, false) })
	f.clock.Set(edRelease.Add(-24 * time.Hour))
	if rec := apiCall(t, f, spec, chief, "POST", "/api/v1/editor/drafts/"+id+"/reschedule", etag(), map[string]any{"release": edRelease.Add(48 * time.Hour)}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("reschedule of a draft not scheduled = %d, want 422", rec.Code)
	}
	// Scheduled again, then moved two days on.
	if rec := apiCall(t, f, spec, editor, "POST", "/api/v1/editor/drafts/"+id+"/schedule", etag(), nil); rec.Code != 200 {
		t.Fatalf("schedule again = %d: %.300s", rec.Code, rec.Body)
	}
	moved := edRelease.Add(48 * time.Hour)
	rec = apiCall(t, f, spec, chief, "POST", "/api/v1/editor/drafts/"+id+"/reschedule", etag(), map[string]any{"release": moved})
	if rec.Code != 200 || state(rec.Body) != "scheduled" {
		t.Fatalf("reschedule = %d: %.500s", rec.Code, rec.Body)
	}
	if keys, _ := f.arch.PublishDue(ctx, edRelease.Add(time.Hour)); len(keys) != 0 {
		t.Fatalf("published at the old moment: %v", keys)
	}
	f.clock.Set(moved)
	if keys, err := f.arch.PublishDue(ctx, moved); err != nil || len(keys) != 1 {
		t.Fatalf("PublishDue at the new moment = %v, %v", keys, err)
	}
	t.Run("published at the new moment", func(t *testing.T) { embargoed(t, f, true) })
}
