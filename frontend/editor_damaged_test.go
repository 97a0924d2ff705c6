package frontend_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gazette-archive/gazette/editorial"
	"github.com/gazette-archive/gazette/gazette"
)

// TestEditorDamagedDraft: one draft record that cannot be read (as the
// old bug wrote it, published_date "0001-01-01") never takes the desk
// down. The list, the API list and the other drafts keep working; the
// damaged one opens as damaged, and a chief editor repairs or deletes it.
func TestEditorDamagedDraft(t *testing.T) {
	f := newEditorGazette(t, publicURL)
	ctx := context.Background()
	editor, chief := f.signIn(t, "ed.one"), f.signIn(t, "chief.one")
	good := editor.newDraft(t)
	plant := func(id, raw string) {
		t.Helper()
		if _, err := f.blobs().Put(ctx, "editorial/drafts/"+id+"/draft.json", strings.NewReader(raw), int64(len(raw)), gazette.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	bad := "0123456789abcdef0123456789abcdef"
	plant(bad, `{"id":"`+bad+`","issue":{"gazette":"福建省人民政府公报","year":2026,"number":3},"documents":[{"title":"某某通知","kind":"normative","published_date":"0001-01-01","validity":{"state":"in_force"}}],"state":"drafting","author":"ed.one","contributors":["ed.one"],"rev":3}`)
	hopeless := "fedcba9876543210fedcba9876543210"
	plant(hopeless, `{"id": 12, "documents": "oops"`)

	if rec := editor.get("/editor"); rec.Code != 200 || strings.Count(rec.Body.String(), "记录已损坏") != 2 || !strings.Contains(rec.Body.String(), "/editor/drafts/"+good) {
		t.Fatalf("drafts page with damaged records = %d: %.3000s", rec.Code, rec.Body)
	}
	if rec := editor.get("/editor/drafts/" + good); rec.Code != 200 {
		t.Errorf("a good draft beside damaged ones = %d", rec.Code)
	}
	page := editor.get("/editor/drafts/" + bad)
	if page.Code != 200 || !strings.Contains(page.Body.String(), "documents[0].published_date") || !strings.Contains(page.Body.String(), "修复或删除需由主编进行") {
		t.Errorf("damaged draft page for an editor = %d: %.3000s", page.Code, page.Body)
	}
	page = chief.get("/editor/drafts/" + bad)
	etag := valueOf(t, page.Body.String(), "etag")
	if rec := editor.post("/editor/drafts/"+bad+"/repair", url.Values{"etag": {etag}}); rec.Code != http.StatusForbidden {
		t.Errorf("an editor repairs = %d", rec.Code)
	}
	if rec := chief.post("/editor/drafts/"+bad+"/repair", url.Values{"etag": {etag}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("repair = %d: %.1000s", rec.Code, rec.Body)
	}
	if rec := editor.get("/editor/drafts/" + bad + "?doc=1"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "某某通知") {
		t.Errorf("repaired draft = %d: %.1000s", rec.Code, rec.Body)
	}

	// The API: the list answers, the damaged record apart; the draft
	// itself is a conflict to resolve; a chief editor deletes it.
	tk, _, err := f.ed.CreateToken(ctx, editorial.Actor{User: "chief.one", Role: editorial.RoleChief, Addr: "test"}, "ci", 0)
	if err != nil {
		t.Fatal(err)
	}
	spec := editorSpec(t, f.srv)
	rec := apiCall(t, f, spec, tk, "GET", "/api/v1/editor/drafts", "", nil)
	var list struct {
		Drafts  []struct{ ID string }
		Damaged []struct{ ID, ETag string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || rec.Code != 200 || len(list.Drafts) != 2 || len(list.Damaged) != 1 || list.Damaged[0].ID != hopeless {
		t.Fatalf("API drafts = %d %+v, %v", rec.Code, list, err)
	}
	if rec := apiCall(t, f, spec, tk, "GET", "/api/v1/editor/drafts/"+hopeless, "", nil); rec.Code != http.StatusConflict {
		t.Errorf("API GET of a damaged draft = %d", rec.Code)
	}
	if rec := apiCall(t, f, spec, tk, "DELETE", "/api/v1/editor/drafts/"+hopeless, list.Damaged[0].ETag, nil); rec.Code != http.StatusNoContent {
		t.Errorf("API DELETE of a damaged draft = %d: %s", rec.Code, rec.Body)
	}
	if rec := editor.get("/editor"); strings.Contains(rec.Body.String(), "记录已损坏") {
		t.Error("the deleted damaged draft is still listed")
	}
}

// valueOf is the value of the first input named name in page.
func valueOf(t *testing.T, page, name string) string {
	t.Helper()
	i := strings.Index(page, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no input %s in %.500s", name, page)
	}
	rest := page[i+len(`name="`+name+`" value="`):]
	return htmlUnescape(rest[:strings.Index(rest, `"`)])
}
